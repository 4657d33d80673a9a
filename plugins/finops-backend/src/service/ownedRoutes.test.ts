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

import type { FinopsOwnedSpend } from '@ai-finops/backstage-plugin-finops-common';
import type { PermissionsService } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import {
  component,
  dataSourceModule,
  fixedRecommenderModule,
  steadyGpuSource,
} from '../__testUtils__/backend';
import { expectMatchesSpec } from '../__testUtils__/openapi';
import { finopsPlugin } from '../plugin';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const USER = mockCredentials.user.header('user:default/alice');
const TEAM_A = 'group:default/team-a';
const TEAM_B = 'group:default/team-b';

/** A component owned by `owner`, with the relation the catalog would add. */
function owned(
  name: string,
  owner: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    ...component(name, annotations, owner),
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

const entities = [
  // The steady source's workloads (kubernetes-id chat): $8 an hour.
  owned('chat-llm', TEAM_A, { 'backstage.io/kubernetes-id': 'chat' }),
  // Team A's, annotated but without data.
  owned('idle', TEAM_A, { 'backstage.io/kubernetes-id': 'idle' }),
  // Team A's, no annotation: not a cost entity.
  owned('plain', TEAM_A),
  // Team B's, on the same workloads: never in team A's answer.
  owned('rival', TEAM_B, { 'backstage.io/kubernetes-id': 'chat' }),
];

/**
 * Starts the backend with a permission service that allows
 * `finops.entity.read` on the entities of `readable` only (as the FinOps
 * policy allows it to their owners), and everything else.
 */
async function start(readable: (entityRef: string) => boolean) {
  const knex = await databases.init('SQLITE_3');
  const permissions = mockServices.permissions.mock({
    authorize: async requests =>
      requests.map(r => ({
        result:
          r.permission.name !== 'finops.entity.read' ||
          readable((r as { resourceRef?: string }).resourceRef ?? '')
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      })) as Awaited<ReturnType<PermissionsService['authorize']>>,
  }).factory;
  const backend = await startTestBackend({
    features: [
      finopsPlugin,
      dataSourceModule('gpu-source', steadyGpuSource),
      fixedRecommenderModule('chat-llm', [300, 40]),
      mockServices.database.factory({ knex }),
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      permissions,
      mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
      catalogServiceMock.factory({ entities }),
    ],
  });
  const trigger = await request(backend.server)
    .post('/api/finops/ingestion/gpu/trigger')
    .set('Authorization', USER);
  expect(trigger.status).toBe(202);
  return backend.server;
}

const owners = (refs: string[]) =>
  `/api/finops/owned/summary?owner=${encodeURIComponent(refs.join(','))}`;

/** The summary once the triggered ingestion has stored chat-llm's costs. */
async function summaryOf(
  server: any,
  refs: string[],
): Promise<FinopsOwnedSpend> {
  for (let i = 0; i < 100; i++) {
    const res = await request(server)
      .get(owners(refs))
      .set('Authorization', USER);
    expect(res.status).toBe(200);
    expectMatchesSpec(res);
    const body: FinopsOwnedSpend = res.body;
    if (body.total.monthToDate > 0) return body;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error('no month-to-date spend for the owned entities');
}

describe('GET /owned/summary', () => {
  it("sums the owners' annotated entities: month to date, kept forecast and open savings", async () => {
    const server = await start(() => true);
    const first = await summaryOf(server, ['user:default/alice', TEAM_A]);

    expect(first.owners).toEqual(['user:default/alice', TEAM_A]);
    expect(first.month).toBe(new Date().toISOString().slice(0, 7));
    // Team B's rival, on the same workloads, is not team A's.
    expect(first.entities.map(e => e.entityRef)).toEqual([
      'component:default/chat-llm',
      'component:default/idle',
    ]);
    const [chat, idle] = first.entities;
    expect(chat.monthToDate).toBeGreaterThan(0);
    expect(chat.monthToDate % 8).toBe(0);
    expect(idle.monthToDate).toBe(0);
    // The fixed recommender's 300 and 40, with whatever the engine found.
    expect(chat.openMonthlySavings).toBeGreaterThanOrEqual(340);
    expect(chat.openRecommendations).toBeGreaterThanOrEqual(2);
    expect(first.total).toEqual({
      monthToDate: chat.monthToDate,
      forecastEntities: 0,
      openMonthlySavings: chat.openMonthlySavings + idle.openMonthlySavings,
      openRecommendations: chat.openRecommendations + idle.openRecommendations,
    });
    expect(first.truncated).toBe(false);

    // A forecast the entity route kept is summed; none is fitted here.
    const forecast = await request(server)
      .get('/api/finops/entities/component/default/chat-llm/forecast')
      .set('Authorization', USER);
    expect(forecast.status).toBe(200);
    const second = await summaryOf(server, [TEAM_A]);
    const chatAgain = second.entities.find(
      e => e.entityRef === 'component:default/chat-llm',
    )!;
    // The very one the route kept; only a forecast of this month counts
    // (in the first hour of a month the data still ends in the last one).
    const kept =
      forecast.body.month === second.month
        ? forecast.body.monthEnd.mean
        : undefined;
    expect(chatAgain.forecast).toBe(kept);
    expect(second.total.forecast).toBe(kept);
    expect(second.total.forecastEntities).toBe(kept === undefined ? 0 : 1);
  });

  it("leaves out another team's entities even when their group is named", async () => {
    const server = await start(ref => ref !== 'component:default/rival');
    const body = await summaryOf(server, [TEAM_A, TEAM_B]);
    expect(body.entities.map(e => e.entityRef)).toEqual([
      'component:default/chat-llm',
      'component:default/idle',
    ]);
    expect(body.total.monthToDate).toBe(body.entities[0].monthToDate);

    // Only team B named: nothing the caller may read.
    const onlyB = await request(server)
      .get(owners([TEAM_B]))
      .set('Authorization', USER);
    expect(onlyB.status).toBe(200);
    expect(onlyB.body.entities).toEqual([]);
    expect(onlyB.body.total.monthToDate).toBe(0);
  });

  it('answers 401 without credentials and 400 without a valid owner', async () => {
    const server = await start(() => true);
    const anonymous = await request(server).get(owners([TEAM_A]));
    expect(anonymous.status).toBe(401);

    const missing = await request(server)
      .get('/api/finops/owned/summary')
      .set('Authorization', USER);
    expect(missing.status).toBe(400);

    const bad = await request(server)
      .get(owners(['not a ref:']))
      .set('Authorization', USER);
    expect(bad.status).toBe(400);

    const many = await request(server)
      .get(owners(Array.from({ length: 21 }, (_, i) => `group:default/g${i}`)))
      .set('Authorization', USER);
    expect(many.status).toBe(400);
    expect(many.body.error.message).toContain('at most 20');
  });
});
