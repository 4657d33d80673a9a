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

import { TestDatabases } from '@backstage/backend-test-utils';
import { describeWithSharedData, sharedDataPath } from '@ai-finops/test-utils';
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import type { Knex } from 'knex';
import { FocusReader, type FocusRow } from '../focus/FocusReader';
import { DatabaseFinopsStore } from './DatabaseFinopsStore';
import { focusCharge, initTestStore } from './__testUtils__/testStore';

// Money is stored in integer nano-units and summed as integers: totals are
// exact decimals, the same on every run and on SQLite and PostgreSQL.

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const HOUR = 3_600_000;
const START = Date.parse('2024-09-01T00:00:00Z');

/** A charge of the hour `hour` hours after START. */
const charge = (
  hour: number,
  values: Record<string, string | number | null> = {},
): FocusRow => focusCharge(new Date(START + hour * HOUR).toISOString(), values);

/** Every cost fact of the store in USD, summed, from hourly or daily rows. */
async function factTotal(
  store: DatabaseFinopsStore,
  bucket?: 'hour',
): Promise<number> {
  const groups = await store.queryCostGroups({
    from: new Date(START),
    to: new Date(START + 31 * 24 * HOUR),
    currency: 'USD',
    bucket,
  });
  // Without a bucket there is one group; with hours, the test adds them up
  // exactly as the store's integers would (each hour is a whole nano-unit).
  const nanos = groups.reduce(
    (sum, g) => sum + BigInt(Math.round(g.billedCost * 1e9)),
    0n,
  );
  return Number(nanos) / 1e9;
}

/** Exact decimal sum of decimal texts, in units of 10^-scale, as a bigint. */
function exactSum(texts: string[], scale: number): bigint {
  let sum = 0n;
  for (const text of texts) {
    if (text === '') continue;
    const match = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
    if (!match) throw new Error(`not a decimal: ${text}`);
    const digits = `${match[2]}${match[3] ?? ''}`;
    const exponent = Number(match[4] ?? 0) - (match[3] ?? '').length + scale;
    if (exponent < 0)
      throw new Error(`${text} has more than ${scale} decimals`);
    const value = BigInt(digits || '0') * 10n ** BigInt(exponent);
    sum += match[1] ? -value : value;
  }
  return sum;
}

const realTotals = new Map<string, unknown>();

