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
  gpuSpecOf,
  GRID_EMISSION_FACTORS,
  gridEmissionFactor,
  recommendCarbonRegion,
  recommendGpuRightsizing,
  recommendReplicaBounds,
  type CloudProvider,
  type EngineRecommendation,
} from '@ai-finops/backstage-plugin-finops-engine';
import type {
  EntityCarbonFootprint,
  EntityGpuEfficiency,
  EntityRecommendation,
  WorkloadRef,
} from '@ai-finops/backstage-plugin-finops-common';
import { ONE_HOUR_MS } from '@ai-finops/backstage-plugin-finops-node';

/*
 * The engine's recommendation rules: GPU rightsizing, replica bounds and
 * a greener region, from the facts `EntityEngine` gathers for one entity.
 */

/** Hours in the engine's month. */
export const MONTH_HOURS = 730;
/** vLLM reserves this share of GPU memory by default (`--gpu-memory-utilization`). */
const ASSUMED_MEMORY_SHARE = 0.9;

/**
 * The hourly facts of one entity the rules read.
 *
 * @internal
 */
export interface RecommendationFacts {
  hours: string[];
  gpuHours: Array<number | null>;
  util: Array<number | null>;
  tokensIn: Array<number | null>;
  tokensOut: Array<number | null>;
  samples: unknown[];
  region?: string;
  gpuWorkload?: string;
  gpuNamespace?: string;
}

/**
 * The USD price of one GPU-hour of a GPU model in a region, from the price
 * catalog (config overrides, then learned from FOCUS, then embedded).
 *
 * @internal
 */
export type GpuHourPriceOf = (
  gpuModel: string,
  where: { provider?: string; region?: string },
) => number | undefined;

/**
 * Recommendations from the engine's GPU recommenders, fed by the hourly
 * usage facts: rightsizing (consolidate, MIG, smaller GPU) and replica
 * bounds from the forecast of demand.
 */
export function engineRecommendations(
  eff: EntityGpuEfficiency,
  f: RecommendationFacts,
  carbon: EntityCarbonFootprint,
  notes: string[],
  priceOf: GpuHourPriceOf,
): EntityRecommendation[] {
  const out: EntityRecommendation[] = [];
  if (!f.samples.length || !eff.gpuModel || !eff.costPerGpuHour) return out;
  const spec = gpuSpecOf(eff.gpuModel);
  const counts = f.gpuHours.map(g => Math.round(g ?? 0));
  const positive = counts.filter(c => c > 0);
  const gpusPerReplica = positive.reduce((a, b) => gcd(a, b), 0) || 1;
  const latest = positive[positive.length - 1] ?? 0;
  const replicas = Math.max(1, Math.round(latest / gpusPerReplica));
  const minReplicas = Math.max(
    1,
    Math.round(Math.min(...positive) / gpusPerReplica),
  );
  const maxReplicas = Math.round(Math.max(...positive) / gpusPerReplica);
  const autoscaled = minReplicas !== maxReplicas;
  const utils = f.util.filter((u): u is number => u !== null);
  const p95 = quantile(utils, 0.95);
  const mean = utils.length
    ? utils.reduce((s, v) => s + v, 0) / utils.length
    : 0;
  const workload = workloadRef(f.gpuWorkload, eff.entityRef, f.gpuNamespace);
  const intensity = carbon.gridIntensity.mean;
  const usdPerGpuHour = (model: string) =>
    model === eff.gpuModel
      ? eff.costPerGpuHour
      : priceOf(model, { provider: providerOf(f.region) });
  const baseEvidence = [
    `${eff.gpuHours.toFixed(0)} GPU-hours of ${eff.gpuModel} over ${
      f.hours.length
    } h at ${money(eff.costPerGpuHour)} per GPU-hour (effective).`,
    `GPU utilisation: mean ${(mean * 100).toFixed(0)} %, P95 ${(
      p95 * 100
    ).toFixed(0)} % (hourly).`,
    `${gpusPerReplica} GPU(s) per replica, ${minReplicas}–${maxReplicas} replicas seen (from hourly GPU counts).`,
  ];
  if (spec) {
    const rightsizing = recommendGpuRightsizing({
      workload,
      replicas,
      gpuModel: eff.gpuModel,
      gpusPerReplica,
      peakFbUsedMiB: spec.memoryGb * 1024 * ASSUMED_MEMORY_SHARE,
      activityP95: p95,
      activityMean: mean,
      autoscaled,
      minReplicas: autoscaled ? minReplicas : 1,
      usdPerGpuHour,
      pue: carbon.pue,
      gCo2ePerKwh: intensity,
    });
    if (rightsizing) {
      out.push(
        fromEngine(rightsizing, 'engine:gpu-rightsizing', [
          ...baseEvidence,
          `GPU memory use is not measured: assumed ${
            ASSUMED_MEMORY_SHARE * 100
          } % of ${spec.memoryGb} GB (vLLM's default reservation).`,
        ]),
      );
    }
  } else {
    notes.push(
      `${eff.gpuModel} is not in the engine's GPU table; GPU rightsizing is skipped.`,
    );
  }

  // Replica bounds from the forecast of token demand.
  if (autoscaled || maxReplicas > 1) {
    const demand: number[] = [];
    const capacities: number[] = [];
    f.hours.forEach((_h, i) => {
      const tokens = (f.tokensIn[i] ?? 0) + (f.tokensOut[i] ?? 0);
      const tps = tokens / 3600;
      demand.push(tps);
      const reps = (f.gpuHours[i] ?? 0) / gpusPerReplica;
      const u = f.util[i];
      if (reps > 0 && u && u > 0.05 && tps > 0) {
        capacities.push(tps / reps / u);
      }
    });
    const capacityPerReplica = quantile(capacities, 0.5);
    if (capacityPerReplica > 0 && demand.some(d => d > 0)) {
      const replicaBounds = recommendReplicaBounds({
        workload,
        autoscaler: {
          kind: 'HorizontalPodAutoscaler',
          name: workload.name,
          namespace: workload.namespace,
          minReplicas,
          maxReplicas,
        },
        demand,
        stepMs: ONE_HOUR_MS,
        capacityPerReplica,
        usdPerReplicaHour: eff.costPerGpuHour * gpusPerReplica,
        gpuModel: eff.gpuModel,
        gpusPerReplica,
        pue: carbon.pue,
        gCo2ePerKwh: intensity,
      });
      if (replicaBounds) {
        out.push(
          fromEngine(replicaBounds, 'engine:replica-bounds', [
            ...baseEvidence,
            `One replica serves about ${capacityPerReplica.toFixed(
              0,
            )} tokens/s at 100 % (median of throughput ÷ utilisation per replica).`,
            `HorizontalPodAutoscaler bounds inferred from the replicas seen (${minReplicas}–${maxReplicas}).`,
          ]),
        );
      }
    }
  }
  return out;
}

