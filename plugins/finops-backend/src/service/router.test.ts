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
  type FinopsDataSource,
  type FinopsReadOptions,
  type FinopsRecord,
} from '@ai-finops/backstage-plugin-finops-node';
import type { EntityCostSummary } from '@ai-finops/backstage-plugin-finops-common';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import {
  component as ownedComponent,
  dataSourceModule,
  startFinopsBackend,
} from '../__testUtils__/backend';
import { expectMatchesSpec } from '../__testUtils__/openapi';
import { HOUR, hourlyCostRecords } from '@ai-finops/test-utils';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** One GPU cost of 1 per hour for the `chat` workload. */
const hourlySource: FinopsDataSource = {
  id: 'test',
  backfill: { days: 3 },
  async *read({ window }: FinopsReadOptions): AsyncIterable<FinopsRecord> {
    yield* hourlyCostRecords(window);
  },
};

const testSourceModule = dataSourceModule('test-source', hourlySource);

const component = (name: string, annotations: Record<string, string> = {}) =>
  ownedComponent(name, annotations, 'group:default/search-ai');

const entities = [
  component('chat-llm', {
    'backstage.io/kubernetes-id': 'chat',
    'ai-finops.io/monthly-budget': '25000',
  }),
  component('no-keys'),
  component('broken', { 'backstage.io/kubernetes-label-selector': 'app' }),
];

const USER = mockCredentials.user.header('user:default/bob');

