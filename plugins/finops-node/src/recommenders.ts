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

import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import {
  recommendCarbonRegion,
  recommendGpuRightsizing,
  recommendReplicaBounds,
  recommendRightsizing,
  recommendSpot,
  recommendTimeShift,
  type CarbonRegionInput,
  type EngineRecommendation,
  type GpuWorkloadUsage,
  type ReplicaBoundsInput,
  type RightsizingInput,
  type SpotInput,
  type TimeShiftInput,
} from '@ai-finops/backstage-plugin-finops-engine';
import {
  type EntityCostSummary,
  type ManifestChange,
  type RecommendationKind,
  type WorkloadRef,
} from '@ai-finops/backstage-plugin-finops-common';

/**
 * A ranked, actionable recommendation for one entity.
 *
 * @public
 */
export interface FinopsRecommendation {
  /** Stable id within the recommender, so repeated runs update, not duplicate. */
  id: string;
  /** The recommender that produced it. */
  recommenderId: string;
  entityRef: string;
  title: string;
  /** What to change and why, in Markdown. */
  description: string;
  /** Estimated saving in USD per month (effective cost). */
  monthlySavings: number;
  /** Confidence in the estimate, 0..1. */
  confidence: number;
  /** What kind of change it is (the engine's kinds, or the recommender's own). */
  kind?: RecommendationKind | string;
  /** kgCO2e per month avoided (negative: more emissions). */
  monthlyCarbonSavingKg?: number;
  /** How likely the change is to hurt the service, and why. */
  risk?: 'low' | 'medium' | 'high';
  riskReason?: string;
  /** The Kubernetes object the change is made to. */
  workload?: WorkloadRef;
  /** The manifest changes it implies (JSON Patch operations with old and new values). */
  changes?: ManifestChange[];
}

/**
 * What a recommender is given for one entity.
 *
 * @public
 */
export interface FinopsRecommenderContext {
  entity: Entity;
  summary: EntityCostSummary;
}

/**
 * Turns an entity's costs and usage into recommendations (rightsizing,
 * scaling, carbon-aware placement, …).
 *
 * @public
 */
export interface FinopsRecommender {
  readonly id: string;
  recommend(context: FinopsRecommenderContext): Promise<FinopsRecommendation[]>;
}

/**
 * Registers recommenders with the FinOps backend.
 *
 * @public
 */
export interface FinopsRecommendersExtensionPoint {
  addRecommender(
    ...recommenders: Array<FinopsRecommender | FinopsRecommender[]>
  ): void;
}

/**
 * Extension point for recommenders.
 *
 * @public
 */
export const finopsRecommendersExtensionPoint =
  createExtensionPoint<FinopsRecommendersExtensionPoint>({
    id: 'finops.recommenders',
  });

/**
 * A recommendation of the engine as a {@link FinopsRecommendation} of one
 * entity.
 *
 * @public
 */
export function toFinopsRecommendation(
  recommendation: EngineRecommendation,
  recommenderId: string,
  entityRef: string,
): FinopsRecommendation {
  return {
    id: recommendation.id,
    recommenderId,
    entityRef,
    title: recommendation.title,
    description: recommendation.description,
    monthlySavings: recommendation.monthlySavings,
    confidence: recommendation.confidence,
    kind: recommendation.kind,
    monthlyCarbonSavingKg: recommendation.monthlyCarbonSavingKg,
    risk: recommendation.risk,
    riskReason: recommendation.riskReason,
    workload: recommendation.workload,
    changes: recommendation.changes,
  };
}

/**
 * Where an engine recommender gets its inputs for an entity: usually a
 * backend module that reads Prometheus, the store or the GitOps repository.
 * Return an empty list when the entity has nothing to say.
 *
 * @public
 */
export type FinopsRecommenderInputs<T> = (
  context: FinopsRecommenderContext,
) => Promise<readonly T[]>;

function engineRecommender<T>(
  id: string,
  inputs: FinopsRecommenderInputs<T>,
  run: (input: T) => EngineRecommendation | undefined,
): FinopsRecommender {
  return {
    id,
    async recommend(context) {
      const entityRef = stringifyEntityRef(context.entity);
      const out: FinopsRecommendation[] = [];
      for (const input of await inputs(context)) {
        const rec = run(input);
        if (rec) out.push(toFinopsRecommendation(rec, id, entityRef));
      }
      return out.sort((a, b) => b.monthlySavings - a.monthlySavings);
    },
  };
}

/**
 * CPU and memory rightsizing from decaying usage histograms (VPA-style:
 * CPU P90, memory P95 of daily peaks, +15 %, 24 h half-life, OOM bump,
 * confidence growing with days of history), id `rightsize-cpu-memory`.
 *
 * @public
 */
export function createCpuMemoryRightsizingRecommender(options: {
  inputs: FinopsRecommenderInputs<RightsizingInput>;
}): FinopsRecommender {
  return engineRecommender(
    'rightsize-cpu-memory',
    options.inputs,
    recommendRightsizing,
  );
}

/**
 * GPU rightsizing from memory headroom and activity: consolidate replicas, a
 * MIG slice, a smaller GPU model or time-slicing, id `rightsize-gpu`.
 *
 * @public
 */
export function createGpuRightsizingRecommender(options: {
  inputs: FinopsRecommenderInputs<GpuWorkloadUsage>;
}): FinopsRecommender {
  return engineRecommender(
    'rightsize-gpu',
    options.inputs,
    recommendGpuRightsizing,
  );
}

/**
 * HPA / KEDA replica bounds and threshold from a forecast of demand, id
 * `replica-bounds`.
 *
 * @public
 */
export function createReplicaBoundsRecommender(options: {
  inputs: FinopsRecommenderInputs<ReplicaBoundsInput>;
}): FinopsRecommender {
  return engineRecommender(
    'replica-bounds',
    options.inputs,
    recommendReplicaBounds,
  );
}

/**
 * Spot capacity for interruption-tolerant workloads, id `spot`.
 *
 * @public
 */
export function createSpotRecommender(options: {
  inputs: FinopsRecommenderInputs<SpotInput>;
}): FinopsRecommender {
  return engineRecommender('spot', options.inputs, recommendSpot);
}

/**
 * Carbon-aware placement: a cleaner allowed region (`carbon-region`) and a
 * cleaner start for deferrable batch work (`carbon-time-shift`), one
 * recommender for both.
 *
 * @public
 */
export function createCarbonAwareRecommender(options: {
  regions?: FinopsRecommenderInputs<CarbonRegionInput>;
  timeShifts?: FinopsRecommenderInputs<TimeShiftInput>;
}): FinopsRecommender {
  const regions = engineRecommender(
    'carbon-aware',
    options.regions ?? (async () => []),
    recommendCarbonRegion,
  );
  const shifts = engineRecommender(
    'carbon-aware',
    options.timeShifts ?? (async () => []),
    recommendTimeShift,
  );
  return {
    id: 'carbon-aware',
    async recommend(context) {
      const all = [
        ...(await regions.recommend(context)),
        ...(await shifts.recommend(context)),
      ];
      return all.sort(
        (a, b) =>
          (b.monthlyCarbonSavingKg ?? 0) - (a.monthlyCarbonSavingKg ?? 0),
      );
    },
  };
}
