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

import { embodiedGramsPerGpuHour } from './footprint';
import {
  GPU_SPECS,
  gpuSpecOf,
  migShare,
  parseMigProfile,
  type GpuSpec,
} from './gpuSpecs';
import { powerAt } from './power';
import { MONTH_HOURS, type EngineRecommendation } from './recommendation';
import {
  type ManifestChange,
  type WorkloadRef,
} from '@ai-finops/backstage-plugin-finops-common';

/**
 * Observed GPU use of one workload.
 *
 * @public
 */
export interface GpuWorkloadUsage {
  workload: WorkloadRef;
  replicas: number;
  /** GPU model now (GFD label). */
  gpuModel: string;
  /** Whole GPUs per replica (`nvidia.com/gpu` limit). */
  gpusPerReplica: number;
  /** Index of the serving container in the pod template (default 0). */
  containerIndex?: number;
  /** JSON Pointer of the pod spec (default `/spec/template/spec`). */
  podSpecPath?: string;
  /** Peak DCGM_FI_DEV_FB_USED per GPU over the window, MiB. */
  peakFbUsedMiB: number;
  /** P95 of activity per GPU (SM activity, else utilisation), 0..1. */
  activityP95: number;
  /** Mean activity, 0..1 (default the P95). */
  activityMean?: number;
  /** Latency-sensitive services are not offered time-slicing (default true). */
  latencySensitive?: boolean;
  /** Replica floor for consolidation (default 1; 2 keeps redundancy). */
  minReplicas?: number;
  /** A HorizontalPodAutoscaler or KEDA ScaledObject owns the replica count. */
  autoscaled?: boolean;
  /** USD per GPU-hour of a model; models without a price are not offered. */
  usdPerGpuHour: (gpuModel: string) => number | undefined;
  /** Memory headroom over the peak, for KV-cache growth (default 0.2). */
  memoryHeadroom?: number;
  /** Activity a GPU (or slice) should run at, at most (default 0.8). */
  activityTarget?: number;
  pue?: number;
  gCo2ePerKwh?: number;
}

/**
 * One way to serve the workload on less GPU.
 *
 * @public
 */
export interface GpuRightsizingOption {
  action: 'consolidate' | 'mig-slice' | 'smaller-gpu' | 'time-slice';
  summary: string;
  monthlySavings: number;
  monthlyCarbonSavingKg: number;
  risk: EngineRecommendation['risk'];
  riskReason: string;
  confidence: number;
  changes: ManifestChange[];
}

const GPU_RESOURCE = 'nvidia.com/gpu';

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Replaces the container's one whole-GPU limit by one of `resource`. */
function swapGpuLimit(
  ref: WorkloadRef,
  container: string,
  resource: string,
): ManifestChange[] {
  const limit = (key: string) =>
    `${container}/resources/limits/${escapePointer(key)}`;
  return [
    { ...ref, path: limit(GPU_RESOURCE), op: 'remove', oldValue: 1 },
    { ...ref, path: limit(resource), op: 'add', newValue: 1 },
  ];
}

/**
 * Every GPU rightsizing option that fits the observed memory and activity,
 * with its saving: consolidate onto fewer replicas (activity P95 × replicas
 * / target), a MIG slice (smallest profile whose memory holds the peak +
 * headroom and whose compute share holds P95 / target), a smaller GPU model
 * (memory fits; bandwidth and FP16 TFLOPS × activity / target fit; cheaper
 * per hour), or time-slicing N replicas on one GPU when the service is not
 * latency-sensitive. Savings are list price × GPU share × 730 h; carbon is
 * the idle power and embodied share of the GPU time given back (× PUE ×
 * grid intensity).
 *
 * @public
 */
