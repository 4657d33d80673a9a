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
import { classifyCostAnomaly, detectCostAnomalies } from './cost';
import { scoreSeries, surpriseToScore } from './detector';
import { generalizedEsd, seasonalHybridEsd, studentTQuantile } from './esd';
import {
  attributeDelta,
  attributeSeriesDelta,
  splitPriceUsage,
} from './explain';

const HOUR = 3_600_000;
const MIN5 = 300_000;

const normals = (seed: number) => seededNoise(seed).normal;

const daily = (t: number) => 10 * Math.sin((2 * Math.PI * t) / 24);

describe('OnlineAnomalyDetector', () => {
  const normal = normals(11);
  const n = 24 * 30;
  const timestamps = Array.from({ length: n }, (_, t) => t * HOUR);
  const values = Array.from({ length: n }, (_, t) => 100 + daily(t) + normal());

  it('is causal: appending future points never changes past scores', () => {
    const prefix = scoreSeries(timestamps.slice(0, 400), values.slice(0, 400));
    const whole = scoreSeries(timestamps, values);
    expect(whole.slice(0, 400)).toEqual(prefix);
    // And what comes after cannot reach back: a huge future spike leaves the past alone.
    const spiked = [...values];
    spiked[500] = 1e6;
    expect(scoreSeries(timestamps, spiked).slice(0, 500)).toEqual(
      whole.slice(0, 500),
    );
  });

  it('scores a planted spike far above normal points', () => {
    const spiked = [...values];
    spiked[600] += 15;
    const points = scoreSeries(timestamps, spiked);
    expect(points[600].score).toBeGreaterThan(0.8);
    expect(points[600].expected).toBeCloseTo(100 + daily(600), -1);
    const normalScores = points.slice(300, 600).map(p => p.score);
    const alerts = normalScores.filter(s => s >= 0.55).length;
    expect(alerts).toBeLessThanOrEqual(3);
  });

  it('uses the seasonal baseline when it predicts better', () => {
    const points = scoreSeries(timestamps, values);
    const seasonal = points
      .slice(200)
      .filter(p => p.baseline === 'seasonal').length;
    expect(seasonal / (n - 200)).toBeGreaterThan(0.9);
  });

  it('flags the first wiggle of a flat line, and scores stay in [0, 1]', () => {
    const flat = Array.from({ length: 300 }, (_, t) => (t === 250 ? 12 : 10));
    const points = scoreSeries(
      flat.map((_, t) => t * MIN5),
      flat,
    );
    expect(points[250].score).toBeGreaterThan(0.9);
    expect(points.slice(20, 250).every(p => p.score === 0)).toBe(true);
    expect(surpriseToScore(Infinity)).toBe(1);
    expect(surpriseToScore(1)).toBe(0.5);
    expect(surpriseToScore(NaN)).toBe(0);
  });

  it('judges daily data against the same weekday of earlier weeks', () => {
    const day = 86_400_000;
    // Daily spend: Mondays are always three times the rest of the week.
    const spend = Array.from(
      { length: 7 * 12 },
      (_, d) => (d % 7 === 0 ? 300 : 100) + ((d * 37) % 11),
    );
    spend[7 * 11 + 3] = 300; // a Thursday like a Monday: the anomaly
    const points = scoreSeries(
      spend.map((_, d) => d * day),
      spend,
    );
    const mondays = points.filter((_, d) => d >= 7 * 5 && d % 7 === 0);
    // No alert on a Monday (alerts start at 0.55).
    expect(Math.max(...mondays.map(p => p.score))).toBeLessThan(0.55);
    expect(points[7 * 11 + 3].score).toBeGreaterThan(0.9);
    expect(points[7 * 11].baseline).toBe('seasonal');
  });

  it('alerts once per episode (cooldown) and skips missing values', () => {
    const v = [...values];
    for (let t = 600; t < 606; t++) v[t] += 40;
    v[610] = NaN;
    const points = scoreSeries(timestamps, v);
    const alerts = points.slice(600, 660).filter(p => p.score >= 0.55);
    expect(alerts).toHaveLength(1);
    expect(points[610].score).toBe(0);
  });
});

