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

import type { DailyCost } from './types';

// Response shapes of the engine routes of the finops backend
// (`/entities/:kind/:namespace/:name/{forecast,anomalies,efficiency,carbon,recommendations}`),
// shared by the backend and the frontend client.

/**
 * One dimension's share of a change (a service, SKU, region or GPU type).
 *
 * @public
 */
export interface DimensionContribution {
  key: string;
  expected: number;
  actual: number;
  /** actual − expected. */
  delta: number;
  /** delta / total delta (can exceed 1 when other dimensions moved the other way). */
  share: number;
}

/**
 * A cost change split into a price effect and a usage effect.
 *
 * @public
 */
export interface PriceUsageSplit {
  /** Cost change: after − before. */
  delta: number;
  /** Part due to the unit price moving, at the average quantity. */
  priceEffect: number;
  /** Part due to the quantity moving, at the average unit price. */
  usageEffect: number;
  /** Unit prices before and after (cost / quantity). */
  unitPriceBefore: number;
  unitPriceAfter: number;
  /** The effect that explains most of the change, or 'both' when neither has 70 %. */
  driver: 'price' | 'usage' | 'both';
}

/**
 * Severity of a cost anomaly by how far the actual is over the expected
 * cost: minor below 20 %, major from 20 %, critical from 50 % (the grading
 * Huawei Cloud's cost centre documents).
 *
 * @public
 */
export type CostAnomalySeverity = 'minor' | 'major' | 'critical';

/**
 * One change to one Kubernetes object that a recommendation implies: a JSON
 * Patch (RFC 6902) operation with the value it replaces, so a pull request
 * can show old → new and refuse to apply when the manifest moved on.
 *
 * @public
 */
export interface ManifestChange {
  /** Object kind, e.g. `Deployment`, `HorizontalPodAutoscaler`, `ScaledObject`, `CronJob`. */
  kind: string;
  name: string;
  namespace?: string;
  /** JSON Pointer (RFC 6901) into the object, e.g. `/spec/template/spec/containers/0/resources/requests/cpu`. */
  path: string;
  op: 'add' | 'replace' | 'remove';
  /** The value at `path` now (absent when the path does not exist yet). */
  oldValue?: unknown;
  /** The value to set (absent for `remove`). */
  newValue?: unknown;
}

/**
 * The Kubernetes object a recommendation is about.
 *
 * @public
 */
export interface WorkloadRef {
  kind: string;
  name: string;
  namespace?: string;
}

/**
 * What kind of change a recommendation proposes.
 *
 * @public
 */
export type RecommendationKind =
  | 'rightsize-cpu-memory'
  | 'rightsize-gpu'
  | 'replica-bounds'
  | 'spot'
  | 'carbon-region'
  | 'carbon-time-shift';

/**
 * Month-end spend forecast of one entity, as
 * `GET /entities/:kind/:namespace/:name/forecast` returns it. Amounts are
 * effective cost.
 *
 * @public
 */
export interface EntityCostForecast {
  entityRef: string;
  currency: string;
  /** The calendar month forecast (UTC), `YYYY-MM`. */
  month: string;
  /** Last complete UTC day the forecast starts after, `YYYY-MM-DD`. */
  asOf: string;
  daysElapsed: number;
  daysInMonth: number;
  /** Spend of the complete days of the month. */
  actual: number;
  /** Actual + forecast of the remaining days: mean and prediction interval. */
  monthEnd: { mean: number; lower: number; upper: number; level: number };
  /** The whole previous calendar month, for the change against it. */
  previousMonth: { month: string; cost: number };
  /** History the forecast was made from, oldest first. */
  history: DailyCost[];
  /** The remaining days of the month, forecast. */
  daily: Array<{ date: string; mean: number; lower: number; upper: number }>;
  /** Backtested accuracy of the ensemble, when the history allowed a backtest. */
  accuracy?: {
    smape: number;
    mase: number;
    coverage: number;
    origins: number;
    horizon: number;
  };
  /** Ensemble members with a weight above 0. */
  models: Array<{ model: string; weight: number }>;
  /** Budget state, when the entity has a monthly budget. */
  budget?: {
    budget: number;
    status: 'ok' | 'watch' | 'at-risk' | 'over';
    actualShare: number;
    projectedShare: number;
    burnRatePerDay: number;
    allowedRatePerDay: number;
    alerts: Array<{
      threshold: number;
      kind: 'actual' | 'forecast';
      date?: string;
    }>;
  };
  notes: string[];
}

/**
 * One cost anomaly, explained.
 *
 * @public
 */
export interface EntityCostAnomaly {
  /** The bucket: `YYYY-MM-DD` (daily) or an ISO-8601 hour (hourly). */
  bucket: string;
  actual: number;
  expected: number;
  /** Upper bound of the expected band that the actual exceeded. */
  upper: number;
  /** actual − expected. */
  impact: number;
  /** % over expected; null when nothing was expected. */
  percentOver: number | null;
  severity: CostAnomalySeverity;
  /** One sentence: what moved and by how much. */
  explanation: string;
  /** What moved, per dimension value (largest first, at most 5). */
  contributors: Array<DimensionContribution & { dimension: string }>;
  /** Price versus usage, when GPU-hours are known. */
  priceUsage?: PriceUsageSplit;
}

/**
 * Cost anomalies of one entity, as
 * `GET /entities/:kind/:namespace/:name/anomalies` returns them.
 *
 * @public
 */
export interface EntityCostAnomalies {
  entityRef: string;
  currency: string;
  from: string;
  to: string;
  granularity: 'daily' | 'hourly';
  /** Smallest dollar impact reported. */
  dollarFloor: number;
  /** The series judged, with the expected value and band where judged. */
  points: Array<{
    bucket: string;
    actual: number;
    expected?: number;
    upper?: number;
  }>;
  /** Newest first. */
  anomalies: EntityCostAnomaly[];
  notes: string[];
}

