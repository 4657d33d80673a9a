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

import type {
  FinopsDataSource,
  FinopsReadOptions,
  FinopsRecord,
} from '@ai-finops/backstage-plugin-finops-node';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { DatabaseFinopsStore } from '../database';
import { hourlyCostRecords } from '../__fixtures__/records';
import {
  FinopsIngestion,
  ingestionTaskId,
  planWindows,
} from './FinopsIngestion';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** A source with one GPU cost of 1 per hour, recording what it was asked. */
class HourlySource implements FinopsDataSource {
  readonly windows: string[] = [];
  failOn?: string;

  constructor(readonly id: string, readonly backfill?: { days: number }) {}

  async *read({ window }: FinopsReadOptions): AsyncIterable<FinopsRecord> {
    const span = `${window.start.toISOString()}/${window.end.toISOString()}`;
    this.windows.push(span);
    if (this.failOn === window.start.toISOString()) {
      throw new Error(`export for ${span} is not ready`);
    }
    yield* hourlyCostRecords(window);
  }
}

describe('planWindows', () => {
  it('splits a range into windows ending on UTC days', () => {
    const windows = planWindows(
      new Date('2026-11-01T05:00:00Z'),
      new Date('2026-11-03T05:00:00Z'),
    ).map(w => `${w.start.toISOString()}/${w.end.toISOString()}`);
    expect(windows).toEqual([
      '2026-11-01T05:00:00.000Z/2026-11-02T00:00:00.000Z',
      '2026-11-02T00:00:00.000Z/2026-11-03T00:00:00.000Z',
      '2026-11-03T00:00:00.000Z/2026-11-03T05:00:00.000Z',
    ]);
    expect(planWindows(new Date(0), new Date(0))).toEqual([]);
  });
});

describe('FinopsIngestion', () => {
  it('refuses two data sources with the same id', () => {
    expect(
      () =>
        new FinopsIngestion({
          logger: mockServices.logger.mock(),
          scheduler: mockServices.scheduler(),
          store: {} as any,
          dataSources: [new HourlySource('demo'), new HourlySource('demo')],
        }),
    ).toThrow(/Duplicate FinOps data source id 'demo'/);
  });
});

describe.each(databases.eachSupportedId())(
  'FinopsIngestion (%s)',
  databaseId => {
    let knex: Knex;
    let store: DatabaseFinopsStore;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      store = await DatabaseFinopsStore.create({
        database: mockServices.database({ knex }),
      });
    });

    const costFacts = async () => {
      const [{ count, total }] = await knex('finops_cost_facts_hourly')
        .count({ count: '*' })
        .sum({ total: 'effective_cost' });
      return { count: Number(count), total: Number(total ?? 0) };
    };

    function setup(now: { current: Date }, source = new HourlySource('test')) {
      const scheduler = mockServices.scheduler();
      const ingestion = new FinopsIngestion({
        logger: mockServices.logger.mock(),
        scheduler,
        store,
        dataSources: [source],
        backfill: { days: 2 },
        now: () => now.current,
      });
      return { scheduler, ingestion, source };
    }

    it('schedules a global task per source that ingests in daily windows', async () => {
      const now = { current: new Date('2026-11-03T05:20:00Z') };
      const { scheduler, ingestion, source } = setup(now);

      await ingestion.start();
      await expect(scheduler.getScheduledTasks()).resolves.toEqual([
        expect.objectContaining({ id: 'finops-ingest-test', scope: 'global' }),
      ]);

      await scheduler.triggerTask(ingestionTaskId('test'));

      expect(source.windows).toEqual([
        '2026-11-01T05:00:00.000Z/2026-11-02T00:00:00.000Z',
        '2026-11-02T00:00:00.000Z/2026-11-03T00:00:00.000Z',
        '2026-11-03T00:00:00.000Z/2026-11-03T05:00:00.000Z',
      ]);
      await expect(costFacts()).resolves.toEqual({ count: 48, total: 48 });
      const runs = await store.listIngestionRuns({ sourceId: 'test' });
      expect(runs.map(r => [r.status, r.costRows])).toEqual([
        ['succeeded', 5],
        ['succeeded', 24],
        ['succeeded', 19],
      ]);
    });

    it('continues where the last run ended and never duplicates a window', async () => {
      const now = { current: new Date('2026-11-03T05:20:00Z') };
      const { scheduler, ingestion, source } = setup(now);
      await ingestion.start();
      await scheduler.triggerTask(ingestionTaskId('test'));

      // Same hour: nothing new to read.
      source.windows.length = 0;
      await scheduler.triggerTask(ingestionTaskId('test'));
      expect(source.windows).toEqual([]);

      // An hour later: only the new hour.
      now.current = new Date('2026-11-03T06:01:00Z');
      await scheduler.triggerTask(ingestionTaskId('test'));
      expect(source.windows).toEqual([
        '2026-11-03T05:00:00.000Z/2026-11-03T06:00:00.000Z',
      ]);
      await expect(costFacts()).resolves.toEqual({ count: 49, total: 49 });

      // With the run history gone, every window is read again and replaced.
      await knex('finops_ingestion_runs').delete();
      source.windows.length = 0;
      await scheduler.triggerTask(ingestionTaskId('test'));
      expect(source.windows).toHaveLength(3);
      await expect(costFacts()).resolves.toEqual({ count: 49, total: 49 });
    });

    it('stops at a failing window and resumes there on the next run', async () => {
      const now = { current: new Date('2026-11-03T05:20:00Z') };
      const { ingestion, source } = setup(now);
      source.failOn = '2026-11-02T00:00:00.000Z';

      await expect(ingestion.ingest('test')).rejects.toThrow(
        /Ingestion of FinOps data source 'test' failed for window \[2026-11-02T00:00:00.000Z, 2026-11-03T00:00:00.000Z\).*not ready/,
      );
      expect(source.windows).toHaveLength(2);
      await expect(costFacts()).resolves.toEqual({ count: 19, total: 19 });
      const [failed] = await store.listIngestionRuns();
      expect(failed).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/not ready/),
      });

      source.failOn = undefined;
      source.windows.length = 0;
      const runs = await ingestion.ingest('test');
      expect(source.windows[0]).toBe(
        '2026-11-02T00:00:00.000Z/2026-11-03T00:00:00.000Z',
      );
      expect(runs).toHaveLength(2);
      await expect(costFacts()).resolves.toEqual({ count: 48, total: 48 });
    });

    it("uses the source's own backfill", async () => {
      const now = { current: new Date('2026-11-03T05:20:00Z') };
      const { ingestion, source } = setup(
        now,
        new HourlySource('test', { days: 1 }),
      );

      await ingestion.ingest('test');

      expect(source.windows[0]).toBe(
        '2026-11-02T05:00:00.000Z/2026-11-03T00:00:00.000Z',
      );
    });

    it('rejects triggering an unknown source', async () => {
      const { ingestion } = setup({ current: new Date() });
      await expect(ingestion.trigger('nope')).rejects.toThrow(
        "No FinOps data source with id 'nope'",
      );
    });
  },
);
