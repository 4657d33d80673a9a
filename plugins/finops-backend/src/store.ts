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
 * The AI FinOps store, for tools that work on the backend's database
 * without running the backend: the `ai-finops` CLI ingests FOCUS billing
 * exports and queries costs through it.
 *
 * ```ts
 * import { DatabaseFinopsStore } from '@ai-finops/backstage-plugin-finops-backend/store';
 * const store = await DatabaseFinopsStore.create({ database });
 * ```
 *
 * @packageDocumentation
 */

export { DatabaseFinopsStore } from './database/DatabaseFinopsStore';
export type {
  FinopsBillingCostRow,
  FinopsBillingCostsOptions,
  FinopsBillingIngestion,
  FinopsCostSummary,
  FinopsCostSummaryOptions,
  FinopsIngestionRun,
  FinopsIngestionRunStatus,
  FinopsStore,
} from './database/FinopsStore';
export { BILLING_GROUP_BY_COLUMNS } from './database/billing';
