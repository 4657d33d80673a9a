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

// Ridge least squares on a design matrix given by columns: the same numbers
// as NormalEquations (stats.ts) adding the rows one at a time with weight 1,
// computed faster. Each entry of XᵀX and Xᵀy is the sum of the same products
// in the same row order, so the result is bit for bit the same; only the
// loops are arranged so that four sums advance side by side, each column
// read once for all of them, instead of one memory cell at a time.

/**
 * The coefficients NormalEquations gives after `add(row_r, y_r)` for the
 * rows r = 0..rows-1 and `solve(ridge)`, where row_r holds `columns[c][r]`
 * for the feature columns (all but the last) and y_r is `columns[p][r]`,
 * the last. Rows whose target is not finite are skipped, as `add` does.
 */
export function solveColumns(
  columns: Float64Array[],
  rows: number,
  ridge: number,
): number[] {
  const { a, b } = normalEquationsOfColumns(columns, rows);
  return solveNormal(a, b, columns.length - 1, ridge);
}

/**
 * The sums NormalEquations.add accumulates for those rows: the lower
 * triangle of XᵀX (p × p, row-major) and Xᵀy.
 */
export function normalEquationsOfColumns(
  columns: Float64Array[],
  rows: number,
): { a: Float64Array; b: Float64Array } {
  const p = columns.length - 1;
  let finite = true;
  for (let r = 0; r < rows && finite; r++)
    finite = Number.isFinite(columns[p][r]);
  if (!finite) {
    // The rows add would keep, copied.
    const kept: number[] = [];
    for (let r = 0; r < rows; r++)
      if (Number.isFinite(columns[p][r])) kept.push(r);
    return normalEquationsOfColumns(
      columns.map(column => Float64Array.from(kept, r => column[r])),
      kept.length,
    );
  }
  const target = columns[p];
  const a = new Float64Array(p * p);
  const b = new Float64Array(p);
  // Row i of the lower triangle and b[i]: the products of column i with
  // columns 0..i and with the target, four sums at a time.
  const right: Float64Array[] = [];
  const sums = new Float64Array(p + 1);
  for (let i = 0; i < p; i++) {
    const left = columns[i];
    right.length = 0;
    for (let j = 0; j <= i; j++) right.push(columns[j]);
    right.push(target);
    let k = 0;
    for (; k + 4 <= right.length; k += 4) {
      const c0 = right[k];
      const c1 = right[k + 1];
      const c2 = right[k + 2];
      const c3 = right[k + 3];
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let r = 0; r < rows; r++) {
        const x = left[r];
        s0 += x * c0[r];
        s1 += x * c1[r];
        s2 += x * c2[r];
        s3 += x * c3[r];
      }
      sums[k] = s0;
      sums[k + 1] = s1;
      sums[k + 2] = s2;
      sums[k + 3] = s3;
    }
    for (; k < right.length; k++) {
      const c = right[k];
      let s = 0;
      for (let r = 0; r < rows; r++) s += left[r] * c[r];
      sums[k] = s;
    }
    for (let j = 0; j <= i; j++) a[i * p + j] = sums[j];
    b[i] = sums[i + 1];
  }
  return { a, b };
}

/**
 * The columns of a series read backwards every other step, for the
 * per-horizon regressions (whose rows are every other origin, latest
 * first): `at(k)[r]` is `values[last - k - 2r]`, a view without copying.
 */
export class EveryOtherBackwards {
  private readonly even: Float64Array;
  private readonly odd: Float64Array;

  constructor(values: ArrayLike<number>, last: number) {
    this.even = new Float64Array(Math.floor(last / 2) + 1);
    this.odd = new Float64Array(Math.max(0, Math.floor((last - 1) / 2) + 1));
    for (let r = 0; r < this.even.length; r++)
      this.even[r] = values[last - 2 * r];
    for (let r = 0; r < this.odd.length; r++)
      this.odd[r] = values[last - 1 - 2 * r];
  }

  at(k: number): Float64Array {
    return (k % 2 ? this.odd : this.even).subarray(k >> 1);
  }
}

/**
 * NormalEquations.solve on the lower triangle `a` (p × p, row-major, changed
 * in place) and `b`: ridge × (1 + diagonal) added to the diagonal, Cholesky,
 * two triangular solves. The same operations in the same order.
 */
export function solveNormal(
  a: Float64Array,
  b: Float64Array,
  p: number,
  ridge: number,
): number[] {
  for (let i = 0; i < p; i++) a[i * p + i] += ridge * (1 + a[i * p + i]);
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
