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

import { forecast as ensembleForecast } from '../forecast';
import { embodiedGramsPerGpuHour } from './footprint';
import { gpuSpecOf } from './gpuSpecs';
import { MONTH_HOURS, type EngineRecommendation } from './recommendation';
import {
  type ManifestChange,
  type WorkloadRef,
} from '@ai-finops/backstage-plugin-finops-common';

// The Kubernetes HorizontalPodAutoscaler algorithm
// (kubernetes/kubernetes pkg/controller/podautoscaler/replica_calculator.go
// and horizontal.go): desired = ceil(ready pods × current / target), a 10 %
// tolerance, not-ready pods counted at 0 when scaling up and missing pods at
// the target when scaling down, then the behaviour: recommendations are
// stabilised (scale-down takes the highest recommendation of the last
// 300 s) and rate-limited (scale up by at most max(4 pods, 100 %) per 15 s,
// down by at most 100 % per 15 s), and clamped to [min, max].

/**
 * One metric of an HPA at one sync.
 *
 * @public
 */
export interface HpaMetricInput {
  /** The metric of each ready pod that has one (e.g. utilisation 0..1, or queue length). */
  readyPodValues: readonly number[];
  /** Target average value per pod. */
  target: number;
  /** Pods that exist but are not ready yet (starting up). */
  unreadyPods?: number;
  /** Ready pods without a metric sample. */
  missingPods?: number;
}

/**
 * The replica count one metric asks for (replica_calculator.go
 * `calcPlainMetricReplicas`).
 *
 * @public
 */
export function hpaDesiredReplicas(
  currentReplicas: number,
  metric: HpaMetricInput,
  tolerance = 0.1,
): number {
  const values = metric.readyPodValues;
  const unready = metric.unreadyPods ?? 0;
  const missing = metric.missingPods ?? 0;
  if (!values.length) return currentReplicas;
  if (!(metric.target > 0)) throw new RangeError('HPA target must be positive');
  const sum = values.reduce((a, b) => a + b, 0);
  const ratio = sum / values.length / metric.target;
  const scaleUp = ratio > 1;
  if (!unready && !missing) {
    if (Math.abs(1 - ratio) <= tolerance) return currentReplicas;
    return Math.ceil(ratio * values.length);
  }
  // Pods without metrics: missing pods at the target on scale-down, 0 on
  // scale-up; not-ready pods at 0 on scale-up (ignored on scale-down).
  let total = sum;
  let count = values.length;
  if (missing) {
    if (!scaleUp) total += missing * metric.target;
    count += missing;
  }
  if (scaleUp && unready) count += unready;
  const newRatio = total / count / metric.target;
  if (
    Math.abs(1 - newRatio) <= tolerance ||
    (ratio < 1 && newRatio > 1) ||
    (ratio > 1 && newRatio < 1)
  ) {
    return currentReplicas;
  }
  const desired = Math.ceil(newRatio * count);
  if (
    (newRatio < 1 && desired > currentReplicas) ||
    (newRatio > 1 && desired < currentReplicas)
  ) {
    return currentReplicas;
  }
  return desired;
}

/**
 * HPA behaviour (autoscaling/v2 defaults).
 *
 * @public
 */
export interface HpaBehavior {
  minReplicas: number;
  maxReplicas: number;
  /** Default 0 s. */
  scaleUpStabilizationSeconds?: number;
  /** Default 300 s. */
  scaleDownStabilizationSeconds?: number;
  /** Scale-up policies per 15 s: at most max(pods, percent) more (defaults 4 and 100 %). */
  scaleUpPods?: number;
  scaleUpPercent?: number;
  /** Scale-down policy per 15 s: at most percent fewer (default 100 %). */
  scaleDownPercent?: number;
  /** Policy period, seconds (default 15). */
  periodSeconds?: number;
  /** Tolerance (default 0.1). */
  tolerance?: number;
}

/**
 * The HPA controller loop for one target: call {@link HpaController.sync}
 * every sync period (15 s) with the metrics; it applies the algorithm, the
 * stabilisation windows, the rate limits and the bounds.
 *
 * @public
 */
export class HpaController {
  private readonly recommendations: Array<{
    t: number;
    replicas: number;
    seed?: boolean;
  }> = [];
  private readonly scaleEvents: Array<{ t: number; replicas: number }> = [];
  private initialized = false;

  constructor(private readonly behavior: HpaBehavior) {
    if (
      !(
        behavior.minReplicas >= 0 &&
        behavior.maxReplicas >= behavior.minReplicas
      )
    ) {
      throw new RangeError('HPA needs 0 ≤ minReplicas ≤ maxReplicas');
    }
  }

