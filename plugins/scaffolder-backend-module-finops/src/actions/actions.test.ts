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
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { parse } from 'yaml';
import { createCostEstimateAction } from './costEstimate';
import { examples as estimateExamples } from './costEstimate.examples';
import { createGenerateManifestsAction } from './generateManifests';
import { createPolicyEvaluateAction } from './policyEvaluate';
import { examples as evaluateExamples } from './policyEvaluate.examples';
import {
  LIST_H100 as H100,
  POLICIES_DIR,
  SERVICE as service,
} from '../__testUtils__/fixtures';

describe('finops:policy:evaluate and finops:cost:estimate', () => {
  const workspace = createMockDirectory();
  const evaluate = createPolicyEvaluateAction({ policiesDir: POLICIES_DIR });
  const estimate = createCostEstimateAction({ policiesDir: POLICIES_DIR });

  async function render(input: Record<string, unknown>) {
    workspace.clear();
    await createGenerateManifestsAction().handler(
      createMockActionContext({
        input: input as any,
        workspacePath: workspace.path,
      }) as any,
    );
  }

  const context = (input: Record<string, unknown>, isDryRun = false) => ({
    ...createMockActionContext({
      input: input as any,
      workspacePath: workspace.path,
    }),
    isDryRun,
  });

  it('passes rendered manifests and says whether it was a dry run', async () => {
    await render(service);
    for (const dryRun of [false, true]) {
      const ctx = context({ path: 'gitops' }, dryRun);
      await evaluate.handler(ctx as any);
      expect(ctx.output).toHaveBeenCalledWith('passed', true);
      expect(ctx.output).toHaveBeenCalledWith('warnings', []);
      expect(ctx.output).toHaveBeenCalledWith('dryRun', dryRun);
      expect(ctx.output).toHaveBeenCalledWith(
        'markdown',
        expect.stringContaining('### ✅ Guardrails passed'),
      );
    }
  });

  it('fails the step with every policy message when a deny rule fails', async () => {
    await render({
      ...service,
      gpuCount: 8,
      image: 'quay.io/someone/vllm:latest',
      // Another image: the fixture's digest is not its digest.
      supplyChain: { ...service.supplyChain, imageDigest: undefined },
    });
    await expect(
      evaluate.handler(context({ path: 'gitops' }) as any),
    ).rejects.toMatchObject({
      message:
        'The guardrails refused these manifests: ai-finops-allowed-registries: images from registries that are not allowed: quay.io/someone/vllm:latest; allowed: nvcr.io/nvidia/, docker.io/vllm/, docker.io/kserve/, ghcr.io/ai-finops/; ai-finops-max-gpus-per-container: container vllm requests 8 GPUs; at most 4 GPUs per container are allowed (GuardrailParams default); ai-finops-monthly-cost-cap: service chat would cost $160716 a month at its maximum replicas, over the cap of $100000 (GuardrailParams default); ai-finops-supply-chain: images in the prod environment must be pinned by digest (image@sha256:<64 hex>): quay.io/someone/vllm:latest',
    });
  });

  it('audits each evaluation: a pass as a success, a denial as a failure with the policies that denied', async () => {
    const auditor = mockServices.auditor.mock();
    const audited = createPolicyEvaluateAction({
      policiesDir: POLICIES_DIR,
      auditor,
    });
    const ctx = (input: Record<string, unknown>) => ({
      ...context(input),
      user: { ref: 'user:default/alice' },
      templateInfo: { entityRef: 'template:default/vllm-inference-service' },
    });
    await render(service);
    await audited.handler(ctx({ path: 'gitops' }) as any);
    await render({ ...service, gpuCount: 8 });
    await expect(
      audited.handler(ctx({ path: 'gitops' }) as any),
    ).rejects.toThrow('The guardrails refused these manifests');

    const [passed, denied] = auditor.createEvent.mock.calls.map(([e]) => e);
    expect(passed).toMatchObject({
      eventId: 'guardrail-evaluation',
      severityLevel: 'low',
      meta: {
        actor: 'user:default/alice',
        template: 'template:default/vllm-inference-service',
        dryRun: false,
        denied: [],
      },
    });
    expect(denied).toMatchObject({
      eventId: 'guardrail-evaluation',
      severityLevel: 'medium',
      meta: {
        actor: 'user:default/alice',
        denied: [
          expect.stringMatching(/^ai-finops-max-gpus-per-container: /),
          expect.stringMatching(/^ai-finops-monthly-cost-cap: /),
        ],
      },
    });
    const [first, second] = await Promise.all(
      auditor.createEvent.mock.results.map(r => r.value),
    );
    expect(first.success).toHaveBeenCalledTimes(1);
    expect(first.fail).not.toHaveBeenCalled();
    expect(second.fail).toHaveBeenCalledWith({
      error: expect.objectContaining({
        message: expect.stringContaining('ai-finops-max-gpus-per-container'),
      }),
    });
    expect(second.success).not.toHaveBeenCalled();
  });

  it('passes with warnings', async () => {
    await render({ ...service, monthlyBudget: 1000 });
    const ctx = context({ path: 'gitops' });
    await evaluate.handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('warnings', [
      expect.stringMatching(
        /^WARN ai-finops-monthly-budget: CostEstimate chat-prod\/chat \(.*\): service chat is expected to cost \$20089 a month, over its budget of \$1000$/,
      ),
    ]);
    expect(ctx.output).toHaveBeenCalledWith(
      'markdown',
      expect.stringContaining('### ⚠️ Guardrail warnings (1)'),
    );
  });

  it('names what is wrong with its input', async () => {
    workspace.clear();
    workspace.addContent({
      'gitops/bad.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x, labels: {replicas: 2}}\n',
    });
    await expect(
      evaluate.handler(context({ path: 'gitops' }) as any),
    ).rejects.toThrow(
      'bad.yaml:1: Deployment x: field metadata.labels.replicas is not a string (quote it: "2")',
    );
    await expect(
      createPolicyEvaluateAction().handler(context({ path: 'gitops' }) as any),
    ).rejects.toThrow(
      'No guardrail policies: set finops.guardrails.policies in the app config or pass policiesPath',
    );
    workspace.addContent({
      'policies/p.yaml':
        'apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata: {name: p}\nspec:\n  matchConstraints:\n    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}]\n  validations:\n    - expression: object.spec.replicas <<= 3\n',
    });
    await expect(
      evaluate.handler(
        context({ path: 'gitops', policiesPath: 'policies' }) as any,
      ),
    ).rejects.toThrow(
      /policies\/p.yaml:1: ValidatingAdmissionPolicy p: spec.validations\[0\].expression does not compile: .*; expression: object.spec.replicas <<= 3$/,
    );
  });

  it('estimates the monthly cost and $ per 1M tokens of every environment', async () => {
    await render(service);
    const ctx = context({ path: 'gitops' });
    await estimate.handler(ctx as any);
    // dev: 1 replica; prod: 2 replicas (KEDA minimum); 2 H100 each.
    const monthly = (1 + 2) * 2 * H100 * 730;
    expect(ctx.output).toHaveBeenCalledWith(
      'monthlyCost',
      expect.closeTo(monthly, 6),
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'maxMonthlyCost',
      expect.closeTo((2 + 4) * 2 * H100 * 730, 6),
    );
    // Only prod declares throughput: 2 replicas × 2 GPUs at 2,500 tokens/s.
    expect(ctx.output).toHaveBeenCalledWith(
      'usdPerMillionTokens',
      expect.closeTo(((4 * H100) / (2500 * 3600)) * 1e6, 9),
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'markdown',
      expect.stringContaining(
        '| Deployment chat-prod/chat (overlays/prod) | 2 × NVIDIA-H100-80GB-HBM3 | $6.88 | 2–4 |',
      ),
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'summary',
      '$30,134.40 a month (up to $60,268.80 at maximum replicas), $3.06 per 1M tokens',
    );
  });

  it('runs its examples', async () => {
    await render(service);
    for (const [action, examples] of [
      [estimate, estimateExamples],
      [evaluate, evaluateExamples.slice(0, 1)],
    ] as const) {
      const ctx = context(parse(examples[0].example).steps[0].input);
      await action.handler(ctx as any);
      expect(ctx.output).toHaveBeenCalled();
    }
  });
});
