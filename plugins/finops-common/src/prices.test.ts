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
import { GPU_INSTANCE_PRICES, gpuHourPrice, normaliseGpuModel } from './prices';

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
      for (const entry of GPU_INSTANCE_PRICES) {
        const key = `${entry.provider}|${entry.region}|${entry.instanceType}`;
        expect({ key, price: published.get(key) }).toEqual({
          key,
          price: entry.usdPerHour,
        });
      }
    });
  },
);