describe('generalised ESD', () => {
  it('matches Student t quantiles', () => {
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228139, 5);
    expect(studentTQuantile(0.95, 1)).toBeCloseTo(6.313752, 5);
    expect(studentTQuantile(0.995, 30)).toBeCloseTo(2.749996, 5);
    expect(studentTQuantile(0.025, 10)).toBeCloseTo(-2.228139, 5);
  });

  it('finds exactly the planted outliers, with mean/sd and with median/MAD', () => {
    const normal = normals(12);
    const x = Array.from({ length: 500 }, () => 50 + 2 * normal());
    x[17] = 70;
    x[250] = 30;
    x[480] = 75;
    for (const robust of [false, true]) {
      const found = generalizedEsd(x, { robust }).map(o => o.index);
      expect(found.sort((a, b) => a - b)).toEqual([17, 250, 480]);
    }
    expect(
      generalizedEsd(x, { direction: 'pos' })
        .map(o => o.index)
        .sort(),
    ).toEqual([17, 480]);
  });

  it('finds none in clean normal data', () => {
    const normal = normals(13);
    expect(generalizedEsd(Array.from({ length: 300 }, () => normal()))).toEqual(
      [],
    );
  });

  it('finds a seasonal outlier that is not extreme overall (S-H-ESD)', () => {
    const normal = normals(14);
    const x = Array.from(
      { length: 24 * 14 },
      (_, t) => 100 + 3 * daily(t) + 0.5 * normal(),
    );
    // At a daily trough (t % 24 = 18, 100 − 30), up to the daily mean: within the range of the series.
    x[24 * 10 + 18] = 100;
    expect(generalizedEsd(x).map(o => o.index)).not.toContain(24 * 10 + 18);
    const found = seasonalHybridEsd(x, 24);
    // The planted point is the most extreme residual; at most one noise point passes besides it.
    expect(found[0]).toMatchObject({ index: 24 * 10 + 18, value: 100 });
    expect(found.length).toBeLessThanOrEqual(2);
  });
});

describe('cost anomalies', () => {
  it('applies the band, the dollar floor and the severity grades', () => {
    const base = { timestamp: 0, expected: 100, upper: 110 };
    expect(classifyCostAnomaly({ ...base, actual: 109 })).toBeUndefined();
    expect(classifyCostAnomaly({ ...base, actual: 115 })?.severity).toBe(
      'minor',
    );
    expect(classifyCostAnomaly({ ...base, actual: 120 })?.severity).toBe(
      'major',
    );
    expect(classifyCostAnomaly({ ...base, actual: 150 })).toMatchObject({
      severity: 'critical',
      impact: 50,
      percentOver: 50,
    });
    // Over the band but under the dollar floor.
    expect(
      classifyCostAnomaly({
        timestamp: 0,
        actual: 0.5,
        expected: 0.2,
        upper: 0.3,
      }),
    ).toBeUndefined();
    expect(
      classifyCostAnomaly({ ...base, actual: 115 }, { dollarFloor: 20 }),
    ).toBeUndefined();
    expect(
      classifyCostAnomaly({ timestamp: 0, actual: 5, expected: 0, upper: 1 })
        ?.percentOver,
    ).toBe(Infinity);
  });

  it('finds a cost spike causally from rolling forecasts', () => {
    const normal = normals(15);
    const n = 24 * 21;
    const timestamps = Array.from({ length: n }, (_, t) => t * HOUR);
    const costs = Array.from({ length: n }, (_, t) => 50 + daily(t) + normal());
    for (let t = 24 * 18 + 5; t < 24 * 18 + 9; t++) costs[t] *= 1.8;
    // Noise is about $1 an hour: a $5 floor keeps the 80 % band's ordinary misses quiet.
    const anomalies = detectCostAnomalies(timestamps, costs, {
      warmUp: 24 * 14,
      dollarFloor: 5,
    });
    const spike = anomalies.filter(
      a =>
        a.timestamp >= (24 * 18 + 5) * HOUR &&
        a.timestamp < (24 * 18 + 9) * HOUR,
    );
    expect(spike).toHaveLength(4);
    expect(spike.every(a => a.severity === 'critical')).toBe(true);
    expect(anomalies.length - spike.length).toBeLessThanOrEqual(2);
  });
});

