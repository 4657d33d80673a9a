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
import { parse } from 'yaml';
import { catalogGpuPrice, knownGpuModels } from '../estimate/prices';
import { checkGuardrails } from '../policy/guardrails';
import { loadManifests } from '../policy/kustomize';
import { PolicySet } from '../policy/policySet';
import {
  renderInferenceService,
  type InferenceServiceSpec,
} from './inferenceService';

const POLICIES_DIR = path.resolve(__dirname, '../../../../policies');
const argoRolloutsSchemaErrors = (objects: unknown[]) =>
  validateKubernetesModels(objects, {
    packages: ['@kubernetes-models/argo-rollouts'],
    from: __dirname,
  });

const spec: InferenceServiceSpec = {
  name: 'chat',
  owner: 'group:default/ml-platform',
  costCenter: 'cc-42',
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  runtime: 'vllm',
  gpuType: 'NVIDIA-H100-80GB-HBM3',
  gpuCount: 2,
  minReplicas: 2,
  maxReplicas: 4,
  autoscaler: 'hpa',
  latencySloMs: 800,
  region: 'us-east-1',
  gitopsRepoUrl: 'github.com?owner=acme&repo=gitops',
  gitopsPath: 'apps/chat',
  delivery: 'argocd',
  rollout: { strategy: 'canary' },
};

const render = (s: InferenceServiceSpec) =>
  renderInferenceService(s, knownGpuModels());
const file = (files: { path: string; content: string }[], p: string) => {
  const found = files.find(f => f.path === p);
  if (!found) throw new Error(`${p} not rendered`);
  return parse(found.content);
};

