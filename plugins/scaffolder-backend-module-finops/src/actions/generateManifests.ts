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

import { knownGpuModels } from '@ai-finops/backstage-plugin-finops-guardrails';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import { renderInferenceService } from '../lib/inferenceManifests';
import { examples } from './generateManifests.examples';

/** A workspace folder named by an input; an escape is an error naming it. */
function workspaceFolder(workspace: string, field: string, value: string) {
  try {
    return resolveSafeChildPath(workspace, value);
  } catch {
    throw new InputError(
      `input.${field}: '${value}' is outside the workspace; use a folder inside it`,
    );
  }
}

/**
 * The service's folder (`targetPath`) and the repository's root
 * (`repositoryRootPath`, default the service's folder). The root must hold
 * the service at `gitopsPath`: the image workflow builds
 * `<gitopsPath>/image` from the root.
 */
function outputFolders(
  workspace: string,
  input: {
    targetPath?: string;
    repositoryRootPath?: string;
    gitopsPath: string;
  },
) {
  const serviceRoot = workspaceFolder(
    workspace,
    'targetPath',
    input.targetPath ?? '.',
  );
  if (input.repositoryRootPath === undefined) {
    return { serviceRoot, repositoryRoot: serviceRoot };
  }
  const repositoryRoot = workspaceFolder(
    workspace,
    'repositoryRootPath',
    input.repositoryRootPath,
  );
  const servicePath = path
    .relative(repositoryRoot, serviceRoot)
    .split(path.sep)
    .join('/');
  if (servicePath === '..' || servicePath.startsWith('../')) {
    throw new InputError(
      `input.repositoryRootPath: '${
        input.repositoryRootPath
      }' does not contain targetPath '${input.targetPath ?? '.'}'`,
    );
  }
  const gitopsPath = input.gitopsPath.replace(/^\/+|\/+$/g, '');
  if (servicePath !== gitopsPath) {
    throw new InputError(
      `input.gitopsPath: '${gitopsPath}' is not where targetPath '${
        input.targetPath ?? '.'
      }' lies in repositoryRootPath '${input.repositoryRootPath}' ('${
        servicePath || '.'
      }'); the image workflow would build another folder`,
    );
  }
  return { serviceRoot, repositoryRoot };
}

/**
 * `finops:manifests:generate`: renders a GitOps-ready inference service
 * (Kustomize base and dev/prod overlays, vLLM/KServe/Triton workload with
 * GPU requests = limits, GPU node selector and tolerations, HPA or KEDA,
 * PodDisruptionBudget, NetworkPolicy, ServiceMonitor, Argo CD Applications or
 * Flux Kustomizations, finops labels and annotations, catalog-info.yaml) into
 * the workspace. Every input is checked before a file is written.
 *
 * @public
 */
