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

import { gridEmissionFactor, PROVIDER_PUE } from '../carbon';
import type { CloudProvider } from '../prices';
import { MONTH_HOURS, type EngineRecommendation } from './recommendation';
import { type WorkloadRef } from '@ai-finops/backstage-plugin-finops-common';

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Spot (preemptible) discount off on-demand when the price of the spot
 * capacity is not known: 45 %, Google Cloud's published spot prices of its
 * GPU machines in us-central1 (a2-highgpu-1g 47.5 %, a2-ultragpu-1g 45.6 %,
 * a3-highgpu-8g 42.8 %, g2-standard-4 43.8 % off on-demand;
 * shared/data/cloud-ondemand-prices/gcp_machine_prices_hourly.csv).
 *
 * @public
 */
export const DEFAULT_SPOT_DISCOUNT = 0.45;

/**
 * Inputs of {@link recommendSpot}.
 *
 * @public
 */
export interface SpotInput {
  workload: WorkloadRef;
  /** Survives losing a pod at two minutes' notice: batch jobs with retries, or replicated stateless services behind a PodDisruptionBudget. */
  interruptionTolerant: boolean;
  /** Is it already on spot capacity? */
  onSpot?: boolean;
  /** USD per hour of the workload's capacity on demand, and on spot when known. */
  onDemandUsdPerHour: number;
  spotUsdPerHour?: number;
  /** Hours per month it runs (default 730). */
  hoursPerMonth?: number;
  podSpecPath?: string;
}

/**
 * Spot capacity for interruption-tolerant workloads: the saving is the
 * on-demand minus the spot price (or {@link DEFAULT_SPOT_DISCOUNT}) over the
 * hours it runs; the manifest change adds the Karpenter capacity-type node
 * selector (`karpenter.sh/capacity-type: spot`). Carbon is unchanged (the
 * same hardware runs).
 *
 * @public
 */
export function recommendSpot(
  input: SpotInput,
): EngineRecommendation | undefined {
  if (!input.interruptionTolerant || input.onSpot) return undefined;
  const hours = input.hoursPerMonth ?? MONTH_HOURS;
  const spot =
    input.spotUsdPerHour ??
    input.onDemandUsdPerHour * (1 - DEFAULT_SPOT_DISCOUNT);
  const saving = (input.onDemandUsdPerHour - spot) * hours;
  if (!(saving > 0)) return undefined;
  const podSpec = input.podSpecPath ?? '/spec/template/spec';
  return {
    kind: 'spot',
    id: `spot:${input.workload.namespace ?? ''}/${input.workload.kind}/${
      input.workload.name
    }`,
    workload: input.workload,
    title: `Run ${input.workload.name} on spot capacity`,
    description: `The workload tolerates interruptions; spot capacity costs $${spot.toFixed(
      2,
    )}/h instead of $${input.onDemandUsdPerHour.toFixed(2)}/h${
      input.spotUsdPerHour === undefined
        ? ` (assumed ${DEFAULT_SPOT_DISCOUNT * 100} % discount)`
        : ''
    }.`,
    monthlySavings: saving,
    monthlyCarbonSavingKg: 0,
    risk: 'medium',
    riskReason:
      'spot nodes are reclaimed at short notice; GPU spot capacity may be unavailable at times',
    confidence: input.spotUsdPerHour === undefined ? 0.5 : 0.8,
    changes: [
      {
        kind: input.workload.kind,
        name: input.workload.name,
        namespace: input.workload.namespace,
        path: `${podSpec}/nodeSelector/${escapePointer(
          'karpenter.sh/capacity-type',
        )}`,
        op: 'add',
        newValue: 'spot',
      },
    ],
  };
}

/**
 * A region a workload may run in.
 *
 * @public
 */
export interface RegionOption {
  provider: CloudProvider;
  region: string;
  /** USD per hour of the workload's capacity there (absent: not priced, not offered). */
  usdPerHour?: number;
  /** Mean grid intensity, gCO2e/kWh (default: CCF's annual factor of the region). */
  gCo2ePerKwh?: number;
  /** PUE (default the provider's CCF average). */
  pue?: number;
}

