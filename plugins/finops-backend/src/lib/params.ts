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

import { InputError } from '@backstage/errors';
import { formatDay } from '@ai-finops/backstage-plugin-finops-node';

/** A query parameter given once and not empty, or undefined when absent. */
export function readOptionalString(
  value: unknown,
  name: string,
): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'string' || value.length === 0) {
    throw new InputError(
      `Query parameter '${name}' must be a single, non-empty value`,
    );
  }
  return value;
}

/** A query parameter that is one of `choices`; `fallback` when absent. */
export function readChoice<T extends string>(
  value: unknown,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const text = readOptionalString(value, name);
  if (text === undefined) return fallback;
  if (!(choices as readonly string[]).includes(text)) {
    throw new InputError(
      `Invalid ${name} '${text}'; expected one of ${choices.join(', ')}`,
    );
  }
  return text as T;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A query parameter that is a real UTC day as YYYY-MM-DD, or undefined when absent. */
export function readDay(value: unknown, name: string): string | undefined {
  const text = readOptionalString(value, name);
  if (text === undefined) return undefined;
  const match = DAY.exec(text);
  const date = match
    ? new Date(
        Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])),
      )
    : undefined;
  if (!date || formatDay(date) !== text) {
    throw new InputError(
      `Invalid ${name} '${text}'; expected a UTC day as YYYY-MM-DD`,
    );
  }
  return text;
}

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * A real ISO-8601 time (`2026-02-28`, `2026-02-28T12:00:00Z`,
 * `2026-02-28T12:00+02:00`), checked against the calendar: `2026-02-30`
 * or `T24:00` is refused instead of rolling over into the next month or
 * day. A day alone is its UTC midnight; a time needs a zone.
 */
export function parseIsoTime(value: unknown, name: string): Date {
  const match = typeof value === 'string' ? ISO_TIME.exec(value) : null;
  const fail = () =>
    new InputError(
      `Invalid '${name}' ${JSON.stringify(
        value,
      )}; expected an ISO-8601 time such as 2026-03-01 or 2026-03-01T12:00:00Z, on a real calendar day`,
    );
  if (!match) throw fail();
  const [, y, mo, d, h = '0', mi = '0', s = '0', zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59 ||
    (zone !== undefined &&
      zone !== 'Z' &&
      (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4, 6)) > 59))
  ) {
    throw fail();
  }
  const time = new Date(
    match[4] === undefined ? `${value}T00:00:00Z` : (value as string),
  );
  if (Number.isNaN(time.getTime())) throw fail();
  return time;
}

/**
 * A number in a JSON body within `[min, max]` (and whole when `integer`),
 * or undefined when absent; numeric strings are accepted as form values.
 */
export function readBoundedNumber(
  body: Record<string, unknown>,
  field: string,
  bounds: { min: number; max: number; integer?: boolean },
): number | undefined {
  const value = body[field];
  if (value === undefined || value === null || value === '') return undefined;
  const n =
    typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  const { min, max, integer } = bounds;
  if (
    typeof n !== 'number' ||
    !Number.isFinite(n) ||
    n < min ||
    n > max ||
    (integer && !Number.isInteger(n))
  ) {
    throw new InputError(
      `Field '${field}' must be ${
        integer ? 'a whole number' : 'a number'
      } from ${min} to ${max}; got ${JSON.stringify(value)}`,
    );
  }
  return n;
}
