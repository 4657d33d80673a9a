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
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { finopsApiRef, FinopsClient } from './api';

/**
 * The AI FinOps frontend plugin, for apps on the legacy frontend system. Apps
 * on the new frontend system use the default export of
 * `@ai-finops/backstage-plugin-finops/alpha` instead.
 *
 * @public
 */
export const finopsPlugin = createPlugin({
  id: 'finops',
  apis: [
    createApiFactory({
      api: finopsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new FinopsClient({ discoveryApi, fetchApi }),
    }),
  ],
});

/**
 * The entity cost card, for the legacy `EntityPage`: month-to-date spend and
 * trend, budget burn, the last 30 days, unit economics and top cost drivers.
 *
 * @public
 */
export const EntityFinopsCostCard = finopsPlugin.provide(
  createComponentExtension({
    name: 'EntityFinopsCostCard',
    component: {
      lazy: () =>
        import('./components/FinopsCostCard').then(m => m.FinopsCostCard),
    },
  }),
);
