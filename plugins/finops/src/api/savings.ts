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