describe('explanations', () => {
  it('attributes a delta to the dimensions that moved', () => {
    const result = attributeDelta([
      { key: 'gpu', expected: 100, actual: 180 },
      { key: 'storage', expected: 20, actual: 25 },
      { key: 'network', expected: 30, actual: 25 },
    ]);
    expect(result.map(r => r.key)).toEqual(['gpu', 'network', 'storage']);
    expect(result[0]).toMatchObject({ delta: 80, share: 1 });
    expect(result.reduce((s, r) => s + r.share, 0)).toBeCloseTo(1, 10);
  });

  it('attributes an anomalous step across per-dimension series', () => {
    const series = {
      'eu-west-1': Array.from({ length: 72 }, (_, t) => 10 + (t % 24)),
      'us-east-1': Array.from({ length: 72 }, (_, t) => (t === 60 ? 50 : 5)),
    };
    const [top] = attributeSeriesDelta(series, 60, { season: 24, cycles: 2 });
    expect(top).toMatchObject({
      key: 'us-east-1',
      expected: 5,
      actual: 50,
      delta: 45,
    });
  });

  it('tells a price change from a usage change', () => {
    const price = splitPriceUsage(
      { cost: 100, quantity: 50 },
      { cost: 130, quantity: 50 },
    );
    expect(price.priceEffect).toBeCloseTo(30, 10);
    expect(price).toMatchObject({ usageEffect: 0, driver: 'price' });
    const usage = splitPriceUsage(
      { cost: 100, quantity: 50 },
      { cost: 200, quantity: 100 },
    );
    expect(usage).toMatchObject({
      priceEffect: 0,
      usageEffect: 100,
      driver: 'usage',
    });
    const both = splitPriceUsage(
      { cost: 100, quantity: 50 },
      { cost: 180, quantity: 60 },
    );
    expect(both.priceEffect + both.usageEffect).toBeCloseTo(both.delta, 10);
    expect(both.driver).toBe('both');
  });
});

describeWithSharedData('nab', 'detector on NAB artificial anomalies', () => {
  const read = (file: string) => {
    const rows = readFileSync(sharedDataPath('nab', 'data', file), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map(line => line.split(','));
    return {
      timestamps: rows.map(r => Date.parse(`${r[0].replace(' ', 'T')}Z`)),
      values: rows.map(r => Number(r[1])),
    };
  };
  const windows = JSON.parse(
    readFileSync(
      sharedDataPath('nab', 'labels', 'combined_windows.json'),
      'utf8',
    ),
  ) as Record<string, [string, string][]>;

  it.each([
    'artificialWithAnomaly/art_daily_jumpsup.csv',
    'artificialWithAnomaly/art_daily_jumpsdown.csv',
    'artificialWithAnomaly/art_daily_flatmiddle.csv',
  ])('alerts inside the labelled window of %s, and rarely outside it', file => {
    const { timestamps, values } = read(file);
    const points = scoreSeries(timestamps, values);
    const probation = Math.min(Math.floor(0.15 * values.length), 750);
    const [[start, end]] = windows[file].map(w =>
      w.map(s => Date.parse(`${s.replace(' ', 'T')}Z`)),
    );
    const scored = points.filter((_, i) => i >= probation);
    const inside = scored.filter(
      p => p.timestamp >= start && p.timestamp <= end,
    );
    const outside = scored.filter(
      p => p.timestamp < start || p.timestamp > end,
    );
    expect(Math.max(...inside.map(p => p.score))).toBeGreaterThan(0.75);
    // Alerts (score >= 0.55) on about 3,400 normal points of a noisy daily cycle:
    // a handful (0.2 %), as NAB counts them for this detector.
    expect(outside.filter(p => p.score >= 0.55).length).toBeLessThanOrEqual(8);
  });
});
