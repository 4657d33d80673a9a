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

import { loadManifests } from '../policy/kustomize';
import { GPU_INSTANCE_PRICES } from '@ai-finops/backstage-plugin-finops-engine';
import {
  costEstimateObjects,
  estimateCosts,
  HOURS_PER_MONTH,
} from './estimate';
import {
  costChangeSentence,
  diffCostEstimates,
  formatCostEstimateMarkdown,
} from './format';
import { parsePriceCsv } from './prices';

const objects = (...docs: any[]) =>
  loadManifests(
    docs.map((d, i) => ({ path: `m${i}.yaml`, content: JSON.stringify(d) })),
  ).objects;

function deployment(
  options: {
    name?: string;
    replicas?: number;
    gpus?: number | string;
    gpuResource?: string;
    model?: string;
    nodeSelector?: Record<string, string>;
    annotations?: Record<string, string>;
    cpu?: string;
    memory?: string;
  } = {},
) {
  const gpuResource = options.gpuResource ?? 'nvidia.com/gpu';
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: options.name ?? 'chat',
      namespace: 'ml',
      labels: { app: 'chat' },
      ...(options.annotations ? { annotations: options.annotations } : {}),
    },
    spec: {
      ...(options.replicas !== undefined ? { replicas: options.replicas } : {}),
      template: {
        spec: {
          nodeSelector:
            options.nodeSelector ??
            (options.model ? { 'nvidia.com/gpu.product': options.model } : {}),
          containers: [
            {
              name: 'vllm',
              image: 'docker.io/vllm/vllm-openai:v0.6.3',
              resources: {
                requests: {
                  cpu: options.cpu ?? '8',
                  memory: options.memory ?? '64Gi',
                },
                limits:
                  options.gpus === undefined
                    ? {}
                    : { [gpuResource]: options.gpus },
              },
            },
          ],
        },
      },
    },
  };
}

/** The cheapest list price per GPU-hour of a model, read straight from the table. */
function cheapest(model: string, region?: string): number {
  return Math.min(
    ...GPU_INSTANCE_PRICES.filter(
      p => p.gpuModel === model && (!region || p.region === region),
    ).map(p => p.usdPerHour / p.gpuCount),
  );
}