  /** The replicas the controller sets at time `tSeconds`. */
  sync(
    tSeconds: number,
    currentReplicas: number,
    metrics: readonly HpaMetricInput[],
  ): number {
    const b = this.behavior;
    const tolerance = b.tolerance ?? 0.1;
    // Several metrics: the largest proposal wins.
    let proposal = metrics.length ? 0 : currentReplicas;
    for (const m of metrics) {
      proposal = Math.max(
        proposal,
        hpaDesiredReplicas(currentReplicas, m, tolerance),
      );
    }
    proposal = Math.min(b.maxReplicas, Math.max(b.minReplicas, proposal));

    // Stabilisation. The first sync seeds the window with the current
    // count (horizontal.go recordInitialRecommendation), so a new
    // HPA does not scale down before a full window has passed.
    const upWindow = b.scaleUpStabilizationSeconds ?? 0;
    const downWindow = b.scaleDownStabilizationSeconds ?? 300;
    if (!this.initialized) {
      this.initialized = true;
      this.recommendations.push({
        t: tSeconds,
        replicas: currentReplicas,
        seed: true,
      });
    }
    const keep = Math.max(upWindow, downWindow);
    while (
      this.recommendations.length &&
      this.recommendations[0].t < tSeconds - keep
    ) {
      this.recommendations.shift();
    }
    // As stabilizeRecommendationWithBehaviors: the current proposal and the
    // recommendations strictly inside each window (the seed only bounds
    // scale-down, as it was recorded before this sync).
    let up = proposal;
    let down = proposal;
    for (const r of this.recommendations) {
      if (!r.seed && r.t > tSeconds - upWindow) up = Math.min(up, r.replicas);
      if (r.t > tSeconds - downWindow || (r.seed && r.t === tSeconds)) {
        down = Math.max(down, r.replicas);
      }
    }
    this.recommendations.push({ t: tSeconds, replicas: proposal });
    let desired = currentReplicas;
    if (desired < up) desired = up;
    if (desired > down) desired = down;

    // Rate limits, against the replicas at the start of the period.
    const period = b.periodSeconds ?? 15;
    while (
      this.scaleEvents.length &&
      this.scaleEvents[0].t <= tSeconds - period
    ) {
      this.scaleEvents.shift();
    }
    const base = this.scaleEvents.length
      ? this.scaleEvents[0].replicas
      : currentReplicas;
    const upLimit = Math.max(
      base + (b.scaleUpPods ?? 4),
      Math.ceil(base * (1 + (b.scaleUpPercent ?? 100) / 100)),
    );
    const downLimit = Math.floor(
      base * (1 - (b.scaleDownPercent ?? 100) / 100),
    );
    desired = Math.min(desired, upLimit);
    desired = Math.max(desired, downLimit);
    desired = Math.min(b.maxReplicas, Math.max(b.minReplicas, desired));
    if (desired !== currentReplicas) {
      if (!this.scaleEvents.length)
        this.scaleEvents.push({ t: tSeconds, replicas: currentReplicas });
    }
    return desired;
  }
}

/**
 * The autoscaler object whose bounds a recommendation changes.
 *
 * @public
 */
export interface AutoscalerRef {
  kind: 'HorizontalPodAutoscaler' | 'ScaledObject';
  name: string;
  namespace?: string;
  minReplicas: number;
  maxReplicas: number;
  /** Current per-replica target of the scaling metric, and where it sits (JSON Pointer). */
  threshold?: { value: number; path: string };
}

/**
 * Inputs of {@link recommendReplicaBounds}.
 *
 * @public
 */
export interface ReplicaBoundsInput {
  workload: WorkloadRef;
  autoscaler: AutoscalerRef;
  /** Demand history in the scaling metric's unit (e.g. tokens/s or requests/s), regularly sampled. */
  demand: readonly number[];
  stepMs: number;
  /** What one replica serves at 100 % (same unit as demand). */
  capacityPerReplica: number;
  /** Utilisation to provision for (default 0.7). */
  targetUtilization?: number;
  /** Extra headroom on the forecast's upper band for maxReplicas (default 0.2). */
  burstMargin?: number;
  /** Steps to forecast (default one week). */
  horizon?: number;
  /** Replica floor (default 1). */
  minFloor?: number;
  /** USD per replica-hour. */
  usdPerReplicaHour: number;
  /** GPU model and GPUs per replica, for the carbon effect. */
  gpuModel?: string;
  gpusPerReplica?: number;
  pue?: number;
  gCo2ePerKwh?: number;
}

/**
 * minReplicas, maxReplicas and the per-replica threshold of an HPA or KEDA
 * ScaledObject from a forecast of demand (the engine's ensemble, 80 %
 * interval): min = the forecast's lowest lower bound / (capacity × target),
 * max = its highest upper bound × (1 + burst margin) / (capacity × target),
 * threshold = capacity × target. The saving compares the replicas each
 * configuration runs over the forecast (demand mean / (capacity × target),
 * clamped to the bounds), scaled to a month.
 *
 * @public
 */
