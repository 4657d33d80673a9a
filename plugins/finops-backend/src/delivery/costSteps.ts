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

import type { FinopsCostStep } from '@ai-finops/backstage-plugin-finops-common';

/** One UTC day of the entity's facts. */
export interface DeliveryDay {
  /** `YYYY-MM-DD`. */
  date: string;
  /** Effective cost of the day. */
  cost: number;
  /** Input plus output tokens of the day; 0 when none were recorded. */
  tokens: number;
}

/** A revision and when it was deployed. */
export interface DeployedRevision {
  revision: string;
  deployedAt: string;
}

/** Days compared on each side of a deployment. */
export const WINDOW_DAYS = 6;

const DAY_MS = 86_400_000;

const dayIndex = (iso: string) => Math.floor(Date.parse(iso) / DAY_MS);

/**
 * The days before and after a deployment, paired day by day.
 *
 * How the windows are chosen: the deployment's own UTC day is left out (it
 * mixes both revisions). The after window is the up to {@link WINDOW_DAYS}
 * full days that follow it; each after day is compared with the day exactly
 * one week earlier, so the before window is the {@link WINDOW_DAYS} days that
 * precede the deployment day, weekday for weekday. Inference demand follows
 * the week (weekends are quieter), and comparing the same weekdays keeps
 * that cycle out of the step without a fitted model. A pair is dropped when
 * either day has no data, when its after day is the day of the next
 * deployment or later, is today (not a full day yet), or when its before day
 * is the day of the previous deployment or earlier (another revision ran
 * then). At least one pair is needed.
 */
function pairedDays(
  deployedDay: number,
  previousDay: number,
  nextDay: number,
  today: number,
  byDay: Map<number, DeliveryDay>,
) {
  const pairs: Array<[DeliveryDay, DeliveryDay]> = [];
  for (let k = 1; k <= WINDOW_DAYS; k++) {
    const after = deployedDay + k;
    const before = after - 7;
    if (after >= nextDay || after >= today || before <= previousDay) continue;
    const a = byDay.get(after);
    const b = byDay.get(before);
    if (a && b && a.cost > 0 && b.cost > 0) pairs.push([b, a]);
  }
  return pairs;
}

/**
 * The cost steps that deployments caused: for each deployment, the mean
 * daily cost and the cost per 1M tokens (cost over tokens of the paired
 * days) before and after it, reported when the change is at least
 * `thresholdPercent` either way. Newest deployment first.
 */
export function findCostSteps(options: {
  days: DeliveryDay[];
  deployments: DeployedRevision[];
  thresholdPercent: number;
  now: Date;
}): FinopsCostStep[] {
  const byDay = new Map(options.days.map(d => [dayIndex(d.date), d]));
  const today = dayIndex(options.now.toISOString());
  // One entry per deployment time (the same revision may show in several
  // objects' histories), oldest first.
  const unique = new Map<string, DeployedRevision>();
  for (const d of options.deployments) {
    if (Number.isFinite(Date.parse(d.deployedAt))) {
      unique.set(`${d.deployedAt}\n${d.revision}`, d);
    }
  }
  const deployments = [...unique.values()].sort(
    (a, b) => Date.parse(a.deployedAt) - Date.parse(b.deployedAt),
  );
  const steps: FinopsCostStep[] = [];
  deployments.forEach((deployment, i) => {
    const day = dayIndex(deployment.deployedAt);
    const later = deployments.slice(i + 1).map(d => dayIndex(d.deployedAt));
    // Several deployments on one day are one step, the last one's.
    if (later.includes(day)) return;
    const previous = deployments
      .slice(0, i)
      .map(d => dayIndex(d.deployedAt))
      .filter(d => d < day)
      .pop();
    const next = later.find(d => d > day);
    const pairs = pairedDays(
      day,
      previous ?? -Infinity,
      next ?? Infinity,
      today,
      byDay,
    );
    if (pairs.length === 0) return;
    const sum = (side: 0 | 1, f: (d: DeliveryDay) => number) =>
      pairs.reduce((s, p) => s + f(p[side]), 0);
    const candidates: Array<[FinopsCostStep['metric'], number, number]> = [
      [
        'dailyCost',
        sum(0, d => d.cost) / pairs.length,
        sum(1, d => d.cost) / pairs.length,
      ],
    ];
    // Only when every paired day has tokens (so neither sum is 0).
    if (pairs.every(([b, a]) => b.tokens > 0 && a.tokens > 0)) {
      candidates.push([
        'costPerMillionTokens',
        (sum(0, d => d.cost) / sum(0, d => d.tokens)) * 1e6,
        (sum(1, d => d.cost) / sum(1, d => d.tokens)) * 1e6,
      ]);
    }
    for (const [metric, before, after] of candidates) {
      if (!(before > 0)) continue;
      const changePercent = ((after - before) / before) * 100;
      if (Math.abs(changePercent) >= options.thresholdPercent) {
        steps.push({
          revision: deployment.revision,
          deployedAt: deployment.deployedAt,
          metric,
          before,
          after,
          changePercent,
        });
      }
    }
  });
  return steps.sort(
    (a, b) =>
      Date.parse(b.deployedAt) - Date.parse(a.deployedAt) ||
      (a.metric < b.metric ? 1 : -1),
  );
}
