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
import { CsvCarbonSource } from './CsvCarbonSource';
import { ElectricityMapsCarbonSource } from './ElectricityMapsCarbonSource';

/**
 * The AI FinOps carbon-intensity module: adds `carbon-electricitymaps`
 * when `finops.carbon.electricityMaps` is set and `carbon-csv` when
 * `finops.carbon.csv` is. Without either, the engine uses the static
 * annual factors per region (Cloud Carbon Footprint) of finops-common.
 *
 * @public
 */
export const finopsModuleCarbon = createFinopsDataSourceModule({
  moduleId: 'carbon',
  async init({ config, logger, dataSources }) {
    const electricityMaps = ElectricityMapsCarbonSource.fromConfig(config);
    const csv = CsvCarbonSource.fromConfig(config);
    if (electricityMaps) {
      dataSources.addDataSource(electricityMaps);
      logger.info(
        `AI FinOps carbon source '${electricityMaps.id}' reads ${
          electricityMaps.client.baseUrl
        } for ${Object.entries(electricityMaps.zones)
          .map(([region, zone]) => `${region} (${zone})`)
          .join(', ')}`,
      );
    }
    if (csv) {
      dataSources.addDataSource(csv);
      logger.info(
        `AI FinOps carbon source '${csv.id}' imports ${csv.files
          .map(f => `${f.path} for ${f.regions.join(', ')}`)
          .join('; ')}`,
      );
    }
    if (!electricityMaps && !csv) {
      logger.debug(
        'AI FinOps carbon-intensity sources are off; set finops.carbon.electricityMaps or finops.carbon.csv. The static annual factors per region apply.',
      );
    }
  },
});
