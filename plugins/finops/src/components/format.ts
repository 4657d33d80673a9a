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
 * The locale used to format numbers and dates: the browser's language.
 */
export function getLocale(): string | undefined {
  return typeof navigator === 'undefined' ? undefined : navigator.language;
}

/**
 * Formats an amount of money. Amounts of 100 and more are rounded to whole
 * units (`$12,345`), smaller ones keep cents (`$0.42`), unless `digits` is set.
 */
export function formatCurrency(
  value: number,
  currency: string,
  options?: { locale?: string; digits?: number },
): string {
  const digits = options?.digits ?? (Math.abs(value) >= 100 ? 0 : 2);
  try {
    return new Intl.NumberFormat(options?.locale ?? getLocale(), {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(value);
  } catch {
    // An unknown currency code: still show the amount.
    return `${value.toFixed(digits)} ${currency}`;
  }
}

/**
 * Formats a ratio (0.5) as a percentage (`50%`).
 */
export function formatPercent(
  ratio: number,
  options?: { locale?: string; maximumFractionDigits?: number },
): string {
  return new Intl.NumberFormat(options?.locale ?? getLocale(), {
    style: 'percent',
    maximumFractionDigits: options?.maximumFractionDigits ?? 0,
  }).format(ratio);
}

/**
 * The relative change from `previous` to `current` (0.1 for +10%), or
 * `undefined` when there is nothing to compare with.
 */
export function relativeChange(
  current: number,
  previous: number,
): number | undefined {
  if (!Number.isFinite(previous) || previous <= 0) {
    return undefined;
  }
  return (current - previous) / previous;
}

/**
 * Formats a `YYYY-MM` month as e.g. `November 2026`.
 */
export function formatMonth(month: string, locale = getLocale()): string {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match) {
    return month;
  }
  return new Intl.DateTimeFormat(locale, {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1)));
}

/**
 * Formats an ISO timestamp as a UTC date and time, e.g.
 * `Nov 14, 2026, 1:00 PM UTC`.
 */
export function formatDateTime(iso: string, locale = getLocale()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return iso;
  }
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'UTC',
  })
    .format(date)
    .concat(' UTC');
}

/**
 * Formats a plain number with at most `digits` fraction digits
 * (`12,345.6`).
 */
export function formatNumber(
  value: number,
  digits = 0,
  locale = getLocale(),
): string {
  return new Intl.NumberFormat(locale, {
    maximumFractionDigits: digits,
  }).format(value);
}

/**
 * Formats a `YYYY-MM-DD` day as e.g. `Nov 14, 2026` (UTC).
 */
export function formatDay(day: string, locale = getLocale()): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) {
    return day;
  }
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeZone: 'UTC',
  }).format(date);
}
