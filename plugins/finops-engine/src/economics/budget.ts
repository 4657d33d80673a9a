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

import { forecast as ensembleForecast } from '../forecast';
import type { DailyCost } from '@ai-finops/backstage-plugin-finops-common';

const DAY_MS = 86_400_000;

/**
 * Default alert thresholds, as shares of the budget, for both the actual
 * spend and the forecast month end (the 50/80/100 % ladder of AWS Budgets
 * and Kubecost budget alerts).
 *
 * @public
 */
export const DEFAULT_BUDGET_THRESHOLDS: readonly number[] = [0.5, 0.8, 1];

/**
 * A forecaster: `horizon` daily values after `history`, with an interval.
 *
 * @public
 */
export type DailyForecaster = (
  history: number[],
  horizon: number,
) => {
  mean: number[];
  lower: number[];
  upper: number[];
  level: number;
  notes?: string[];
};

/**
 * Inputs of {@link budgetStatus}.
 *
 * @public
 */
export interface BudgetInput {
  /** Monthly budget, in the cost's currency. */
  budget: number;
  /** Calendar month (UTC), `YYYY-MM`. */
  month: string;
  /**
   * Daily costs up to the last complete day, any number of days before the
   * month too (they feed the forecast); missing days count as 0.
   */
  dailyCosts: readonly DailyCost[];
  /** Last complete day, `YYYY-MM-DD` (default: the last day in `dailyCosts`). */
  asOf?: string;
  /** Alert thresholds as shares of the budget (default 0.5, 0.8, 1). */
  thresholds?: readonly number[];
  /** Forecaster (default: the engine's ensemble `forecast`, daily seasons, 80 % interval). */
  forecaster?: DailyForecaster;
}

/**
 * A budget threshold, crossed or expected to be.
 *
 * @public
 */
export interface BudgetAlert {
  /** Share of the budget, e.g. 0.8. */
  threshold: number;
  /** `actual`: month-to-date spend crossed it; `forecast`: the projected month end crosses it. */
  kind: 'actual' | 'forecast';
  /** Day it was crossed (actual) or is expected to be crossed by the mean forecast. */
  date?: string;
}

/**
 * Where a budget stands.
 *
 * @public
 */
export interface BudgetStatus {
  budget: number;
  month: string;
  asOf: string;
  daysElapsed: number;
  daysInMonth: number;
  /** Month-to-date spend. */
  actual: number;
  /** actual / budget. */
  actualShare: number;
  /** Mean spend per elapsed day of the month. */
  burnRatePerDay: number;
  /** Budget left per remaining day. */
  allowedRatePerDay: number;
  /** actual + burn rate × remaining days. */
  linearProjection: number;
  /** actual + forecast of the remaining days: mean and interval. */
  forecastProjection: {
    mean: number;
    lower: number;
    upper: number;
    level: number;
  };
  /** forecastProjection.mean / budget. */
  projectedShare: number;
  /** Thresholds crossed by the actual spend, and by the projected month end. */
  alerts: BudgetAlert[];
  /** `over`: actual ≥ 100 %; `at-risk`: forecast mean ≥ 100 %; `watch`: any alert; else `ok`. */
  status: 'ok' | 'watch' | 'at-risk' | 'over';
  notes: string[];
}

function dayKey(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function parseDay(day: string, what: string): number {
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(ms)) {
    throw new RangeError(`${what}: '${day}' is not a YYYY-MM-DD date`);
  }
  return ms;
}

/**
 * The engine's ensemble forecast on daily data (weekly season when the
 * history shows one).
 *
 * @public
 */
export const ensembleDailyForecaster: DailyForecaster = (history, horizon) =>
  ensembleForecast(history, { horizon, stepMs: DAY_MS });

/**
 * The state of one budget: burn rate, linear and forecast month-end
 * projections (with the forecast's 80 % interval) and the thresholds crossed.
 * The projection interval adds the daily bounds, which is conservative (it
 * assumes the days' errors move together).
 *
 * @public
 */
