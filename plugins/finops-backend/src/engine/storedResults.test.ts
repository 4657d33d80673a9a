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
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ConfigReader } from '@backstage/config';
import { DatabaseFinopsStore } from '@ai-finops/backstage-plugin-finops-node';
import type { Entity } from '@backstage/catalog-model';
import {
  createStoredResults,
  precomputeResults,
  RECOMMENDATIONS_RESULT,
  settingsFingerprint,
} from './storedResults';
import type { AllocationTarget } from './CostAllocator';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const WINDOW = {
  start: new Date('2026-11-03T00:00:00Z'),
  end: new Date('2026-11-03T01:00:00Z'),
};

function component(name: string, annotated = true): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: annotated
        ? { 'backstage.io/kubernetes-id': name }
        : undefined,
    },
    spec: { type: 'service', owner: 'team-ml', lifecycle: 'production' },
  };
}

describe('stored results', () => {
  let store: DatabaseFinopsStore;
  let now: Date;

  beforeAll(async () => {
    const knex = await databases.init('SQLITE_3');
    store = await DatabaseFinopsStore.create({
      database: mockServices.database({ knex }),
    });
  });
  beforeEach(() => {
    now = new Date('2026-11-03T10:00:00Z');
  });

  const newStored = (settings = 'a') =>
    createStoredResults({
      store,
      settings,
      now: () => now,
      logger: mockServices.logger.mock(),
    });
  const newCache = (settings = 'a') => newStored(settings).recommendations;
  const ingest = (value: number) =>
    store.replaceWindow('src', WINDOW, [
      {
        type: 'usage',
        hour: WINDOW.start.toISOString(),
        metric: 'gpu_hours',
        value,
      },
    ]);

  it('computes once per data version, day and settings, shared by every cache on the store', async () => {
    let calls = 0;
    const compute = async () => {
      calls += 1;
      return { items: [], notes: [`call ${calls}`] };
    };
    const ref = 'component:default/fresh';
    const [a, b] = await Promise.all([
      newCache()(ref, compute),
      newCache()(ref, compute),
    ]);
    // Two caches (two replicas) at once may both compute; after that,
    // every cache reads the stored result.
    expect(calls).toBeLessThanOrEqual(2);
    const after = calls;
    await expect(newCache()(ref, compute)).resolves.toEqual(
      expect.objectContaining({ notes: expect.any(Array) }),
    );
    expect(calls).toBe(after);
    expect([a.notes[0], b.notes[0]]).toContain('call 1');

    // Concurrent callers of one cache share the computation.
    const one = newCache('b');
    await Promise.all([one(ref, compute), one(ref, compute)]);
    expect(calls).toBe(after + 1);

    // A new ingestion run makes it stale.
    await ingest(1);
    await new Promise(resolve => setTimeout(resolve, 1100));
    await one(ref, compute);
    expect(calls).toBe(after + 2);
    await one(ref, compute);
    expect(calls).toBe(after + 2);

    // So does the next UTC day.
    now = new Date('2026-11-04T00:00:01Z');
    await new Promise(resolve => setTimeout(resolve, 1100));
    await one(ref, compute);
    expect(calls).toBe(after + 3);
  });

  it('fingerprints the finops settings', () => {
    const a = settingsFingerprint(
      new ConfigReader({ finops: { currency: 'USD' } }),
    );
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(
      settingsFingerprint(new ConfigReader({ finops: { currency: 'EUR' } })),
    ).not.toBe(a);
    expect(
      settingsFingerprint(
        new ConfigReader({ finops: { currency: 'USD' }, app: { x: 1 } }),
      ),
    ).toBe(a);
  });

  it('precomputes the stale entities of the catalog once, then nothing until the data changes', async () => {
    const catalog = catalogServiceMock({
      entities: [
        component('chat-llm'),
        component('embedder'),
        component('no-annotations', false),
      ],
    });
    const stored = newStored('precompute');
    let forecasts = 0;
    const computed: string[] = [];
    const run = () =>
      precomputeResults({
        catalog,
        auth: mockServices.auth(),
        allocator: {
          resolve: async (entity: Entity) =>
            ({
              entityRef: `component:default/${entity.metadata.name}`,
              matchers: [{ kubernetesId: entity.metadata.name }],
              shared: [],
            } as unknown as AllocationTarget),
        },
        compute: async entity => {
          computed.push(entity.metadata.name);
          if (entity.metadata.name === 'embedder' && computed.length > 2) {
            throw new Error('recommender down');
          }
          forecasts += 1;
          return {
            forecast: { mean: [1] },
            [RECOMMENDATIONS_RESULT]: { items: [], notes: [] },
          };
        },
        stored,
        store,
        logger: mockServices.logger.mock(),
      });

    await expect(run()).resolves.toEqual({
      entities: 2,
      computed: 2,
      failed: 0,
    });
    expect(computed.sort()).toEqual(['chat-llm', 'embedder']);
    expect(forecasts).toBe(2);
    await expect(
      stored.get('forecast', 'component:default/chat-llm', async () => {
        throw new Error('not stored');
      }),
    ).resolves.toEqual({ mean: [1] });
    await expect(run()).resolves.toEqual({
      entities: 2,
      computed: 0,
      failed: 0,
    });

    await ingest(2);
    await new Promise(resolve => setTimeout(resolve, 1100));
    const third = await run();
    expect(third).toEqual({ entities: 2, computed: 1, failed: 1 });
  });

  it('hands an entity to onComputed once per data version, even when a route stored its results first', async () => {
    const catalog = catalogServiceMock({ entities: [component('chat-llm')] });
    const stored = newStored('on-demand');
    const ref = 'component:default/chat-llm';
    // A route (a card's request) computes and stores the recommendations of
    // the current version before the first pass.
    await stored.recommendations(ref, async () => ({ items: [], notes: [] }));
    const handed: string[] = [];
    const run = () =>
      precomputeResults({
        catalog,
        auth: mockServices.auth(),
        allocator: {
          resolve: async () =>
            ({
              entityRef: ref,
              matchers: [{ kubernetesId: 'chat-llm' }],
              shared: [],
            } as unknown as AllocationTarget),
        },
        compute: async () => ({
          forecast: { mean: [1] },
          [RECOMMENDATIONS_RESULT]: { items: [], notes: [] },
        }),
        stored,
        store,
        logger: mockServices.logger.mock(),
        onComputed: async entityRef => {
          handed.push(entityRef);
        },
      });

    await expect(run()).resolves.toEqual({
      entities: 1,
      computed: 1,
      failed: 0,
    });
    expect(handed).toEqual([ref]);
    await expect(run()).resolves.toEqual({
      entities: 1,
      computed: 0,
      failed: 0,
    });
    expect(handed).toEqual([ref]);
  });
});
