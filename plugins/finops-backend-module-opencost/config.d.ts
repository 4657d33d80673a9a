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

import type { HumanDuration } from '@backstage/types';

export interface Config {
  finops?: {
    /**
     * The OpenCost data source (`@ai-finops/backstage-plugin-finops-backend-module-opencost`).
     */
    opencost?: {
      /**
       * The OpenCost API, e.g. `http://opencost.opencost.svc:9003`. The
       * source `opencost` is added only when this is set.
       */
      baseUrl?: string;
      /**
       * OpenCost's `aggregate` parameter, e.g. `namespace,label:app`.
       * Default: `namespace,controllerKind,controller`.
       */
      aggregate?: string;
      /**
       * ISO 4217 code of the currency OpenCost's prices are in. Default: `USD`.
       */
      currency?: string;
      /**
       * Extra request headers, e.g. `Authorization` for a proxy in front of
       * OpenCost.
       * @visibility secret
       */
      headers?: { [name: string]: string };
      /**
       * How far back the first ingestion reaches: a duration string such as
       * `7d` or an object such as `{ days: 7 }`. Default: the backend's
       * `finops.ingestion.backfill`. OpenCost keeps only as much history as
       * its Prometheus does.
       */
      backfill?: string | HumanDuration;
      /** Retries of failed requests (5xx answers, 429 and network errors). */
      retries?: {
        /** Tries per request, at least 1. Default: 3. */
        attempts?: number;
        /**
         * Wait before the first retry; doubled before each further one.
         * Default: 1 second.
         */
        delay?: string | HumanDuration;
      };
      /** Timeout of one request. Default: 2 minutes. */
      timeout?: string | HumanDuration;
    };
  };
}
