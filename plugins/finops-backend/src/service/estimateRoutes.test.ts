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
  catalogGpuPrice,
  HOURS_PER_MONTH,
} from '@ai-finops/backstage-plugin-finops-guardrails';
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import path from 'node:path';
import request from 'supertest';
import { startFinopsBackend } from '../__testUtils__/backend';
import { expectMatchesSpec } from '../__testUtils__/openapi';
import { templateForm } from '../__testUtils__/templateForm';

jest.setTimeout(120_000);

/** The repository's guardrail policies, as app-config.yaml configures them. */
const POLICIES = path.resolve(__dirname, '../../../../policies');
const USER = mockCredentials.user.header('user:default/alice');
const GPU = 'NVIDIA-L4';
const REGION = 'us-east-1';

/** The template form as the tests fill it, with a monthly budget. */
const form = (overrides: Record<string, unknown> = {}) =>
  templateForm({
    gpuType: GPU,
    region: REGION,
    monthlyBudget: 5000,
    ...overrides,
  });

async function start(
  options: {
    decide?: (permission: string) => AuthorizeResult;
    policies?: string | null;
  } = {},
) {
  const policies = options.policies === undefined ? POLICIES : options.policies;
  const { server } = await startFinopsBackend({
    config: { finops: policies ? { guardrails: { policies } } : {} },
    permissions: options.decide ?? (() => AuthorizeResult.ALLOW),
  });
  return server;
}

describe('POST /estimate', () => {
  let server: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    server = await start();
  });

  const post = (body: unknown) =>
    request(server)
      .post('/api/finops/estimate')
      .set('Authorization', USER)
      .send(body as object);

  it('allows 1 GPU and prices it at GPUs × price × 730 h', async () => {
    const res = await post(form());
    expect(res.status).toBe(200);
    expectMatchesSpec(res);
    const price = catalogGpuPrice()(GPU, { region: REGION })!.usdPerGpuHour;
    expect(price).toBeGreaterThan(0);
    // One replica in dev, one in prod, one GPU each.
    const prod = res.body.workloads.find(
      (w: { namespace?: string }) => w.namespace === 'chat-prod',
    );
    expect(prod).toMatchObject({
      gpusPerReplica: 1,
      minReplicas: 1,
      usdPerGpuHour: price,
    });
    expect(prod.monthlyCost).toBeCloseTo(1 * price * HOURS_PER_MONTH, 6);
    const gpus = res.body.workloads.reduce(
      (n: number, w: { minReplicas: number; gpusPerReplica: number }) =>
        n + w.minReplicas * w.gpusPerReplica,
      0,
    );
    expect(gpus).toBe(2);
    expect(res.body.monthlyCost).toBeCloseTo(gpus * price * HOURS_PER_MONTH, 6);
    expect(res.body.hoursPerMonth).toBe(730);
    // 1000 tokens/s in prod: $ per 1M tokens from the prod service.
    const prodService = res.body.services.find(
      (s: { namespace?: string }) => s.namespace === 'chat-prod',
    );
    expect(prodService.usdPerMillionTokens).toBeCloseTo(
      (price * HOURS_PER_MONTH) / ((1000 * 3600 * HOURS_PER_MONTH) / 1e6),
      6,
    );
    expect(res.body.budget).toEqual({
      monthlyBudget: 5000,
      withinBudget: true,
      withinBudgetAtMaxReplicas: true,
    });
    expect(res.body.guardrails).toMatchObject({
      configured: true,
      passed: true,
      denied: [],
    });
    expect(res.body.guardrails.checks).toBeGreaterThan(0);
  });

  it('denies 8 GPUs per container with the max-GPUs policy message', async () => {
    const res = await post(form({ gpuCount: 8 }));
    expect(res.status).toBe(200);
    expectMatchesSpec(res);
    expect(res.body.guardrails.passed).toBe(false);
    const denied = res.body.guardrails.denied.filter(
      (d: { policy: string }) =>
        d.policy === 'ai-finops-max-gpus-per-container',
    );
    expect(denied.length).toBeGreaterThan(0);
    expect(denied[0]).toMatchObject({
      action: 'Deny',
      object: { kind: 'Deployment', name: 'chat' },
      message:
        'container vllm requests 8 GPUs; at most 4 GPUs per container are allowed (GuardrailParams default)',
    });
  });

  it('flags a budget the estimate does not fit', async () => {
    const res = await post(form({ monthlyBudget: 10, maxReplicas: 4 }));
    expect(res.status).toBe(200);
    expect(res.body.budget).toEqual({
      monthlyBudget: 10,
      withinBudget: false,
      withinBudgetAtMaxReplicas: false,
    });
    const all = [
      ...res.body.guardrails.denied,
      ...res.body.guardrails.warnings,
    ].map((v: { policy: string }) => v.policy);
    expect(all).toContain('ai-finops-monthly-budget');
  });

  it('previews a half-typed repository with a placeholder', async () => {
    const res = await post(form({ repoUrl: 'github.com?owner=acme' }));
    expect(res.status).toBe(200);
    expect(res.body.monthlyCost).toBeGreaterThan(0);
  });

  it('fills what the form has not yet filled from the template defaults', async () => {
    const res = await post({ gpuType: GPU });
    expect(res.status).toBe(200);
    expectMatchesSpec(res);
    expect(res.body.monthlyCost).toBeGreaterThan(0);
  });

  it('answers 400 naming the field for bad input', async () => {
    const missing = await post({ gpuCount: 1 });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/gpuType/);

    const unknownGpu = await post(form({ gpuType: 'NVIDIA-Z9000' }));
    expect(unknownGpu.status).toBe(400);
    expect(unknownGpu.body.error.message).toMatch(
      /input\.gpuType: 'NVIDIA-Z9000' is not a GPU model/,
    );

    const replicas = await post(form({ minReplicas: 3, maxReplicas: 2 }));
    expect(replicas.status).toBe(400);
    expect(replicas.body.error.message).toMatch(/maxReplicas/);
  });

  it('requires a signed-in user', async () => {
    const res = await request(server).post('/api/finops/estimate').send(form());
    expect(res.status).toBe(401);
  });

  it('answers 403 without finops.estimate', async () => {
    const denied = await start({
      decide: p =>
        p === 'finops.estimate' ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
    });
    const res = await request(denied)
      .post('/api/finops/estimate')
      .set('Authorization', USER)
      .send(form());
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/finops\.estimate/);
  });

  it('estimates without guardrails when no policies are configured', async () => {
    const bare = await start({ policies: null });
    const res = await request(bare)
      .post('/api/finops/estimate')
      .set('Authorization', USER)
      .send(form({ gpuCount: 8 }));
    expect(res.status).toBe(200);
    expectMatchesSpec(res);
    expect(res.body.guardrails).toEqual({
      configured: false,
      passed: true,
      checks: 0,
      policies: 0,
      denied: [],
      warnings: [],
    });
  });
});