export function createGenerateManifestsAction(
  options: { extraGpuModels?: string[] } = {},
) {
  return createTemplateAction({
    id: 'finops:manifests:generate',
    description:
      'Renders the GitOps manifests of an AI inference service (Kustomize base + dev/prod overlays, vLLM, KServe or Triton, HPA or KEDA, PDB, NetworkPolicy, ServiceMonitor, Argo CD or Flux) and its catalog-info.yaml, with the AI FinOps labels and annotations',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z
            .string()
            .describe(
              'Service name (DNS-1123): workload, app label and entity name',
            ),
        description: z => z.string().optional().describe('Entity description'),
        owner: z =>
          z.string().describe('Owning group, e.g. group:default/ml-platform'),
        system: z => z.string().optional().describe('System entity ref'),
        team: z =>
          z
            .string()
            .optional()
            .describe('team label; defaults to the owner name'),
        costCenter: z => z.string().describe('cost-center label'),
        namespace: z =>
          z
            .string()
            .optional()
            .describe('Base namespace; environments add -dev and -prod'),
        model: z =>
          z
            .string()
            .describe(
              'Model: a Hugging Face id (vLLM, KServe) or a model repository URI (Triton)',
            ),
        runtime: z =>
          z.enum(['vllm', 'kserve', 'triton']).describe('Serving runtime'),
        image: z =>
          z
            .string()
            .optional()
            .describe(
              'Container image (vLLM, Triton); a pinned default otherwise',
            ),
        gpuType: z =>
          z
            .string()
            .describe(
              'GPU model as GPU Feature Discovery labels it, e.g. NVIDIA-H100-80GB-HBM3',
            ),
        migProfile: z =>
          z
            .string()
            .optional()
            .describe(
              'MIG profile such as 1g.10gb (asks for nvidia.com/mig-<profile>)',
            ),
        gpuCount: z =>
          z.number().int().describe('GPUs per container (per replica)'),
        cpu: z =>
          z
            .string()
            .optional()
            .describe('CPU request per replica; 4 per GPU by default'),
        memory: z =>
          z
            .string()
            .optional()
            .describe('Memory per replica; 32Gi per GPU by default'),
        minReplicas: z =>
          z
            .number()
            .int()
            .describe('Minimum replicas in prod (0 allowed with KEDA)'),
        maxReplicas: z => z.number().int().describe('Maximum replicas in prod'),
        autoscaler: z =>
          z.enum(['hpa', 'keda']).optional().describe('hpa or keda (default)'),
        expectedRequestsPerSecond: z =>
          z
            .number()
            .optional()
            .describe('Expected requests per second (prod, monthly average)'),
        expectedTokensPerSecond: z =>
          z
            .number()
            .optional()
            .describe('Expected tokens per second (prod, monthly average)'),
        latencySloMs: z =>
          z.number().optional().describe('Latency SLO in milliseconds'),
        region: z =>
          z.string().optional().describe('Cloud region to pin the workload to'),
        monthlyBudget: z =>
          z.number().optional().describe('Monthly budget in USD'),
        gitopsRepoUrl: z =>
          z
            .string()
            .describe(
              'GitOps repository: github.com?owner=o&repo=r or an https URL',
            ),
        gitopsPath: z =>
          z
            .string()
            .describe(
              'Folder of the service in the GitOps repository, e.g. apps/chat',
            ),
        targetRevision: z =>
          z
            .string()
            .optional()
            .describe('Branch Argo CD or Flux follows (default main)'),
        delivery: z =>
          z
            .enum(['argocd', 'flux'])
            .optional()
            .describe('argocd (default) or flux'),
        prometheusUrl: z =>
          z
            .string()
            .optional()
            .describe('Prometheus for KEDA triggers and the canary analysis'),
        rollout: z =>
          z
            .object({
              strategy: z.enum(['deployment', 'canary']).optional(),
              canaryWeights: z.array(z.number()).max(10).optional(),
              pauseMinutes: z.number().optional(),
              maxCostPerMillionTokensIncreasePercent: z.number().optional(),
              latencySloMs: z.number().optional(),
              gpuHourPriceUsd: z.number().optional(),
            })
            .optional()
            .describe(
              'deployment (default) or an Argo Rollouts canary (vLLM) whose analysis aborts when the canary costs more per token than the stable by more than maxCostPerMillionTokensIncreasePercent (default 10) or breaks latencySloMs; canaryWeights default [10, 50], pauseMinutes default 10',
            ),
        responsibleAi: z =>
          z
            .object({
              modelCardUrl: z.string().optional(),
              trainingData: z.string().optional(),
              evaluationStatus: z.string().optional(),
              evaluationDate: z.string().optional(),
              biasCheckStatus: z.string().optional(),
              biasCheckDate: z.string().optional(),
            })
            .optional()
            .describe(
              'Model card URL, training data (URL or dataset id), evaluation and bias check status (passed, failed, pending) and dates (YYYY-MM-DD): ai-finops.io/ annotations on the workload and the entity; production admission requires them all, passed',
            ),
        supplyChain: z =>
          z
            .object({
              imageDigest: z.string().optional(),
              modelDigest: z.string().optional(),
              modelProvenance: z.string().optional(),
              imageVerifier: z
                .enum(['kyverno', 'policy-controller', 'none', ''])
                .optional(),
            })
            .optional()
            .describe(
              'Image digest (sha256:<64 hex>) the workload is pinned to, model digest (sha256:<64 hex> or a 40-hex revision) and provenance URL (ai-finops.io/model-digest, model-provenance annotations), and the cluster image verifier (kyverno, policy-controller or none) to render a signature policy for; a GitHub GitOps repository also gets the image workflow (build, cosign keyless signature, CycloneDX SBOM attestation)',
            ),
        targetPath: z =>
          z
            .string()
            .optional()
            .describe(
              'Workspace folder the service is written to (default: the workspace)',
            ),
        repositoryRootPath: z =>
          z
            .string()
            .optional()
            .describe(
              "Workspace folder that becomes the GitOps repository's root, where repository-level files go (the image workflow under .github/workflows, which GitHub runs only there). It must contain targetPath, at gitopsPath (e.g. repositoryRootPath gitops, targetPath gitops/apps/chat, gitopsPath apps/chat). Default: targetPath",
            ),
      },
      output: {
        files: z =>
          z
            .array(z.string())
            .describe("The service's files written, relative to targetPath"),
        repositoryFiles: z =>
          z
            .array(z.string())
            .describe(
              'Repository-level files written (the image workflow), relative to repositoryRootPath',
            ),
        entityRef: z =>
          z
            .string()
            .describe('The service entity, e.g. component:default/chat'),
        catalogInfoPath: z =>
          z.string().describe('catalog-info.yaml, relative to targetPath'),
        namespaces: z =>
          z.array(z.string()).describe('The dev and prod namespaces'),
      },
    },
    async handler(ctx) {
      const input = ctx.input;
      const files = renderInferenceService(
        {
          ...input,
          autoscaler: input.autoscaler ?? 'keda',
          delivery: input.delivery ?? 'argocd',
          migProfile: input.migProfile || undefined,
        },
        [...knownGpuModels(), ...(options.extraGpuModels ?? [])],
      );
      const { serviceRoot, repositoryRoot } = outputFolders(
        ctx.workspacePath,
        input,
      );
      // Rendered and checked in full above: from here on, only writes.
      for (const file of files) {
        const target = resolveSafeChildPath(
          file.scope === 'repository' ? repositoryRoot : serviceRoot,
          file.path,
        );
        await fs.mkdir(path.dirname(target), { recursive: true });
        await fs.writeFile(target, file.content, 'utf8');
      }
      ctx.logger.info(
        `Rendered ${files.length} files for ${input.name} (${input.runtime}, ${
          input.gpuCount
        } × ${input.gpuType}${
          input.migProfile ? ` MIG ${input.migProfile}` : ''
        })`,
      );
      const namespace = input.namespace ?? input.name;
      ctx.output(
        'files',
        files.filter(f => f.scope !== 'repository').map(f => f.path),
      );
      ctx.output(
        'repositoryFiles',
        files.filter(f => f.scope === 'repository').map(f => f.path),
      );
      ctx.output('entityRef', `component:default/${input.name}`);
      ctx.output('catalogInfoPath', 'catalog-info.yaml');
      ctx.output('namespaces', [`${namespace}-dev`, `${namespace}-prod`]);
    },
  });
}
