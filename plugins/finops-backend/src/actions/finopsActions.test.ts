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

import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import path from 'node:path';
import request from 'supertest';
import {
  component,
  dataSourceModule,
  startFinopsBackend,
} from '../__testUtils__/backend';
import { steadyGpuSource } from '../__testUtils__/backend';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const POLICIES = path.resolve(__dirname, '../../../../policies');
const USER = mockCredentials.user.header('user:default/alice');
const ACTIONS = '/api/finops/.backstage/actions/v1/actions';
const CHAT = 'component:default/chat-llm';

/** A vLLM Deployment asking for `gpus` H100s a replica, otherwise within the shipped policies. */
const deployment = (gpus: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: chat-llm
  namespace: chat-prod
  labels: { app: chat-llm, team: ml, cost-center: cc-42 }
spec:
  replicas: 2
  template:
    metadata:
      labels: { app: chat-llm, team: ml, cost-center: cc-42 }
    spec:
      nodeSelector:
        nvidia.com/gpu.product: NVIDIA-H100-80GB-HBM3
        topology.kubernetes.io/region: us-east-1
      containers:
        - name: vllm
          image: docker.io/vllm/vllm-openai:v0.8.5
          securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false }
          resources:
            requests: { nvidia.com/gpu: ${gpus}, cpu: "8", memory: 64Gi }
            limits: { nvidia.com/gpu: ${gpus}, cpu: "8", memory: 64Gi }
`;

describe.each(databases.eachSupportedId())(
  'the actions registry (%s)',
  databaseId => {
    async function start(
      decide: (permission: string) => AuthorizeResult = () =>
        AuthorizeResult.ALLOW,
    ) {
      const knex = await databases.init(databaseId);
      const backend = await startFinopsBackend({
        knex,
        features: [dataSourceModule('gpu-source', steadyGpuSource)],
        config: { finops: { guardrails: { policies: POLICIES } } },
        entities: [
          component('chat-llm', { 'backstage.io/kubernetes-id': 'chat' }),
        ],
        permissions: decide,
        trigger: { source: 'gpu', user: USER },
      });
      const invoke = (name: string, input: object) =>
        request(backend.server)
          .post(`${ACTIONS}/finops:${name}/invoke`)
          .set('Authorization', USER)
          .send(input);
      return { server: backend.server, invoke };
    }

    it('lists its actions with schemas and honest attributes, and serves what the REST routes serve', async () => {
      const { server, invoke } = await start();
      const list = await request(server)
        .get(ACTIONS)
        .set('Authorization', USER);
      expect(list.status).toBe(200);
      const actions: Array<{
        id: string;
        attributes: object;
        schema: { input: { required?: string[] } };
      }> = list.body.actions;
      expect(actions.map(a => a.id).sort()).toEqual([
        'finops:check-manifests',
        'finops:estimate-manifests',
        'finops:get-carbon-footprint',
        'finops:get-cost-anomalies',
        'finops:get-cost-forecast',
        'finops:get-cost-summary',
        'finops:get-gpu-efficiency',
        'finops:get-recommendations',
      ]);
      for (const action of actions) {
        expect(action.attributes).toEqual({
          readOnly: true,
          destructive: false,
          idempotent: true,
        });
      }
      expect(
        actions.find(a => a.id === 'finops:get-cost-summary')!.schema.input
          .required,
      ).toEqual(['entityRef']);

      // Each read action gives the REST route's body (kind and namespace
      // default as in the catalog).
      for (const [name, route] of [
        ['get-cost-summary', 'summary'],
        ['get-cost-forecast', 'forecast'],
        ['get-cost-anomalies', 'anomalies'],
        ['get-gpu-efficiency', 'efficiency'],
        ['get-carbon-footprint', 'carbon'],
        ['get-recommendations', 'recommendations'],
      ]) {
        const rest = await request(server)
          .get(`/api/finops/entities/component/default/chat-llm/${route}`)
          .set('Authorization', USER);
        expect(rest.status).toBe(200);
        const res = await invoke(name, { entityRef: 'chat-llm' });
        expect(res.status).toBe(200);
        expect(res.body.output.entityRef).toBe(CHAT);
        const { computedAt: _a, ...fromAction } = res.body.output.result;
        const { computedAt: _b, ...fromRest } = rest.body;
        expect(fromAction).toEqual(fromRest);
      }
      const summary = await invoke('get-cost-summary', { entityRef: CHAT });
      expect(
        summary.body.output.result.monthToDate.effectiveCost,
      ).toBeGreaterThan(0);
    });

    it('estimates and checks manifests against the guardrails', async () => {
      const { invoke } = await start();
      const estimate = await invoke('estimate-manifests', {
        manifests: deployment(1),
      });
      expect(estimate.status).toBe(200);
      expect(estimate.body.output).toMatchObject({ currency: 'USD' });
      expect(estimate.body.output.monthlyCost).toBeGreaterThan(1000);

      const ok = await invoke('check-manifests', { manifests: deployment(1) });
      expect(ok.status).toBe(200);
      expect(ok.body.output).toMatchObject({ passed: true, denied: [] });
      expect(ok.body.output.policies).toBeGreaterThan(3);

      const denied = await invoke('check-manifests', {
        manifests: deployment(8),
      });
      expect(denied.status).toBe(200);
      expect(denied.body.output.passed).toBe(false);
      expect(denied.body.output.denied).toEqual(
        expect.arrayContaining([
          expect.stringContaining(
            'ai-finops-max-gpus-per-container: Deployment chat-prod/chat-llm',
          ),
        ]),
      );
    });

    it('checks the same permissions as the routes, on behalf of the caller, and names bad input', async () => {
      const { invoke } = await start(permission =>
        permission === 'finops.entity.read' || permission === 'finops.estimate'
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
      );
      const forbidden = await invoke('get-cost-summary', { entityRef: CHAT });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.error.message).toBe(
        "Permission 'finops.entity.read' was denied",
      );
      const noEstimate = await invoke('check-manifests', {
        manifests: deployment(1),
      });
      expect(noEstimate.status).toBe(403);

      const { invoke: allowed } = await start();
      const bad = await allowed('get-cost-summary', {
        entityRef: 'component:default/',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(
        /^Invalid entityRef 'component:default\/'/,
      );
      const missing = await allowed('get-cost-summary', {
        entityRef: 'component:default/nothing',
      });
      expect(missing.status).toBe(404);
      // The registry's HTTP endpoint reads bodies up to 100 KB (express.json).
      const tooBig = await allowed('check-manifests', {
        manifests: 'x'.repeat(200_000),
      });
      expect(tooBig.status).toBe(413);
    });
  },
);
