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

import type { Knex } from 'knex';

// Money in the store is a 64-bit integer count of nano-units (10^-9 of the
// currency unit), the resolution of Google's `Money` type: sums in SQL are
// integer sums, exact and independent of row order, so a total is the same
// on every run and on SQLite and PostgreSQL. An amount is rounded to the
// nearest nano-unit (half to even) when stored; FOCUS exports rarely carry
// more than 10 decimals, so the rounding is at most half a nano-unit a row.

/**
 * An amount in nano-units: a number while it is a safe integer, a bigint
 * beyond (more than about 9 million currency units).
 *
 * @internal
 */
export type Nanos = number | bigint;

const NANOS_PER_UNIT = 1e9;
const NANO_DIGITS = 9;

/**
 * The largest absolute amount of one row the store keeps: nano-units of
 * ±9×10^9 fit a signed 64-bit integer (±9.22×10^18) with room for sums of
 * a few rows; SQLite refuses a sum that overflows, PostgreSQL sums bigint
 * as numeric.
 *
 * @internal
 */
export const MAX_ABS_MONEY = 9e9;

/** Why {@link MAX_ABS_MONEY} is the limit, for messages. @internal */
export const MONEY_LIMIT_TEXT =
  'the largest amount the store keeps per row (64-bit integer nano-units)';

/** Below this, `amount * 1e9` is within 0.004 of the exact product. */
const FAST_SCALED_LIMIT = 2 ** 43;

/**
 * The nano-units of an amount: the decimal the number reads as (its
 * shortest round-trip text, which is the text a CSV gave for up to 15
 * significant digits), rounded half to even at the ninth decimal.
 *
 * @internal
 */
export function toNanos(amount: number): Nanos {
  const scaled = amount * NANOS_PER_UNIT;
  if (Math.abs(scaled) < FAST_SCALED_LIMIT) {
    const nearest = Math.round(scaled);
    // Far from a tie, the product's rounding error cannot change the result.
    if (Math.abs(scaled - nearest) < 0.49) return nearest + 0; // never -0
  }
  if (!Number.isFinite(amount)) {
    throw new RangeError(`${amount} is not an amount of money`);
  }
  return decimalToNanos(String(amount));
}

/**
 * The nano-units of a decimal text (`-12.5`, `1e-7`, `3.2E+4`), rounded
 * half to even at the ninth decimal.
 *
 * @internal
 */
export function decimalToNanos(text: string): Nanos {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) {
    throw new RangeError(`'${text}' is not a decimal number`);
  }
  const [, sign, whole, fraction = '', exponentText = '0'] = match;
  const exponent = Number(exponentText);
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 400) {
    throw new RangeError(`'${text}' is out of range`);
  }
  // digits × 10^shift nano-units
  const digits = `${whole}${fraction}`.replace(/^0+/, '') || '0';
  const shift = exponent - fraction.length + NANO_DIGITS;
  let value: bigint;
  if (shift >= 0) {
    value = BigInt(digits) * 10n ** BigInt(shift);
  } else if (-shift > digits.length) {
    value = 0n; // below half a nano-unit
  } else {
    const cut = digits.length + shift;
    const kept = BigInt(digits.slice(0, cut) || '0');
    const rest = digits.slice(cut);
    const half = `5${'0'.repeat(rest.length - 1)}`;
    const up = rest > half || (rest === half && kept % 2n === 1n) ? 1n : 0n;
    value = kept + up;
  }
  return normalizeNanos(sign === '-' ? -value : value);
}

