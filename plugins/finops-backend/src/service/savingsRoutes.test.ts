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

import type { EntityRecommendations } from '@ai-finops/backstage-plugin-finops-common';
import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { JsonObject } from '@backstage/types';
import request from 'supertest';
import {
  component,
  dataSourceModule,
  fixedRecommenderModule,
  startFinopsBackend,
  steadyGpuSource,
} from '../__testUtils__/backend';
import { expectMatchesSpec } from '../__testUtils__/openapi';
import { DatabaseFinopsStore } from '@ai-finops/backstage-plugin-finops-node';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const sourceModule = dataSourceModule('gpu-source', steadyGpuSource);

/** How often the fixed recommender ran for chat-llm. */
let recommendCalls = 0;

/** Two fixed recommendations on chat-llm, counting the recommender's runs. */
const recommenderModule = fixedRecommenderModule('chat-llm', [300, 40], () => {
  recommendCalls += 1;
});

const USER = mockCredentials.user.header('user:default/alice');
const BASE = '/api/finops/entities/component/default';

describe.each(databases.eachSupportedId())('GET /savings (%s)', databaseId => {
  async function start(
    permission: (name: string) => AuthorizeResult = () => AuthorizeResult.ALLOW,
    finops: JsonObject = {},
  ) {
    const knex = await databases.init(databaseId);
    const backend = await startFinopsBackend({
      knex,
      features: [sourceModule, recommenderModule],
      config: {
        integrations: {
          github: [{ host: 'github.com', token: 'ghs_unused' }],
        },
        finops,
      },
      entities: [
        component('chat-llm', {
          'backstage.io/kubernetes-id': 'chat',
        }),
        // Annotated, but no facts: no recommendations.
        component('idle', { 'backstage.io/kubernetes-id': 'idle' }),
        // No annotation: not considered.
        component('plain'),
      ],
      permissions: permission,
      trigger: { source: 'gpu', user: USER },
    });
    return { server: backend.server, knex };
  }

  async function recommendationsOf(
    server: any,
  ): Promise<EntityRecommendations> {
    for (let i = 0; i < 100; i++) {
      const res = await request(server)
        .get(`${BASE}/chat-llm/recommendations`)
        .set('Authorization', USER);
      const body: EntityRecommendations = res.body;
      if (body.items?.some(r => r.kind === 'carbon-region')) return body;
      await new Promise(r => setTimeout(r, 100));
    }
    throw new Error('no carbon-region recommendation for chat-llm');
  }

  it('sums found savings of open recommendations and realised savings of merged pull requests', async () => {
    const { server, knex } = await start();
    const recs = await recommendationsOf(server);
    const merged = recs.items.find(r => r.id === 'fixed:save-300')!;
    const dismissed = recs.items.find(r => r.kind === 'carbon-region')!;
    expect(merged).toBeDefined();
    const rest = recs.items.filter(r => r !== merged && r !== dismissed);
    expect(rest.map(r => r.id)).toContain('fixed:save-40');

    const callsBefore = recommendCalls;
    const first = await request(server)
      .get('/api/finops/savings')
      .set('Authorization', USER);
    expect(first.status).toBe(200);
    // The entity route stored what the recommenders found for this data.
    expect(recommendCalls).toBe(callsBefore);
    expectMatchesSpec(first);
    expect(first.body.found).toEqual({
      monthlySavings: expect.closeTo(recs.totalMonthlySavings, 6),
      count: recs.items.length,
      entities: 1,
    });
    expect(first.body.realised).toEqual({ monthlySavings: 0, count: 0 });
    expect(first.body.entities.map((e: any) => e.entityRef)).toEqual([
      'component:default/chat-llm',
    ]);

    // One recommendation dismissed, one applied through a merged pull request
    // opened with a saving of 123.5 a month.
    const dismiss = await request(server)
      .post(
        `${BASE}/chat-llm/recommendations/${encodeURIComponent(
          dismissed.id,
        )}/dismiss`,
      )
      .set('Authorization', USER)
      .send({ reason: 'Capacity reserved there' });
    expect(dismiss.status).toBe(200);
    // The dismissal ran the recommenders once, to check the id exists.
    expect(recommendCalls).toBe(callsBefore + 1);
    const store = await DatabaseFinopsStore.create({
      database: mockServices.database({ knex }),
    });
    await store.saveRecommendationPullRequest({
      entityRef: 'component:default/chat-llm',
      recommendationId: merged.id,
      provider: 'github',
      host: 'github.com',
      repository: 'acme/deployments',
      number: 7,
      url: 'https://github.com/acme/deployments/pull/7',
      branch: 'ai-finops/rec',
      baseBranch: 'main',
      state: 'merged',
      monthlySavings: 123.5,
      openedAt: '2026-11-20T10:00:00.000Z',
      checkedAt: '2026-11-22T10:00:00.000Z',
      closedAt: '2026-11-21T09:30:00.000Z',
    });

    // Decisions and pull requests are read fresh, past the cache.
    const second = await request(server)
      .get('/api/finops/savings')
      .set('Authorization', USER);
    expect(second.status).toBe(200);
    // The recommenders did not run again: stored for this data version.
    expect(recommendCalls).toBe(callsBefore + 1);
    expectMatchesSpec(second);
    const restSaving = rest.reduce(
      (s, r) => s + Math.max(0, r.monthlySavings),
      0,
    );
    expect(second.body.found).toEqual({
      monthlySavings: expect.closeTo(restSaving, 6),
      count: rest.length,
      entities: 1,
    });
    expect(second.body.realised).toEqual({ monthlySavings: 123.5, count: 1 });
    expect(second.body.realisedItems).toEqual([
      {
        entityRef: 'component:default/chat-llm',
        recommendationId: merged.id,
        monthlySavings: 123.5,
        url: 'https://github.com/acme/deployments/pull/7',
        number: 7,
        mergedAt: '2026-11-21T09:30:00.000Z',
      },
    ]);
    expect(second.body.entities).toEqual([
      {
        entityRef: 'component:default/chat-llm',
        found: {
          monthlySavings: expect.closeTo(restSaving, 6),
          count: rest.length,
        },
        realised: { monthlySavings: 123.5, count: 1 },
      },
    ]);
    expect(second.body.warnings).toEqual([]);

    // The per-entity route reads the same stored results, and agrees on
    // what is open.
    const perEntity = await request(server)
      .get(`${BASE}/chat-llm/recommendations`)
      .set('Authorization', USER);
    expect(recommendCalls).toBe(callsBefore + 1);
    expect(
      (perEntity.body as EntityRecommendations).items
        .filter(r => r.pullRequest?.state !== 'merged')
        .map(r => r.id)
        .sort(),
    ).toEqual(rest.map(r => r.id).sort());
  });

  /** Sums /savings, ingests new data, and sums it again. */
  async function savingsAcrossNewData(finops: JsonObject = {}) {
    const { server, knex } = await start(undefined, finops);
    await recommendationsOf(server);
    const savings = () =>
      request(server).get('/api/finops/savings').set('Authorization', USER);
    const callsBefore = recommendCalls;
    const before = await savings();
    expect(before.status).toBe(200);
    expect(recommendCalls).toBe(callsBefore);
    const [{ n }] = await knex('finops_entity_results').count({ n: '*' });
    expect(Number(n)).toBeGreaterThanOrEqual(1);

    // Any successful ingestion run is new data.
    const store = await DatabaseFinopsStore.create({
      database: mockServices.database({ knex }),
    });
    await store.replaceWindow(
      'other',
      {
        start: new Date('2026-11-01T00:00:00Z'),
        end: new Date('2026-11-01T01:00:00Z'),
      },
      [],
    );
    await new Promise(resolve => setTimeout(resolve, 1100));
    const after = await savings();
    expect(after.status).toBe(200);
    return { before, after, calls: recommendCalls - callsBefore };
  }

  it('serves the stored savings, with a warning, while the scheduled pass recomputes what new data made stale', async () => {
    const { before, after, calls } = await savingsAcrossNewData();
    expect(calls).toBe(0);
    expect(after.body.found).toEqual(before.body.found);
    expect(after.body.warnings).toEqual([
      "2 of 2 entities' found savings come from data before the latest ingestion; they are being recomputed.",
    ]);
  });

  it('recomputes what the recommenders find once new data is ingested when no pass runs', async () => {
    const { after, calls } = await savingsAcrossNewData({
      precompute: { enabled: false },
    });
    expect(after.body.found.count).toBeGreaterThanOrEqual(3);
    expect(after.body.warnings).toEqual([]);
    expect(calls).toBe(1);
  });

  it('answers 403 without finops.organization.read', async () => {
    const { server } = await start(name =>
      name === 'finops.organization.read'
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW,
    );
    const res = await request(server)
      .get('/api/finops/savings')
      .set('Authorization', USER);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('finops.organization.read');
  });
});
