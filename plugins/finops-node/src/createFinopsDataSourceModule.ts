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
  type BackendFeature,
  type LoggerService,
  type RootConfigService,
} from '@backstage/backend-plugin-api';
import {
  finopsDataSourcesExtensionPoint,
  type FinopsDataSourcesExtensionPoint,
} from './dataSources';

/**
 * Options of {@link createFinopsDataSourceModule}.
 *
 * @public
 */
export interface FinopsDataSourceModuleOptions {
  /** The id of the module, for example `opencost`. */
  moduleId: string;
  /**
   * Reads the module's configuration and adds its data sources; adds none
   * when the module is not configured.
   */
  init(context: {
    config: RootConfigService;
    logger: LoggerService;
    dataSources: FinopsDataSourcesExtensionPoint;
  }): Promise<void>;
}

/**
 * A backend module of the `finops` plugin that adds data sources from the
 * app config: the registration that every data-source module shares.
 *
 * @public
 */
export function createFinopsDataSourceModule(
  options: FinopsDataSourceModuleOptions,
): BackendFeature {
  return createBackendModule({
    pluginId: 'finops',
    moduleId: options.moduleId,
    register({ registerInit }) {
      registerInit({
        deps: {
          config: coreServices.rootConfig,
          logger: coreServices.logger,
          dataSources: finopsDataSourcesExtensionPoint,
        },
        init: context => options.init(context),
      });
    },
  });
}
