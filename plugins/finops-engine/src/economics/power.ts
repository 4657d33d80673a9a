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

import { gpuSpecOf, type GpuSpec } from './gpuSpecs';

/**
 * A linear idle→max power curve, Cloud Carbon Footprint's form:
 * P(u) = idle + u × (max − idle), u the utilisation in 0..1.
 *
 * @public
 */
export interface PowerCurve {
  idleWatts: number;
  maxWatts: number;
}

/**
 * The power curve of a GPU model (from {@link GPU_SPECS}); `undefined` for
 * unknown models.
 *
 * @public
 */
export function powerCurveOf(
  gpuModel: string | undefined,
): PowerCurve | undefined {
  const spec: GpuSpec | undefined = gpuSpecOf(gpuModel);
  return spec
    ? { idleWatts: spec.idleWatts, maxWatts: spec.maxWatts }
    : undefined;
}

/**
 * Power at utilisation `u` (clamped to 0..1), watts.
 *
 * @public
 */
export function powerAt(curve: PowerCurve, u: number): number {
  const x = Number.isFinite(u) ? Math.min(1, Math.max(0, u)) : 0;
  return curve.idleWatts + x * (curve.maxWatts - curve.idleWatts);
}

/**
 * A fitted power curve with its in-sample error.
 *
 * @public
 */
export interface FittedPowerCurve extends PowerCurve {
  samples: number;
  /** Root-mean-square error per sample, W. */
  rmseWatts: number;
  /** Mean absolute percentage error per sample, %. */
  mapePercent: number;
}

/**
 * Least-squares fit of P = idle + u × (max − idle) to (utilisation, watts)
 * points.
 *
 * @public
 */
export function fitPowerCurve(
  points: ReadonlyArray<{ utilization: number; watts: number }>,
): FittedPowerCurve {
  const pts = points.filter(
    p => Number.isFinite(p.utilization) && Number.isFinite(p.watts),
  );
  if (pts.length < 2) {
    throw new RangeError('fitting a power curve needs at least two samples');
  }
  let su = 0;
  let sp = 0;
  let suu = 0;
  let sup = 0;
  for (const { utilization: u, watts: p } of pts) {
    su += u;
    sp += p;
    suu += u * u;
    sup += u * p;
  }
  const n = pts.length;
  const det = n * suu - su * su;
  if (Math.abs(det) < 1e-12) {
    throw new RangeError(
      'fitting a power curve needs samples at more than one utilisation',
    );
  }
  const slope = (n * sup - su * sp) / det;
  const intercept = (sp - slope * su) / n;
  const curve = { idleWatts: intercept, maxWatts: intercept + slope };
  let se = 0;
  let ape = 0;
  for (const { utilization: u, watts: p } of pts) {
    const e = powerAt(curve, u) - p;
    se += e * e;
    if (p !== 0) ape += Math.abs(e / p);
  }
  return {
    ...curve,
    samples: n,
    rmseWatts: Math.sqrt(se / n),
    mapePercent: (100 * ape) / n,
  };
}

/**
 * Energy of a sampled utilisation trace, kWh: the trapezoid integral of
 * P(u(t)) over the sample times (seconds).
 *
 * @public
 */
export function curveEnergyKwh(
  curve: PowerCurve,
  samples: ReadonlyArray<{ tSeconds: number; utilization: number }>,
): number {
  let joules = 0;
  for (let i = 1; i < samples.length; i++) {
    const dt = samples[i].tSeconds - samples[i - 1].tSeconds;
    if (!(dt > 0)) continue;
    joules +=
      (dt *
        (powerAt(curve, samples[i].utilization) +
          powerAt(curve, samples[i - 1].utilization))) /
      2;
  }
  return joules / 3.6e6;
}
