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

import { gpuSpecOf, migShare, parseMigProfile } from './gpuSpecs';

/**
 * One GPU telemetry sample (a DCGM exporter scrape, or an hourly usage fact)
 * covering `durationSeconds` for one workload on one GPU or GPU slice.
 *
 * @public
 */
export interface GpuSample {
  /** Start of the interval, ms since the epoch. */
  timestamp: number;
  /** Length of the interval the sample stands for, seconds. */
  durationSeconds: number;
  /** Physical GPU (DCGM `UUID`). */
  gpuId: string;
  /** GPU model (DCGM `modelName` or the GFD label). */
  gpuModel?: string;
  /** Who holds the GPU or slice (pod, workload or entity). Absent: unallocated. */
  workload?: string;
  /** MIG instance profile (DCGM `GPU_I_PROFILE`), e.g. `1g.10gb`. */
  migProfile?: string;
  /** MIG instance id (DCGM `GPU_I_ID`), to tell two instances of one profile apart. */
  migInstanceId?: string;
  /**
   * Time-slicing: how many replicas the device plugin advertises per physical
   * GPU (`sharing.timeSlicing.resources[].replicas`), and how many of them
   * this workload holds (`sharedReplicasHeld`, default 1).
   */
  sharedReplicas?: number;
  sharedReplicasHeld?: number;
  /** DCGM_FI_PROF_SM_ACTIVE, 0..1. */
  smActive?: number;
  /** DCGM_FI_PROF_GR_ENGINE_ACTIVE, 0..1. */
  grEngineActive?: number;
  /** DCGM_FI_DEV_GPU_UTIL / 100, 0..1. */
  gpuUtil?: number;
  /** DCGM_FI_DEV_FB_USED, MiB. */
  fbUsedMiB?: number;
  /** DCGM_FI_DEV_FB_FREE, MiB (with `fbUsedMiB`, the memory the instance has). */
  fbFreeMiB?: number;
  /** DCGM_FI_DEV_POWER_USAGE of the physical GPU, W. */
  powerWatts?: number;
}

/**
 * Weights and thresholds of the GPU efficiency score.
 *
 * @public
 */
export interface GpuEfficiencyOptions {
  /** Weight of compute activity (default 0.6). */
  activityWeight?: number;
  /** Weight of memory use (default 0.2). */
  memoryWeight?: number;
  /** Weight of active power (default 0.2). */
  powerWeight?: number;
  /**
   * Activity at which the compute part scores full marks (default 0.8:
   * NVIDIA's DCGM guide calls SM activity of 0.8 or more necessary for
   * effective use).
   */
  activityTarget?: number;
  /** Activity below which an interval counts as idle (default 0.05). */
  idleActivity?: number;
  /** USD per GPU-hour of a whole GPU, per model; used for the dollar figures. */
  usdPerGpuHour?: (gpuModel: string | undefined) => number | undefined;
}

/** @public */
export const DEFAULT_GPU_EFFICIENCY_WEIGHTS = {
  activity: 0.6,
  memory: 0.2,
  power: 0.2,
} as const;

/**
 * Which signal measured compute activity.
 *
 * @public
 */
export type GpuActivitySource = 'sm_active' | 'gr_engine_active' | 'gpu_util';

/**
 * GPU efficiency of one workload over the samples given.
 *
 * @public
 */
export interface GpuEfficiency {
  workload: string;
  /** GPU-hours attributed to the workload (whole-GPU equivalents × hours). */
  gpuHours: number;
  /** Cost of those GPU-hours, when a price is known. */
  cost?: number;
  /** Time-weighted mean activity, 0..1, and the signal it came from (the weakest one seen). */
  activity?: number;
  activitySource?: GpuActivitySource;
  /** Time-weighted mean framebuffer use over the memory the workload holds, 0..1. */
  memoryUsed?: number;
  /** Peak framebuffer used, MiB. */
  peakFbUsedMiB?: number;
  /** Time-weighted mean active power share (P − idle) / (TDP − idle), 0..1. */
  powerUsed?: number;
  /** The score, 0..100: weighted mean of the parts present (weights renormalised). */
  score: number;
  /** GPU-hours in intervals whose activity was below the idle threshold. */
  idleGpuHours: number;
  /** Dollars those idle GPU-hours cost. */
  idleCost?: number;
  /** GPU-hours not turned into work: Σ hours × (1 − min(1, activity / target)). */
  unusedGpuHours: number;
  unusedCost?: number;
  /** Energy drawn by the workload's share of its GPUs, kWh (from measured power). */
  energyKwh?: number;
  /** Distinct physical GPUs seen. */
  gpus: number;
}