describe('estimateCosts', () => {
  it.each([
    ['NVIDIA-H100-80GB-HBM3', 3],
    ['NVIDIA-H200', 2],
    ['NVIDIA-A100-SXM4-80GB', 5],
    ['NVIDIA-L40S', 1],
    ['NVIDIA-L4', 7],
    ['NVIDIA-A10G', 4],
    ['Tesla-T4', 10],
  ])('costs N replicas of %s at N × its hourly price × 730', (model, n) => {
    const report = estimateCosts(
      objects(deployment({ replicas: n, gpus: 1, model })),
    );
    expect(report.monthlyCost).toBeCloseTo(n * cheapest(model) * 730, 9);
    expect(report.workloads[0]).toMatchObject({
      gpuModel: model,
      gpusPerReplica: 1,
      minReplicas: n,
      maxReplicas: n,
      replicasFrom: 'spec.replicas',
    });
  });

  it('takes replicas from the HPA or KEDA ScaledObject that targets the workload', () => {
    const hpa = estimateCosts(
      objects(deployment({ replicas: 9, gpus: 2, model: 'NVIDIA-L4' }), {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'chat-hpa', namespace: 'ml' },
        spec: {
          scaleTargetRef: { kind: 'Deployment', name: 'chat' },
          minReplicas: 2,
          maxReplicas: 6,
        },
      }),
    );
    const l4 = cheapest('NVIDIA-L4');
    expect(hpa.workloads[0].replicasFrom).toBe(
      'HorizontalPodAutoscaler chat-hpa',
    );
    expect(hpa.monthlyCost).toBeCloseTo(2 * 2 * l4 * 730, 9);
    expect(hpa.maxMonthlyCost).toBeCloseTo(6 * 2 * l4 * 730, 9);
    const keda = estimateCosts(
      objects(
        deployment({
          gpus: 1,
          model: 'NVIDIA-L4',
          annotations: { 'ai-finops.io/expected-tokens-per-second': '1000' },
        }),
        {
          apiVersion: 'keda.sh/v1alpha1',
          kind: 'ScaledObject',
          metadata: { name: 'chat', namespace: 'ml' },
          spec: { scaleTargetRef: { name: 'chat' }, triggers: [] },
        },
      ),
    );
    // KEDA's defaults: minReplicaCount 0, maxReplicaCount 100.
    expect(keda.monthlyCost).toBe(0);
    expect(keda.maxMonthlyCost).toBeCloseTo(100 * l4 * 730, 9);
    // Unit cost at the expected load assumes the one replica that serves it.
    expect(keda.usdPerMillionTokens).toBeCloseTo((l4 / (1000 * 3600)) * 1e6, 9);
  });

  it('prices $ per 1M tokens and per 1,000 requests from the declared throughput', () => {
    const report = estimateCosts(
      objects(
        deployment({
          replicas: 2,
          gpus: 1,
          model: 'NVIDIA-H100-80GB-HBM3',
          annotations: {
            'ai-finops.io/expected-tokens-per-second': '2500',
            'ai-finops.io/expected-requests-per-second': '5',
          },
        }),
      ),
    );
    const hourly = 2 * cheapest('NVIDIA-H100-80GB-HBM3');
    expect(report.services[0].usdPerMillionTokens).toBeCloseTo(
      (hourly / (2500 * 3600)) * 1e6,
      9,
    );
    expect(report.services[0].usdPerThousandRequests).toBeCloseTo(
      (hourly / (5 * 3600)) * 1e3,
      9,
    );
    expect(report.usdPerMillionTokens).toBeCloseTo(
      report.services[0].usdPerMillionTokens!,
      12,
    );
  });

  it('reads the GPU model from node affinity (the dearest choice) or the annotation', () => {
    const affinity = deployment({ gpus: 1 }) as any;
    affinity.spec.template.spec.affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                {
                  key: 'nvidia.com/gpu.product',
                  operator: 'In',
                  values: ['NVIDIA-L4', 'NVIDIA-L40S'],
                },
              ],
            },
          ],
        },
      },
    };
    expect(estimateCosts(objects(affinity)).workloads[0]).toMatchObject({
      gpuModel: 'NVIDIA-L40S',
      usdPerGpuHour: cheapest('NVIDIA-L40S'),
    });
    expect(
      estimateCosts(
        objects(
          deployment({
            gpus: 1,
            annotations: { 'ai-finops.io/gpu-model': 'Tesla-T4' },
          }),
        ),
      ).workloads[0],
    ).toMatchObject({
      gpuModel: 'Tesla-T4',
      gpuModelFrom: 'annotation ai-finops.io/gpu-model',
    });
  });

  it('prices MIG slices as their share of the GPU, in both device-plugin strategies', () => {
    const mixed = estimateCosts(
      objects(
        deployment({
          gpus: 2,
          gpuResource: 'nvidia.com/mig-3g.40gb',
          model: 'NVIDIA-A100-SXM4-80GB',
        }),
      ),
    );
    expect(mixed.workloads[0].gpusPerReplica).toBeCloseTo(6 / 7, 12);
    expect(mixed.monthlyCost).toBeCloseTo(
      (6 / 7) * cheapest('NVIDIA-A100-SXM4-80GB') * 730,
      9,
    );
    const single = estimateCosts(
      objects(
        deployment({ gpus: 1, model: 'NVIDIA-A100-SXM4-40GB-MIG-1g.5gb' }),
      ),
    );
    expect(single.workloads[0].gpusPerReplica).toBeCloseTo(1 / 7, 12);
    expect(single.workloads[0].usdPerGpuHour).toBe(
      cheapest('NVIDIA-A100-SXM4-40GB'),
    );
  });

  it('uses the price of the pinned region when the catalog has one', () => {
    const azure = estimateCosts(
      objects(
        deployment({
          gpus: 1,
          nodeSelector: {
            'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3',
            'topology.kubernetes.io/region': 'eastus2',
          },
        }),
      ),
    );
    expect(azure.workloads[0].usdPerGpuHour).toBe(
      cheapest('NVIDIA-H100-80GB-HBM3', 'eastus2'),
    );
    const elsewhere = estimateCosts(
      objects(
        deployment({
          gpus: 1,
          nodeSelector: {
            'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3',
            'topology.kubernetes.io/region': 'mars-1',
          },
        }),
      ),
    );
    expect(elsewhere.workloads[0].usdPerGpuHour).toBe(
      cheapest('NVIDIA-H100-80GB-HBM3'),
    );
    expect(elsewhere.workloads[0].priceSource).toContain('(no mars-1 price)');
  });

  it('applies --prices overrides to GPUs, cores and GiB', () => {
    const prices = parsePriceCsv({
      path: 'prices.csv',
      content:
        'resource,usd_per_unit_hour\ngpu:NVIDIA-H100-80GB-HBM3,4.5\ncpu,0.04\nmemory,0.005\n',
    });
    const report = estimateCosts(
      objects(
        deployment({
          replicas: 2,
          gpus: 2,
          model: 'NVIDIA-H100-80GB-HBM3',
          cpu: '8',
          memory: '64Gi',
        }),
      ),
      { prices },
    );
    expect(report.monthlyCost).toBeCloseTo(
      2 * (2 * 4.5 + 8 * 0.04 + 64 * 0.005) * HOURS_PER_MONTH,
      9,
    );
    expect(report.workloads[0].priceSource).toBe('prices.csv');
  });

  it('refuses bad input with file, object and field', () => {
    expect(() =>
      estimateCosts(objects(deployment({ gpus: 1, model: 'NVIDIA-GH200' }))),
    ).toThrow(
      /^m0.yaml:1: Deployment ml\/chat: spec.template.spec.nodeSelector nvidia.com\/gpu.product: GPU model 'NVIDIA-GH200' has no price in the embedded catalog \(known: .*NVIDIA-H100-80GB-HBM3.*\); add a gpu:NVIDIA-GH200 row to a --prices file$/,
    );
    expect(() =>
      estimateCosts(objects(deployment({ gpus: 'two', model: 'NVIDIA-L4' }))),
    ).toThrow(
      "m0.yaml:1: Deployment ml/chat: spec.template.spec.containers[0].resources.limits.nvidia.com/gpu: 'two' is not a Kubernetes quantity (expected e.g. 2, 500m, 64Gi, 1e3)",
    );
    expect(() => estimateCosts(objects(deployment({ gpus: 1 })))).toThrow(
      /^m0.yaml:1: Deployment ml\/chat: requests 1 GPU device\(s\) \(nvidia.com\/gpu\) but names no GPU model/,
    );
    expect(() =>
      estimateCosts(objects(deployment({ memory: '64 GB' }))),
    ).toThrow(
      "m0.yaml:1: Deployment ml/chat: spec.template.spec.containers[0].resources.requests.memory: '64 GB' is not a Kubernetes quantity",
    );
    expect(() =>
      estimateCosts(
        objects(
          deployment({
            gpus: 1,
            model: 'NVIDIA-L4',
            annotations: { 'ai-finops.io/expected-tokens-per-second': 'lots' },
          }),
        ),
      ),
    ).toThrow(
      "m0.yaml:1: Deployment ml/chat: metadata.annotations.ai-finops.io/expected-tokens-per-second: 'lots' is not a non-negative number",
    );
  });

  it('makes one CostEstimate object per service for the cross-object policies', () => {
    const report = estimateCosts(
      objects(
        deployment({
          replicas: 1,
          gpus: 1,
          model: 'NVIDIA-L4',
          annotations: { 'ai-finops.io/monthly-budget': '900' },
        }),
        {
          ...deployment({
            name: 'chat-worker',
            replicas: 2,
            gpus: 1,
            model: 'NVIDIA-L4',
          }),
        },
      ),
    );
    const [estimate] = costEstimateObjects(report);
    expect(estimate.object).toMatchObject({
      apiVersion: 'ai-finops.io/v1alpha1',
      kind: 'CostEstimate',
      metadata: {
        name: 'chat',
        namespace: 'ml',
        annotations: { 'ai-finops.io/monthly-budget': '900' },
      },
      spec: { hoursPerMonth: 730, gpus: 3 },
    });
    expect((estimate.object.spec as any).monthlyCostUsd).toBeCloseTo(
      3 * cheapest('NVIDIA-L4') * 730,
      2,
    );
    expect((estimate.object.spec as any).workloads).toHaveLength(2);
  });
});

