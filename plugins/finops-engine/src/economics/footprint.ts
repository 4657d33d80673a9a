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

import { gpuShareOf, sampleActivity, type GpuSample } from './gpuEfficiency';
import {
  CCF_EMBODIED_KG_BASE_SERVER,
  SERVER_LIFETIME_HOURS,
  gpuSpecOf,
} from './gpuSpecs';
import { powerAt, powerCurveOf } from './power';

const HOUR_MS = 3_600_000;

/**
 * Embodied emissions of one GPU-hour, grams CO2e, by the SCI formula
 * M = TE × (time reserved / expected lifetime) × (resources reserved /
 * total): TE is the GPU's own embodied carbon (CCF: 150 kg) plus its share of
 * the server's base (CCF: 1,000 kg over `gpusPerServer` GPUs, default 8);
 * lifetime 35,040 h (CCF, 4 years). For an 8-GPU server that is
 * (150 + 125) kg / 35,040 h = 7.85 g per GPU-hour.
 *
 * @public
 */
export function embodiedGramsPerGpuHour(
  gpuModel?: string,
  options: { gpusPerServer?: number; lifetimeHours?: number } = {},
): number {
  const perGpu = gpuSpecOf(gpuModel)?.embodiedKgCo2e ?? 150;
  const gpus = options.gpusPerServer ?? 8;
  const lifetime = options.lifetimeHours ?? SERVER_LIFETIME_HOURS;
  return ((perGpu + CCF_EMBODIED_KG_BASE_SERVER / gpus) * 1000) / lifetime;
}

/**
 * Energy of GPU samples, kWh, bucketed by UTC hour.
 *
 * @public
 */
export interface GpuEnergy {
  /** Total IT energy of the workloads' shares of their GPUs, kWh. */
  kwh: number;
  /** Share of that energy from measured power (the rest from the power curve). */
  measuredShare: number;
  /** kWh by hour start (ms since the epoch). */
  byHour: Map<number, number>;
  /** GPU-hours (share-weighted) that had neither power nor a known curve, left out. */
  unknownGpuHours: number;
  /** Share-weighted GPU-hours seen. */
  gpuHours: number;
}

/**
 * The energy of GPU samples: measured board power where the sample has it,
 * else the GPU model's idle→max curve at the sample's activity (idle power
 * when no activity is known), times the share of the GPU the workload holds.
 *
 * @public
 */
export function gpuEnergy(samples: readonly GpuSample[]): GpuEnergy {
  const byHour = new Map<number, number>();
  let kwh = 0;
  let measured = 0;
  let unknown = 0;
  let gpuHours = 0;
  for (const s of samples) {
    if (!(s.durationSeconds > 0)) continue;
    const hours = (s.durationSeconds / 3600) * gpuShareOf(s);
    gpuHours += hours;
    let watts: number | undefined;
    if (Number.isFinite(s.powerWatts)) {
      watts = s.powerWatts!;
    } else {
      const curve = powerCurveOf(s.gpuModel);
      if (curve) watts = powerAt(curve, sampleActivity(s)?.value ?? 0);
    }
    if (watts === undefined) {
      unknown += hours;
      continue;
    }
    const e = (watts * hours) / 1000;
    kwh += e;
    if (Number.isFinite(s.powerWatts)) measured += e;
    const hour = Math.floor(s.timestamp / HOUR_MS) * HOUR_MS;
    byHour.set(hour, (byHour.get(hour) ?? 0) + e);
  }
  return {
    kwh,
    measuredShare: kwh ? measured / kwh : 0,
    byHour,
    unknownGpuHours: unknown,
    gpuHours,
  };
}

/**
 * Inputs of {@link softwareCarbonIntensity}.
 *
 * @public
 */
export interface SciInput {
  /** IT energy, kWh: one total, or per hour (ms since the epoch → kWh). */
  energyKwh: number | ReadonlyMap<number, number>;
  /** Power usage effectiveness of the data centre (e.g. CCF PUE_AVG). */
  pue: number;
  /** Annual (or average) grid intensity, gCO2e/kWh: the fallback for hours without an hourly value. */
  annualGCo2ePerKwh: number;
  /** Hourly grid intensity, gCO2e/kWh, by hour start (ms). */
  hourlyGCo2ePerKwh?: (hourStartMs: number) => number | undefined;
  /** Embodied emissions, grams (e.g. GPU-hours × {@link embodiedGramsPerGpuHour}). */
  embodiedGrams?: number;
  /** Functional units (R), e.g. millions of tokens; gives `perUnitGrams`. */
  functionalUnits?: number;
}

