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
 * What a cost line pays for. GPU, CPU and memory come from compute
 * allocations; the rest from billing rows.
 *
 * @public
 */
export type CostCategory =
  | 'gpu'
  | 'cpu'
  | 'memory'
  | 'storage'
  | 'network'
  | 'other';

/** @public */
export const COST_CATEGORIES: readonly CostCategory[] = [
  'gpu',
  'cpu',
  'memory',
  'storage',
  'network',
  'other',
];

/**
 * Where a fact comes from inside a cluster or a bill; the backend matches
 * these against entity annotations (see `getCostAllocationKeys`).
 *
 * @public
 */
export interface FactDimensions {
  /** The workload's `backstage.io/kubernetes-id` label, when it has one. */
  kubernetesId?: string;
  /** Kubernetes namespace. */
  namespace?: string;
  /** Workload or resource name, e.g. `Deployment/chat-llm` or a cloud resource id. */
  workload?: string;
  /** Workload labels. */
  labels?: Record<string, string>;
  /** Billing tags (FOCUS `Tags`). */
  tags?: Record<string, string>;
  /** Cloud region id, e.g. `us-east-1`. */
  region?: string;
  /** GPU model as GPU Feature Discovery names it, e.g. `NVIDIA-H100-80GB-HBM3`. */
  gpuModel?: string;
}

/**
 * One hour of cost for one workload and category.
 *
 * The three amounts follow FOCUS: `billedCost` is what the invoice says,
 * `effectiveCost` amortises commitments and discounts over usage, and
 * `listCost` is the public on-demand price.
 *
 * @public
 */
export interface CostFact extends FactDimensions {
  /** Start of the hour, ISO-8601 UTC (`2026-11-01T13:00:00.000Z`). */
  hour: string;
  category: CostCategory;
  billedCost: number;
  effectiveCost: number;
  listCost: number;
  /** ISO 4217 currency code. */
  currency: string;
}

/**
 * Usage metrics recorded per hour. Names are stable and unit-bearing.
 *
 * @public
 */
export type UsageMetric =
  /** GPU-hours allocated (GPUs × hours). */
  | 'gpu_hours'
  /** Mean GPU utilisation over the hour, 0..1 (DCGM_FI_DEV_GPU_UTIL / 100). */
  | 'gpu_utilization'
  /** Mean board power per GPU in watts (DCGM_FI_DEV_POWER_USAGE). */
  | 'gpu_power_watts'
  /** Energy used by the workload's GPUs over the hour, kWh. */
  | 'gpu_energy_kwh'
  /** Input (prompt) tokens processed (vllm:prompt_tokens_total increase). */
  | 'tokens_input'
  /** Output (generated) tokens (vllm:generation_tokens_total increase). */
  | 'tokens_output'
  /** Requests served. */
  | 'requests'
  /** CPU core-hours requested. */
  | 'cpu_core_hours'
  /** Memory GiB-hours requested. */
  | 'memory_gib_hours'
  /**
   * Carbon intensity of the grid over the hour, gCO2e per kWh. Recorded per
   * cloud region (the `region` dimension), not per workload.
   */
  | 'grid_carbon_intensity_gco2_per_kwh';

/**
 * One hour of one usage metric for one workload.
 *
 * @public
 */
export interface UsageFact extends FactDimensions {
  /** Start of the hour, ISO-8601 UTC. */
  hour: string;
  metric: UsageMetric;
  value: number;
}

/**
 * The three FOCUS cost amounts, summed.
 *
 * @public
 */
export interface CostAmounts {
  billedCost: number;
  effectiveCost: number;
  listCost: number;
}

/**
 * One day's effective cost.
 *
 * @public
 */
export interface DailyCost {
  /** `YYYY-MM-DD` (UTC). */
  date: string;
  cost: number;
}

/**
 * A line of the cost breakdown: what drives the entity's spend this month.
 *
 * @public
 */
