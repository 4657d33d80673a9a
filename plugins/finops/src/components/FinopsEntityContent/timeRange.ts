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

/**
 * A time range of the FinOps tab: a preset or a custom pair of UTC days,
 * and the granularity of the cost chart.
 */
export interface TimeRange {
  preset: RangePreset;
  from: string;
  to: string;
  granularity: 'daily' | 'monthly';
}

export type RangePreset = '7d' | '30d' | '90d' | 'mtd' | '12m' | 'custom';

export const PRESETS: Array<{ id: RangePreset; label: string }> = [
  { id: '7d', label: 'Last 7 days' },
  { id: '30d', label: 'Last 30 days' },
  { id: '90d', label: 'Last 90 days' },
  { id: 'mtd', label: 'Month to date' },
  { id: '12m', label: 'Last 12 months' },
  { id: 'custom', label: 'Custom range' },
];

const DAY_MS = 86_400_000;

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The days of a preset ending today (UTC). */
export function presetRange(
  preset: Exclude<RangePreset, 'custom'>,
  now: Date = new Date(),
): { from: string; to: string } {
  const today = Date.UTC(
    now.getUTCFullYear(),
    now.getUTCMonth(),
    now.getUTCDate(),
  );
  const to = day(today);
  switch (preset) {
    case '7d':
      return { from: day(today - 6 * DAY_MS), to };
    case '30d':
      return { from: day(today - 29 * DAY_MS), to };
    case '90d':
      return { from: day(today - 89 * DAY_MS), to };
    case 'mtd':
      return { from: `${to.slice(0, 7)}-01`, to };
    case '12m':
    default:
      return {
        from: day(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1)),
        to,
      };
  }
}

/** Days in a range, both ends included. */
export function rangeDays(range: { from: string; to: string }): number {
  return (
    Math.round((Date.parse(range.to) - Date.parse(range.from)) / DAY_MS) + 1
  );
}

/**
 * The last `maxDays` of a range (the engine routes serve at most 93 days of
 * hourly facts).
 */
export function clampRange(
  range: { from: string; to: string },
  maxDays: number,
): { from: string; to: string; clamped: boolean } {
  if (rangeDays(range) <= maxDays) return { ...range, clamped: false };
  return {
    from: day(Date.parse(range.to) - (maxDays - 1) * DAY_MS),
    to: range.to,
    clamped: true,
  };
}

/** Checks a custom range; returns the problem in words, or undefined. */
export function validateRange(range: {
  from: string;
  to: string;
}): string | undefined {
  const ok = (d: string) =>
    /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(d));
  if (!ok(range.from) || !ok(range.to)) return 'Enter both days as YYYY-MM-DD.';
  if (range.from > range.to) return 'The start is after the end.';
  if (rangeDays(range) > 732) return 'At most two years at a time.';
  return undefined;
}
