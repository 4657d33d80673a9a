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

import { mockServices } from '@backstage/backend-test-utils';
import type { JsonValue } from '@backstage/types';
import type { LearnedPrice } from './learn';
import { PriceCatalog } from './PriceCatalog';

const learnedH100: LearnedPrice = {
  provider: 'AWS',
  region: 'us-east-1',
  skuId: 'P5',
  instanceType: 'p5.48xlarge',
  gpuModel: 'NVIDIA-H100-80GB-HBM3',
  gpuCount: 8,
  currency: 'USD',
  rows: 10,
  hours: 30,
  effectivePerHour: 32,
  listPerHour: 55.04,
  effectivePerGpuHour: 4,
  listPerGpuHour: 6.88,
};

describe('PriceCatalog', () => {
  it('answers from the embedded list prices when nothing else is known', () => {
    const catalog = new PriceCatalog();
    expect(catalog.gpuHourPrice({ gpuModel: 'nvidia h100 80gb hbm3' })).toEqual(
      {
        layer: 'embedded',
        basis: 'list',
        usdPerHour: 55.04,
        usdPerGpuHour: 6.88,
        provider: 'aws',
        region: 'us-east-1',
        instanceType: 'p5.48xlarge',
        gpuModel: 'NVIDIA-H100-80GB-HBM3',
        gpuCount: 8,
        source: 'list price of aws p5.48xlarge in us-east-1',
      },
    );
    expect(catalog.gpuHourPrice({ gpuModel: 'NVIDIA-B200' })).toBeUndefined();
  });

  it('prefers learned prices to list prices, and config overrides to both', () => {
    const embeddedOnly = new PriceCatalog();
    const learned = embeddedOnly.withLearned([learnedH100]);
    const query = { gpuModel: 'NVIDIA-H100-80GB-HBM3', provider: 'aws' };

    expect(embeddedOnly.gpuHourPrice(query)).toMatchObject({
      layer: 'embedded',
      usdPerGpuHour: 6.88,
    });
    expect(learned.gpuHourPrice(query)).toMatchObject({
      layer: 'learned',
      basis: 'effective',
      usdPerGpuHour: 4,
      source: 'FOCUS: 240 GPU-hours of 1 SKU',
    });
    expect(learned.gpuHourPrice({ ...query, basis: 'list' })).toMatchObject({
      layer: 'learned',
      basis: 'list',
      usdPerGpuHour: 6.88,
    });
    expect(learned.gpuHourPrice(query)).toMatchObject({
      layer: 'learned',
      usdPerHour: 32,
      usdPerGpuHour: 4,
    });

    const configured = new PriceCatalog({
      learned: [learnedH100],
      overrides: [{ gpuModel: 'NVIDIA-H100-80GB-HBM3', usdPerGpuHour: 3.5 }],
    });
    expect(configured.gpuHourPrice(query)).toMatchObject({
      layer: 'config',
      basis: 'configured',
      usdPerGpuHour: 3.5,
      source: 'finops.prices.overrides[0]',
    });
    // Other GPUs still come from the lower layers.
    expect(configured.gpuHourPrice({ gpuModel: 'NVIDIA-L4' })?.layer).toBe(
      'embedded',
    );
  });

  it('picks the most specific override, the first on a tie', () => {
    const catalog = new PriceCatalog({
      overrides: [
        { gpuModel: 'NVIDIA-H100-80GB-HBM3', usdPerGpuHour: 5 },
        {
          gpuModel: 'NVIDIA-H100-80GB-HBM3',
          provider: 'azure',
          usdPerGpuHour: 7,
        },
        {
          gpuModel: 'NVIDIA-H100-80GB-HBM3',
          provider: 'azure',
          region: 'eastus2',
          usdPerGpuHour: 6,
        },
        { gpuModel: 'NVIDIA-H100-80GB-HBM3', usdPerGpuHour: 9 },
        { instanceType: 'a3-highgpu-8g', usdPerHour: 60 },
      ],
    });
    const h100 = (q: object) =>
      catalog.gpuHourPrice({ gpuModel: 'NVIDIA-H100-80GB-HBM3', ...q })
        ?.usdPerGpuHour;
    expect(h100({})).toBe(5);
    expect(h100({ provider: 'aws' })).toBe(5);
    expect(h100({ provider: 'Microsoft' })).toBe(7);
    expect(h100({ provider: 'azure', region: 'eastus2' })).toBe(6);
    // An instance override prices its GPU: per GPU from the machine type.
    expect(
      new PriceCatalog({
        overrides: [{ instanceType: 'a3-highgpu-8g', usdPerHour: 60 }],
      }).gpuHourPrice({ gpuModel: 'NVIDIA-H100-80GB-HBM3' }),
    ).toMatchObject({
      usdPerHour: 60,
      usdPerGpuHour: 7.5,
      instanceType: 'a3-highgpu-8g',
    });
  });

  it('falls back to another region and says so', () => {
    const catalog = new PriceCatalog({ learned: [learnedH100] });
    expect(
      catalog.gpuHourPrice({
        gpuModel: 'NVIDIA-H100-80GB-HBM3',
        region: 'eu-west-1',
      }),
    ).toMatchObject({
      layer: 'learned',
      region: 'us-east-1',
      otherRegion: true,
    });
    expect(
      catalog.gpuHourPrice({
        gpuModel: 'NVIDIA-H100-80GB-HBM3',
        region: 'us-east-1',
      }),
    ).not.toHaveProperty('otherRegion');
  });

  it('ignores learned prices in other currencies', () => {
    const catalog = new PriceCatalog({
      learned: [{ ...learnedH100, currency: 'EUR' }],
    });
    expect(
      catalog.gpuHourPrice({ gpuModel: 'NVIDIA-H100-80GB-HBM3' })?.layer,
    ).toBe('embedded');
  });

  it('reads finops.prices.overrides and names a bad entry', () => {
    const config = (overrides: JsonValue) =>
      mockServices.rootConfig({ data: { finops: { prices: { overrides } } } });
    const catalog = PriceCatalog.fromConfig(
      config([
        { provider: 'aws', instanceType: 'g6e.xlarge', usdPerHour: 1.2 },
        { gpuModel: 'NVIDIA-L4', usdPerGpuHour: 0.5 },
      ]),
    );
    expect(catalog.overrides).toEqual([
      { provider: 'aws', instanceType: 'g6e.xlarge', usdPerHour: 1.2 },
      { gpuModel: 'NVIDIA-L4', usdPerGpuHour: 0.5 },
    ]);
    expect(
      catalog.gpuHourPrice({ gpuModel: 'NVIDIA-L40S', provider: 'aws' }),
    ).toMatchObject({ layer: 'config', usdPerGpuHour: 1.2 });
    expect(
      PriceCatalog.fromConfig(mockServices.rootConfig()).overrides,
    ).toEqual([]);

    expect(() =>
      PriceCatalog.fromConfig(config([{ gpuModel: 'NVIDIA-L4' }])),
    ).toThrow('finops.prices.overrides[0] needs usdPerHour or usdPerGpuHour');
    expect(() =>
      PriceCatalog.fromConfig(
        config([
          { gpuModel: 'NVIDIA-L4', usdPerGpuHour: 1 },
          { usdPerHour: 3 },
        ]),
      ),
    ).toThrow(
      'finops.prices.overrides[1] needs an instanceType or a gpuModel to say what it prices',
    );
    expect(() =>
      PriceCatalog.fromConfig(
        config([{ gpuModel: 'NVIDIA-L4', usdPerGpuHour: -1 }]),
      ),
    ).toThrow(
      'finops.prices.overrides[0].usdPerGpuHour must be a non-negative number, got -1',
    );
  });
});