export interface CostDriver {
  category: CostCategory;
  /** The workload or resource, when the breakdown is per workload. */
  workload?: string;
  gpuModel?: string;
  /** Effective cost, month to date. */
  cost: number;
  /** Share of the month-to-date total, 0..1. */
  share: number;
}

/**
 * The cost summary of one catalog entity, as `GET /entities/:kind/:namespace/:name/summary`
 * returns it. Amounts are effective cost unless named otherwise.
 *
 * @public
 */
export interface EntityCostSummary {
  entityRef: string;
  currency: string;
  /** Start of the latest hour with data (ISO-8601), or undefined when there is none. */
  dataUntil?: string;
  /** The calendar month (UTC) the month-to-date figures cover, `YYYY-MM`. */
  month: string;
  monthToDate: CostAmounts;
  /** Same days of the previous month, for a trend. */
  previousMonthToDate: CostAmounts;
  /** Monthly budget from the entity's annotation, when set. */
  monthlyBudget?: number;
  /** The last 30 days up to `dataUntil`, oldest first, one entry per day (zero-filled). */
  dailyCosts: DailyCost[];
  /** Month-to-date cost by category and workload, largest first (at most 5). */
  topDrivers: CostDriver[];
  /** Unit economics over the month to date, when usage is known. */
  usage: {
    gpuHours: number;
    /** GPU-hour-weighted mean utilisation, 0..1, or undefined without samples. */
    gpuUtilization?: number;
    tokens: number;
    requests: number;
    /** Effective cost per million tokens (input + output), when there are tokens. */
    costPerMillionTokens?: number;
  };
}

/**
 * Buckets of a cost series (UTC): `daily` keys are `YYYY-MM-DD`, `monthly`
 * keys `YYYY-MM`.
 *
 * @public
 */
export type CostGranularity = 'daily' | 'monthly';

/**
 * Buckets of a usage series (UTC): `hourly` keys are ISO-8601 instants,
 * `daily` keys `YYYY-MM-DD`.
 *
 * @public
 */
export type UsageGranularity = 'hourly' | 'daily';

/**
 * What a cost series can be split by: a fact dimension, or the value of one
 * billing tag (`tag:<key>`).
 *
 * @public
 */
export type CostGroupBy =
  | 'source'
  | 'category'
  | 'region'
  | 'gpuModel'
  | 'namespace'
  | 'workload'
  | `tag:${string}`;

/**
 * The costs of one bucket.
 *
 * @public
 */
export interface CostSeriesPoint extends CostAmounts {
  /** The bucket key: `YYYY-MM-DD` or `YYYY-MM`. */
  bucket: string;
}

/**
 * One line of a cost series: one value of the group-by dimension.
 *
 * @public
 */
export interface CostSeries {
  /**
   * The dimension value; `null` for facts without one; `total` when the
   * series is not split.
   */
  key: string | null;
  total: CostAmounts;
  /** One point per bucket of the response, zero-filled. */
  points: CostSeriesPoint[];
}

/**
 * An entity's costs over a custom range, as
 * `GET /entities/:kind/:namespace/:name/costs` returns them.
 *
 * @public
 */
export interface EntityCostSeries {
  entityRef: string;
  currency: string;
  /** First day (`YYYY-MM-DD`, inclusive). */
  from: string;
  /** Last day (`YYYY-MM-DD`, inclusive). */
  to: string;
  granularity: CostGranularity;
  groupBy?: CostGroupBy;
  /**
   * The entities whose allocation keys were matched: the entity itself, or
   * for a System, Domain or Group every member that has keys.
   */
  members: string[];
  /** Every bucket of the range, oldest first. */
  buckets: string[];
  /** All costs of the range, shared costs included. */
  total: CostAmounts;
  /** The part of `total` that comes from split shared costs. */
  sharedCost: CostAmounts;
  /** Largest effective cost first. */
  series: CostSeries[];
  /** Members whose annotations could not be read, and the like. */
  warnings: string[];
}

