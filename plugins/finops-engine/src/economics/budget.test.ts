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

import {
  budgetStatus,
  groupBudgetStatus,
  type DailyForecaster,
} from './budget';
import { DEFAULT_OUTPUT_TOKEN_WEIGHT, unitEconomics } from './unitEconomics';

describe('unitEconomics', () => {
  it('splits cost by GPU time per token and prices requests', () => {
    const u = unitEconomics({
      cost: 100,
      inputTokens: 4e6,
      outputTokens: 1e6,
      requests: 2000,
      split: { outputTokenWeight: 4 },
    });
    // Weighted tokens: 4 M + 4 × 1 M: half the cost each.
    expect(u.inputCostShare).toBeCloseTo(0.5, 12);
    expect(u.costPerMillionTokens).toBeCloseTo(20, 12);
    expect(u.costPerMillionInputTokens).toBeCloseTo(12.5, 12);
    expect(u.costPerMillionOutputTokens).toBeCloseTo(50, 12);
    expect(u.costPerRequest).toBeCloseTo(0.05, 12);
  });

  it('takes the weight from measured phase seconds or serving rates', () => {
    // 10 s of prefill for 1 M input tokens, 40 s of decode for 0.5 M output: w = 8.
    const measured = unitEconomics({
      cost: 10,
      inputTokens: 1e6,
      outputTokens: 5e5,
      requests: 1,
      split: { prefillSeconds: 10, decodeSeconds: 40 },
    });
    expect(measured.outputTokenWeight).toBeCloseTo(8, 12);
    expect(measured.inputCostShare).toBeCloseTo(1 / 5, 12);
    const rates = unitEconomics({
      cost: 10,
      inputTokens: 1,
      outputTokens: 1,
      requests: 1,
      split: { prefillTokensPerSecond: 12000, decodeTokensPerSecond: 2000 },
    });
    expect(rates.outputTokenWeight).toBe(6);
    expect(
      unitEconomics({ cost: 1, inputTokens: 1, outputTokens: 1, requests: 1 })
        .outputTokenWeight,
    ).toBe(DEFAULT_OUTPUT_TOKEN_WEIGHT);
  });

  it('reports utilisation and the cost at full utilisation', () => {
    const u = unitEconomics({
      cost: 36,
      inputTokens: 0,
      outputTokens: 3.6e6,
      requests: 100,
      capacityTokenEquivalents: 1000 * 3600 * 4,
    });
    expect(u.utilization).toBeCloseTo(0.25, 12);
    expect(u.costPerMillionTokens).toBeCloseTo(10, 12);
    expect(u.costPerMillionTokensAtFullUtilization).toBeCloseTo(2.5, 12);
    expect(u.costPerMillionInputTokens).toBeUndefined();
    expect(() =>
      unitEconomics({ cost: -1, inputTokens: 0, outputTokens: 0, requests: 0 }),
    ).toThrow(/cost/);
  });
});

/** A forecaster that repeats the mean of the last 7 days, ± 10 %. */
const flat: DailyForecaster = (history, horizon) => {
  const last = history.slice(-7);
  const m = last.reduce((a, b) => a + b, 0) / last.length;
  return {
    mean: Array(horizon).fill(m),
    lower: Array(horizon).fill(m * 0.9),
    upper: Array(horizon).fill(m * 1.1),
    level: 0.8,
  };
};

const days = (
  month: string,
  from: number,
  to: number,
  cost: (d: number) => number,
) =>
  Array.from({ length: to - from + 1 }, (_, i) => ({
    date: `${month}-${String(from + i).padStart(2, '0')}`,
    cost: cost(from + i),
  }));

