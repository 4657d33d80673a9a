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

import { readFileSync } from 'node:fs';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import {
  describeWithSharedData,
  seededNoise,
  sharedDataPath,
} from '@ai-finops/test-utils';
import { forecast } from './forecast';
import { mase, maseScale, owa, smape } from './metrics';
import { decompose, detectSeasons } from './seasonality';
import { normalQuantile } from './stats';

const HOUR = 3_600_000;

const rng = seededNoise;

const daily = (t: number) => 10 * Math.sin((2 * Math.PI * t) / 24);

describe('metrics (M4 definitions)', () => {
  it('computes sMAPE, MASE and OWA', () => {
    expect(smape([100, 200], [110, 180])).toBeCloseTo(
      (200 * 10) / 210 / 2 + (200 * 20) / 380 / 2,
      10,
    );
    expect(smape([0, 0], [0, 0])).toBe(0);
    // In-sample seasonal differences with m = 2: |3-1|, |4-2| → scale 2.
    expect(maseScale([1, 2, 3, 4], 2)).toBe(2);
    expect(mase([10, 12], [11, 10], 2)).toBeCloseTo(0.75, 10);
    expect(owa({ smape: 8, mase: 0.9 }, { smape: 10, mase: 1.2 })).toBeCloseTo(
      (0.8 + 0.75) / 2,
      10,
    );
  });
});

describe('normalQuantile', () => {
  it('matches the standard normal table', () => {
    expect(normalQuantile(0.9)).toBeCloseTo(1.281552, 5);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
    expect(normalQuantile(0.5)).toBe(0);
  });
});

describe('detectSeasons', () => {
  it('finds the daily and weekly seasons of hourly data', () => {
    const { normal } = rng(1);
    const y = Array.from(
      { length: 24 * 7 * 6 },
      (_, t) =>
        50 + daily(t) + (Math.floor(t / 24) % 7 >= 5 ? -15 : 0) + normal(),
    );
    expect(detectSeasons(y, { stepMs: HOUR })).toEqual([24, 168]);
  });

  it('keeps only the daily season when weeks look alike', () => {
    const { normal } = rng(2);
    const y = Array.from(
      { length: 24 * 7 * 6 },
      (_, t) => 50 + daily(t) + normal(),
    );
    expect(detectSeasons(y, { stepMs: HOUR })).toEqual([24]);
  });

  it('finds a period from the autocorrelation when the step names none', () => {
    const { normal } = rng(3);
    const y = Array.from(
      { length: 400 },
      (_, t) => 5 * Math.sin((2 * Math.PI * t) / 12) + 0.5 * normal(),
    );
    expect(detectSeasons(y)).toEqual([12]);
  });

  it('finds nothing in white noise', () => {
    const { normal } = rng(4);
    const y = Array.from({ length: 24 * 7 * 4 }, () => normal());
    expect(detectSeasons(y, { stepMs: HOUR })).toEqual([]);
  });
});

describe('decompose', () => {
  it('recovers a daily pattern', () => {
    const y = Array.from({ length: 24 * 14 }, (_, t) => 100 + daily(t));
    const d = decompose(y, [24]);
    for (let p = 0; p < 24; p++)
      expect(d.patterns[0][p]).toBeCloseTo(daily(p), 0);
    expect(
      Math.max(...d.deseasonalised.map(v => Math.abs(v - 100))),
    ).toBeLessThan(1);
  });
});

