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
  checkGuardrails,
  loadManifests,
  PolicySet,
  readManifestFiles,
} from '@ai-finops/backstage-plugin-finops-guardrails';
import {
  compliantResponsibleAi,
  isBuiltInKubernetesKind,
  kubernetesSchemaErrors,
  pinnedSupplyChain,
} from '@ai-finops/test-utils';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { createGenerateManifestsAction } from './generateManifests';
import { examples } from './generateManifests.examples';

const POLICIES_DIR = path.resolve(__dirname, '../../../../policies');

function policies() {
  return PolicySet.load(
    fs
      .readdirSync(POLICIES_DIR)
      .filter(f => f.endsWith('.yaml'))
      .map(f => ({
        path: `policies/${f}`,
        content: fs.readFileSync(path.join(POLICIES_DIR, f), 'utf8'),
      })),
  );
}

const baseInput = {
  name: 'chat',
  owner: 'group:default/ml-platform',
  system: 'system:default/assistant',
  costCenter: 'cc-4711',
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  runtime: 'vllm' as const,
  gpuType: 'NVIDIA-H100-80GB-HBM3',
  gpuCount: 2,
  minReplicas: 1,
  maxReplicas: 4,
  autoscaler: 'keda' as const,
  expectedTokensPerSecond: 2500,
  expectedRequestsPerSecond: 6,
  latencySloMs: 800,
  region: 'us-east-1',
  monthlyBudget: 30000,
  gitopsRepoUrl: 'github.com?owner=acme&repo=inference-deployments',
  gitopsPath: 'apps/chat',
  delivery: 'argocd' as const,
  responsibleAi: compliantResponsibleAi,
  supplyChain: pinnedSupplyChain,
  targetPath: 'gitops',
};