/**
 * A carbon footprint by the Green Software Foundation's SCI specification.
 *
 * @public
 */
export interface SciResult {
  /** O = E × PUE × I, grams CO2e. */
  operationalGrams: number;
  /** M, grams CO2e. */
  embodiedGrams: number;
  /** O + M, grams CO2e. */
  totalGrams: number;
  totalKg: number;
  /** (O + M) / R, grams per functional unit. */
  perUnitGrams?: number;
  /** kWh priced at the annual factor because no hourly value was known. */
  fallbackKwh: number;
  /** Energy-weighted mean intensity used, gCO2e/kWh. */
  meanGCo2ePerKwh: number;
}

/**
 * SCI = (E × I + M) per R (Green-Software-Foundation/sci SPEC.md): E is the
 * energy at the IT equipment × PUE, I the location-based grid intensity of
 * the hour (hourly where known, else the annual factor), M the embodied
 * share, R the functional unit.
 *
 * @public
 */
export function softwareCarbonIntensity(input: SciInput): SciResult {
  if (!(input.pue >= 1)) {
    throw new RangeError(`PUE must be at least 1, got ${input.pue}`);
  }
  let operational = 0;
  let fallbackKwh = 0;
  let kwhTotal = 0;
  if (typeof input.energyKwh === 'number') {
    operational = input.energyKwh * input.pue * input.annualGCo2ePerKwh;
    fallbackKwh = input.energyKwh;
    kwhTotal = input.energyKwh;
  } else {
    for (const [hour, kwh] of input.energyKwh) {
      const hourly = input.hourlyGCo2ePerKwh?.(hour);
      const intensity =
        hourly !== undefined && Number.isFinite(hourly)
          ? hourly
          : input.annualGCo2ePerKwh;
      if (!(hourly !== undefined && Number.isFinite(hourly)))
        fallbackKwh += kwh;
      operational += kwh * input.pue * intensity;
      kwhTotal += kwh;
    }
  }
  const embodied = input.embodiedGrams ?? 0;
  const total = operational + embodied;
  return {
    operationalGrams: operational,
    embodiedGrams: embodied,
    totalGrams: total,
    totalKg: total / 1000,
    ...(input.functionalUnits && input.functionalUnits > 0
      ? { perUnitGrams: total / input.functionalUnits }
      : {}),
    fallbackKwh,
    meanGCo2ePerKwh: kwhTotal ? operational / (kwhTotal * input.pue) : 0,
  };
}

/**
 * The carbon footprint of GPU samples: their energy (measured or from the
 * curve), × PUE × hourly grid intensity, plus the embodied share of the GPU
 * hours, and gCO2e per million tokens when `tokens` is given.
 *
 * @public
 */
export function gpuCarbonFootprint(
  samples: readonly GpuSample[],
  options: {
    pue: number;
    annualGCo2ePerKwh: number;
    hourlyGCo2ePerKwh?: (hourStartMs: number) => number | undefined;
    tokens?: number;
    gpusPerServer?: number;
  },
): SciResult & { energy: GpuEnergy; gCo2ePerMillionTokens?: number } {
  const energy = gpuEnergy(samples);
  let embodied = 0;
  for (const s of samples) {
    if (!(s.durationSeconds > 0)) continue;
    embodied +=
      (s.durationSeconds / 3600) *
      gpuShareOf(s) *
      embodiedGramsPerGpuHour(s.gpuModel, {
        gpusPerServer: options.gpusPerServer,
      });
  }
  const result = softwareCarbonIntensity({
    energyKwh: energy.byHour,
    pue: options.pue,
    annualGCo2ePerKwh: options.annualGCo2ePerKwh,
    hourlyGCo2ePerKwh: options.hourlyGCo2ePerKwh,
    embodiedGrams: embodied,
    functionalUnits: options.tokens ? options.tokens / 1e6 : undefined,
  });
  return {
    ...result,
    energy,
    ...(result.perUnitGrams !== undefined
      ? { gCo2ePerMillionTokens: result.perUnitGrams }
      : {}),
  };
}
