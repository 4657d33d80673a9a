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

import type { FinopsDeliveryStatus } from '@ai-finops/backstage-plugin-finops-common';
import type {
  FinopsDataSource,
  FinopsReadOptions,
  FinopsRecord,
} from '@ai-finops/backstage-plugin-finops-node';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { HOUR, aCostRecord, aUsageRecord } from '@ai-finops/test-utils';
import request from 'supertest';
import {
  component,
  dataSourceModule,
  startFinopsBackend,
} from '../__testUtils__/backend';
import { expectMatchesSpec } from '../__testUtils__/openapi';
import {
  fixture,
  startRecordedServer,
} from '../delivery/__testUtils__/recordedServer';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const USER = mockCredentials.user.header('user:default/alice');
const TOKEN = 'argocd-route-token-51de';
const DAY = 24 * HOUR;

const today = Math.floor(Date.now() / DAY) * DAY;
const iso = (t: number) => new Date(t).toISOString();
/** abc123 went out ten days ago; the next day on, serving costs 20 % more. */
const STEP_DAY = today - 10 * DAY;
const HISTORY = [
  {
    id: 14,
    revision: '2d81e0c4b7a95f3e6c1d08b2a4f7e9c3d5b61a08',
    deployedAt: iso(today - 20 * DAY + 10 * HOUR),
  },
  {
    id: 15,
    revision: 'abc1234e5f60718293a4b5c6d7e8f90a1b2c3d4e',
    deployedAt: iso(STEP_DAY + 15.5 * HOUR),
  },
  {
    id: 16,
    revision: '9f3c2a7d41be08c5e6a1f27d93b4c5e0a8d6f112',
    deployedAt: iso(today - 3 * DAY + 14 * HOUR),
  },
];

/** 30 days of $8 an hour, $9.60 from the day after abc123, 1.25M tokens an hour. */
const stepSource: FinopsDataSource = {
  id: 'step',
  backfill: { days: 30 },
  async *read({ window }: FinopsReadOptions): AsyncIterable<FinopsRecord> {
    for (let t = window.start.getTime(); t < window.end.getTime(); t += HOUR) {
      const hour = iso(t);
      const cost = t >= STEP_DAY + DAY ? 9.6 : 8;
      yield aCostRecord(hour, {
        billedCost: cost,
        effectiveCost: cost,
        listCost: cost,
      });
      yield aUsageRecord(hour, 'tokens_input', 1_000_000);
      yield aUsageRecord(hour, 'tokens_output', 250_000);
    }
  },
};

