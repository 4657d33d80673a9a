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
import type { Entity } from '@backstage/catalog-model';
import type { EntityCostSummary } from '@ai-finops/backstage-plugin-finops-common';

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
