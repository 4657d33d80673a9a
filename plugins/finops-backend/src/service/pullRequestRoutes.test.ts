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

import { GithubGitopsPullRequests } from '@ai-finops/backstage-plugin-finops-node';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { FakeGithub } from '../../../finops-node/src/gitops/testing/fakeGithubServer';
import type {
  EntityRecommendation,
  EntityRecommendations,
} from '@ai-finops/backstage-plugin-finops-common';
import { ConfigReader } from '@backstage/config';
import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import {
  component,
  dataSourceModule,
  startFinopsBackend,
  steadyGpuSource,
} from '../__testUtils__/backend';
import { expectMatchesSpec } from '../__testUtils__/openapi';
import { DatabaseFinopsStore } from '@ai-finops/backstage-plugin-finops-node';
import { refreshPullRequestStates } from './pullRequestRoutes';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const sourceModule = dataSourceModule('gpu-source', steadyGpuSource);

const USER = mockCredentials.user.header('user:default/alice');
const BASE = '/api/finops/entities/component/default';

describe.each(databases.eachSupportedId())(
  'recommendation pull request routes (%s)',
  databaseId => {
    let github: FakeGithub;

    beforeEach(async () => {
      github = new FakeGithub({
        owner: 'acme',
        repo: 'deployments',
        token: 'ghs_route',
      });
      await github.start();
    });

    afterEach(() => github.stop());

    async function start(
      permission: (name: string) => AuthorizeResult = () =>
        AuthorizeResult.ALLOW,
      entities: Entity[] = [
        component('chat-llm', {
          'backstage.io/kubernetes-id': 'chat',
          'ai-finops.io/gitops-repo': 'github.com/acme/deployments/apps/chat',
        }),
        component('no-repo', { 'backstage.io/kubernetes-id': 'chat' }),
      ],
    ) {
      const knex = await databases.init(databaseId);
      const auditor = mockServices.auditor.mock();
      const backend = await startFinopsBackend({
        knex,
        features: [sourceModule, auditor.factory],
        config: {
          integrations: {
            github: [
              {
                host: 'github.com',
                apiBaseUrl: github.baseUrl,
                token: 'ghs_route',
              },
            ],
          },
        },
        entities,
        permissions: permission,
        trigger: { source: 'gpu', user: USER },
      });
      return { server: backend.server, knex, auditor };
    }

    const DEPLOYMENT = `# chat-llm: vLLM on H100s
apiVersion: apps/v1
kind: Deployment
metadata:
  name: chat-llm
spec:
  replicas: 2
  template:
    spec:
      nodeSelector:
        nvidia.com/gpu.product: NVIDIA-H100-80GB-HBM3
        topology.kubernetes.io/region: us-east-1   # where the quota is
      containers:
      - name: vllm
        image: "docker.io/vllm/vllm-openai:v0.6.3"
`;

    function seed() {
      github.seed({
        'README.md': '# deployments\n',
        'apps/chat/base/kustomization.yaml':
          'resources:\n  - deployment.yaml\n',
        'apps/chat/base/deployment.yaml': DEPLOYMENT,
        'apps/chat/overlays/prod/kustomization.yaml':
          'namespace: chat-prod\nresources:\n  - ../../base\n',
      });
    }

    async function recommendationOf(
      server: any,
    ): Promise<EntityRecommendation> {
      for (let i = 0; i < 100; i++) {
        const res = await request(server)
          .get(`${BASE}/chat-llm/recommendations`)
          .set('Authorization', USER);
        const body: EntityRecommendations = res.body;
        const rec = body.items?.find(r => r.kind === 'carbon-region');
        if (rec) return rec;
        await new Promise(r => setTimeout(r, 100));
      }
      throw new Error('no carbon-region recommendation');
    }

    it('opens the pull request from the recommendation, tracks it, reuses it and follows it to merged', async () => {
      seed();
      const { server, knex, auditor } = await start();
      const rec = await recommendationOf(server);
      /** The refresh task's function, on the backend's database. */
      const closed: string[] = [];
      const refreshOnce = async () =>
        refreshPullRequestStates({
          onClosed: async (pr, state) => {
            closed.push(`${pr.entityRef} ${pr.recommendationId} ${state}`);
          },
          store: await DatabaseFinopsStore.create({
            database: mockServices.database({ knex }),
          }),
          gitops: GithubGitopsPullRequests.fromConfig(
            new ConfigReader({
              integrations: {
                github: [
                  {
                    host: 'github.com',
                    apiBaseUrl: github.baseUrl,
                    token: 'ghs_route',
                  },
                ],
              },
            }),
          ),
          logger: mockServices.logger.mock(),
        });
      const url = `${BASE}/chat-llm/recommendations/${encodeURIComponent(
        rec.id,
      )}/pull-request`;

      const opened = await request(server).post(url).set('Authorization', USER);
      expect(opened.status).toBe(201);
      expectMatchesSpec(opened);
      // Audited: who opened which recommendation's pull request, and where.
      const audits = auditor.createEvent.mock.calls.filter(
        ([e]) => e.eventId === 'recommendation-pull-request',
      );
      expect(audits.map(([e]) => e.meta)).toEqual([
        { entityRef: 'component:default/chat-llm', recommendationId: rec.id },
      ]);
      expect(audits[0][0].request?.headers.authorization).toBe(USER);
      const event = await auditor.createEvent.mock.results[
        auditor.createEvent.mock.calls.indexOf(audits[0])
      ].value;
      expect(event.success).toHaveBeenCalledWith({
        meta: {
          url: 'https://github.com/acme/deployments/pull/1',
          number: 1,
          created: true,
        },
      });
      expect(opened.body).toMatchObject({
        entityRef: 'component:default/chat-llm',
        id: rec.id,
        pullRequest: {
          provider: 'github',
          repository: 'acme/deployments',
          number: 1,
          url: 'https://github.com/acme/deployments/pull/1',
          baseBranch: 'main',
          state: 'open',
          openedBy: 'user:default/alice',
          created: true,
        },
        edits: [
          {
            file: 'base/deployment.yaml',
            kind: 'Deployment',
            name: 'chat-llm',
            field:
              'spec.template.spec.nodeSelector["topology.kubernetes.io/region"]',
            via: 'resource',
            from: 'us-east-1',
            to: rec.changes[0].newValue,
          },
        ],
      });
      const branch = opened.body.pullRequest.branch;
      expect(branch).toMatch(
        /^ai-finops\/rec-carbon-region-chat-prod-Deployment-chat-llm-[0-9a-f]{8}$/,
      );
      // The one changed line, its comment kept; the PR body carries the saving.
      expect(github.filesOf(branch)['apps/chat/base/deployment.yaml']).toBe(
        DEPLOYMENT.replace(
          'region: us-east-1   # where',
          `region: ${rec.changes[0].newValue}   # where`,
        ),
      );
      expect(github.pulls[0].body).toContain(rec.title);
      expect(github.pulls[0].body).toContain('`component:default/chat-llm`');
      expect(github.pulls[0].labels).toContain('ai-finops');

      // The recommendations list shows the pull request on the recommendation.
      const listed = async () => {
        const res = await request(server)
          .get(`${BASE}/chat-llm/recommendations`)
          .set('Authorization', USER);
        expect(res.status).toBe(200);
        expectMatchesSpec(res);
        const body: EntityRecommendations = res.body;
        // Only the recommendation the pull request was opened for shows one.
        expect(body.items.filter(r => r.pullRequest).map(r => r.id)).toEqual([
          rec.id,
        ]);
        return body.items.find(r => r.id === rec.id)!;
      };
      expect((await listed()).pullRequest).toEqual({
        url: 'https://github.com/acme/deployments/pull/1',
        number: 1,
        state: 'open',
        updatedAt: opened.body.pullRequest.checkedAt,
      });

      // Idempotent: the same pull request, no new write on GitHub.
      const writes = github.requests.filter(r => r.method !== 'GET').length;
      const again = await request(server).post(url).set('Authorization', USER);
      expect(again.status).toBe(200);
      expectMatchesSpec(again);
      expect(again.body.pullRequest).toMatchObject({
        number: 1,
        created: false,
      });
      expect(github.pulls).toHaveLength(1);
      expect(github.requests.filter(r => r.method !== 'GET').length).toBe(
        writes,
      );

      const tracked = await request(server).get(url).set('Authorization', USER);
      expect(tracked.status).toBe(200);
      expectMatchesSpec(tracked);
      expect(tracked.body.pullRequest.state).toBe('open');

      // A reviewer merges it; the next refresh records it.
      github.decide(1, 'merge');
      const get = await request(server).get(url).set('Authorization', USER);
      expect(get.body.pullRequest.state).toBe('open');
      expect(await refreshOnce()).toEqual({
        checked: 1,
        changed: 1,
        failed: 0,
      });
      // The notifier is told, once: merged pull requests are not read again.
      expect(closed).toEqual([`component:default/chat-llm ${rec.id} merged`]);
      await refreshOnce();
      expect(closed).toHaveLength(1);
      const merged = await request(server).get(url).set('Authorization', USER);
      expect(merged.body.pullRequest).toMatchObject({
        state: 'merged',
        closedAt: '2026-11-27T09:30:00.000Z',
      });
      expect((await listed()).pullRequest).toEqual({
        url: 'https://github.com/acme/deployments/pull/1',
        number: 1,
        state: 'merged',
        updatedAt: '2026-11-27T09:30:00.000Z',
      });
    });

    it('opens it through the actions registry as the route does, on behalf of the caller, once', async () => {
      seed();
      const { server, auditor } = await start();
      const rec = await recommendationOf(server);
      const invoke = () =>
        request(server)
          .post(
            '/api/finops/.backstage/actions/v1/actions/finops:open-recommendation-pull-request/invoke',
          )
          .set('Authorization', USER)
          .send({ entityRef: 'chat-llm', recommendationId: rec.id });
      const list = await request(server)
        .get('/api/finops/.backstage/actions/v1/actions')
        .set('Authorization', USER);
      expect(
        list.body.actions.find(
          (a: { id: string }) =>
            a.id === 'finops:open-recommendation-pull-request',
        ).attributes,
      ).toEqual({ readOnly: false, destructive: false, idempotent: true });

      const first = await invoke();
      expect(first.status).toBe(200);
      expect(first.body.output).toMatchObject({
        entityRef: 'component:default/chat-llm',
        id: rec.id,
        created: true,
        pullRequest: {
          number: 1,
          url: 'https://github.com/acme/deployments/pull/1',
          state: 'open',
          openedBy: 'user:default/alice',
        },
      });
      const again = await invoke();
      expect(again.body.output).toMatchObject({
        created: false,
        pullRequest: { number: 1 },
      });
      expect(
        auditor.createEvent.mock.calls.filter(
          ([e]) => e.eventId === 'recommendation-pull-request',
        ),
      ).toHaveLength(1);
      // The route sees the same pull request.
      const tracked = await request(server)
        .get(
          `${BASE}/chat-llm/recommendations/${encodeURIComponent(
            rec.id,
          )}/pull-request`,
        )
        .set('Authorization', USER);
      expect(tracked.body.pullRequest.number).toBe(1);
    });

    it('refuses the action without finops.recommendation.apply', async () => {
      seed();
      const { server } = await start(name =>
        name === 'finops.recommendation.apply' || name === 'finops.admin'
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
      );
      const res = await request(server)
        .post(
          '/api/finops/.backstage/actions/v1/actions/finops:open-recommendation-pull-request/invoke',
        )
        .set('Authorization', USER)
        .send({ entityRef: 'chat-llm', recommendationId: 'anything' });
      expect(res.status).toBe(403);
    });

    it('picks the overlay from the namespace the costs were recorded in when dev and prod overlays deploy the service', async () => {
      github.seed({
        'README.md': '# deployments\n',
        'apps/chat/base/kustomization.yaml':
          'resources:\n  - deployment.yaml\n',
        'apps/chat/base/deployment.yaml': DEPLOYMENT,
        'apps/chat/overlays/dev/kustomization.yaml':
          'namespace: chat-dev\nresources:\n  - ../../base\n',
        'apps/chat/overlays/prod/kustomization.yaml':
          'namespace: chat-prod\nresources:\n  - ../../base\n',
      });
      const { server } = await start();
      const rec = await recommendationOf(server);
      expect(rec.workload).toMatchObject({
        kind: 'Deployment',
        name: 'chat-llm',
        namespace: 'chat-prod',
      });
      expect(rec.changes[0].namespace).toBe('chat-prod');
      const res = await request(server)
        .post(
          `${BASE}/chat-llm/recommendations/${encodeURIComponent(
            rec.id,
          )}/pull-request`,
        )
        .set('Authorization', USER);
      expect(res.status).toBe(201);
      expectMatchesSpec(res);
      expect(github.pulls).toHaveLength(1);
    });

    it('answers 401 without credentials, 403 without the apply permission, 404 for an unknown entity or recommendation, 400 without a GitOps repository', async () => {
      seed();
      const { server } = await start();
      const rec = await recommendationOf(server);
      const path = (name: string, id: string) =>
        `${BASE}/${name}/recommendations/${encodeURIComponent(
          id,
        )}/pull-request`;

      const anonymous = await request(server).post(path('chat-llm', rec.id));
      expect(anonymous.status).toBe(401);

      const unknownEntity = await request(server)
        .post(path('nope', rec.id))
        .set('Authorization', USER);
      expect(unknownEntity.status).toBe(404);
      expectMatchesSpec(unknownEntity);

      const unknownRec = await request(server)
        .post(path('chat-llm', 'carbon-region:/Deployment/other'))
        .set('Authorization', USER);
      expect(unknownRec.status).toBe(404);
      expect(unknownRec.body.error.message).toContain(
        "Entity component:default/chat-llm has no recommendation 'carbon-region:/Deployment/other'",
      );

      const noRepo = await request(server)
        .post(path('no-repo', rec.id))
        .set('Authorization', USER);
      expect(noRepo.status).toBe(400);
      expect(noRepo.body.error.message).toContain(
        'has no ai-finops.io/gitops-repo annotation',
      );

      const badBody = await request(server)
        .post(path('chat-llm', rec.id))
        .set('Authorization', USER)
        .send({ overlay: '../../other' });
      expect(badBody.status).toBe(400);

      const none = await request(server)
        .get(path('chat-llm', rec.id))
        .set('Authorization', USER);
      expect(none.status).toBe(404);
      expect(github.pulls).toHaveLength(0);
    });

    it('answers 403 when neither finops.recommendation.apply nor finops.admin is allowed', async () => {
      seed();
      const { server } = await start(name =>
        name === 'finops.entity.read'
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      );
      const res = await request(server)
        .post(
          `${BASE}/chat-llm/recommendations/carbon-region%3A%2FDeployment%2Fchat-llm/pull-request`,
        )
        .set('Authorization', USER);
      expect(res.status).toBe(403);
      expectMatchesSpec(res);
      expect(res.body.error.message).toBe(
        "Permission 'finops.recommendation.apply' on component:default/chat-llm (or 'finops.admin') was denied",
      );
      expect(github.requests).toEqual([]);
    });

    it('lets finops.admin open it without finops.recommendation.apply', async () => {
      seed();
      const { server } = await start(name =>
        name === 'finops.recommendation.apply'
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
      );
      const rec = await recommendationOf(server);
      const res = await request(server)
        .post(
          `${BASE}/chat-llm/recommendations/${encodeURIComponent(
            rec.id,
          )}/pull-request`,
        )
        .set('Authorization', USER);
      expect(res.status).toBe(201);
    });
  },
);
