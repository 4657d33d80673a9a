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

import { gpuOfInstanceType } from '@ai-finops/backstage-plugin-finops-engine';
import type { FocusRow } from '../focus';
import {
  focusRowGpuCount,
  focusRowInstanceType,
  hoursPerUnit,
} from './focusRows';

/**
 * The price a bill shows was paid for one SKU: its costs divided by the
 * hours consumed, from FOCUS usage rows priced in hours.
 *
 * @public
 */
export interface LearnedPrice {
  /** FOCUS `ProviderName` as written, e.g. `AWS`. */
  provider: string;
  /** FOCUS `RegionId`, when the rows carry one. */
  region?: string;
  /** FOCUS `SkuId` (or `SkuPriceId` when the rows have no SkuId). */
  skuId: string;
  /** The instance type the rows name (see `focusRowInstanceType`). */
  instanceType?: string;
  gpuModel?: string;
  /** GPUs per instance, when the SKU details or the instance type tell. */
  gpuCount?: number;
  /** FOCUS `BillingCurrency`. */
  currency: string;
  /** Rows the price is learned from. */
  rows: number;
  /** Hours consumed over those rows. */
  hours: number;
  /** Σ EffectiveCost ÷ hours: what was paid after discounts and amortised commitments. */
  effectivePerHour: number;
  /** Σ ListCost ÷ hours (rows with a ListCost); `undefined` when none has one. */
  listPerHour?: number;
  /** `effectivePerHour` ÷ `gpuCount`. */
  effectivePerGpuHour?: number;
  /** `listPerHour` ÷ `gpuCount`. */
  listPerGpuHour?: number;
}

/**
 * Why a row taught no price.
 *
 * @public
 */
export type FocusPriceSkipReason =
  | 'not-usage'
  | 'correction'
  | 'not-hours'
  | 'no-quantity'
  | 'no-sku';

interface Accumulator {
  provider: string;
  region?: string;
  skuId: string;
  instanceType?: string;
  gpuCount?: number;
  currency: string;
  rows: number;
  hours: number;
  effective: number;
  listHours: number;
  list: number;
}

/**
 * Learns effective (and list) prices per SKU from FOCUS rows: usage rows
 * whose `ConsumedUnit` (or else `PricingUnit`) is hours, grouped by
 * provider, region, SKU and currency; price = Σ cost ÷ Σ hours. Rows of
 * other charge categories, corrections, and rows without a positive
 * quantity or a SKU are skipped and counted.
 *
 * @public
 */
export class FocusPriceLearner {
  readonly #groups = new Map<string, Accumulator>();
  readonly skipped: Record<FocusPriceSkipReason, number> = {
    'not-usage': 0,
    correction: 0,
    'not-hours': 0,
    'no-quantity': 0,
    'no-sku': 0,
  };

  /** Adds one row; returns whether it taught a price. */
  add(row: FocusRow): boolean {
    const v = row.values;
    if (v.ChargeCategory !== 'Usage') return this.#skip('not-usage');
    if (v.ChargeClass === 'Correction') return this.#skip('correction');
    let hours: number | undefined;
    const consumed = hoursPerUnit(v.ConsumedUnit);
    if (consumed !== undefined) {
      hours = numberOf(v.ConsumedQuantity) * consumed;
    } else {
      const pricing = hoursPerUnit(v.PricingUnit);
      if (pricing === undefined) return this.#skip('not-hours');
      hours = numberOf(v.PricingQuantity) * pricing;
    }
    if (!(hours > 0)) return this.#skip('no-quantity');
    const skuId = textOf(v.SkuId) ?? textOf(v.SkuPriceId);
    if (!skuId) return this.#skip('no-sku');

    const provider =
      textOf(v.ProviderName) ?? textOf(v.ServiceProviderName) ?? '';
    const region = textOf(v.RegionId);
    const currency = textOf(v.BillingCurrency) ?? '';
    const key = JSON.stringify([provider, region ?? null, skuId, currency]);
    let group = this.#groups.get(key);
    if (!group) {
      group = {
        provider,
        region,
        skuId,
        currency,
        rows: 0,
        hours: 0,
        effective: 0,
        listHours: 0,
        list: 0,
      };
      this.#groups.set(key, group);
    }
    group.instanceType ??= focusRowInstanceType(row);
    group.gpuCount ??= focusRowGpuCount(row);
    group.rows += 1;
    group.hours += hours;
    group.effective += numberOf(v.EffectiveCost);
    if (typeof v.ListCost === 'number') {
      group.listHours += hours;
      group.list += v.ListCost;
    }
    return true;
  }

  /** The prices learned so far, sorted by provider, region and SKU. */
  prices(): LearnedPrice[] {
    const prices = [...this.#groups.values()].map(group => {
      const gpu = group.instanceType
        ? gpuOfInstanceType(group.instanceType)
        : undefined;
      const gpuCount = group.gpuCount ?? gpu?.gpuCount;
      const price: LearnedPrice = {
        provider: group.provider,
        skuId: group.skuId,
        currency: group.currency,
        rows: group.rows,
        hours: group.hours,
        effectivePerHour: group.effective / group.hours,
      };
      if (group.region) price.region = group.region;
      if (group.instanceType) price.instanceType = group.instanceType;
      if (gpu) price.gpuModel = gpu.gpuModel;
      if (group.listHours > 0) price.listPerHour = group.list / group.listHours;
      if (gpu && gpuCount) {
        price.gpuCount = gpuCount;
        price.effectivePerGpuHour = price.effectivePerHour / gpuCount;
        if (price.listPerHour !== undefined) {
          price.listPerGpuHour = price.listPerHour / gpuCount;
        }
      }
      return price;
    });
    return prices.sort(
      (a, b) =>
        compare(a.provider, b.provider) ||
        compare(a.region ?? '', b.region ?? '') ||
        compare(a.skuId, b.skuId) ||
        compare(a.currency, b.currency),
    );
  }

  #skip(reason: FocusPriceSkipReason): false {
    this.skipped[reason] += 1;
    return false;
  }
}

/**
 * Learns prices from a stream of FOCUS rows (see {@link FocusPriceLearner}).
 *
 * @public
 */
export async function learnPricesFromFocus(
  rows: AsyncIterable<FocusRow> | Iterable<FocusRow>,
): Promise<LearnedPrice[]> {
  const learner = new FocusPriceLearner();
  for await (const row of rows) learner.add(row);
  return learner.prices();
}

function numberOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value : undefined;
}

function compare(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
