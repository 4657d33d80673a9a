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

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { knownGpuModels } from '../../estimate';
import { renderInferenceService } from '../../manifests';
import { loadManifests } from '../kustomize';
import type { ManifestFile, ManifestObject } from '../manifests';

// What the policy export tests evaluate: the shipped policy source (whatever
// `policies/` holds) and manifests in the shapes the policy tests use, each
// placed in a namespace of every guardrails mode (deny, warn, off, system).

/** The repository's policy source, as `ai-finops check --policies policies` reads it. */
export const POLICIES_DIR = path.resolve(__dirname, '../../../../../policies');

export function shippedPolicyFiles(): ManifestFile[] {
  return readdirSync(POLICIES_DIR)
    .filter(f => f.endsWith('.yaml'))
    .sort()
    .map(f => ({
      path: `policies/${f}`,
      content: readFileSync(path.join(POLICIES_DIR, f), 'utf8'),
    }));
}

const LABELS = { team: 'ml', 'cost-center': 'cc-42', app: 'chat' };

/** The compliant inference Deployment of the policy tests; `patch` edits it. */
function deployment(name: string, patch: (d: any) => void = () => {}): any {
  const d: any = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { ...LABELS } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'chat' } },
      template: {
        metadata: { labels: { ...LABELS } },
        spec: {
          securityContext: { runAsNonRoot: true },
          nodeSelector: {
            'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3',
            'topology.kubernetes.io/region': 'us-east-1',
          },
          containers: [
            {
              name: 'vllm',
              image: 'docker.io/vllm/vllm-openai:v0.6.3',
              resources: {
                requests: { cpu: '8', memory: '64Gi', 'nvidia.com/gpu': '2' },
                limits: { memory: '64Gi', 'nvidia.com/gpu': '2' },
              },
            },
          ],
        },
      },
    },
  };
  patch(d);
  return d;
}

const main = (d: any) => d.spec.template.spec.containers[0];

/** Workloads that pass, and workloads that break each shipped rule. */
function workloads(): any[] {
  const podSpec = deployment('x').spec.template.spec;
  return [
    deployment('compliant'),
    deployment('eight-gpus', d => {
      main(d).resources.requests['nvidia.com/gpu'] = 8;
      main(d).resources.limits['nvidia.com/gpu'] = 8;
    }),
    deployment('mig-slices', d => {
      main(d).resources = {
        requests: { cpu: '2', memory: '8Gi' },
        limits: { memory: '8Gi', 'nvidia.com/mig-1g.10gb': 5 },
      };
    }),
    deployment('no-team-label', d => {
      delete d.metadata.labels.team;
      d.spec.template.metadata.labels.team = '';
    }),
    deployment('other-registry', d => {
      main(d).image = 'quay.io/someone/server:1.0';
    }),
    deployment('short-image-name', d => {
      main(d).image = 'vllm/vllm-openai:v0.8.5';
    }),
    deployment('by-digest', d => {
      main(d).image = `nvcr.io/nvidia/tritonserver@sha256:${'a'.repeat(64)}`;
    }),
    deployment('gpu-request-without-limit', d => {
      delete main(d).resources.limits['nvidia.com/gpu'];
      delete main(d).resources.requests.cpu;
    }),
    deployment('privileged-root', d => {
      d.spec.template.spec.securityContext = { runAsNonRoot: false };
      main(d).securityContext = { privileged: true };
    }),
    deployment('other-region', d => {
      d.spec.template.spec.nodeSelector['topology.kubernetes.io/region'] =
        'ap-south-1';
      d.metadata.annotations = { 'ai-finops.io/region': 'mars-1' };
    }),
    deployment('too-many-replicas', d => {
      d.spec.replicas = 40;
    }),
    deployment('production', d => {
      d.metadata.labels['ai-finops.io/environment'] = 'production';
    }),
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'pod', labels: { ...LABELS } },
      spec: {
        ...podSpec,
        containers: [{ ...podSpec.containers[0], image: 'busybox' }],
      },
    },
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly', labels: { ...LABELS } },
      spec: {
        schedule: '0 3 * * *',
        jobTemplate: {
          spec: {
            template: {
              metadata: { labels: { app: 'nightly' } },
              spec: podSpec,
            },
          },
        },
      },
    },
    {
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: { name: 'isvc', labels: { ...LABELS } },
      spec: {
        predictor: {
          minReplicas: 1,
          maxReplicas: 20,
          securityContext: { runAsNonRoot: true },
          nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4' },
          model: {
            modelFormat: { name: 'huggingface' },
            resources: {
              requests: { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': '8' },
              limits: { memory: '16Gi', 'nvidia.com/gpu': '8' },
            },
          },
        },
      },
    },
    {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'keda-default-max' },
      spec: { scaleTargetRef: { name: 'other' }, triggers: [] },
    },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'hpa' },
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'other' },
        maxReplicas: 50,
      },
    },
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'rollout', labels: { ...LABELS } },
      spec: {
        replicas: 30,
        selector: { matchLabels: { app: 'chat' } },
        template: deployment('x', d => {
          main(d).resources.limits['nvidia.com/gpu'] = 6;
          main(d).resources.requests['nvidia.com/gpu'] = 6;
        }).spec.template,
        strategy: { canary: { steps: [{ setWeight: 10 }] } },
      },
    },
  ];
}

/** The namespaces the workloads are placed in, by guardrails mode. */
export const NAMESPACE_LABELS: Record<string, Record<string, string>> = {
  'team-deny': {},
  'team-warn': { 'ai-finops.io/guardrails': 'warn' },
  'team-off': { 'ai-finops.io/guardrails': 'off' },
  'team-prod': { 'ai-finops.io/environment': 'production' },
  'kube-system': {},
};

/** The template's rendered manifests (vLLM and KServe runtimes). */
function rendered(): ManifestObject[] {
  const base = {
    name: 'chat',
    owner: 'group:default/ml-platform',
    costCenter: 'cc-42',
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    gpuType: 'NVIDIA-H100-80GB-HBM3',
    gpuCount: 2,
    minReplicas: 1,
    maxReplicas: 4,
    autoscaler: 'hpa' as const,
    region: 'us-east-1',
    gitopsRepoUrl: 'https://github.com/acme/gitops',
    gitopsPath: 'apps/chat',
    delivery: 'argocd' as const,
  };
  return (['vllm', 'kserve'] as const).flatMap(runtime => {
    const files = renderInferenceService(
      { ...base, runtime, name: `chat-${runtime}` },
      knownGpuModels(),
    );
    return loadManifests(files).objects;
  });
}

/**
 * Every test workload in every namespace of {@link NAMESPACE_LABELS}, plus
 * the template's rendered manifests in their own namespaces.
 */
export function exportTestManifests(): ManifestObject[] {
  const placed = Object.keys(NAMESPACE_LABELS).flatMap(namespace =>
    workloads().map(o => ({
      object: { ...o, metadata: { ...o.metadata, namespace } },
      file: 'workloads.yaml',
      line: 1,
    })),
  );
  return [...placed, ...rendered()] as ManifestObject[];
}
