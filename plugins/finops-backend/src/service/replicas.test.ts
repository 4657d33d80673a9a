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

/*
 * Two backend replicas on one PostgreSQL: the core scheduler's global task
 * lock makes each ingestion window run once, whichever replica takes it.
 */

import {
  finopsDataSourcesExtensionPoint,
  type FinopsDataSource,
  type FinopsReadOptions,
  type FinopsRecord,
} from '@ai-finops/backstage-plugin-finops-node';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { finopsPlugin } from '../plugin';
import { hourlyCostRecords } from '@ai-finops/test-utils';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

/** Counts, across replicas, how often each window was read. */
const reads = new Map<string, number>();

const sharedSource: FinopsDataSource = {
  id: 'shared',
  backfill: { days: 3 },
  async *read({ window }: FinopsReadOptions): AsyncIterable<FinopsRecord> {
    const key = `${window.start.toISOString()}/${window.end.toISOString()}`;
    reads.set(key, (reads.get(key) ?? 0) + 1);
    // Slow enough that the replicas overlap while a run is in progress.
    await new Promise(resolve => setTimeout(resolve, 200));
    yield* hourlyCostRecords(window);
  },
};

function replicaModule(replica: string) {
  return createBackendModule({
    pluginId: 'finops',
    moduleId: `shared-source-${replica}`,
    register(reg) {
      reg.registerInit({
        deps: { dataSources: finopsDataSourcesExtensionPoint },
        async init({ dataSources }) {
          dataSources.addDataSource(sharedSource);
        },
      });
    },
  });
}

describe.each(databases.eachSupportedId())(
  'two replicas on one database (%s)',
  databaseId => {
    it('ingest each window exactly once', async () => {
      const knex = await databases.init(databaseId);
      const config = mockServices.rootConfig.factory({
        data: {
          finops: {
            ingestion: {
              // Without re-reading the recent past, every window is read
              // once in all, so a double read is a replica overlap.
              lookback: { hours: 0 },
              schedule: {
                frequency: { seconds: 1 },
                timeout: { minutes: 1 },
                initialDelay: { seconds: 0 },
              },
            },
          },
        },
      });
      const replica = (name: string) =>
        startTestBackend({
          features: [
            finopsPlugin,
            replicaModule(name),
            config,
            mockServices.database.factory({ knex }),
            schedulerServiceFactory,
            catalogServiceMock.factory({ entities: [] }),
          ],
        });

      // One after the other, as in a rolling deploy: knex cannot run the
      // same first migration from two processes at the same instant.
      const a = await replica('a');
      const b = await replica('b');
      try {
        // Backfill is 3 days in day-sized windows: 4 windows at most.
        const deadline = Date.now() + 60_000;
        let runs: Array<{ status: string }> = [];
        while (Date.now() < deadline) {
          runs = await knex('finops_ingestion_runs').where({
            source: 'shared',
          });
          if (runs.length >= 4 && runs.every(r => r.status === 'succeeded'))
            break;
          await new Promise(resolve => setTimeout(resolve, 500));
        }
        // Let both replicas tick a few more times.
        await new Promise(resolve => setTimeout(resolve, 3000));

        expect(runs.length).toBeGreaterThanOrEqual(4);
        expect([...reads.values()].every(count => count === 1)).toBe(true);
        const windows = await knex('finops_ingestion_runs')
          .where({ source: 'shared' })
          .select('window_start')
          .count({ count: '*' })
          .groupBy('window_start');
        expect(windows.every(w => Number(w.count) === 1)).toBe(true);

        const [{ hours }] = await knex('finops_cost_facts_hourly')
          .where({ source: 'shared' })
          .countDistinct({ hours: 'hour' });
        const [{ rows }] = await knex('finops_cost_facts_hourly')
          .where({ source: 'shared' })
          .count({ rows: '*' });
        expect(Number(rows)).toBe(Number(hours));
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
    });
  },
);
