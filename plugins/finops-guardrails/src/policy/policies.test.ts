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
// Test-only helpers (Kubernetes schemas); not part of the isomorphic package.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import {
  customResourceSchemaErrors,
  kubernetesSchemaErrors,
} from '@ai-finops/test-utils';
import { parseAllDocuments } from 'yaml';
import { checkGuardrails } from './guardrails';
import { loadManifests } from './kustomize';
import { PolicySet } from './policySet';

// The policies shipped at the repository root, as `ai-finops check
// --policies policies` reads them.
const POLICIES_DIR = path.resolve(__dirname, '../../../../policies');
const policyFiles = readdirSync(POLICIES_DIR)
  .filter(f => f.endsWith('.yaml'))
  .map(f => ({
    path: `policies/${f}`,
    content: readFileSync(path.join(POLICIES_DIR, f), 'utf8'),
  }));

// Every ValidatingAdmissionPolicy of the folder, by name.
const shippedPolicyNames = policyFiles
  .flatMap(f => parseAllDocuments(f.content).map(doc => doc.toJS()))
  .filter(doc => doc?.kind === 'ValidatingAdmissionPolicy')
  .map(doc => doc.metadata.name as string);

const LABELS = { team: 'ml', 'cost-center': 'cc-42', app: 'chat' };

/** A Deployment that passes every policy; `patch` edits it. */
function deployment(patch: (d: any) => void = () => {}): any {
  const d: any = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'chat', namespace: 'team-ml', labels: { ...LABELS } },
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
              // Pinned by digest, as the supply-chain policies require in
              // production and advise everywhere else.
              image: `docker.io/vllm/vllm-openai:v0.6.3@sha256:${'ab'.repeat(
                32,
              )}`,
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

const container = (d: any) => d.spec.template.spec.containers[0];

function check(
  objects: any[],
  namespaceLabels?: Record<string, Record<string, string>>,
) {
  const policies = PolicySet.load(policyFiles);
  const { objects: manifests } = loadManifests(
    objects.map((o, i) => ({ path: `m${i}.yaml`, content: JSON.stringify(o) })),
  );
  return checkGuardrails(policies, manifests, {
    evaluation: { namespaceLabels },
  });
}

const denied = (objects: any[]) =>
  check(objects).report.denied.map(v => `${v.policy}: ${v.message}`);

