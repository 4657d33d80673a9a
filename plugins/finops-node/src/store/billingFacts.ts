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
import { focusFactDimensions, type FocusWorkloadColumn } from '../focus/facts';
import { canonicalStringMap } from './canonical';
import { daysCovering, rebuildDailyRollups } from './rollups';
import {
  BILLING_CHARGES_TABLE,
  COST_FACT_COLUMNS,
  COST_FACTS_TABLE,
  type DbCostFactRow,
  type DbTimestamp,
} from './tables';
import { ONE_HOUR_MS, toDate } from './time';
import { BatchInserter } from './BatchInserter';
import { PgCopyWriter } from './copy';
import { writeCostFactCopyRow } from './records';
import { InputError } from '@backstage/errors';
import {
  addNanos,
  parseNanos,
  spreadNanosOverHours,
  sumNanosAs,
  type Nanos,
} from './money';

/**
 * The stored FOCUS columns a fact is derived from, grouped on: charges that
 * agree on all of them and on their charge period become one sum in SQL
 * before they are spread over hours. The resource columns join them only
 * when they name the workload (`RESOURCE_COLUMNS`), so a bill of a million
 * resources is summed by the database, not row by row here.
 */
const FACT_SOURCE_COLUMNS = [
  'provider_name',
  'service_category',
  'charge_category',
  'sub_account_id',
  'region_id',
  'region_name',
  'service_name',
  'instance_type',
  'gpu_count',
  'billing_currency',
  'tags',
  'charge_period_start',
  'charge_period_end',
] as const;

/** The stored column of a workload column that is not always grouped on. */
const RESOURCE_COLUMNS: Partial<Record<FocusWorkloadColumn, string>> = {
  ResourceId: 'resource_id',
  ResourceName: 'resource_name',
};

type GroupedCharge = Record<
  (typeof FACT_SOURCE_COLUMNS)[number],
  string | number | null
> &
  Partial<Record<'resource_id' | 'resource_name', string | null>> & {
    /** Sums of nano-units, as text. */
    billed: string | null;
    effective: string | null;
    list: string | null;
  };

/** Hours derived per query: one UTC day. */
const DERIVE_CHUNK_MS = 24 * ONE_HOUR_MS;

/** Currency of facts whose charges have none: ISO 4217 "no currency". */
const NO_CURRENCY = 'XXX';

/**
 * The UTC hours [start, end) the charges of `source` in the given billing
 * periods cover (null: rows without a BillingPeriodStart), or undefined
 * when there are none.
 *
 * @internal
 */
export async function billingPeriodHours(
  tx: Knex.Transaction,
  source: string,
  periods: { starts: Date[]; withoutPeriod: boolean },
): Promise<{ start: number; end: number } | undefined> {
  const [row] = (await tx(BILLING_CHARGES_TABLE)
    .where('source', source)
    .where(q => {
      if (periods.starts.length > 0) {
        q.orWhereIn('billing_period_start', periods.starts);
      }
      if (periods.withoutPeriod) q.orWhereNull('billing_period_start');
      if (periods.starts.length === 0 && !periods.withoutPeriod) {
        q.whereRaw('1 = 0');
      }
    })
    .min({ first: 'charge_period_start' })
    .max({
      lastStart: 'charge_period_start',
      lastEnd: 'charge_period_end',
    })) as Array<{
    first: DbTimestamp | null;
    lastStart: DbTimestamp | null;
    lastEnd: DbTimestamp | null;
  }>;
  if (!row || row.first === null || row.first === undefined) return undefined;
  const start =
    Math.floor(toDate(row.first).getTime() / ONE_HOUR_MS) * ONE_HOUR_MS;
  // The hour after the last one a charge touches; a zero-length charge lies
  // in its start hour.
  const end = Math.max(
    Math.ceil(toDate(row.lastEnd!).getTime() / ONE_HOUR_MS) * ONE_HOUR_MS,
    Math.floor(toDate(row.lastStart!).getTime() / ONE_HOUR_MS) * ONE_HOUR_MS +
      ONE_HOUR_MS,
  );
  return { start, end };
}

/**
 * Derives the hourly cost facts of a billing source over the hours
 * [start, end) from its stored FOCUS charges: the source's facts in those
 * hours are deleted, every charge of the source (of any billing period)
 * that touches them is spread over its hours by time (see
 * `spreadNanosOverHours`) with the dimensions of `focusFactDimensions`, and the
 * daily roll-ups of the days are rebuilt. The facts of a billing source are
 * thus always a function of its charges, whatever was re-ingested.
 *
 * @internal
 */
export async function deriveBillingFacts(
  tx: Knex.Transaction,
  isSqlite: boolean,
  options: {
    source: string;
    start: number;
    end: number;
    workload?: FocusWorkloadColumn;
  },
): Promise<number> {
  const { source, start, end, workload } = options;
  const from = new Date(start);
  const to = new Date(end);
  await tx(COST_FACTS_TABLE)
    .where('source', source)
    .where('hour', '>=', from)
    .where('hour', '<', to)
    .delete();

  // A day at a time, so that memory holds one day's facts, not the
  // export's: a charge that spans days is read once per day it touches.
  // Each day's facts are written before the next day is read (a COPY
  // statement holds the transaction's connection until it finishes).
  let count = 0;
  for (let chunkStart = start; chunkStart < end; ) {
    const chunkEnd = Math.min(end, chunkStart + DERIVE_CHUNK_MS);
    const facts = await deriveChunk(tx, {
      source,
      start: chunkStart,
      end: chunkEnd,
      workload,
    });
    count += isSqlite
      ? await insertCostFacts(tx, facts)
      : await copyCostFacts(tx, source, facts);
    chunkStart = chunkEnd;
  }

  await rebuildDailyRollups(tx, isSqlite, {
    ...daysCovering(from, to),
    source,
  });
  return count;
}