describe('renderInferenceService with rollout: canary', () => {
  const files = render(spec);
  const rollout = file(files, 'base/rollout.yaml');
  const analysis = file(files, 'base/analysistemplate.yaml');

  it('renders a valid Argo Rollouts canary and AnalysisTemplate instead of the Deployment', () => {
    expect(files.map(f => f.path)).not.toContain('base/deployment.yaml');
    expect(file(files, 'base/kustomization.yaml').resources).toEqual(
      expect.arrayContaining(['rollout.yaml', 'analysistemplate.yaml']),
    );
    expect(argoRolloutsSchemaErrors([rollout, analysis])).toEqual([[], []]);
    // The validator does reject what the schema does not allow.
    expect(
      argoRolloutsSchemaErrors([
        { ...rollout, spec: { ...rollout.spec, replicas: 'two' } },
      ])[0],
    ).toEqual([expect.stringContaining('replicas')]);

    const steps = rollout.spec.strategy.canary.steps;
    expect(steps.map((s: any) => Object.keys(s)[0])).toEqual([
      'setWeight',
      'pause',
      'analysis',
      'setWeight',
      'pause',
      'analysis',
    ]);
    expect(steps[0]).toEqual({ setWeight: 10 });
    expect(steps[1]).toEqual({ pause: { duration: '10m' } });
    expect(steps[2].analysis).toEqual({
      templates: [{ templateName: 'chat-cost-per-token' }],
      args: [
        {
          name: 'namespace',
          valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
        },
        { name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } },
        { name: 'stable-hash', valueFrom: { podTemplateHashValue: 'Stable' } },
      ],
    });
    expect(
      rollout.spec.template.spec.containers[0].resources.limits,
    ).toMatchObject({ 'nvidia.com/gpu': '2' });
    expect(
      file(files, 'base/servicemonitor.yaml').spec.podTargetLabels,
    ).toEqual(['rollouts-pod-template-hash']);
  });

  it('prices a pod at its GPUs × the GPU-hour price the estimate uses, and compares with the thresholds', () => {
    const price = catalogGpuPrice()('NVIDIA-H100-80GB-HBM3', {
      region: 'us-east-1',
    })!.usdPerGpuHour;
    const metrics = Object.fromEntries(
      analysis.spec.metrics.map((m: any) => [m.name, m]),
    );
    const ratio = metrics['cost-per-million-tokens-ratio'];
    expect(ratio.successCondition).toBe('result[0] <= 1.1');
    expect(ratio.provider.prometheus.query).toContain(
      `* ${Number((price * 2).toPrecision(12))} / 3600 * 1e6`,
    );
    expect(ratio.provider.prometheus.query).toContain(
      'rollouts_pod_template_hash="{{args.canary-hash}}"',
    );
    expect(ratio.provider.prometheus.query).toContain(
      'rollouts_pod_template_hash="{{args.stable-hash}}"',
    );
    expect(metrics['p95-latency-seconds'].successCondition).toBe(
      'result[0] <= 0.8',
    );
    expect(analysis.spec.dryRun).toEqual([
      { metricName: 'canary-usd-per-million-tokens' },
      { metricName: 'stable-usd-per-million-tokens' },
    ]);
    const tuned = file(
      render({
        ...spec,
        rollout: {
          strategy: 'canary',
          maxCostPerMillionTokensIncreasePercent: 25,
          latencySloMs: 1500,
          gpuHourPriceUsd: 3,
        },
      }),
      'base/analysistemplate.yaml',
    );
    expect(tuned.spec.metrics[0].successCondition).toBe('result[0] <= 1.25');
    expect(tuned.spec.metrics[0].provider.prometheus.query).toContain(
      '* 6 / 3600 * 1e6',
    );
    expect(tuned.spec.metrics[1].successCondition).toBe('result[0] <= 1.5');
  });

  it('points the autoscaler and Argo CD at the Rollout', () => {
    for (const env of ['dev', 'prod']) {
      expect(
        file(files, `overlays/${env}/autoscaler.yaml`).spec.scaleTargetRef,
      ).toEqual({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        name: 'chat',
      });
      expect(file(files, `overlays/${env}/workload-patch.yaml`)).toMatchObject({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        // Kustomize labels only built-in kinds' pod templates.
        spec: { template: { metadata: { labels: { env } } } },
      });
      expect(
        file(files, `deploy/argocd/chat-${env}.yaml`).spec.ignoreDifferences,
      ).toEqual([
        {
          group: 'argoproj.io',
          kind: 'Rollout',
          jsonPointers: ['/spec/replicas'],
        },
      ]);
    }
    const keda = render({ ...spec, autoscaler: 'keda' });
    expect(
      file(keda, 'overlays/prod/autoscaler.yaml').spec.scaleTargetRef.kind,
    ).toBe('Rollout');
  });

  it('builds with Kustomize, passes the shipped guardrails and costs what the Deployment costs', () => {
    const policies = PolicySet.load(
      readdirSync(POLICIES_DIR)
        .filter(f => f.endsWith('.yaml'))
        .map(f => ({
          path: `policies/${f}`,
          content: readFileSync(path.join(POLICIES_DIR, f), 'utf8'),
        })),
    );
    const prod = (rendered: typeof files) =>
      loadManifests(
        rendered.filter(
          f =>
            f.path.startsWith('base/') || f.path.startsWith('overlays/prod/'),
        ),
      ).objects;
    const canary = checkGuardrails(policies, prod(files));
    expect(canary.estimate.workloads).toEqual([
      expect.objectContaining({
        kind: 'Rollout',
        namespace: 'chat-prod',
        minReplicas: 2,
        maxReplicas: 4,
      }),
    ]);
    const plain = checkGuardrails(
      policies,
      prod(render({ ...spec, rollout: undefined })),
    );
    expect(plain.estimate.workloads[0].kind).toBe('Deployment');
    // The guardrails judge the Rollout as they judge the Deployment.
    const verdicts = (c: typeof plain) =>
      c.report.violations.map(v => `${v.policy} ${v.object.kind} ${v.message}`);
    expect(verdicts(canary)).toEqual(
      verdicts(plain).map(v => v.replace(/\bDeployment\b/g, 'Rollout')),
    );
    expect(canary.report.violations.length).toBeGreaterThan(0);
    expect(canary.report.checks.length).toBe(plain.report.checks.length);
    expect(canary.estimate.monthlyCost).toBe(plain.estimate.monthlyCost);
    expect(canary.estimate.maxMonthlyCost).toBe(plain.estimate.maxMonthlyCost);
  });

  it('refuses a canary it cannot analyse, naming the field', () => {
    expect(() => render({ ...spec, runtime: 'kserve' })).toThrow(
      "input.rollout.strategy: a canary needs the vllm runtime (its token and latency metrics); 'kserve' has none",
    );
    expect(() =>
      render({
        ...spec,
        rollout: { strategy: 'canary', canaryWeights: [50, 20] },
      }),
    ).toThrow(
      'input.rollout.canaryWeights[1]: 20 must exceed the weight before it',
    );
    expect(() =>
      render({
        ...spec,
        rollout: { strategy: 'canary', canaryWeights: new Array(11).fill(5) },
      }),
    ).toThrow('input.rollout.canaryWeights: give 1 to 10 weights');
    expect(() =>
      render({
        ...spec,
        rollout: {
          strategy: 'canary',
          maxCostPerMillionTokensIncreasePercent: -1,
        },
      }),
    ).toThrow(
      'input.rollout.maxCostPerMillionTokensIncreasePercent: -1 is not a percentage 0–1000',
    );
    // The plain Deployment stays the default.
    expect(
      render({ ...spec, rollout: { strategy: 'deployment' } }).map(f => f.path),
    ).toContain('base/deployment.yaml');
  });
});
