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
  finopsEntityReadPermission,
  finopsOrganizationReadPermission,
  type CostAllocationReport,
  type EntityCostSeries,
  type EntityCostSummary,
  type EntityUsageSeries,
} from '@ai-finops/backstage-plugin-finops-common';
import type { FinopsRecord } from '@ai-finops/backstage-plugin-finops-node';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  type AuthorizePermissionRequest,
} from '@backstage/plugin-permission-common';
import type { Knex } from 'knex';
import request from 'supertest';
import { expectMatchesSpec } from '../__testUtils__/openapi';
import { aCostRecord, aUsageRecord, HOUR } from '@ai-finops/test-utils';
import { DatabaseFinopsStore } from '@ai-finops/backstage-plugin-finops-node';
import { finopsPlugin } from '../plugin';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const USER = mockCredentials.user.header('user:default/bob');

// ---------------------------------------------------------------------------
// Catalog: two systems in one domain, three groups, relations as the catalog
// would have stitched them.

type Rel = [type: string, targetRef: string];
const entity = (
  kind: string,
  name: string,
  annotations: Record<string, string> = {},
  relations: Rel[] = [],
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, namespace: 'default', annotations },
  spec: {},
  relations: relations.map(([type, targetRef]) => ({ type, targetRef })),
});

const entities: Entity[] = [
  entity('Component', 'chat-llm', { 'backstage.io/kubernetes-id': 'chat' }, [
    ['ownedBy', 'group:default/search-ai'],
    ['partOf', 'system:default/assistant'],
  ]),
  entity(
    'Component',
    'embedder',
    { 'ai-finops.io/billing-tags': 'app=embedder' },
    [
      ['ownedBy', 'group:default/search-ai'],
      ['partOf', 'system:default/assistant'],
    ],
  ),
  entity(
    'Component',
    'broken',
    { 'backstage.io/kubernetes-label-selector': 'app' },
    [
      ['ownedBy', 'group:default/search-ai'],
      ['partOf', 'system:default/assistant'],
    ],
  ),
  entity('Component', 'no-keys', {}, [['ownedBy', 'group:default/search-ai']]),
  entity(
    'Component',
    'ranker',
    { 'backstage.io/kubernetes-label-selector': 'app=ranker' },
    [
      ['ownedBy', 'group:default/ranking'],
      ['partOf', 'system:default/search'],
    ],
  ),
  entity('Component', 'gateway', { 'backstage.io/kubernetes-id': 'gateway' }, [
    ['ownedBy', 'group:default/platform'],
  ]),
  entity('System', 'assistant', {}, [
    ['ownedBy', 'group:default/search-ai'],
    ['partOf', 'domain:default/ai'],
  ]),
  entity('System', 'search', {}, [
    ['ownedBy', 'group:default/ranking'],
    ['partOf', 'domain:default/ai'],
  ]),
  entity('Domain', 'ai'),
  entity('Group', 'ml'),
  entity('Group', 'search-ai', {}, [['childOf', 'group:default/ml']]),
  entity('Group', 'ranking', {}, [['childOf', 'group:default/ml']]),
  entity('Group', 'platform'),
  entity('System', 'empty', {}, []),
];

const allocationConfig = {
  rules: [
    { entityRef: 'component:ranker', match: { namespace: 'ranking-batch' } },
  ],
  sharedCosts: [
    {
      name: 'cluster overhead',
      match: { namespace: 'kube-system' },
      splitAmong: { ownerGroup: 'search-ai' },
      by: 'proportional',
    },
    {
      match: { tags: { 'cost-pool': 'networking' } },
      splitAmong: ['component:default/chat-llm', 'component:default/gateway'],
      by: 'even',
    },
  ],
};

// ---------------------------------------------------------------------------
// Facts: 1 and 2 November 2026 (UTC).

const NOV_1 = Date.parse('2026-11-01T00:00:00Z');
const NOV_2 = NOV_1 + 24 * HOUR;
const NOV_3 = NOV_2 + 24 * HOUR;
const at = (t: number) => new Date(t).toISOString();