describe.each(databases.eachSupportedId())('router (%s)', databaseId => {
  async function startBackend(
    options: { result?: AuthorizeResult.ALLOW | AuthorizeResult.DENY } = {},
  ) {
    const knex = await databases.init(databaseId);
    const { server } = await startFinopsBackend({
      knex,
      features: [testSourceModule],
      entities,
      permissions: options.result ?? AuthorizeResult.ALLOW,
    });
    return server;
  }

  it('answers /health without credentials', async () => {
    const server = await startBackend();
    const res = await request(server).get('/api/finops/health');
    expect(res.status).toBe(200);
    expectMatchesSpec(res);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('serves its OpenAPI spec, with paths under the plugin base path', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/finops/openapi.json')
      .set('Authorization', USER);
    expect(res.status).toBe(200);
    expect(res.body.info.title).toBe('finops');
    expect(Object.keys(res.body.paths)).toContain(
      '/api/finops/entities/{kind}/{namespace}/{name}/costs',
    );
  });

  it('requires credentials everywhere else', async () => {
    const server = await startBackend();
    for (const res of [
      await request(server).get(
        '/api/finops/entities/component/default/chat-llm/summary',
      ),
      await request(server).get('/api/finops/ingestion/runs'),
      await request(server).post('/api/finops/ingestion/test/trigger'),
    ]) {
      expect(res.status).toBe(401);
      expectMatchesSpec(res);
    }
  });

  it('ingests through the scheduler and serves the entity summary', async () => {
    const server = await startBackend();

    const trigger = await request(server)
      .post('/api/finops/ingestion/test/trigger')
      .set('Authorization', USER);
    expect(trigger.status).toBe(202);
    expectMatchesSpec(trigger);
    expect(trigger.body).toEqual({ source: 'test', status: 'triggered' });

    const res = await request(server)
      .get('/api/finops/entities/component/default/chat-llm/summary')
      .set('Authorization', USER);
    expect(res.status).toBe(200);
    expectMatchesSpec(res);
    const summary: EntityCostSummary = res.body;

    expect(summary).toMatchObject({
      entityRef: 'component:default/chat-llm',
      currency: 'USD',
      monthlyBudget: 25000,
      topDrivers: [
        { category: 'gpu', workload: 'Deployment/chat-llm', share: 1 },
      ],
    });
    // Three days of hourly costs of 1, up to the last full hour.
    const until = new Date(summary.dataUntil!);
    const end = until.getTime() + HOUR;
    expect(end).toBeLessThanOrEqual(Date.now() + HOUR);
    expect(summary.month).toBe(summary.dataUntil!.slice(0, 7));
    const monthStart = Date.UTC(until.getUTCFullYear(), until.getUTCMonth(), 1);
    const expectedMonthToDate =
      (end - Math.max(end - 72 * HOUR, monthStart)) / HOUR;
    expect(summary.monthToDate.effectiveCost).toBe(expectedMonthToDate);
    expect(summary.dailyCosts).toHaveLength(30);
    expect(summary.dailyCosts.reduce((sum, d) => sum + d.cost, 0)).toBe(72);

    const runs = await request(server)
      .get('/api/finops/ingestion/runs?source=test&limit=10')
      .set('Authorization', USER);
    expect(runs.status).toBe(200);
    expectMatchesSpec(runs);
    expect(runs.body.items.length).toBeGreaterThanOrEqual(3);
    expect(
      runs.body.items.every(
        (run: { status: string }) => run.status === 'succeeded',
      ),
    ).toBe(true);
    expect(
      runs.body.items.reduce(
        (sum: number, run: { costRows: number }) => sum + run.costRows,
        0,
      ),
    ).toBe(72);

    // Triggering again in the same hour adds nothing.
    await request(server)
      .post('/api/finops/ingestion/test/trigger')
      .set('Authorization', USER)
      .expect(202);
    const again = await request(server)
      .get('/api/finops/entities/component/default/chat-llm/summary')
      .set('Authorization', USER);
    expect(again.body.dailyCosts).toEqual(summary.dailyCosts);
  });

  it('accepts service credentials', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/finops/entities/component/default/chat-llm/summary')
      .set('Authorization', mockCredentials.service.header());
    expect(res.status).toBe(200);
    expect(res.body.monthToDate).toEqual({
      billedCost: 0,
      effectiveCost: 0,
      listCost: 0,
    });
  });

  it('answers 404 for an unknown entity', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/finops/entities/component/default/nope/summary')
      .set('Authorization', USER);
    expect(res.status).toBe(404);
    expect(res.body.error.name).toBe('NotFoundError');
  });

  // Found by router.fuzz.test.ts: these answered 404 with an empty body.
  it('answers a JSON 404 in the error shape for a path or method no route serves', async () => {
    const server = await startBackend();
    for (const [method, path] of [
      ['put', '/api/finops/health'],
      ['delete', '/api/finops/ingestion/runs'],
      ['get', '/api/finops/entities//default/chat-llm/summary'],
      ['get', '/api/finops/no-such-route'],
    ] as const) {
      const res = await request(server)
        [method](path)
        .set('Authorization', USER);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        error: expect.objectContaining({
          name: 'NotFoundError',
          message: `No route for ${method.toUpperCase()} ${path.slice(
            '/api/finops'.length,
          )}`,
        }),
        request: { method: method.toUpperCase(), url: expect.any(String) },
        response: { statusCode: 404 },
      });
    }
    // Credentials are still checked first.
    const anonymous = await request(server).get('/api/finops/no-such-route');
    expect(anonymous.status).toBe(401);
  });

  it('answers 404 naming the annotations for an entity without allocation keys', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/finops/entities/component/default/no-keys/summary')
      .set('Authorization', USER);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(
      /backstage.io\/kubernetes-id, backstage.io\/kubernetes-label-selector or ai-finops.io\/billing-tags/,
    );
  });

  it('answers 400 for a malformed allocation annotation', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/finops/entities/component/default/broken/summary')
      .set('Authorization', USER);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /invalid cost allocation annotation/,
    );
  });

  it.each(['2026-13', 'november', '2026-1'])(
    'answers 400 for month=%s',
    async month => {
      const server = await startBackend();
      const res = await request(server)
        .get(
          `/api/finops/entities/component/default/chat-llm/summary?month=${month}`,
        )
        .set('Authorization', USER);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
    },
  );

  it('summarises a requested month', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get(
        '/api/finops/entities/component/default/chat-llm/summary?month=2026-02',
      )
      .set('Authorization', USER);
    expect(res.status).toBe(200);
    expect(res.body.month).toBe('2026-02');
  });

  it('validates the run listing parameters', async () => {
    const server = await startBackend();
    for (const query of ['limit=0', 'limit=ten', 'limit=5000', 'source=']) {
      const res = await request(server)
        .get(`/api/finops/ingestion/runs?${query}`)
        .set('Authorization', USER);
      expect(res.status).toBe(400);
    }
  });

  it('answers 404 when triggering an unknown source', async () => {
    const server = await startBackend();
    const res = await request(server)
      .post('/api/finops/ingestion/nope/trigger')
      .set('Authorization', USER);
    expect(res.status).toBe(404);
  });

  it('answers 403 when permissions deny', async () => {
    const server = await startBackend({ result: AuthorizeResult.DENY });
    for (const res of [
      await request(server)
        .get('/api/finops/entities/component/default/chat-llm/summary')
        .set('Authorization', USER),
      await request(server)
        .get('/api/finops/ingestion/runs')
        .set('Authorization', USER),
      await request(server)
        .post('/api/finops/ingestion/test/trigger')
        .set('Authorization', USER),
    ]) {
      expect(res.status).toBe(403);
      expectMatchesSpec(res);
      expect(res.body.error.name).toBe('NotAllowedError');
    }
    await request(server).get('/api/finops/health').expect(200);
  });
});
