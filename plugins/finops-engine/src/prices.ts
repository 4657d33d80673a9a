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

// Public on-demand list prices of GPU instances (Linux, USD per instance-hour),
// as captured by the cluster autoscalers' generated price tables (Apache-2.0):
// AWS aws/karpenter-provider-aws zz_generated.pricing_aws.go (2026-07-20),
// Azure Azure/karpenter-provider-azure zz_generated.pricing.go (2026-06-18),
// GCP cloudpilot-ai/karpenter-provider-gcp initial-prices.json (2026-05-05);
// via shared/data/cloud-ondemand-prices/gpu_accel_prices_hourly_aws_azure_gcp.csv.
// GCP N1 machines with attached T4s: the machine price from
// gcp_machine_prices_hourly.csv plus the per-GPU add-on from the cluster
// autoscaler's gce_price_info.go (kubernetes/autoscaler, Apache-2.0), via
// gcp_price_table_cluster_autoscaler.csv.
// GPU models use the GPU Feature Discovery `nvidia.com/gpu.product` spelling.
//
// Coverage of the GPUs the suite is asked about (H100, H200, A100, L40S, L4,
// A10G, T4) on the three providers: every pair a provider sells and the
// source tables carry is listed; the rest are in GPU_CATALOG_GAPS with the
// reason.

/**
 * A cloud provider of the embedded price catalog.
 *
 * @public
 */
export type CloudProvider = 'aws' | 'azure' | 'gcp';

/**
 * The list price of one GPU instance type in one region.
 *
 * @public
 */
export interface GpuInstancePrice {
  provider: CloudProvider;
  region: string;
  instanceType: string;
  gpuModel: string;
  gpuCount: number;
  /** On-demand list price of the whole instance, USD per hour. */
  usdPerHour: number;
  /**
   * Set when the GPUs are an add-on to a machine type (GCP N1 with T4s):
   * `usdPerHour` is the machine price plus `gpuCount` × this add-on.
   */
  accelerator?: { type: string; usdPerGpuHour: number };
}

const price = (
  provider: CloudProvider,
  region: string,
  instanceType: string,
  gpuModel: string,
  gpuCount: number,
  usdPerHour: number,
): GpuInstancePrice => ({
  provider,
  region,
  instanceType,
  gpuModel,
  gpuCount,
  usdPerHour,
});

/**
 * The embedded GPU instance price catalog.
 *
 * @public
 */
export const GPU_INSTANCE_PRICES: readonly GpuInstancePrice[] = [
  // AWS us-east-1
  price('aws', 'us-east-1', 'p5.48xlarge', 'NVIDIA-H100-80GB-HBM3', 8, 55.04),
  price('aws', 'us-east-1', 'p5en.48xlarge', 'NVIDIA-H200', 8, 63.296),
  price(
    'aws',
    'us-east-1',
    'p4d.24xlarge',
    'NVIDIA-A100-SXM4-40GB',
    8,
    21.957642,
  ),
  price(
    'aws',
    'us-east-1',
    'p4de.24xlarge',
    'NVIDIA-A100-SXM4-80GB',
    8,
    27.44705,
  ),
  price('aws', 'us-east-1', 'g6e.xlarge', 'NVIDIA-L40S', 1, 1.861),
  price('aws', 'us-east-1', 'g6e.48xlarge', 'NVIDIA-L40S', 8, 30.13118),
  price('aws', 'us-east-1', 'g6.xlarge', 'NVIDIA-L4', 1, 0.8048),
  price('aws', 'us-east-1', 'g5.xlarge', 'NVIDIA-A10G', 1, 1.006),
  price('aws', 'us-east-1', 'g4dn.xlarge', 'Tesla-T4', 1, 0.526),
  // Azure eastus2
  price(
    'azure',
    'eastus2',
    'Standard_ND96isr_H100_v5',
    'NVIDIA-H100-80GB-HBM3',
    8,
    98.32,
  ),
  price(
    'azure',
    'eastus2',
    'Standard_NC40ads_H100_v5',
    'NVIDIA-H100-NVL',
    1,
    6.98,
  ),
  price('azure', 'eastus2', 'Standard_ND96isr_H200_v5', 'NVIDIA-H200', 8, 84.8),
  price(
    'azure',
    'eastus2',
    'Standard_ND96amsr_A100_v4',
    'NVIDIA-A100-SXM4-80GB',
    8,
    32.77,
  ),
  price(
    'azure',
    'eastus2',
    'Standard_NC24ads_A100_v4',
    'NVIDIA-A100-80GB-PCIe',
    1,
    3.673,
  ),
  price('azure', 'eastus2', 'Standard_NV36ads_A10_v5', 'NVIDIA-A10', 1, 3.2),
  price('azure', 'eastus2', 'Standard_NC4as_T4_v3', 'Tesla-T4', 1, 0.526),
  // GCP us-central1
  price(
    'gcp',
    'us-central1',
    'a3-highgpu-8g',
    'NVIDIA-H100-80GB-HBM3',
    8,
    88.4899999025753,
  ),
  price(
    'gcp',
    'us-central1',
    'a2-highgpu-1g',
    'NVIDIA-A100-SXM4-40GB',
    1,
    3.673385,
  ),
  price(
    'gcp',
    'us-central1',
    'a2-ultragpu-1g',
    'NVIDIA-A100-SXM4-80GB',
    1,
    5.06879789041096,
  ),
  price('gcp', 'us-central1', 'g2-standard-4', 'NVIDIA-L4', 1, 0.706832255),
  // n1-standard-4 (0.189999) + one nvidia-tesla-t4 (0.35)
  {
    ...price('gcp', 'us-central1', 'n1-standard-4', 'Tesla-T4', 1, 0.539999),
    accelerator: { type: 'nvidia-tesla-t4', usdPerGpuHour: 0.35 },
  },
];

