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
  formatCurrency,
  formatDateTime,
  formatMonth,
  formatPercent,
  relativeChange,
} from './format';

describe('format', () => {
  it('formats currency, rounding large amounts', () => {
    expect(formatCurrency(12345.4, 'USD', { locale: 'en-US' })).toBe('$12,345');
    expect(formatCurrency(0.4213, 'USD', { locale: 'en-US' })).toBe('$0.42');
    expect(formatCurrency(99.5, 'EUR', { locale: 'en-US' })).toBe('€99.50');
    expect(formatCurrency(3, 'USD', { locale: 'en-US', digits: 0 })).toBe('$3');
  });

  it('falls back for an unknown currency code', () => {
    expect(formatCurrency(1.5, 'not-a-code', { locale: 'en-US' })).toBe(
      '1.50 not-a-code',
    );
  });

  it('formats percentages', () => {
    expect(formatPercent(0.4937, { locale: 'en-US' })).toBe('49%');
    expect(
      formatPercent(0.1234, { locale: 'en-US', maximumFractionDigits: 1 }),
    ).toBe('12.3%');
  });

  it('computes a relative change only against a positive baseline', () => {
    expect(relativeChange(110, 100)).toBeCloseTo(0.1);
    expect(relativeChange(90, 100)).toBeCloseTo(-0.1);
    expect(relativeChange(10, 0)).toBeUndefined();
  });

  it('formats months and timestamps in UTC', () => {
    expect(formatMonth('2026-11', 'en-US')).toBe('November 2026');
    expect(formatMonth('garbage', 'en-US')).toBe('garbage');
    expect(formatDateTime('2026-11-14T13:00:00.000Z', 'en-US')).toBe(
      'Nov 14, 2026, 1:00 PM UTC',
    );
    expect(formatDateTime('nope', 'en-US')).toBe('nope');
  });
});
