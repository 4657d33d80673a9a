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

import {
  MONTH_HOURS,
  formatCpu,
  formatMemory,
  type EngineRecommendation,
} from './recommendation';
import {
  type ManifestChange,
  type WorkloadRef,
} from '@ai-finops/backstage-plugin-finops-common';

// The Kubernetes Vertical Pod Autoscaler recommender's defaults
// (kubernetes/autoscaler vertical-pod-autoscaler/pkg/recommender:
// util/decaying_histogram.go, model/aggregations_config.go,
// logic/recommender.go, logic/estimator.go, model/container.go).

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** @public */
export const VPA_DEFAULTS = {
  /** Half-life of sample weights (DefaultCPUHistogramDecayHalfLife, DefaultMemoryHistogramDecayHalfLife). */
  halfLifeMs: DAY_MS,
  /** Each bucket 5 % wider than the one before (DefaultHistogramBucketSizeGrowth). */
  bucketGrowth: 0.05,
  /** CPU histogram: 0.01 to 1,000 cores. */
  cpuFirstBucket: 0.01,
  cpuMax: 1000,
  /** Memory histogram: 10 MB to 1 TB. */
  memoryFirstBucket: 1e7,
  memoryMax: 1e12,
  /** Target percentiles (the brief: CPU P90, memory P95 of daily peaks). */
  cpuTargetPercentile: 0.9,
  memoryTargetPercentile: 0.95,
  lowerBoundPercentile: 0.5,
  upperBoundPercentile: 0.95,
  /** SafetyMarginFraction. */
  safetyMargin: 0.15,
  /** PodMinCPUMillicores / PodMinMemoryMb, per pod. */
  podMinCpuCores: 0.025,
  podMinMemoryBytes: 250 * 1e6,
  /** Memory peaks are aggregated per 24 h (MemoryAggregationInterval). */
  memoryAggregationMs: DAY_MS,
  /** OOM bump (DefaultOOMBumpUpRatio, DefaultOOMMinBumpUp). */
  oomBumpRatio: 1.2,
  oomMinBumpBytes: 100 * 2 ** 20,
  /** Days of history at which the recommendation is fully trusted (Goldilocks FAQ: 8 days). */
  fullConfidenceDays: 8,
} as const;

/**
 * A histogram with exponentially growing buckets whose sample weights decay
 * exponentially with age (half-life), as the VPA recommender keeps them.
 *
 * @public
 */
export class DecayingHistogram {
  private readonly weights: Float64Array;
  private readonly logRatio: number;
  private total = 0;
  private referenceMs: number | undefined;

  constructor(
    private readonly firstBucketSize: number,
    maxValue: number,
    private readonly growth: number = VPA_DEFAULTS.bucketGrowth,
    private readonly halfLifeMs: number = VPA_DEFAULTS.halfLifeMs,
  ) {
    this.logRatio = Math.log(1 + growth);
    const buckets =
      Math.ceil(
        Math.log((maxValue * growth) / firstBucketSize + 1) / this.logRatio,
      ) + 1;
    this.weights = new Float64Array(buckets);
  }

  get numBuckets(): number {
    return this.weights.length;
  }

  /** Start of bucket i: first × ((1 + g)^i − 1) / g. */
  bucketStart(i: number): number {
    return (
      (this.firstBucketSize * (Math.exp(i * this.logRatio) - 1)) / this.growth
    );
  }

  findBucket(value: number): number {
    if (value < this.firstBucketSize) return 0;
    const b = Math.floor(
      Math.log((value * this.growth) / this.firstBucketSize + 1) /
        this.logRatio,
    );
    return Math.min(this.weights.length - 1, Math.max(0, b));
  }

  /** Adds `value` with `weight` at `timeMs` (weight × 2^((t − reference) / half-life)). */
  add(value: number, weight: number, timeMs: number): void {
    if (!Number.isFinite(value) || !(weight > 0)) return;
    if (this.referenceMs === undefined) {
      this.referenceMs = Math.floor(timeMs / HOUR_MS) * HOUR_MS;
    }
    let exponent = (timeMs - this.referenceMs) / this.halfLifeMs;
    if (exponent > 100) {
      // Renormalise: move the reference forward and shrink every weight.
      const shift = Math.floor(exponent) * this.halfLifeMs;
      const factor = 2 ** -(shift / this.halfLifeMs);
      for (let i = 0; i < this.weights.length; i++) this.weights[i] *= factor;
      this.total *= factor;
      this.referenceMs += shift;
      exponent = (timeMs - this.referenceMs) / this.halfLifeMs;
    }
    const w = weight * 2 ** exponent;
    this.weights[this.findBucket(value)] += w;
    this.total += w;
  }

