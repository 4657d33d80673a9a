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
 * FOCUS billing-export source for AI FinOps: stores FOCUS 1.0–1.2 exports on
 * a local path, an HTTP(S) URL or an S3-compatible bucket as FOCUS-native
 * billing charges, from which the store derives the hourly cost facts
 * (billed, effective and list cost) — the same landing as
 * `ai-finops ingest focus`.
 *
 * @packageDocumentation
 */

export { finopsModuleFocus as default } from './module';
export {
  FocusDataSource,
  describeReport,
  type FocusDataSourceOptions,
  type FocusIngestStats,
} from './FocusDataSource';
