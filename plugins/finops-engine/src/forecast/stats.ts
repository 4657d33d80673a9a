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

// Small numeric helpers shared by the forecasting and anomaly code. Plain
// arrays and loops: isomorphic, no dependencies.

/** Mean of the finite values (NaN when there are none). */
export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      sum += v;
      n++;
    }
  }
  return n ? sum / n : NaN;
}

/** Linear-interpolated quantile (type 7, as R and numpy) of the finite values. */
export function quantile(values: ArrayLike<number>, p: number): number {
  return quantileWithScratch(values, p, new Float64Array(values.length));
}

/**
 * {@link quantile} working in `scratch` (at least as long as `values`)
 * instead of a new array: the same number, no allocation (hot loops).
 */
export function quantileWithScratch(
  values: ArrayLike<number>,
  p: number,
  scratch: Float64Array,
): number {
  const a = scratch;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) a[n++] = v;
  }
  if (!n) return NaN;
  // The two order statistics sortedQuantile would read, found by selection
  // (linear time) instead of a sort: the same values, the same arithmetic.
  const pos = Math.min(Math.max(p, 0), 1) * (n - 1);
  const lo = Math.floor(pos);
  const low = select(a, n, lo);
  let high = low;
  if (lo + 1 < n) {
    high = a[lo + 1];
    for (let i = lo + 2; i < n; i++) if (a[i] < high) high = a[i];
  }
  return low + (high - low) * (pos - lo);
}

/**
 * Rearranges a[0..n) so that a[k] is its k-th smallest value (0-based), no
 * larger value before it and no smaller one after it, and returns it
 * (quickselect with a median-of-three pivot, Numerical Recipes' `select`).
 */
function select(a: Float64Array, n: number, k: number): number {
  const swap = (i: number, j: number) => {
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  };
  let l = 0;
  let ir = n - 1;
  for (;;) {
    if (ir <= l + 1) {
      if (ir === l + 1 && a[ir] < a[l]) swap(l, ir);
      return a[k];
    }
    swap((l + ir) >> 1, l + 1);
    if (a[l] > a[ir]) swap(l, ir);
    if (a[l + 1] > a[ir]) swap(l + 1, ir);
    if (a[l] > a[l + 1]) swap(l, l + 1);
    let i = l + 1;
    let j = ir;
    const pivot = a[l + 1];
    for (;;) {
      do i++;
      while (a[i] < pivot);
      do j--;
      while (a[j] > pivot);
      if (j < i) break;
      swap(i, j);
    }
    a[l + 1] = a[j];
    a[j] = pivot;
    if (j >= k) ir = j - 1;
    if (j <= k) l = i;
  }
}

/** Quantile of an already ascending-sorted array. */
export function sortedQuantile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (!n) return NaN;
  const pos = Math.min(Math.max(p, 0), 1) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Median of the finite values. */
export function median(values: ArrayLike<number>): number {
  return quantile(values, 0.5);
}

/**
 * Median absolute deviation scaled to estimate a normal standard deviation
 * (× 1.4826), around `center` (default: the median).
 */
export function mad(
  values: ArrayLike<number>,
  center = median(values),
): number {
  const dev: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) dev.push(Math.abs(values[i] - center));
  }
  return 1.4826 * median(dev);
}

/**
 * Accumulates the normal equations XᵀWX b = XᵀWy of a least-squares problem
 * one row at a time (no design matrix kept) and solves them by Cholesky with
 * a scale-aware ridge. Tiny problems only (a handful of regressors).
 */
export class NormalEquations {
  private readonly a: Float64Array;
  private readonly b: Float64Array;

  constructor(private readonly p: number) {
    this.a = new Float64Array(p * p);
    this.b = new Float64Array(p);
  }

  add(x: ArrayLike<number>, y: number, w = 1) {
    if (!(w > 0) || !Number.isFinite(y)) return;
    const { a, b, p } = this;
    for (let i = 0; i < p; i++) {
      const wxi = w * x[i];
      b[i] += wxi * y;
      for (let j = 0; j <= i; j++) a[i * p + j] += wxi * x[j];
    }
  }

