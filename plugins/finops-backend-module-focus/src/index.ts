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
 * FOCUS billing-export data source for AI FinOps: hourly cost facts (billed,
 * effective and list cost) from FOCUS 1.0–1.2 exports on a local path, an
 * HTTP(S) URL or an S3-compatible bucket.
 *
 * @packageDocumentation
 */

export { finopsModuleFocus as default } from './module';
export {
  DEFAULT_FOCUS_CACHE_FACTS,
  DEFAULT_FOCUS_WINDOW_SIZE,
  FocusDataSource,
  describeReport,
  type FocusDataSourceOptions,
  type FocusReadStats,
} from './FocusDataSource';
export {
  FOCUS_LABELS,
  FOCUS_WORKLOAD_COLUMNS,
  HourlyCostFacts,
  focusCostCategory,
  focusRowGpu,
  focusRowToCharge,
  spreadOverHours,
  type FocusCharge,
  type FocusWorkloadColumn,
} from './records';
