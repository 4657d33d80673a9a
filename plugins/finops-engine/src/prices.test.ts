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

import { readFileSync } from 'node:fs';
// Test-only helpers (reading the shared datasets); not part of the isomorphic package.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { describeWithSharedData, sharedDataPath } from '@ai-finops/test-utils';
import {
  GPU_CATALOG_GAPS,
  GPU_INSTANCE_PRICES,
  gpuHourPrice,
  gpuOfInstanceType,
  normaliseGpuModel,
  type CloudProvider,
} from './prices';

describe('gpuHourPrice', () => {
  it('divides the instance price by its GPUs and takes the cheapest', () => {
    expect(gpuHourPrice('NVIDIA-H100-80GB-HBM3')).toMatchObject({
      usdPerGpuHour: 6.88,
      source: { provider: 'aws', instanceType: 'p5.48xlarge' },
    });
    expect(
      gpuHourPrice('NVIDIA-H100-80GB-HBM3', { provider: 'azure' })
        ?.usdPerGpuHour,
    ).toBeCloseTo(12.29, 10);
  });

  it('matches product names and GFD labels alike', () => {
    expect(gpuHourPrice('nvidia h200')?.usdPerGpuHour).toBeCloseTo(7.912, 10);
    expect(normaliseGpuModel(' Tesla T4 ')).toBe('TESLA-T4');
  });

  it('filters by region and knows when it has no price', () => {
    expect(
      gpuHourPrice('NVIDIA-L4', { region: 'us-central1' })?.source.provider,
    ).toBe('gcp');
    expect(gpuHourPrice('NVIDIA-B200')).toBeUndefined();
    expect(gpuHourPrice('NVIDIA-L4', { region: 'mars-1' })).toBeUndefined();
  });

  it('covers the GPUs the suite is asked about on every provider it lists', () => {
    for (const model of [
      'NVIDIA-H100-80GB-HBM3',
      'NVIDIA-H200',
      'NVIDIA-A100-SXM4-80GB',
      'NVIDIA-L40S',
      'NVIDIA-L4',
      'NVIDIA-A10G',
      'Tesla-T4',
    ]) {
      expect(gpuHourPrice(model)).toBeDefined();
    }
  });

  it('prices each of those GPUs on AWS, Azure and Google Cloud, or names the gap', () => {
    const providers: CloudProvider[] = ['aws', 'azure', 'gcp'];
    const gpus = ['H100', 'H200', 'A100', 'L40S', 'L4', 'A10G', 'T4'];
    const matrix: Record<string, string> = {};
    for (const provider of providers) {
      for (const gpu of gpus) {
        const priced = GPU_INSTANCE_PRICES.filter(
          e =>
            e.provider === provider &&
            normaliseGpuModel(e.gpuModel).split('-').includes(gpu),
        );
        const gap = GPU_CATALOG_GAPS.find(
          g => g.provider === provider && g.gpu === gpu,
        );
        // Exactly one of the two.
        expect({
          provider,
          gpu,
          priced: priced.length > 0,
          gap: !!gap,
        }).toEqual({ provider, gpu, priced: !gap, gap: !!gap });
        matrix[`${provider} ${gpu}`] = gap
          ? 'gap'
          : Math.min(...priced.map(e => e.usdPerHour / e.gpuCount)).toFixed(3);
      }
    }
    expect(matrix).toEqual({
      'aws H100': '6.880',
      'aws H200': '7.912',
      'aws A100': '2.745',
      'aws L40S': '1.861',
      'aws L4': '0.805',
      'aws A10G': '1.006',
      'aws T4': '0.526',
      'azure H100': '6.980',
      'azure H200': '10.600',
      'azure A100': '3.673',
      'azure L40S': 'gap',
      'azure L4': 'gap',
      'azure A10G': 'gap',
      'azure T4': '0.526',
      'gcp H100': '11.061',
      'gcp H200': 'gap',
      'gcp A100': '3.673',
      'gcp L40S': 'gap',
      'gcp L4': '0.707',
      'gcp A10G': 'gap',
      'gcp T4': '0.540',
    });
  });
});

