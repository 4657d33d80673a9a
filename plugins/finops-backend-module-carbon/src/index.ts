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

/**
 * Grid carbon-intensity data sources for AI FinOps: hourly intensity per
 * cloud region from the Electricity Maps API and from CSV imports.
 *
 * @packageDocumentation
 */

export { finopsModuleCarbon as default } from './module';
export {
  ElectricityMapsCarbonSource,
  type ElectricityMapsCarbonSourceOptions,
  type ElectricityMapsEndpoint,
} from './ElectricityMapsCarbonSource';
export {
  CsvCarbonSource,
  type CarbonCsvFile,
  type CsvCarbonSourceOptions,
} from './CsvCarbonSource';
export {
  CARBON_ZONE_LABEL,
  GRID_CARBON_INTENSITY_METRIC,
  intensityRecords,
} from './facts';