export function gpuRightsizingOptions(
  usage: GpuWorkloadUsage,
): GpuRightsizingOption[] {
  const spec = gpuSpecOf(usage.gpuModel);
  const price = usage.usdPerGpuHour(usage.gpuModel);
  if (!spec || price === undefined) return [];
  const target = usage.activityTarget ?? 0.8;
  const headroom = usage.memoryHeadroom ?? 0.2;
  const p95 = Math.min(1, Math.max(0, usage.activityP95));
  const mean = usage.activityMean ?? p95;
  const needMiB = usage.peakFbUsedMiB * (1 + headroom);
  const pue = usage.pue ?? 1.135;
  const intensity = usage.gCo2ePerKwh ?? 392.78;
  const podSpec = usage.podSpecPath ?? '/spec/template/spec';
  const container = `${podSpec}/containers/${usage.containerIndex ?? 0}`;
  const ref = {
    kind: usage.workload.kind,
    name: usage.workload.name,
    namespace: usage.workload.namespace,
  };
  const gpuHoursNow = usage.replicas * usage.gpusPerReplica * MONTH_HOURS;
  /** kg CO2e per month of `gpuHours` GPU-hours given back (idle power + embodied). */
  const carbonOf = (gpuHours: number, s: GpuSpec = spec) =>
    (gpuHours *
      ((s.idleWatts / 1000) * pue * intensity +
        embodiedGramsPerGpuHour(s.model))) /
    1000;
  const options: GpuRightsizingOption[] = [];
  // Confidence: P95 activity near the target leaves little margin.
  const margin = Math.max(0, 1 - p95 / target);

  // Consolidate replicas.
  const floor = Math.max(1, usage.minReplicas ?? 1);
  const needed = Math.max(floor, Math.ceil((usage.replicas * p95) / target));
  if (needed < usage.replicas) {
    const freed =
      (usage.replicas - needed) * usage.gpusPerReplica * MONTH_HOURS;
    options.push({
      action: 'consolidate',
      summary: `serve on ${needed} replica(s) instead of ${
        usage.replicas
      }: P95 activity ${(p95 * 100).toFixed(0)} % × ${
        usage.replicas
      } fits ${needed} at ${(target * 100).toFixed(0)} %`,
      monthlySavings: freed * price,
      monthlyCarbonSavingKg: carbonOf(freed),
      risk: needed < 2 ? 'high' : 'medium',
      riskReason:
        needed < 2
          ? 'a single replica has no redundancy during restarts or node loss'
          : 'less headroom for bursts above the observed P95',
      confidence: 0.5 + 0.5 * margin,
      changes: usage.autoscaled
        ? []
        : [
            {
              ...ref,
              path: '/spec/replicas',
              op: 'replace',
              oldValue: usage.replicas,
              newValue: needed,
            },
          ],
    });
  }

  // A MIG slice instead of a whole GPU.
  if (usage.gpusPerReplica === 1 && spec.migProfiles && spec.migSlices) {
    const computeShare = p95 / target;
    const fit = spec.migProfiles
      .map(p => ({
        profile: p,
        mig: parseMigProfile(p)!,
        share: migShare(p, spec.model),
      }))
      .filter(
        ({ mig }) =>
          mig.memoryGb * 1024 >= needMiB &&
          mig.computeSlices / spec.migSlices! >= computeShare,
      )
      .sort((a, b) => a.share - b.share)[0];
    if (fit && fit.share < 1) {
      const freed = gpuHoursNow * (1 - fit.share);
      options.push({
        action: 'mig-slice',
        summary: `run each replica on a MIG ${fit.profile} slice (${(
          fit.share * 100
        ).toFixed(0)} % of a ${spec.model}): peak memory ${(
          usage.peakFbUsedMiB / 1024
        ).toFixed(1)} GiB + ${(headroom * 100).toFixed(0)} % fits ${
          fit.mig.memoryGb
        } GB, P95 activity needs ${(computeShare * 100).toFixed(
          0,
        )} % of the SMs`,
        monthlySavings: freed * price,
        monthlyCarbonSavingKg: carbonOf(freed),
        risk: 'medium',
        riskReason:
          'the nodes need a MIG layout with this profile, and a slice has proportionally less memory bandwidth',
        confidence: 0.4 + 0.5 * margin,
        changes: swapGpuLimit(ref, container, `nvidia.com/mig-${fit.profile}`),
      });
    }
  }

  // A smaller (cheaper) GPU model.
  const needTflops = (p95 * spec.fp16Tflops) / target;
  const needBandwidth = (p95 * spec.memoryBandwidthTbs) / target;
  const smaller = GPU_SPECS.filter(s => s.model !== spec.model)
    .map(s => ({ s, price: usage.usdPerGpuHour(s.model) }))
    .filter(
      (c): c is { s: GpuSpec; price: number } =>
        c.price !== undefined &&
        c.price < price &&
        c.s.memoryGb * 1024 >= needMiB &&
        c.s.fp16Tflops >= needTflops &&
        c.s.memoryBandwidthTbs >= needBandwidth,
    )
    .sort((a, b) => a.price - b.price)[0];
  if (smaller) {
    const load = Math.min(
      1,
      Math.max(
        (mean * spec.fp16Tflops) / smaller.s.fp16Tflops,
        (mean * spec.memoryBandwidthTbs) / smaller.s.memoryBandwidthTbs,
      ),
    );
    const wattsNow = powerAt(
      { idleWatts: spec.idleWatts, maxWatts: spec.maxWatts },
      mean,
    );
    const wattsNew = powerAt(
      { idleWatts: smaller.s.idleWatts, maxWatts: smaller.s.maxWatts },
      load,
    );
    const kwhSaved = (gpuHoursNow * (wattsNow - wattsNew)) / 1000;
    const embodiedSaved =
      gpuHoursNow *
      (embodiedGramsPerGpuHour(spec.model) -
        embodiedGramsPerGpuHour(smaller.s.model));
    const selector = `${podSpec}/nodeSelector/${escapePointer(
      'nvidia.com/gpu.product',
    )}`;
    options.push({
      action: 'smaller-gpu',
      summary: `move to ${smaller.s.model} ($${smaller.price.toFixed(
        2,
      )}/GPU-h instead of $${price.toFixed(2)}): ${
        smaller.s.memoryGb
      } GB holds the ${(needMiB / 1024).toFixed(
        1,
      )} GiB needed, and its bandwidth and FP16 throughput cover P95 activity at ${(
        target * 100
      ).toFixed(0)} %`,
      monthlySavings: gpuHoursNow * (price - smaller.price),
      monthlyCarbonSavingKg:
        (kwhSaved * pue * intensity + embodiedSaved) / 1000,
      risk: 'medium',
      riskReason:
        'throughput scales with bandwidth and FLOPS only roughly; benchmark the model on the new GPU before switching',
      confidence: 0.3 + 0.4 * margin,
      changes: [
        {
          ...ref,
          path: selector,
          op: 'replace',
          oldValue: usage.gpuModel,
          newValue: smaller.s.model,
        },
      ],
    });
  }

  // Time-slicing for tolerant services.
  if (
    usage.latencySensitive === false &&
    usage.gpusPerReplica === 1 &&
    p95 > 0
  ) {
    const byActivity = Math.floor(target / p95);
    const byMemory = Math.floor((spec.memoryGb * 1024) / Math.max(needMiB, 1));
    const n = Math.min(4, byActivity, byMemory);
    if (n >= 2) {
      const freed = gpuHoursNow * (1 - 1 / n);
      options.push({
        action: 'time-slice',
        summary: `share each GPU between ${n} replicas by time-slicing (P95 activity ${(
          p95 * 100
        ).toFixed(0)} %, ${(needMiB / 1024).toFixed(1)} GiB each)`,
        monthlySavings: freed * price,
        monthlyCarbonSavingKg: carbonOf(freed),
        risk: 'high',
        riskReason:
          'time-sliced replicas have no memory or fault isolation: one replica can exhaust memory for all',
        confidence: 0.3 + 0.5 * margin,
        changes: swapGpuLimit(ref, container, 'nvidia.com/gpu.shared'),
      });
    }
  }
  return options.sort((a, b) => b.monthlySavings - a.monthlySavings);
}

