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

import { PriceCatalog } from '@ai-finops/backstage-plugin-finops-node';
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import path from 'node:path';
import { createFinopsActions } from './actions';

/**
 * The AI FinOps scaffolder module: adds the `finops:*` actions to the
 * scaffolder.
 *
 * @public
 */
export const scaffolderModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'finops',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        auditor: coreServices.auditor,
      },
      async init({ scaffolderActions, logger, config, auditor }) {
        // Paths are relative to the backend's working directory.
        const resolve = (key: string) => {
          const value = config.getOptionalString(key);
          return value === undefined ? undefined : path.resolve(value);
        };
        const policiesDir = resolve('finops.guardrails.policies');
        const pricesFile = resolve('finops.guardrails.prices');
        // The price catalog without its learned layer: the prices learned
        // from FOCUS bills live in the finops plugin's database, which this
        // (scaffolder) plugin cannot read.
        const gpuPrice = PriceCatalog.fromConfig(config).gpuPriceLookup();
        const actions = createFinopsActions({
          policiesDir,
          pricesFile,
          gpuPrice,
          auditor,
        });
        scaffolderActions.addActions(...actions);
        logger.info(
          `AI FinOps scaffolder actions registered: ${actions
            .map(a => a.id)
            .join(', ')}; guardrail policies: ${
            policiesDir ?? 'none configured (finops.guardrails.policies)'
          }`,
        );
      },
    });
  },
});