/** A bigint as a number while that is exact. */
function normalizeNanos(value: bigint): Nanos {
  return value >= -BigInt(Number.MAX_SAFE_INTEGER) &&
    value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

/**
 * The amount of a count of nano-units, as the number nearest to the exact
 * decimal: the same number for the same count, whatever the engine or the
 * type the driver hands out (number, bigint, or the decimal text
 * PostgreSQL gives for bigint and numeric).
 *
 * @internal
 */
export function fromNanos(
  value: number | bigint | string | null | undefined,
): number {
  const nanos = parseNanos(value);
  if (typeof nanos === 'number') return nanos / NANOS_PER_UNIT;
  // Past 2^53 the quotient of two doubles would round twice: read the
  // decimal text instead.
  const text = nanos.toString();
  const negative = text.startsWith('-');
  const digits = negative ? text.slice(1) : text;
  const cut = digits.length - NANO_DIGITS;
  return Number(
    `${negative ? '-' : ''}${digits.slice(0, cut)}.${digits.slice(cut)}`,
  );
}

/**
 * A count of nano-units as a driver hands it out (a number, or decimal text
 * for PostgreSQL's bigint and numeric and for sums cast to text); 0 for
 * null.
 *
 * @internal
 */
export function parseNanos(
  value: number | bigint | string | null | undefined,
): Nanos {
  if (value === null || value === undefined || value === '') return 0;
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return value;
    throw new RangeError(`${value} is not a whole number of nano-units`);
  }
  if (typeof value === 'bigint') return normalizeNanos(value);
  const point = value.indexOf('.');
  return normalizeNanos(BigInt(point >= 0 ? value.slice(0, point) : value));
}

/**
 * `sum(column)` of a nano-unit column, as text: exact whatever its size
 * (SQLite hands out integers past 2^53 as inexact numbers).
 *
 * @internal
 */
export function sumNanosAs(db: Knex, column: string, alias: string): Knex.Raw {
  return db.raw('CAST(sum(??) AS TEXT) AS ??', [column, alias]);
}

/** Two counts of nano-units added exactly. @internal */
export function addNanos(a: Nanos, b: Nanos): Nanos {
  if (typeof a === 'number' && typeof b === 'number') {
    const sum = a + b;
    if (Number.isSafeInteger(sum)) return sum;
  }
  return normalizeNanos(BigInt(a) + BigInt(b));
}

/** `a × b / c` rounded half away from zero, for integers. */
function mulDivRound(a: Nanos, b: number, c: number): Nanos {
  if (typeof a === 'number' && Number.isSafeInteger(a * b)) {
    const quotient = (a * b) / c;
    const nearest = Math.round(Math.abs(quotient)) * Math.sign(quotient);
    if (Math.abs(Math.abs(quotient - nearest) - 0.5) > 1e-6) {
      return nearest + 0;
    }
  }
  const product = BigInt(a) * BigInt(b);
  const divisor = BigInt(c);
  const magnitude = product < 0n ? -product : product;
  const rounded = (magnitude * 2n + divisor) / (divisor * 2n);
  return normalizeNanos(product < 0n ? -rounded : rounded);
}

const HOUR_MS = 3_600_000;

/**
 * Spreads a charge of `nanos` over the UTC hours of [start, end), in
 * proportion to the time in each, in whole nano-units that add up to the
 * charge exactly: each hour gets the rounded share of the charge up to its
 * end minus the rounded share up to its start, so an hour's part depends on
 * the charge and the hour alone, not on which hours are derived together.
 * A zero-length charge lies wholly in its start hour.
 *
 * @internal
 */
export function* spreadNanosOverHours(
  nanos: Nanos,
  start: number,
  end: number,
): Generator<{ hour: number; nanos: Nanos }> {
  const first = Math.floor(start / HOUR_MS) * HOUR_MS;
  if (end <= start || end <= first + HOUR_MS) {
    yield { hour: first, nanos };
    return;
  }
  const length = end - start;
  let before: Nanos = 0;
  for (let hour = first; hour < end; hour += HOUR_MS) {
    const upTo: Nanos =
      hour + HOUR_MS >= end
        ? nanos
        : mulDivRound(nanos, hour + HOUR_MS - start, length);
    yield { hour, nanos: addNanos(upTo, negateNanos(before)) };
    before = upTo;
  }
}

function negateNanos(value: Nanos): Nanos {
  return typeof value === 'number' ? 0 - value : -value;
}