/**
 * GPU and provider pairs of the suite's list (H100, H200, A100, L40S, L4,
 * A10G, T4) that the embedded catalog does not price, and why.
 *
 * @public
 */
export const GPU_CATALOG_GAPS: ReadonlyArray<{
  provider: CloudProvider;
  gpu: string;
  reason: string;
}> = [
  {
    provider: 'azure',
    gpu: 'L40S',
    reason: 'Azure sells no L40S virtual machine',
  },
  { provider: 'azure', gpu: 'L4', reason: 'Azure sells no L4 virtual machine' },
  {
    provider: 'azure',
    gpu: 'A10G',
    reason:
      'the A10G is an AWS-only part; Azure sells the A10 (NVadsA10 v5), listed as NVIDIA-A10',
  },
  {
    provider: 'gcp',
    gpu: 'H200',
    reason:
      'a3-ultragpu-8g is not in the source price tables (karpenter-provider-gcp, cluster autoscaler); add it with finops.prices.overrides',
  },
  {
    provider: 'gcp',
    gpu: 'L40S',
    reason: 'Google Cloud sells no L40S machine',
  },
  {
    provider: 'gcp',
    gpu: 'A10G',
    reason: 'the A10G is an AWS-only part',
  },
];

/**
 * A per-GPU-hour price and where it comes from.
 *
 * @public
 */
export interface GpuHourPrice {
  usdPerGpuHour: number;
  source: GpuInstancePrice;
}

/**
 * The list price of one GPU-hour of a model: the instance price divided by
 * its GPUs, from the cheapest matching catalog entry (optionally limited to a
 * provider and region). `undefined` when the catalog has no such GPU.
 *
 * @public
 */
export function gpuHourPrice(
  gpuModel: string,
  options: { provider?: CloudProvider; region?: string } = {},
  catalog: readonly GpuInstancePrice[] = GPU_INSTANCE_PRICES,
): GpuHourPrice | undefined {
  const wanted = normaliseGpuModel(gpuModel);
  let best: GpuHourPrice | undefined;
  for (const entry of catalog) {
    if (normaliseGpuModel(entry.gpuModel) !== wanted) continue;
    if (options.provider && entry.provider !== options.provider) continue;
    if (options.region && entry.region !== options.region) continue;
    const usdPerGpuHour = entry.usdPerHour / entry.gpuCount;
    if (!best || usdPerGpuHour < best.usdPerGpuHour) {
      best = { usdPerGpuHour, source: entry };
    }
  }
  return best;
}

// Instance families with NVIDIA GPUs, the GPU they carry and, for AWS, the
// GPUs per size, from the providers' instance type documentation (AWS
// accelerated computing instances, Azure GPU VM sizes, Google Cloud
// accelerator-optimized and G2 machines).
const SINGLE_TO_16X = {
  xlarge: 1,
  '2xlarge': 1,
  '4xlarge': 1,
  '8xlarge': 1,
  '16xlarge': 1,
};
const G5_SIZES = {
  ...SINGLE_TO_16X,
  '12xlarge': 4,
  '24xlarge': 4,
  '48xlarge': 8,
};
const GPU_INSTANCE_FAMILIES: ReadonlyArray<
  [RegExp, string, Readonly<Record<string, number>>?]
