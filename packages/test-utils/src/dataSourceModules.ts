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

import type { BackendFeature } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  finopsDataSourcesExtensionPoint,
  type FinopsAnyDataSource,
} from '@ai-finops/backstage-plugin-finops-node';

/**
 * Starts a data-source module alone, with `config` as the app-config and a
 * stand-in for the FinOps backend's data-source extension point; returns the
 * sources the module added and its logger mock.
 */
export async function startDataSourceModule(
  module: BackendFeature,
  config: object,
) {
  const added: FinopsAnyDataSource[] = [];
  const logger = mockServices.logger.mock();
  await startTestBackend({
    extensionPoints: [
      [
        finopsDataSourcesExtensionPoint,
        {
          addDataSource: (
            ...sources: Array<FinopsAnyDataSource | FinopsAnyDataSource[]>
          ) => {
            added.push(...sources.flat());
          },
        },
      ],
    ],
    features: [
      module,
      mockServices.rootConfig.factory({ data: config }),
      logger.factory,
    ],
  });
  return { added, logger };
}
