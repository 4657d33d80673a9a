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
import { LaggedWindowKnn } from './context';
import { scoreSeries } from './detector';

/** The definition, by brute force: kNN distance of the window over the decaying peak. */
function naive(
  values: number[],
  window: number,
  memory: number,
  neighbours: number,
  decay: number,
  floor: number,
): number[] {
  let peak = 0;
  let scored = 0;
  return values.map((_, t) => {
    const hi = t - window;
    const lo = Math.max(window - 1, hi - memory + 1);
    if (hi - lo + 1 < Math.min(memory, 100)) return 0;
    const distances: number[] = [];
    for (let j = lo; j <= hi; j++) {
      let d = 0;
      for (let i = 0; i < window; i++)
        d += (values[t - i] - values[j - i]) ** 2;
      distances.push(d);
    }
    distances.sort((a, b) => a - b);
    const alpha = Math.sqrt(
      distances.slice(0, neighbours).reduce((a, b) => a + b, 0) / neighbours,
    );
    const surprise = scored++ >= 20 ? alpha / Math.max(peak, floor) : 0;
    peak = Math.max(peak * decay, alpha);
    return surprise;
  });
}

const MIN5 = 300_000;

describe('LaggedWindowKnn (contextual kNN nonconformity)', () => {
  it('matches the brute-force definition, across refreshes and a huge spike', () => {
    // 2,200 steps: the ring buffer wraps, the distances are recomputed from
    // scratch at steps 1,024 and 2,048, and a spike of 1e9 leaving the
    // windows must not leave rounding garbage (a short peak memory, so the
    // surprise is back on the noise's scale soon after).
    const { normal } = seededNoise(21);
    const values = Array.from({ length: 2200 }, (_, t) => {
      if (t === 300) return 1e9;
      return t === 1500 ? 9 : Math.sin(t / 3) + 0.3 * normal();
    });
    const knn = new LaggedWindowKnn(6, 50, 3, 0.9);
    const got = values.map(v => knn.push(v, 1e-6));
    const want = naive(values, 6, 50, 3, 0.9, 1e-6);
    for (let t = 0; t < values.length; t++) {
      expect(Math.abs(got[t] - want[t])).toBeLessThan(
        1e-9 * Math.max(1, want[t]),
      );
    }
    expect(got.slice(0, 30).every(s => s === 0)).toBe(true);
    expect(got[300]).toBeGreaterThan(1e6);
    expect(got[1500]).toBeGreaterThan(Math.max(...got.slice(450, 1500)));
  });

  it('does not depend on the units of the series', () => {
    const { normal } = seededNoise(22);
    const values = Array.from({ length: 300 }, () => 5 + normal());
    const a = new LaggedWindowKnn(5, 100, 3, 0.999);
    const b = new LaggedWindowKnn(5, 100, 3, 0.999);
    values.forEach(v =>
      expect(b.push(1000 * v, 1e-9)).toBeCloseTo(a.push(v, 1e-9), 9),
    );
  });

  it('finds a changed shape that point residuals do not see', () => {
    // A noisy 7-step cycle (not a day: no seasonal baseline) that stops for
    // 60 steps at its mean: no value is out of range and the residuals from
    // the recent median shrink, but no earlier window looks like it.
    const { normal } = seededNoise(23);
    const values = Array.from({ length: 1400 }, (_, t) =>
      t >= 1000 && t < 1060
        ? 100 + 0.5 * normal()
        : 100 + 10 * Math.sin((2 * Math.PI * t) / 7) + 0.5 * normal(),
    );
    const timestamps = values.map((_, t) => t * MIN5);
    const max = (points: Array<{ score: number }>, from: number, to: number) =>
      Math.max(...points.slice(from, to).map(p => p.score));
    const withContext = scoreSeries(timestamps, values);
    const without = scoreSeries(timestamps, values, { contextWindow: 0 });
    // The onset is the surprise (the peak then follows the distance up as the
    // flat part fills the window).
    expect(max(withContext, 1000, 1060)).toBeGreaterThan(0.7);
    expect(max(without, 1000, 1060)).toBeLessThan(0.3);
    expect(
      Math.max(...withContext.slice(1000, 1060).map(p => p.contextSurprise)),
    ).toBeGreaterThan(1.5);
    // The ordinary cycles before and after it are no surprise to the context.
    const ordinary = [
      ...withContext.slice(400, 1000),
      ...withContext.slice(1150),
    ];
    expect(Math.max(...ordinary.map(p => p.contextSurprise))).toBeLessThan(1);
    expect(max(withContext, 1150, 1400)).toBeLessThan(0.55);
    expect(without.every(p => p.contextSurprise === 0)).toBe(true);
  });
});
