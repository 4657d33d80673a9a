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
import type { Knex } from 'knex';
import { DatabaseFinopsStore } from './DatabaseFinopsStore';
import { aCostRecord, aUsageRecord, HOUR } from '@ai-finops/test-utils';
import { toDate } from './time';
import { initTestStore } from './__testUtils__/testStore';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const DAY = 24 * HOUR;
const DIMENSIONS = [
  'source',
  'kubernetes_id',
  'namespace',
  'workload',
  'region',
  'gpu_model',
  'labels',
  'tags',
];

const window = (start: string, end: string) => ({
  start: new Date(start),
  end: new Date(end),
});

/**
 * Costs and usage of three workloads for every hour of [start, end), with
 * amounts that vary by hour and a `scale` so that a re-ingest differs.
 */
function* facts(start: string, end: string, scale = 1): Iterable<FinopsRecord> {
  for (let t = Date.parse(start); t < Date.parse(end); t += HOUR) {
    const hour = new Date(t).toISOString();
    const h = new Date(t).getUTCHours();
    for (const [i, id] of ['chat', 'rank', 'embed'].entries()) {
      const fields = {
        kubernetesId: id,
        workload: `Deployment/${id}`,
        labels: { app: id, tier: i === 2 ? 'batch' : 'inference' },
      };
      yield aCostRecord(hour, {
        ...fields,
        billedCost: scale * (h + 1) * (i + 1),
        effectiveCost: scale * (h + 0.5) * (i + 1),
        listCost: scale * (h + 2) * (i + 1),
        gpuModel: i === 0 ? 'NVIDIA-H100-80GB-HBM3' : undefined,
      });
      yield aCostRecord(hour, { ...fields, category: 'cpu', billedCost: 0.25 });
      yield aUsageRecord(hour, 'gpu_hours', scale * (i + 1), fields);
      // Two utilisation samples in some hours, none in others.
      if (h % 3 !== 0) {
        yield aUsageRecord(hour, 'gpu_utilization', (h % 10) / 10, fields);
        yield aUsageRecord(hour, 'gpu_utilization', (h % 7) / 7, fields);
      }
      yield aUsageRecord(hour, 'tokens_output', scale * 1000 * h, fields);
    }
  }
}

type Row = Record<string, any>;

const close = (a: number | null, b: number | null) =>
  a === null || b === null
    ? a === b
    : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

