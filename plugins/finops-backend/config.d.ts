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
  /** Configuration for the AI FinOps backend plugin. */
  finops?: {
    /**
     * The ISO 4217 currency that entity summaries are in. Cost facts in
     * another currency are not converted and are left out of summaries.
     * Default: `USD`.
     */
    currency?: string;

    /** How cost and usage are ingested from the installed data sources. */
    ingestion?: {
      /**
       * The schedule of each data source's ingestion task
       * (`finops-ingest-<sourceId>`). Default: every hour, 30 minute
       * timeout, global scope, a few seconds' initial delay.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;

      /**
       * How far back the first ingestion of a data source reaches, for
       * sources that do not set their own `backfill`: a duration string such
       * as `7d` or `P7D`, or an object such as `{ days: 7 }`.
       * Default: 7 days.
       */
      backfill?: string | HumanDuration;

      /**
       * How much of the recent past every run reads again, for sources that
       * do not set their own `lookback`, so that late-arriving data (billing
       * rows are revised for days) replaces what was stored before. Each run
       * re-ingests the windows from the one that holds `now - lookback` up
       * to the current hour; re-ingesting a window replaces it. `0h` turns
       * it off. A duration string such as `2d` or an object such as
       * `{ days: 2 }`. Default: 2 days.
       */
      lookback?: string | HumanDuration;
    };

    /**
     * How long hourly facts are kept; older facts and ingestion runs are
     * deleted once a day. A duration string such as `400d` or an object such
     * as `{ days: 400 }`. Default: 400 days.
     */
    retention?: string | HumanDuration;
  };
}
