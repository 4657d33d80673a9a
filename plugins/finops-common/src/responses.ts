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

// The bodies of the finops backend's `GET /savings`, `POST /estimate` and
// `GET /costs/focus`, as the routes send them and clients read them.

/**
 * A saving per month and how many recommendations make it.
 *
 * @public
 */
export interface FinopsSavingAmount {
  monthlySavings: number;
  count: number;
}

/**
 * One entity's savings in {@link FinopsSavings}.
 *
 * @public
 */
export interface FinopsEntitySavings {
  entityRef: string;
  title?: string;
  /** Open recommendations: not dismissed, snoozed or merged. */
  found: FinopsSavingAmount;
  /** Recommendations whose pull request was merged. */
  realised: FinopsSavingAmount;
}

/**
 * A recommendation applied through a merged pull request.
 *
 * @public
 */
export interface FinopsRealisedSaving {
  entityRef: string;
  recommendationId: string;
  /** The saving the pull request was opened with, per month. */
  monthlySavings: number;
  url: string;
  number: number;
  /** ISO-8601. */
  mergedAt: string;
}

/**
 * What `GET /savings` answers: savings found and realised across the
 * catalog entities with cost allocation annotations.
 *
 * @public
 */
export interface FinopsSavings {
  currency: string;
  found: FinopsSavingAmount & { entities: number };
  realised: FinopsSavingAmount;
  /** Entities with a found or realised saving, largest found first. */
  entities: FinopsEntitySavings[];
  /** Merged pull requests, latest first. */
  realisedItems: FinopsRealisedSaving[];
  /** Entities whose recommendations could not be computed, and why. */
  warnings: string[];
  /** ISO-8601. */
  computedAt: string;
}

/**
 * The values of the inference-service template form that `POST /estimate`
 * reads (the template's parameter names). Only `gpuType` is required; the
 * backend fills the rest from the template's defaults and ignores other
 * fields.
 *
 * @public
 */
export interface FinopsEstimateRequest {
  gpuType: string;
  name?: string;
  owner?: string;
  system?: string;
  costCenter?: string;
  model?: string;
  runtime?: 'vllm' | 'kserve' | 'triton';
  migProfile?: string;
  gpuCount?: number;
  minReplicas?: number;
  maxReplicas?: number;
  autoscaler?: 'hpa' | 'keda';
  expectedRequestsPerSecond?: number;
  expectedTokensPerSecond?: number;
  latencySloMs?: number;
  region?: string;
  monthlyBudget?: number;
  repoUrl?: string;
  delivery?: 'argocd' | 'flux';
  [field: string]: unknown;
}

/**
 * A guardrail policy that failed on the rendered manifests.
 *
 * @public
 */
export interface FinopsGuardrailResult {
  policy: string;
  /** `Deny` blocks the pull request (and admission); `Warn` only warns. */
  action: 'Deny' | 'Warn' | 'Audit';
  message: string;
  object: { kind: string; name: string; namespace?: string };
  /** `file:line` in the rendered manifests, with the kustomization. */
  location: string;
}

/**
 * What `POST /estimate` answers: the monthly cost of the rendered service
 * (730 h, dev and prod), its $ per 1M tokens, the budget fit and the
 * guardrail results.
 *
 * @public
 */
export interface FinopsEstimate {
  currency: string;
  hoursPerMonth: number;
  /** At the minimum replicas. */
  monthlyCost: number;
  /** At the maximum replicas. */
  maxMonthlyCost: number;
  usdPerMillionTokens?: number;
  budget?: {
    monthlyBudget: number;
    withinBudget: boolean;
    withinBudgetAtMaxReplicas: boolean;
  };
  services: Array<{
    name: string;
    namespace?: string;
    monthlyCost: number;
    maxMonthlyCost: number;
    gpus: number;
    usdPerMillionTokens?: number;
  }>;
  workloads: Array<{
    kind: string;
    name: string;
    namespace?: string;
    minReplicas: number;
    maxReplicas: number;
    gpusPerReplica: number;
    gpuModel?: string;
    usdPerGpuHour?: number;
    priceSource?: string;
    monthlyCost: number;
    maxMonthlyCost: number;
  }>;
  guardrails: {
    /** False when the backend has no `finops.guardrails.policies`. */
    configured: boolean;
    passed: boolean;
    checks: number;
    policies: number;
    denied: FinopsGuardrailResult[];
    warnings: FinopsGuardrailResult[];
  };
  notes: string[];
}