function facts(dayStart: number, first: boolean): FinopsRecord[] {
  const records: FinopsRecord[] = [];
  for (let h = 0; h < 24; h++) {
    const hour = at(dayStart + h * HOUR);
    records.push(
      // chat-llm: 10 an hour (billed 12, list 20).
      aCostRecord(hour, {
        namespace: 'ml',
        region: 'us-east-1',
        gpuModel: 'NVIDIA-H100-80GB-HBM3',
        billedCost: 12,
        effectiveCost: 10,
        listCost: 20,
      }),
      // embedder: 1 an hour, by billing tags.
      aCostRecord(hour, {
        kubernetesId: undefined,
        workload: 'Deployment/embedder',
        region: 'eu-west-1',
        category: 'cpu',
        tags: { app: 'embedder', team: 'search' },
      }),
      // ranker: 2 an hour, by labels.
      aCostRecord(hour, {
        kubernetesId: undefined,
        namespace: 'ranking',
        workload: 'Deployment/ranker',
        labels: { app: 'ranker' },
        gpuModel: 'NVIDIA-L4',
        billedCost: 2,
        effectiveCost: 2,
        listCost: 2,
      }),
      // gateway: 1 an hour.
      aCostRecord(hour, {
        kubernetesId: 'gateway',
        workload: 'Deployment/gateway',
        category: 'network',
      }),
      // Cluster overhead, shared: 4 an hour.
      aCostRecord(hour, {
        kubernetesId: undefined,
        namespace: 'kube-system',
        workload: 'DaemonSet/dcgm-exporter',
        category: 'other',
        billedCost: 4,
        effectiveCost: 4,
        listCost: 4,
      }),
      // Nobody's: 1 an hour.
      aCostRecord(hour, {
        kubernetesId: undefined,
        namespace: 'orphans',
        workload: 'Deployment/mystery',
        category: 'cpu',
      }),
    );
    if (first) {
      records.push(
        // Networking pool, shared evenly: 2 an hour on the first day.
        aCostRecord(hour, {
          kubernetesId: undefined,
          workload: 'nat-gateway',
          category: 'network',
          tags: { 'cost-pool': 'networking' },
          billedCost: 2,
          effectiveCost: 2,
          listCost: 2,
        }),
        aUsageRecord(hour, 'gpu_hours', 2),
        aUsageRecord(hour, 'gpu_utilization', 0.6),
        aUsageRecord(hour, 'tokens_output', 1_000_000),
        aUsageRecord(hour, 'gpu_hours', 1, {
          kubernetesId: undefined,
          labels: { app: 'ranker' },
        }),
        aUsageRecord(hour, 'gpu_utilization', 0.3, {
          kubernetesId: undefined,
          labels: { app: 'ranker' },
        }),
      );
      if (h < 10) {
        // The ranker's batch namespace, by a config rule: 0.5 an hour.
        records.push(
          aCostRecord(hour, {
            kubernetesId: undefined,
            namespace: 'ranking-batch',
            workload: 'Job/reindex',
            billedCost: 0.5,
            effectiveCost: 0.5,
            listCost: 0.5,
          }),
        );
      }
    }
  }
  if (first) {
    records.push(
      // Taken by chat-llm (its id) and embedder (its tags): an overlap.
      aCostRecord(at(dayStart), {
        category: 'storage',
        workload: 'pvc/shared-cache',
        tags: { app: 'embedder' },
        billedCost: 3,
        effectiveCost: 3,
        listCost: 3,
      }),
    );
  } else {
    // A fact with nothing but a region.
    records.push(
      aCostRecord(at(dayStart + 3 * HOUR), {
        kubernetesId: undefined,
        workload: undefined,
        region: 'ap-south-1',
        category: 'other',
        billedCost: 7,
        effectiveCost: 7,
        listCost: 7,
      }),
    );
  }
  return records;
}

