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

import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseFinopsStore } from '@ai-finops/backstage-plugin-finops-node';
import { FinopsRetention } from './FinopsRetention';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe.each(databases.eachSupportedId())(
  'FinopsRetention (%s)',
  databaseId => {
    it('deletes the facts older than the retention period', async () => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseFinopsStore.create({
        database: mockServices.database({ knex }),
      });
      const fact = (hour: string) => ({
        type: 'cost' as const,
        hour,
        category: 'gpu' as const,
        billedCost: 1,
        effectiveCost: 1,
        listCost: 1,
        currency: 'USD',
        kubernetesId: 'chat',
      });
      await store.replaceWindow(
        'focus',
        {
          start: new Date('2025-01-01T00:00:00Z'),
          end: new Date('2026-12-01T00:00:00Z'),
        },
        [
          fact('2025-06-01T00:00:00Z'),
          fact('2025-10-16T09:00:00Z'),
          fact('2025-10-16T10:00:00Z'),
          fact('2026-11-20T00:00:00Z'),
        ],
      );

      const scheduler = mockServices.scheduler();
      const retention = FinopsRetention.fromConfig(
        mockServices.rootConfig({ data: { finops: { retention: '400d' } } }),
        { logger: mockServices.logger.mock(), scheduler, store },
      );
      await retention.start();
      await expect(scheduler.getScheduledTasks()).resolves.toEqual([
        expect.objectContaining({ id: 'finops-retention', scope: 'global' }),
      ]);

      await store.claimNotification(
        'component:default/chat-llm',
        'budget:100:2026-09',
        new Date('2026-09-10T00:00:00Z'),
      );
      await store.claimNotification(
        'component:default/chat-llm',
        'budget:100:2026-11',
        new Date('2026-11-02T00:00:00Z'),
      );

      // 400 days before 2026-11-20T10:30Z is 2025-10-16T10:30Z, cut at the hour.
      const cutoff = await new FinopsRetention({
        logger: mockServices.logger.mock(),
        scheduler,
        store,
        retention: { days: 400 },
        now: () => new Date('2026-11-20T10:30:00Z'),
      }).run();
      expect(cutoff.toISOString()).toBe('2025-10-16T10:00:00.000Z');

      const hours = await knex('finops_cost_facts_hourly').count({
        count: '*',
      });
      expect(Number(hours[0].count)).toBe(2);
      // Notification records older than 62 days are gone: September's
      // claim could be sent again, November's could not.
      expect(
        await store.claimNotification(
          'component:default/chat-llm',
          'budget:100:2026-09',
          new Date(),
        ),
      ).toBe(true);
      expect(
        await store.claimNotification(
          'component:default/chat-llm',
          'budget:100:2026-11',
          new Date(),
        ),
      ).toBe(false);
    });
  },
);
