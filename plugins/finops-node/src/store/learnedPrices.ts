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
import { learnedPrices, type BilledUsage, type LearnedPrice } from '../prices';
import { BILLING_CHARGES_TABLE } from './tables';
import { fromNanos, sumNanosAs } from './money';

/**
 * The prices the stored FOCUS charges show were paid, per provider, region,
 * SKU and currency: usage rows (corrections left out) with a positive
 * ConsumedQuantity, summed in SQL per consumed unit; `learnedPrices` keeps
 * the units in hours and divides.
 *
 * @internal
 */
export async function queryLearnedPrices(db: Knex): Promise<LearnedPrice[]> {
  const rows = (await db(BILLING_CHARGES_TABLE)
    .where('charge_category', 'Usage')
    .where(q =>
      q.whereNull('charge_class').orWhereNot('charge_class', 'Correction'),
    )
    .where('consumed_quantity', '>', 0)
    .whereNotNull('consumed_unit')
    .select({
      provider: 'provider_name',
      region: 'region_id',
      currency: 'billing_currency',
      unit: 'consumed_unit',
    })
    .select(
      db.raw('coalesce(sku_id, instance_type) as ??', ['skuId']),
      db.raw(
        'sum(case when list_cost_nanos is not null then consumed_quantity else 0 end) as ??',
        ['listQuantity'],
      ),
    )
    .max({ instanceType: 'instance_type', gpuCount: 'gpu_count' })
    .count({ rows: '*' })
    .sum({ quantity: 'consumed_quantity' })
    .select(
      sumNanosAs(db, 'effective_cost_nanos', 'effectiveCost'),
      sumNanosAs(db, 'list_cost_nanos', 'listCost'),
    )
    .groupBy(
      'provider_name',
      'region_id',
      db.raw('coalesce(sku_id, instance_type)'),
      'billing_currency',
      'consumed_unit',
    )) as Array<Record<string, string | number | null>>;
  const text = (v: string | number | null | undefined) =>
    v === null || v === undefined || v === '' ? undefined : String(v);
  const usage: BilledUsage[] = [];
  for (const row of rows) {
    const skuId = text(row.skuId);
    if (!skuId) continue;
    usage.push({
      provider: text(row.provider) ?? '',
      region: text(row.region),
      skuId,
      currency: text(row.currency) ?? '',
      unit: String(row.unit),
      instanceType: text(row.instanceType),
      gpuCount: row.gpuCount === null ? undefined : Number(row.gpuCount),
      rows: Number(row.rows),
      quantity: Number(row.quantity ?? 0),
      effectiveCost: fromNanos(row.effectiveCost),
      listQuantity: Number(row.listQuantity ?? 0),
      listCost: fromNanos(row.listCost),
    });
  }
  return learnedPrices(usage);
}