/**
 * One day of GPU efficiency and unit economics.
 *
 * @public
 */
export interface EfficiencyDay {
  date: string;
  gpuHours: number;
  /** GPU-hour-weighted mean utilisation, 0..1. */
  utilization?: number;
  score?: number;
  tokens: number;
  requests: number;
  cost: number;
  costPerMillionTokens?: number;
}

/**
 * GPU efficiency and unit economics of one entity, as
 * `GET /entities/:kind/:namespace/:name/efficiency` returns them.
 *
 * @public
 */
export interface EntityGpuEfficiency {
  entityRef: string;
  currency: string;
  from: string;
  to: string;
  /** GPU model with the most GPU cost, e.g. `NVIDIA-H100-80GB-HBM3`. */
  gpuModel?: string;
  /** GPUs held on average over the hours with GPUs, and at most. */
  gpuCount: { mean: number; peak: number; latest: number };
  /** How GPUs are held: whole GPUs, or fractions (MIG slices or time-slicing). */
  sharing: 'whole' | 'fractional' | 'unknown';
  gpuHours: number;
  /** Effective GPU cost over the range, and per GPU-hour. */
  gpuCost: number;
  costPerGpuHour?: number;
  /** The efficiency score, 0..100 (engine: activity 0.6, memory 0.2, active power 0.2, renormalised over the signals present). */
  score?: number;
  /** Which signal measured activity. */
  activitySource?: string;
  activity?: number;
  powerUsed?: number;
  /** GPU-hours in hours whose activity was below 5 %. */
  idleGpuHours: number;
  idleCost?: number;
  /** GPU-hours not turned into work: Σ hours × (1 − activity / 80 %). */
  unusedGpuHours: number;
  unusedCost?: number;
  energyKwh?: number;
  tokens: { input: number; output: number };
  requests: number;
  /** Input + output tokens per second per GPU held. */
  tokensPerSecondPerGpu?: number;
  outputTokensPerSecondPerGpu?: number;
  /** Total effective cost of the range. */
  cost: number;
  costPerMillionTokens?: number;
  costPerMillionInputTokens?: number;
  costPerMillionOutputTokens?: number;
  costPerRequest?: number;
  daily: EfficiencyDay[];
  notes: string[];
}

/**
 * Carbon footprint of one entity, as
 * `GET /entities/:kind/:namespace/:name/carbon` returns it.
 *
 * @public
 */
export interface EntityCarbonFootprint {
  entityRef: string;
  from: string;
  to: string;
  region?: string;
  provider?: string;
  /** Operational + embodied, kg CO2e. */
  totalKg: number;
  operationalKg: number;
  embodiedKg: number;
  energyKwh: number;
  /** Share of the energy from measured power (the rest from the GPU's power curve). */
  measuredEnergyShare: number;
  pue: number;
  /** The grid intensity of the region: energy-weighted mean used, and the annual factor. */
  gridIntensity: {
    mean: number;
    annual: number;
    source: 'hourly' | 'annual';
    /** Whether the region is in the emission-factor table (else the provider average). */
    exact: boolean;
  };
  gCo2ePerMillionTokens?: number;
  tokens: number;
  /** The cleanest region of the same provider, what it would save. */
  greenerOption?: {
    region: string;
    gCo2ePerKwh: number;
    monthlyKgSaved: number;
    percentLess: number;
    /** USD per month: positive saves money; 0 when the price is assumed equal. */
    monthlyCostDelta: number;
    note: string;
  };
  daily: Array<{
    date: string;
    kg: number;
    energyKwh: number;
    intensity: number;
  }>;
  notes: string[];
}

/**
 * What a user decided about a recommendation.
 *
 * @public
 */
export type RecommendationState =
  | { status: 'open' }
  | { status: 'dismissed'; reason: string; by?: string; at: string }
  | { status: 'snoozed'; until: string; by?: string; at: string };

/**
 * A ranked recommendation for one entity.
 *
 * @public
 */
export interface EntityRecommendation {
  id: string;
  /** The engine recommender or the installed recommender that produced it. */
  source: string;
  kind: RecommendationKind | string;
  title: string;
  /** What to change and why, Markdown. */
  description: string;
  /** USD per month. */
  monthlySavings: number;
  monthlyCarbonSavingKg?: number;
  risk: 'low' | 'medium' | 'high';
  riskReason?: string;
  confidence: number;
  /** The numbers the recommendation rests on, in words. */
  evidence: string[];
  changes: ManifestChange[];
  /** The Kubernetes object the changes are made to, when known. */
  workload?: WorkloadRef;
  state: RecommendationState;
  /** The GitOps pull request opened for it, as last read from the host. */
  pullRequest?: RecommendationPullRequestSummary;
}

/**
 * The pull request opened for a recommendation, as the recommendations list
 * shows it.
 *
 * @public
 */
export interface RecommendationPullRequestSummary {
  url: string;
  number: number;
  state: 'open' | 'merged' | 'closed';
  /** When the state was last read from the host (or the merge/close time), ISO-8601. */
  updatedAt: string;
}

/**
 * Recommendations of one entity, ranked by saving, as
 * `GET /entities/:kind/:namespace/:name/recommendations` returns them.
 *
 * @public
 */
export interface EntityRecommendations {
  entityRef: string;
  currency: string;
  /** Open recommendations, largest monthly saving first. */
  items: EntityRecommendation[];
  /** Dismissed and snoozed ones (still snoozed), largest saving first. */
  hidden: EntityRecommendation[];
  /** Open savings per month. */
  totalMonthlySavings: number;
  notes: string[];
}