describe('finops:manifests:generate', () => {
  const workspace = createMockDirectory();
  const action = createGenerateManifestsAction();

  beforeEach(() => workspace.clear());

  async function run(input: Record<string, unknown>) {
    const ctx = createMockActionContext({
      input: input as any,
      workspacePath: workspace.path,
    });
    await action.handler(ctx as any);
    const files = await readManifestFiles(
      path.join(workspace.path, (input.targetPath as string) ?? '.'),
    );
    return { ctx, files, loaded: loadManifests(files) };
  }

  it('renders a Kustomize base, dev and prod overlays, Argo CD applications and catalog-info.yaml', async () => {
    const { ctx, files, loaded } = await run(baseInput);
    expect(files.map(f => f.path).sort()).toEqual([
      'base/deployment.yaml',
      'base/kustomization.yaml',
      'base/networkpolicy.yaml',
      'base/poddisruptionbudget.yaml',
      'base/service.yaml',
      'base/servicemonitor.yaml',
      'catalog-info.yaml',
      'deploy/argocd/chat-dev.yaml',
      'deploy/argocd/chat-prod.yaml',
      'overlays/dev/autoscaler.yaml',
      'overlays/dev/kustomization.yaml',
      'overlays/dev/workload-patch.yaml',
      'overlays/prod/autoscaler.yaml',
      'overlays/prod/kustomization.yaml',
      'overlays/prod/workload-patch.yaml',
    ]);
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/chat',
    );
    expect(ctx.output).toHaveBeenCalledWith('namespaces', [
      'chat-dev',
      'chat-prod',
    ]);
    expect(loaded.kustomizations).toEqual(['overlays/dev', 'overlays/prod']);

    const prod = loaded.objects
      .filter(o => o.kustomization === 'overlays/prod')
      .map(o => o.object as any);
    const deployment = prod.find(o => o.kind === 'Deployment');
    expect(deployment.metadata.namespace).toBe('chat-prod');
    expect(deployment.metadata.annotations).toMatchObject({
      'ai-finops.io/expected-tokens-per-second': '2500',
      'ai-finops.io/monthly-budget': '30000',
    });
    const pod = deployment.spec.template.spec;
    expect(pod.nodeSelector).toEqual({
      'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3',
      'topology.kubernetes.io/region': 'us-east-1',
    });
    expect(pod.tolerations).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    expect(pod.containers[0].resources).toEqual({
      requests: { cpu: '8', memory: '64Gi', 'nvidia.com/gpu': '2' },
      limits: { memory: '64Gi', 'nvidia.com/gpu': '2' },
    });
    expect(pod.containers[0].args).toEqual(
      expect.arrayContaining(['--tensor-parallel-size', '2']),
    );
    expect(deployment.spec.template.metadata.labels).toMatchObject({
      team: 'ml-platform',
      'cost-center': 'cc-4711',
      app: 'chat',
      env: 'prod',
    });
    const scaled = prod.find(o => o.kind === 'ScaledObject');
    expect(scaled.spec).toMatchObject({
      minReplicaCount: 1,
      maxReplicaCount: 4,
    });
    expect(scaled.spec.triggers[0].metadata.query).toBe(
      'sum(vllm:num_requests_waiting{namespace="chat-prod",model_name="chat"})',
    );
    const dev = loaded.objects
      .filter(o => o.kustomization === 'overlays/dev')
      .map(o => o.object as any);
    expect(dev.find(o => o.kind === 'ScaledObject').spec).toMatchObject({
      minReplicaCount: 1,
      maxReplicaCount: 2,
    });
    expect(
      dev.find(o => o.kind === 'Deployment').metadata.annotations[
        'ai-finops.io/monthly-budget'
      ],
    ).toBeUndefined();

    const app = loaded.objects.find(o => o.object.kind === 'Application')!
      .object as any;
    expect(app.spec.source).toEqual({
      repoURL: 'https://github.com/acme/inference-deployments.git',
      targetRevision: 'main',
      path: 'apps/chat/overlays/dev',
    });
    const entity = parse(
      files.find(f => f.path === 'catalog-info.yaml')!.content,
    );
    expect(entity.metadata.annotations).toEqual({
      'backstage.io/kubernetes-id': 'chat',
      'ai-finops.io/billing-tags': 'app=chat',
      'ai-finops.io/gpu-model': 'NVIDIA-H100-80GB-HBM3',
      'ai-finops.io/monthly-budget': '30000',
      'ai-finops.io/region': 'us-east-1',
      'ai-finops.io/gitops-repo':
        'github.com/acme/inference-deployments/apps/chat',
      // The responsible-AI metadata of the input, shown on the entity.
      'ai-finops.io/model-card':
        'https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct',
      'ai-finops.io/training-data': 'HuggingFaceFW/fineweb',
      'ai-finops.io/evaluation-status': 'passed',
      'ai-finops.io/evaluation-date': '2026-11-30',
      'ai-finops.io/bias-check-status': 'passed',
      'ai-finops.io/bias-check-date': '2026-12-01',
      'backstage.io/source-location':
        'url:https://github.com/acme/inference-deployments/tree/main/apps/chat',
    });
    expect(entity.spec).toEqual({
      type: 'service',
      lifecycle: 'experimental',
      owner: 'group:default/ml-platform',
      system: 'system:default/assistant',
    });
  });

  it.each([
    ['vllm', 'keda', 'argocd'],
    ['vllm', 'hpa', 'flux'],
    ['kserve', 'keda', 'argocd'],
    ['kserve', 'hpa', 'flux'],
    ['triton', 'keda', 'flux'],
    ['triton', 'hpa', 'argocd'],
  ])(
    'renders %s with %s and %s: valid built-in objects that pass the shipped policies',
    async (runtime, autoscaler, delivery) => {
      const { loaded } = await run({
        ...baseInput,
        runtime,
        autoscaler,
        delivery,
      });
      const builtIn = loaded.objects.filter(o =>
        isBuiltInKubernetesKind(o.object.apiVersion, o.object.kind),
      );
      // At least the PodDisruptionBudget and NetworkPolicy of each environment.
      expect(builtIn.length).toBeGreaterThanOrEqual(4);
      expect(
        builtIn
          .map(o => ({
            object: `${o.object.kind} ${o.object.metadata.name}`,
            errors: kubernetesSchemaErrors(o.object),
          }))
          .filter(r => r.errors.length > 0),
      ).toEqual([]);
      const { report, estimate } = checkGuardrails(policies(), loaded.objects);
      expect(report.violations).toEqual([]);
      // dev (1 replica) and prod (1 replica) at 2 H100s each.
      expect(estimate.monthlyCost).toBeCloseTo(2 * 2 * (55.04 / 8) * 730, 6);
    },
  );

  it('asks for MIG slices by their resource name', async () => {
    const { loaded } = await run({
      ...baseInput,
      runtime: 'kserve',
      gpuType: 'NVIDIA-A100-SXM4-80GB',
      migProfile: '3g.40gb',
      gpuCount: 1,
    });
    const isvc = loaded.objects.find(o => o.object.kind === 'InferenceService')!
      .object as any;
    expect(isvc.spec.predictor.model.resources).toEqual({
      requests: { cpu: '4', memory: '32Gi', 'nvidia.com/mig-3g.40gb': '1' },
      limits: { memory: '32Gi', 'nvidia.com/mig-3g.40gb': '1' },
    });
    const { report, estimate } = checkGuardrails(policies(), loaded.objects);
    expect(report.passed).toBe(true);
    expect(estimate.workloads[0].gpusPerReplica).toBeCloseTo(3 / 7, 12);
  });

  it('renders 8 GPUs as asked, for the guardrails to refuse', async () => {
    const { loaded } = await run({ ...baseInput, gpuCount: 8, maxReplicas: 1 });
    const { report } = checkGuardrails(policies(), loaded.objects);
    expect([...new Set(report.denied.map(v => v.message))]).toEqual([
      'container vllm requests 8 GPUs; at most 4 GPUs per container are allowed (GuardrailParams default)',
    ]);
  });

  it.each([
    [
      { gpuType: 'NVIDIA-B300' },
      /^input.gpuType: 'NVIDIA-B300' is not a GPU model the price catalog knows \(.*NVIDIA-H100-80GB-HBM3.*\)$/,
    ],
    [
      { name: 'Chat_Service' },
      /^input.name: 'Chat_Service' must be a DNS-1123 label/,
    ],
    [
      { migProfile: '3g.40gb', gpuCount: 2 },
      /^input.gpuCount: a MIG slice is one device/,
    ],
    [{ migProfile: 'big' }, /^input.migProfile: 'big' is not a MIG profile/],
    [
      { minReplicas: 5, maxReplicas: 2 },
      /^input.maxReplicas: 2 must be a whole number ≥ minReplicas \(5\)/,
    ],
    [
      { minReplicas: 0, autoscaler: 'hpa' },
      /^input.minReplicas: an HPA cannot scale to zero/,
    ],
    [
      { memory: '64 GB' },
      /^input.memory: '64 GB' is not a Kubernetes quantity$/,
    ],
    [
      { gitopsRepoUrl: 'acme/inference' },
      /^input.gitopsRepoUrl: 'acme\/inference' is neither an https URL nor host\?owner=…&repo=…$/,
    ],
  ])('refuses %o and writes nothing', async (patch, message) => {
    await expect(run({ ...baseInput, ...patch })).rejects.toThrow(message);
    expect(fs.existsSync(path.join(workspace.path, 'gitops'))).toBe(false);
  });

  it('writes the image workflow at the repository root and the service at gitopsPath inside it', async () => {
    const { ctx } = await run({
      ...baseInput,
      targetPath: 'gitops/apps/chat',
      repositoryRootPath: 'gitops',
    });
    const repo = path.join(workspace.path, 'gitops');
    const workflow = parse(
      fs.readFileSync(
        path.join(repo, '.github/workflows/chat-image.yaml'),
        'utf8',
      ),
    );
    // What GitHub runs from the root: the build context and the paths
    // filter name the service's image folder, where its Dockerfile is.
    const build = workflow.jobs.image.steps.find((s: any) => s.id === 'build');
    expect(build.with.context).toBe('apps/chat/image');
    expect(workflow.on.push.paths).toEqual(['apps/chat/image/**']);
    expect(
      fs.readFileSync(
        path.join(repo, build.with.context, 'Dockerfile'),
        'utf8',
      ),
    ).toContain('FROM docker.io/vllm/vllm-openai');
    expect(fs.existsSync(path.join(repo, 'apps/chat/catalog-info.yaml'))).toBe(
      true,
    );
    expect(fs.existsSync(path.join(repo, 'apps/chat/.github'))).toBe(false);
    expect(ctx.output).toHaveBeenCalledWith('repositoryFiles', [
      '.github/workflows/chat-image.yaml',
    ]);
    expect(ctx.output).toHaveBeenCalledWith(
      'files',
      expect.arrayContaining(['image/Dockerfile', 'catalog-info.yaml']),
    );
  });

  it('writes the image workflow into targetPath without repositoryRootPath', async () => {
    await run(baseInput);
    expect(
      fs.existsSync(
        path.join(workspace.path, 'gitops/.github/workflows/chat-image.yaml'),
      ),
    ).toBe(true);
  });

  it.each([
    [
      { repositoryRootPath: '..' },
      "input.repositoryRootPath: '..' is outside the workspace; use a folder inside it",
    ],
    [
      { targetPath: '../elsewhere' },
      "input.targetPath: '../elsewhere' is outside the workspace; use a folder inside it",
    ],
    [
      {
        targetPath: 'gitops/apps/chat',
        repositoryRootPath: 'gitops/apps/chat/deep',
      },
      "input.repositoryRootPath: 'gitops/apps/chat/deep' does not contain targetPath 'gitops/apps/chat'",
    ],
    [
      { targetPath: 'gitops/apps/chat', repositoryRootPath: 'other' },
      "input.repositoryRootPath: 'other' does not contain targetPath 'gitops/apps/chat'",
    ],
    [
      { targetPath: 'gitops/services/chat', repositoryRootPath: 'gitops' },
      "input.gitopsPath: 'apps/chat' is not where targetPath 'gitops/services/chat' lies in repositoryRootPath 'gitops' ('services/chat'); the image workflow would build another folder",
    ],
  ])('refuses the folders %o and writes nothing', async (patch, message) => {
    const ctx = createMockActionContext({
      input: { ...baseInput, ...patch } as any,
      workspacePath: workspace.path,
    });
    await expect(action.handler(ctx as any)).rejects.toThrow(message);
    expect(fs.readdirSync(workspace.path)).toEqual([]);
  });

  it('runs its examples', async () => {
    for (const example of examples) {
      workspace.clear();
      const input = parse(example.example).steps[0].input;
      const { loaded } = await run(input);
      expect(checkGuardrails(policies(), loaded.objects).report.passed).toBe(
        true,
      );
    }
  });
});