export function recommendReplicaBounds(
  input: ReplicaBoundsInput,
): EngineRecommendation | undefined {
  const target = input.targetUtilization ?? 0.7;
  const perReplica = input.capacityPerReplica * target;
  if (!(perReplica > 0))
    throw new RangeError('capacityPerReplica must be positive');
  const horizon = input.horizon ?? Math.round((7 * 86_400_000) / input.stepMs);
  const f = ensembleForecast(input.demand, { horizon, stepMs: input.stepMs });
  const floor = Math.max(1, input.minFloor ?? 1);
  const minReplicas = Math.max(
    floor,
    Math.ceil(Math.min(...f.lower) / perReplica - 1e-9),
  );
  const maxReplicas = Math.max(
    minReplicas,
    Math.ceil(
      (Math.max(...f.upper) * (1 + (input.burstMargin ?? 0.2))) / perReplica -
        1e-9,
    ),
  );
  const a = input.autoscaler;
  const replicasUnder = (
    min: number,
    max: number,
    thresholdPerReplica: number,
  ) =>
    f.mean.reduce(
      (acc, d) =>
        acc +
        Math.min(max, Math.max(min, Math.ceil(d / thresholdPerReplica - 1e-9))),
      0,
    );
  const oldThreshold = a.threshold?.value ?? perReplica;
  const stepHours = input.stepMs / 3_600_000;
  const hoursForecast = f.mean.length * stepHours;
  const before =
    replicasUnder(a.minReplicas, a.maxReplicas, oldThreshold) * stepHours;
  const after = replicasUnder(minReplicas, maxReplicas, perReplica) * stepHours;
  const replicaHoursSaved = ((before - after) * MONTH_HOURS) / hoursForecast;
  const changes: ManifestChange[] = [];
  const ref = { kind: a.kind, name: a.name, namespace: a.namespace };
  const keda = a.kind === 'ScaledObject';
  const replaceCount = (path: string, oldValue: number, newValue: number) => {
    if (newValue !== oldValue) {
      changes.push({ ...ref, path, op: 'replace', oldValue, newValue });
    }
  };
  replaceCount(
    keda ? '/spec/minReplicaCount' : '/spec/minReplicas',
    a.minReplicas,
    minReplicas,
  );
  replaceCount(
    keda ? '/spec/maxReplicaCount' : '/spec/maxReplicas',
    a.maxReplicas,
    maxReplicas,
  );
  if (
    a.threshold &&
    Math.abs(a.threshold.value - perReplica) > 0.05 * perReplica
  ) {
    const fmt = (v: number) =>
      keda ? String(Number(v.toPrecision(3))) : Number(v.toPrecision(3));
    changes.push({
      ...ref,
      path: a.threshold.path,
      op: 'replace',
      oldValue: fmt(a.threshold.value),
      newValue: fmt(perReplica),
    });
  }
  if (!changes.length) return undefined;
  const spec = gpuSpecOf(input.gpuModel);
  const gpus = input.gpusPerReplica ?? 1;
  const gramsPerReplicaHour = spec
    ? gpus *
      ((spec.idleWatts / 1000) *
        (input.pue ?? 1.135) *
        (input.gCo2ePerKwh ?? 392.78) +
        embodiedGramsPerGpuHour(spec.model))
    : 0;
  const lowersMin = minReplicas < a.minReplicas;
  const lowersMax = maxReplicas < a.maxReplicas;
  return {
    kind: 'replica-bounds',
    id: `replica-bounds:${a.namespace ?? ''}/${a.kind}/${a.name}`,
    workload: input.workload,
    title: `Set ${a.name} to ${minReplicas}–${maxReplicas} replicas${
      a.threshold ? ` at ${Number(perReplica.toPrecision(3))} per replica` : ''
    }`,
    description: [
      `Forecast of demand over the next ${hoursForecast.toFixed(
        0,
      )} h (ensemble, ${(f.level * 100).toFixed(
        0,
      )} % interval): lowest ${Math.min(...f.lower).toFixed(
        1,
      )}, highest ${Math.max(...f.upper).toFixed(1)}; one replica serves ${
        input.capacityPerReplica
      } at 100 %, provisioned at ${(target * 100).toFixed(0)} %.`,
      `Replica bounds ${a.minReplicas}–${a.maxReplicas} → ${minReplicas}–${maxReplicas}.`,
      ...(f.accuracy
        ? [
            `Backtested accuracy: sMAPE ${f.accuracy.smape.toFixed(
              1,
            )} %, MASE ${f.accuracy.mase.toFixed(2)}.`,
          ]
        : []),
    ].join('\n'),
    monthlySavings: replicaHoursSaved * input.usdPerReplicaHour,
    monthlyCarbonSavingKg: (replicaHoursSaved * gramsPerReplicaHour) / 1000,
    risk: lowersMin || lowersMax ? 'medium' : 'low',
    riskReason:
      lowersMin || lowersMax
        ? 'fewer replicas at the floor or the ceiling: a demand spike beyond the forecast interval waits for scale-up'
        : 'only raises bounds or retunes the threshold',
    confidence: f.accuracy
      ? Math.max(0.1, Math.min(0.95, 1 - f.accuracy.smape / 100))
      : 0.3,
    changes,
  };
}
