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

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { FactRetrieverContext } from '@backstage-community/plugin-tech-insights-node';
import {
  createFinopsCatalogFactRetriever,
  createFinopsCostFactRetriever,
} from './retrievers';
import { component } from './__testUtils__/entities';

const k8s = (name: string) => ({ 'backstage.io/kubernetes-id': name });

/** What the fake finops backend answers, per entity name and route. */
type Answer = { status: number; body?: unknown; delayMs?: number };

const DATA_UNTIL = '2026-12-07T10:00:00.000Z';
const answers: Record<string, Partial<Record<string, Answer>>> = {
  'chat-llm': {
    efficiency: {
      status: 200,
      body: {
        entityRef: 'component:default/chat-llm',
        score: 72.5,
        costPerMillionTokens: 1.84,
      },
    },
    summary: {
      status: 200,
      body: { dataUntil: DATA_UNTIL, monthToDate: { effectiveCost: 12345.67 } },
    },
  },
  'idle-embedder': {
    // Known to the backend, without GPU samples, tokens or costs.
    efficiency: {
      status: 200,
      body: { entityRef: 'component:default/idle-embedder', notes: [] },
    },
    summary: { status: 200, body: { monthToDate: { effectiveCost: 0 } } },
  },
  'slow-ranker': {
    efficiency: { status: 200, body: {}, delayMs: 60_000 },
    summary: {
      status: 200,
      body: { dataUntil: DATA_UNTIL, monthToDate: { effectiveCost: 99 } },
    },
  },
  'broken-service': {
    efficiency: { status: 500, body: { error: { message: 'boom' } } },
    summary: { status: 503 },
  },
};