describe('forecast', () => {
  it('forecasts a daily sinusoid plus trend within tolerance', () => {
    const { normal } = rng(5);
    const f = (t: number) => 100 + 0.05 * t + daily(t);
    const n = 24 * 7 * 5;
    const y = Array.from({ length: n }, (_, t) => f(t) + 0.3 * normal());
    const result = forecast(y, { horizon: 48, stepMs: HOUR });
    expect(result.seasons).toEqual([24]);
    const errors = result.mean.map((v, j) => Math.abs(v - f(n + j)));
    // Within 1.5 % of the level, or 15 % of the daily amplitude.
    expect(Math.max(...errors)).toBeLessThan(1.5);
    expect(result.accuracy!.origins).toBe(10);
    expect(result.accuracy!.horizon).toBe(48);
    expect(result.accuracy!.mase).toBeLessThan(0.75);
    expect(result.models.reduce((s, m) => s + m.weight, 0)).toBeCloseTo(1, 10);
    for (let j = 0; j < 48; j++) {
      expect(result.lower[j]).toBeLessThanOrEqual(result.mean[j]);
      expect(result.upper[j]).toBeGreaterThanOrEqual(result.mean[j]);
    }
  });

  it('follows a level shift instead of averaging across it', () => {
    const { normal } = rng(6);
    const n = 24 * 7 * 5;
    const shiftAt = n - 24 * 4;
    const level = (t: number) => (t >= shiftAt ? 160 : 100);
    const y = Array.from(
      { length: n },
      (_, t) => level(t) + daily(t) + normal(),
    );
    const result = forecast(y, { horizon: 24, stepMs: HOUR });
    const meanLevel =
      result.mean.reduce((s, v, j) => s + v - daily(n + j), 0) /
      result.mean.length;
    expect(Math.abs(meanLevel - 160)).toBeLessThan(6);
  });

  it('gives an 80 % interval that covers about 80 % of simulated futures', () => {
    const { normal } = rng(7);
    let covered = 0;
    let total = 0;
    for (let sim = 0; sim < 40; sim++) {
      const n = 24 * 7 * 3;
      const y = Array.from(
        { length: n + 24 },
        (_, t) => 50 + daily(t) + 3 * normal(),
      );
      const result = forecast(y.slice(0, n), { horizon: 24, stepMs: HOUR });
      for (let j = 0; j < 24; j++) {
        total++;
        if (y[n + j] >= result.lower[j] && y[n + j] <= result.upper[j])
          covered++;
      }
    }
    expect(covered / total).toBeGreaterThan(0.7);
    expect(covered / total).toBeLessThan(0.92);
  });

  it('keeps the actuals of a series that repeats its week exactly inside the interval', () => {
    // Like the Alibaba traces: the models forecast it to the last bit or
    // so, and a zero-width interval would leave the actual in or out by
    // rounding alone.
    const { normal } = rng(3);
    const week = Array.from({ length: 168 }, () => 0.4 + 0.05 * normal());
    const y = Array.from({ length: 168 * 12 }, (_, t) => week[t % 168]);
    let outside = 0;
    for (let o = 168 * 10; o < 168 * 12 - 48; o += 24) {
      const result = forecast(y.slice(0, o), { horizon: 48, stepMs: HOUR });
      for (let j = 0; j < 48; j++) {
        expect(Math.abs(result.mean[j] - y[o + j])).toBeLessThan(1e-9);
        if (!(y[o + j] >= result.lower[j] && y[o + j] <= result.upper[j]))
          outside++;
      }
      expect(result.upper[0] - result.lower[0]).toBeLessThan(1e-8);
    }
    expect(outside).toBe(0);
  });

  it('copes with gaps (NaN) in the history', () => {
    const n = 24 * 7 * 3;
    const y = Array.from({ length: n }, (_, t) => 100 + daily(t));
    for (let t = 200; t < 230; t++) y[t] = NaN;
    y[n - 3] = NaN;
    const result = forecast(y, { horizon: 24, stepMs: HOUR });
    expect(result.notes.join(' ')).toContain('31 missing values filled');
    result.mean.forEach((v, j) =>
      expect(Math.abs(v - (100 + daily(n + j)))).toBeLessThan(1),
    );
  });

  it('falls back to non-seasonal models on a short history, and says so', () => {
    const y = [5, 6, 5, 7, 6, 8, 7, 8, 9, 8];
    const result = forecast(y, { horizon: 5, stepMs: HOUR });
    expect(result.seasons).toEqual([]);
    expect(result.notes).toContain(
      'no seasonality used: non-seasonal models only',
    );
    expect(result.models.map(m => m.model)).toEqual(['naive', 'ses', 'theta']);
    expect(result.mean).toHaveLength(5);
    result.mean.forEach(v => expect(v).toBeGreaterThan(5));

    const one = forecast([42], { horizon: 3 });
    expect(one.mean).toEqual([42, 42, 42]);
    expect(one.accuracy).toBeUndefined();
    expect(one.notes.join(' ')).toContain('too short to backtest');
    expect(() => forecast([NaN, NaN], { horizon: 3 })).toThrow(
      'no observed values',
    );
  });

  it('drops a requested season the history cannot support', () => {
    const y = Array.from({ length: 24 * 5 }, (_, t) => 100 + daily(t));
    const result = forecast(y, { horizon: 24, seasons: [24, 168] });
    expect(result.seasons).toEqual([24]);
    expect(result.notes.join(' ')).toContain('season 168 dropped');
  });

  it('handles zero-heavy series with Croston and non-negative output', () => {
    const { uniform } = rng(8);
    const y = Array.from({ length: 300 }, () =>
      uniform() < 0.2 ? 5 + 5 * uniform() : 0,
    );
    const result = forecast(y, { horizon: 12, stepMs: HOUR });
    expect(result.models.map(m => m.model)).toContain('croston-sba');
    expect(result.notes.join(' ')).toMatch(/% zeros/);
    for (const v of [...result.mean, ...result.lower, ...result.upper]) {
      expect(v).toBeGreaterThanOrEqual(0);
    }
    // About the mean rate (0.2 × 7.5 = 1.5).
    expect(result.mean[0]).toBeGreaterThan(0.3);
    expect(result.mean[0]).toBeLessThan(4);
  });

  it('never forecasts below zero for a non-negative series heading down', () => {
    const y = Array.from({ length: 24 * 7 * 3 }, (_, t) =>
      Math.max(0, 60 - 0.12 * t + daily(t)),
    );
    const result = forecast(y, { horizon: 48, stepMs: HOUR });
    for (const v of [...result.mean, ...result.lower])
      expect(v).toBeGreaterThanOrEqual(0);
  });
});