/**
 * Inputs of {@link recommendCarbonRegion}.
 *
 * @public
 */
export interface CarbonRegionInput {
  workload: WorkloadRef;
  current: RegionOption;
  /** Regions allowed by policy (data residency, latency), the current one may be among them. */
  candidates: readonly RegionOption[];
  /** IT energy per month of the workload, kWh. */
  monthlyEnergyKwh: number;
  /** Most extra USD per month accepted for the carbon saved (default 0: no cost increase). */
  maxExtraUsdPerMonth?: number;
  podSpecPath?: string;
}

/**
 * The allowed region with the lowest operational emissions (energy × PUE ×
 * grid intensity) whose price stays within the budget; the change is the
 * `topology.kubernetes.io/region` node selector. Savings may be negative
 * (a dearer region) up to `maxExtraUsdPerMonth`.
 *
 * @public
 */
export function recommendCarbonRegion(
  input: CarbonRegionInput,
): EngineRecommendation | undefined {
  const intensityOf = (r: RegionOption) =>
    r.gCo2ePerKwh ?? gridEmissionFactor(r.provider, r.region).gCo2ePerKwh;
  const pueOf = (r: RegionOption) => r.pue ?? PROVIDER_PUE[r.provider];
  const kgOf = (r: RegionOption) =>
    (input.monthlyEnergyKwh * pueOf(r) * intensityOf(r)) / 1000;
  const costOf = (r: RegionOption) => (r.usdPerHour ?? NaN) * MONTH_HOURS;
  const nowKg = kgOf(input.current);
  const nowCost = costOf(input.current);
  const budget = input.maxExtraUsdPerMonth ?? 0;
  const best = input.candidates
    .filter(
      r =>
        r.region !== input.current.region ||
        r.provider !== input.current.provider,
    )
    .filter(
      r => r.usdPerHour !== undefined && costOf(r) - nowCost <= budget + 1e-9,
    )
    .map(r => ({ r, kg: kgOf(r), cost: costOf(r) }))
    .filter(c => c.kg < nowKg)
    .sort((a, b) => a.kg - b.kg || a.cost - b.cost)[0];
  if (!best) return undefined;
  const podSpec = input.podSpecPath ?? '/spec/template/spec';
  return {
    kind: 'carbon-region',
    id: `carbon-region:${input.workload.namespace ?? ''}/${
      input.workload.kind
    }/${input.workload.name}`,
    workload: input.workload,
    title: `Move ${input.workload.name} to ${best.r.region} for ${(
      100 *
      (1 - best.kg / nowKg)
    ).toFixed(0)} % less carbon`,
    description: `Grid intensity ${intensityOf(input.current).toFixed(
      0,
    )} → ${intensityOf(best.r).toFixed(0)} gCO2e/kWh (PUE ${pueOf(
      input.current,
    )} → ${pueOf(best.r)}), ${input.monthlyEnergyKwh.toFixed(0)} kWh a month.`,
    monthlySavings: Number.isFinite(nowCost) ? nowCost - best.cost : 0,
    monthlyCarbonSavingKg: nowKg - best.kg,
    risk: 'medium',
    riskReason:
      'a region move changes latency to users and data, and needs capacity (GPUs) there',
    confidence: 0.7,
    changes: [
      {
        kind: input.workload.kind,
        name: input.workload.name,
        namespace: input.workload.namespace,
        path: `${podSpec}/nodeSelector/${escapePointer(
          'topology.kubernetes.io/region',
        )}`,
        op: 'replace',
        oldValue: input.current.region,
        newValue: best.r.region,
      },
    ],
  };
}

/**
 * The best start of a deferrable job in a window: the Carbon Aware SDK's
 * method (a rolling mean of the intensity forecast over the job's duration;
 * the window with the lowest mean wins, the earliest on ties).
 *
 * @public
 */