  isEmpty(): boolean {
    return this.total <= 0;
  }

  /**
   * The end of the bucket where the cumulative weight reaches `p` of the
   * total (the start of the last bucket when it is the last), as VPA's
   * `Percentile`. 0 when empty.
   */
  percentile(p: number): number {
    if (this.isEmpty()) return 0;
    const threshold = p * this.total;
    let partial = 0;
    let bucket = 0;
    const last = this.weights.length - 1;
    for (; bucket < last; bucket++) {
      partial += this.weights[bucket];
      if (partial >= threshold) break;
    }
    return bucket < last
      ? this.bucketStart(bucket + 1)
      : this.bucketStart(bucket);
  }
}

/**
 * Usage of one container, as sampled.
 *
 * @public
 */
export interface ContainerUsage {
  container: string;
  /** Index of the container in the pod template (for the JSON path); default its position in the input. */
  containerIndex?: number;
  /** CPU usage samples, cores (e.g. rate(container_cpu_usage_seconds_total) per minute or hour). */
  cpu: ReadonlyArray<{ timestamp: number; cores: number }>;
  /** Memory working-set samples, bytes (container_memory_working_set_bytes). */
  memory: ReadonlyArray<{ timestamp: number; bytes: number }>;
  /** OOM kills, with the memory limit (or request) the container had. */
  ooms?: ReadonlyArray<{ timestamp: number; memoryBytes: number }>;
  /** Current requests and limits. */
  current: {
    cpuRequestCores?: number;
    cpuLimitCores?: number;
    memoryRequestBytes?: number;
    memoryLimitBytes?: number;
  };
}

/**
 * The VPA-style estimate for one container.
 *
 * @public
 */
export interface ContainerRecommendation {
  container: string;
  cpu: { target: number; lowerBound: number; upperBound: number };
  memory: { target: number; lowerBound: number; upperBound: number };
  /** VPA's confidence: min(days of lifespan, samples / samples-per-day). */
  confidenceDays: number;
  /** min(1, confidenceDays / 8). */
  confidence: number;
  oomBumped: boolean;
}

/** Samples per day implied by the median spacing of the timestamps. */
function samplesPerDay(ts: number[]): number {
  if (ts.length < 2) return 1440;
  const sorted = [...ts].sort((a, b) => a - b);
  const gaps: number[] = [];
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] > sorted[i - 1]) gaps.push(sorted[i] - sorted[i - 1]);
  }
  if (!gaps.length) return 1440;
  gaps.sort((a, b) => a - b);
  return DAY_MS / gaps[Math.floor(gaps.length / 2)];
}

/**
 * VPA's estimate for one container from its usage: CPU target = P90 of the
 * decaying CPU histogram, memory target = P95 of the decaying histogram of
 * daily peaks (an OOM adds a peak of max(used + 100 MiB, used × 1.2)), each
 * × 1.15; lower bound P50, upper bound P95, scaled by (1 + 0.001/c)^-2 and
 * (1 + 1/c) for a confidence of c days; floors of 25 m CPU and 250 MB per
 * pod split over its containers.
 *
 * @public
 */
