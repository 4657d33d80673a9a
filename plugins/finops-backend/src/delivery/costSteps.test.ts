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

import { findCostSteps, type DeliveryDay } from './costSteps';

const DAY_MS = 86_400_000;

/**
 * Days from 2026-11-01 (a Sunday): weekdays cost 2,000, weekends 1,600
 * (the weekly cycle of inference demand), 4 billion tokens a weekday and
 * 3.2 billion a weekend day, times `factor(date)`.
 */
function days(
  count: number,
  cost: (date: string) => number = () => 1,
  tokens: (date: string) => number = () => 1,
): DeliveryDay[] {
  return Array.from({ length: count }, (_, i) => {
    const t = Date.UTC(2026, 10, 1) + i * DAY_MS;
    const date = new Date(t).toISOString().slice(0, 10);
    const weekend = [0, 6].includes(new Date(t).getUTCDay());
    return {
      date,
      cost: (weekend ? 1600 : 2000) * cost(date),
      tokens: (weekend ? 3.2e9 : 4e9) * tokens(date),
    };
  });
}

const now = new Date('2026-12-07T09:00:00Z');

describe('findCostSteps', () => {
  it('finds the cost per 1M tokens step of the revision deployed then', () => {
    // From 2026-11-18 on, the same traffic costs 18 % more.
    const steps = findCostSteps({
      days: days(36, d => (d >= '2026-11-18' ? 1.18 : 1)),
      deployments: [
        { revision: 'old111', deployedAt: '2026-11-05T10:00:00Z' },
        { revision: 'abc123', deployedAt: '2026-11-17T15:31:40Z' },
      ],
      thresholdPercent: 10,
      now,
    });
    expect(steps).toHaveLength(2);
    const byMetric = Object.fromEntries(steps.map(s => [s.metric, s]));
    expect(byMetric.costPerMillionTokens).toMatchObject({
      revision: 'abc123',
      deployedAt: '2026-11-17T15:31:40Z',
      before: 0.5,
      after: 0.59,
    });
    expect(byMetric.costPerMillionTokens.changePercent).toBeCloseTo(18, 6);
    expect(byMetric.dailyCost.changePercent).toBeCloseTo(18, 6);
  });

  it('does not mistake the weekly cycle for a step', () => {
    // Deployed on a Thursday: the days after hold a weekend, and so do the
    // days a week earlier they are compared with.
    const steps = findCostSteps({
      days: days(36),
      deployments: [{ revision: 'thu', deployedAt: '2026-11-12T18:00:00Z' }],
      thresholdPercent: 5,
      now,
    });
    expect(steps).toEqual([]);
  });

  it('reports changes either way at the threshold, and nothing below it', () => {
    const input = (factor: number) => ({
      days: days(36, d => (d >= '2026-11-18' ? factor : 1)),
      deployments: [{ revision: 'r', deployedAt: '2026-11-17T12:00:00Z' }],
      now,
    });
    const cheaper = findCostSteps({ ...input(0.85), thresholdPercent: 10 });
    expect(cheaper.map(s => Math.round(s.changePercent))).toEqual([-15, -15]);
    expect(findCostSteps({ ...input(1.09), thresholdPercent: 10 })).toEqual([]);
  });

  it('cuts the windows at the neighbouring deployments', () => {
    // abc deployed on the 17th, def on the 19th: abc's step can only use
    // the 18th (the 19th is def's day), compared with the 11th.
    const steps = findCostSteps({
      days: days(36, d => {
        if (d === '2026-11-18') return 1.5;
        if (d >= '2026-11-19') return 3;
        return 1;
      }),
      deployments: [
        { revision: 'abc', deployedAt: '2026-11-17T12:00:00Z' },
        { revision: 'def', deployedAt: '2026-11-19T12:00:00Z' },
      ],
      thresholdPercent: 10,
      now,
    });
    const abc = steps.find(
      s => s.revision === 'abc' && s.metric === 'dailyCost',
    );
    expect(abc?.changePercent).toBeCloseTo(50, 6);
    // def's before days stop after abc's day: only the 18th (1.5) against
    // the 25th (3).
    const def = steps.find(
      s => s.revision === 'def' && s.metric === 'dailyCost',
    );
    expect(def?.changePercent).toBeCloseTo(100, 6);
    // Newest first.
    expect(steps[0].revision).toBe('def');
  });

  it('makes one step of several deployments on one day: the last one', () => {
    const steps = findCostSteps({
      days: days(36, d => (d >= '2026-11-18' ? 1.3 : 1)),
      deployments: [
        { revision: 'morning', deployedAt: '2026-11-17T08:00:00Z' },
        { revision: 'evening', deployedAt: '2026-11-17T20:00:00Z' },
      ],
      thresholdPercent: 10,
      now,
    });
    expect(new Set(steps.map(s => s.revision))).toEqual(new Set(['evening']));
  });

  it('needs a full day after the deployment and data on both sides', () => {
    const base = {
      thresholdPercent: 10,
      now: new Date('2026-11-18T09:00:00Z'),
    };
    // Deployed yesterday: today is not a full day yet.
    expect(
      findCostSteps({
        ...base,
        days: days(36, d => (d >= '2026-11-18' ? 2 : 1)),
        deployments: [{ revision: 'r', deployedAt: '2026-11-17T10:00:00Z' }],
      }),
    ).toEqual([]);
    // No data before the deployment.
    expect(
      findCostSteps({
        ...base,
        now,
        days: days(36).filter(d => d.date >= '2026-11-17'),
        deployments: [{ revision: 'r', deployedAt: '2026-11-17T10:00:00Z' }],
      }),
    ).toEqual([]);
  });

  it('reports only the daily cost when tokens are not recorded', () => {
    const steps = findCostSteps({
      days: days(
        36,
        d => (d >= '2026-11-18' ? 1.4 : 1),
        () => 0,
      ),
      deployments: [{ revision: 'r', deployedAt: '2026-11-17T10:00:00Z' }],
      thresholdPercent: 10,
      now,
    });
    expect(steps.map(s => s.metric)).toEqual(['dailyCost']);
  });
});