// Expected effective costs over 1–2 November.
const CHAT = 480 + 3; // its own facts and the overlap
const EMBEDDER = 48 + 3;
const RANKER = 96 + 5;
const GATEWAY = 48;
const OVERHEAD = 192;
const NETWORKING = 48;
const UNALLOCATED = 48 + 7;
const TOTAL = 480 + 48 + 101 + 48 + 3 + 192 + 48 + 55;
const CHAT_OVERHEAD = (OVERHEAD * CHAT) / (CHAT + EMBEDDER);
const EMBEDDER_OVERHEAD = (OVERHEAD * EMBEDDER) / (CHAT + EMBEDDER);

describe.each(databases.eachSupportedId())(
  'cost and allocation routes (%s)',
  databaseId => {
    let knex: Knex;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      const store = await DatabaseFinopsStore.create({
        database: mockServices.database({ knex }),
      });
      await store.replaceWindow(
        'seed',
        { start: new Date(NOV_1), end: new Date(NOV_2) },
        facts(NOV_1, true),
      );
      await store.replaceWindow(
        'seed',
        { start: new Date(NOV_2), end: new Date(NOV_3) },
        facts(NOV_2, false),
      );
    });

    const asked: AuthorizePermissionRequest[] = [];

    async function startBackend(
      options: {
        decide?: (request: AuthorizePermissionRequest) => AuthorizeResult;
        allocation?: object;
      } = {},
    ) {
      const decide = options.decide ?? (() => AuthorizeResult.ALLOW);
      const permissions = mockServices.permissions.mock({
        authorize: async requests => {
          asked.push(...(requests as AuthorizePermissionRequest[]));
          return requests.map(r => ({
            result: decide(r as AuthorizePermissionRequest),
          })) as any;
        },
      });
      const { server } = await startTestBackend({
        features: [
          finopsPlugin,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: {
              finops: { allocation: options.allocation ?? allocationConfig },
            },
          }),
          mockServices.httpAuth.factory({
            defaultCredentials: mockCredentials.none(),
          }),
          permissions.factory,
          mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
          catalogServiceMock.factory({ entities }),
        ],
      });
      return server;
    }

    async function get(server: any, path: string, status = 200) {
      const res = await request(server)
        .get(`/api/finops${path}`)
        .set('Authorization', USER);
      expectMatchesSpec(res);
      if (res.status !== status) {
        throw new Error(
          `GET ${path}: expected ${status}, got ${res.status}: ${JSON.stringify(
            res.body,
          )}`,
        );
      }
      return res.body;
    }

    const range = 'from=2026-11-01&to=2026-11-02';

    describe('GET /entities/:kind/:namespace/:name/costs', () => {
      it('serves a daily series with shared costs split in', async () => {
        const server = await startBackend();
        const body: EntityCostSeries = await get(
          server,
          `/entities/component/default/chat-llm/costs?${range}`,
        );
        expect(body).toMatchObject({
          entityRef: 'component:default/chat-llm',
          currency: 'USD',
          from: '2026-11-01',
          to: '2026-11-02',
          granularity: 'daily',
          members: ['component:default/chat-llm'],
          buckets: ['2026-11-01', '2026-11-02'],
        });
        expect(body.series).toHaveLength(1);
        expect(body.series[0].key).toBe('total');
        expect(body.total.effectiveCost).toBeCloseTo(
          CHAT + CHAT_OVERHEAD + NETWORKING / 2,
          9,
        );
        expect(body.sharedCost.effectiveCost).toBeCloseTo(
          CHAT_OVERHEAD + NETWORKING / 2,
          9,
        );
        // Billed and list costs follow the same facts.
        expect(body.total.billedCost).toBeCloseTo(
          48 * 12 + 3 + CHAT_OVERHEAD + NETWORKING / 2,
          9,
        );
        const [nov1, nov2] = body.series[0].points;
        expect(nov1.effectiveCost + nov2.effectiveCost).toBeCloseTo(
          body.total.effectiveCost,
          9,
        );
        // Day 2 has no networking pool and no overlap.
        expect(nov2.effectiveCost).toBeCloseTo(240 + CHAT_OVERHEAD / 2, 1);
        expect(asked).toContainEqual({
          permission: finopsEntityReadPermission,
          resourceRef: 'component:default/chat-llm',
        });
      });

      it('splits by category, by tag and by month', async () => {
        const server = await startBackend();
        const byCategory: EntityCostSeries = await get(
          server,
          `/entities/component/default/chat-llm/costs?${range}&groupBy=category`,
        );
        const categories = Object.fromEntries(
          byCategory.series.map(s => [s.key, s.total.effectiveCost]),
        );
        expect(Object.keys(categories)).toEqual([
          'gpu',
          'other',
          'network',
          'storage',
        ]);
        expect(categories.gpu).toBe(480);
        expect(categories.other).toBeCloseTo(CHAT_OVERHEAD, 9);
        expect(categories.network).toBe(24);
        expect(categories.storage).toBe(3);

        const byTag: EntityCostSeries = await get(
          server,
          `/entities/component/default/embedder/costs?${range}&groupBy=tag:team`,
        );
        expect(
          byTag.series.map(s => [
            s.key,
            Number(s.total.effectiveCost.toFixed(6)),
          ]),
        ).toEqual([
          ['search', 48],
          [null, Number((3 + EMBEDDER_OVERHEAD).toFixed(6))],
        ]);

        const monthly: EntityCostSeries = await get(
          server,
          `/entities/component/default/ranker/costs?from=2026-10-15&to=2026-11-30&granularity=monthly`,
        );
        expect(monthly.buckets).toEqual(['2026-10', '2026-11']);
        expect(monthly.series[0].points.map(p => p.effectiveCost)).toEqual([
          0,
          RANKER,
        ]);
      });

      it('rolls a System up over its components, counting shared facts once', async () => {
        const server = await startBackend();
        const body: EntityCostSeries = await get(
          server,
          `/entities/system/default/assistant/costs?${range}`,
        );
        expect(body.members).toEqual([
          'component:default/chat-llm',
          'component:default/embedder',
        ]);
        expect(body.warnings).toEqual([
          expect.stringMatching(
            /component:default\/broken has an invalid cost allocation annotation/,
          ),
        ]);
        // The overlap (3) once; all of the overhead, half the networking pool.
        expect(body.total.effectiveCost).toBeCloseTo(
          480 + 48 + 3 + OVERHEAD + NETWORKING / 2,
          9,
        );
      });

      it('rolls a Domain up over its systems and a Group over what it and its child groups own', async () => {
        const server = await startBackend();
        const domain: EntityCostSeries = await get(
          server,
          `/entities/domain/default/ai/costs?${range}`,
        );
        const expected = 480 + 48 + 3 + RANKER + OVERHEAD + NETWORKING / 2;
        expect(domain.total.effectiveCost).toBeCloseTo(expected, 9);
        expect(domain.members).toEqual([
          'component:default/chat-llm',
          'component:default/embedder',
          'component:default/ranker',
        ]);

        const ml: EntityCostSeries = await get(
          server,
          `/entities/group/default/ml/costs?${range}`,
        );
        expect(ml.total.effectiveCost).toBeCloseTo(expected, 9);

        const platform: EntityCostSeries = await get(
          server,
          `/entities/group/default/platform/costs?${range}`,
        );
        expect(platform.total.effectiveCost).toBeCloseTo(
          GATEWAY + NETWORKING / 2,
          9,
        );
      });

      it('answers 404 for a roll-up without members that have keys', async () => {
        const server = await startBackend();
        const body = await get(
          server,
          `/entities/system/default/empty/costs?${range}`,
          404,
        );
        expect(body.error.message).toMatch(
          /system:default\/empty has no member with a cost allocation annotation/,
        );
      });

      it.each([
        [
          'from=2026-13-01',
          /Invalid from '2026-13-01'; expected a UTC day as YYYY-MM-DD/,
        ],
        ['from=2026-02-30', /Invalid from '2026-02-30'/],
        ['to=yesterday', /Invalid to 'yesterday'/],
        [
          'from=2026-11-02&to=2026-11-01',
          /from 2026-11-02 is after to 2026-11-01/,
        ],
        ['from=2020-01-01&to=2026-11-01', /at most 732 days/],
        [
          'granularity=weekly',
          /Invalid granularity 'weekly'; expected one of daily, monthly/,
        ],
        ['groupBy=colour', /Invalid groupBy 'colour'/],
        ['colour=red', /colour/],
      ])('answers 400 for %s, naming the parameter', async (query, message) => {
        const server = await startBackend();
        const body = await get(
          server,
          `/entities/component/default/chat-llm/costs?${query}`,
          400,
        );
        expect(body.error.name).toBe('InputError');
        expect(body.error.message).toMatch(message);
      });
    });

    describe('GET /entities/:kind/:namespace/:name/usage', () => {
      it('serves weighted gauges and summed counters, and lists the metrics', async () => {
        const server = await startBackend();
        const body: EntityUsageSeries = await get(
          server,
          `/entities/component/default/chat-llm/usage?${range}&metric=gpu_utilization,tokens_output`,
        );
        expect(body.availableMetrics).toEqual([
          'gpu_hours',
          'gpu_utilization',
          'tokens_output',
        ]);
        expect(body.series).toEqual([
          {
            metric: 'gpu_utilization',
            aggregation: 'mean',
            total: expect.closeTo(0.6, 12),
            points: [
              { bucket: '2026-11-01', value: expect.closeTo(0.6, 12) },
              { bucket: '2026-11-02', value: null },
            ],
          },
          {
            metric: 'tokens_output',
            aggregation: 'sum',
            total: 24_000_000,
            points: [
              { bucket: '2026-11-01', value: 24_000_000 },
              { bucket: '2026-11-02', value: 0 },
            ],
          },
        ]);

        // A domain weights utilisation by GPU-hours: 48 h at 0.6, 24 at 0.3.
        const domain: EntityUsageSeries = await get(
          server,
          `/entities/domain/default/ai/usage?${range}&metric=gpu_utilization`,
        );
        expect(domain.series[0].total).toBeCloseTo(0.5, 12);

        const hourly: EntityUsageSeries = await get(
          server,
          `/entities/component/default/chat-llm/usage?from=2026-11-01&to=2026-11-01&granularity=hourly`,
        );
        expect(hourly.series.map(s => s.metric)).toEqual(
          hourly.availableMetrics,
        );
        expect(hourly.series[0].points).toHaveLength(24);
        expect(hourly.series[0].points[5]).toEqual({
          bucket: '2026-11-01T05:00:00.000Z',
          value: 2,
        });
      });

      it.each([
        [
          'granularity=monthly',
          /Invalid granularity 'monthly'; expected one of hourly, daily/,
        ],
        [
          'granularity=hourly&from=2026-01-01&to=2026-11-01',
          /hourly granularity serves at most 93 days/,
        ],
        ['metric=gpu util', /Invalid metric 'gpu util'/],
      ])('answers 400 for %s', async (query, message) => {
        const server = await startBackend();
        const body = await get(
          server,
          `/entities/component/default/chat-llm/usage?${query}`,
          400,
        );
        expect(body.error.message).toMatch(message);
      });
    });

    describe('GET /entities/:kind/:namespace/:name/summary', () => {
      it('sums a System with its shared costs', async () => {
        const server = await startBackend();
        const body: EntityCostSummary = await get(
          server,
          '/entities/system/default/assistant/summary',
        );
        expect(body.entityRef).toBe('system:default/assistant');
        expect(body.month).toBe('2026-11');
        expect(body.dataUntil).toBe('2026-11-02T23:00:00.000Z');
        expect(body.monthToDate.effectiveCost).toBeCloseTo(
          480 + 48 + 3 + OVERHEAD + NETWORKING / 2,
          9,
        );
        expect(body.previousMonthToDate.effectiveCost).toBe(0);
        expect(body.dailyCosts.reduce((sum, d) => sum + d.cost, 0)).toBeCloseTo(
          body.monthToDate.effectiveCost,
          9,
        );
        expect(body.topDrivers[0]).toMatchObject({
          category: 'gpu',
          workload: 'Deployment/chat-llm',
          gpuModel: 'NVIDIA-H100-80GB-HBM3',
          cost: 480,
        });
        expect(body.usage).toMatchObject({
          gpuHours: 48,
          gpuUtilization: expect.closeTo(0.6, 12),
          tokens: 24_000_000,
        });
      });

      it('adds a configured rule to an entity', async () => {
        const server = await startBackend();
        const body: EntityCostSummary = await get(
          server,
          '/entities/component/default/ranker/summary?month=2026-11',
        );
        expect(body.monthToDate.effectiveCost).toBe(RANKER);
      });
    });

    describe('GET /allocation', () => {
      it('allocates every fact, splits shared costs and shows the unallocated rest', async () => {
        const server = await startBackend();
        const body: CostAllocationReport = await get(
          server,
          `/allocation?${range}`,
        );
        expect(asked).toContainEqual({
          permission: finopsOrganizationReadPermission,
        });
        expect(body.total.effectiveCost).toBeCloseTo(TOTAL, 9);
        expect(body.unallocated.effectiveCost).toBeCloseTo(UNALLOCATED, 9);
        expect(body.allocated.effectiveCost).toBeCloseTo(
          TOTAL - UNALLOCATED,
          9,
        );
        expect(body.unallocated.share).toBeCloseTo(UNALLOCATED / TOTAL, 12);
        expect(body.unallocated.topGroups).toEqual([
          {
            namespace: 'orphans',
            workload: 'Deployment/mystery',
            labels: {},
            tags: {},
            billedCost: 48,
            effectiveCost: 48,
            listCost: 48,
            hint: 'add a finops.allocation.rules entry with match.namespace: orphans',
          },
          {
            region: 'ap-south-1',
            labels: {},
            tags: {},
            billedCost: 7,
            effectiveCost: 7,
            listCost: 7,
            hint: 'add a finops.allocation.rules entry or a shared cost with match.region: ap-south-1',
          },
        ]);

        const rows = Object.fromEntries(
          body.entities.map(e => [e.entityRef, e]),
        );
        // The overlap is divided between the two entities that take it.
        expect(rows['component:default/chat-llm'].direct.effectiveCost).toBe(
          480 + 1.5,
        );
        expect(rows['component:default/embedder'].direct.effectiveCost).toBe(
          48 + 1.5,
        );
        expect(
          rows['component:default/chat-llm'].shared.effectiveCost,
        ).toBeCloseTo(CHAT_OVERHEAD + NETWORKING / 2, 9);
        expect(
          rows['component:default/embedder'].shared.effectiveCost,
        ).toBeCloseTo(EMBEDDER_OVERHEAD, 9);
        expect(rows['component:default/ranker']).toMatchObject({
          owner: 'group:default/ranking',
          system: 'system:default/search',
          direct: { effectiveCost: RANKER },
          shared: { effectiveCost: 0 },
        });
        expect(rows['component:default/gateway'].total.effectiveCost).toBe(
          GATEWAY + NETWORKING / 2,
        );
        const allocatedSum = body.entities.reduce(
          (sum, e) => sum + e.total.effectiveCost,
          0,
        );
        expect(allocatedSum).toBeCloseTo(body.allocated.effectiveCost, 9);
        expect(body.entities[0].entityRef).toBe('component:default/chat-llm');

        expect(body.overlaps).toEqual([
          {
            entityRefs: [
              'component:default/chat-llm',
              'component:default/embedder',
            ],
            cost: { billedCost: 3, effectiveCost: 3, listCost: 3 },
          },
        ]);
        expect(
          body.sharedCosts.map(s => [s.name, s.total.effectiveCost]),
        ).toEqual([
          ['cluster overhead', OVERHEAD],
          ['sharedCosts[1]', NETWORKING],
        ]);
        expect(body.sharedCosts[0].splits).toEqual([
          {
            entityRef: 'component:default/chat-llm',
            share: CHAT / (CHAT + EMBEDDER),
            cost: expect.objectContaining({
              effectiveCost: expect.closeTo(CHAT_OVERHEAD, 9),
            }),
          },
          {
            entityRef: 'component:default/embedder',
            share: EMBEDDER / (CHAT + EMBEDDER),
            cost: expect.objectContaining({
              effectiveCost: expect.closeTo(EMBEDDER_OVERHEAD, 9),
            }),
          },
        ]);
        expect(body.sharedCosts[1].splits.map(s => s.share)).toEqual([
          0.5, 0.5,
        ]);

        const owners = Object.fromEntries(
          body.owners.map(o => [o.entityRef, o.total.effectiveCost]),
        );
        expect(owners['group:default/search-ai']).toBeCloseTo(
          481.5 + 49.5 + OVERHEAD + NETWORKING / 2,
          9,
        );
        expect(owners['group:default/platform']).toBe(GATEWAY + 24);
        expect(body.systems.map(s => s.entityRef)).toEqual([
          'system:default/assistant',
          'system:default/search',
        ]);
        expect(body.warnings).toEqual([
          expect.stringMatching(/component:default\/broken/),
        ]);
      });

      it('keeps a shared cost whose group owns nothing with keys unallocated', async () => {
        const server = await startBackend({
          allocation: {
            sharedCosts: [
              {
                match: { namespace: 'kube-system' },
                splitAmong: { ownerGroup: 'group:default/ml' },
              },
            ],
          },
        });
        const body: CostAllocationReport = await get(
          server,
          `/allocation?${range}`,
        );
        expect(body.unallocated.effectiveCost).toBeCloseTo(
          UNALLOCATED + OVERHEAD + 5 + NETWORKING,
          9,
        );
        expect(body.warnings).toContainEqual(
          expect.stringMatching(
            /group:default\/ml owns no entity with cost allocation keys/,
          ),
        );
      });

      it('answers 400 for bad days and 403 without the organisation permission', async () => {
        const server = await startBackend({
          decide: r =>
            r.permission.name === 'finops.organization.read'
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
        });
        const bad = await get(server, '/allocation?to=2026-11-31', 400);
        expect(bad.error.message).toMatch(/Invalid to '2026-11-31'/);
        const denied = await get(server, `/allocation?${range}`, 403);
        expect(denied.error.name).toBe('NotAllowedError');
        // Entity routes are still allowed.
        await get(
          server,
          `/entities/component/default/chat-llm/costs?${range}`,
        );
      });
    });

    it('requires credentials and the entity permission on every new route', async () => {
      const server = await startBackend({
        decide: r =>
          r.permission.name === 'finops.entity.read'
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      });
      for (const path of [
        `/entities/component/default/chat-llm/costs?${range}`,
        `/entities/component/default/chat-llm/usage?${range}`,
        `/entities/system/default/assistant/summary`,
        `/allocation?${range}`,
      ]) {
        const res = await request(server).get(`/api/finops${path}`);
        expect(res.status).toBe(401);
        expectMatchesSpec(res);
      }
      for (const path of [
        `/entities/component/default/chat-llm/costs?${range}`,
        `/entities/component/default/chat-llm/usage?${range}`,
        `/entities/system/default/assistant/summary`,
      ]) {
        const body = await get(server, path, 403);
        expect(body.error.name).toBe('NotAllowedError');
      }
    });

    it('rejects an empty match in config at start-up, naming the key', async () => {
      await expect(
        startBackend({
          allocation: { rules: [{ entityRef: 'component:x', match: {} }] },
        }),
      ).rejects.toThrow(
        /finops.allocation.rules\[0\].match needs at least one of kubernetesId/,
      );
    });
  },
);
