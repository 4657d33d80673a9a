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
import { sameDayMonthsBefore, scoreSeries } from './detector';

const DAY = 86_400_000;

describe('month boundaries', () => {
  it('matches the same day of earlier months, month ends with month ends', () => {
    const at = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d, 5);
    expect(sameDayMonthsBefore(at(2026, 3, 15), 2)).toBe(at(2026, 1, 15));
    expect(sameDayMonthsBefore(at(2026, 1, 20), 1)).toBe(at(2025, 12, 20));
    expect(sameDayMonthsBefore(at(2026, 3, 31), 1)).toBe(at(2026, 2, 28));
    expect(sameDayMonthsBefore(at(2026, 3, 30), 1)).toBe(at(2026, 2, 28));
    expect(sameDayMonthsBefore(at(2026, 4, 30), 1)).toBe(at(2026, 3, 31));
    expect(sameDayMonthsBefore(at(2024, 3, 29), 1)).toBe(at(2024, 2, 29));
    expect(sameDayMonthsBefore(at(2026, 1, 31), 3)).toBe(at(2025, 10, 31));
  });

  it('does not alert on a monthly invoice every month, daily data', () => {
    // Daily spend with a weekly pattern and an invoice on the 1st of each
    // month that grows 15 % a month: each one is a new record.
    const { normal } = seededNoise(31);
    const start = Date.UTC(2026, 0, 1);
    const timestamps = Array.from({ length: 365 }, (_, d) => start + d * DAY);
    const values = timestamps.map(t => {
      const date = new Date(t);
      const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
      const invoice =
        date.getUTCDate() === 1 ? 300 * 1.15 ** date.getUTCMonth() : 0;
      return (weekend ? 60 : 100) + 3 * normal() + invoice;
    });
    const planted = timestamps.indexOf(Date.UTC(2026, 8, 15));
    values[planted] += 2500;
    const firsts = (points: ReturnType<typeof scoreSeries>) =>
      points.filter(
        p =>
          new Date(p.timestamp).getUTCDate() === 1 &&
          p.timestamp >= Date.UTC(2026, 2, 1),
      );

    const without = scoreSeries(timestamps, values, { monthly: false });
    expect(
      firsts(without).filter(p => p.score >= 0.55).length,
    ).toBeGreaterThanOrEqual(6);
    const points = scoreSeries(timestamps, values);
    // From the third invoice on, the same day of the last months explains it.
    expect(firsts(points).every(p => p.score < 0.55)).toBe(true);
    // March to August: before the planted spike raised the peak.
    expect(
      firsts(points)
        .slice(0, 6)
        .every(p => p.baseline === 'monthly'),
    ).toBe(true);
    // 1 April: the median of 1 January (a Thursday), 1 February and 1 March
    // (Sundays) is the February one.
    const april = firsts(points)[1];
    expect(april.expected).toBeCloseTo(60 + 300 * 1.15, -1);
    // Anything else is judged as before.
    expect(points[planted].score).toBeGreaterThan(0.8);
    expect(points[planted].baseline).not.toBe('monthly');
  });
});