/**
 * The body of `GET /costs/focus`: the stored FOCUS charges summed per group,
 * with the column names `ai-finops costs` prints.
 *
 * @public
 */
export interface FinopsFocusCosts {
  /** The group-by columns, then `billed_cost`, `effective_cost`, `list_cost`. */
  columns: string[];
  /** One object per group, keyed by those columns. */
  items: Array<Record<string, string | number | null>>;
}

/**
 * One owned entity's figures in {@link FinopsOwnedSpend}.
 *
 * @public
 */
export interface FinopsOwnedEntitySpend {
  entityRef: string;
  title?: string;
  /** Effective cost of the month so far. */
  monthToDate: number;
  /** The month-end forecast (mean), when the backend keeps one for this month. */
  forecast?: number;
  monthlyBudget?: number;
  /** Open recommendations (not dismissed, snoozed or merged), per month. */
  openMonthlySavings: number;
  openRecommendations: number;
}

/**
 * The spend of the entities some owners own, as `GET /owned/summary`
 * answers: month to date, the kept month-end forecasts and open savings.
 *
 * @public
 */
export interface FinopsOwnedSpend {
  currency: string;
  /** The UTC month the month-to-date figures cover, `YYYY-MM`. */
  month: string;
  /** The ownership refs asked for, normalised. */
  owners: string[];
  total: {
    monthToDate: number;
    /** Sum of the forecasts kept, when at least one is. */
    forecast?: number;
    /** How many entities the forecast sum covers. */
    forecastEntities: number;
    openMonthlySavings: number;
    openRecommendations: number;
  };
  /** Largest month-to-date spend first. */
  entities: FinopsOwnedEntitySpend[];
  /** More owned entities than the backend sums (50); the rest are left out. */
  truncated: boolean;
  warnings: string[];
  computedAt: string;
}

/**
 * One Argo CD Application or Flux object in {@link FinopsDeliveryStatus}.
 *
 * @public
 */
export interface FinopsDeployment {
  tool: 'argocd' | 'flux';
  /** The configured instance (Argo CD) or cluster (Flux) name. */
  instance: string;
  kind: 'Application' | 'Kustomization' | 'HelmRelease';
  /** The Application name, or `namespace/name` for Flux objects. */
  name: string;
  /** Link to the Argo CD UI application page, when known. */
  url?: string;
  sync: 'Synced' | 'OutOfSync' | 'Unknown';
  health:
    | 'Healthy'
    | 'Progressing'
    | 'Degraded'
    | 'Suspended'
    | 'Missing'
    | 'Unknown';
  /** The revision deployed (Git commit SHA, chart version, OCI digest). */
  revision?: string;
  /** When that revision was deployed, ISO time. */
  deployedAt?: string;
  /** When it was first seen out of sync (drift), ISO time, if it is. */
  driftSince?: string;
  /** Out-of-sync resources: the drift. */
  outOfSync: Array<{
    group?: string;
    kind: string;
    namespace?: string;
    name: string;
    status: string;
  }>;
  /** Earlier and current deployments, newest first. */
  history: Array<{ revision: string; deployedAt: string }>;
  message?: string;
  /** Set instead of the status when the instance could not be read. */
  error?: string;
}

/**
 * A cost change tied to the revision deployed at that time, in
 * {@link FinopsDeliveryStatus}.
 *
 * @public
 */
export interface FinopsCostStep {
  revision: string;
  /** When the revision was deployed, ISO time. */
  deployedAt: string;
  metric: 'costPerMillionTokens' | 'dailyCost';
  /** Mean of the metric over the days before the deployment. */
  before: number;
  /** Mean of the metric over the days after the deployment. */
  after: number;
  /** (after - before) / before × 100 */
  changePercent: number;
}

/**
 * The body of `GET /delivery?entityRef=…`: the Argo CD and Flux objects the
 * entity's annotations name, and the cost steps their deployments caused.
 *
 * @public
 */
export interface FinopsDeliveryStatus {
  entityRef: string;
  /** One per Argo CD Application / Flux object the entity's annotations name. */
  deployments: FinopsDeployment[];
  /** Cost changes tied to the revision deployed at that time, newest first. */
  costSteps: FinopsCostStep[];
}