export function budgetStatus(input: BudgetInput): BudgetStatus {
  if (!(input.budget > 0)) {
    throw new RangeError(`budget must be positive, got ${input.budget}`);
  }
  const m = /^(\d{4})-(\d{2})$/.exec(input.month);
  if (!m) throw new RangeError(`month: '${input.month}' is not YYYY-MM`);
  const monthStart = Date.UTC(Number(m[1]), Number(m[2]) - 1, 1);
  const nextMonth = Date.UTC(Number(m[1]), Number(m[2]), 1);
  const daysInMonth = Math.round((nextMonth - monthStart) / DAY_MS);

  const byDay = new Map<number, number>();
  for (const d of input.dailyCosts) {
    const ms = parseDay(d.date, 'dailyCosts');
    if (!Number.isFinite(d.cost)) {
      throw new RangeError(`dailyCosts ${d.date}: cost is not a number`);
    }
    byDay.set(ms, (byDay.get(ms) ?? 0) + d.cost);
  }
  const lastDay = input.asOf
    ? parseDay(input.asOf, 'asOf')
    : Math.max(...byDay.keys(), monthStart - DAY_MS);
  if (lastDay >= nextMonth) {
    throw new RangeError(`asOf ${dayKey(lastDay)} is after ${input.month}`);
  }
  const notes: string[] = [];
  const elapsedEnd = Math.min(lastDay + DAY_MS, nextMonth);
  const daysElapsed = Math.max(
    0,
    Math.round((elapsedEnd - monthStart) / DAY_MS),
  );
  const remaining = daysInMonth - daysElapsed;

  let actual = 0;
  const thresholds = [...(input.thresholds ?? DEFAULT_BUDGET_THRESHOLDS)].sort(
    (a, b) => a - b,
  );
  const alerts: BudgetAlert[] = [];
  const pending = new Set(thresholds);
  for (let t = monthStart; t < elapsedEnd; t += DAY_MS) {
    actual += byDay.get(t) ?? 0;
    for (const th of [...pending]) {
      if (actual >= th * input.budget) {
        alerts.push({ threshold: th, kind: 'actual', date: dayKey(t) });
        pending.delete(th);
      }
    }
  }

  // History for the forecast: every day from the first known day to asOf.
  const first = Math.min(...byDay.keys(), monthStart);
  const history: number[] = [];
  for (let t = first; t <= lastDay; t += DAY_MS)
    history.push(byDay.get(t) ?? 0);

  let projection = { mean: actual, lower: actual, upper: actual, level: 0.8 };
  const burn = daysElapsed ? actual / daysElapsed : 0;
  if (remaining > 0) {
    if (history.length >= 2 && history.some(v => v !== 0)) {
      const f = (input.forecaster ?? ensembleDailyForecaster)(
        history,
        remaining,
      );
      projection = {
        mean: actual + sum(f.mean),
        lower: actual + sum(f.lower),
        upper: actual + sum(f.upper),
        level: f.level,
      };
      if (f.notes?.length) notes.push(...f.notes.map(n => `forecast: ${n}`));
      // When does the mean path cross the remaining thresholds?
      let cumulative = actual;
      f.mean.forEach((v, j) => {
        cumulative += v;
        for (const th of [...pending]) {
          if (cumulative >= th * input.budget) {
            alerts.push({
              threshold: th,
              kind: 'forecast',
              date: dayKey(elapsedEnd + j * DAY_MS),
            });
            pending.delete(th);
          }
        }
      });
    } else {
      notes.push('under two days of history: the forecast is the burn rate');
      const linear = actual + burn * remaining;
      projection = { mean: linear, lower: linear, upper: linear, level: 0 };
      for (const th of [...pending]) {
        if (linear >= th * input.budget && burn > 0) {
          const day = Math.ceil((th * input.budget - actual) / burn);
          alerts.push({
            threshold: th,
            kind: 'forecast',
            date: dayKey(elapsedEnd + (day - 1) * DAY_MS),
          });
        }
      }
    }
  }
  let status: BudgetStatus['status'] = 'ok';
  if (actual >= input.budget) status = 'over';
  else if (projection.mean >= input.budget) status = 'at-risk';
  else if (alerts.length) status = 'watch';
  return {
    budget: input.budget,
    month: input.month,
    asOf: dayKey(lastDay),
    daysElapsed,
    daysInMonth,
    actual,
    actualShare: actual / input.budget,
    burnRatePerDay: burn,
    allowedRatePerDay:
      remaining > 0 ? Math.max(0, input.budget - actual) / remaining : 0,
    linearProjection: actual + burn * remaining,
    forecastProjection: projection,
    projectedShare: projection.mean / input.budget,
    alerts,
    status,
    notes,
  };
}

/**
 * A group's budget over its members' costs (summed by day), with each
 * member's own status where it has a budget.
 *
 * @public
 */
export function groupBudgetStatus(input: {
  budget: number;
  month: string;
  members: ReadonlyArray<{
    id: string;
    dailyCosts: readonly DailyCost[];
    budget?: number;
  }>;
  asOf?: string;
  thresholds?: readonly number[];
  forecaster?: DailyForecaster;
}): BudgetStatus & {
  members: Array<{
    id: string;
    actual: number;
    share: number;
    status?: BudgetStatus;
  }>;
} {
  const total = new Map<string, number>();
  for (const member of input.members) {
    for (const d of member.dailyCosts) {
      total.set(d.date, (total.get(d.date) ?? 0) + d.cost);
    }
  }
  const group = budgetStatus({
    budget: input.budget,
    month: input.month,
    dailyCosts: [...total.entries()].map(([date, cost]) => ({ date, cost })),
    asOf: input.asOf,
    thresholds: input.thresholds,
    forecaster: input.forecaster,
  });
  const members = input.members.map(member => {
    const actual = member.dailyCosts
      .filter(d => d.date.startsWith(input.month) && d.date <= group.asOf)
      .reduce((a, d) => a + d.cost, 0);
    return {
      id: member.id,
      actual,
      share: group.actual ? actual / group.actual : 0,
      ...(member.budget
        ? {
            status: budgetStatus({
              budget: member.budget,
              month: input.month,
              dailyCosts: member.dailyCosts,
              asOf: group.asOf,
              thresholds: input.thresholds,
              forecaster: input.forecaster,
            }),
          }
        : {}),
    };
  });
  return { ...group, members: members.sort((a, b) => b.actual - a.actual) };
}

function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}