describe('parsePriceCsv', () => {
  const parse = (content: string) => parsePriceCsv({ path: 'p.csv', content });
  it('names the row and column of bad input', () => {
    expect(() => parse('model,price\n')).toThrow(
      "p.csv: row 1: expected the header 'resource,usd_per_unit_hour', found 'model,price'",
    );
    expect(() => parse('resource,usd_per_unit_hour\ncpu,cheap\n')).toThrow(
      "p.csv: row 2, column usd_per_unit_hour: 'cheap' is not a non-negative number",
    );
    expect(() => parse('resource,usd_per_unit_hour\ncpu,1\ntpu,2\n')).toThrow(
      "p.csv: row 3, column resource: 'tpu' is not gpu:<model>, cpu or memory",
    );
    expect(() =>
      parse('resource,usd_per_unit_hour\ngpu:A,1\ngpu:a,2\n'),
    ).toThrow("p.csv: row 3, column resource: 'gpu:a' is listed twice");
    expect(() => parse('resource,usd_per_unit_hour\ncpu,1,2\n')).toThrow(
      'p.csv: row 2: expected 2 columns',
    );
  });
});

describe('diffCostEstimates', () => {
  it('says how the monthly cost changes, Infracost-style', () => {
    const base = estimateCosts(
      objects(deployment({ replicas: 2, gpus: 1, model: 'NVIDIA-L4' })),
    );
    const head = estimateCosts(
      objects(deployment({ replicas: 3, gpus: 1, model: 'NVIDIA-L4' })),
    );
    const diff = diffCostEstimates(base, head);
    const l4Month = cheapest('NVIDIA-L4') * 730;
    expect(diff.change).toBeCloseTo(l4Month, 9);
    expect(diff.percent).toBeCloseTo(50, 9);
    expect(diff.sentence).toBe(
      `monthly cost will increase by $${l4Month.toLocaleString('en-US', {
        minimumFractionDigits: 2,
        maximumFractionDigits: 2,
      })} (+50 %)`,
    );
    expect(diff.rows).toEqual([
      expect.objectContaining({
        workload: 'Deployment ml/chat',
        replicas: '2 → 3',
      }),
    ]);
    const md = formatCostEstimateMarkdown(head, { diff });
    expect(md).toContain(`**${diff.sentence}** 📈`);
    expect(md).toContain(
      '| Workload | GPUs per replica | Replicas | Baseline cost | New monthly cost | Change |',
    );
    expect(md).toContain('| Deployment ml/chat | 1 × NVIDIA-L4 | 2 → 3 |');
    expect(costChangeSentence(100, 75)).toBe(
      'monthly cost will decrease by $25.00 (-25 %)',
    );
    expect(costChangeSentence(100, 100)).toBe('monthly cost will not change');
    expect(costChangeSentence(0, 10)).toBe(
      'monthly cost will increase by $10.00 (from $0.00)',
    );
  });
});