/**
 * One bucket of a usage series; `value` is `null` for a gauge without
 * samples in the bucket.
 *
 * @public
 */
export interface UsageSeriesPoint {
  bucket: string;
  value: number | null;
}

/**
 * One usage metric over a range.
 *
 * @public
 */
export interface UsageSeries {
  metric: string;
  /**
   * `sum` for counters and totals (GPU-hours, tokens, requests, energy);
   * `mean` for gauges (utilisation, power), weighted by the GPU-hours of the
   * same workload and hour where those are known.
   */
  aggregation: 'sum' | 'mean';
  /** The sum, or the weighted mean, over the whole range. */
  total: number | null;
  points: UsageSeriesPoint[];
}

/**
 * An entity's usage metrics, as
 * `GET /entities/:kind/:namespace/:name/usage` returns them.
 *
 * @public
 */
export interface EntityUsageSeries {
  entityRef: string;
  from: string;
  to: string;
  granularity: UsageGranularity;
  members: string[];
  /** Every metric stored for the entity in the range, sorted. */
  availableMetrics: string[];
  series: UsageSeries[];
  warnings: string[];
}

/**
 * The conditions of an allocation rule or a shared cost: every field given
 * must hold.
 *
 * @public
 */
export interface CostAllocationMatch {
  kubernetesId?: string;
  namespace?: string;
  region?: string;
  labels?: Record<string, string>;
  tags?: Record<string, string>;
}

/**
 * One entity's allocated cost.
 *
 * @public
 */
export interface AllocatedEntityCost {
  entityRef: string;
  title?: string;
  /** The owner's entity ref, from the `ownedBy` relation. */
  owner?: string;
  /** The system's entity ref, from the `partOf` relation. */
  system?: string;
  /** Facts its keys match (divided evenly where several entities match). */
  direct: CostAmounts;
  /** Its share of split shared costs. */
  shared: CostAmounts;
  total: CostAmounts;
}

/**
 * A group of facts no entity's keys match, with the dimensions that could
 * map it.
 *
 * @public
 */
export interface UnallocatedCostGroup extends CostAmounts {
  kubernetesId?: string;
  namespace?: string;
  workload?: string;
  region?: string;
  labels: Record<string, string>;
  tags: Record<string, string>;
  /** How it could be mapped, e.g. the annotation to set. */
  hint: string;
}

/**
 * How one configured shared cost was split.
 *
 * @public
 */
export interface SharedCostSplit {
  name: string;
  match: CostAllocationMatch;
  by: 'even' | 'proportional';
  total: CostAmounts;
  splits: Array<{ entityRef: string; share: number; cost: CostAmounts }>;
}

/**
 * Organisation-wide allocation over a range, as `GET /allocation` returns
 * it. `allocated` + `unallocated` = `total`.
 *
 * @public
 */
export interface CostAllocationReport {
  currency: string;
  from: string;
  to: string;
  total: CostAmounts;
  allocated: CostAmounts;
  unallocated: CostAmounts & {
    /** Unallocated effective cost ÷ total effective cost, 0..1. */
    share: number;
    /** The largest unallocated groups, largest effective cost first. */
    topGroups: UnallocatedCostGroup[];
  };
  /** Largest total effective cost first. */
  entities: AllocatedEntityCost[];
  /** Allocated cost per owner (entity ref), largest first. */
  owners: Array<{ entityRef: string; total: CostAmounts }>;
  /** Allocated cost per system (entity ref), largest first. */
  systems: Array<{ entityRef: string; total: CostAmounts }>;
  sharedCosts: SharedCostSplit[];
  /** Facts several entities' keys match: divided evenly among them. */
  overlaps: Array<{ entityRefs: string[]; cost: CostAmounts }>;
  warnings: string[];
}
