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

export interface Config {
  techInsights?: {
    /**
     * How the FinOps fact retrievers of
     * `@ai-finops/backstage-plugin-tech-insights-backend-module-finops` read
     * the catalog and the finops backend. Their schedules are set like every
     * retriever's, under `techInsights.factRetrievers.finopsCatalogFactRetriever`
     * and `techInsights.factRetrievers.finopsCostFactRetriever` (a `cadence`
     * is required, or the tech-insights backend does not run them).
     */
    finops?: {
      /**
       * The most catalog entities with FinOps annotations one run covers,
       * the first by name. Default: 5000.
       */
      maxEntities?: number;
      /**
       * Entities whose finops data is fetched at once (each entity's two
       * requests go one after the other). Default: 4.
       */
      concurrency?: number;
      /**
       * How long one request to the finops backend may take before the
       * entity's figure is counted as failed, as a duration object or a
       * string (`10s`, ISO 8601 `PT10S`). Default: 10 seconds.
       */
      requestTimeout?:
        | string
        | {
            hours?: number;
            minutes?: number;
            seconds?: number;
            milliseconds?: number;
          };
      /**
       * The label (on the entity, or as a billing tag in
       * `ai-finops.io/billing-tags`) that names the cost center.
       * Default: `cost-center`.
       */
      costCenterLabel?: string;
    };
  };
}
