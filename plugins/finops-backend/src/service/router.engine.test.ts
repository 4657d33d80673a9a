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
import type {
  EntityCarbonFootprint,
  EntityCostAnomalies,
  EntityCostForecast,
  EntityGpuEfficiency,
  EntityRecommendations,
} from '@ai-finops/backstage-plugin-finops-common';
import {
  mockCredentials,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Knex } from 'knex';
import request from 'supertest';
import {
  component,
  dataSourceModule,
  startFinopsBackend,
} from '../__testUtils__/backend';
import { expectMatchesSpec } from '../__testUtils__/openapi';
import { HOUR, aCostRecord, aUsageRecord } from '@ai-finops/test-utils';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const DAY = 24 * HOUR;
const today = Math.floor(Date.now() / DAY) * DAY;
/** The day whose GPU count triples: 12 days ago. */
const SPIKE_DAY = new Date(today - 12 * DAY).toISOString().slice(0, 10);
const GPU_MODEL = 'NVIDIA-H100-80GB-HBM3';
const REGION = 'us-east-1';
const NAMESPACE = 'inference';
const PRICE = 4; // USD per GPU-hour
const WATTS = 300;
const UTIL = 0.4;
const TOKENS_IN = 1_000_000;
const TOKENS_OUT = 250_000;

/**
 * 45 days of one GPU inference service: 2 H100s at $4/h each, 40 %
 * utilisation, 300 W per GPU, 1.25M tokens an hour; on SPIKE_DAY it holds
 * 6 GPUs (3× the cost) for the same work.
 */
const engineSource: FinopsDataSource = {
  id: 'engine',
  backfill: { days: 45 },
  async *read({ window }: FinopsReadOptions): AsyncIterable<FinopsRecord> {
    for (let t = window.start.getTime(); t < window.end.getTime(); t += HOUR) {
      const hour = new Date(t).toISOString();
      const gpus = hour.startsWith(SPIKE_DAY) ? 6 : 2;
      const dims = {
        gpuModel: GPU_MODEL,
        region: REGION,
        namespace: NAMESPACE,
      };
      yield aCostRecord(hour, {
        billedCost: gpus * PRICE,
        effectiveCost: gpus * PRICE,
        listCost: gpus * PRICE,
        ...dims,
      });
      yield aUsageRecord(hour, 'gpu_hours', gpus, dims);
      yield aUsageRecord(hour, 'gpu_utilization', (UTIL * 2) / gpus, dims);
      yield aUsageRecord(hour, 'gpu_power_watts', WATTS, dims);
      yield aUsageRecord(hour, 'tokens_input', TOKENS_IN, dims);
      yield aUsageRecord(hour, 'tokens_output', TOKENS_OUT, dims);
      yield aUsageRecord(hour, 'requests', 1000, dims);
    }
  },
};

const engineSourceModule = dataSourceModule('engine-source', engineSource);

const entities = [
  component('chat-llm', {
    'backstage.io/kubernetes-id': 'chat',
    'ai-finops.io/monthly-budget': '2000',
  }),
  component('no-keys'),
];

const USER = mockCredentials.user.header('user:default/bob');
const BASE = '/api/finops/entities/component/default';