describe.each(databases.eachSupportedId())(
  'DatabaseFinopsStore daily roll-ups (%s)',
  databaseId => {
    let knex: Knex;
    let store: DatabaseFinopsStore;

    beforeAll(async () => {
      ({ knex, store } = await initTestStore(databases, databaseId));
    });

    afterEach(async () => {
      for (const table of [
        'finops_cost_facts_hourly',
        'finops_usage_facts_hourly',
        'finops_cost_facts_daily',
        'finops_usage_facts_daily',
        'finops_ingestion_runs',
      ]) {
        await knex(table).delete();
      }
    });

    const dayKey = (row: Row, time: 'hour' | 'day') => {
      const t = toDate(row[time]).getTime();
      return [
        new Date(t - (t % DAY)).toISOString(),
        ...DIMENSIONS.map(d => row[d]),
      ];
    };

    /** The daily sums of the hourly facts, computed here from their rows. */
    async function expectedRollups() {
      const costs = new Map<string, Row>();
      for (const row of await knex('finops_cost_facts_hourly').select('*')) {
        const key = JSON.stringify([
          ...dayKey(row, 'hour'),
          row.category,
          row.currency,
        ]);
        // Nano-units, summed as integers: the roll-up must equal them exactly.
        const sum = costs.get(key) ?? {
          billed_cost_nanos: 0n,
          effective_cost_nanos: 0n,
          list_cost_nanos: 0n,
        };
        sum.billed_cost_nanos += BigInt(row.billed_cost_nanos);
        sum.effective_cost_nanos += BigInt(row.effective_cost_nanos);
        sum.list_cost_nanos += BigInt(row.list_cost_nanos);
        costs.set(key, sum);
      }

      // Utilisation: the mean of an hour's samples, weighted by the
      // GPU-hours of the same hour and dimensions.
      const hours = new Map<string, { gpuHours: number; util: number[] }>();
      const usageRows = await knex('finops_usage_facts_hourly').select('*');
      for (const row of usageRows) {
        const key = JSON.stringify([
          toDate(row.hour).getTime(),
          ...DIMENSIONS.map(d => row[d]),
        ]);
        const hour = hours.get(key) ?? { gpuHours: 0, util: [] };
        if (row.metric === 'gpu_hours') hour.gpuHours += row.value;
        if (row.metric === 'gpu_utilization') hour.util.push(row.value);
        hours.set(key, hour);
      }
      const usage = new Map<string, Row>();
      for (const row of usageRows) {
        const key = JSON.stringify([...dayKey(row, 'hour'), row.metric]);
        const sum = usage.get(key) ?? {
          value: 0,
          samples: 0,
          utilization_weighted_gpu_hours: null,
          utilization_sampled_gpu_hours: null,
        };
        sum.value += row.value;
        sum.samples += 1;
        if (row.metric === 'gpu_hours') {
          const hour = hours.get(
            JSON.stringify([
              toDate(row.hour).getTime(),
              ...DIMENSIONS.map(d => row[d]),
            ]),
          )!;
          const util =
            hour.util.length > 0
              ? hour.util.reduce((a, b) => a + b, 0) / hour.util.length
              : undefined;
          sum.utilization_weighted_gpu_hours =
            (sum.utilization_weighted_gpu_hours ?? 0) +
            (util === undefined ? 0 : row.value * util);
          sum.utilization_sampled_gpu_hours =
            (sum.utilization_sampled_gpu_hours ?? 0) +
            (util === undefined ? 0 : row.value);
        }
        usage.set(key, sum);
      }
      return { costs, usage };
    }

    /** Checks that the roll-ups hold exactly the daily sums of the hourly facts. */
    async function expectRollupsToMatchHourly() {
      const expected = await expectedRollups();
      const costs = await knex('finops_cost_facts_daily').select('*');
      expect(costs).toHaveLength(expected.costs.size);
      for (const row of costs) {
        const key = JSON.stringify([
          ...dayKey(row, 'day'),
          row.category,
          row.currency,
        ]);
        expect(toDate(row.day).getTime() % DAY).toBe(0);
        const sum = expected.costs.get(key);
        expect(sum).toBeDefined();
        for (const column of [
          'billed_cost_nanos',
          'effective_cost_nanos',
          'list_cost_nanos',
        ]) {
          if (BigInt(row[column]) !== sum![column]) {
            throw new Error(
              `${column} of ${key}: roll-up ${row[column]}, hourly sum ${
                sum![column]
              }`,
            );
          }
        }
      }
      const usage = await knex('finops_usage_facts_daily').select('*');
      expect(usage).toHaveLength(expected.usage.size);
      for (const row of usage) {
        const key = JSON.stringify([...dayKey(row, 'day'), row.metric]);
        const sum = expected.usage.get(key);
        expect(sum).toBeDefined();
        expect(Number(row.samples)).toBe(sum!.samples);
        for (const column of [
          'value',
          'utilization_weighted_gpu_hours',
          'utilization_sampled_gpu_hours',
        ]) {
          if (!close(row[column], sum![column])) {
            throw new Error(
              `${column} of ${key}: roll-up ${row[column]}, hourly ${
                sum![column]
              }`,
            );
          }
        }
      }
      return { costDays: costs.length, usageDays: usage.length };
    }

    it('equal the daily sums of the hourly facts after ingest, re-ingest and retention', async () => {
      // Windows that start and end inside days, from two sources.
      await store.replaceWindow(
        'opencost',
        window('2026-11-01T05:00:00Z', '2026-11-03T17:00:00Z'),
        facts('2026-11-01T05:00:00Z', '2026-11-03T17:00:00Z'),
      );
      await store.replaceWindow(
        'opencost',
        window('2026-11-03T17:00:00Z', '2026-11-04T03:00:00Z'),
        facts('2026-11-03T17:00:00Z', '2026-11-04T03:00:00Z'),
      );
      await store.replaceWindow(
        'focus',
        window('2026-11-02T00:00:00Z', '2026-11-04T00:00:00Z'),
        facts('2026-11-02T00:00:00Z', '2026-11-04T00:00:00Z', 3),
      );
      const first = await expectRollupsToMatchHourly();
      // 4 days of opencost, 2 of focus; 3 workloads; gpu and cpu.
      expect(first.costDays).toBe((4 + 2) * 3 * 2);

      // Re-ingest six hours in the middle of 2 November with other amounts,
      // and fewer hours than before at the end of the 3rd: the days keep
      // their other hours.
      await store.replaceWindow(
        'opencost',
        window('2026-11-02T09:00:00Z', '2026-11-02T15:00:00Z'),
        facts('2026-11-02T09:00:00Z', '2026-11-02T15:00:00Z', 7),
      );
      await store.replaceWindow(
        'opencost',
        window('2026-11-03T12:00:00Z', '2026-11-04T03:00:00Z'),
        facts('2026-11-03T12:00:00Z', '2026-11-03T14:00:00Z', 2),
      );
      await expectRollupsToMatchHourly();
      // 4 November lost its hours: its roll-ups are gone too.
      await expect(
        knex('finops_cost_facts_daily').where(
          'day',
          '>=',
          new Date('2026-11-04T00:00:00Z'),
        ),
      ).resolves.toEqual([]);

      // A failed re-ingest changes nothing.
      const before = await knex('finops_cost_facts_daily')
        .select('*')
        .orderBy('id');
      await expect(
        store.replaceWindow(
          'opencost',
          window('2026-11-02T00:00:00Z', '2026-11-03T00:00:00Z'),
          [
            ...facts('2026-11-02T00:00:00Z', '2026-11-02T05:00:00Z'),
            aCostRecord('2026-11-02T06:00:00Z', { listCost: NaN }),
          ],
        ),
      ).rejects.toThrow(/'listCost'/);
      await expect(
        knex('finops_cost_facts_daily').select('*').orderBy('id'),
      ).resolves.toEqual(before);

      // Retention in the middle of a day: earlier days go, the day is cut.
      await store.deleteFactsBefore(new Date('2026-11-02T10:00:00Z'));
      const after = await expectRollupsToMatchHourly();
      expect(after.costDays).toBeLessThan(first.costDays);
      const [{ first: firstDay }] = await knex('finops_cost_facts_daily').min({
        first: 'day',
      });
      expect(toDate(firstDay).toISOString()).toBe('2026-11-02T00:00:00.000Z');

      // And on a day boundary.
      await store.deleteFactsBefore(new Date('2026-11-03T00:00:00Z'));
      await expectRollupsToMatchHourly();
    });
  },
);
