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

import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { DatabaseFinopsStore } from './DatabaseFinopsStore';
import type { StoredRecommendationPullRequest } from './pullRequests';
import { initTestStore } from './__testUtils__/testStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const PR: StoredRecommendationPullRequest = {
  entityRef: 'component:default/chat',
  recommendationId: 'replica-bounds:Deployment/chat',
  provider: 'github',
  host: 'github.com',
  repository: 'acme/deployments',
  number: 7,
  url: 'https://github.com/acme/deployments/pull/7',
  branch: 'ai-finops/rec-replica-bounds-Deployment-chat-1a2b3c4d',
  baseBranch: 'main',
  state: 'open',
  monthlySavings: 18250.5,
  openedBy: 'user:default/alice',
  openedAt: '2026-11-26T06:00:00.000Z',
  checkedAt: '2026-11-26T06:00:00.000Z',
};

describe.each(databases.eachSupportedId())(
  'recommendation pull requests (%s)',
  databaseId => {
    let knex: Knex;
    let store: DatabaseFinopsStore;

    beforeAll(async () => {
      ({ knex, store } = await initTestStore(databases, databaseId));
    });

    afterEach(async () => {
      await knex('finops_recommendation_pull_requests').delete();
    });

    it('saves, reads (entity refs case-insensitively) and replaces per recommendation', async () => {
      await store.saveRecommendationPullRequest(PR);
      expect(
        await store.getRecommendationPullRequest(
          'Component:default/Chat',
          PR.recommendationId,
        ),
      ).toEqual(PR);
      await store.saveRecommendationPullRequest({
        ...PR,
        number: 8,
        url: 'https://github.com/acme/deployments/pull/8',
      });
      const all = await store.getRecommendationPullRequests(PR.entityRef);
      expect([...all.keys()]).toEqual([PR.recommendationId]);
      expect(all.get(PR.recommendationId)!.number).toBe(8);
      expect(
        await store.getRecommendationPullRequest(PR.entityRef, 'other'),
      ).toBeUndefined();
    });

    it('reads the pull requests of many entities at once, by lower-case entity ref', async () => {
      // Refs in different chunks of the batched query (500 a query).
      const refs = Array.from(
        { length: 1200 },
        (_, i) => `component:default/svc-${i}`,
      );
      for (const i of [0, 600, 1100]) {
        await store.saveRecommendationPullRequest({
          ...PR,
          entityRef: `Component:default/SVC-${i}`,
          number: i + 1,
        });
      }
      await store.saveRecommendationPullRequest({
        ...PR,
        entityRef: 'component:default/svc-600',
        recommendationId: 'spot:Deployment/svc-600',
        number: 2,
      });
      const of = await store.getRecommendationPullRequestsOf(refs);
      expect([...of.keys()].sort()).toEqual([
        'component:default/svc-0',
        'component:default/svc-1100',
        'component:default/svc-600',
      ]);
      expect(
        [...of.get('component:default/svc-600')!.values()]
          .map(pr => pr.number)
          .sort(),
      ).toEqual([2, 601]);
      expect(
        await store.getRecommendationPullRequests('component:default/svc-1'),
      ).toEqual(new Map());
      expect(await store.getRecommendationPullRequestsOf([])).toEqual(
        new Map(),
      );
    });

    it('lists open ones checked longest ago first and records state changes', async () => {
      await store.saveRecommendationPullRequest(PR);
      await store.saveRecommendationPullRequest({
        ...PR,
        recommendationId: 'spot:Deployment/chat',
        number: 9,
        checkedAt: '2026-11-25T06:00:00.000Z',
      });
      await store.saveRecommendationPullRequest({
        ...PR,
        recommendationId: 'merged-one',
        number: 3,
        state: 'merged',
        closedAt: '2026-11-20T10:00:00.000Z',
      });
      const open = await store.listOpenRecommendationPullRequests();
      expect(open.map(p => p.number)).toEqual([9, 7]);
      expect(await store.listOpenRecommendationPullRequests(1)).toHaveLength(1);

      await store.updateRecommendationPullRequestState(
        PR.entityRef,
        PR.recommendationId,
        {
          state: 'merged',
          checkedAt: '2026-11-27T09:31:00.000Z',
          closedAt: '2026-11-27T09:30:00.000Z',
        },
      );
      expect(
        await store.getRecommendationPullRequest(
          PR.entityRef,
          PR.recommendationId,
        ),
      ).toEqual({
        ...PR,
        state: 'merged',
        checkedAt: '2026-11-27T09:31:00.000Z',
        closedAt: '2026-11-27T09:30:00.000Z',
      });
      expect(
        (await store.listOpenRecommendationPullRequests()).map(p => p.number),
      ).toEqual([9]);
    });

    it('refuses a bad state, number or id', async () => {
      await expect(
        store.saveRecommendationPullRequest({ ...PR, state: 'draft' as any }),
      ).rejects.toThrow(
        "Invalid pull request state 'draft'; expected open, merged or closed",
      );
      await expect(
        store.saveRecommendationPullRequest({ ...PR, number: 0 }),
      ).rejects.toThrow("Invalid pull request number '0'");
      await expect(
        store.saveRecommendationPullRequest({ ...PR, recommendationId: '' }),
      ).rejects.toThrow('Invalid recommendation id');
    });

    it('the migration goes down and up again', async () => {
      const directory = resolvePackagePath(
        '@ai-finops/backstage-plugin-finops-node',
        'migrations',
      );
      const name = '20261129000000_recommendation_pull_requests.js';
      const latest = await knex.migrate.list({ directory });
      expect(latest[0].map((m: { name: string }) => m.name)).toContain(name);
      await knex.migrate.down({ directory, name });
      expect(
        await knex.schema.hasTable('finops_recommendation_pull_requests'),
      ).toBe(false);
      await knex.migrate.up({ directory, name });
      expect(
        await knex.schema.hasTable('finops_recommendation_pull_requests'),
      ).toBe(true);
    });
  },
);
