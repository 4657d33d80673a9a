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

import { mad, mean, median } from '../forecast/stats';

/**
 * Options of {@link generalizedEsd}.
 *
 * @public
 */
export interface EsdOptions {
  /** Significance level (default 0.05). */
  alpha?: number;
  /** Largest number of outliers tested, or a share of n when below 1 (default 0.1, as Twitter's S-H-ESD). */
  maxAnomalies?: number;
  /** Median and MAD instead of mean and standard deviation (default true: the "hybrid" ESD). */
  robust?: boolean;
  /** Which side counts (default 'both'). */
  direction?: 'both' | 'pos' | 'neg';
}

/**
 * One outlier found by the generalised ESD test.
 *
 * @public
 */
export interface EsdOutlier {
  index: number;
  value: number;
  /** Test statistic R_i = |x − centre| / scale when it was removed. */
  statistic: number;
  /** Critical value λ_i it exceeded (or that a later outlier exceeded). */
  critical: number;
}

/**
 * Generalised extreme Studentised deviate test (Rosner 1983) for up to k
 * outliers in approximately normal data; with `robust` the centre and scale
 * are the median and MAD (Hochenbaum et al. 2017, Twitter's S-H-ESD). Batch:
 * looks at all values at once. Missing values are ignored.
 *
 * @public
 */
export function generalizedEsd(
  values: ArrayLike<number>,
  options: EsdOptions = {},
): EsdOutlier[] {
  const alpha = options.alpha ?? 0.05;
  const robust = options.robust ?? true;
  const direction = options.direction ?? 'both';
  const remaining: Array<{ index: number; value: number }> = [];
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i]))
      remaining.push({ index: i, value: values[i] });
  }
  const n = remaining.length;
  const maxOption = options.maxAnomalies ?? 0.1;
  const k = Math.min(
    maxOption < 1 ? Math.floor(maxOption * n) : Math.floor(maxOption),
    n - 3,
  );
  const tested: EsdOutlier[] = [];
  let found = 0;
  for (let i = 1; i <= k; i++) {
    const xs = remaining.map(r => r.value);
    const center = robust ? median(xs) : mean(xs);
    const scale = robust ? mad(xs, center) : standardDeviation(xs, center);
    if (!(scale > 0)) break;
    let best = -1;
    let bestR = -Infinity;
    remaining.forEach((r, j) => {
      const d = r.value - center;
      let signed = Math.abs(d);
      if (direction === 'pos') signed = d;
      if (direction === 'neg') signed = -d;
      if (signed / scale > bestR) {
        bestR = signed / scale;
        best = j;
      }
    });
    const p = 1 - alpha / (direction === 'both' ? 2 * (n - i + 1) : n - i + 1);
    const t = studentTQuantile(p, n - i - 1);
    const lambda = ((n - i) * t) / Math.sqrt((n - i - 1 + t * t) * (n - i + 1));
    const [removed] = remaining.splice(best, 1);
    tested.push({
      index: removed.index,
      value: removed.value,
      statistic: bestR,
      critical: lambda,
    });
    if (bestR > lambda) found = i;
  }
  return tested.slice(0, found);
}

/**
 * Seasonal hybrid ESD (Twitter's S-H-ESD, Hochenbaum et al. 2017): the
 * residual is x − seasonal − median(x), the seasonal part being the median
 * of each phase of `period` (medians throughout, so the outliers do not shape
 * their own baseline), then the robust generalised ESD runs on the residuals.
 * Returns the outliers with their original values.
 *
 * @public
 */
export function seasonalHybridEsd(
  values: ArrayLike<number>,
  period: number,
  options: EsdOptions = {},
): EsdOutlier[] {
  const y = Array.from(values);
  if (period < 2 || y.filter(Number.isFinite).length < 2 * period) {
    return generalizedEsd(y, options);
  }
  const level = median(y);
  const seasonal = Array.from({ length: period }, (_, p) => {
    const phase: number[] = [];
    for (let t = p; t < y.length; t += period) phase.push(y[t]);
    return median(phase) - level;
  });
  const residuals = y.map((v, t) => v - seasonal[t % period] - level);
  return generalizedEsd(residuals, options).map(o => ({
    ...o,
    value: y[o.index],
  }));
}

function standardDeviation(xs: number[], center: number): number {
  let s = 0;
  for (const x of xs) s += (x - center) ** 2;
  return Math.sqrt(s / Math.max(1, xs.length - 1));
}

/**
 * Quantile of Student's t distribution with `df` degrees of freedom, by
 * bisection on the CDF (through the regularised incomplete beta function).
 *
 * @public
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) return NaN;
  if (p === 0.5) return 0;
  let lo = -1e4;
  let hi = 1e4;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(hi)); i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** CDF of Student's t. */
export function studentTCdf(t: number, df: number): number {
  const x = df / (df + t * t);
  const tail = 0.5 * regularizedBeta(x, df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Regularised incomplete beta I_x(a, b) (continued fraction, Lentz). */
function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(
    logGamma(a + b) -
      logGamma(a) -
      logGamma(b) +
      a * Math.log(x) +
      b * Math.log(1 - x),
  );
  if (x > (a + 1) / (a + b + 2)) return 1 - regularizedBeta(1 - x, b, a);
  // Continued fraction (Numerical Recipes betacf).
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let f = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + num / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    f *= d * c;
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + num / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return (front * f) / a;
}

/** ln Γ(x), Lanczos approximation (g = 7, n = 9). */
function logGamma(x: number): number {
  const g = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028,
    771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5)
    return (
      Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x)
    );
  const z = x - 1;
  let s = g[0];
  for (let i = 1; i < 9; i++) s += g[i] / (z + i);
  const t = z + 7.5;
  return (
    0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s)
  );
}