describe('FinOps fact retrievers', () => {
  let server: Server;
  let baseUrl: string;
  const requests: Array<{ url: string; authorization?: string }> = [];
  let inFlight = 0;
  let maxInFlight = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push({
        url: req.url!,
        authorization: req.headers.authorization,
      });
      const match =
        /^\/api\/finops\/entities\/([^/]+)\/([^/]+)\/([^/]+)\/(efficiency|summary)$/.exec(
          req.url!,
        );
      const answer = match ? answers[match[3]]?.[match[4]] : undefined;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const timer = setTimeout(() => {
        if (!answer) {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({ error: { name: 'NotFoundError', message: 'no' } }),
          );
          return;
        }
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(
          answer.body === undefined ? undefined : JSON.stringify(answer.body),
        );
      }, answer?.delayMs ?? 10);
      // Done, or given up by the client (a timeout).
      res.on('close', () => {
        clearTimeout(timer);
        inFlight--;
      });
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise(resolve => server.close(resolve));
  });

  beforeEach(() => {
    requests.length = 0;
    maxInFlight = 0;
  });

  function context() {
    const logger = mockServices.logger.mock();
    const ctx: FactRetrieverContext = {
      config: new ConfigReader({}),
      discovery: {
        getBaseUrl: async pluginId => `${baseUrl}/api/${pluginId}`,
        getExternalBaseUrl: async pluginId => `${baseUrl}/api/${pluginId}`,
      },
      logger,
      auth: mockServices.auth({ pluginId: 'tech-insights' }),
      urlReader: mockServices.urlReader.mock(),
    };
    return { ctx, logger };
  }

  const entities = [
    component(
      'chat-llm',
      {
        ...k8s('chat-llm'),
        'ai-finops.io/monthly-budget': '55000',
      },
      { 'cost-center': 'cc-42' },
    ),
    component('idle-embedder', {
      ...k8s('idle-embedder'),
      'ai-finops.io/monthly-budget': 'lots',
      'ai-finops.io/cost-center': 'cc-7',
    }),
    component('unknown-service', {
      'ai-finops.io/billing-tags': 'app=unknown,cost-center=cc-9',
    }),
    component('slow-ranker', k8s('slow-ranker')),
    component('broken-service', k8s('broken-service')),
    // Budget only: no cost allocation annotation, so no finops request.
    component('budget-only', { 'ai-finops.io/monthly-budget': '0' }),
    // No FinOps annotation at all: not covered.
    component(
      'docs-site',
      { 'backstage.io/techdocs-ref': 'dir:.' },
      { 'cost-center': 'cc-1' },
    ),
  ];

  it('reads the budget and cost-center facts from the catalog', async () => {
    const { ctx, logger } = context();
    const retriever = createFinopsCatalogFactRetriever({
      catalog: catalogServiceMock({ entities }),
    });

    const facts = await retriever.handler(ctx);

    expect(facts.map(f => [f.entity.name, f.facts])).toEqual([
      ['broken-service', { hasMonthlyBudget: false, hasCostCenter: false }],
      ['budget-only', { hasMonthlyBudget: true, hasCostCenter: false }],
      ['chat-llm', { hasMonthlyBudget: true, hasCostCenter: true }],
      ['idle-embedder', { hasMonthlyBudget: false, hasCostCenter: true }],
      ['slow-ranker', { hasMonthlyBudget: false, hasCostCenter: false }],
      ['unknown-service', { hasMonthlyBudget: false, hasCostCenter: true }],
    ]);
    expect(facts[0].entity).toEqual({
      kind: 'Component',
      namespace: 'default',
      name: 'broken-service',
    });
    expect(logger.info).toHaveBeenCalledWith(
      'FinOps catalog facts for 6 entities: 2 with a monthly budget, 3 with a cost center',
    );
    expect(requests).toEqual([]);
  });

  it('takes the cost-center label from the options', async () => {
    const { ctx } = context();
    const retriever = createFinopsCatalogFactRetriever({
      catalog: catalogServiceMock({
        entities: [
          component('a', k8s('a'), { costcenter: 'cc-1', 'cost-center': '' }),
        ],
      }),
      costCenterLabel: 'costcenter',
    });
    const [fact] = await retriever.handler(ctx);
    expect(fact.facts.hasCostCenter).toBe(true);
  });

  it('reads the figures from the finops backend, leaving out what it lacks', async () => {
    const { ctx, logger } = context();
    const retriever = createFinopsCostFactRetriever({
      catalog: catalogServiceMock({ entities }),
      requestTimeoutMs: 2000,
    });

    const facts = await retriever.handler(ctx);

    expect(
      Object.fromEntries(facts.map(f => [f.entity.name, f.facts])),
    ).toEqual({
      'chat-llm': {
        gpuEfficiencyPercent: 72.5,
        costPerMillionTokens: 1.84,
        monthToDateCost: 12345.67,
      },
      // 200 without usage, and 404: a row without figures.
      'idle-embedder': {},
      'unknown-service': {},
      // The efficiency request timed out; the summary answered.
      'slow-ranker': { monthToDateCost: 99 },
      // 'broken-service': every request failed, no row.
    });

    // Two requests per entity with a cost allocation annotation, with a
    // service token for the finops backend.
    expect(requests.map(r => r.url).sort()).toEqual(
      [
        'broken-service',
        'chat-llm',
        'idle-embedder',
        'slow-ranker',
        'unknown-service',
      ]
        .flatMap(name => [
          `/api/finops/entities/Component/default/${name}/efficiency`,
          `/api/finops/entities/Component/default/${name}/summary`,
        ])
        .sort(),
    );
    for (const { authorization } of requests) {
      expect(authorization).toMatch(/^Bearer mock-service-token:/);
      expect(authorization).toContain('"target":"finops"');
    }

    expect(logger.warn).toHaveBeenCalledTimes(1);
    const [message] = logger.warn.mock.calls[0];
    expect(message).toContain(
      'FinOps cost facts for 5 entities with cost allocation annotations (of 6 with FinOps annotations)',
    );
    expect(message).toContain(
      '2 with data, 2 without (not found or no usage), 1 failed; 3 failed requests',
    );
    expect(message).toContain('GET efficiency: no answer within 2000 ms');
    expect(message).toContain('GET efficiency: 500 Internal Server Error');
  });

  it('bounds the requests in flight', async () => {
    const many = Array.from({ length: 12 }, (_, i) =>
      component(`svc-${String(i).padStart(2, '0')}`, k8s(`svc-${i}`)),
    );
    const { ctx } = context();
    const retriever = createFinopsCostFactRetriever({
      catalog: catalogServiceMock({ entities: many }),
      concurrency: 3,
    });

    const facts = await retriever.handler(ctx);

    expect(facts).toHaveLength(12);
    expect(requests).toHaveLength(24);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(3);
  });

  it('covers at most maxEntities entities, the first by name', async () => {
    const many = Array.from({ length: 7 }, (_, i) =>
      component(`svc-${i}`, {
        ...k8s(`svc-${i}`),
        'ai-finops.io/monthly-budget': '10',
      }),
    ).reverse();
    const { ctx, logger } = context();
    const catalog = catalogServiceMock({ entities: many });

    const facts = await createFinopsCatalogFactRetriever({
      catalog,
      maxEntities: 3,
    }).handler(ctx);
    expect(facts.map(f => f.entity.name)).toEqual(['svc-0', 'svc-1', 'svc-2']);
    expect(logger.warn).toHaveBeenCalledWith(
      '7 catalog entities have FinOps annotations; this run covers the first 3 by name (techInsights.finops.maxEntities)',
    );

    await createFinopsCostFactRetriever({ catalog, maxEntities: 3 }).handler(
      ctx,
    );
    expect(requests).toHaveLength(6);
  });
});