export function recommendContainer(
  usage: ContainerUsage,
  options: { containersInPod?: number } = {},
): ContainerRecommendation {
  const d = VPA_DEFAULTS;
  const cpuHist = new DecayingHistogram(d.cpuFirstBucket, d.cpuMax);
  for (const s of usage.cpu) cpuHist.add(s.cores, 0.1, s.timestamp);

  // Memory: one peak per aggregation interval.
  const memHist = new DecayingHistogram(d.memoryFirstBucket, d.memoryMax);
  const peaks = new Map<number, { bytes: number; timestamp: number }>();
  for (const s of usage.memory) {
    const key = Math.floor(s.timestamp / d.memoryAggregationMs);
    const p = peaks.get(key);
    if (!p || s.bytes > p.bytes)
      peaks.set(key, { bytes: s.bytes, timestamp: s.timestamp });
  }
  let oomBumped = false;
  for (const oom of usage.ooms ?? []) {
    const key = Math.floor(oom.timestamp / d.memoryAggregationMs);
    const used = Math.max(oom.memoryBytes, peaks.get(key)?.bytes ?? 0);
    const needed = Math.max(used + d.oomMinBumpBytes, used * d.oomBumpRatio);
    const p = peaks.get(key);
    if (!p || needed > p.bytes) {
      peaks.set(key, { bytes: needed, timestamp: oom.timestamp });
      oomBumped = true;
    }
  }
  for (const p of peaks.values()) memHist.add(p.bytes, 1, p.timestamp);

  const times = [
    ...usage.cpu.map(s => s.timestamp),
    ...usage.memory.map(s => s.timestamp),
  ];
  const lifespanDays = times.length
    ? (Math.max(...times) - Math.min(...times)) / DAY_MS
    : 0;
  const cpuTimes = usage.cpu.map(s => s.timestamp);
  const sampleDays = usage.cpu.length / samplesPerDay(cpuTimes);
  const c = Math.min(lifespanDays, sampleDays);

  const n = Math.max(1, options.containersInPod ?? 1);
  const margin = 1 + d.safetyMargin;
  const lowerScale = c > 0 ? (1 + 0.001 / c) ** -2 : 0;
  const upperScale = c > 0 ? 1 + 1 / c : Infinity;
  const est = (h: DecayingHistogram, p: number, floor: number, scale = 1) =>
    Math.max(floor / n, h.percentile(p) * margin * scale);
  return {
    container: usage.container,
    cpu: {
      target: est(cpuHist, d.cpuTargetPercentile, d.podMinCpuCores),
      lowerBound: est(
        cpuHist,
        d.lowerBoundPercentile,
        d.podMinCpuCores,
        lowerScale,
      ),
      upperBound: est(
        cpuHist,
        d.upperBoundPercentile,
        d.podMinCpuCores,
        upperScale,
      ),
    },
    memory: {
      target: est(memHist, d.memoryTargetPercentile, d.podMinMemoryBytes),
      lowerBound: est(
        memHist,
        d.lowerBoundPercentile,
        d.podMinMemoryBytes,
        lowerScale,
      ),
      upperBound: est(
        memHist,
        d.upperBoundPercentile,
        d.podMinMemoryBytes,
        upperScale,
      ),
    },
    confidenceDays: c,
    confidence: Math.min(1, Math.max(0, c / d.fullConfidenceDays)),
    oomBumped,
  };
}

/**
 * Inputs of {@link recommendRightsizing}.
 *
 * @public
 */
export interface RightsizingInput {
  workload: WorkloadRef;
  replicas: number;
  containers: readonly ContainerUsage[];
  /** JSON Pointer of the pod spec in the object (default `/spec/template/spec`). */
  podSpecPath?: string;
  /** USD per requested core-hour and GiB-hour. */
  usdPerCoreHour: number;
  usdPerGibHour: number;
  /** Carbon of reserved capacity: PUE and grid intensity (gCO2e/kWh). */
  pue?: number;
  gCo2ePerKwh?: number;
  /** Ignore changes smaller than this share of the current request (default 0.1). */
  minChange?: number;
}

// Cloud Carbon Footprint: minimum watts per vCPU (AWS average, the power a
// reserved but idle core draws) and memory 0.000392 kWh per GB-hour
// (ccf_cloud_constants.json MIN_WATTS_AVG, MEMORY_COEFFICIENT).
const CCF_MIN_WATTS_PER_VCPU = 0.74;
const CCF_KWH_PER_GB_HOUR = 0.000392;

/**
 * CPU and memory rightsizing for a workload's containers (VPA-style
 * estimates, see {@link recommendContainer}), as one recommendation with the
 * request (and proportional limit) changes, the monthly saving at the given
 * prices, and the carbon of the capacity no longer reserved (CCF: idle watts
 * per vCPU and the memory coefficient, × PUE × grid intensity).
 * `undefined` when no request changes by more than `minChange`.
 *
 * @public
 */