export function fromEngine(
  rec: EngineRecommendation,
  source: string,
  evidence: string[],
): EntityRecommendation {
  return {
    id: rec.id,
    source,
    kind: rec.kind,
    title: rec.title,
    description: rec.description,
    monthlySavings: rec.monthlySavings,
    monthlyCarbonSavingKg: rec.monthlyCarbonSavingKg,
    risk: rec.risk,
    riskReason: rec.riskReason,
    confidence: rec.confidence,
    evidence,
    changes: rec.changes,
    workload: rec.workload,
    state: { status: 'open' },
  };
}

/** The cleanest region of the same provider and geography (`us-`, `eu-`, …). */
export function greenerRegion(input: {
  provider?: CloudProvider;
  region?: string;
  monthlyEnergyKwh: number;
  monthlyCost: number;
  workload: WorkloadRef;
}) {
  const { provider, region } = input;
  if (!provider || !region || !(input.monthlyEnergyKwh > 0)) return undefined;
  const prefix = region.split(/[-0-9]/)[0];
  const usdPerHour = input.monthlyCost / MONTH_HOURS;
  const candidates = GRID_EMISSION_FACTORS.filter(
    f =>
      f.provider === provider &&
      f.region !== 'Unknown' &&
      !f.region.includes('gov') &&
      f.region.split(/[-0-9]/)[0] === prefix,
  ).map(f => ({
    provider,
    region: f.region,
    usdPerHour,
    gCo2ePerKwh: f.gCo2ePerKwh,
  }));
  const current = {
    provider,
    region,
    usdPerHour,
    gCo2ePerKwh: gridEmissionFactor(provider, region).gCo2ePerKwh,
  };
  const recommendation = recommendCarbonRegion({
    workload: input.workload,
    current,
    candidates,
    monthlyEnergyKwh: input.monthlyEnergyKwh,
  });
  if (!recommendation) return undefined;
  const target = recommendation.changes[0]?.newValue as string;
  const best = candidates.find(c => c.region === target)!;
  return {
    recommendation,
    option: {
      region: target,
      gCo2ePerKwh: best.gCo2ePerKwh,
      monthlyKgSaved: recommendation.monthlyCarbonSavingKg,
      percentLess: 100 * (1 - best.gCo2ePerKwh / current.gCo2ePerKwh),
      monthlyCostDelta: recommendation.monthlySavings,
      note: `Same provider and geography; GPU price assumed equal there — check price, capacity and latency before moving.`,
    },
  };
}

export function providerOf(
  region: string | undefined,
): CloudProvider | undefined {
  if (!region) return undefined;
  const wanted = region.toLowerCase();
  return GRID_EMISSION_FACTORS.find(f => f.region.toLowerCase() === wanted)
    ?.provider;
}

export function workloadRef(
  workload: string | undefined,
  entityRef: string,
  namespace?: string,
): WorkloadRef {
  const [kind, name] = workload?.includes('/')
    ? workload.split('/', 2)
    : ['Deployment', workload ?? entityRef.split('/').pop()!];
  return namespace ? { kind, name, namespace } : { kind, name };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function quantile(values: number[], q: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function money(value: number): string {
  return `$${value.toLocaleString('en-US', {
    minimumFractionDigits: value < 100 ? 2 : 0,
    maximumFractionDigits: value < 100 ? 2 : 0,
  })}`;
}

export function signedMoney(value: number): string {
  return `${value < 0 ? '−' : '+'}${money(Math.abs(value))}`;
}
