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
 * Prometheus usage source for AI FinOps: hourly GPU hours, utilisation,
 * power and energy from the DCGM exporter, and tokens and requests from
 * vLLM and Triton.
 *
 * @packageDocumentation
 */

export { finopsModulePrometheus as default } from './module';
export { readPrometheusUsageSourceOptions } from './module';
export {
  DEFAULT_KUBERNETES_ID_LABELS,
  DEFAULT_PROMETHEUS_QUERIES,
  PrometheusUsageSource,
  gpuModelOfDcgmName,
  workloadOfPod,
  type PrometheusQueryMetric,
  type PrometheusUsageSourceOptions,
} from './PrometheusUsageSource';
export {
  PrometheusClient,
  type PrometheusClientOptions,
  type PrometheusRangeQuery,
  type PrometheusSeries,
} from './PrometheusClient';
