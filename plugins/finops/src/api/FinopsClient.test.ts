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

import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ResponseError } from '@backstage/errors';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { FinopsClient } from './FinopsClient';
import { aSummary } from '../__fixtures__/summary';

const baseUrl = 'http://backstage.test/api/finops';

const summary = aSummary({
  entityRef: 'component:team-a/chat llm',
  dailyCosts: [{ date: '2026-11-14', cost: 800 }],
  usage: { gpuHours: 10, tokens: 0, requests: 0 },
});

describe('FinopsClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const discoveryApi = mockApis.discovery.mock({
    getBaseUrl: async () => baseUrl,
  });
  const client = new FinopsClient({
    discoveryApi,
    fetchApi: { fetch: (...args) => globalThis.fetch(...args) },
  });

  it('fetches the summary from the finops backend with an encoded entity ref', async () => {
    const requests: string[] = [];
    server.use(
      http.get(`${baseUrl}/entities/*`, ({ request }) => {
        requests.push(request.url);
        return HttpResponse.json(summary);
      }),
    );

    await expect(
      client.getEntityCostSummary('Component:Team-A/chat llm'),
    ).resolves.toEqual(summary);

    expect(discoveryApi.getBaseUrl).toHaveBeenCalledWith('finops');
    expect(requests).toEqual([
      `${baseUrl}/entities/component/team-a/chat%20llm/summary`,
    ]);
  });

  it('accepts a compound ref and encodes every path segment', async () => {
    const requests: string[] = [];
    server.use(
      http.get(`${baseUrl}/entities/*`, ({ request }) => {
        requests.push(new URL(request.url).pathname);
        return HttpResponse.json(summary);
      }),
    );

    await client.getEntityCostSummary({
      kind: 'Resource',
      namespace: 'default',
      name: 'a/b?c',
    });

    expect(requests).toEqual([
      '/api/finops/entities/resource/default/a%2Fb%3Fc/summary',
    ]);
  });

  it('throws a ResponseError carrying the backend message on 404', async () => {
    server.use(
      http.get(`${baseUrl}/entities/component/default/nothing/summary`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotFoundError',
              message: 'No cost data for component:default/nothing',
            },
            request: { method: 'GET', url: '/entities/…' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );

    const error = await client
      .getEntityCostSummary('component:default/nothing')
      .catch(e => e);

    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(404);
    expect(error.cause.name).toBe('NotFoundError');
    expect(error.cause.message).toBe(
      'No cost data for component:default/nothing',
    );
    expect(error.message).toBe('Request failed with 404 Not Found');
  });

  it('throws a ResponseError on 403', async () => {
    server.use(
      http.get(`${baseUrl}/entities/*`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotAllowedError', message: 'Not allowed' },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );

    await expect(
      client.getEntityCostSummary('component:default/secret'),
    ).rejects.toMatchObject({ name: 'ResponseError', statusCode: 403 });
  });

  it('asks for an entity cost series with its range, granularity and group-by', async () => {
    const urls: URL[] = [];
    const series = { entityRef: 'system:default/assistant', series: [] };
    server.use(
      http.get(`${baseUrl}/entities/*`, ({ request }) => {
        urls.push(new URL(request.url));
        return HttpResponse.json(series);
      }),
    );

    await expect(
      client.getEntityCosts('System:default/assistant', {
        from: '2026-11-01',
        to: '2026-11-30',
        granularity: 'monthly',
        groupBy: 'tag:team',
      }),
    ).resolves.toEqual(series);
    await client.getEntityCosts('component:default/chat');

    expect(urls.map(u => u.pathname)).toEqual([
      '/api/finops/entities/system/default/assistant/costs',
      '/api/finops/entities/component/default/chat/costs',
    ]);
    expect(Object.fromEntries(urls[0].searchParams)).toEqual({
      from: '2026-11-01',
      to: '2026-11-30',
      granularity: 'monthly',
      groupBy: 'tag:team',
    });
    // Nothing unset is sent, so the backend's defaults apply.
    expect(urls[1].search).toBe('');
  });

  it('asks for usage metrics as one comma-separated parameter', async () => {
    const urls: URL[] = [];
    server.use(
      http.get(`${baseUrl}/entities/*`, ({ request }) => {
        urls.push(new URL(request.url));
        return HttpResponse.json({ series: [] });
      }),
    );

    await client.getEntityUsage('component:default/chat', {
      metrics: ['gpu_utilization', 'tokens_output'],
      granularity: 'hourly',
    });

    expect(urls[0].pathname).toBe(
      '/api/finops/entities/component/default/chat/usage',
    );
    expect(Object.fromEntries(urls[0].searchParams)).toEqual({
      metric: 'gpu_utilization,tokens_output',
      granularity: 'hourly',
    });
  });

  it('fetches the allocation report and surfaces a 400 naming the parameter', async () => {
    server.use(
      http.get(`${baseUrl}/allocation`, ({ request }) => {
        const from = new URL(request.url).searchParams.get('from');
        if (from === '2026-13-01') {
          return HttpResponse.json(
            {
              error: {
                name: 'InputError',
                message:
                  "Invalid from '2026-13-01'; expected a UTC day as YYYY-MM-DD",
              },
              response: { statusCode: 400 },
            },
            { status: 400 },
          );
        }
        return HttpResponse.json({ from, entities: [] });
      }),
    );

    await expect(
      client.getCostAllocation({ from: '2026-11-01' }),
    ).resolves.toEqual({ from: '2026-11-01', entities: [] });

    const error = await client
      .getCostAllocation({ from: '2026-13-01' })
      .catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(400);
    expect(error.cause.message).toMatch(/Invalid from '2026-13-01'/);
  });

  it('fetches the savings and surfaces a 403', async () => {
    let allowed = true;
    const urls: string[] = [];
    server.use(
      http.get(`${baseUrl}/savings`, ({ request }) => {
        urls.push(request.url);
        if (!allowed) {
          return HttpResponse.json(
            {
              error: {
                name: 'NotAllowedError',
                message: "Permission 'finops.organization.read' was denied",
              },
              response: { statusCode: 403 },
            },
            { status: 403 },
          );
        }
        return HttpResponse.json({
          currency: 'USD',
          found: { monthlySavings: 10, count: 1, entities: 1 },
        });
      }),
    );

    await expect(client.getSavings()).resolves.toMatchObject({
      found: { monthlySavings: 10, count: 1, entities: 1 },
    });
    expect(urls).toEqual([`${baseUrl}/savings`]);
    allowed = false;
    const error = await client.getSavings().catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(403);
  });

  it('asks for the engine routes of an entity with their ranges', async () => {
    const urls: URL[] = [];
    server.use(
      http.get(`${baseUrl}/entities/*`, ({ request }) => {
        urls.push(new URL(request.url));
        return HttpResponse.json({ ok: true });
      }),
    );

    await client.getEntityForecast('component:default/chat-llm');
    await client.getEntityAnomalies('component:default/chat-llm', {
      from: '2026-09-01',
      to: '2026-11-14',
      granularity: 'hourly',
    });
    await client.getEntityEfficiency('component:default/chat-llm', {
      from: '2026-11-01',
    });
    await client.getEntityCarbon('component:default/chat-llm');
    await client.getEntityRecommendations('component:default/chat-llm');

    expect(urls.map(u => u.pathname.split('/').pop())).toEqual([
      'forecast',
      'anomalies',
      'efficiency',
      'carbon',
      'recommendations',
    ]);
    expect(Object.fromEntries(urls[1].searchParams)).toEqual({
      from: '2026-09-01',
      to: '2026-11-14',
      granularity: 'hourly',
    });
    expect(Object.fromEntries(urls[2].searchParams)).toEqual({
      from: '2026-11-01',
    });
    expect(urls[3].search).toBe('');
  });

  it('posts recommendation decisions as JSON to the encoded id', async () => {
    const posts: Array<{ url: string; body: unknown }> = [];
    server.use(
      http.post(`${baseUrl}/entities/*`, async ({ request }) => {
        posts.push({ url: request.url, body: await request.json() });
        if (request.url.endsWith('/pull-request')) {
          return HttpResponse.json(
            {
              error: {
                name: 'NotImplementedError',
                message: 'Opening pull requests is not available yet',
              },
              response: { statusCode: 501 },
            },
            { status: 501 },
          );
        }
        return HttpResponse.json({
          entityRef: 'component:default/chat-llm',
          id: 'carbon-region:/Deployment/chat-llm',
          state: { status: 'open' },
        });
      }),
    );
    const ref = 'component:default/chat-llm';
    const id = 'carbon-region:/Deployment/chat-llm';

    await client.dismissRecommendation(ref, id, 'Data residency');
    await client.snoozeRecommendation(ref, id, { days: 30 });
    await client.reopenRecommendation(ref, id);
    const error = await client
      .openRecommendationPullRequest(ref, id)
      .catch(e => e);

    const encoded = `${baseUrl}/entities/component/default/chat-llm/recommendations/carbon-region%3A%2FDeployment%2Fchat-llm`;
    expect(posts).toEqual([
      { url: `${encoded}/dismiss`, body: { reason: 'Data residency' } },
      { url: `${encoded}/snooze`, body: { days: 30 } },
      { url: `${encoded}/reopen`, body: {} },
      { url: `${encoded}/pull-request`, body: {} },
    ]);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(501);
    expect(error.cause.message).toBe(
      'Opening pull requests is not available yet',
    );
  });

  it('returns the pull request the route answers with, passing the overlay', async () => {
    const posts: Array<{ url: string; body: unknown }> = [];
    const answer = {
      entityRef: 'component:default/chat-llm',
      id: 'carbon-region:chat-prod/Deployment/chat-llm',
      pullRequest: {
        provider: 'github',
        repository: 'acme/deployments',
        number: 1,
        url: 'https://github.com/acme/deployments/pull/1',
        branch:
          'ai-finops/rec-carbon-region-chat-prod-Deployment-chat-llm-0a1b2c3d',
        baseBranch: 'main',
        state: 'open',
        openedAt: '2026-11-26T05:00:00.000Z',
        checkedAt: '2026-11-26T05:00:00.000Z',
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
          to: 'us-west-1',
        },
      ],
    };
    server.use(
      http.post(`${baseUrl}/entities/*`, async ({ request }) => {
        posts.push({ url: request.url, body: await request.json() });
        return HttpResponse.json(answer, { status: 201 });
      }),
    );
    const ref = 'component:default/chat-llm';
    const result = await client.openRecommendationPullRequest(ref, answer.id, {
      overlay: 'overlays/prod',
    });
    expect(result).toEqual(answer);
    expect(result.pullRequest.url).toBe(
      'https://github.com/acme/deployments/pull/1',
    );
    await client.openRecommendationPullRequest(ref, answer.id);
    const encoded = `${baseUrl}/entities/component/default/chat-llm/recommendations/carbon-region%3Achat-prod%2FDeployment%2Fchat-llm/pull-request`;
    expect(posts).toEqual([
      { url: encoded, body: { overlay: 'overlays/prod' } },
      { url: encoded, body: {} },
    ]);
  });
});
