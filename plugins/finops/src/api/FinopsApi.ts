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

import { createApiRef } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  CostAllocationReport,
  CostGranularity,
  CostGroupBy,
  EntityCarbonFootprint,
  EntityCostAnomalies,
  EntityCostForecast,
  EntityCostSeries,
  EntityCostSummary,
  EntityGpuEfficiency,
  EntityRecommendations,
  EntityUsageSeries,
  FinopsDeliveryStatus,
  FinopsEstimate,
  FinopsEstimateRequest,
  FinopsOwnedSpend,
  FinopsSavings,
  RecommendationState,
  UsageGranularity,
} from '@ai-finops/backstage-plugin-finops-common';

/**
 * A range of UTC days, both inclusive (`YYYY-MM-DD`).
 *
 * @public
 */
export interface FinopsDayRange {
  from?: string;
  to?: string;
}

/**
 * The pull request opened (or already open) for a recommendation, as
 * `POST …/recommendations/:id/pull-request` answers.
 *
 * @public
 */
export interface RecommendationPullRequestResult {
  entityRef: string;
  id: string;
  pullRequest: {
    provider: string;
    /** `owner/repo`. */
    repository: string;
    number: number;
    url: string;
    branch?: string;
    baseBranch?: string;
    state: 'open' | 'merged' | 'closed';
    /** ISO-8601. */
    openedAt?: string;
    /** When the state was last read from the host, ISO-8601. */
    checkedAt?: string;
    openedBy?: string;
    closedAt?: string;
    monthlySavings?: number;
    /** True when this call opened it, false when an open one was found. */
    created?: boolean;
  };
  /** The manifest edits made, one per changed field. */
  edits?: Array<{
    file: string;
    kind: string;
    name: string;
    field: string;
    via: string;
    from?: string;
    to?: string;
  }>;
}

/**
 * The answer to a recommendation decision.
 *
 * @public
 */
export interface RecommendationDecision {
  entityRef: string;
  id: string;
  state: RecommendationState;
}

/**
 * Reads cost data for catalog entities from the AI FinOps backend.
 *
 * @public
 */
export interface FinopsApi {
  /**
   * Returns the cost summary of one catalog entity: its month-to-date
   * effective spend, the same days of the previous month, its budget, the
   * last 30 days of daily cost, its top cost drivers and its unit economics.
   *
   * The backend resolves the entity's annotations
   * (`backstage.io/kubernetes-id`, `backstage.io/kubernetes-label-selector`,
   * `ai-finops.io/billing-tags`); the browser only sends the entity ref.
   *
   * @param entityRef - The entity, as a string ref (`component:default/chat`)
   *   or a compound ref.
   * @throws A `ResponseError` from `@backstage/errors` when the request fails;
   *   its `statusCode` is 404 when the entity has no cost data or no cost
   *   allocation annotations, and 403 when the user may not read its costs.
   */
  getEntityCostSummary(
    entityRef: string | CompoundEntityRef,
  ): Promise<EntityCostSummary>;

  /**
   * Returns an entity's cost series over a custom range: billed, effective
   * and list cost per UTC day or month, optionally split by a dimension or
   * a billing tag (`tag:<key>`). A System, Domain or Group sums its members;
   * shared costs split to the entity are included.
   *
   * @param entityRef - The entity, as a string or compound ref.
   * @param options - `from` and `to` are UTC days (`YYYY-MM-DD`, both
   *   inclusive); the backend defaults to the last 30 days (daily) or 12
   *   months (monthly).
   * @throws A `ResponseError`: 400 for a bad parameter (the message names
   *   it), 403 without `finops.entity.read`, 404 without allocation keys.
   */
  getEntityCosts(
    entityRef: string | CompoundEntityRef,
    options?: {
      from?: string;
      to?: string;
      granularity?: CostGranularity;
      groupBy?: CostGroupBy;
    },
  ): Promise<EntityCostSeries>;

  /**
   * Returns an entity's usage metric series (GPU utilisation, tokens,
   * power, …) per UTC hour or day, and the metrics stored for it.
   *
   * @param options - `metrics` defaults to every metric stored.
   */
  getEntityUsage(
    entityRef: string | CompoundEntityRef,
    options?: {
      metrics?: string[];
      from?: string;
      to?: string;
      granularity?: UsageGranularity;
    },
  ): Promise<EntityUsageSeries>;

  /**
   * Returns the organisation-wide allocation of a range: cost per entity,
   * shared-cost splits, overlaps and the unallocated rest with the
   * dimensions that could map it. Needs `finops.organization.read`.
   *
   * @param options - UTC days (`YYYY-MM-DD`, both inclusive); the backend
   *   defaults to the current month to date.
   */
  getCostAllocation(options?: {
    from?: string;
    to?: string;
  }): Promise<CostAllocationReport>;