describe('the shipped policies', () => {
  it('load and compile: every policy has a deny and a warn binding, advisory ones only a warn binding', () => {
    const set = PolicySet.load(policyFiles);
    expect([...set.policyNames].sort()).toEqual(
      [...new Set(shippedPolicyNames)].sort(),
    );
    expect(set.policyNames.length).toBeGreaterThanOrEqual(13);
    // No expression nests comprehensions over unrelated lists of the object:
    // their estimated costs stay under the per-expression limit.
    expect(set.warnings).toEqual([]);
    // Advisory policies never refuse: the monthly budget, and each
    // `<policy>-advisory` that warns outside the environments where its
    // enforcing `<policy>` denies.
    const advisory = set.policyNames.filter(
      name =>
        name === 'ai-finops-monthly-budget' ||
        (name.endsWith('-advisory') &&
          set.policyNames.includes(name.slice(0, -'-advisory'.length))),
    );
    expect(advisory.sort()).toEqual([
      'ai-finops-monthly-budget',
      'ai-finops-responsible-ai-advisory',
      'ai-finops-supply-chain-advisory',
    ]);
    for (const name of set.policyNames) {
      const actions = set.bindings
        .filter(b => b.policyName === name)
        .map(b => b.actions.join('+'))
        .sort();
      expect({ name, actions }).toEqual({
        name,
        actions: advisory.includes(name) ? ['Warn'] : ['Deny', 'Warn'],
      });
    }
  });

  it('pass a compliant inference Deployment with its HPA', () => {
    const result = check([
      deployment(),
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'chat', namespace: 'team-ml' },
        spec: {
          scaleTargetRef: {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: 'chat',
          },
          minReplicas: 1,
          maxReplicas: 4,
        },
      },
    ]);
    expect(result.report.violations).toEqual([]);
    expect(result.report.passed).toBe(true);
    // Every policy looked at something (the cost ones at the CostEstimate).
    expect(new Set(result.report.checks.map(c => c.policy)).size).toBe(
      new Set(shippedPolicyNames).size,
    );
  });

  describe('max GPUs per container', () => {
    it('allows 4 and refuses 8 with the policy message', () => {
      expect(
        denied([
          deployment(d => {
            container(d).resources.requests['nvidia.com/gpu'] = '4';
            container(d).resources.limits['nvidia.com/gpu'] = '4';
          }),
        ]),
      ).toEqual([]);
      expect(
        denied([
          deployment(d => {
            container(d).resources.requests['nvidia.com/gpu'] = 8;
            container(d).resources.limits['nvidia.com/gpu'] = 8;
            d.spec.replicas = 1;
          }),
        ]),
      ).toEqual([
        'ai-finops-max-gpus-per-container: container vllm requests 8 GPUs; at most 4 GPUs per container are allowed (GuardrailParams default)',
      ]);
    });

    it('counts MIG slices and init containers', () => {
      const mig = deployment(d => {
        container(d).resources = {
          requests: { cpu: '2', memory: '8Gi' },
          limits: { memory: '8Gi', 'nvidia.com/mig-1g.10gb': 5 },
        };
      });
      expect(denied([mig])).toEqual([
        expect.stringContaining('container vllm requests 5 GPUs'),
      ]);
      const init = deployment(d => {
        d.spec.template.spec.initContainers = [
          {
            name: 'warmup',
            image: 'nvcr.io/nvidia/cuda:12.4.0-base-ubi9',
            resources: {
              requests: { cpu: '1', memory: '1Gi' },
              limits: { memory: '1Gi', 'nvidia.com/gpu': '6' },
            },
          },
        ];
      });
      expect(denied([init])).toEqual([
        expect.stringContaining('container warmup requests 6 GPUs'),
      ]);
    });

    it('reads the model container of a KServe InferenceService', () => {
      const isvc = {
        apiVersion: 'serving.kserve.io/v1beta1',
        kind: 'InferenceService',
        metadata: { name: 'chat', namespace: 'team-ml', labels: LABELS },
        spec: {
          predictor: {
            minReplicas: 1,
            maxReplicas: 2,
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
      };
      expect(denied([isvc])).toEqual([
        expect.stringContaining('container model requests 8 GPUs'),
      ]);
    });
  });

  describe('required labels', () => {
    it('names the labels missing on the workload and on its pod template', () => {
      expect(
        denied([
          deployment(d => {
            delete d.metadata.labels['cost-center'];
            d.metadata.labels.team = '';
            delete d.spec.template.metadata.labels.app;
          }),
        ]),
      ).toEqual([
        'ai-finops-required-labels: Deployment chat is missing required labels: team, cost-center',
        'ai-finops-required-labels: the pod template of Deployment chat is missing required labels: app',
      ]);
    });
  });

  describe('allowed registries', () => {
    it('refuses an image from elsewhere and accepts NGC', () => {
      expect(
        denied([
          deployment(
            d => (container(d).image = 'docker.io/library/nginx:1.27'),
          ),
        ]),
      ).toEqual([
        'ai-finops-allowed-registries: images from registries that are not allowed: docker.io/library/nginx:1.27; allowed: nvcr.io/nvidia/, docker.io/vllm/, docker.io/kserve/, ghcr.io/ai-finops/',
      ]);
      expect(
        denied([
          deployment(
            d => (container(d).image = 'nvcr.io/nvidia/tritonserver:24.08-py3'),
          ),
        ]),
      ).toEqual([]);
    });
  });

  describe('GPU limits and resources', () => {
    it('refuses GPU requests that differ from the limits or have none', () => {
      expect(
        denied([
          deployment(
            d => (container(d).resources.requests['nvidia.com/gpu'] = '1'),
          ),
        ]),
      ).toEqual([
        'ai-finops-gpu-and-resources: GPU requests must equal GPU limits; containers: vllm',
      ]);
      expect(
        denied([
          deployment(
            d => delete container(d).resources.limits['nvidia.com/gpu'],
          ),
        ]),
      ).toEqual([
        'ai-finops-gpu-and-resources: GPU requests must equal GPU limits; containers: vllm',
      ]);
    });

    it('compares quantities, not spellings', () => {
      expect(
        denied([
          deployment(
            d => (container(d).resources.requests['nvidia.com/gpu'] = 2),
          ),
        ]),
      ).toEqual([]);
    });

    it('requires cpu and memory requests and a memory limit', () => {
      expect(
        denied([deployment(d => delete container(d).resources.limits.memory)]),
      ).toEqual([
        'ai-finops-gpu-and-resources: containers without cpu and memory requests and a memory limit: vllm',
      ]);
    });
  });

  describe('pod security', () => {
    it('requires runAsNonRoot and lets a container override the pod only to true', () => {
      expect(
        denied([deployment(d => delete d.spec.template.spec.securityContext)]),
      ).toEqual([
        'ai-finops-pod-security: runAsNonRoot must be true for containers: vllm',
      ]);
      expect(
        denied([
          deployment(
            d => (container(d).securityContext = { runAsNonRoot: false }),
          ),
        ]),
      ).toEqual([
        'ai-finops-pod-security: runAsNonRoot must be true for containers: vllm',
      ]);
      expect(
        denied([
          deployment(d => {
            delete d.spec.template.spec.securityContext;
            container(d).securityContext = { runAsNonRoot: true };
          }),
        ]),
      ).toEqual([]);
    });

    it('refuses privileged containers', () => {
      expect(
        denied([
          deployment(
            d => (container(d).securityContext = { privileged: true }),
          ),
        ]),
      ).toEqual([
        'ai-finops-pod-security: privileged containers are not allowed: vllm',
      ]);
    });
  });

  describe('allowed regions', () => {
    it('checks node selectors, required node affinity and the region annotation', () => {
      expect(
        denied([
          deployment(
            d =>
              (d.spec.template.spec.nodeSelector[
                'topology.kubernetes.io/region'
              ] = 'eu-north-1'),
          ),
        ]),
      ).toEqual([
        expect.stringContaining(
          'Deployment chat is pinned to a region that is not allowed (eu-north-1); allowed regions: us-east-1',
        ),
      ]);
      expect(
        denied([
          deployment(d => {
            delete d.spec.template.spec.nodeSelector[
              'topology.kubernetes.io/region'
            ];
            d.spec.template.spec.affinity = {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [
                    {
                      matchExpressions: [
                        {
                          key: 'topology.kubernetes.io/region',
                          operator: 'In',
                          values: ['us-east-1', 'ap-south-1'],
                        },
                      ],
                    },
                  ],
                },
              },
            };
          }),
        ]),
      ).toEqual([expect.stringContaining('ai-finops-allowed-regions')]);
      expect(
        denied([
          deployment(d => {
            delete d.spec.template.spec.nodeSelector[
              'topology.kubernetes.io/region'
            ];
            d.metadata.annotations = { 'ai-finops.io/region': 'us-central1' };
          }),
        ]),
      ).toEqual([]);
    });
  });

  describe('max replicas', () => {
    it('caps spec.replicas, HPA and KEDA maxima (KEDA defaults to 100)', () => {
      expect(denied([deployment(d => (d.spec.replicas = 20))])).toEqual(
        expect.arrayContaining([
          'ai-finops-max-replicas: Deployment chat may run 20 replicas; at most 16 are allowed',
        ]),
      );
      expect(
        denied([
          {
            apiVersion: 'keda.sh/v1alpha1',
            kind: 'ScaledObject',
            metadata: { name: 'chat', namespace: 'team-ml' },
            spec: { scaleTargetRef: { name: 'other' }, triggers: [] },
          },
        ]),
      ).toEqual([
        'ai-finops-max-replicas: ScaledObject chat may run 100 replicas; at most 16 are allowed',
      ]);
      expect(
        denied([
          {
            apiVersion: 'autoscaling/v2',
            kind: 'HorizontalPodAutoscaler',
            metadata: { name: 'chat', namespace: 'team-ml' },
            spec: {
              scaleTargetRef: { kind: 'Deployment', name: 'other' },
              maxReplicas: 12,
            },
          },
        ]),
      ).toEqual([]);
    });
  });

  describe('monthly cost cap (cross-object)', () => {
    it('joins the Deployment with its KEDA ScaledObject and refuses a maximum over the cap', () => {
      const result = check([
        deployment(d => {
          container(d).resources.requests['nvidia.com/gpu'] = '4';
          container(d).resources.limits['nvidia.com/gpu'] = '4';
        }),
        {
          apiVersion: 'keda.sh/v1alpha1',
          kind: 'ScaledObject',
          metadata: { name: 'chat', namespace: 'team-ml' },
          spec: {
            scaleTargetRef: { name: 'chat' },
            minReplicaCount: 1,
            maxReplicaCount: 8,
            triggers: [],
          },
        },
      ]);
      // 8 replicas × 4 H100 × (55.04 / 8) $/GPU-h × 730 h
      const max = 8 * 4 * (55.04 / 8) * 730;
      expect(result.estimate.maxMonthlyCost).toBeCloseTo(max, 6);
      expect(result.report.denied.map(v => v.message)).toEqual([
        `service chat would cost $${Math.trunc(
          Math.round(max * 100) / 100,
        )} a month at its maximum replicas, over the cap of $100000 (GuardrailParams default)`,
      ]);
      // The admission-time policies passed: the cost is the only refusal.
      expect(result.report.denied[0].object.kind).toBe('CostEstimate');
    });
  });

  describe('monthly budget', () => {
    it('warns (never denies) when the expected cost is over the declared budget', () => {
      const result = check([
        deployment(
          d =>
            (d.metadata.annotations = {
              'ai-finops.io/monthly-budget': '5000',
            }),
        ),
      ]);
      expect(result.report.passed).toBe(true);
      expect(result.report.warnings.map(v => v.message)).toEqual([
        // 2 replicas × 2 H100 × (55.04 / 8) $/GPU-h × 730 h = $20,089.60
        'service chat is expected to cost $20089 a month, over its budget of $5000',
      ]);
      const under = check([
        deployment(
          d =>
            (d.metadata.annotations = {
              'ai-finops.io/monthly-budget': '50000',
            }),
        ),
      ]);
      expect(under.report.warnings).toEqual([]);
    });
  });

  describe('bindings', () => {
    const eight = deployment(d => {
      container(d).resources.requests['nvidia.com/gpu'] = '8';
      container(d).resources.limits['nvidia.com/gpu'] = '8';
    });

    it('only warn in namespaces labelled ai-finops.io/guardrails=warn', () => {
      const { report } = check([eight], {
        'team-ml': { 'ai-finops.io/guardrails': 'warn' },
      });
      expect(report.passed).toBe(true);
      expect(report.warnings.map(v => v.binding)).toEqual([
        'ai-finops-max-gpus-per-container-warn',
      ]);
    });

    it('take the labels from a Namespace among the manifests', () => {
      const { report } = check([
        eight,
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: {
            name: 'team-ml',
            labels: { 'ai-finops.io/guardrails': 'off' },
          },
        },
      ]);
      expect(report.violations).toEqual([]);
    });

    it('leave the system namespaces alone', () => {
      const { report } = check([
        { ...eight, metadata: { ...eight.metadata, namespace: 'kube-system' } },
      ]);
      expect(report.checks.filter(c => c.object.kind === 'Deployment')).toEqual(
        [],
      );
    });
  });

  describe('are valid to apply to a cluster', () => {
    const documents = policyFiles.flatMap(f =>
      parseAllDocuments(f.content).map(d => ({
        file: f.path,
        object: d.toJS(),
      })),
    );
    const crd = documents.find(
      d => d.object.kind === 'CustomResourceDefinition',
    )!.object;

    it.each(
      documents
        .filter(d => d.object.kind !== 'GuardrailParams')
        .map(d => [`${d.object.kind} ${d.object.metadata.name}`, d.object]),
    )('%s matches the Kubernetes schema', (_name, object) => {
      expect(kubernetesSchemaErrors(object)).toEqual([]);
    });

    it('the params match the GuardrailParams CRD', () => {
      const params = documents.filter(d => d.object.kind === 'GuardrailParams');
      expect(params).toHaveLength(1);
      expect(customResourceSchemaErrors(crd, params[0].object)).toEqual([]);
    });

    it('and the schema checks catch what a cluster would refuse', () => {
      const binding = documents.find(
        d => d.object.kind === 'ValidatingAdmissionPolicyBinding',
      )!.object;
      expect(
        kubernetesSchemaErrors({
          ...binding,
          spec: {
            ...binding.spec,
            validationActions: ['Block'],
            paramsRef: { name: 'x' },
          },
        }),
      ).toEqual([
        'spec.validationActions.0: must be equal to one of the allowed values (Audit, Deny, Warn)',
        'spec.paramsRef: unknown field (V1ValidatingAdmissionPolicyBindingSpec has matchResources, paramRef, policyName, validationActions)',
      ]);
      const params = documents.find(
        d => d.object.kind === 'GuardrailParams',
      )!.object;
      expect(
        customResourceSchemaErrors(crd, {
          ...params,
          spec: { ...params.spec, maxGpusPerContainer: 'four', maxGPUs: 4 },
        }),
      ).toEqual([
        'spec: must NOT have additional properties (maxGPUs)',
        'spec.maxGpusPerContainer: must be integer',
      ]);
    });
  });
});
