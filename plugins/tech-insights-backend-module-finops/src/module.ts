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
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { techInsightsFactRetrieversExtensionPoint } from '@backstage-community/plugin-tech-insights-node';
import { readFinopsFactRetrieverOptions } from './options';
import {
  createFinopsCatalogFactRetriever,
  createFinopsCostFactRetriever,
} from './retrievers';

/**
 * Adds the FinOps fact retrievers to the tech-insights backend. The backend
 * schedules a retriever only when `techInsights.factRetrievers.<id>.cadence`
 * is set; see the README for the config and the recommended checks.
 *
 * @public
 */
export const techInsightsModuleFinops = createBackendModule({
  pluginId: 'tech-insights',
  moduleId: 'finops',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        catalog: catalogServiceRef,
        factRetrievers: techInsightsFactRetrieversExtensionPoint,
      },
      async init({ config, logger, catalog, factRetrievers }) {
        const options = readFinopsFactRetrieverOptions(config);
        const retrievers = [
          createFinopsCatalogFactRetriever({ catalog, ...options }),
          createFinopsCostFactRetriever({ catalog, ...options }),
        ];
        factRetrievers.addFactRetrievers(
          Object.fromEntries(retrievers.map(r => [r.id, r])),
        );
        for (const { id } of retrievers) {
          if (!config.has(`techInsights.factRetrievers.${id}.cadence`)) {
            logger.warn(
              `techInsights.factRetrievers.${id}.cadence is not set: the tech-insights backend will not run the FinOps fact retriever ${id}`,
            );
          }
        }
      },
    });
  },
});
