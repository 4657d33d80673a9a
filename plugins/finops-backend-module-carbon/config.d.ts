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

import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';
import type { HumanDuration } from '@backstage/types';

export interface Config {
  finops?: {
    /**
     * Hourly grid carbon-intensity sources
     * (`@ai-finops/backstage-plugin-finops-backend-module-carbon`). Without
     * them the static annual factors per region apply.
     */
    carbon?: {
      /** The Electricity Maps API; adds the source `carbon-electricitymaps`. */
      electricityMaps?: {
        /**
         * Sent as the `auth-token` header.
         * @visibility secret
         */
        apiToken: string;
        /** Default `https://api.electricitymap.org`. */
        baseUrl?: string;
        /**
         * Cloud regions whose zone comes from Cloud Carbon Footprint's map,
         * e.g. `[us-east-1, europe-west4, eastus2]`.
         */
        regions?: string[];
        /** Cloud region → Electricity Maps zone, e.g. `{ us-west-2: US-NW-PACW }`; wins over `regions`. */
        zones?: { [region: string]: string };
        /**
         * `auto` (default): the last-24-hours history endpoint for recent
         * windows, past-range for older ones; `history` for the free tier
         * only; `past-range` always.
         */
        endpoint?: 'auto' | 'history' | 'past-range';
        /** `lifecycle` (the API's default) or `direct`. */
        emissionFactorType?: 'lifecycle' | 'direct';
        retries?: {
          /** Tries per request for 429, 5xx and network errors. Default 4. */
          attempts?: number;
          /** Wait before the first retry, doubled each time. Default 1 second. */
          delay?: string | HumanDuration;
        };
        /** Timeout of one request. Default 30 seconds. */
        timeout?: string | HumanDuration;
        /** Default 1 day (what the free tier's history covers). */
        backfill?: string | HumanDuration;
        /** Default `finops.ingestion.lookback`. */
        lookback?: string | HumanDuration;
        /** Default `finops.ingestion.schedule`. */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
      /** Hourly intensity files; adds the source `carbon-csv`. */
      csv?: {
        files: Array<{
          /** A CSV with a timestamp and a gCO2e/kWh column per hour (EIA-930 format). */
          path: string;
          /** The cloud regions on this grid. */
          regions: string[];
          /** The grid zone; default: the file name up to its first `_`. */
          zone?: string;
          /** Default `timestamp`. */
          timestampColumn?: string;
          /** Default `avg_CI`. */
          valueColumn?: string;
          /** Longest gap filled by interpolation, hours. Default 3. */
          maxGapHours?: number;
        }>;
        /** Set it to reach the first hour of the files. Default `finops.ingestion.backfill`. */
        backfill?: string | HumanDuration;
        /** Default 30 days. */
        windowSize?: string | HumanDuration;
        lookback?: string | HumanDuration;
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };
  };
}