  /**
   * The month-end forecast of an entity's effective cost with its 80 %
   * interval, backtested accuracy and budget state.
   *
   * @throws A `ResponseError`; 404 without cost data or allocation keys.
   */
  getEntityForecast(
    entityRef: string | CompoundEntityRef,
  ): Promise<EntityCostForecast>;

  /**
   * Cost anomalies of an entity over a range, each explained.
   *
   * @param options - default the last 90 days, daily.
   */
  getEntityAnomalies(
    entityRef: string | CompoundEntityRef,
    options?: FinopsDayRange & { granularity?: 'daily' | 'hourly' },
  ): Promise<EntityCostAnomalies>;

  /** GPU efficiency and unit economics of an entity (default the last 30 days). */
  getEntityEfficiency(
    entityRef: string | CompoundEntityRef,
    options?: FinopsDayRange,
  ): Promise<EntityGpuEfficiency>;

  /** Carbon footprint of an entity (default the last 30 days). */
  getEntityCarbon(
    entityRef: string | CompoundEntityRef,
    options?: FinopsDayRange,
  ): Promise<EntityCarbonFootprint>;

  /** Recommendations of an entity, ranked by monthly saving. */
  getEntityRecommendations(
    entityRef: string | CompoundEntityRef,
  ): Promise<EntityRecommendations>;

  /** Dismisses a recommendation with a reason. */
  dismissRecommendation(
    entityRef: string | CompoundEntityRef,
    id: string,
    reason: string,
  ): Promise<RecommendationDecision>;

  /** Hides a recommendation for some days (default 7). */
  snoozeRecommendation(
    entityRef: string | CompoundEntityRef,
    id: string,
    options?: { days?: number },
  ): Promise<RecommendationDecision>;

  /** Opens a dismissed or snoozed recommendation again. */
  reopenRecommendation(
    entityRef: string | CompoundEntityRef,
    id: string,
  ): Promise<RecommendationDecision>;

  /**
   * Opens a pull request with the recommendation's manifest changes in the
   * entity's GitOps repository (or returns the one already open). Pass
   * `overlay` (e.g. `overlays/prod`) when several overlays deploy the
   * service and the changes name no namespace.
   *
   * @throws A `ResponseError` whose message says why: 501 while the GitOps
   *   integration is not installed, 409 when the recommendation carries no
   *   manifest change, 400 without a GitOps repository annotation or when
   *   the overlay is ambiguous, 403 without `finops.recommendation.apply`.
   */
  openRecommendationPullRequest(
    entityRef: string | CompoundEntityRef,
    id: string,
    options?: { overlay?: string },
  ): Promise<RecommendationPullRequestResult>;

  /**
   * The live cost and guardrail preview of the inference-service template
   * form: the backend renders the values as `finops:manifests:generate`
   * would and answers the monthly cost, $ per 1M tokens, budget fit and the
   * guardrail results. Needs `finops.estimate`.
   *
   * @throws A `ResponseError`: 400 naming the field for a value the
   *   renderer refuses (an unknown GPU, maxReplicas below minReplicas).
   */
  estimate(values: FinopsEstimateRequest): Promise<FinopsEstimate>;

  /**
   * Savings found (open recommendations) and realised (merged pull
   * requests) across the organisation, per month. Needs
   * `finops.organization.read`.
   *
   * @throws A `ResponseError`; 403 without `finops.organization.read`.
   */
  getSavings(): Promise<FinopsSavings>;

  /**
   * The month-to-date spend, kept month-end forecasts and open savings of
   * the entities with cost allocation annotations owned by any of `owners`
   * (the signed-in user's `ownershipEntityRefs`), largest spend first. Only
   * entities the user may read (`finops.entity.read`) are included.
   *
   * @param owners - Ownership refs, at most 20.
   */
  getOwnedSpend(owners: string[]): Promise<FinopsOwnedSpend>;

  /**
   * The delivery status of an entity: its Argo CD Applications and Flux
   * Kustomizations / HelmReleases (the `argocd/*` and `ai-finops.io/flux-*`
   * annotations name them) with sync, health, drift and the revision
   * deployed, and the cost steps those deployments caused. A deployment
   * whose instance could not be read carries `error` instead of a status.
   *
   * @throws A `ResponseError`: 404 when the entity names no deployment, 403
   *   without `finops.entity.read`.
   */
  getDeliveryStatus(
    entityRef: string | CompoundEntityRef,
  ): Promise<FinopsDeliveryStatus>;
}

/**
 * The API reference of {@link FinopsApi}. Works in the legacy and the new
 * frontend system.
 *
 * @public
 */
export const finopsApiRef = createApiRef<FinopsApi>({
  id: 'plugin.finops.service',
});
