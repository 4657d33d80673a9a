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
// Test-only helper; not part of the isomorphic package.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { validateKubernetesModels } from '@ai-finops/test-utils';
import { checkGuardrails } from './guardrails';
import { loadManifests } from './kustomize';
import { PolicySet } from './policySet';

const argoRolloutsSchemaErrors = (objects: unknown[]) =>
  validateKubernetesModels(objects, {
    packages: ['@kubernetes-models/argo-rollouts'],
    from: __dirname,
  });

// The policies shipped at the repository root.
const POLICIES_DIR = path.resolve(__dirname, '../../../../policies');
const policies = PolicySet.load(
  readdirSync(POLICIES_DIR)
    .filter(f => f.endsWith('.yaml'))
    .map(f => ({
      path: `policies/${f}`,
      content: readFileSync(path.join(POLICIES_DIR, f), 'utf8'),
    })),
);

const LABELS = { team: 'ml', 'cost-center': 'cc-42', app: 'chat' };

/** An Argo Rollouts canary of a vLLM server, `gpus` GPUs per container. */
function rollout(gpus: number, replicas = 2): any {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'chat', namespace: 'team-ml', labels: LABELS },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'chat' } },
      strategy: {
        canary: { steps: [{ setWeight: 10 }, { pause: { duration: '10m' } }] },
      },
      template: {
        metadata: { labels: LABELS },
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
                requests: { cpu: '8', memory: '64Gi', 'nvidia.com/gpu': gpus },
                limits: { memory: '64Gi', 'nvidia.com/gpu': gpus },
              },
            },
          ],
        },
      },
    },
  };
}

function check(objects: any[]) {
  const { objects: manifests } = loadManifests(
    objects.map((o, i) => ({ path: `m${i}.yaml`, content: JSON.stringify(o) })),
  );
  return checkGuardrails(policies, manifests);
}

describe('the shipped policies on Argo Rollouts', () => {
  it('match rollouts.argoproj.io in every workload policy', () => {
    const result = check([rollout(2)]);
    // A valid Rollout by the Argo Rollouts CRD schema.
    expect(argoRolloutsSchemaErrors([rollout(2)])).toEqual([[]]);
    expect(result.report.denied).toEqual([]);
    const checked = new Set(
      result.report.checks
        .filter(c => c.object.kind === 'Rollout')
        .map(c => c.policy),
    );
    expect([...checked]).toEqual(
      expect.arrayContaining([
        'ai-finops-allowed-regions',
        'ai-finops-allowed-registries',
        'ai-finops-gpu-and-resources',
        'ai-finops-max-gpus-per-container',
        'ai-finops-max-replicas',
        'ai-finops-pod-security',
        'ai-finops-required-labels',
      ]),
    );
  });

  it('deny a Rollout with 5 GPUs per container', () => {
    const denied = check([rollout(5, 1)]).report.denied;
    expect(denied.map(v => `${v.policy}: ${v.message}`)).toEqual([
      'ai-finops-max-gpus-per-container: container vllm requests 5 GPUs; at most 4 GPUs per container are allowed (GuardrailParams default)',
    ]);
    expect(denied[0].object).toMatchObject({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      name: 'chat',
    });
  });

  it('deny too many replicas of a Rollout and cap its monthly cost', () => {
    const result = check([rollout(4, 40)]);
    const policiesDenying = result.report.denied.map(v => v.policy);
    expect(policiesDenying).toContain('ai-finops-max-replicas');
    expect(policiesDenying).toContain('ai-finops-monthly-cost-cap');
    // 40 replicas × 4 H100 × 730 h: the estimate counts the Rollout.
    expect(result.estimate.workloads).toEqual([
      expect.objectContaining({ kind: 'Rollout', name: 'chat' }),
    ]);
  });

  it('take the replicas of a Rollout from the HPA that targets it', () => {
    const hpa = (kind: string) => ({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'chat', namespace: 'team-ml' },
      spec: {
        scaleTargetRef: {
          apiVersion: 'argoproj.io/v1alpha1',
          kind,
          name: 'chat',
        },
        minReplicas: 1,
        maxReplicas: 3,
      },
    });
    const scaled = check([rollout(2, 1), hpa('Rollout')]).estimate.workloads[0];
    expect([scaled.minReplicas, scaled.maxReplicas]).toEqual([1, 3]);
    // An HPA of a Deployment of the same name does not scale the Rollout.
    const other = check([rollout(2, 1), hpa('Deployment')]).estimate
      .workloads[0];
    expect([other.minReplicas, other.maxReplicas]).toEqual([1, 1]);
  });

  it('pass a Rollout that references a Deployment (workloadRef): the Deployment is checked', () => {
    const deployment = rollout(5, 0);
    deployment.apiVersion = 'apps/v1';
    deployment.kind = 'Deployment';
    delete deployment.spec.strategy;
    const byRef = rollout(5, 1);
    delete byRef.spec.template;
    byRef.spec.workloadRef = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'chat',
    };
    const result = check([byRef, deployment]);
    expect(
      result.report.denied.map(v => `${v.policy} ${v.object.kind}`),
    ).toEqual(['ai-finops-max-gpus-per-container Deployment']);
    expect(result.report.violations.filter(v => v.evaluationError)).toEqual([]);
    // The Rollout runs the Deployment's pod template at its own replicas;
    // the Deployment (scaled to 0 here) is estimated as itself.
    expect(
      result.estimate.workloads.map(w => [
        w.kind,
        w.minReplicas,
        w.gpusPerReplica,
      ]),
    ).toEqual([
      ['Rollout', 1, 5],
      ['Deployment', 0, 5],
    ]);
  });
});