/**
 * The share of a physical GPU a sample's workload holds: 1 for a whole GPU,
 * the MIG profile's share (see {@link migShare}) for a MIG instance, and
 * held / replicas under time-slicing.
 *
 * @public
 */
export function gpuShareOf(
  sample: Pick<
    GpuSample,
    'migProfile' | 'gpuModel' | 'sharedReplicas' | 'sharedReplicasHeld'
  >,
): number {
  if (sample.migProfile) {
    return migShare(sample.migProfile, sample.gpuModel);
  }
  if (sample.sharedReplicas !== undefined) {
    const replicas = sample.sharedReplicas;
    if (!(replicas >= 1) || !Number.isInteger(replicas)) {
      throw new RangeError(
        `sharedReplicas must be a whole number ≥ 1, got ${replicas}`,
      );
    }
    const held = sample.sharedReplicasHeld ?? 1;
    if (!(held >= 0) || held > replicas) {
      throw new RangeError(
        `sharedReplicasHeld must be in 0..${replicas}, got ${held}`,
      );
    }
    return held / replicas;
  }
  return 1;
}

/**
 * The activity of a sample: SM activity, else graphics engine activity, else
 * utilisation.
 *
 * @public
 */
export function sampleActivity(
  s: GpuSample,
): { value: number; source: GpuActivitySource } | undefined {
  if (Number.isFinite(s.smActive)) {
    return { value: clamp01(s.smActive!), source: 'sm_active' };
  }
  if (Number.isFinite(s.grEngineActive)) {
    return { value: clamp01(s.grEngineActive!), source: 'gr_engine_active' };
  }
  if (Number.isFinite(s.gpuUtil)) {
    return { value: clamp01(s.gpuUtil!), source: 'gpu_util' };
  }
  return undefined;
}

const SOURCE_RANK: Record<GpuActivitySource, number> = {
  sm_active: 0,
  gr_engine_active: 1,
  gpu_util: 2,
};

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}

/** Memory the sample's workload holds, MiB. */
function heldMemoryMiB(s: GpuSample, share: number): number | undefined {
  if (Number.isFinite(s.fbUsedMiB) && Number.isFinite(s.fbFreeMiB)) {
    return s.fbUsedMiB! + s.fbFreeMiB!;
  }
  const mig = s.migProfile ? parseMigProfile(s.migProfile) : undefined;
  if (mig) return mig.memoryGb * 1024;
  const spec = gpuSpecOf(s.gpuModel);
  return spec ? spec.memoryGb * 1024 * share : undefined;
}

/**
 * The GPU efficiency of each workload in `samples`.
 *
 * Score = 100 × (wₐ·min(1, activity / target) + wₘ·memory used + wₚ·active
 * power), with wₐ = 0.6, wₘ = 0.2, wₚ = 0.2 by default and the weights of
 * missing parts spread over the others. Activity is SM activity when DCGM
 * profiling metrics are on, else graphics-engine activity, else GPU
 * utilisation (which overstates: one small kernel reads as busy). Active
 * power is (P − idle) / (TDP − idle) from the GPU spec. Power of a MIG or
 * time-sliced GPU is the physical GPU's; its part in the score is the GPU's,
 * and its energy is split by share.
 *
 * @public
 */