  /** Solves with ridge × (1 + diagonal) added to the diagonal. */
  solve(ridge = 1e-8): number[] {
    return solveNormalEquations(
      Float64Array.from(this.a),
      this.b,
      this.p,
      ridge,
    );
  }
}

/**
 * Solves normal equations given as the lower triangle `a` (p × p, row-major,
 * changed in place) and `b`: ridge × (1 + diagonal) added to the diagonal,
 * Cholesky, two triangular solves.
 */
export function solveNormalEquations(
  a: Float64Array,
  b: Float64Array,
  p: number,
  ridge: number,
): number[] {
  for (let i = 0; i < p; i++) a[i * p + i] += ridge * (1 + a[i * p + i]);
  // Cholesky: a = L Lᵀ (lower triangle in place).
  for (let j = 0; j < p; j++) {
    let d = a[j * p + j];
    for (let k = 0; k < j; k++) d -= a[j * p + k] * a[j * p + k];
    d = Math.sqrt(Math.max(d, 1e-300));
    a[j * p + j] = d;
    for (let i = j + 1; i < p; i++) {
      let s = a[i * p + j];
      for (let k = 0; k < j; k++) s -= a[i * p + k] * a[j * p + k];
      a[i * p + j] = s / d;
    }
  }
  const z = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= a[i * p + k] * z[k];
    z[i] = s / a[i * p + i];
  }
  const beta = new Array<number>(p).fill(0);
  for (let i = p - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < p; k++) s -= a[k * p + i] * beta[k];
    beta[i] = s / a[i * p + i];
  }
  return beta;
}

/**
 * Solves the least-squares problem min |X b - y|² + ridge |b|² (optionally
 * weighted) through the normal equations. `rows` are the rows of X.
 */
export function leastSquares(
  rows: ReadonlyArray<ArrayLike<number>>,
  y: ArrayLike<number>,
  ridge = 1e-8,
  weights?: ArrayLike<number>,
): number[] {
  const normal = new NormalEquations(rows.length ? rows[0].length : 0);
  rows.forEach((x, r) => normal.add(x, y[r], weights ? weights[r] : 1));
  return normal.solve(ridge);
}

/**
 * Fills missing values (NaN) by linear interpolation between the nearest
 * finite neighbours; leading and trailing gaps take the nearest value. Gaps
 * longer than `season` take the value one season earlier instead, so a long
 * outage does not flatten the daily shape. Returns a new array.
 */
export function fillGaps(values: ArrayLike<number>, season = 0): number[] {
  const out = Array.from(values, v => (Number.isFinite(v) ? v : NaN));
  const n = out.length;
  let i = 0;
  while (i < n) {
    if (!Number.isNaN(out[i])) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && Number.isNaN(out[j])) j++;
    const left = i > 0 ? out[i - 1] : NaN;
    const right = j < n ? out[j] : NaN;
    const long = season > 1 && j - i > season;
    for (let k = i; k < j; k++) {
      if (long && k - season >= 0 && !Number.isNaN(out[k - season])) {
        out[k] = out[k - season];
      } else if (Number.isNaN(left)) {
        out[k] = right;
      } else if (Number.isNaN(right)) {
        out[k] = left;
      } else {
        out[k] = left + ((right - left) * (k - i + 1)) / (j - i + 1);
      }
    }
    i = j;
  }
  return out;
}

/**
 * Quantile of the standard normal distribution (Acklam's rational
 * approximation, relative error below 1.2e-9).
 */
export function normalQuantile(p: number): number {
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (!(p > 0 && p < 1)) return NaN;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269,
    -30.66479806614716, 2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866,
    66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838,
    -2.549732539343734, 4.374664141464968, 2.938163982698783,
  ];
  const d = [
    0.007784695709041462, 0.3224671290700398, 2.445134137142996,
    3.754408661907416,
  ];
  const tail = (q: number) =>
    (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) *
      q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}
