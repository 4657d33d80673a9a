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
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { aCostRecord, aUsageRecord, HOUR } from '@ai-finops/test-utils';
import { DatabaseFinopsStore } from '@ai-finops/backstage-plugin-finops-node';
import { readAllocationSettings } from './allocationConfig';
import { CostAllocator } from './CostAllocator';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const chat: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'chat-llm',
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-id': 'chat',
      'ai-finops.io/billing-tags': 'app=chat',
    },
  },
  spec: {},
};

/** Mid October to 20 November 2026, with a varying hourly cost. */
function* history(start: number, end: number): Iterable<FinopsRecord> {
  for (let t = start; t < end; t += HOUR) {
    const hour = new Date(t).toISOString();
    const h = new Date(t).getUTCHours();
    yield aCostRecord(hour, { effectiveCost: 1 + (h % 5), billedCost: 2 });
    yield aCostRecord(hour, {
      kubernetesId: undefined,
      workload: 'bucket/chat-logs',
      category: 'storage',
      tags: { app: 'chat' },
      effectiveCost: 0.25,
      billedCost: 0.25,
      listCost: 0.5,
    });
    yield aCostRecord(hour, { kubernetesId: 'other', effectiveCost: 9 });
    yield aUsageRecord(hour, 'gpu_hours', 1 + (h % 2));
    yield aUsageRecord(hour, 'gpu_utilization', (h % 10) / 10);
    yield aUsageRecord(hour, 'tokens_input', 1000 * h);
    yield aUsageRecord(hour, 'requests', 3);
  }
}

describe.each(databases.eachSupportedId())('CostAllocator (%s)', databaseId => {
  let store: DatabaseFinopsStore;

  beforeAll(async () => {
    const knex = await databases.init(databaseId);
    store = await DatabaseFinopsStore.create({
      database: mockServices.database({ knex }),
    });
    const start = Date.parse('2026-10-15T00:00:00Z');
    const end = Date.parse('2026-11-20T00:00:00Z');
    for (let day = start; day < end; day += 24 * HOUR) {
      await store.replaceWindow(
        'seed',
        { start: new Date(day), end: new Date(day + 24 * HOUR) },
        history(day, day + 24 * HOUR),
      );
    }
  });

  const allocator = (config: object = {}) =>
    new CostAllocator({
      store,
      catalog: catalogServiceMock({ entities: [chat] }),
      currency: 'USD',
      settings: readAllocationSettings(new ConfigReader(config)),
    });

  it('adds configured rules to an entity', async () => {
    const a = allocator({
      finops: {
        allocation: {
          rules: [
            {
              entityRef: 'Component:default/Chat-LLM',
              match: { kubernetesId: 'other' },
            },
          ],
        },
      },
    });
    const target = await a.resolve(chat, mockCredentials.user());
    const series = await a.costs(target, {
      from: '2026-11-01',
      to: '2026-11-01',
      granularity: 'daily',
    });
    // 24 h of (1 + h % 5), 24 × 0.25 of storage and 24 × 9 of 'other'.
    const own = [...Array(24).keys()].reduce((s, h) => s + 1 + (h % 5), 0);
    expect(series.total.effectiveCost).toBe(own + 6 + 216);
  });
});

describe('readAllocationSettings', () => {
  const read = (allocation: object) =>
    readAllocationSettings(new ConfigReader({ finops: { allocation } }));

  it('normalises refs and reads tags with dotted keys', () => {
    expect(
      read({
        rules: [
          {
            entityRef: 'component:chat',
            match: { tags: { 'app.kubernetes.io/name': 'chat' } },
          },
        ],
        sharedCosts: [
          {
            match: { region: 'us-east-1' },
            splitAmong: { ownerGroup: 'platform' },
          },
        ],
      }),
    ).toEqual({
      rules: [
        {
          entityRef: 'component:default/chat',
          match: { tags: { 'app.kubernetes.io/name': 'chat' } },
        },
      ],
      sharedCosts: [
        {
          index: 0,
          name: 'sharedCosts[0]',
          match: { region: 'us-east-1' },
          splitAmong: { ownerGroup: 'group:default/platform' },
          by: 'proportional',
        },
      ],
    });
  });

  it.each([
    [
      { rules: [{ entityRef: 'chat', match: { namespace: 'x' } }] },
      /rules\[0\].entityRef: 'chat' is not an entity ref/,
    ],
    [
      { rules: [{ entityRef: 'component:chat', match: { colour: 'red' } }] },
      /rules\[0\].match.colour is not a match key/,
    ],
    [
      { rules: [{ entityRef: 'component:chat', match: { tags: { a: 1 } } }] },
      /rules\[0\].match.tags.a must be a string/,
    ],
    [
      {
        sharedCosts: [
          { match: { namespace: 'x' }, splitAmong: [], by: 'even' },
        ],
      },
      /sharedCosts\[0\].splitAmong must name at least one entity/,
    ],
    [
      { sharedCosts: [{ match: { namespace: 'x' }, splitAmong: 'all' }] },
      /sharedCosts\[0\].splitAmong must be a list of entity refs or \{ ownerGroup/,
    ],
    [
      {
        sharedCosts: [
          {
            match: { namespace: 'x' },
            splitAmong: ['component:a'],
            by: 'random',
          },
        ],
      },
      /sharedCosts\[0\].by must be 'even' or 'proportional'/,
    ],
  ])('names the key of a bad entry (%#)', (allocation, message) => {
    expect(() => read(allocation)).toThrow(message);
  });
});