export function gpuEfficiency(
  samples: readonly GpuSample[],
  options: GpuEfficiencyOptions = {},
): GpuEfficiency[] {
  const wa = options.activityWeight ?? DEFAULT_GPU_EFFICIENCY_WEIGHTS.activity;
  const wm = options.memoryWeight ?? DEFAULT_GPU_EFFICIENCY_WEIGHTS.memory;
  const wp = options.powerWeight ?? DEFAULT_GPU_EFFICIENCY_WEIGHTS.power;
  const target = options.activityTarget ?? 0.8;
  const idleBelow = options.idleActivity ?? 0.05;

  interface Acc {
    hours: number;
    cost: number;
    priced: boolean;
    actHours: number;
    act: number;
    source?: GpuActivitySource;
    memHours: number;
    mem: number;
    peakFb?: number;
    powHours: number;
    pow: number;
    idleHours: number;
    idleCost: number;
    unusedHours: number;
    unusedCost: number;
    energyKwh: number;
    measuredEnergy: boolean;
    gpus: Set<string>;
  }
  const byWorkload = new Map<string, Acc>();
  for (const s of samples) {
    if (!s.workload) continue;
    if (!(s.durationSeconds > 0)) continue;
    const share = gpuShareOf(s);
    const hours = (s.durationSeconds / 3600) * share;
    let acc = byWorkload.get(s.workload);
    if (!acc) {
      acc = {
        hours: 0,
        cost: 0,
        priced: !!options.usdPerGpuHour,
        actHours: 0,
        act: 0,
        memHours: 0,
        mem: 0,
        powHours: 0,
        pow: 0,
        idleHours: 0,
        idleCost: 0,
        unusedHours: 0,
        unusedCost: 0,
        energyKwh: 0,
        measuredEnergy: false,
        gpus: new Set(),
      };
      byWorkload.set(s.workload, acc);
    }
    acc.gpus.add(s.gpuId);
    acc.hours += hours;
    const price = options.usdPerGpuHour?.(s.gpuModel);
    if (price === undefined) acc.priced = false;
    const cost = hours * (price ?? 0);
    acc.cost += cost;

    const activity = sampleActivity(s);
    if (activity) {
      acc.actHours += hours;
      acc.act += hours * activity.value;
      if (!acc.source || SOURCE_RANK[activity.source] > SOURCE_RANK[acc.source])
        acc.source = activity.source;
      const unused = 1 - Math.min(1, activity.value / target);
      acc.unusedHours += hours * unused;
      acc.unusedCost += cost * unused;
      if (activity.value < idleBelow) {
        acc.idleHours += hours;
        acc.idleCost += cost;
      }
    }
    if (Number.isFinite(s.fbUsedMiB)) {
      const held = heldMemoryMiB(s, share);
      if (held && held > 0) {
        acc.memHours += hours;
        acc.mem += hours * clamp01(s.fbUsedMiB! / held);
      }
      acc.peakFb = Math.max(acc.peakFb ?? 0, s.fbUsedMiB!);
    }
    if (Number.isFinite(s.powerWatts)) {
      const spec = gpuSpecOf(s.gpuModel);
      if (spec) {
        acc.powHours += hours;
        acc.pow +=
          hours *
          clamp01(
            (s.powerWatts! - spec.idleWatts) / (spec.tdpWatts - spec.idleWatts),
          );
      }
      acc.energyKwh += (s.powerWatts! * hours) / 1000;
      acc.measuredEnergy = true;
    }
  }

  return [...byWorkload.entries()].map(([workload, a]) => {
    const activity = a.actHours ? a.act / a.actHours : undefined;
    const memoryUsed = a.memHours ? a.mem / a.memHours : undefined;
    const powerUsed = a.powHours ? a.pow / a.powHours : undefined;
    const parts: Array<[number, number | undefined]> = [
      [wa, activity === undefined ? undefined : Math.min(1, activity / target)],
      [wm, memoryUsed],
      [wp, powerUsed],
    ];
    let weight = 0;
    let total = 0;
    for (const [w, v] of parts) {
      if (v === undefined) continue;
      weight += w;
      total += w * v;
    }
    return {
      workload,
      gpuHours: a.hours,
      ...(a.priced ? { cost: a.cost } : {}),
      ...(activity !== undefined ? { activity, activitySource: a.source } : {}),
      ...(memoryUsed !== undefined ? { memoryUsed } : {}),
      ...(a.peakFb !== undefined ? { peakFbUsedMiB: a.peakFb } : {}),
      ...(powerUsed !== undefined ? { powerUsed } : {}),
      score: weight ? (100 * total) / weight : 0,
      idleGpuHours: a.idleHours,
      ...(a.priced ? { idleCost: a.idleCost, unusedCost: a.unusedCost } : {}),
      unusedGpuHours: a.unusedHours,
      ...(a.measuredEnergy ? { energyKwh: a.energyKwh } : {}),
      gpus: a.gpus.size,
    };
  });
}

