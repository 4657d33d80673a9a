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
import { DEFAULT_DEMO_SEED, DemoDataSource } from './DemoDataSource';

/**
 * The AI FinOps demo module: when `finops.demo.enabled` is true, adds the
 * `demo` data source, which generates 90 days of calibrated hourly cost and
 * usage for the example catalog.
 *
 * @public
 */
export const finopsModuleDemo = createFinopsDataSourceModule({
  moduleId: 'demo',
  async init({ config, logger, dataSources }) {
    const demo = config.getOptionalConfig('finops.demo');
    if (!demo?.getOptionalBoolean('enabled')) {
      logger.debug(
        'AI FinOps demo data is off; set finops.demo.enabled to turn it on',
      );
      return;
    }
    const seed = demo.getOptionalNumber('seed') ?? DEFAULT_DEMO_SEED;
    const source = new DemoDataSource({ seed });
    dataSources.addDataSource(source);
    logger.info(
      `AI FinOps demo data is on: source '${
        source.id
      }' generates seeded sample costs (seed ${seed}, ${
        source.backfill?.days ?? 0
      } days of backfill); turn it off with finops.demo.enabled: false`,
    );
  },
});