export function bestStartWindow(
  intensity: readonly number[],
  durationSteps: number,
): { start: number; meanIntensity: number } {
  const d = Math.max(1, Math.round(durationSteps));
  if (intensity.length < d) {
    throw new RangeError(
      `the intensity forecast has ${intensity.length} steps, fewer than the job's ${d}`,
    );
  }
  let sum = 0;
  for (let i = 0; i < d; i++) sum += intensity[i];
  let best = { start: 0, meanIntensity: sum / d };
  for (let s = 1; s + d <= intensity.length; s++) {
    sum += intensity[s + d - 1] - intensity[s - 1];
    if (sum / d < best.meanIntensity - 1e-12)
      best = { start: s, meanIntensity: sum / d };
  }
  return best;
}

/**
 * Inputs of {@link recommendTimeShift}.
 *
 * @public
 */
export interface TimeShiftInput {
  /** A CronJob (or anything with a cron schedule). */
  workload: WorkloadRef;
  /** Current schedule, 5-field cron with fixed minute and hour (`30 2 * * *`). */
  schedule: string;
  /** Hourly grid intensity forecast (or typical day), gCO2e/kWh, index 0 = 00:00 UTC. */
  hourlyIntensity: readonly number[];
  /** Job duration, hours. */
  durationHours: number;
  /** Hours after the scheduled start the job may finish by (its deadline). */
  slackHours: number;
  /** Energy per run, kWh, and runs per month. */
  energyKwhPerRun: number;
  runsPerMonth: number;
  pue: number;
}

/**
 * Time-shifting for deferrable batch work: the start within [scheduled,
 * scheduled + slack − duration] whose mean intensity over the run is lowest
 * ({@link bestStartWindow}); the change rewrites the cron schedule's hour.
 *
 * @public
 */
export function recommendTimeShift(
  input: TimeShiftInput,
): EngineRecommendation | undefined {
  const fields = input.schedule.trim().split(/\s+/);
  if (
    fields.length !== 5 ||
    !/^\d+$/.test(fields[0]) ||
    !/^\d+$/.test(fields[1])
  ) {
    throw new RangeError(
      `schedule '${input.schedule}' is not a 5-field cron with a fixed minute and hour`,
    );
  }
  const hour = Number(fields[1]);
  const n = input.hourlyIntensity.length;
  const room = Math.floor(input.slackHours - input.durationHours);
  if (room < 1 || n < 24) return undefined;
  const duration = Math.max(1, Math.ceil(input.durationHours));
  const window: number[] = [];
  for (let i = 0; i < room + duration; i++)
    window.push(input.hourlyIntensity[(hour + i) % n]);
  const now = bestStartWindow(
    window.slice(0, duration),
    duration,
  ).meanIntensity;
  const best = bestStartWindow(window, duration);
  if (best.start === 0 || best.meanIntensity >= now) return undefined;
  const newHour = (hour + best.start) % 24;
  const newSchedule = [fields[0], String(newHour), ...fields.slice(2)].join(
    ' ',
  );
  const kgSaved =
    (input.energyKwhPerRun *
      input.runsPerMonth *
      input.pue *
      (now - best.meanIntensity)) /
    1000;
  return {
    kind: 'carbon-time-shift',
    id: `carbon-time-shift:${input.workload.namespace ?? ''}/${
      input.workload.kind
    }/${input.workload.name}`,
    workload: input.workload,
    title: `Start ${input.workload.name} ${best.start} h later for ${(
      100 *
      (1 - best.meanIntensity / now)
    ).toFixed(0)} % less carbon`,
    description: `Mean grid intensity over the ${duration} h run: ${now.toFixed(
      0,
    )} → ${best.meanIntensity.toFixed(0)} gCO2e/kWh, still within the ${
      input.slackHours
    } h deadline (Carbon Aware SDK rolling-window method).`,
    monthlySavings: 0,
    monthlyCarbonSavingKg: kgSaved,
    risk: 'low',
    riskReason:
      'the run still finishes before its deadline; only its start moves',
    confidence: 0.6,
    changes: [
      {
        kind: input.workload.kind,
        name: input.workload.name,
        namespace: input.workload.namespace,
        path: '/spec/schedule',
        op: 'replace',
        oldValue: input.schedule,
        newValue: newSchedule,
      },
    ],
  };
}