describe('GET /delivery', () => {
  let argo: Awaited<ReturnType<typeof startRecordedServer>>;

  beforeAll(async () => {
    const app = fixture('argocd-application-outofsync.json');
    app.status.history = app.status.history.map((h: { id: number }) => ({
      ...h,
      ...HISTORY.find(x => x.id === h.id),
    }));
    argo = await startRecordedServer(TOKEN, {
      '/api/v1/applications/chat-llm-prod': app,
    });
  });
  afterAll(() => argo.close());

  async function start(permissions?: (name: string) => AuthorizeResult) {
    const backend = await startFinopsBackend({
      knex: await databases.init('SQLITE_3'),
      features: [dataSourceModule('step-source', stepSource)],
      config: {
        finops: {
          delivery: {
            argocd: {
              instances: [
                { name: 'prod', url: argo.url, token: TOKEN },
                { name: 'down', url: 'http://127.0.0.1:9', token: TOKEN },
              ],
            },
          },
        },
      },
      entities: [
        component('chat-llm', {
          'backstage.io/kubernetes-id': 'chat',
          'argocd/app-name': 'chat-llm-prod',
        }),
        component('embedder', {
          'backstage.io/kubernetes-id': 'embed',
          'argocd/app-name': 'embedder-prod',
          'argocd/instance-name': 'down',
        }),
        component('plain'),
      ],
      permissions,
      trigger: permissions ? undefined : { source: 'step', user: USER },
    });
    return backend.server;
  }

  const delivery = (server: any, entityRef?: string) =>
    request(server)
      .get(
        `/api/finops/delivery${
          entityRef ? `?entityRef=${encodeURIComponent(entityRef)}` : ''
        }`,
      )
      .set('Authorization', USER);

  it('answers the Application status and the cost step of the revision that caused it', async () => {
    const server = await start();
    let body: FinopsDeliveryStatus | undefined;
    // Until the triggered ingestion has stored the 30 days.
    for (let i = 0; i < 200 && !body?.costSteps.length; i++) {
      const res = await delivery(server, 'component:default/chat-llm');
      expect(res.status).toBe(200);
      expectMatchesSpec(res);
      body = res.body;
      if (!body?.costSteps.length) await new Promise(r => setTimeout(r, 100));
    }
    expect(body!.entityRef).toBe('component:default/chat-llm');
    expect(body!.deployments).toHaveLength(1);
    expect(body!.deployments[0]).toMatchObject({
      tool: 'argocd',
      instance: 'prod',
      name: 'chat-llm-prod',
      sync: 'OutOfSync',
      revision: '9f3c2a7d41be08c5e6a1f27d93b4c5e0a8d6f112',
      deployedAt: HISTORY[2].deployedAt,
    });
    expect(body!.deployments[0].driftSince).toBeDefined();
    expect(body!.deployments[0].outOfSync).toHaveLength(3);
    // Only abc123 changed the cost: +20 % per day and per 1M tokens.
    expect(body!.costSteps.map(s => [s.revision, s.metric])).toEqual([
      ['abc1234e5f60718293a4b5c6d7e8f90a1b2c3d4e', 'dailyCost'],
      ['abc1234e5f60718293a4b5c6d7e8f90a1b2c3d4e', 'costPerMillionTokens'],
    ]);
    const [daily, perToken] = body!.costSteps;
    expect(daily).toMatchObject({ before: 192, after: 230.4 });
    expect(daily.changePercent).toBeCloseTo(20, 6);
    expect(perToken.before).toBeCloseTo(6.4, 6);
    expect(perToken.after).toBeCloseTo(7.68, 6);
    expect(perToken.changePercent).toBeCloseTo(20, 6);
    expect(JSON.stringify(body)).not.toContain(TOKEN);

    // Let the ingestion finish before the backend stops.
    for (let i = 0; i < 200; i++) {
      const runs = await request(server)
        .get('/api/finops/ingestion/runs?source=step')
        .set('Authorization', USER);
      if (
        !runs.body.items.some((r: { status: string }) => r.status === 'running')
      )
        break;
      await new Promise(r => setTimeout(r, 100));
    }

    // The drift is still since the first sighting on the next view.
    const again = await delivery(server, 'component:default/chat-llm');
    expect(again.body.deployments[0].driftSince).toBe(
      body!.deployments[0].driftSince,
    );
  });

  it('still answers when an instance is unreachable: the deployment carries the error', async () => {
    const server = await start(() => AuthorizeResult.ALLOW);
    const res = await delivery(server, 'component:default/embedder');
    expect(res.status).toBe(200);
    expectMatchesSpec(res);
    expect(res.body.deployments).toHaveLength(1);
    expect(res.body.deployments[0].error).toMatch(
      /^Argo CD instance 'down', Application 'embedder-prod': ECONNREFUSED/,
    );
    expect(res.body.costSteps).toEqual([]);
    expect(JSON.stringify(res.body)).not.toContain(TOKEN);

    // An entity without delivery annotations: nothing to show.
    const plain = await delivery(server, 'component:default/plain');
    expect(plain.status).toBe(200);
    expect(plain.body).toEqual({
      entityRef: 'component:default/plain',
      deployments: [],
      costSteps: [],
    });
  });

  it('needs finops.entity.read on the entity, a known entity and an entityRef', async () => {
    const server = await start(name =>
      name === 'finops.entity.read'
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW,
    );
    const asked = argo.requests.length;
    const denied = await delivery(server, 'component:default/chat-llm');
    expect(denied.status).toBe(403);
    expectMatchesSpec(denied);
    expect(denied.body.error.message).toBe(
      "Permission 'finops.entity.read' was denied",
    );
    // Argo CD is not asked for an entity the caller may not read.
    expect(argo.requests.length).toBe(asked);

    const unknown = await delivery(server, 'component:default/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe(
      'Entity component:default/nope not found',
    );

    const missing = await delivery(server);
    expect(missing.status).toBe(400);
    const invalid = await delivery(server, 'component:');
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.message).toContain(
      "Invalid entityRef 'component:'",
    );

    const anonymous = await request(server).get(
      '/api/finops/delivery?entityRef=component:default/chat-llm',
    );
    expect(anonymous.status).toBe(401);
  });
});