/**
 * The best GPU rightsizing option as a recommendation (the others named in
 * its description), or `undefined` when none fits.
 *
 * @public
 */
export function recommendGpuRightsizing(
  usage: GpuWorkloadUsage,
): EngineRecommendation | undefined {
  const [best, ...others] = gpuRightsizingOptions(usage);
  if (!best) return undefined;
  return {
    kind: 'rightsize-gpu',
    id: `rightsize-gpu:${usage.workload.namespace ?? ''}/${
      usage.workload.kind
    }/${usage.workload.name}`,
    workload: usage.workload,
    title: `${usage.workload.name}: ${best.action.replace(
      '-',
      ' ',
    )} to save $${best.monthlySavings.toFixed(0)}/month`,
    description: [
      `Best: ${best.summary}.`,
      ...(others.length
        ? [
            'Alternatives:',
            ...others.map(
              o =>
                `- ${o.action}: ${o.summary} ($${o.monthlySavings.toFixed(
                  0,
                )}/month)`,
            ),
          ]
        : []),
    ].join('\n'),
    monthlySavings: best.monthlySavings,
    monthlyCarbonSavingKg: best.monthlyCarbonSavingKg,
    risk: best.risk,
    riskReason: best.riskReason,
    confidence: best.confidence,
    changes: best.changes,
  };
}