describeWithSharedData(
  'sustaindc-workload-hourly',
  'forecast on real data',
  () => {
    it('beats seasonal naive on the Google cluster CPU series', () => {
      const file = sharedDataPath(
        'sustaindc-workload-hourly',
        'GoogleClusteData_CPU_Data_Hourly_1.csv',
      );
      const values = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map(line => Number(line.split(',')[1]));
      let engine = 0;
      let naive = 0;
      for (
        let o = values.length - 24 * 7 * 4;
        o + 48 <= values.length;
        o += 24 * 7
      ) {
        const history = values.slice(0, o);
        const actual = values.slice(o, o + 48);
        const scale = maseScale(history, 24);
        const result = forecast(history, { horizon: 48, stepMs: HOUR });
        engine += mase(actual, result.mean, scale);
        naive += mase(
          actual,
          Array.from({ length: 48 }, (_, j) => history[o - 24 + (j % 24)]),
          scale,
        );
        expect(result.accuracy!.mase).toBeGreaterThan(0);
      }
      expect(engine).toBeLessThan(0.85 * naive);
    });
  },
);

describe('forecast limits (the backend forecasts user input too)', () => {
  const y = Array.from({ length: 48 }, (_, t) => 100 + daily(t));
  it('refuses a horizon past FORECAST_LIMITS.maxHorizon', () => {
    expect(() => forecast(y, { horizon: 100_000_000 })).toThrow(
      'horizon 100000000: at most 8760 steps (one year of hours)',
    );
  });
  it('refuses more seasonal periods than FORECAST_LIMITS.maxSeasons', () => {
    expect(() =>
      forecast(y, { horizon: 4, seasons: [2, 3, 5, 7, 11, 13, 17, 19, 23] }),
    ).toThrow(/at most 3 seasonal periods/);
    expect(() => forecast(y, { horizon: 4, seasons: [1e9] })).toThrow(
      'season 1000000000: at most 8760 steps (one year of hours)',
    );
  });
});
