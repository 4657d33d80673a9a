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

import type { UsageMetric } from '@ai-finops/backstage-plugin-finops-common';
import type {
  FinopsDataSource,
  FinopsReadOptions,
  FinopsRecord,
} from '@ai-finops/backstage-plugin-finops-node';
import type { HumanDuration } from '@backstage/types';
import {
  PrometheusClient,
  type PrometheusClientOptions,
  type PrometheusSeries,
} from './PrometheusClient';

/**
 * The usage metrics read with PromQL. `gpu_hours` and `gpu_energy_kwh` are
 * derived from the GPU series (`gpu_utilization` and `gpu_power_watts`).
 *
 * @public
 */
export type PrometheusQueryMetric =
  | 'gpu_utilization'
  | 'gpu_power_watts'
  | 'tokens_input'
  | 'tokens_output'
  | 'requests';

/**
 * The PromQL run for each metric; `$step` is replaced with the step, e.g.
 * `60s`. Gauges are averaged per step (`avg_over_time`), so a point exists
 * only where the exporter was scraped; counters are read raw and their
 * increases summed here, across resets.
 *
 * @public
 */
export const DEFAULT_PROMETHEUS_QUERIES: Readonly<
  Record<PrometheusQueryMetric, readonly string[]>
> = {
  gpu_utilization: ['avg_over_time(DCGM_FI_DEV_GPU_UTIL[$step]) / 100'],
  gpu_power_watts: ['avg_over_time(DCGM_FI_DEV_POWER_USAGE[$step])'],
  tokens_input: ['vllm:prompt_tokens_total'],
  tokens_output: ['vllm:generation_tokens_total'],
  requests: [
    'vllm:e2e_request_latency_seconds_count',
    'nv_inference_request_success',
  ],
};

/** Metrics whose queries return counters rather than per-step gauges. */
const COUNTER_METRICS: ReadonlySet<PrometheusQueryMetric> = new Set([
  'tokens_input',
  'tokens_output',
  'requests',
]);

/**
 * Pod labels tried, in order, for the `backstage.io/kubernetes-id` of a
 * series when `kubernetesIdLabel` is not configured: the kube-state-metrics
 * form (after a join on `kube_pod_labels`), then the form a relabelling of
 * the pod label gives.
 *
 * @public
 */
export const DEFAULT_KUBERNETES_ID_LABELS: readonly string[] = [
  'label_backstage_io_kubernetes_id',
  'backstage_io_kubernetes_id',
];

/** MIG labels of dcgm-exporter, kept as fact labels. */
const MIG_LABELS = ['GPU_I_PROFILE', 'GPU_I_ID'] as const;

const HOUR_MS = 3_600_000;

/** Prometheus refuses range queries of more than 11,000 points per series. */
const MAX_POINTS_PER_QUERY = 10_000;

/**
 * Options of {@link PrometheusUsageSource}.
 *
 * @public
 */
export interface PrometheusUsageSourceOptions extends PrometheusClientOptions {
  /** Source id; defaults to `prometheus`. */
  id?: string;
  /** Query resolution in seconds; must divide an hour. Defaults to 60. */
  stepSeconds?: number;
  /** Per-metric PromQL replacing the defaults; an empty list turns a metric off. */
  queries?: Partial<Record<PrometheusQueryMetric, readonly string[]>>;
  /** The label holding the `backstage.io/kubernetes-id`; defaults to {@link DEFAULT_KUBERNETES_ID_LABELS}. */
  kubernetesIdLabel?: string;
  /** How far back the first ingestion reaches. */
  backfill?: HumanDuration;
}

/** Who a series belongs to: the dimensions of its facts. */
interface SeriesOwner {
  namespace?: string;
  workload?: string;
  kubernetesId?: string;
  gpuModel?: string;
  labels?: Record<string, string>;
}

/** One hour of one GPU series. */
interface GpuHour {
  steps: Set<number>;
  utilizationSum: number;
  utilizationCount: number;
  powerSum: number;
  powerCount: number;
}

