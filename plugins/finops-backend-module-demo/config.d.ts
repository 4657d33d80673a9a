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
  finops?: {
    /**
     * The demo data source (`@ai-finops/backstage-plugin-finops-backend-module-demo`).
     */
    demo?: {
      /**
       * Generate seeded sample costs and usage for the example catalog
       * (source id `demo`, 90 days of backfill). Defaults to false; never
       * turn it on next to real sources in production.
       */
      enabled?: boolean;
      /**
       * Seed of the generator: the same seed always gives the same data.
       * An integer; defaults to 42.
       */
      seed?: number;
    };
  };
}