describe('budgetStatus', () => {
  it('burns, projects and alerts on actual and forecast thresholds', () => {
    const s = budgetStatus({
      budget: 3000,
      month: '2026-04',
      dailyCosts: days('2026-04', 1, 10, () => 100),
      forecaster: flat,
    });
    expect(s.daysInMonth).toBe(30);
    expect(s.daysElapsed).toBe(10);
    expect(s.actual).toBe(1000);
    expect(s.burnRatePerDay).toBe(100);
    expect(s.linearProjection).toBe(3000);
    expect(s.forecastProjection.mean).toBeCloseTo(3000, 9);
    expect(s.forecastProjection.lower).toBeCloseTo(2800, 9);
    expect(s.forecastProjection.upper).toBeCloseTo(3200, 9);
    expect(s.forecastProjection.level).toBe(0.8);
    expect(s.allowedRatePerDay).toBe(100);
    expect(s.alerts).toEqual([
      { threshold: 0.5, kind: 'forecast', date: '2026-04-15' },
      { threshold: 0.8, kind: 'forecast', date: '2026-04-24' },
      { threshold: 1, kind: 'forecast', date: '2026-04-30' },
    ]);
    expect(s.status).toBe('at-risk');
  });

  it('dates the actual crossings and says over when spent', () => {
    const s = budgetStatus({
      budget: 1000,
      month: '2026-02',
      dailyCosts: days('2026-02', 1, 20, d => (d <= 10 ? 40 : 80)),
      asOf: '2026-02-20',
      forecaster: flat,
    });
    expect(s.actual).toBe(1200);
    expect(s.alerts.filter(a => a.kind === 'actual')).toEqual([
      { threshold: 0.5, kind: 'actual', date: '2026-02-12' },
      { threshold: 0.8, kind: 'actual', date: '2026-02-15' },
      { threshold: 1, kind: 'actual', date: '2026-02-18' },
    ]);
    expect(s.status).toBe('over');
    expect(s.daysInMonth).toBe(28);
    expect(s.allowedRatePerDay).toBe(0);
  });

  it('uses the engine forecast by default and sees the weekly pattern', () => {
    // Weekdays 100, weekends 20, from 1 March: eight weeks of history.
    const history = Array.from({ length: 61 }, (_, i) => {
      const ms = Date.UTC(2026, 2, 1) + i * 86_400_000;
      const day = new Date(ms).getUTCDay();
      return {
        date: new Date(ms).toISOString().slice(0, 10),
        cost: day === 0 || day === 6 ? 20 : 100,
      };
    });
    const s = budgetStatus({
      budget: 5000,
      month: '2026-04',
      dailyCosts: history,
    });
    expect(s.asOf).toBe('2026-04-30');
    expect(s.daysElapsed).toBe(30);
    expect(s.actual).toBe(22 * 100 + 8 * 20);
    const may = budgetStatus({
      budget: 4000,
      month: '2026-05',
      dailyCosts: history,
      asOf: '2026-04-30',
    });
    // May 2026: 21 weekdays, 10 weekend days = 2,300.
    expect(may.daysElapsed).toBe(0);
    expect(may.forecastProjection.mean).toBeGreaterThan(2150);
    expect(may.forecastProjection.mean).toBeLessThan(2450);
    expect(may.forecastProjection.lower).toBeLessThanOrEqual(
      may.forecastProjection.mean,
    );
    expect(may.forecastProjection.upper).toBeGreaterThanOrEqual(
      may.forecastProjection.mean,
    );
    // 2,300 of 4,000 crosses 50 % but not 80 %.
    expect(may.alerts.map(a => [a.kind, a.threshold])).toEqual([
      ['forecast', 0.5],
    ]);
    expect(may.status).toBe('watch');
  });

  it('rejects bad input with the field named', () => {
    expect(() =>
      budgetStatus({ budget: 0, month: '2026-04', dailyCosts: [] }),
    ).toThrow(/budget/);
    expect(() =>
      budgetStatus({ budget: 1, month: '2026-4', dailyCosts: [] }),
    ).toThrow(/YYYY-MM/);
    expect(() =>
      budgetStatus({
        budget: 1,
        month: '2026-04',
        dailyCosts: [{ date: '04/01/2026', cost: 1 }],
      }),
    ).toThrow(/dailyCosts: '04\/01\/2026'/);
  });

  it('rolls members up into a group budget', () => {
    const g = groupBudgetStatus({
      budget: 6000,
      month: '2026-04',
      members: [
        {
          id: 'a',
          dailyCosts: days('2026-04', 1, 10, () => 150),
          budget: 3000,
        },
        { id: 'b', dailyCosts: days('2026-04', 1, 10, () => 50) },
      ],
      forecaster: flat,
    });
    expect(g.actual).toBe(2000);
    expect(g.forecastProjection.mean).toBe(6000);
    expect(g.members.map(m => [m.id, m.actual, m.share])).toEqual([
      ['a', 1500, 0.75],
      ['b', 500, 0.25],
    ]);
    expect(g.members[0].status?.forecastProjection.mean).toBe(4500);
    expect(g.members[0].status?.status).toBe('at-risk');
    expect(g.members[1].status).toBeUndefined();
  });
});