describe.each(databases.eachSupportedId())('engine routes (%s)', databaseId => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  let firstKnex: Knex | undefined;

  async function start(
    result:
      | AuthorizeResult.ALLOW
      | AuthorizeResult.DENY
      | ((permission: string) => AuthorizeResult) = AuthorizeResult.ALLOW,
    /** Reuse the first backend's ingested database (no trigger needed). */
    shared = false,
  ) {
    const knex = shared ? firstKnex! : await databases.init(databaseId);
    firstKnex ??= knex;
    const backend = await startFinopsBackend({
      knex,
      features: [engineSourceModule],
      entities,
      permissions: typeof result === 'function' ? result : () => result,
      ...(shared ? {} : { trigger: { source: 'engine', user: USER } }),
    });
    return backend.server;
  }

  beforeAll(async () => {
    server = await start();
  });

  const get = (path: string) =>
    request(server).get(`${BASE}/${path}`).set('Authorization', USER);

  it('stores the results of the default ranges per entity and serves them again; a range asked for is computed', async () => {
    const kinds = async () =>
      (
        await firstKnex!('finops_entity_results')
          .where('entity_ref', 'component:default/chat-llm')
          .select('kind')
      )
        .map(r => r.kind)
        .sort();
    const before = await kinds();
    const first = await get(
      'chat-llm/efficiency?from=2026-11-01&to=2026-11-02',
    );
    expect(first.status).toBe(200);
    expect(await kinds()).toEqual(before);
    for (const path of ['forecast', 'efficiency', 'carbon', 'anomalies']) {
      const a = await get(`chat-llm/${path}`);
      expect(a.status).toBe(200);
      expectMatchesSpec(a);
      const b = await get(`chat-llm/${path}`);
      expect(b.body).toEqual(a.body);
    }
    expect(await kinds()).toEqual(
      expect.arrayContaining([
        'anomalies-daily',
        'carbon',
        'efficiency',
        'forecast',
      ]),
    );
  });

  it('forecasts the month end with an interval around the flat run rate', async () => {
    const res = await get('chat-llm/forecast');
    expect(res.status).toBe(200);
    expectMatchesSpec(res);
    const body: EntityCostForecast = res.body;
    const daily = 2 * PRICE * 24;
    const remaining = body.daysInMonth - body.daysElapsed;
    expect(body.daily).toHaveLength(remaining);
    // The month's complete days, from the source's own numbers.
    const month = body.month;
    const expectedActual = body.history
      .filter(d => d.date.startsWith(month))
      .reduce((s, d) => s + d.cost, 0);
    expect(body.actual).toBeCloseTo(expectedActual, 6);
    expect(body.monthEnd.level).toBe(0.8);
    expect(body.monthEnd.lower).toBeLessThanOrEqual(body.monthEnd.mean);
    expect(body.monthEnd.upper).toBeGreaterThanOrEqual(body.monthEnd.mean);
    const flat = body.actual + remaining * daily;
    expect(Math.abs(body.monthEnd.mean - flat)).toBeLessThanOrEqual(
      0.1 * flat + 1,
    );
    expect(body.accuracy?.origins).toBeGreaterThan(0);
    expect(body.models.length).toBeGreaterThan(0);
    // The budget of 2,000 against ~5,800 a month.
    expect(body.budget?.budget).toBe(2000);
    expect(['at-risk', 'over']).toContain(body.budget?.status);
  });

  it('finds the spike day as the one anomaly and explains it by usage', async () => {
    const res = await get('chat-llm/anomalies');
    expect(res.status).toBe(200);
    expectMatchesSpec(res);
    const body: EntityCostAnomalies = res.body;
    expect(body.granularity).toBe('daily');
    expect(body.points).toHaveLength(90);
    expect(body.anomalies.map(a => a.bucket)).toEqual([SPIKE_DAY]);
    const [spike] = body.anomalies;
    expect(spike.actual).toBeCloseTo(6 * PRICE * 24, 6);
    expect(spike.expected).toBeCloseTo(2 * PRICE * 24, 0);
    expect(spike.severity).toBe('critical');
    expect(spike.contributors[0]).toMatchObject({
      dimension: 'workload',
      key: 'Deployment/chat-llm',
    });
    expect(spike.priceUsage?.driver).toBe('usage');
    expect(spike.explanation).toContain('Deployment/chat-llm');

    const bad = await get('chat-llm/anomalies?granularity=weekly');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('granularity');
  });

  it('finds the spike hours at hourly granularity', async () => {
    const from = new Date(Date.parse(SPIKE_DAY) - 9 * DAY)
      .toISOString()
      .slice(0, 10);
    const res = await get(
      `chat-llm/anomalies?granularity=hourly&from=${from}&to=${SPIKE_DAY}`,
    );
    expect(res.status).toBe(200);
    expectMatchesSpec(res);
    const body: EntityCostAnomalies = res.body;
    expect(body.anomalies.length).toBeGreaterThan(0);
    expect(body.anomalies.every(a => a.bucket.startsWith(SPIKE_DAY))).toBe(
      true,
    );
  });

  it('measures GPU efficiency and unit economics from the usage facts', async () => {
    // The days after the spike: 2 GPUs every hour.
    const from = new Date(Date.parse(SPIKE_DAY) + DAY)
      .toISOString()
      .slice(0, 10);
    const to = new Date(today - 2 * DAY).toISOString().slice(0, 10);
    const res = await get(`chat-llm/efficiency?from=${from}&to=${to}`);
    expect(res.status).toBe(200);
    expectMatchesSpec(res);
    const body: EntityGpuEfficiency = res.body;
    const hours = ((Date.parse(to) - Date.parse(from)) / DAY + 1) * 24;
    expect(body.gpuModel).toBe(GPU_MODEL);
    expect(body.gpuCount).toEqual({ mean: 2, peak: 2, latest: 2 });
    expect(body.sharing).toBe('whole');
    expect(body.gpuHours).toBeCloseTo(2 * hours, 6);
    expect(body.costPerGpuHour).toBeCloseTo(PRICE, 6);
    expect(body.activitySource).toBe('gpu_util');
    // 40 % against the 80 % target: half of every GPU-hour unused.
    expect(body.unusedGpuHours).toBeCloseTo(hours, 6);
    expect(body.unusedCost).toBeCloseTo(hours * PRICE, 6);
    expect(body.idleGpuHours).toBe(0);
    expect(body.score).toBeGreaterThan(0);
    expect(body.score).toBeLessThan(100);
    expect(body.tokensPerSecondPerGpu).toBeCloseTo(
      (TOKENS_IN + TOKENS_OUT) / (2 * 3600),
      6,
    );
    expect(body.costPerMillionTokens).toBeCloseTo(
      (2 * PRICE) / ((TOKENS_IN + TOKENS_OUT) / 1e6),
      6,
    );
    expect(body.costPerRequest).toBeCloseTo((2 * PRICE) / 1000, 6);
    expect(body.energyKwh).toBeCloseTo((2 * hours * WATTS) / 1000, 6);
    expect(body.daily).toHaveLength(hours / 24);
    expect(body.daily[0].utilization).toBeCloseTo(UTIL, 6);
  });

  it('computes the carbon footprint and a greener region', async () => {
    const from = new Date(Date.parse(SPIKE_DAY) + DAY)
      .toISOString()
      .slice(0, 10);
    const to = new Date(today - 2 * DAY).toISOString().slice(0, 10);
    const res = await get(`chat-llm/carbon?from=${from}&to=${to}`);
    expect(res.status).toBe(200);
    expectMatchesSpec(res);
    const body: EntityCarbonFootprint = res.body;
    const hours = ((Date.parse(to) - Date.parse(from)) / DAY + 1) * 24;
    const kwh = (2 * hours * WATTS) / 1000;
    expect(body).toMatchObject({
      region: REGION,
      provider: 'aws',
      pue: 1.135,
      gridIntensity: { annual: 379.069, source: 'annual', exact: true },
      measuredEnergyShare: 1,
    });
    expect(body.energyKwh).toBeCloseTo(kwh, 6);
    expect(body.operationalKg).toBeCloseTo((kwh * 1.135 * 379.069) / 1000, 6);
    expect(body.embodiedKg).toBeGreaterThan(0);
    expect(body.totalKg).toBeCloseTo(body.operationalKg + body.embodiedKg, 6);
    expect(body.gCo2ePerMillionTokens).toBeCloseTo(
      (body.totalKg * 1000) / ((hours * (TOKENS_IN + TOKENS_OUT)) / 1e6),
      6,
    );
    expect(body.greenerOption?.region).toMatch(/^us-west-[12]$/);
    expect(body.greenerOption?.percentLess).toBeCloseTo(
      100 * (1 - 322.167 / 379.069),
      6,
    );
    expect(body.daily.reduce((s, d) => s + d.kg, 0)).toBeCloseTo(
      body.totalKg,
      6,
    );
  });

  it('ranks recommendations by saving; dismiss, snooze and reopen them', async () => {
    const res = await get('chat-llm/recommendations');
    expect(res.status).toBe(200);
    expectMatchesSpec(res);
    const body: EntityRecommendations = res.body;
    expect(body.items.length).toBeGreaterThan(0);
    const savings = body.items.map(r => r.monthlySavings);
    expect(savings).toEqual([...savings].sort((a, b) => b - a));
    const region = body.items.find(r => r.kind === 'carbon-region');
    expect(region).toMatchObject({
      source: 'engine:carbon-region',
      state: { status: 'open' },
    });
    expect(region!.evidence.length).toBeGreaterThan(0);
    // The namespace the costs were recorded in names the object to change,
    // so the GitOps opener can pick the overlay that deploys there.
    expect(region!.workload).toEqual({
      kind: 'Deployment',
      name: 'chat-llm',
      namespace: NAMESPACE,
    });
    expect(region!.changes[0]).toMatchObject({
      kind: 'Deployment',
      name: 'chat-llm',
      namespace: NAMESPACE,
    });
    expect(region!.id).toBe(`carbon-region:${NAMESPACE}/Deployment/chat-llm`);
    // No pull request tracked (no GitOps integration configured).
    expect(body.items.every(r => r.pullRequest === undefined)).toBe(true);
    expect(body.hidden).toEqual([]);

    const id = encodeURIComponent(region!.id);
    const post = (path: string) =>
      request(server)
        .post(`${BASE}/chat-llm/recommendations/${id}/${path}`)
        .set('Authorization', USER);

    const noReason = await post('dismiss').send({});
    expect(noReason.status).toBe(400);
    expectMatchesSpec(noReason);

    const dismissed = await post('dismiss').send({
      reason: 'Data must stay in us-east-1',
    });
    expect(dismissed.status).toBe(200);
    expectMatchesSpec(dismissed);
    expect(dismissed.body.state).toMatchObject({
      status: 'dismissed',
      reason: 'Data must stay in us-east-1',
      by: 'user:default/bob',
    });
    const after = (await get('chat-llm/recommendations'))
      .body as EntityRecommendations;
    expect(after.items.find(r => r.id === region!.id)).toBeUndefined();
    expect(after.hidden.find(r => r.id === region!.id)?.state).toMatchObject({
      status: 'dismissed',
      reason: 'Data must stay in us-east-1',
    });

    const snoozed = await post('snooze').send({ days: 14 });
    expect(snoozed.status).toBe(200);
    expectMatchesSpec(snoozed);
    expect(snoozed.body.state.status).toBe('snoozed');
    expect(Date.parse(snoozed.body.state.until) - Date.now()).toBeGreaterThan(
      13 * DAY,
    );
    expect((await post('snooze').send({ days: 0 })).status).toBe(400);

    const reopened = await post('reopen');
    expect(reopened.status).toBe(200);
    expect(reopened.body.state).toEqual({ status: 'open' });
    const again = (await get('chat-llm/recommendations'))
      .body as EntityRecommendations;
    expect(again.items.find(r => r.id === region!.id)).toBeDefined();

    const pr = await post('pull-request');
    expect(pr.status).toBe(501);
    expectMatchesSpec(pr);
    expect(pr.body.error.message).toContain('GitOps');
  });

  it('refuses a snooze until a day the calendar does not have, naming the field', async () => {
    const id = encodeURIComponent(
      `carbon-region:${NAMESPACE}/Deployment/chat-llm`,
    );
    const year = new Date().getUTCFullYear() + 1;
    for (const until of [
      `${year}-02-30`,
      `${year}-02-30T00:00:00Z`,
      `${year}-13-01`,
      `${year}-01-01T24:00:00Z`,
      `${year}-01-01T12:00:00`,
      'tomorrow',
    ]) {
      const res = await request(server)
        .post(`${BASE}/chat-llm/recommendations/${id}/snooze`)
        .set('Authorization', USER)
        .send({ until });
      expect(res.status).toBe(400);
      expectMatchesSpec(res);
      expect(res.body.error.message).toContain(
        `Invalid 'until' ${JSON.stringify(until)}`,
      );
    }
    const ok = await request(server)
      .post(`${BASE}/chat-llm/recommendations/${id}/snooze`)
      .set('Authorization', USER)
      .send({ until: new Date(Date.now() + 3 * DAY).toISOString() });
    expect(ok.status).toBe(200);
    await request(server)
      .post(`${BASE}/chat-llm/recommendations/${id}/reopen`)
      .set('Authorization', USER);
  });

  it('answers 404 naming the id when dismissing or snoozing a recommendation the entity does not have, and stores nothing', async () => {
    for (const [action, body] of [
      ['dismiss', { reason: 'no' }],
      ['snooze', { days: 7 }],
    ] as const) {
      const res = await request(server)
        .post(`${BASE}/chat-llm/recommendations/no-such-id/${action}`)
        .set('Authorization', USER)
        .send(body);
      expect(res.status).toBe(404);
      expectMatchesSpec(res);
      expect(res.body.error.message).toBe(
        "No recommendation 'no-such-id' for component:default/chat-llm",
      );
    }
    const list = (await get('chat-llm/recommendations'))
      .body as EntityRecommendations;
    expect(list.hidden.find(r => r.id === 'no-such-id')).toBeUndefined();
  });

  it('answers 404 for an entity without allocation keys', async () => {
    for (const route of [
      'forecast',
      'anomalies',
      'efficiency',
      'carbon',
      'recommendations',
    ]) {
      const res = await get(`no-keys/${route}`);
      expect(res.status).toBe(404);
      expectMatchesSpec(res);
    }
  });

  it('dismisses, snoozes and reopens only with finops.recommendation.apply or finops.admin', async () => {
    const readOnly = await start(name =>
      name === 'finops.entity.read'
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
    );
    const id = encodeURIComponent(
      `carbon-region:${NAMESPACE}/Deployment/chat-llm`,
    );
    const post = (s: typeof readOnly, path: string, body: object = {}) =>
      request(s)
        .post(`${BASE}/chat-llm/recommendations/${id}/${path}`)
        .set('Authorization', USER)
        .send(body);
    for (const [path, body] of [
      ['dismiss', { reason: 'no' }],
      ['snooze', { days: 7 }],
      ['reopen', {}],
    ] as const) {
      const res = await post(readOnly, path, body);
      expect(res.status).toBe(403);
      expectMatchesSpec(res);
      expect(res.body.error.message).toBe(
        "Permission 'finops.recommendation.apply' on component:default/chat-llm (or 'finops.admin') was denied",
      );
    }
    // Reading still works.
    const list = await request(readOnly)
      .get(`${BASE}/chat-llm/recommendations`)
      .set('Authorization', USER);
    expect(list.status).toBe(200);

    // On the first backend's data: only a recommendation the entity has
    // may be dismissed.
    const applier = await start(
      name =>
        name === 'finops.admin' ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
      true,
    );
    const dismissed = await post(applier, 'dismiss', { reason: 'later' });
    expect(dismissed.status).toBe(200);
    expect(dismissed.body.state.status).toBe('dismissed');
    expect((await post(applier, 'reopen')).status).toBe(200);
  });

  it('answers 403 without finops.entity.read', async () => {
    const denied = await start(AuthorizeResult.DENY);
    for (const route of ['forecast', 'efficiency', 'recommendations']) {
      const res = await request(denied)
        .get(`${BASE}/chat-llm/${route}`)
        .set('Authorization', USER);
      expect(res.status).toBe(403);
    }
    const res = await request(denied)
      .post(`${BASE}/chat-llm/recommendations/x/dismiss`)
      .set('Authorization', USER)
      .send({ reason: 'no' });
    expect(res.status).toBe(403);
  });
});
