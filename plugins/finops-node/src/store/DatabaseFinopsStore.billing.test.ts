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
  FocusReader,
  FocusValidationError,
  type FocusRow,
} from '../focus/FocusReader';
import { TestDatabases } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import type { Knex } from 'knex';
import { Readable } from 'node:stream';
import { FOCUS_1_0_TEST_HEADER } from '@ai-finops/test-utils';
import { DatabaseFinopsStore } from './DatabaseFinopsStore';
import { focusCharge, initTestStore } from './__testUtils__/testStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const SEPTEMBER = '2024-09-01T00:00:00.000Z';
const OCTOBER = '2024-10-01T00:00:00.000Z';

const charge = focusCharge;

async function* stream(rows: FocusRow[]): AsyncIterable<FocusRow> {
  yield* rows;
}

/** A FOCUS 1.0 CSV of `count` September rows, each costing 1. */
function focusCsv(count: number, billedCost = (_row: number) => '1'): string {
  const lines = [FOCUS_1_0_TEST_HEADER.join(',')];
  for (let row = 1; row <= count; row++) {
    const hour = String(row % 24).padStart(2, '0');
    lines.push(
      [
        billedCost(row),
        '123',
        'Acme',
        'USD',
        '2024-10-01T00:00:00Z',
        '2024-09-01T00:00:00Z',
        'Usage',
        '',
        'GPU hours',
        'Usage-Based',
        `2024-09-02T${hour}:59:59Z`,
        `2024-09-02T${hour}:00:00Z`,
        '1',
        '1',
        'Acme Cloud',
        '1',
        '1',
        'Hours',
        'Acme Cloud',
        'Acme Cloud',
        'Compute',
        'GPU',
        '"{""team"":""search""}"',
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

describe.each(databases.eachSupportedId())(
  'DatabaseFinopsStore billing charges (%s)',
  databaseId => {
    let knex: Knex;
    let store: DatabaseFinopsStore;

    beforeAll(async () => {
      ({ knex, store } = await initTestStore(databases, databaseId));
    });

    afterEach(async () => {
      await knex('finops_billing_charges').delete();
    });

    const count = async () => {
      const [{ n }] = await knex('finops_billing_charges').count({ n: '*' });
      return Number(n);
    };

    const totals = (groupBy: string[] = ['ProviderName']) =>
      store.queryBillingCosts({ groupBy });

    it('stores the rows with their dimensions and canonical tags', async () => {
      await expect(
        store.replaceBillingCharges(
          'aws',
          stream([
            charge(
              '2024-09-18T22:00:00Z',
              { BilledCost: 2.5, RegionId: 'us-west-2', ChargeClass: '' },
              { team: 'search', app: 'chat' },
            ),
          ]),
        ),
      ).resolves.toMatchObject({ rows: 1, billingPeriods: [SEPTEMBER] });

      const [row] = await knex('finops_billing_charges').select('*');
      expect(row).toMatchObject({
        source: 'aws',
        run_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        provider_name: 'AWS',
        region_id: 'us-west-2',
        charge_class: null,
        tags: '{"app":"chat","team":"search"}',
      });
      expect(String(row.billed_cost_nanos)).toBe('2500000000');
      await expect(
        store.queryBillingCosts({
          groupBy: [
            'BillingPeriodStart',
            'ChargePeriodStart',
            'ChargePeriodDay',
          ],
        }),
      ).resolves.toEqual([
        {
          group: {
            BillingPeriodStart: SEPTEMBER,
            ChargePeriodStart: '2024-09-18T22:00:00.000Z',
            ChargePeriodDay: '2024-09-18',
          },
          billedCost: 2.5,
          effectiveCost: 1,
          listCost: 1,
        },
      ]);
    });

    it('re-ingesting an export replaces its billing periods, no duplicates', async () => {
      const rows = Array.from({ length: 1200 }, (_, i) =>
        charge(`2024-09-${String((i % 28) + 1).padStart(2, '0')}T10:00:00Z`),
      );
      await store.replaceBillingCharges('aws', stream(rows));
      const first = await totals();
      await expect(
        store.replaceBillingCharges('aws', stream(rows)),
      ).resolves.toMatchObject({ rows: 1200, billingPeriods: [SEPTEMBER] });

      expect(await count()).toBe(1200);
      expect(await totals()).toEqual(first);
      expect(first).toEqual([
        {
          group: { ProviderName: 'AWS' },
          billedCost: 1200,
          effectiveCost: 1200,
          listCost: 1200,
        },
      ]);
    });

    it('derives the hourly cost facts from the charges; re-ingesting replaces them', async () => {
      const factTotal = async () => {
        const [row] = await knex('finops_cost_facts_hourly')
          .where('source', 'facts-test')
          .sum({ billed: 'billed_cost_nanos' })
          .count({ n: '*' });
        const [daily] = await knex('finops_cost_facts_daily')
          .where('source', 'facts-test')
          .sum({ billed: 'billed_cost_nanos' });
        return {
          billed: Number(row.billed) / 1e9,
          facts: Number(row.n),
          daily: Number(daily.billed) / 1e9,
        };
      };
      // Two hours, then the same period again moved to other days: the old
      // hours' facts go, nothing is doubled.
      await store.replaceBillingCharges('facts-test', [
        charge('2024-09-03T10:00:00Z', { BilledCost: 3 }),
        charge('2024-09-04T10:00:00Z', { BilledCost: 4 }),
      ]);
      expect(await factTotal()).toEqual({ billed: 7, facts: 2, daily: 7 });
      await expect(
        store.replaceBillingCharges('facts-test', [
          charge('2024-09-10T10:00:00Z', { BilledCost: 5 }),
        ]),
      ).resolves.toMatchObject({ rows: 1, costFacts: 1 });
      expect(await factTotal()).toEqual({ billed: 5, facts: 1, daily: 5 });
      const [fact] = await knex('finops_cost_facts_hourly').where(
        'source',
        'facts-test',
      );
      expect(fact).toMatchObject({
        workload: 'Amazon EC2',
        labels: expect.stringContaining('"focus.ai-finops.io/provider":"AWS"'),
      });
    });

    it('spreads charges that span days over every hour, a day at a time, without loss or overlap', async () => {
      // 72 h from mid-morning (three derivation chunks, none aligned to a
      // charge), a 30-minute charge inside one hour, and two charges of the
      // same dimensions in the same hours that sum into one fact each.
      await store.replaceBillingCharges('span-test', [
        charge('2024-09-03T10:00:00Z', {
          ChargePeriodEnd: '2024-09-06T10:00:00.000Z',
          BilledCost: 72,
        }),
        charge('2024-09-04T12:00:00Z', {
          ChargePeriodEnd: '2024-09-04T12:30:00.000Z',
          BilledCost: 0.5,
        }),
        charge('2024-09-05T00:00:00Z', {
          ChargePeriodEnd: '2024-09-05T02:00:00.000Z',
          BilledCost: 2,
        }),
      ]);
      const facts = await knex('finops_cost_facts_hourly')
        .where('source', 'span-test')
        .orderBy('hour');
      expect(facts).toHaveLength(72);
      const byHour = new Map<number, number>(
        facts.map(f => [
          new Date(f.hour).getTime(),
          Number(f.billed_cost_nanos) / 1e9,
        ]),
      );
      const at = (iso: string) => byHour.get(Date.parse(iso));
      expect(at('2024-09-03T10:00:00Z')).toBeCloseTo(1, 9);
      expect(at('2024-09-04T12:00:00Z')).toBeCloseTo(1.5, 9);
      expect(at('2024-09-05T01:00:00Z')).toBeCloseTo(2, 9);
      expect(at('2024-09-06T09:00:00Z')).toBeCloseTo(1, 9);
      const total = facts.reduce(
        (sum, f) => sum + Number(f.billed_cost_nanos) / 1e9,
        0,
      );
      expect(total).toBeCloseTo(74.5, 9);
      const [daily] = await knex('finops_cost_facts_daily')
        .where('source', 'span-test')
        .sum({ billed: 'billed_cost_nanos' });
      expect(Number(daily.billed) / 1e9).toBe(74.5);
    });

    it('sums resources into one fact unless the workload is named by a resource column', async () => {
      const rows = [
        charge('2024-09-03T10:00:00Z', { ResourceId: 'i-1', BilledCost: 2 }),
        charge('2024-09-03T10:00:00Z', { ResourceId: 'i-2', BilledCost: 3 }),
      ];
      const facts = async () =>
        (
          await knex('finops_cost_facts_hourly')
            .where('source', 'resource-test')
            .orderBy('workload')
        ).map(f => [f.workload, Number(f.billed_cost_nanos) / 1e9]);
      await store.replaceBillingCharges('resource-test', rows);
      expect(await facts()).toEqual([['Amazon EC2', 5]]);
      await store.replaceBillingCharges('resource-test', rows, {
        workload: 'ResourceId',
      });
      expect(await facts()).toEqual([
        ['i-1', 2],
        ['i-2', 3],
      ]);
    });

    it('keeps other sources and the periods the new export does not carry', async () => {
      await store.replaceBillingCharges('aws', [
        charge('2024-09-05T00:00:00Z', { BilledCost: 10 }),
        charge('2024-10-05T00:00:00Z', { BilledCost: 20 }),
        charge('2024-10-06T00:00:00Z', {
          BillingPeriodStart: null,
          BilledCost: 40,
        }),
      ]);
      await store.replaceBillingCharges('azure', [
        charge('2024-10-05T00:00:00Z', {
          BilledCost: 100,
          ProviderName: 'Azure',
        }),
      ]);

      // A corrected October export of 'aws': September stays, October and the
      // rows without a billing period are replaced.
      await expect(
        store.replaceBillingCharges('aws', [
          charge('2024-10-07T00:00:00Z', { BilledCost: 3 }),
          charge('2024-10-08T00:00:00Z', {
            BillingPeriodStart: null,
            BilledCost: 4,
          }),
        ]),
      ).resolves.toMatchObject({ rows: 2, billingPeriods: [OCTOBER] });

      const result = await store.queryBillingCosts({
        groupBy: ['ProviderName', 'BillingPeriodStart'],
      });
      expect(
        result.map(r => [
          r.group.ProviderName,
          r.group.BillingPeriodStart,
          r.billedCost,
        ]),
      ).toEqual([
        ['AWS', null, 4],
        ['AWS', SEPTEMBER, 10],
        ['AWS', OCTOBER, 3],
        ['Azure', OCTOBER, 100],
      ]);
      await expect(
        store.queryBillingCosts({ groupBy: [], source: 'azure' }),
      ).resolves.toEqual([
        { group: {}, billedCost: 100, effectiveCost: 1, listCost: 1 },
      ]);
    });

    it('rolls back when row 900 of the export is invalid, keeping the earlier data', async () => {
      await store.replaceBillingCharges(
        'aws',
        new FocusReader().read(Readable.from([focusCsv(10)]), 'first.csv'),
      );
      const before = await totals(['ProviderName', 'ChargePeriodDay']);
      expect(before).toEqual([
        {
          group: { ProviderName: 'Acme Cloud', ChargePeriodDay: '2024-09-02' },
          billedCost: 10,
          effectiveCost: 10,
          listCost: 10,
        },
      ]);

      const error = await store
        .replaceBillingCharges(
          'aws',
          new FocusReader().read(
            Readable.from([focusCsv(1000, row => (row === 900 ? 'abc' : '2'))]),
            'second.csv',
          ),
        )
        .then(
          () => undefined,
          e => e,
        );
      expect(error).toBeInstanceOf(FocusValidationError);
      expect(error.message).toBe(
        "second.csv: row 900, column BilledCost: 'abc' is not a decimal number",
      );
      expect(await count()).toBe(10);
      expect(await totals(['ProviderName', 'ChargePeriodDay'])).toEqual(before);
    });

    it('stores text with tabs, newlines, backslashes and quotes exactly', async () => {
      const odd = 'a\tb\nc\\d\re "q" \\N \u00e9\u{1F600}';
      await store.replaceBillingCharges('aws', [
        charge(
          '2024-09-18T22:00:00Z',
          { ResourceId: odd, ServiceName: '\\N', SkuId: '' },
          { [odd]: odd, plain: 'x' },
        ),
      ]);
      const [row] = await knex('finops_billing_charges').select('*');
      expect(row.resource_id).toBe(odd);
      expect(row.service_name).toBe('\\N');
      expect(row.sku_id).toBeNull();
      expect(JSON.parse(row.tags)).toEqual({ [odd]: odd, plain: 'x' });
    });

    it('stores an export of many rows, then replaces it, without duplicates', async () => {
      // Large enough for several COPY chunks on PostgreSQL.
      const rows = (scale: number) =>
        Array.from({ length: 12_000 }, (_, i) =>
          charge(
            `2024-09-${String((i % 28) + 1).padStart(2, '0')}T${String(
              i % 24,
            ).padStart(2, '0')}:00:00Z`,
            {
              BilledCost: scale * (i % 10),
              ResourceId: `arn:aws:ec2:us-east-1:123:instance/i-${i}`,
            },
            { app: `svc-${i % 7}` },
          ),
        );
      await expect(
        store.replaceBillingCharges('aws', stream(rows(1))),
      ).resolves.toMatchObject({ rows: 12_000, billingPeriods: [SEPTEMBER] });
      expect(await totals()).toEqual([
        {
          group: { ProviderName: 'AWS' },
          billedCost: 1200 * 45,
          effectiveCost: 12_000,
          listCost: 12_000,
        },
      ]);

      await store.replaceBillingCharges('aws', stream(rows(2)));
      expect(await count()).toBe(12_000);
      expect((await totals())[0].billedCost).toBe(2 * 1200 * 45);
      const [{ n }] = await knex('finops_billing_charges').countDistinct({
        n: 'resource_id',
      });
      expect(Number(n)).toBe(12_000);
    });

    it('rolls back when the reader fails after thousands of rows were sent', async () => {
      await store.replaceBillingCharges('aws', [
        charge('2024-09-05T00:00:00Z', { BilledCost: 10 }),
      ]);
      async function* failing(): AsyncIterable<FocusRow> {
        for (let i = 0; i < 9000; i++) {
          yield charge('2024-09-06T00:00:00Z', { ResourceId: `r-${i}` });
        }
        throw new Error('export truncated');
      }
      await expect(
        store.replaceBillingCharges('aws', failing()),
      ).rejects.toThrow('export truncated');
      expect(await count()).toBe(1);
      expect((await totals())[0].billedCost).toBe(10);

      // The connection is clean afterwards.
      await store.replaceBillingCharges('aws', [
        charge('2024-09-07T00:00:00Z', { BilledCost: 5 }),
      ]);
      expect((await totals())[0].billedCost).toBe(5);
    });

    it('names the row and column of a value the database refuses, in a later COPY chunk', async () => {
      await store.replaceBillingCharges('aws', [
        charge('2024-09-05T00:00:00Z', { BilledCost: 10 }),
      ]);
      const rows = Array.from({ length: 9000 }, (_, i) =>
        charge('2024-09-06T00:00:00Z', {
          ResourceId: `arn:aws:ec2:us-east-1:123:instance/i-${i}`,
          // ChargeCategory is a varchar(64).
          ...(i === 6999 ? { ChargeCategory: 'x'.repeat(65) } : {}),
        }),
      );
      const outcome = await store
        .replaceBillingCharges('aws', stream(rows))
        .then(
          ingestion => ({ rows: ingestion.rows }),
          error => ({ error: error.name, message: error.message }),
        );
      // SQLite does not enforce declared lengths: there the text is kept whole.
      const sqlite = databaseId === 'SQLITE_3';
      expect(outcome).toEqual(
        sqlite
          ? { rows: 9000 }
          : {
              error: 'InputError',
              message:
                'row 7000, column ChargeCategory: value too long for type character varying(64)',
            },
      );
      expect(await count()).toBe(sqlite ? 9000 : 1);
    });

    it('rejects a row without a cost, naming the row and column', async () => {
      await expect(
        store.replaceBillingCharges('aws', [
          charge('2024-09-01T00:00:00Z'),
          charge('2024-09-01T01:00:00Z', { EffectiveCost: null }),
        ]),
      ).rejects.toThrow(
        new InputError('row 2, column EffectiveCost: a value is required'),
      );
      expect(await count()).toBe(0);
      await expect(store.replaceBillingCharges('', [])).rejects.toThrow(
        InputError,
      );
    });

    it('rejects a charge that ends before it starts, naming the row, and stores nothing', async () => {
      await expect(
        store.replaceBillingCharges('aws', [
          charge('2024-09-01T00:00:00Z'),
          charge('2024-09-01T01:00:00Z', {
            ChargePeriodEnd: '2024-09-01T00:30:00.000Z',
          }),
        ]),
      ).rejects.toThrow(
        new InputError(
          'row 2, column ChargePeriodEnd: ChargePeriodEnd 2024-09-01T00:30:00.000Z is before ChargePeriodStart 2024-09-01T01:00:00.000Z',
        ),
      );
      expect(await count()).toBe(0);
    });

    it('sums per group, sorted by the group values, with nulls first', async () => {
      await store.replaceBillingCharges('mixed', [
        charge('2024-09-02T23:00:00Z', {
          ServiceCategory: 'Storage',
          BilledCost: 0.1,
          ListCost: null,
        }),
        charge('2024-09-02T01:00:00Z', {
          ServiceCategory: 'Storage',
          BilledCost: 0.2,
        }),
        charge('2024-09-03T00:00:00Z', {
          ServiceCategory: 'Storage',
          BilledCost: 0.4,
        }),
        charge('2024-09-02T05:00:00Z', {
          ServiceCategory: 'Compute',
          BilledCost: 8,
        }),
        charge('2024-09-02T05:00:00Z', {
          ServiceCategory: null,
          BilledCost: 16,
        }),
        charge('2024-09-02T05:00:00Z', {
          ProviderName: 'Azure',
          BilledCost: 32,
        }),
      ]);

      const rows = await store.queryBillingCosts({
        groupBy: ['ProviderName', 'ServiceCategory', 'ChargePeriodDay'],
      });
      expect(
        rows.map(r => [
          r.group.ProviderName,
          r.group.ServiceCategory,
          r.group.ChargePeriodDay,
          r.billedCost,
          r.listCost,
        ]),
      ).toEqual([
        ['AWS', null, '2024-09-02', 16, 1],
        ['AWS', 'Compute', '2024-09-02', 8, 1],
        ['AWS', 'Storage', '2024-09-02', expect.closeTo(0.3, 12), 1],
        ['AWS', 'Storage', '2024-09-03', 0.4, 1],
        ['Azure', 'Compute', '2024-09-02', 32, 1],
      ]);
    });

    it('filters on ChargePeriodStart by UTC days, both ends inclusive', async () => {
      await store.replaceBillingCharges('aws', [
        charge('2024-08-31T23:00:00Z', { BilledCost: 1 }),
        charge('2024-09-01T00:00:00Z', { BilledCost: 2 }),
        charge('2024-09-30T23:00:00Z', { BilledCost: 4 }),
        charge('2024-10-01T00:00:00Z', { BilledCost: 8 }),
      ]);
      const billed = async (from?: string, to?: string) =>
        (await store.queryBillingCosts({ groupBy: ['ProviderName'], from, to }))
          .map(r => r.billedCost)
          .reduce((a, b) => a + b, 0);

      expect(await billed('2024-09-01', '2024-09-30')).toBe(6);
      expect(await billed('2024-09-01')).toBe(14);
      expect(await billed(undefined, '2024-08-31')).toBe(1);
      expect(await billed('2024-09-30', '2024-09-30')).toBe(4);
      expect(await billed('2024-10-02')).toBe(0);
    });

    it('rejects unknown group-by columns and malformed days', async () => {
      await expect(
        store.queryBillingCosts({ groupBy: ['ProviderName', 'Nope'] }),
      ).rejects.toThrow(
        /^Unknown group-by column 'Nope'; expected one of ProviderName, .*ChargePeriodDay$/,
      );
      await expect(
        store.queryBillingCosts({ groupBy: ['ProviderName'] }),
      ).resolves.toEqual([]);
      await expect(
        store.queryBillingCosts({ groupBy: ['tags'] }),
      ).rejects.toThrow(InputError);
      await expect(
        store.queryBillingCosts({ groupBy: ['toString'] }),
      ).rejects.toThrow(InputError);
      await expect(
        store.queryBillingCosts({ groupBy: [], from: '2024-02-30' }),
      ).rejects.toThrow("Invalid from day '2024-02-30'; expected YYYY-MM-DD");
      await expect(
        store.queryBillingCosts({
          groupBy: [],
          from: '2024-09-02',
          to: '2024-09-01',
        }),
      ).rejects.toThrow(InputError);
    });
  },
);
