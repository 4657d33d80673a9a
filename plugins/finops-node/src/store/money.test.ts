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
  addNanos,
  decimalToNanos,
  fromNanos,
  parseNanos,
  spreadNanosOverHours,
  toNanos,
} from './money';

const HOUR = 3_600_000;

describe('money in nano-units', () => {
  it('reads an amount as the decimal it prints as, to the nearest nano-unit', () => {
    expect(toNanos(0.1)).toBe(100_000_000);
    expect(toNanos(5401.99158552)).toBe(5_401_991_585_520);
    expect(toNanos(-0.000000001)).toBe(-1);
    expect(toNanos(-0)).toBe(0);
    expect(Object.is(toNanos(-1e-12), 0)).toBe(true);
    // 0.1 + 0.2 prints as 0.30000000000000004: the nano-units are 0.3's.
    expect(toNanos(0.1 + 0.2)).toBe(300_000_000);
    // Beyond 2^53 nano-units: a bigint, exact.
    expect(toNanos(8_999_999_999.123457)).toBe(8_999_999_999_123_457_000n);
    expect(() => toNanos(Number.NaN)).toThrow('not an amount of money');
  });

  it('rounds half to even at the ninth decimal, from decimal text of any form', () => {
    expect(decimalToNanos('0.0000000005')).toBe(0);
    expect(decimalToNanos('0.0000000015')).toBe(2);
    expect(decimalToNanos('0.00000000150001')).toBe(2);
    expect(decimalToNanos('0.0000000025')).toBe(2);
    expect(decimalToNanos('-0.0000000035')).toBe(-4);
    expect(decimalToNanos('1e-7')).toBe(100);
    expect(decimalToNanos('3.2E+4')).toBe(32_000_000_000_000);
    expect(decimalToNanos('.5')).toBe(500_000_000);
    expect(decimalToNanos('12.')).toBe(12_000_000_000);
    expect(decimalToNanos('1e-400')).toBe(0);
    expect(() => decimalToNanos('1.2.3')).toThrow("'1.2.3' is not a decimal");
    expect(() => decimalToNanos('.')).toThrow('is not a decimal');
    expect(() => decimalToNanos('1e9999')).toThrow('out of range');
  });

  it('agrees with the exact decimal on 100,000 random amounts', () => {
    let seed = 20261207;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 100_000; i++) {
      const decimals = Math.floor(random() * 12);
      const amount = Number(
        ((random() - 0.3) * 10 ** Math.floor(random() * 9)).toFixed(decimals),
      );
      expect(toNanos(amount)).toEqual(decimalToNanos(String(amount)));
    }
  });

  it('gives back the number nearest the exact decimal, whatever the driver hands out', () => {
    expect(fromNanos(100_000_000)).toBe(0.1);
    expect(fromNanos('5401991585520')).toBe(5401.99158552);
    expect(fromNanos('5401991585520.000')).toBe(5401.99158552);
    expect(fromNanos(8_999_999_999_123_457_000n)).toBe(8_999_999_999.123457);
    expect(fromNanos('-8999999999123457000')).toBe(-8_999_999_999.123457);
    expect(fromNanos('12345678901234567890123')).toBe(12345678901234.568);
    expect(fromNanos(null)).toBe(0);
    expect(parseNanos('9007199254740993')).toBe(9_007_199_254_740_993n);
    expect(() => parseNanos(0.5)).toThrow('not a whole number');
  });

  it('adds exactly, past 2^53', () => {
    expect(addNanos(Number.MAX_SAFE_INTEGER, 2)).toBe(9_007_199_254_740_993n);
    expect(addNanos(9_007_199_254_740_993n, -2)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('spreads a charge over hours in parts that add up to it and do not depend on the range derived', () => {
    const start = Date.parse('2024-09-03T10:20:00Z');
    const end = start + 71 * HOUR + 13 * 60_000;
    for (const nanos of [1, 999_999_999, -7, 8_999_999_999_123_457_000n]) {
      const parts = [...spreadNanosOverHours(nanos, start, end)];
      expect(parts).toHaveLength(72);
      expect(parts.reduce((sum, p) => sum + BigInt(p.nanos), 0n)).toBe(
        BigInt(nanos),
      );
      expect(parts[0].hour).toBe(Date.parse('2024-09-03T10:00:00Z'));
    }
    const [only] = [...spreadNanosOverHours(5, start, start)];
    expect(only).toEqual({
      hour: Date.parse('2024-09-03T10:00:00Z'),
      nanos: 5,
    });
    const thirds = [...spreadNanosOverHours(1_000_000_000, 0, 3 * HOUR)];
    expect(thirds.map(p => p.nanos)).toEqual([333333333, 333333334, 333333333]);
  });
});