export function recommendRightsizing(
  input: RightsizingInput,
): EngineRecommendation | undefined {
  const minChange = input.minChange ?? 0.1;
  const podSpec = input.podSpecPath ?? '/spec/template/spec';
  const changes: ManifestChange[] = [];
  let cpuDelta = 0;
  let memDelta = 0;
  let memoryCut = false;
  let oom = false;
  let confidence = 1;
  const lines: string[] = [];
  input.containers.forEach((usage, position) => {
    const rec = recommendContainer(usage, {
      containersInPod: input.containers.length,
    });
    confidence = Math.min(confidence, rec.confidence);
    oom ||= rec.oomBumped;
    const index = usage.containerIndex ?? position;
    const base = `${podSpec}/containers/${index}/resources`;
    const cur = usage.current;
    const change = (
      resource: 'cpu' | 'memory',
      oldRequest: number | undefined,
      oldLimit: number | undefined,
      target: number,
      format: (v: number) => string,
    ) => {
      if (
        oldRequest !== undefined &&
        Math.abs(target - oldRequest) < minChange * oldRequest
      ) {
        return 0;
      }
      changes.push({
        kind: input.workload.kind,
        name: input.workload.name,
        namespace: input.workload.namespace,
        path: `${base}/requests/${resource}`,
        op: oldRequest === undefined ? 'add' : 'replace',
        ...(oldRequest !== undefined ? { oldValue: format(oldRequest) } : {}),
        newValue: format(target),
      });
      if (oldLimit !== undefined && oldRequest) {
        // Keep the limit/request ratio, as VPA does (RequestsAndLimits).
        const newLimit = (oldLimit / oldRequest) * target;
        changes.push({
          kind: input.workload.kind,
          name: input.workload.name,
          namespace: input.workload.namespace,
          path: `${base}/limits/${resource}`,
          op: 'replace',
          oldValue: format(oldLimit),
          newValue: format(newLimit),
        });
      }
      lines.push(
        `- \`${usage.container}\` ${resource}: ${
          oldRequest !== undefined ? format(oldRequest) : 'no request'
        } → ${format(target)}`,
      );
      return (oldRequest ?? 0) - target;
    };
    cpuDelta += change(
      'cpu',
      cur.cpuRequestCores,
      cur.cpuLimitCores,
      rec.cpu.target,
      formatCpu,
    );
    const dm = change(
      'memory',
      cur.memoryRequestBytes,
      cur.memoryLimitBytes,
      rec.memory.target,
      formatMemory,
    );
    memDelta += dm;
    if (dm > 0) memoryCut = true;
  });
  if (!changes.length) return undefined;

  const gib = memDelta / 2 ** 30;
  const hours = MONTH_HOURS * input.replicas;
  const monthlySavings =
    hours * (cpuDelta * input.usdPerCoreHour + gib * input.usdPerGibHour);
  const kwh =
    hours *
    ((cpuDelta * CCF_MIN_WATTS_PER_VCPU) / 1000 +
      (memDelta / 1e9) * CCF_KWH_PER_GB_HOUR);
  const carbonKg =
    (kwh * (input.pue ?? 1.135) * (input.gCo2ePerKwh ?? 392.78)) / 1000;
  let risk: EngineRecommendation['risk'] = 'low';
  if (memoryCut) risk = confidence < 0.5 ? 'high' : 'medium';
  return {
    kind: 'rightsize-cpu-memory',
    id: `rightsize-cpu-memory:${input.workload.namespace ?? ''}/${
      input.workload.kind
    }/${input.workload.name}`,
    workload: input.workload,
    title: `${oom ? 'Raise memory after OOM kills and right' : 'Right'}-size ${
      input.workload.name
    }'s requests`,
    description: [
      `VPA-style estimate over ${
        confidence >= 1 ? '8+' : (confidence * 8).toFixed(1)
      } days of usage (CPU P90, memory P95 of daily peaks, +15 %, 24 h half-life):`,
      ...lines,
    ].join('\n'),
    monthlySavings,
    monthlyCarbonSavingKg: carbonKg,
    risk,
    riskReason: !memoryCut
      ? 'only CPU requests fall or requests rise; CPU is throttled, not killed'
      : 'lower memory requests can OOM-kill a container whose peak was not in the history',
    confidence,
    changes,
  };
}