/**
 * Maps a pod name to its workload: `Deployment/<name>` for a pod of a
 * ReplicaSet (`<name>-<pod-template-hash>-<suffix>`), `StatefulSet/<name>`
 * for `<name>-<ordinal>`, and `Pod/<pod>` otherwise.
 *
 * @public
 */
export function workloadOfPod(pod: string): string {
  const safe = '[bcdfghjklmnpqrstvwxz2456789]';
  const deployment = new RegExp(`^(.+)-${safe}{5,10}-${safe}{5}$`).exec(pod);
  if (deployment) {
    return `Deployment/${deployment[1]}`;
  }
  const statefulSet = /^(.+)-\d+$/.exec(pod);
  if (statefulSet) {
    return `StatefulSet/${statefulSet[1]}`;
  }
  return `Pod/${pod}`;
}

/**
 * Converts a DCGM `modelName` (`NVIDIA H200`) to the GPU Feature Discovery
 * spelling (`NVIDIA-H200`).
 *
 * @public
 */
export function gpuModelOfDcgmName(modelName: string): string {
  return modelName.trim().replace(/\s+/g, '-');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value ? value : undefined;
}

function hourIso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Reads hourly GPU and inference usage from Prometheus: DCGM exporter
 * gauges for GPU hours, utilisation, power and energy, and vLLM / Triton
 * counters for tokens and requests.
 *
 * Each window is read with `GET /api/v1/query_range` at a fixed step and
 * folded into one usage fact per hour, metric and owner (namespace,
 * workload, `backstage.io/kubernetes-id`, GPU model and MIG instance). A
 * window is a pure function of what Prometheus holds for it, so re-reading
 * it gives the records that replace it.
 *
 * @public
 */
export class PrometheusUsageSource implements FinopsDataSource {
  readonly id: string;
  readonly backfill?: HumanDuration;
  readonly stepSeconds: number;
  readonly queries: Readonly<Record<PrometheusQueryMetric, readonly string[]>>;
  readonly #client: PrometheusClient;
  readonly #kubernetesIdLabels: readonly string[];

  constructor(options: PrometheusUsageSourceOptions) {
    this.id = options.id ?? 'prometheus';
    this.backfill = options.backfill;
    const step = options.stepSeconds ?? 60;
    if (!Number.isInteger(step) || step < 1 || 3600 % step !== 0) {
      throw new TypeError(
        `Prometheus step must be a whole number of seconds that divides an hour, got ${step}`,
      );
    }
    this.stepSeconds = step;
    this.queries = { ...DEFAULT_PROMETHEUS_QUERIES, ...options.queries };
    this.#kubernetesIdLabels = options.kubernetesIdLabel
      ? [options.kubernetesIdLabel]
      : DEFAULT_KUBERNETES_ID_LABELS;
    this.#client = new PrometheusClient(options);
  }

  async *read(options: FinopsReadOptions): AsyncIterable<FinopsRecord> {
    const { window, logger, signal } = options;
    const start = window.start.getTime();
    const end = window.end.getTime();
    if (start % HOUR_MS !== 0 || end % HOUR_MS !== 0 || end <= start) {
      throw new Error(
        `Prometheus source '${
          this.id
        }' reads whole hours, got ${window.start.toISOString()} to ${window.end.toISOString()}`,
      );
    }
    const chunkMs =
      Math.max(
        1,
        Math.floor((MAX_POINTS_PER_QUERY * this.stepSeconds) / 3600),
      ) * HOUR_MS;
    for (let from = start; from < end; from += chunkMs) {
      const to = Math.min(end, from + chunkMs);
      logger.debug(
        `Reading Prometheus usage for ${hourIso(from)} to ${hourIso(to)} from ${
          this.#client.baseUrl
        }`,
      );
      yield* await this.#readChunk(from, to, signal);
    }
  }

