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

import { createFinopsDataSourceModule } from '@ai-finops/backstage-plugin-finops-node';
import { OpenCostDataSource } from './OpenCostDataSource';

/**
 * The AI FinOps OpenCost module: when `finops.opencost.baseUrl` is set, adds
 * the `opencost` data source, which reads hourly Kubernetes cost allocation
 * from the OpenCost API.
 *
 * @public
 */
export const finopsModuleOpencost = createFinopsDataSourceModule({
  moduleId: 'opencost',
  async init({ config, logger, dataSources }) {
    const source = OpenCostDataSource.fromConfig(config);
    if (!source) {
      logger.debug(
        'AI FinOps OpenCost source is off; set finops.opencost.baseUrl to turn it on',
      );
      return;
    }
    dataSources.addDataSource(source);
    logger.info(
      `AI FinOps OpenCost source is on: source '${source.id}' reads ${source.baseUrl}/allocation/compute hourly, aggregated by ${source.aggregate}, in ${source.currency}`,
    );
  },
});
