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

import { solveNormalEquations } from './stats';

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
  return solveNormalEquations(a, b, columns.length - 1, ridge);
}

/**
 * The sums NormalEquations.add accumulates for those rows: the lower
 * triangle of XᵀX (p × p, row-major) and Xᵀy.
 */
export function normalEquationsOfColumns(
  columns: Float64Array[],
  rows: number,
  /** Columns (p: the target) whose sums with each other the caller has: left 0. */
  known?: boolean[],
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
    if (known) throw new Error('known sums need every target finite');
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
  const rightIndex: number[] = [];
  const sums = new Float64Array(p + 1);
  for (let i = 0; i < p; i++) {
    const left = columns[i];
    right.length = 0;
    rightIndex.length = 0;
    for (let j = 0; j <= i; j++) {
      if (known?.[i] && known[j]) continue;
      right.push(columns[j]);
      rightIndex.push(j);
    }
    if (!(known?.[i] && known[p])) {
      right.push(target);
      rightIndex.push(p);
    }
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
    for (let e = 0; e < right.length; e++) {
      const j = rightIndex[e];
      if (j === p) b[i] = sums[e];
      else a[i * p + j] = sums[e];
    }
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
  private readonly views = new Map<number, Float64Array>();

  constructor(values: ArrayLike<number>, last: number) {
    this.even = new Float64Array(Math.floor(last / 2) + 1);
    this.odd = new Float64Array(Math.max(0, Math.floor((last - 1) / 2) + 1));
    for (let r = 0; r < this.even.length; r++)
      this.even[r] = values[last - 2 * r];
    for (let r = 0; r < this.odd.length; r++)
      this.odd[r] = values[last - 1 - 2 * r];
  }

  /** The same view for the same k (solveSteps knows shared columns by identity). */
  at(k: number): Float64Array {
    let view = this.views.get(k);
    if (!view) {
      view = (k % 2 ? this.odd : this.even).subarray(k >> 1);
      this.views.set(k, view);
    }
    return view;
  }
}

/**
 * The per-horizon regressions' coefficients for steps h..end, whose design
 * matrices (`columnsOf(h)`, target last, rows(h) rows) share some columns
 * (the same view objects at the same places; rows(h) shrinks with h): the
 * sums of those shared columns with each other are the partial sums of one
 * pass, taken at rows(h) for each step, and only the other entries are
 * summed per step. The same additions in the same order as solveColumns.
 */
export function solveSteps(
  columnsOf: (h: number) => Float64Array[],
  rowsOf: (h: number) => number,
  h: number,
  end: number,
  ridge: number,
): number[][] {
  const steps = Array.from({ length: end - h + 1 }, (_, s) => columnsOf(h + s));
  const first = steps[0];
  const p = first.length - 1;
  const known = first.map((column, c) =>
    steps.every(cols => cols[c] === column),
  );
  let finite = true;
  for (let r = 0; r < rowsOf(h) && finite; r++)
    finite = Number.isFinite(first[p][r]);
  if (steps.length < 2 || !finite || !known[p])
    return steps.map((cols, s) => solveColumns(cols, rowsOf(h + s), ridge));
  // The shared pairs, summed once, their partial sums kept at each step's
  // rows (rows(h + s) shrinks with s: the later steps' sums come first).
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < p; i++) {
    if (!known[i]) continue;
    for (let j = 0; j <= i; j++) if (known[j]) pairs.push([i, j]);
    pairs.push([i, p]);
  }
  const ends = steps.map((_, s) => rowsOf(h + s));
  const partial = pairs.map(() => new Float64Array(steps.length));
  for (let k = 0; k < pairs.length; k += 2) {
    const [i0, j0] = pairs[k];
    const [i1, j1] = pairs[Math.min(k + 1, pairs.length - 1)];
    const l0 = first[i0];
    const c0 = first[j0];
    const l1 = first[i1];
    const c1 = first[j1];
    const out0 = partial[k];
    const out1 = partial[Math.min(k + 1, pairs.length - 1)];
    let s0 = 0;
    let s1 = 0;
    let r = 0;
    for (let s = steps.length - 1; s >= 0; s--) {
      for (const stop = ends[s]; r < stop; r++) {
        s0 += l0[r] * c0[r];
        s1 += l1[r] * c1[r];
      }
      out0[s] = s0;
      out1[s] = s1;
    }
  }
  return steps.map((cols, s) => {
    const { a, b } = normalEquationsOfColumns(cols, ends[s], known);
    pairs.forEach(([i, j], k) => {
      if (j === p) b[i] = partial[k][s];
      else a[i * p + j] = partial[k][s];
    });
    return solveNormalEquations(a, b, p, ridge);
  });
}
