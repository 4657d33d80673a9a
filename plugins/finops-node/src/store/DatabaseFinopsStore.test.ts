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

import type { FinopsRecord } from '../dataSources';
import { TestDatabases } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import type { Knex } from 'knex';
import { DatabaseFinopsStore } from './DatabaseFinopsStore';
import type { FinopsFactMatcher } from './FinopsStore';
import { aCostRecord, aUsageRecord } from '@ai-finops/test-utils';
import { initTestStore } from './__testUtils__/testStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const cost = aCostRecord;
const usage = aUsageRecord;

async function* stream(
  records: Iterable<unknown>,
): AsyncIterable<FinopsRecord> {
  for (const record of records) {
    yield record as FinopsRecord;
  }
}

const window = (start: string, end: string) => ({
  start: new Date(start),
  end: new Date(end),
});

const NOV_3 = window('2026-11-03T00:00:00Z', '2026-11-04T00:00:00Z');

describe.each(databases.eachSupportedId())(
  'DatabaseFinopsStore (%s)',
  databaseId => {
    let knex: Knex;
    let store: DatabaseFinopsStore;

    beforeAll(async () => {
      ({ knex, store } = await initTestStore(databases, databaseId));
    });

    afterEach(async () => {
      await knex('finops_cost_facts_hourly').delete();
      await knex('finops_usage_facts_hourly').delete();
      await knex('finops_cost_facts_daily').delete();
      await knex('finops_usage_facts_daily').delete();
      await knex('finops_ingestion_runs').delete();
    });

    const countRows = async (table: string) => {
      const [{ count }] = await knex(table).count({ count: '*' });
      return Number(count);
    };

    /** Costs of November 2026 the store reads for `filter`, summed. */
    const monthToDate = async (filter: FinopsFactMatcher[]) => {
      const total = { billedCost: 0, effectiveCost: 0, listCost: 0 };
      for (const group of await store.queryCostGroups({
        from: new Date('2026-11-01T00:00:00Z'),
        to: new Date('2026-12-01T00:00:00Z'),
        currency: 'USD',
        filter,
      })) {
        total.billedCost += group.billedCost;
        total.effectiveCost += group.effectiveCost;
        total.listCost += group.listCost;
      }
      return total;
    };

    const totalFor = (kubernetesId: string) => monthToDate([{ kubernetesId }]);

    describe('replaceWindow', () => {
      it('stores the facts and records a successful run', async () => {
        const run = await store.replaceWindow(
          'focus',
          NOV_3,
          stream([
            cost('2026-11-03T00:00:00Z', {
              billedCost: 3,
              effectiveCost: 2,
              listCost: 4,
              labels: { tier: 'inference', app: 'chat' },
              tags: { team: 'search' },
            }),
            usage('2026-11-03T01:00:00.000Z', 'gpu_hours', 2),
          ]),
        );

        expect(run).toMatchObject({
          sourceId: 'focus',
          status: 'succeeded',
          costRows: 1,
          usageRows: 1,
          windowStart: NOV_3.start,
          windowEnd: NOV_3.end,
        });
        expect(run.checksum).toMatch(/^[0-9a-f]{64}$/);

        const [row] = await knex('finops_cost_facts_hourly').select('*');
        expect(row).toMatchObject({
          source: 'focus',
          category: 'gpu',
          currency: 'USD',
          kubernetes_id: 'chat',
          namespace: null,
          labels: '{"app":"chat","tier":"inference"}',
          tags: '{"team":"search"}',
        });
        // Money in nano-units (PostgreSQL hands bigint out as text).
        expect(
          [
            row.billed_cost_nanos,
            row.effective_cost_nanos,
            row.list_cost_nanos,
          ].map(String),
        ).toEqual(['3000000000', '2000000000', '4000000000']);

        await expect(store.listIngestionRuns()).resolves.toEqual([
          expect.objectContaining({
            id: run.id,
            status: 'succeeded',
            checksum: run.checksum,
            startedAt: expect.any(Date),
            finishedAt: expect.any(Date),
          }),
        ]);
      });

      it('stores text with tabs, newlines and backslashes exactly', async () => {
        const odd = 'Deployment/a\tb\nc\\d\r\\N é';
        await store.replaceWindow('focus', NOV_3, [
          cost('2026-11-03T00:00:00Z', {
            workload: odd,
            labels: { [odd]: 'x\\y' },
          }),
          usage('2026-11-03T00:00:00Z', 'gpu_hours', 1, { namespace: '\\N' }),
        ]);
        const [row] = await knex('finops_cost_facts_hourly').select('*');
        expect(row.workload).toBe(odd);
        expect(JSON.parse(row.labels)).toEqual({ [odd]: 'x\\y' });
        const [usageRow] = await knex('finops_usage_facts_hourly').select('*');
        expect(usageRow.namespace).toBe('\\N');
        expect(usageRow.region).toBeNull();
      });

      it('stores windows larger than one COPY chunk', async () => {
        const records = Array.from({ length: 24 * 600 }, (_, i) =>
          cost(`2026-11-03T${String(i % 24).padStart(2, '0')}:00:00Z`, {
            workload: `Deployment/w${i}`,
            effectiveCost: 0.5,
          }),
        );
        const run = await store.replaceWindow('focus', NOV_3, records);
        expect(run.costRows).toBe(records.length);
        expect((await totalFor('chat')).effectiveCost).toBe(records.length / 2);
      });

      it('is idempotent: the same window twice gives the same totals', async () => {
        const records = [
          cost('2026-11-03T00:00:00Z', { effectiveCost: 10 }),
          cost('2026-11-03T01:00:00Z', { effectiveCost: 5 }),
          cost('2026-11-03T23:00:00Z', { effectiveCost: 1, category: 'cpu' }),
          usage('2026-11-03T00:00:00Z', 'tokens_output', 1000),
        ];

        const first = await store.replaceWindow(
          'focus',
          NOV_3,
          stream(records),
        );
        const totalsAfterFirst = await totalFor('chat');
        const second = await store.replaceWindow('focus', NOV_3, records);
        const totalsAfterSecond = await totalFor('chat');

        expect(totalsAfterFirst.effectiveCost).toBe(16);
        expect(totalsAfterSecond).toEqual(totalsAfterFirst);
        expect(await countRows('finops_cost_facts_hourly')).toBe(3);
        expect(await countRows('finops_usage_facts_hourly')).toBe(1);
        expect(second.checksum).toBe(first.checksum);
        expect(second.id).not.toBe(first.id);
      });

      it('replaces only that source and only inside the window', async () => {
        await store.replaceWindow(
          'focus',
          window('2026-11-02T00:00:00Z', '2026-11-05T00:00:00Z'),
          [
            cost('2026-11-02T23:00:00Z', { effectiveCost: 100 }),
            cost('2026-11-03T12:00:00Z', { effectiveCost: 200 }),
            cost('2026-11-04T00:00:00Z', { effectiveCost: 400 }),
          ],
        );
        await store.replaceWindow('opencost', NOV_3, [
          cost('2026-11-03T12:00:00Z', { effectiveCost: 1000 }),
        ]);

        await store.replaceWindow('focus', NOV_3, [
          cost('2026-11-03T13:00:00Z', { effectiveCost: 3 }),
        ]);

        expect((await totalFor('chat')).effectiveCost).toBe(
          100 + 3 + 400 + 1000,
        );
      });

      it('rolls back a window with an invalid record and keeps the earlier data', async () => {
        await store.replaceWindow('focus', NOV_3, [
          cost('2026-11-03T00:00:00Z', { effectiveCost: 7 }),
          usage('2026-11-03T00:00:00Z', 'requests', 3),
        ]);
        const before = await totalFor('chat');

        // More records than one insert batch, so some were already written
        // inside the transaction when the bad one arrives.
        const records: unknown[] = Array.from({ length: 2500 }, (_, i) =>
          cost(`2026-11-03T${String(i % 24).padStart(2, '0')}:00:00Z`, {
            workload: `Deployment/w${i}`,
          }),
        );
        records.push(cost('2026-11-03T05:00:00Z', { billedCost: NaN }));

        const error = await store
          .replaceWindow('focus', NOV_3, stream(records))
          .then(
            () => undefined,
            e => e,
          );
        expect(error).toBeInstanceOf(InputError);
        expect(error.message).toMatch(/record #2500\b/);
        expect(error.message).toMatch(/'billedCost'/);

        expect(await totalFor('chat')).toEqual(before);
        expect(await countRows('finops_cost_facts_hourly')).toBe(1);
        expect(await countRows('finops_usage_facts_hourly')).toBe(1);

        const runs = await store.listIngestionRuns({ sourceId: 'focus' });
        expect(runs.map(r => r.status)).toEqual(['failed', 'succeeded']);
        expect(runs[0]).toMatchObject({
          costRows: 0,
          usageRows: 0,
          finishedAt: expect.any(Date),
        });
        expect(runs[0].error).toMatch(/InputError: .*record #2500.*billedCost/);
        expect(runs[0].checksum).toBeUndefined();
      });

      it('rolls back when the source itself fails', async () => {
        await store.replaceWindow('focus', NOV_3, [
          cost('2026-11-03T00:00:00Z', { effectiveCost: 7 }),
        ]);
        async function* failing(): AsyncIterable<FinopsRecord> {
          yield cost('2026-11-03T01:00:00Z');
          throw new Error('billing export unavailable');
        }

        await expect(
          store.replaceWindow('focus', NOV_3, failing()),
        ).rejects.toThrow('billing export unavailable');
        expect((await totalFor('chat')).effectiveCost).toBe(7);
        const [latest] = await store.listIngestionRuns();
        expect(latest.status).toBe('failed');
        expect(latest.error).toMatch(/billing export unavailable/);
      });

      it.each([
        [
          'an hour before the window',
          cost('2026-11-02T23:00:00Z'),
          /record #1 .*'hour' 2026-11-02T23:00:00.000Z lies outside the window/,
        ],
        [
          'the hour the window ends',
          cost('2026-11-04T00:00:00Z'),
          /record #1 .*'hour' .*outside the window/,
        ],
        [
          'an hour that is not whole',
          cost('2026-11-03T10:30:00Z'),
          /record #1 .*'hour' must be the start of an hour/,
        ],
        [
          'an unparseable hour',
          cost('yesterday'),
          /record #1 .*'hour' must be an ISO-8601 timestamp/,
        ],
        [
          'an infinite amount',
          cost('2026-11-03T10:00:00Z', { listCost: Infinity }),
          /record #1 .*'listCost' must be a finite number, got Infinity/,
        ],
        [
          'an amount given as text',
          cost('2026-11-03T10:00:00Z', { effectiveCost: '5' as any }),
          /record #1 .*'effectiveCost' must be a finite number/,
        ],
        [
          'a non-finite usage value',
          usage('2026-11-03T10:00:00Z', 'requests', NaN),
          /record #1 .*'value' must be a finite number, got NaN/,
        ],
        [
          'an unknown category',
          cost('2026-11-03T10:00:00Z', { category: 'coffee' as any }),
          /record #1 .*'category' must be one of/,
        ],
        [
          'a malformed currency',
          cost('2026-11-03T10:00:00Z', { currency: 'usd' }),
          /record #1 .*'currency'/,
        ],
        [
          'a non-string label',
          cost('2026-11-03T10:00:00Z', { labels: { replicas: 3 as any } }),
          /record #1 .*'labels.replicas' must be a string/,
        ],
        [
          'an unknown type',
          { type: 'carbon', hour: '2026-11-03T10:00:00Z' },
          /record #1 .*'type' must be 'cost' or 'usage'/,
        ],
      ])(
        'rejects %s, naming the record and the field',
        async (_, bad, message) => {
          await expect(
            store.replaceWindow(
              'focus',
              NOV_3,
              stream([cost('2026-11-03T00:00:00Z'), bad]),
            ),
          ).rejects.toThrow(message);
          expect(await countRows('finops_cost_facts_hourly')).toBe(0);
        },
      );

      it('rejects an invalid window before reading anything', async () => {
        await expect(
          store.replaceWindow(
            'focus',
            window('2026-11-03T00:00:00Z', '2026-11-03T00:00:00Z'),
            [],
          ),
        ).rejects.toThrow(InputError);
        await expect(
          store.replaceWindow(
            'focus',
            window('2026-11-03T00:15:00Z', '2026-11-03T02:00:00Z'),
            [],
          ),
        ).rejects.toThrow(/whole hours/);
      });
    });

    describe('allocation matching', () => {
      beforeEach(async () => {
        const at = '2026-11-03T10:00:00Z';
        await store.replaceWindow('focus', NOV_3, [
          cost(at, { effectiveCost: 1, kubernetesId: 'chat' }),
          cost(at, {
            effectiveCost: 2,
            kubernetesId: undefined,
            labels: { app: 'ranker', tier: 'inference', zone: 'a' },
          }),
          cost(at, {
            effectiveCost: 4,
            kubernetesId: undefined,
            labels: { app: 'ranker' },
          }),
          cost(at, {
            effectiveCost: 8,
            kubernetesId: undefined,
            tags: { app: 'ranker', team: 'search' },
          }),
          cost(at, {
            effectiveCost: 16,
            kubernetesId: undefined,
            labels: { app: 'Ranker', tier: 'inference' },
          }),
          cost(at, {
            effectiveCost: 32,
            kubernetesId: undefined,
            labels: { app: 'rankXr', tier: 'inference' },
          }),
          cost(at, {
            effectiveCost: 64,
            kubernetesId: undefined,
            labels: { app: 'rank_r', tier: 'inference' },
          }),
          cost(at, {
            effectiveCost: 128,
            kubernetesId: 'chat',
            labels: { app: 'ranker', tier: 'inference' },
          }),
          cost(at, {
            effectiveCost: 256,
            kubernetesId: 'chat-v2',
            labels: { 'ranker"': 'x' },
          }),
        ]);
      });

      const effective = async (keys: {
        kubernetesId?: string;
        labelSelector?: Record<string, string>;
        billingTags?: Record<string, string>;
      }) =>
        (
          await monthToDate([
            ...(keys.kubernetesId ? [{ kubernetesId: keys.kubernetesId }] : []),
            ...(keys.labelSelector ? [{ labels: keys.labelSelector }] : []),
            ...(keys.billingTags ? [{ tags: keys.billingTags }] : []),
          ])
        ).effectiveCost;

      it('matches by Kubernetes id, exactly', async () => {
        await expect(effective({ kubernetesId: 'chat' })).resolves.toBe(
          1 + 128,
        );
      });

      it('matches a label selector only when every label is present', async () => {
        await expect(
          effective({ labelSelector: { app: 'ranker', tier: 'inference' } }),
        ).resolves.toBe(2 + 128);
        await expect(
          effective({ labelSelector: { app: 'ranker' } }),
        ).resolves.toBe(2 + 4 + 128);
      });

      it('compares label values case-sensitively and takes _ and % literally', async () => {
        await expect(
          effective({ labelSelector: { app: 'rank_r', tier: 'inference' } }),
        ).resolves.toBe(64);
        await expect(
          effective({ labelSelector: { app: 'rank%' } }),
        ).resolves.toBe(0);
        await expect(
          effective({ labelSelector: { app: 'Ranker' } }),
        ).resolves.toBe(16);
      });

      it('matches billing tags only against tags', async () => {
        await expect(
          effective({ billingTags: { team: 'search' } }),
        ).resolves.toBe(8);
        await expect(
          effective({ billingTags: { team: 'search', app: 'ranker' } }),
        ).resolves.toBe(8);
        await expect(
          effective({ billingTags: { team: 'search', app: 'chat' } }),
        ).resolves.toBe(0);
      });

      it('ORs the keys and counts a fact matching several keys once', async () => {
        await expect(
          effective({
            kubernetesId: 'chat',
            labelSelector: { app: 'ranker', tier: 'inference' },
            billingTags: { team: 'search' },
          }),
        ).resolves.toBe(1 + 2 + 8 + 128);
      });

      it('matches nothing without keys', async () => {
        await expect(effective({})).resolves.toBe(0);
      });
    });

    describe('runs and retention', () => {
      it('lists runs newest first, by source and with a limit', async () => {
        await store.replaceWindow('a', NOV_3, []);
        await store.replaceWindow('b', NOV_3, []);
        await store.replaceWindow(
          'a',
          window('2026-11-04T00:00:00Z', '2026-11-05T00:00:00Z'),
          [],
        );

        const all = await store.listIngestionRuns();
        expect(all.map(r => r.sourceId)).toEqual(['a', 'b', 'a']);
        const onlyA = await store.listIngestionRuns({
          sourceId: 'a',
          limit: 1,
        });
        expect(onlyA).toHaveLength(1);
        expect(onlyA[0].windowEnd).toEqual(new Date('2026-11-05T00:00:00Z'));
      });

      it('knows where the last successful window ended, ignoring failures', async () => {
        await expect(
          store.getLastSuccessfulWindowEnd('a'),
        ).resolves.toBeUndefined();

        await store.replaceWindow('a', NOV_3, []);
        await expect(
          store.replaceWindow(
            'a',
            window('2026-11-04T00:00:00Z', '2026-11-05T00:00:00Z'),
            [cost('2026-11-01T00:00:00Z')],
          ),
        ).rejects.toThrow(InputError);
        await store.replaceWindow(
          'b',
          window('2026-11-04T00:00:00Z', '2026-11-06T00:00:00Z'),
          [],
        );

        await expect(store.getLastSuccessfulWindowEnd('a')).resolves.toEqual(
          NOV_3.end,
        );
      });

      it('deletes facts and finished runs before a date', async () => {
        await store.replaceWindow(
          'focus',
          window('2026-11-01T00:00:00Z', '2026-11-03T00:00:00Z'),
          [
            cost('2026-11-01T23:00:00Z'),
            usage('2026-11-01T23:00:00Z', 'requests', 1),
            cost('2026-11-02T00:00:00Z'),
          ],
        );
        await store.replaceWindow('focus', NOV_3, [
          cost('2026-11-03T00:00:00Z'),
        ]);

        await expect(
          store.deleteFactsBefore(new Date('2026-11-02T00:00:00Z')),
        ).resolves.toEqual({ costRows: 1, usageRows: 1, runs: 0 });
        await expect(
          store.deleteFactsBefore(new Date('2026-11-03T00:00:00Z')),
        ).resolves.toEqual({ costRows: 1, usageRows: 0, runs: 1 });
        expect(await countRows('finops_cost_facts_hourly')).toBe(1);
        expect(await store.listIngestionRuns()).toHaveLength(1);
      });
    });
  },
);
