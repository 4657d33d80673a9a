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

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** One hour in milliseconds. @internal */
export const ONE_HOUR_MS = HOUR_MS;

/** One day in milliseconds. @internal */
export const ONE_DAY_MS = DAY_MS;

/**
 * Turns a timestamp as a database driver returns it into a `Date`.
 *
 * Postgres returns `Date` objects; SQLite returns what was stored, which is
 * epoch milliseconds for bound `Date`s and `YYYY-MM-DD HH:MM:SS` (UTC) for
 * `CURRENT_TIMESTAMP` defaults.
 *
 * @internal
 */
export function toDate(value: string | number | Date): Date {
  if (value instanceof Date) {
    return value;
  }
  if (typeof value === 'number') {
    return new Date(value);
  }
  if (/^\d+$/.test(value)) {
    return new Date(Number(value));
  }
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value)) {
    return new Date(`${value.replace(' ', 'T')}Z`);
  }
  return new Date(value);
}

/** Like {@link toDate}, passing `null` and `undefined` through as `undefined`. @internal */
export function toOptionalDate(
  value: string | number | Date | null | undefined,
): Date | undefined {
  return value === null || value === undefined ? undefined : toDate(value);
}

/** The start of the UTC hour that contains `date`. @internal */
export function startOfHour(date: Date): Date {
  return new Date(Math.floor(date.getTime() / HOUR_MS) * HOUR_MS);
}

/** The start of the UTC day that contains `date`. @internal */
export function startOfDay(date: Date): Date {
  return new Date(Math.floor(date.getTime() / DAY_MS) * DAY_MS);
}

/** The start of the UTC month that contains `date`. @internal */
export function startOfMonth(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
}

/** `date` moved by `months` calendar months; `date` must be a month start. @internal */
export function addMonths(monthStart: Date, months: number): Date {
  return new Date(
    Date.UTC(monthStart.getUTCFullYear(), monthStart.getUTCMonth() + months, 1),
  );
}

/** Whether `date` lies exactly on a UTC hour. @internal */
export function isWholeHour(date: Date): boolean {
  return date.getTime() % HOUR_MS === 0;
}

/** `YYYY-MM` (UTC) of `date`. @internal */
export function formatMonth(date: Date): string {
  return date.toISOString().slice(0, 7);
}

/** `YYYY-MM-DD` (UTC) of `date`. @internal */
export function formatDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * Parses a `YYYY-MM` month into the Date of its first instant (UTC), or
 * returns `undefined` when the text is not such a month.
 *
 * @internal
 */
export function parseMonth(value: string): Date | undefined {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(value);
  if (!match) {
    return undefined;
  }
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
}
