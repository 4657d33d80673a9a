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

import { TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { DatabaseFinopsStore } from './DatabaseFinopsStore';
import { initTestStore } from './__testUtils__/testStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const NOW = new Date('2026-12-01T12:00:00Z');

describe.each(databases.eachSupportedId())(
  'recommendation decisions (%s)',
  databaseId => {
    let knex: Knex;
    let store: DatabaseFinopsStore;

    beforeAll(async () => {
      ({ knex, store } = await initTestStore(databases, databaseId));
    });

    afterEach(async () => {
      await knex('finops_recommendation_states').delete();
    });

    it('reads the decisions of one entity and of many at once, leaving out snoozes that ran out', async () => {
      // Refs in different chunks of the batched query (500 a query).
      const refs = Array.from(
        { length: 1200 },
        (_, i) => `component:default/svc-${i}`,
      );
      await store.setRecommendationState('Component:default/SVC-0', 'a', {
        status: 'dismissed',
        reason: 'Needed for the launch',
        at: '2026-11-30T00:00:00.000Z',
        by: 'user:default/alice',
      });
      await store.setRecommendationState('component:default/svc-700', 'b', {
        status: 'snoozed',
        until: '2026-12-08T00:00:00.000Z',
        at: '2026-11-30T00:00:00.000Z',
      });
      await store.setRecommendationState('component:default/svc-700', 'c', {
        status: 'snoozed',
        until: '2026-12-01T00:00:00.000Z',
        at: '2026-11-30T00:00:00.000Z',
      });
      await store.setRecommendationState('component:default/svc-1199', 'd', {
        status: 'snoozed',
        until: '2026-11-30T12:00:00.000Z',
        at: '2026-11-29T00:00:00.000Z',
      });

      const of = await store.getRecommendationStatesOf(refs, NOW);
      // svc-1199's only snooze ran out: nothing to read there.
      expect([...of.keys()].sort()).toEqual([
        'component:default/svc-0',
        'component:default/svc-700',
      ]);
      expect(of.get('component:default/svc-0')!.get('a')).toMatchObject({
        status: 'dismissed',
        reason: 'Needed for the launch',
        by: 'user:default/alice',
      });
      expect([...of.get('component:default/svc-700')!.keys()]).toEqual(['b']);

      // One entity reads as in the batch.
      expect(
        await store.getRecommendationStates('component:default/svc-700', NOW),
      ).toEqual(of.get('component:default/svc-700'));
      expect(
        await store.getRecommendationStates('component:default/svc-1199', NOW),
      ).toEqual(new Map());
    });
  },
);