describe('gpuOfInstanceType', () => {
  it('takes model and count from an exact catalog entry', () => {
    expect(gpuOfInstanceType('p5.48xlarge')).toEqual({
      gpuModel: 'NVIDIA-H100-80GB-HBM3',
      gpuCount: 8,
    });
    expect(gpuOfInstanceType('Standard_NC4as_T4_v3')).toEqual({
      gpuModel: 'Tesla-T4',
      gpuCount: 1,
    });
  });

  it('knows GPU families by name, and GPU counts from AWS sizes and GCP machine types', () => {
    expect(gpuOfInstanceType('g5.4xlarge')).toEqual({
      gpuModel: 'NVIDIA-A10G',
      gpuCount: 1,
    });
    expect(gpuOfInstanceType('g5.12xlarge')).toEqual({
      gpuModel: 'NVIDIA-A10G',
      gpuCount: 4,
    });
    expect(gpuOfInstanceType('g3.16xlarge')).toEqual({
      gpuModel: 'Tesla-M60',
      gpuCount: 4,
    });
    expect(gpuOfInstanceType('g4dn.metal')).toEqual({
      gpuModel: 'Tesla-T4',
      gpuCount: 8,
    });
    // A size the table does not list: the model, no count.
    expect(gpuOfInstanceType('g6e.96xlarge')).toEqual({
      gpuModel: 'NVIDIA-L40S',
    });
    expect(gpuOfInstanceType('p5en.48xlarge')).toEqual({
      gpuModel: 'NVIDIA-H200',
      gpuCount: 8,
    });
    expect(gpuOfInstanceType('a3-highgpu-2g')).toEqual({
      gpuModel: 'NVIDIA-H100-80GB-HBM3',
      gpuCount: 2,
    });
    expect(gpuOfInstanceType('a3-ultragpu-8g')).toEqual({
      gpuModel: 'NVIDIA-H200',
      gpuCount: 8,
    });
    expect(gpuOfInstanceType('Standard_NV18ads_A10_v5')).toEqual({
      gpuModel: 'NVIDIA-A10',
    });
  });

  it('says nothing of CPU machines or of machines whose GPUs are add-ons', () => {
    for (const type of [
      'm5.large',
      'c5.2xlarge',
      'g5g.xlarge',
      'n1-standard-4',
      'Standard_D4s_v5',
    ]) {
      expect(gpuOfInstanceType(type)).toBeUndefined();
    }
  });
});

const PRICES_CSV = sharedDataPath(
  'cloud-ondemand-prices',
  'gpu_accel_prices_hourly_aws_azure_gcp.csv',
);

describeWithSharedData(
  'cloud-ondemand-prices/gpu_accel_prices_hourly_aws_azure_gcp.csv',
  "GPU_INSTANCE_PRICES against the autoscalers' price tables",
  () => {
    it('has every price exactly as published', () => {
      const [header, ...lines] = readFileSync(PRICES_CSV, 'utf8')
        .trim()
        .split('\n');
      const columns = header.split(',');
      const published = new Map<string, number>();
      for (const line of lines) {
        const cells = line.split(',');
        const row = Object.fromEntries(columns.map((c, i) => [c, cells[i]]));
        if (row.pricing !== 'on_demand' || row.currency !== 'USD') continue;
        published.set(
          `${row.provider.toLowerCase()}|${row.region}|${row.instance_type}`,
          Number(row.price_per_hour),
        );
      }
      for (const entry of GPU_INSTANCE_PRICES.filter(e => !e.accelerator)) {
        const key = `${entry.provider}|${entry.region}|${entry.instanceType}`;
        expect({ key, price: published.get(key) }).toEqual({
          key,
          price: entry.usdPerHour,
        });
      }
    });
  },
);

const GCP_MACHINES_CSV = sharedDataPath(
  'cloud-ondemand-prices',
  'gcp_machine_prices_hourly.csv',
);
const GCP_AUTOSCALER_CSV = sharedDataPath(
  'cloud-ondemand-prices',
  'gcp_price_table_cluster_autoscaler.csv',
);

describeWithSharedData(
  'cloud-ondemand-prices/gcp_price_table_cluster_autoscaler.csv',
  'GCP machines with GPU add-ons against the published tables',
  () => {
    const table = (file: string) => {
      // The autoscaler table has CRLF line ends.
      const [header, ...lines] = readFileSync(file, 'utf8')
        .trim()
        .split(/\r?\n/);
      const columns = header.split(',');
      return lines.map(line => {
        const cells = line.split(',');
        return Object.fromEntries(columns.map((c, i) => [c, cells[i]]));
      });
    };

    it('adds the machine price and the per-GPU add-on as published', () => {
      const machines = table(GCP_MACHINES_CSV);
      const addOns = table(GCP_AUTOSCALER_CSV).filter(
        r => r.table === 'gpuPrices',
      );
      const composed = GPU_INSTANCE_PRICES.filter(e => e.accelerator);
      expect(composed.length).toBeGreaterThan(0);
      for (const entry of composed) {
        const machine = machines.find(
          r =>
            r.region === entry.region &&
            r.machine_type === entry.instanceType &&
            r.pricing === 'on_demand',
        );
        const addOn = addOns.find(r => r.key === entry.accelerator!.type);
        expect(Number(addOn?.usd_per_hour)).toBe(
          entry.accelerator!.usdPerGpuHour,
        );
        expect(entry.usdPerHour).toBeCloseTo(
          Number(machine?.usd_per_hour) +
            entry.gpuCount * Number(addOn?.usd_per_hour),
          9,
        );
      }
    });
  },
);
