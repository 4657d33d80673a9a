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

import { parseYamlDocuments } from '@ai-finops/backstage-plugin-finops-guardrails';
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { startFinopsBackend } from '../__testUtils__/backend';
import { expectMatchesSpec } from '../__testUtils__/openapi';
import { templateForm } from '../__testUtils__/templateForm';

jest.setTimeout(120_000);

const POLICIES = path.resolve(__dirname, '../../../../policies');
const USER = mockCredentials.user.header('user:default/alice');

/** The template's Rollout parameters at their defaults, strategy canary. */
const CANARY = {
  rolloutStrategy: 'canary',
  canaryWeights: [10, 50],
  canaryPauseMinutes: 10,
  canaryMaxCostIncreasePercent: 10,
};

describe('POST /estimate with the canary rollout of the template', () => {
  let server: Awaited<ReturnType<typeof startFinopsBackend>>['server'];
  beforeAll(async () => {
    ({ server } = await startFinopsBackend({
      config: { finops: { guardrails: { policies: POLICIES } } },
      permissions: () => AuthorizeResult.ALLOW,
    }));
  });

  const post = (body: object) =>
    request(server)
      .post('/api/finops/estimate')
      .set('Authorization', USER)
      .send(body);

  it('declares the parameters the preview reads, with these defaults', () => {
    const file = path.resolve(
      __dirname,
      '../../../../examples/templates/inference-service/template.yaml',
    );
    const [{ value: template }] = parseYamlDocuments({
      path: file,
      content: readFileSync(file, 'utf8'),
    }) as Array<{ value: any }>;
    const page = template.spec.parameters.find(
      (p: { title: string }) => p.title === 'Rollout',
    );
    const defaults = Object.fromEntries(
      Object.entries<any>(page.properties).map(([k, v]) => [k, v.default]),
    );
    expect(defaults).toEqual({ ...CANARY, rolloutStrategy: 'deployment' });
  });

  it('costs a canary what the Deployment costs and checks the Rollout', async () => {
    const plain = await post(templateForm({ rolloutStrategy: 'deployment' }));
    const canary = await post(templateForm(CANARY));
    expect(canary.status).toBe(200);
    expectMatchesSpec(canary);
    expect(canary.body.workloads.map((w: { kind: string }) => w.kind)).toEqual([
      'Rollout',
      'Rollout',
    ]);
    expect(plain.body.workloads[0].kind).toBe('Deployment');
    expect(canary.body.monthlyCost).toBe(plain.body.monthlyCost);
    // The guardrails judge the Rollout as they judge the Deployment.
    const verdicts = (res: typeof plain) =>
      res.body.guardrails.denied.map(
        (d: { policy: string; object: { kind: string; namespace?: string } }) =>
          `${d.policy} ${d.object.kind} ${d.object.namespace}`,
      );
    expect(verdicts(canary)).toEqual(
      verdicts(plain).map((v: string) =>
        v.replace(' Deployment ', ' Rollout '),
      ),
    );
    expect(canary.body.guardrails.checks).toBeGreaterThan(0);

    const eight = await post(templateForm({ ...CANARY, gpuCount: 8 }));
    expect(eight.body.guardrails.denied).toContainEqual(
      expect.objectContaining({
        policy: 'ai-finops-max-gpus-per-container',
        object: expect.objectContaining({ kind: 'Rollout', name: 'chat' }),
      }),
    );
  });

  it('answers 400 naming the field for a rollout it cannot render', async () => {
    const unknown = await post(templateForm({ rolloutStrategy: 'blue-green' }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe(
      "Field 'rolloutStrategy': 'blue-green' is not one of deployment, canary",
    );
    const kserve = await post(templateForm({ ...CANARY, runtime: 'kserve' }));
    expect(kserve.status).toBe(400);
    expect(kserve.body.error.message).toContain(
      'input.rollout.strategy: a canary needs the vllm runtime',
    );
    const steps = await post(
      templateForm({ ...CANARY, canaryWeights: new Array(11).fill(5) }),
    );
    expect(steps.status).toBe(400);
    expect(steps.body.error.message).toBe(
      "Field 'canaryWeights' must be a list of at most 10 numbers",
    );
  });
});
