/*
 * Copyright 2026 The AI FinOps Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { FinopsPermissionPolicy, readFinopsPolicyOptions } from './policy';

/**
 * Installs {@link FinopsPermissionPolicy} as the portal's permission policy:
 * FinOps permissions by `permission.finops`, everything else allowed. Use it
 * in place of `@backstage/plugin-permission-backend-module-allow-all-policy`;
 * a portal with its own policy wraps it instead (see the README).
 *
 * @public
 */
export const permissionModuleFinopsPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'finops-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, config, userInfo }) {
        policy.setPolicy(
          new FinopsPermissionPolicy(readFinopsPolicyOptions(config), userInfo),
        );
      },
    });
  },
});