describe.each(databases.eachSupportedId())('exact money (%s)', databaseId => {
  let knex: Knex;
  let store: DatabaseFinopsStore;

  beforeAll(async () => {
    ({ knex, store } = await initTestStore(databases, databaseId));
  });

  afterEach(async () => {
    await knex('finops_billing_charges').delete();
    await knex('finops_cost_facts_hourly').delete();
    await knex('finops_cost_facts_daily').delete();
  });

  it('sums 1,000 charges of 0.1 to exactly 100, in the billing view and the facts', async () => {
    // In binary floating point the same sum is 99.9999999999986.
    const rows = Array.from({ length: 1000 }, (_, i) =>
      charge(i % 700, { BilledCost: 0.1, EffectiveCost: 0.07, ListCost: 0.3 }),
    );
    await store.replaceBillingCharges('aws', rows);

    await expect(store.queryBillingCosts({ groupBy: [] })).resolves.toEqual([
      { group: {}, billedCost: 100, effectiveCost: 70, listCost: 300 },
    ]);
    const byDay = await store.queryBillingCosts({
      groupBy: ['ChargePeriodDay'],
    });
    // 700 hours: the first 300 carry two charges, so each of the first 12
    // days 48 (4.800000000000001 in floating point).
    expect(byDay).toHaveLength(30);
    expect(byDay[0]).toMatchObject({ billedCost: 4.8, effectiveCost: 3.36 });
    expect(await factTotal(store)).toBe(100);
    expect(await factTotal(store, 'hour')).toBe(100);
  });

  it('stores amounts as integer nano-units', async () => {
    await store.replaceBillingCharges('aws', [
      charge(0, {
        BilledCost: 5401.99158552,
        EffectiveCost: -0.000000001,
        ListCost: 0.1,
        ContractedCost: null,
      }),
    ]);
    const [row] = await knex('finops_billing_charges').select(
      'billed_cost_nanos',
      'effective_cost_nanos',
      'list_cost_nanos',
      'contracted_cost_nanos',
    );
    expect({
      billed: String(row.billed_cost_nanos),
      effective: String(row.effective_cost_nanos),
      list: String(row.list_cost_nanos),
      contracted: row.contracted_cost_nanos,
    }).toEqual({
      billed: '5401991585520',
      effective: '-1',
      list: '100000000',
      contracted: null,
    });
    const [fact] = await knex('finops_cost_facts_hourly').select(
      'billed_cost_nanos',
    );
    expect(String(fact.billed_cost_nanos)).toBe('5401991585520');
  });

  it('spreads a charge over its hours in whole nano-units that add up to it', async () => {
    await store.replaceBillingCharges('aws', [
      charge(5, {
        ChargePeriodEnd: new Date(START + 8 * HOUR).toISOString(),
        BilledCost: 1,
      }),
    ]);
    const facts = await knex('finops_cost_facts_hourly')
      .orderBy('hour')
      .select('billed_cost_nanos');
    expect(facts.map(f => Number(f.billed_cost_nanos))).toEqual([
      333333333, 333333334, 333333333,
    ]);
    expect(await factTotal(store)).toBe(1);
  });

  it('keeps rows of up to ±9e9 exactly and refuses larger amounts, naming the row and column', async () => {
    await store.replaceBillingCharges('aws', [
      charge(0, { BilledCost: 8_999_999_999.123457 }),
      charge(1, { BilledCost: -8_999_999_999.123457 }),
      charge(2, { BilledCost: 0.000000001 }),
    ]);
    await expect(
      store.queryBillingCosts({ groupBy: [] }),
    ).resolves.toMatchObject([{ billedCost: 0.000000001 }]);
    const [byProvider] = await store.queryBillingCosts({
      groupBy: ['ChargePeriodStart'],
    });
    expect(byProvider.billedCost).toBe(8_999_999_999.123457);

    await expect(
      store.replaceBillingCharges('aws', [
        charge(0),
        charge(1, { BilledCost: 1e10 }),
      ]),
    ).rejects.toThrow(
      /row 2, column BilledCost: 10000000000 is beyond ±9000000000, the largest amount/,
    );
    // The earlier export is intact.
    await expect(
      store.queryBillingCosts({ groupBy: [] }),
    ).resolves.toMatchObject([{ billedCost: 0.000000001 }]);
  });

  describeWithSharedData(
    'focus-sample-data-1.0',
    'the FOCUS 1.0 sample',
    () => {
      const file = sharedDataPath('focus-sample-data-1.0', 'focus_sample.csv');

      it('totals each provider to its exact decimal sum, identically on every run and engine', async () => {
        const raw = parse(readFileSync(file), { columns: true }) as Array<
          Record<string, string>
        >;
        const reader = new FocusReader();
        const rows: FocusRow[] = [];
        for await (const row of reader.read(file)) rows.push(row);
        const runs = [];
        for (let run = 0; run < 2; run++) {
          await store.replaceBillingCharges('sample', rows);
          runs.push(
            await store.queryBillingCosts({ groupBy: ['ProviderName'] }),
          );
        }
        expect(runs[1]).toEqual(runs[0]);

        for (const group of runs[0]) {
          const provider = group.group.ProviderName as string;
          const texts = raw
            .filter(r => r.ProviderName === provider)
            .map(r => r.BilledCost);
          // The sample carries up to 11 decimals: each row is stored to the
          // nearest nano-unit, so the total is within half a nano-unit per
          // row of the exact sum (and is itself an exact decimal).
          const exact = Number(exactSum(texts, 11)) / 1e11;
          expect(Math.abs(group.billedCost - exact)).toBeLessThanOrEqual(
            texts.length * 0.5e-9,
          );
          expect(Number((group.billedCost * 1e9).toFixed(3)) % 1).toBe(0);
        }
        // The engine run second finds the first one's totals.
        const previous = realTotals.get('sample') ?? runs[0];
        expect(runs[0]).toEqual(previous);
        realTotals.set('sample', runs[0]);
      });
    },
  );
});
