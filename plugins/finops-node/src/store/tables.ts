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

/*
 * Row types of the plugin's tables, snake_case as stored. Timestamps are
 * `Date` on Postgres and epoch milliseconds (or text) on SQLite.
 */

import type { Nanos } from './money';

/** @internal */
export type DbTimestamp = string | number | Date;

/** Columns shared by the hourly fact tables. @internal */
export interface DbFactDimensionsRow {
  source: string;
  hour: DbTimestamp;
  kubernetes_id: string | null;
  namespace: string | null;
  workload: string | null;
  region: string | null;
  gpu_model: string | null;
  /** Canonical JSON, sorted keys. */
  labels: string;
  /** Canonical JSON, sorted keys. */
  tags: string;
}

/** A row of `finops_cost_facts_hourly`, without its id. @internal */
export interface DbCostFactRow extends DbFactDimensionsRow {
  category: string;
  /** Amounts in nano-units (see `money.ts`). */
  billed_cost_nanos: Nanos;
  effective_cost_nanos: Nanos;
  list_cost_nanos: Nanos;
  currency: string;
}

/** A row of `finops_usage_facts_hourly`, without its id. @internal */
export interface DbUsageFactRow extends DbFactDimensionsRow {
  metric: string;
  value: number;
}

/** A row of `finops_ingestion_runs`. @internal */
export interface DbIngestionRunRow {
  id: number;
  source: string;
  window_start: DbTimestamp;
  window_end: DbTimestamp;
  status: string;
  cost_rows: number | string;
  usage_rows: number | string;
  checksum: string | null;
  error: string | null;
  started_at: DbTimestamp;
  finished_at: DbTimestamp | null;
}

/** @internal */
export const COST_FACTS_TABLE = 'finops_cost_facts_hourly';
/** @internal */
export const USAGE_FACTS_TABLE = 'finops_usage_facts_hourly';
/** @internal */
export const INGESTION_RUNS_TABLE = 'finops_ingestion_runs';

/** Daily sums of the cost facts per source, day and dimensions. @internal */
export const COST_DAILY_TABLE = 'finops_cost_facts_daily';
/** Daily sums of the usage facts per source, day, dimensions and metric. @internal */
export const USAGE_DAILY_TABLE = 'finops_usage_facts_daily';

/** The dimension columns of the fact tables, hourly and daily, but the time. @internal */
export const FACT_DIMENSION_COLUMNS = [
  'kubernetes_id',
  'namespace',
  'workload',
  'region',
  'gpu_model',
  'labels',
  'tags',
] as const;

/** Columns of `finops_cost_facts_hourly` as the store writes them, in order. @internal */
export const COST_FACT_COLUMNS = [
  'source',
  'hour',
  ...FACT_DIMENSION_COLUMNS,
  'category',
  'billed_cost_nanos',
  'effective_cost_nanos',
  'list_cost_nanos',
  'currency',
] as const satisfies ReadonlyArray<keyof DbCostFactRow>;

/** Columns of `finops_usage_facts_hourly` as the store writes them, in order. @internal */
export const USAGE_FACT_COLUMNS = [
  'source',
  'hour',
  ...FACT_DIMENSION_COLUMNS,
  'metric',
  'value',
] as const satisfies ReadonlyArray<keyof DbUsageFactRow>;

/** A row of `finops_billing_charges`, without its id. @internal */
export interface DbBillingChargeRow {
  source: string;
  run_id: string;
  ingested_at: DbTimestamp;
  billing_period_start: DbTimestamp | null;
  charge_period_start: DbTimestamp;
  charge_period_end: DbTimestamp;
  provider_name: string | null;
  publisher_name: string | null;
  invoice_issuer_name: string | null;
  billing_account_id: string | null;
  billing_account_name: string | null;
  sub_account_id: string | null;
  sub_account_name: string | null;
  service_category: string | null;
  service_name: string | null;
  region_id: string | null;
  region_name: string | null;
  resource_id: string | null;
  resource_name: string | null;
  resource_type: string | null;
  charge_category: string | null;
  charge_class: string | null;
  charge_frequency: string | null;
  pricing_category: string | null;
  sku_id: string | null;
  billing_currency: string | null;
  consumed_unit: string | null;
  consumed_quantity: number | null;
  /** Amounts in nano-units (see `money.ts`). */
  billed_cost_nanos: Nanos;
  effective_cost_nanos: Nanos;
  list_cost_nanos: Nanos | null;
  contracted_cost_nanos: Nanos | null;
  /** Canonical JSON, sorted keys. */
  tags: string;
  /** The instance type the row is for (see `focusRowInstanceType`). */
  instance_type: string | null;
  /** GPUs per instance, when SkuPriceDetails declares them. */
  gpu_count: number | null;
}

/** @internal */
export const BILLING_CHARGES_TABLE = 'finops_billing_charges';
