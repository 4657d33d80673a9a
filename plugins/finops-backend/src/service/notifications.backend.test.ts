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

import type { FinopsRecord } from '@ai-finops/backstage-plugin-finops-node';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import request from 'supertest';
import { dataSourceModule } from '../__testUtils__/backend';
import { finopsPlugin } from '../plugin';

jest.setTimeout(120_000);

const HOUR = 3_600_000;

/**
 * The demo's situation: a component with a $30,000 budget spending about
 * $2,000 a day, so its month-end forecast is far over budget. Each run
 * writes a little more, so that each ingestion is new data.
 */
function overBudgetSource() {
  let runs = 0;
  return dataSourceModule('over-budget', {
    id: 'spend',
    backfill: { days: 20 },
    async *read({ window }): AsyncIterable<FinopsRecord> {
      runs += 1;
      for (
        let t = window.start.getTime();
        t < window.end.getTime();
        t += HOUR
      ) {
        const cost = 83 + runs / 100;
        yield {
          type: 'cost',
          hour: new Date(t).toISOString(),
          category: 'gpu',
          billedCost: cost,
          effectiveCost: cost,
          listCost: cost,
          currency: 'USD',
          kubernetesId: 'chat',
          workload: 'Deployment/chat-llm',
        };
      }
    },
  });
}

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'chat-llm',
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': 'chat',
        'ai-finops.io/monthly-budget': '30000',
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'assistant' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/assistant' }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'assistant', namespace: 'default' },
    spec: { type: 'team', children: [] },
    relations: [
      { type: 'hasMember', targetRef: 'user:default/alice' },
      { type: 'hasMember', targetRef: 'user:default/bob' },
    ],
  },
  ...['alice', 'bob', 'carol'].map(name => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name, namespace: 'default' },
    spec: {},
  })),
];

describe('budget notifications through the notifications backend', () => {
  it('tells the owner group members once that the month-end forecast is over budget, however often data is ingested', async () => {
    // Tasks run when the test says so (the notifications backend's cleaner
    // is scheduled through a task runner).
    const tasks = new Map<string, () => Promise<unknown>>();
    const keep = async (task: { id: string; fn: Function }) => {
      tasks.set(task.id, () => task.fn(new AbortController().signal));
    };
    const scheduler = mockServices.scheduler.mock({
      scheduleTask: keep,
      createScheduledTaskRunner: () => ({ run: keep }),
    });
    const logger = mockServices.logger.mock();
    logger.child.mockImplementation(() => logger);
    const recomputations = () =>
      logger.info.mock.calls.filter(([message]) =>
        /^FinOps results precomputed: 1 of 1 entities recomputed/.test(
          String(message),
        ),
      ).length;
    const { server } = await startTestBackend({
      features: [
        logger.factory,
        finopsPlugin,
        overBudgetSource(),
        notificationsPlugin,
        scheduler.factory,
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            backend: { baseUrl: 'http://localhost:7007' },
            finops: { notifications: { budgetThresholds: [80, 100] } },
          },
        }),
      ],
    });
    const task = (id: string) => {
      const fn = tasks.get(id);
      if (!fn) throw new Error(`no task ${id}: ${[...tasks.keys()]}`);
      return fn;
    };
    const ingest = task('finops-ingest-spend');
    const precompute = task('finops-precompute-results');

    const notificationsOf = async (user: string) => {
      const res = await request(server)
        .get('/api/notifications/notifications')
        .set('Authorization', mockCredentials.user.header(user));
      expect(res.status).toBe(200);
      return res.body.notifications as Array<{
        id: string;
        payload: Record<string, string>;
        origin: string;
        read: string | number | null;
      }>;
    };

    await ingest();
    await precompute();
    const alice = await notificationsOf('user:default/alice');
    expect(alice).toHaveLength(1);
    expect(alice[0].origin).toBe('plugin:finops');
    expect(alice[0].payload).toMatchObject({
      title: expect.stringMatching(
        /^component:default\/chat-llm is forecast at \d+ % of its \$30,000 budget for \d{4}-\d{2}$/,
      ),
      link: '/catalog/default/component/chat-llm/finops',
      severity: 'high',
      topic: 'FinOps budget forecast',
    });
    expect(await notificationsOf('user:default/bob')).toHaveLength(1);
    expect(await notificationsOf('user:default/carol')).toHaveLength(0);

    // Alice reads it. The next ingestion is new data: results are
    // recomputed, and nothing is sent again (a re-send of the same scope
    // would mark it unread).
    const read = await request(server)
      .post('/api/notifications/notifications/update')
      .set('Authorization', mockCredentials.user.header('user:default/alice'))
      .send({ ids: [alice[0].id], read: true });
    expect(read.status).toBe(200);
    expect(recomputations()).toBe(1);
    await ingest();
    // past the second for which the data version is reused
    await new Promise(resolve => setTimeout(resolve, 1_100));
    await precompute();
    expect(recomputations()).toBe(2);
    const after = await notificationsOf('user:default/alice');
    expect(after).toHaveLength(1);
    expect(after[0].read).not.toBeNull();
    expect(await notificationsOf('user:default/bob')).toHaveLength(1);
  });
});