  /** Reads `[from, to)`, whole hours, in one query per PromQL expression. */
  async #readChunk(
    from: number,
    to: number,
    signal?: AbortSignal,
  ): Promise<FinopsRecord[]> {
    const gpus = new Map<
      string,
      { owner: SeriesOwner; hours: Map<number, GpuHour> }
    >();
    const counters = new Map<string, Map<number, number>>();
    const owners = new Map<string, SeriesOwner>();

    for (const metric of Object.keys(this.queries) as PrometheusQueryMetric[]) {
      for (const promql of this.queries[metric]) {
        const series = await this.#client.queryRange({
          name: metric,
          query: promql.replace(/\$step\b/g, `${this.stepSeconds}s`),
          start: from / 1000,
          end: to / 1000,
          step: this.stepSeconds,
          signal,
        });
        for (const s of series) {
          if (COUNTER_METRICS.has(metric)) {
            this.#addCounter(metric, s, from, counters, owners);
          } else {
            this.#addGauge(metric, s, from, gpus);
          }
        }
      }
    }
    return this.#toRecords(gpus, counters, owners);
  }

  #ownerOf(labels: Record<string, string>, withGpu: boolean): SeriesOwner {
    // dcgm-exporter's own namespace/pod labels clash with the scrape
    // target's and become exported_* unless honor_labels is set.
    const namespace = nonEmpty(labels.exported_namespace ?? labels.namespace);
    const pod = nonEmpty(labels.exported_pod ?? labels.pod);
    const kubernetesId = this.#kubernetesIdLabels
      .map(label => nonEmpty(labels[label]))
      .find(Boolean);
    const owner: SeriesOwner = {
      namespace,
      workload: pod ? workloadOfPod(pod) : undefined,
      kubernetesId,
    };
    if (withGpu) {
      owner.gpuModel = labels.modelName
        ? gpuModelOfDcgmName(labels.modelName)
        : undefined;
      const mig = MIG_LABELS.filter(label => nonEmpty(labels[label]));
      if (mig.length > 0) {
        owner.labels = Object.fromEntries(mig.map(l => [l, labels[l]]));
      }
    }
    return owner;
  }

  /** The hour (ms) holding the step that ends at `seconds`. */
  #hourOfStepEnd(seconds: number): number {
    const ms = seconds * 1000 - 1;
    return ms - (ms % HOUR_MS);
  }

  #addGauge(
    metric: PrometheusQueryMetric,
    series: PrometheusSeries,
    from: number,
    gpus: Map<string, { owner: SeriesOwner; hours: Map<number, GpuHour> }>,
  ) {
    const { __name__: _name, ...labels } = series.metric;
    const key = seriesKey(labels);
    let gpu = gpus.get(key);
    if (!gpu) {
      gpu = { owner: this.#ownerOf(labels, true), hours: new Map() };
      gpus.set(key, gpu);
    }
    for (const [seconds, text] of series.values) {
      const value = Number(text);
      // The point at the start of the chunk averages the previous step.
      if (seconds * 1000 <= from || !Number.isFinite(value)) {
        continue;
      }
      const hour = this.#hourOfStepEnd(seconds);
      let h = gpu.hours.get(hour);
      if (!h) {
        h = {
          steps: new Set(),
          utilizationSum: 0,
          utilizationCount: 0,
          powerSum: 0,
          powerCount: 0,
        };
        gpu.hours.set(hour, h);
      }
      h.steps.add(seconds);
      if (metric === 'gpu_utilization') {
        h.utilizationSum += value;
        h.utilizationCount++;
      } else {
        h.powerSum += value;
        h.powerCount++;
      }
    }
  }

  #addCounter(
    metric: PrometheusQueryMetric,
    series: PrometheusSeries,
    from: number,
    counters: Map<string, Map<number, number>>,
    owners: Map<string, SeriesOwner>,
  ) {
    const owner = this.#ownerOf(series.metric, false);
    const key = `${metric}\u0000${ownerKey(owner)}`;
    owners.set(key, owner);
    let hours = counters.get(key);
    if (!hours) {
      hours = new Map();
      counters.set(key, hours);
    }
    let previous: number | undefined;
    for (const [seconds, text] of series.values) {
      const value = Number(text);
      if (!Number.isFinite(value)) {
        continue;
      }
      if (previous === undefined && seconds * 1000 <= from) {
        // The value at the start of the chunk is the baseline.
        previous = value;
        continue;
      }
      // A series first seen inside the chunk counts from zero (a new
      // process); a value below the previous one is a counter reset.
      const increase =
        previous === undefined || value < previous ? value : value - previous;
      previous = value;
      const hour = this.#hourOfStepEnd(seconds);
      hours.set(hour, (hours.get(hour) ?? 0) + increase);
    }
  }

  #toRecords(
    gpus: Map<string, { owner: SeriesOwner; hours: Map<number, GpuHour> }>,
    counters: Map<string, Map<number, number>>,
    owners: Map<string, SeriesOwner>,
  ): FinopsRecord[] {
    const step = this.stepSeconds;
    const totals = new Map<
      string,
      {
        owner: SeriesOwner;
        hour: number;
        gpuSeconds: number;
        utilizationSum: number;
        utilizationCount: number;
        powerSum: number;
        powerCount: number;
      }
    >();
    for (const { owner, hours } of gpus.values()) {
      for (const [hour, h] of hours) {
        const key = `${hour}\u0000${ownerKey(owner)}`;
        let t = totals.get(key);
        if (!t) {
          t = {
            owner,
            hour,
            gpuSeconds: 0,
            utilizationSum: 0,
            utilizationCount: 0,
            powerSum: 0,
            powerCount: 0,
          };
          totals.set(key, t);
        }
        t.gpuSeconds += h.steps.size * step;
        t.utilizationSum += h.utilizationSum;
        t.utilizationCount += h.utilizationCount;
        t.powerSum += h.powerSum;
        t.powerCount += h.powerCount;
      }
    }

    const records: Array<FinopsRecord & { type: 'usage' }> = [];
    const push = (
      owner: SeriesOwner,
      hour: number,
      metric: UsageMetric,
      value: number,
    ) => {
      records.push({
        type: 'usage',
        hour: hourIso(hour),
        metric,
        value,
        ...definedOnly(owner),
      });
    };
    for (const t of totals.values()) {
      push(t.owner, t.hour, 'gpu_hours', t.gpuSeconds / 3600);
      if (t.utilizationCount > 0) {
        push(
          t.owner,
          t.hour,
          'gpu_utilization',
          t.utilizationSum / t.utilizationCount,
        );
      }
      if (t.powerCount > 0) {
        push(t.owner, t.hour, 'gpu_power_watts', t.powerSum / t.powerCount);
        // Each point is the mean power over one step: W × s → kWh.
        push(t.owner, t.hour, 'gpu_energy_kwh', (t.powerSum * step) / 3.6e6);
      }
    }
    for (const [key, hours] of counters) {
      const metric = key.slice(0, key.indexOf('\u0000')) as UsageMetric;
      const owner = owners.get(key)!;
      for (const [hour, value] of hours) {
        push(owner, hour, metric, value);
      }
    }
    return records.sort(
      (a, b) =>
        a.hour.localeCompare(b.hour) ||
        a.metric.localeCompare(b.metric) ||
        ownerKey(a).localeCompare(ownerKey(b)),
    );
  }
}

function seriesKey(labels: Record<string, string>): string {
  const names = Object.keys(labels).sort();
  return JSON.stringify(names.map(name => [name, labels[name]]));
}

function ownerKey(owner: SeriesOwner): string {
  return JSON.stringify([
    owner.namespace ?? null,
    owner.workload ?? null,
    owner.kubernetesId ?? null,
    owner.gpuModel ?? null,
    owner.labels ? seriesKey(owner.labels) : null,
  ]);
}

function definedOnly(owner: SeriesOwner): SeriesOwner {
  return Object.fromEntries(
    Object.entries(owner).filter(([, v]) => v !== undefined),
  ) as SeriesOwner;
}
