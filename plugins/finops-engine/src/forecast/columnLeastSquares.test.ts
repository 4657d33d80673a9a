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

// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { seededNoise } from '@ai-finops/test-utils';
import {
  EveryOtherBackwards,
  solveColumns,
  solveSteps,
} from './columnLeastSquares';
import { NormalEquations } from './stats';

/** A design matrix by columns (the first all ones), the target last. */
function problem(seed: number, p: number, rows: number, gaps = false) {
  const { normal, uniform } = seededNoise(seed);
  const columns = Array.from({ length: p + 1 }, (_, c) =>
    Float64Array.from({ length: rows }, () =>
      c === 0 ? 1 : normal() * 10 ** (c % 4),
    ),
  );
  if (gaps) {
    for (let r = 0; r < rows; r++) if (uniform() < 0.1) columns[p][r] = NaN;
  }
  return columns;
}

/** The reference: NormalEquations, one row at a time. */
function byRows(columns: Float64Array[], rows: number, ridge: number) {
  const p = columns.length - 1;
  const normal = new NormalEquations(p);
  for (let r = 0; r < rows; r++) {
    normal.add(
      columns.slice(0, p).map(c => c[r]),
      columns[p][r],
    );
  }
  return normal.solve(ridge);
}

describe('solveColumns', () => {
  it('gives NormalEquations’ coefficients bit for bit', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const p = 1 + (seed % 9);
      const rows = [0, 1, 5, 97, 672][seed % 5];
      const columns = problem(seed, p, rows, seed % 3 === 0);
      expect(solveColumns(columns, rows, 1e-3)).toEqual(
        byRows(columns, rows, 1e-3),
      );
      // Fewer rows than the columns hold.
      const some = Math.floor(rows / 2);
      expect(solveColumns(columns, some, 1e-6)).toEqual(
        byRows(columns, some, 1e-6),
      );
    }
  });
});

describe('solveSteps', () => {
  it('gives each step solveColumns’ coefficients, sharing the common columns', () => {
    const { normal } = seededNoise(5);
    const n = 700;
    const series = [0, 1, 2].map(() =>
      Array.from({ length: n }, () => normal() * 3),
    );
    const [a, b, y] = series.map(v => new EveryOtherBackwards(v, n - 1));
    const ones = new Float64Array(n).fill(1);
    // Lags that change every 24 steps beside ones that change every step.
    const columnsOf = (h: number) => [
      ones,
      a.at(h),
      b.at(24 * Math.ceil(h / 24)),
      a.at(h + 1),
      y.at(48),
      y.at(0),
    ];
    const rowsOf = (h: number) => Math.floor((n - 1 - h - 100) / 2) + 1;
    for (const [h, end] of [
      [1, 24],
      [5, 24],
      [25, 48],
      [7, 7],
    ]) {
      const steps = solveSteps(columnsOf, rowsOf, h, end, 1e-3);
      steps.forEach((beta, s) =>
        expect(beta).toEqual(
          solveColumns(columnsOf(h + s), rowsOf(h + s), 1e-3),
        ),
      );
    }
  });
});

describe('EveryOtherBackwards', () => {
  it('reads values[last - k - 2r]', () => {
    const values = Array.from({ length: 11 }, (_, i) => i * 10);
    const columns = new EveryOtherBackwards(values, 9);
    expect(Array.from(columns.at(0))).toEqual([90, 70, 50, 30, 10]);
    expect(Array.from(columns.at(1))).toEqual([80, 60, 40, 20, 0]);
    expect(Array.from(columns.at(4))).toEqual([50, 30, 10]);
  });
});
