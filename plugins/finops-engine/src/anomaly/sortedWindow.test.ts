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
import { sortedQuantile } from '../forecast/stats';
import { medianOfDeviations, SortedWindow } from './sortedWindow';

/** Values with many ties, both zeros, infinities and NaN. */
function awkwardStream(seed: number, length: number): number[] {
  const { uniform, normal } = seededNoise(seed);
  return Array.from({ length }, () => {
    const u = uniform();
    if (u < 0.15) return 0;
    if (u < 0.3) return -0;
    if (u < 0.32) return Infinity;
    if (u < 0.34) return -Infinity;
    if (u < 0.36) return NaN;
    if (u < 0.6) return Math.round(normal() * 2);
    return normal() * 1e3;
  });
}

/** The values as Object.is sees them (tells -0 from 0, NaN equals NaN). */
const bits = (values: ArrayLike<number>) =>
  Array.from(values, v => (Object.is(v, -0) ? '-0' : String(v)));

describe('SortedWindow', () => {
  it.each([1, 2, 7, 50])(
    'holds the last %i values in Float64Array sort order',
    capacity => {
      const stream = awkwardStream(capacity, 600);
      const window = new SortedWindow(capacity);
      stream.forEach((value, t) => {
        window.push(value);
        const expected = Float64Array.from(
          stream.slice(Math.max(0, t + 1 - capacity), t + 1),
        ).sort();
        expect(window.size).toBe(expected.length);
        expect(bits(window.sorted)).toEqual(bits(expected));
      });
    },
  );
});

describe('medianOfDeviations', () => {
  /** The definition: sort the absolute deviations, take the median. */
  const bySorting = (sorted: Float64Array, center: number) =>
    sortedQuantile(
      Float64Array.from(sorted, v => Math.abs(v - center)).sort(),
      0.5,
    );

  it('equals the median of the sorted deviations, bit for bit', () => {
    const { uniform, normal } = seededNoise(7);
    for (let trial = 0; trial < 2000; trial++) {
      const n = 1 + Math.floor(uniform() * 60);
      const kind = trial % 4;
      const sorted = Float64Array.from({ length: n }, () => {
        if (kind === 0) return Math.round(normal() * 3);
        if (kind === 1) return uniform() < 0.7 ? 0 : normal();
        if (kind === 2) return uniform() < 0.1 ? -Infinity : normal() * 1e300;
        return normal() + 1e9;
      }).sort();
      const centers = [
        sortedQuantile(sorted, 0.5),
        sorted[0],
        sorted[n - 1],
        sorted[0] - 1,
        sorted[n - 1] + 1,
        normal(),
        NaN,
        Infinity,
      ];
      for (const center of centers) {
        expect(bits([medianOfDeviations(sorted, center)])).toEqual(
          bits([bySorting(sorted, center)]),
        );
      }
    }
  });

  it('is NaN for no values', () => {
    expect(medianOfDeviations(new Float64Array(0), 0)).toBeNaN();
  });
});