/**
 * How the GPU-hours of physical GPUs split between workloads.
 *
 * @public
 */
export interface GpuCostAllocation {
  /** GPU-hours and cost per workload. */
  workloads: Array<{ workload: string; gpuHours: number; cost: number }>;
  /** GPU-hours of the physical GPUs that no workload held (free MIG slices, free time-slice replicas, GPUs with no pod). */
  unallocatedGpuHours: number;
  unallocatedCost: number;
  /** Whole-GPU-hours of the physical GPUs seen (the bill). */
  totalGpuHours: number;
  totalCost: number;
  /** Intervals where the shares on one GPU added up to more than 1 (a misconfiguration or double counting). */
  overAllocated: Array<{ gpuId: string; timestamp: number; share: number }>;
}

/**
 * Splits the cost of physical GPUs between the workloads holding them, per
 * interval: whole GPUs go to their holder, MIG instances by their profile's
 * share, time-sliced GPUs by replicas held. Whatever no workload holds is
 * reported as unallocated, so workloads + unallocated = the GPUs' cost.
 * Samples of one GPU and interval are grouped by (`gpuId`, `timestamp`).
 *
 * @public
 */
export function allocateGpuCost(
  samples: readonly GpuSample[],
  usdPerGpuHour: (gpuModel: string | undefined) => number,
): GpuCostAllocation {
  const intervals = new Map<string, GpuSample[]>();
  for (const s of samples) {
    if (!(s.durationSeconds > 0)) continue;
    const key = `${s.gpuId}\u0000${s.timestamp}`;
    const list = intervals.get(key);
    if (list) list.push(s);
    else intervals.set(key, [s]);
  }
  const workloads = new Map<string, { gpuHours: number; cost: number }>();
  const out: GpuCostAllocation = {
    workloads: [],
    unallocatedGpuHours: 0,
    unallocatedCost: 0,
    totalGpuHours: 0,
    totalCost: 0,
    overAllocated: [],
  };
  for (const list of intervals.values()) {
    const hours = Math.max(...list.map(s => s.durationSeconds)) / 3600;
    const model = list.find(s => s.gpuModel)?.gpuModel;
    const price = usdPerGpuHour(model);
    // One share per holder: repeated samples of one MIG instance or one
    // pod within the interval count once.
    const seen = new Map<string, { workload: string; share: number }>();
    for (const s of list) {
      if (!s.workload) continue;
      const holderKey = `${s.workload}\u0000${s.migProfile ?? ''}\u0000${
        s.migInstanceId ?? ''
      }`;
      if (!seen.has(holderKey)) {
        seen.set(holderKey, { workload: s.workload, share: gpuShareOf(s) });
      }
    }
    let held = 0;
    for (const { workload, share } of seen.values()) {
      held += share;
      const w = workloads.get(workload) ?? { gpuHours: 0, cost: 0 };
      w.gpuHours += hours * share;
      w.cost += hours * share * price;
      workloads.set(workload, w);
    }
    if (held > 1 + 1e-9) {
      out.overAllocated.push({
        gpuId: list[0].gpuId,
        timestamp: list[0].timestamp,
        share: held,
      });
    }
    const free = Math.max(0, 1 - held);
    out.unallocatedGpuHours += hours * free;
    out.unallocatedCost += hours * free * price;
    out.totalGpuHours += hours;
    out.totalCost += hours * price;
  }
  out.workloads = [...workloads.entries()]
    .map(([workload, w]) => ({ workload, ...w }))
    .sort((a, b) => b.cost - a.cost);
  return out;
}
