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
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The tech-insights backend and its JSON rules engine module, as the portal
// installs them.
import techInsightsBackend from '@backstage-community/plugin-tech-insights-backend';
import techInsightsJsonRulesEngine from '@backstage-community/plugin-tech-insights-backend-module-jsonfc';
import { getFinopsChecks } from './checks';
import { techInsightsModuleFinops } from './module';
import {
  FINOPS_CATALOG_FACT_RETRIEVER_ID,
  FINOPS_COST_FACT_RETRIEVER_ID,
} from './retrievers';
import { component } from './__testUtils__/entities';

const entities = [
  component(
    'chat-llm',
    {
      'backstage.io/kubernetes-id': 'chat-llm',
      'ai-finops.io/monthly-budget': '55000',
    },
    { 'cost-center': 'cc-42' },
  ),
  component('code-completion', {
    'backstage.io/kubernetes-id': 'code-completion',
  }),
  component('new-service', {
    'backstage.io/kubernetes-id': 'new-service',
    'ai-finops.io/monthly-budget': '1000',
    'ai-finops.io/cost-center': 'cc-7',
  }),
];

/** Efficiency bodies the fake finops backend serves; others are 404. */
const efficiency: Record<string, object> = {
  'chat-llm': { score: 72.5, costPerMillionTokens: 1.84 },
  'code-completion': { score: 41, costPerMillionTokens: 3.1 },
};

/**
 * A stand-in for the finops backend under pluginId `finops`: the retriever
 * finds it through discovery and must pass its service auth.
 */
const fakeFinopsBackend = createBackendPlugin({
  pluginId: 'finops',
  register(reg) {
    reg.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
      },
      async init({ httpRouter, httpAuth }) {
        httpRouter.use(async (req, res, next) => {
          try {
            await httpAuth.credentials(req, { allow: ['service'] });
          } catch (error) {
            next(error);
            return;
          }
          const match =
            /^\/entities\/component\/default\/([^/]+)\/(efficiency|summary)$/i.exec(
              req.path,
            );
          const body =
            match?.[2] === 'efficiency' ? efficiency[match[1]] : undefined;
          if (!body) {
            res.status(404).json({ error: { name: 'NotFoundError' } });
            return;
          }
          res.json(body);
        });
      },
    });
  },
});

describe('techInsightsModuleFinops', () => {
  it('stores the facts and runs the checks through the tech-insights backend', async () => {
    const backend = await startTestBackend({
      features: [
        techInsightsBackend,
        techInsightsJsonRulesEngine,
        techInsightsModuleFinops,
        fakeFinopsBackend,
        catalogServiceMock.factory({ entities }),
        // The tech-insights backend schedules its retrievers with an initial
        // delay; run them once at startup instead of waiting.
        mockServices.scheduler.factory({
          includeInitialDelayedTasksOnStartup: true,
        }),
        mockServices.rootConfig.factory({
          data: {
            techInsights: {
              factRetrievers: {
                [FINOPS_CATALOG_FACT_RETRIEVER_ID]: { cadence: '0 * * * *' },
                [FINOPS_COST_FACT_RETRIEVER_ID]: { cadence: '0 3 * * *' },
              },
              factChecker: { checks: getFinopsChecks() },
            },
          },
        }),
      ],
    });
    const base = `http://localhost:${backend.server.port()}/api/tech-insights`;
    const headers = {
      Authorization: mockCredentials.user.header(),
      'Content-Type': 'application/json',
    };

    const schemas = await fetch(`${base}/fact-schemas`, { headers });
    expect(schemas.status).toBe(200);
    expect(
      (await schemas.json()).map((s: { id: string }) => s.id).sort(),
    ).toEqual([
      FINOPS_CATALOG_FACT_RETRIEVER_ID,
      FINOPS_COST_FACT_RETRIEVER_ID,
    ]);

    const latest = async (name: string) => {
      const query = new URLSearchParams([
        ['entity', `component:default/${name}`],
        ['ids', FINOPS_CATALOG_FACT_RETRIEVER_ID],
        ['ids', FINOPS_COST_FACT_RETRIEVER_ID],
      ]);
      const response = await fetch(`${base}/facts/latest?${query}`, {
        headers,
      });
      expect(response.status).toBe(200);
      const body = await response.json();
      return Object.fromEntries(
        Object.entries(body).map(([id, row]) => [
          id,
          (row as { facts: unknown }).facts,
        ]),
      );
    };

    expect(await latest('chat-llm')).toEqual({
      [FINOPS_CATALOG_FACT_RETRIEVER_ID]: {
        hasMonthlyBudget: true,
        hasCostCenter: true,
      },
      [FINOPS_COST_FACT_RETRIEVER_ID]: {
        gpuEfficiencyPercent: 72.5,
        costPerMillionTokens: 1.84,
      },
    });
    expect(await latest('new-service')).toEqual({
      [FINOPS_CATALOG_FACT_RETRIEVER_ID]: {
        hasMonthlyBudget: true,
        hasCostCenter: true,
      },
      // The finops backend answered 404: a row without figures.
      [FINOPS_COST_FACT_RETRIEVER_ID]: {},
    });

    const runChecks = async (name: string) => {
      const response = await fetch(
        `${base}/checks/run/default/component/${name}`,
        { method: 'POST', headers, body: JSON.stringify({}) },
      );
      expect(response.status).toBe(200);
      const results: Array<{ check: { id: string }; result: boolean }> =
        await response.json();
      return Object.fromEntries(results.map(r => [r.check.id, r.result]));
    };

    expect(await runChecks('chat-llm')).toEqual({
      finopsGpuEfficiency: true,
      finopsMonthlyBudget: true,
      finopsCostCenter: true,
      finopsCostPerMillionTokens: true,
    });
    expect(await runChecks('code-completion')).toEqual({
      finopsGpuEfficiency: false,
      finopsMonthlyBudget: false,
      finopsCostCenter: false,
      finopsCostPerMillionTokens: false,
    });
    // Without figures the JSON rules engine skips the checks that need them.
    expect(await runChecks('new-service')).toEqual({
      finopsMonthlyBudget: true,
      finopsCostCenter: true,
    });

    // The tech-insights backend leaves two timers after stop() (it does so
    // without this module too), so jest reports a force-exited worker.
    await backend.stop();
  });
});
