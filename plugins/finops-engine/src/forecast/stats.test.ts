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
import { mad, median, quantile, sortedQuantile } from './stats';

/** The definition: sort, then interpolate (type 7). */
const bySorting = (values: number[], p: number) =>
  sortedQuantile(
    values.filter(Number.isFinite).sort((a, b) => a - b),
    p,
  );

describe('quantile', () => {
  it('equals the sorted definition exactly, with ties, gaps and any length', () => {
    const { normal } = seededNoise(11);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + (trial % 97) * 3;
      const values = Array.from({ length: n }, (_, i) => {
        if (i % 17 === 5) return NaN;
        // Few distinct values in some trials: many ties.
        const v = normal() * 10;
        return trial % 3 === 0 ? Math.round(v) : v;
      });
      for (const p of [0, 0.035, 0.1, 0.25, 0.5, 0.5 + 1e-9, 0.75, 0.965, 1]) {
        // Object.is: NaN for NaN, and the same number otherwise.
        expect(quantile(values, p)).toBe(bySorting(values, p));
      }
    }
  });

  it('leaves its input alone and ignores non-finite values', () => {
    const values = [5, NaN, 1, Infinity, 3, -Infinity, 2, 4];
    const copy = [...values];
    expect(median(values)).toBe(3);
    expect(quantile(values, 0.25)).toBe(2);
    expect(values).toEqual(copy);
    expect(quantile([NaN], 0.5)).toBeNaN();
    expect(quantile([], 0.5)).toBeNaN();
    expect(mad([1, 2, 3, 4, 100])).toBeCloseTo(1.4826, 10);
  });
});