> = [
  // AWS: family.size
  [/^p5(e|en)\.(?<size>\w+)$/i, 'NVIDIA-H200', { '48xlarge': 8 }],
  [
    /^p5\.(?<size>\w+)$/i,
    'NVIDIA-H100-80GB-HBM3',
    { '4xlarge': 1, '48xlarge': 8 },
  ],
  [/^p4de\.(?<size>\w+)$/i, 'NVIDIA-A100-SXM4-80GB', { '24xlarge': 8 }],
  [/^p4d\.(?<size>\w+)$/i, 'NVIDIA-A100-SXM4-40GB', { '24xlarge': 8 }],
  [/^p3dn\.(?<size>\w+)$/i, 'Tesla-V100-SXM2-32GB', { '24xlarge': 8 }],
  [
    /^p3\.(?<size>\w+)$/i,
    'Tesla-V100-SXM2-16GB',
    { '2xlarge': 1, '8xlarge': 4, '16xlarge': 8 },
  ],
  [/^g6e\.(?<size>\w+)$/i, 'NVIDIA-L40S', G5_SIZES],
  [/^gr?6\.(?<size>\w+)$/i, 'NVIDIA-L4', G5_SIZES],
  [/^g5\.(?<size>\w+)$/i, 'NVIDIA-A10G', G5_SIZES],
  [
    /^g4dn\.(?<size>[\w-]+)$/i,
    'Tesla-T4',
    { ...SINGLE_TO_16X, '12xlarge': 4, metal: 8 },
  ],
  [
    /^g3\.(?<size>\w+)$/i,
    'Tesla-M60',
    { '4xlarge': 1, '8xlarge': 2, '16xlarge': 4 },
  ],
  [/^g3s\.(?<size>\w+)$/i, 'Tesla-M60', { xlarge: 1 }],
  // Azure: Standard_<series>_<GPU>_v<n>
  [/^Standard_N\w*_H200_v\d+$/i, 'NVIDIA-H200'],
  [/^Standard_NC\w*_H100_v\d+$/i, 'NVIDIA-H100-NVL'],
  [/^Standard_ND\w*_H100_v\d+$/i, 'NVIDIA-H100-80GB-HBM3'],
  [/^Standard_N\w*_A100_v4$/i, 'NVIDIA-A100-80GB-PCIe'],
  [/^Standard_NV\w*_A10_v5$/i, 'NVIDIA-A10'],
  [/^Standard_NC\w*_T4_v3$/i, 'Tesla-T4'],
  // Google Cloud: <series>-<kind>-<n>g
  [/^a3-ultragpu-(?<count>\d+)g$/i, 'NVIDIA-H200'],
  [/^a3-(high|mega|edge)gpu-(?<count>\d+)g$/i, 'NVIDIA-H100-80GB-HBM3'],
  [/^a2-ultragpu-(?<count>\d+)g$/i, 'NVIDIA-A100-SXM4-80GB'],
  [/^a2-(high|mega)gpu-(?<count>\d+)g$/i, 'NVIDIA-A100-SXM4-40GB'],
  [/^g2-standard-\d+$/i, 'NVIDIA-L4'],
];

/**
 * The GPUs of an instance type, as far as the name tells: an exact catalog
 * entry gives model and count; otherwise the instance family gives the model
 * and, where the size tells it (AWS sizes, Google Cloud's `-<n>g` machine
 * types), the count. Machine types
 * whose GPUs are an add-on (GCP N1) do not count: their name does not say
 * whether GPUs are attached. `undefined` for instance types without GPUs or
 * unknown families.
 *
 * @public
 */
export function gpuOfInstanceType(
  instanceType: string,
  catalog: readonly GpuInstancePrice[] = GPU_INSTANCE_PRICES,
): { gpuModel: string; gpuCount?: number } | undefined {
  const name = instanceType.trim();
  const wanted = name.toLowerCase();
  const entry = catalog.find(
    e => !e.accelerator && e.instanceType.toLowerCase() === wanted,
  );
  if (entry) return { gpuModel: entry.gpuModel, gpuCount: entry.gpuCount };
  for (const [pattern, gpuModel, sizes] of GPU_INSTANCE_FAMILIES) {
    const match = pattern.exec(name);
    if (match) {
      const { count, size } = match.groups ?? {};
      const gpuCount = count
        ? Number(count)
        : sizes?.[size?.toLowerCase() ?? ''];
      return gpuCount ? { gpuModel, gpuCount } : { gpuModel };
    }
  }
  return undefined;
}

/**
 * Compares GPU model names written as GFD labels (`NVIDIA-H100-80GB-HBM3`) or
 * as product names (`NVIDIA H100 80GB HBM3`), ignoring case.
 *
 * @public
 */
export function normaliseGpuModel(model: string): string {
  return model
    .trim()
    .replace(/[\s_]+/g, '-')
    .toUpperCase();
}
