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
import { hoursPerUnit } from './focusRows';

/**
 * The price a bill shows was paid for one SKU: its costs divided by the
 * hours consumed, from FOCUS usage rows whose ConsumedUnit is hours.
 *
 * @public
 */
export interface LearnedPrice {
  /** FOCUS `ProviderName` as written, e.g. `AWS`. */
  provider: string;
  /** FOCUS `RegionId`, when the rows carry one. */
  region?: string;
  /** FOCUS `SkuId` (the instance type when the rows have no SkuId). */
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
 * Usage a bill charged for one SKU in one consumed unit, summed: what
 * {@link learnedPrices} divides.
 *
 * @public
 */
export interface BilledUsage {
  /** FOCUS `ProviderName` as written. */
  provider: string;
  region?: string;
  skuId: string;
  currency: string;
  /** FOCUS `ConsumedUnit`, e.g. `Hours` or `10 Hours`. */
  unit: string;
  instanceType?: string;
  gpuCount?: number;
  rows: number;
  /** Σ ConsumedQuantity. */
  quantity: number;
  /** Σ EffectiveCost. */
  effectiveCost: number;
  /** Σ ConsumedQuantity of the rows with a ListCost, and Σ of those ListCosts. */
  listQuantity: number;
  listCost: number;
}

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
 * Learns effective (and list) prices per SKU from billed usage: the usage
 * whose unit is hours, merged per provider, region, SKU and currency;
 * price = Σ cost ÷ Σ hours, and per GPU-hour when the instance type names
 * a GPU. Sorted by provider, region and SKU.
 *
 * @public
 */
export function learnedPrices(usage: readonly BilledUsage[]): LearnedPrice[] {
  const groups = new Map<string, Accumulator>();
  for (const u of usage) {
    const perUnit = hoursPerUnit(u.unit);
    const hours = perUnit === undefined ? 0 : u.quantity * perUnit;
    if (!(hours > 0)) continue;
    const key = JSON.stringify([
      u.provider,
      u.region ?? null,
      u.skuId,
      u.currency,
    ]);
    let group = groups.get(key);
    if (!group) {
      group = {
        provider: u.provider,
        region: u.region,
        skuId: u.skuId,
        currency: u.currency,
        rows: 0,
        hours: 0,
        effective: 0,
        listHours: 0,
        list: 0,
      };
      groups.set(key, group);
    }
    group.instanceType ??= u.instanceType;
    group.gpuCount ??= u.gpuCount;
    group.rows += u.rows;
    group.hours += hours;
    group.effective += u.effectiveCost;
    group.listHours += u.listQuantity * perUnit!;
    group.list += u.listCost;
  }
  const prices = [...groups.values()].map(group => {
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

function compare(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
