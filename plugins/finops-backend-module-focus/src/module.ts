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
  createFinopsDataSourceModule,
  redactSecrets,
} from '@ai-finops/backstage-plugin-finops-node';
import { FocusDataSource } from './FocusDataSource';

/**
 * The AI FinOps FOCUS module: adds one billing-export source per entry of
 * `finops.focus.exports`. On each run of its task a source stores the
 * FOCUS export at its location with `ingestFocusExport` (the code behind
 * `ai-finops ingest focus`): FOCUS-native charges, and the hourly cost
 * facts derived from them.
 *
 * @public
 */
export const finopsModuleFocus = createFinopsDataSourceModule({
  moduleId: 'focus',
  async init({ config, logger, dataSources }) {
    const sources = FocusDataSource.fromConfig(config, { logger });
    if (sources.length === 0) {
      logger.debug(
        'AI FinOps FOCUS source is off; add finops.focus.exports to turn it on',
      );
      return;
    }
    dataSources.addDataSource(sources);
    for (const source of sources) {
      logger.info(
        `AI FinOps FOCUS source '${source.id}' reads ${redactSecrets(
          source.location,
        )} (${source.mode})`,
      );
    }
  },
});
