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
     * The FOCUS billing-export data sources
     * (`@ai-finops/backstage-plugin-finops-backend-module-focus`).
     */
    focus?: {
      /**
       * One data source per export. Without entries the module adds nothing.
       */
      exports?: Array<{
        /**
         * The source id, stored with every fact and ingestion run. Default:
         * `focus` for the first entry, `focus-<n>` for the n-th.
         */
        id?: string;
        /**
         * Where the export's files are: a local file, folder or glob
         * (`/exports/focus/**\/*.csv.gz`), a `file://` or `http(s)://`
         * URL, or `s3://bucket/prefix/` (every `.csv`, `.csv.gz` and
         * `.parquet` below it). Point it at the current files of the
         * export only: files that repeat the same charges are summed.
         */
        location: string;
        /**
         * `lenient` (default) normalises real-world quirks and counts what
         * it fixed; `strict` fails the window at the first deviation from
         * the FOCUS spec.
         */
        mode?: 'lenient' | 'strict';
        /** How to reach an S3-compatible bucket; unset values come from the AWS SDK's default chain. */
        s3?: {
          region?: string;
          /** For S3-compatible stores, e.g. `http://minio:9000`. */
          endpoint?: string;
          forcePathStyle?: boolean;
          credentials?: {
            accessKeyId: string;
            /** @visibility secret */
            secretAccessKey: string;
            /** @visibility secret */
            sessionToken?: string;
          };
        };
        /**
         * The schedule of this source's ingestion task. Default:
         * `finops.ingestion.schedule`. Exports change a few times a day;
         * every few hours is plenty.
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /**
         * The longest window ingested at once. Whole months cut at calendar
         * months; other sizes must be whole hours. Default: 7 days.
         */
        windowSize?: string | HumanDuration;
        /**
         * How much of the recent past every run re-ingests, so revised and
         * late rows replace earlier ones. Default:
         * `finops.ingestion.lookback` (2 days). Providers revise the
         * current month until it closes; `3d` to `7d` suits most.
         */
        lookback?: string | HumanDuration;
        /** How far back the first ingestion reaches. Default: `finops.ingestion.backfill`. */
        backfill?: string | HumanDuration;
        /**
         * The FOCUS column that becomes a fact's workload: `ServiceName`
         * (default), `ResourceId`, `ResourceName` or `none`. Per
         * resource gives the most detail and the most facts.
         */
        workload?: 'ServiceName' | 'ResourceId' | 'ResourceName' | 'none';
        cache?: {
          /**
           * Hourly facts kept in memory, over all files, so later windows
           * of an unchanged file (same ETag or modification time) need not
           * read it again. Default: 500000; 0 turns the cache off.
           */
          facts?: number;
        };
      }>;
    };
  };
}
