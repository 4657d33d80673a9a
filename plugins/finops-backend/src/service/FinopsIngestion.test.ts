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
import { DatabaseFinopsStore } from '@ai-finops/backstage-plugin-finops-node';
import { hourlyCostRecords } from '@ai-finops/test-utils';
import {
  FinopsIngestion,
  ingestionTaskId,
  planWindows,
  windowGrid,
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

  const spans = (from: string, to: string, size: object) =>
    planWindows(new Date(from), new Date(to), size).map(
      w => `${w.start.toISOString()}/${w.end.toISOString()}`,
    );

  it('cuts a size of whole months at calendar months', () => {
    expect(
      spans('2024-08-20T06:00:00Z', '2024-11-02T00:00:00Z', { months: 1 }),
    ).toEqual([
      '2024-08-20T06:00:00.000Z/2024-09-01T00:00:00.000Z',
      '2024-09-01T00:00:00.000Z/2024-10-01T00:00:00.000Z',
      '2024-10-01T00:00:00.000Z/2024-11-01T00:00:00.000Z',
      '2024-11-01T00:00:00.000Z/2024-11-02T00:00:00.000Z',
    ]);
    expect(
      spans('2024-02-10T00:00:00Z', '2024-08-01T00:00:00Z', { months: 3 }),
    ).toEqual([
      '2024-02-10T00:00:00.000Z/2024-04-01T00:00:00.000Z',
      '2024-04-01T00:00:00.000Z/2024-07-01T00:00:00.000Z',
      '2024-07-01T00:00:00.000Z/2024-08-01T00:00:00.000Z',
    ]);
  });

  it('cuts a fixed size at its multiples since the epoch', () => {
    // 1970-01-01 was a Thursday: 7-day windows run Thursday to Thursday.
    expect(
      spans('2026-11-02T05:00:00Z', '2026-11-20T00:00:00Z', { days: 7 }),
    ).toEqual([
      '2026-11-02T05:00:00.000Z/2026-11-05T00:00:00.000Z',
      '2026-11-05T00:00:00.000Z/2026-11-12T00:00:00.000Z',
      '2026-11-12T00:00:00.000Z/2026-11-19T00:00:00.000Z',
      '2026-11-19T00:00:00.000Z/2026-11-20T00:00:00.000Z',
    ]);
    expect(
      spans('2026-11-02T05:00:00Z', '2026-11-02T13:00:00Z', { hours: 6 }),
    ).toEqual([
      '2026-11-02T05:00:00.000Z/2026-11-02T06:00:00.000Z',
      '2026-11-02T06:00:00.000Z/2026-11-02T12:00:00.000Z',
      '2026-11-02T12:00:00.000Z/2026-11-02T13:00:00.000Z',
    ]);
  });

  it('rejects sizes that are not whole hours or mix months with days', () => {
    expect(() => windowGrid({ minutes: 90 })).toThrow(
      /must be a positive whole number of hours/,
    );
    expect(() => windowGrid({ hours: 0 })).toThrow(/positive whole number/);
    expect(() => windowGrid({ months: 1, days: 2 })).toThrow(
      /months or years must be a positive whole number of months and nothing else/,
    );
    expect(windowGrid({ years: 1 })).toEqual({ kind: 'months', months: 12 });
    expect(windowGrid()).toEqual({ kind: 'fixed', ms: 86_400_000 });
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

  it('refuses a source with an invalid window size', () => {
    const source = Object.assign(new HourlySource('focus'), {
      windowSize: { minutes: 30 },
    });
    expect(
      () =>
        new FinopsIngestion({
          logger: mockServices.logger.mock(),
          scheduler: mockServices.scheduler(),
          store: {} as any,
          dataSources: [source],
        }),
    ).toThrow(/FinOps data source 'focus': Invalid window size/);
  });

  it("schedules a source on its own schedule when it has one, else the backend's", async () => {
    const scheduler = mockServices.scheduler();
    const scheduleTask = jest.spyOn(scheduler, 'scheduleTask');
    const own = Object.assign(new HourlySource('focus'), {
      schedule: { frequency: { hours: 6 }, timeout: { hours: 1 } },
    });
    await new FinopsIngestion({
      logger: mockServices.logger.mock(),
      scheduler,
      store: {} as any,
      dataSources: [own, new HourlySource('opencost')],
      schedule: { frequency: { minutes: 30 }, timeout: { minutes: 10 } },
    }).start();
    expect(scheduleTask.mock.calls.map(([task]) => task)).toEqual([
      expect.objectContaining({
        id: 'finops-ingest-focus',
        scope: 'global',
        frequency: { hours: 6 },
        timeout: { hours: 1 },
      }),
      expect.objectContaining({
        id: 'finops-ingest-opencost',
        scope: 'global',
        frequency: { minutes: 30 },
        timeout: { minutes: 10 },
      }),
    ]);
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
        .sum({ total: 'effective_cost_nanos' });
      return { count: Number(count), total: Number(total ?? 0) / 1e9 };
    };

    function setup<S extends FinopsDataSource = HourlySource>(
      now: { current: Date },
      given?: S,
      lookback: object = { hours: 0 },
    ) {
      const source = (given ?? new HourlySource('test')) as S;
      const scheduler = mockServices.scheduler();
      const ingestion = new FinopsIngestion({
        logger: mockServices.logger.mock(),
        scheduler,
        store,
        dataSources: [source],
        backfill: { days: 2 },
        lookback,
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

    /**
     * A billing export in miniature: an amount per hour that can be revised
     * later, as providers do for days after the fact.
     */
    class RevisedSource implements FinopsDataSource {
      readonly windows: string[] = [];
      readonly amounts = new Map<string, number>();
      constructor(
        readonly id: string,
        readonly options: { windowSize?: object; lookback?: object } = {},
      ) {}
      get windowSize() {
        return this.options.windowSize;
      }
      get lookback() {
        return this.options.lookback;
      }
      async *read({ window }: FinopsReadOptions): AsyncIterable<FinopsRecord> {
        this.windows.push(
          `${window.start.toISOString()}/${window.end.toISOString()}`,
        );
        for (const [hour, amount] of [...this.amounts].sort()) {
          const t = new Date(hour);
          if (t >= window.start && t < window.end) {
            yield {
              type: 'cost',
              hour,
              category: 'other',
              billedCost: amount,
              effectiveCost: amount,
              listCost: amount,
              currency: 'USD',
            };
          }
        }
      }
    }

    const hoursOf = (from: string, count: number) =>
      Array.from({ length: count }, (_, i) =>
        new Date(new Date(from).getTime() + i * 3_600_000).toISOString(),
      );

    it('reads the lookback again on every run, so late and revised rows replace earlier ones', async () => {
      const now = { current: new Date('2026-11-03T05:20:00Z') };
      const source = new RevisedSource('billing');
      for (const hour of hoursOf('2026-11-01T05:00:00Z', 48)) {
        source.amounts.set(hour, 1);
      }
      const { ingestion } = setup(now, source, { days: 1 });

      await ingestion.ingest('billing');
      await expect(costFacts()).resolves.toEqual({ count: 48, total: 48 });

      // An hour later the export has revised an hour of yesterday, and a row
      // for the day before yesterday arrived late.
      now.current = new Date('2026-11-03T06:10:00Z');
      source.amounts.set('2026-11-02T10:00:00.000Z', 5);
      source.amounts.set('2026-11-03T05:00:00.000Z', 1);
      source.windows.length = 0;
      await ingestion.ingest('billing');
      // now - 1 day = 2026-11-02T06:00, which lies in the day window that
      // starts at midnight: that window is read again, whole.
      expect(source.windows).toEqual([
        '2026-11-02T00:00:00.000Z/2026-11-03T00:00:00.000Z',
        '2026-11-03T00:00:00.000Z/2026-11-03T06:00:00.000Z',
      ]);
      await expect(costFacts()).resolves.toEqual({ count: 49, total: 53 });

      // Idempotent: the same run again changes nothing.
      const before = await knex('finops_cost_facts_hourly')
        .select('hour', 'effective_cost_nanos')
        .orderBy('hour');
      await ingestion.ingest('billing');
      await ingestion.ingest('billing');
      await expect(
        knex('finops_cost_facts_hourly')
          .select('hour', 'effective_cost_nanos')
          .orderBy('hour'),
      ).resolves.toEqual(before);
      const runs = await store.listIngestionRuns({ sourceId: 'billing' });
      const sameWindow = runs.filter(
        r => r.windowStart.toISOString() === '2026-11-02T00:00:00.000Z',
      );
      expect(sameWindow).toHaveLength(4);
      // The revision changed the window's checksum; re-reads did not.
      expect(new Set(sameWindow.map(r => r.checksum)).size).toBe(2);

      // A revision older than the lookback is not picked up.
      source.amounts.set('2026-11-01T12:00:00.000Z', 100);
      await ingestion.ingest('billing');
      await expect(costFacts()).resolves.toEqual({ count: 49, total: 53 });
    });

    it('reads the lookback in the source window size and honours its own lookback', async () => {
      const now = { current: new Date('2024-10-03T05:20:00Z') };
      const source = new RevisedSource('focus', {
        windowSize: { months: 1 },
        lookback: { days: 5 },
      });
      for (const hour of hoursOf('2024-09-25T00:00:00Z', 24 * 9)) {
        source.amounts.set(hour, 0.5);
      }
      const { ingestion } = setup(now, source, { hours: 0 });

      await ingestion.ingest('focus');
      expect(source.windows).toEqual([
        '2024-10-01T05:00:00.000Z/2024-10-03T05:00:00.000Z',
      ]);
      // Backfill is 2 days; the rows before it are not read yet.
      await expect(costFacts()).resolves.toEqual({ count: 48, total: 24 });

      now.current = new Date('2024-10-03T07:00:00Z');
      source.windows.length = 0;
      await ingestion.ingest('focus');
      // now - 5 days falls in September: the whole month is read again.
      expect(source.windows).toEqual([
        '2024-09-01T00:00:00.000Z/2024-10-01T00:00:00.000Z',
        '2024-10-01T00:00:00.000Z/2024-10-03T07:00:00.000Z',
      ]);
      await expect(costFacts()).resolves.toEqual({
        count: 6 * 24 + 2 * 24 + 7,
        total: (6 * 24 + 2 * 24 + 7) / 2,
      });
    });

    it('catches up from the last successful window when it is older than the lookback', async () => {
      const now = { current: new Date('2026-11-03T05:20:00Z') };
      const { ingestion, source } = setup(now, new HourlySource('test'), {
        hours: 3,
      });
      await ingestion.ingest('test');

      // Down for two days.
      now.current = new Date('2026-11-05T08:00:00Z');
      source.windows.length = 0;
      await ingestion.ingest('test');
      expect(source.windows).toEqual([
        '2026-11-03T05:00:00.000Z/2026-11-04T00:00:00.000Z',
        '2026-11-04T00:00:00.000Z/2026-11-05T00:00:00.000Z',
        '2026-11-05T00:00:00.000Z/2026-11-05T08:00:00.000Z',
      ]);
      await expect(costFacts()).resolves.toEqual({ count: 99, total: 99 });

      // Back to normal: the lookback (3 h, from the start of its day window).
      now.current = new Date('2026-11-05T09:00:00Z');
      source.windows.length = 0;
      await ingestion.ingest('test');
      expect(source.windows).toEqual([
        '2026-11-05T00:00:00.000Z/2026-11-05T09:00:00.000Z',
      ]);
      await expect(costFacts()).resolves.toEqual({ count: 100, total: 100 });
    });

    it('reads finops.ingestion.lookback from config, 2 days by default', async () => {
      const now = { current: new Date('2026-11-03T05:20:00Z') };
      const make = (data: object, source: HourlySource) =>
        FinopsIngestion.fromConfig(mockServices.rootConfig({ data }), {
          logger: mockServices.logger.mock(),
          scheduler: mockServices.scheduler(),
          store,
          dataSources: [source],
          now: () => now.current,
        });

      const configured = new HourlySource('configured');
      const ingestion = make(
        { finops: { ingestion: { backfill: '1d', lookback: '6h' } } },
        configured,
      );
      await ingestion.ingest('configured');
      now.current = new Date('2026-11-03T06:20:00Z');
      configured.windows.length = 0;
      await ingestion.ingest('configured');
      // now - 6 h = 00:20, in today's window.
      expect(configured.windows).toEqual([
        '2026-11-03T00:00:00.000Z/2026-11-03T06:00:00.000Z',
      ]);

      now.current = new Date('2026-11-03T05:20:00Z');
      const defaults = new HourlySource('defaults');
      const byDefault = make(
        { finops: { ingestion: { backfill: '1d' } } },
        defaults,
      );
      await byDefault.ingest('defaults');
      now.current = new Date('2026-11-03T06:20:00Z');
      defaults.windows.length = 0;
      await byDefault.ingest('defaults');
      expect(defaults.windows).toEqual([
        '2026-11-01T00:00:00.000Z/2026-11-02T00:00:00.000Z',
        '2026-11-02T00:00:00.000Z/2026-11-03T00:00:00.000Z',
        '2026-11-03T00:00:00.000Z/2026-11-03T06:00:00.000Z',
      ]);
    });

    it('rejects triggering an unknown source', async () => {
      const { ingestion } = setup({ current: new Date() });
      await expect(ingestion.trigger('nope')).rejects.toThrow(
        "No FinOps data source with id 'nope'",
      );
    });
  },
);