/**
 * The facts of the hours [start, end) from the charges of `source` that
 * touch them, summed per hour and fact dimensions.
 */
async function deriveChunk(
  tx: Knex.Transaction,
  options: {
    source: string;
    start: number;
    end: number;
    workload?: FocusWorkloadColumn;
  },
): Promise<Iterable<DbCostFactRow>> {
  const { source, start, end, workload } = options;
  const resourceColumn = workload ? RESOURCE_COLUMNS[workload] : undefined;
  const columns: string[] = resourceColumn
    ? [...FACT_SOURCE_COLUMNS, resourceColumn]
    : [...FACT_SOURCE_COLUMNS];
  const charges = (await tx(BILLING_CHARGES_TABLE)
    .select(columns)
    .select(
      sumNanosAs(tx, 'billed_cost_nanos', 'billed'),
      sumNanosAs(tx, 'effective_cost_nanos', 'effective'),
      sumNanosAs(tx, 'list_cost_nanos', 'list'),
    )
    .where('source', source)
    .where('charge_period_start', '<', new Date(end))
    .where('charge_period_end', '>=', new Date(start))
    .groupBy(columns)) as GroupedCharge[];

  // fact key and hour → fact row
  const facts = new Map<string, DbCostFactRow>();
  for (const charge of charges) {
    const dimensions = focusFactDimensions(
      {
        ProviderName: charge.provider_name as string | null,
        ServiceCategory: charge.service_category as string | null,
        ChargeCategory: charge.charge_category as string | null,
        SubAccountId: charge.sub_account_id as string | null,
        RegionId: charge.region_id as string | null,
        RegionName: charge.region_name as string | null,
        ServiceName: charge.service_name as string | null,
        ResourceId: charge.resource_id ?? null,
        ResourceName: charge.resource_name ?? null,
        instanceType: charge.instance_type as string | null,
        gpuCount: charge.gpu_count === null ? null : Number(charge.gpu_count),
      },
      { workload },
    );
    const base = {
      source,
      kubernetes_id: null,
      namespace: null,
      workload: dimensions.workload ?? null,
      region: dimensions.region ?? null,
      gpu_model: dimensions.gpuModel ?? null,
      labels: canonicalStringMap(dimensions.labels),
      tags: String(charge.tags ?? '{}'),
      category: dimensions.category,
      currency: (charge.billing_currency as string | null) || NO_CURRENCY,
    };
    const key = JSON.stringify([
      base.workload,
      base.region,
      base.gpu_model,
      base.labels,
      base.tags,
      base.category,
      base.currency,
    ]);
    // Each amount is spread in whole nano-units that add up to it exactly.
    const chargeStart = toDate(
      charge.charge_period_start as DbTimestamp,
    ).getTime();
    const chargeEnd = toDate(charge.charge_period_end as DbTimestamp).getTime();
    const spread = (sum: string | null) =>
      spreadNanosOverHours(parseNanos(sum), chargeStart, chargeEnd);
    const billed = spread(charge.billed);
    const effective = spread(charge.effective);
    const list = spread(charge.list);
    for (;;) {
      const b = billed.next();
      if (b.done) break;
      const { hour } = b.value;
      const e = effective.next().value as { nanos: Nanos };
      const l = list.next().value as { nanos: Nanos };
      if (hour < start || hour >= end) continue;
      const hourKey = `${hour} ${key}`;
      const fact = facts.get(hourKey);
      if (fact) {
        fact.billed_cost_nanos = addNanos(
          fact.billed_cost_nanos,
          b.value.nanos,
        );
        fact.effective_cost_nanos = addNanos(
          fact.effective_cost_nanos,
          e.nanos,
        );
        fact.list_cost_nanos = addNanos(fact.list_cost_nanos, l.nanos);
      } else {
        facts.set(hourKey, {
          ...base,
          hour: new Date(hour),
          billed_cost_nanos: b.value.nanos,
          effective_cost_nanos: e.nanos,
          list_cost_nanos: l.nanos,
        });
      }
    }
  }
  return facts.values();
}

/** SQLite: derived cost facts inserted in batches. */
async function insertCostFacts(
  tx: Knex.Transaction,
  facts: Iterable<DbCostFactRow>,
): Promise<number> {
  const inserter = new BatchInserter<DbCostFactRow>(tx, COST_FACTS_TABLE);
  for (const fact of facts) await inserter.add(fact);
  return inserter.finish();
}

/** PostgreSQL: derived cost facts written with binary COPY. */
async function copyCostFacts(
  tx: Knex.Transaction,
  source: string,
  facts: Iterable<DbCostFactRow>,
): Promise<number> {
  const copy = new PgCopyWriter(
    tx,
    { [COST_FACTS_TABLE]: COST_FACT_COLUMNS },
    (error, row) =>
      new InputError(
        `The cost fact #${row} derived from billing source '${source}' was refused by the database: ${error.message}`,
      ),
  );
  try {
    let row = 0;
    for (const fact of facts) {
      writeCostFactCopyRow(copy.buffer(COST_FACTS_TABLE), fact);
      const pending = copy.rowWritten(COST_FACTS_TABLE, row);
      row += 1;
      if (pending) await pending;
    }
    const rows = await copy.finish();
    return rows[COST_FACTS_TABLE];
  } catch (error) {
    await copy.abort();
    throw error;
  }
}
