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
     * The Prometheus usage source (`@ai-finops/backstage-plugin-finops-backend-module-prometheus`):
     * GPU hours, utilisation, power and energy from the DCGM exporter, tokens
     * and requests from vLLM and Triton.
     */
    prometheus?: {
      /**
       * Base URL of the Prometheus HTTP API (or Thanos, Mimir,
       * VictoriaMetrics), e.g. `http://prometheus-operated.monitoring:9090`.
       * Setting it turns the source on.
       */
      baseUrl: string;
      /** Source id stored with every fact. Defaults to `prometheus`. */
      id?: string;
      /**
       * Query resolution: seconds, or a duration such as `30s` or `1m`. Must
       * divide an hour and be at least the exporters' scrape interval.
       * Defaults to 60 seconds.
       */
      step?: number | string;
      /**
       * PromQL per metric, replacing the default; a list is summed, an empty
       * list turns the metric off. `$step` is replaced with the step.
       * Gauges (`gpu_utilization` as a 0..1 ratio, `gpu_power_watts`) must
       * be per-step averages; counters (`tokens_input`, `tokens_output`,
       * `requests`) raw counters.
       */
      queries?: {
        gpu_utilization?: string | string[];
        gpu_power_watts?: string | string[];
        tokens_input?: string | string[];
        tokens_output?: string | string[];
        requests?: string | string[];
      };
      /**
       * The series label that holds the workload's
       * `backstage.io/kubernetes-id`. Defaults to
       * `label_backstage_io_kubernetes_id`, then `backstage_io_kubernetes_id`.
       */
      kubernetesIdLabel?: string;
      /**
       * Extra HTTP headers sent with every query, e.g. `X-Scope-OrgID`.
       * @visibility secret
       */
      headers?: { [name: string]: string };
      /**
       * How far back the first ingestion reaches, e.g. `{ days: 14 }`; keep
       * it within Prometheus' retention. Defaults to the backend's
       * `finops.ingestion.backfill`.
       */
      backfill?:
        | string
        | {
            years?: number;
            months?: number;
            weeks?: number;
            days?: number;
            hours?: number;
            minutes?: number;
            seconds?: number;
            milliseconds?: number;
          };
    };
  };
}
