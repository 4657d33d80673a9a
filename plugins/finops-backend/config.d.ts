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

    /**
     * How costs are allocated to catalog entities beyond their annotations
     * (`backstage.io/kubernetes-id`, `backstage.io/kubernetes-label-selector`,
     * `ai-finops.io/billing-tags`).
     */
    allocation?: {
      /**
       * Rules that give an entity more allocation keys: the facts a rule's
       * `match` takes belong to `entityRef`, beside what its annotations
       * take.
       */
      rules?: Array<{
        /** The entity, e.g. `component:default/chat-llm`. */
        entityRef: string;
        /** Every condition given must hold; at least one is required. */
        match: {
          /** Billing tags that must all be present with these values. */
          tags?: { [key: string]: string };
          /** Workload labels that must all be present with these values. */
          labels?: { [key: string]: string };
          namespace?: string;
          kubernetesId?: string;
          region?: string;
        };
      }>;

      /**
       * Shared costs: the facts a `match` takes are split among entities
       * instead of being allocated directly. The first matching entry wins;
       * a shared cost takes precedence over annotations and rules.
       */
      sharedCosts?: Array<{
        /** A display name. Default: `sharedCosts[<index>]`. */
        name?: string;
        /** Every condition given must hold; at least one is required. */
        match: {
          tags?: { [key: string]: string };
          labels?: { [key: string]: string };
          namespace?: string;
          kubernetesId?: string;
          region?: string;
        };
        /**
         * The entity refs to split among, or `{ ownerGroup }`: the entities
         * that group owns and that have allocation keys.
         */
        splitAmong: string[] | { ownerGroup: string };
        /**
         * `even`, or `proportional` to each target's direct cost in the same
         * period (evenly when all are 0). Default: proportional.
         */
        by?: 'even' | 'proportional';
      }>;
    };

    /** Recommendations across the organisation (`GET /savings`). */
    recommendations?: {
      /**
       * Unused: found recommendations are stored per entity with the data
       * version they came from (see `finops.precompute`).
       *
       * @deprecated Unused; see `finops.precompute`.
       */
      cacheTtl?: string | HumanDuration;
    };

    /**
     * Engine results computed ahead of requests: a task (once across
     * replicas, `finops-precompute-results`) recomputes the found
     * recommendations of every annotated entity whose stored ones came from
     * older data, an earlier UTC day or other `finops` settings, and stores
     * each entity's forecast, anomalies, efficiency and carbon with them.
     * An entity's routes read the stored ones and compute only what is
     * stale; `GET /savings` serves stale ones (with a warning) until the
     * task has recomputed them, and computes only entities with none
     * stored. Dismissals, snoozes and pull requests are always read fresh.
     */
    precompute?: {
      /** Run the task. Default: true (routes still store what they compute). */
      enabled?: boolean;
      /** How often the task looks for stale results. Default: 5 minutes. */
      frequency?: string | HumanDuration;
      /** Entities computed at once. Default: 2, at most 16. */
      concurrency?: number;
    };

    /**
     * Alerts to an entity's owners through the notifications plugin
     * (`@backstage/plugin-notifications-backend` must be installed): the
     * month-end forecast crossing a budget threshold, a new cost anomaly, a
     * recommendation's pull request merged or closed. Each is sent once per
     * entity, threshold or anomaly, and period, however often data is
     * ingested; budgets and anomalies are checked when the precompute task
     * (`finops.precompute`) recomputes an entity's results.
     */
    notifications?: {
      /** Send them. Default: true. */
      enabled?: boolean;
      /**
       * Percentages of the monthly budget (`ai-finops.io/monthly-budget`)
       * that the month-end forecast is alerted at, at most 10. Default:
       * [80, 100].
       */
      budgetThresholds?: number[];
      anomalies?: {
        /**
         * The least severe anomaly sent: minor, major or critical. Default:
         * major.
         */
        minSeverity?: 'minor' | 'major' | 'critical';
        /**
         * Anomalies on days older than this many days before the data's
         * last day are not new (1 to 31). Default: 3.
         */
        lookbackDays?: number;
      };
    };

    /**
     * Pull requests for recommendations, opened in the entity's GitOps
     * repository (`ai-finops.io/gitops-repo`) through `integrations.github`.
     */
    gitops?: {
      /**
       * How often the state of open pull requests is read from the host
       * (task `finops-gitops-pull-requests`), in minutes. Default: 15.
       */
      refreshMinutes?: number;
    };

    /**
     * Delivery status on the entity (`GET /delivery`): Argo CD Applications
     * and Flux objects named by the entity's annotations, read through
     * their APIs, and the cost steps their deployments caused.
     */
    delivery?: {
      /** Argo CD instances, read through their REST API. */
      argocd?: {
        instances?: Array<{
          /**
           * The name entities use in `argocd/instance-name`; the first
           * instance serves entities without that annotation.
           */
          name: string;
          /** Base URL of the Argo CD server (API and UI), e.g. https://argocd.example.com. */
          url: string;
          /**
           * An Argo CD API token (a project role or account token with
           * `applications, get`), sent as `Authorization: Bearer`. An
           * instance without one (an unset environment variable) is skipped
           * with a warning.
           * @visibility secret
           */
          token?: string;
          /**
           * The CA certificate(s) of the server, PEM or base64 of PEM (as a
           * kubeconfig's certificate-authority-data).
           * @visibility secret
           */
          caData?: string;
          /** Do not verify the server's TLS certificate. Default: false. */
          skipTLSVerify?: boolean;
        }>;
      };
      /** Kubernetes clusters whose Flux objects are read. */
      flux?: {
        clusters?: Array<{
          /**
           * The name used in `ai-finops.io/flux-kustomization` and
           * `ai-finops.io/flux-helmrelease` (`<cluster>/<namespace>/<name>`).
           */
          name: string;
          /** The Kubernetes API server URL. */
          url: string;
          /**
           * A service account token allowed to get
           * kustomizations.kustomize.toolkit.fluxcd.io and
           * helmreleases.helm.toolkit.fluxcd.io. A cluster without one is
           * skipped with a warning.
           * @visibility secret
           */
          serviceAccountToken?: string;
          /**
           * The API server's CA certificate(s), PEM or base64 of PEM.
           * @visibility secret
           */
          caData?: string;
          /** Do not verify the API server's TLS certificate. Default: false. */
          skipTLSVerify?: boolean;
        }>;
      };
      /**
       * The smallest change of the mean daily cost or of the cost per 1M
       * tokens, in %, reported as a cost step of a deployment (above 0, at
       * most 1000). Default: 10.
       */
      costStepThresholdPercent?: number;
      /**
       * How long an Application's or Flux object's status (or the error
       * reading it) is served from the cache, in seconds (0 to 3600; 0
       * turns the cache off). Default: 30.
       */
      cacheTtlSeconds?: number;
    };
  };
}
