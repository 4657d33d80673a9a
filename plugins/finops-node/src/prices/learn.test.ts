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

import type { FocusRow } from '../focus';
import {
  cloudProviderOf,
  focusRowInstanceType,
  hoursPerUnit,
} from './focusRows';
import { learnedPrices } from './learn';

const row = (values: FocusRow['values']): FocusRow => ({ values, tags: {} });

describe('focusRows', () => {
  it('finds instance types in SKU details and charge descriptions', () => {
    expect(
      focusRowInstanceType(
        row({ SkuPriceDetails: '{"InstanceType":"p5.48xlarge","GpuCount":8}' }),
      ),
    ).toBe('p5.48xlarge');
    for (const [description, type] of [
      ['$0.34 per On Demand Linux c5.2xlarge Instance Hour', 'c5.2xlarge'],
      [
        '$0.19152 per On Demand Linux m7i-flex.xlarge Instance Hour',
        'm7i-flex.xlarge',
      ],
      ['Standard_NC24ads_A100_v4 Linux, East US 2', 'Standard_NC24ads_A100_v4'],
      ['A2 Instance Core running in Americas: a2-highgpu-1g', 'a2-highgpu-1g'],
      ['$0.045 per NAT Gateway Hour', undefined],
      ['$0.005 per Idle public IPv4 address per hour', undefined],
    ] as const) {
      expect(
        focusRowInstanceType(row({ ChargeDescription: description })),
      ).toBe(type);
    }
  });

  it('reads hours units and providers', () => {
    expect(hoursPerUnit('Hours')).toBe(1);
    expect(hoursPerUnit('1 Hour')).toBe(1);
    expect(hoursPerUnit('10 Hours')).toBe(10);
    expect(hoursPerUnit('GB-Hours')).toBeUndefined();
    expect(hoursPerUnit('vCPU-Hours')).toBeUndefined();
    expect(hoursPerUnit(null)).toBeUndefined();
    expect(cloudProviderOf('AWS')).toBe('aws');
    expect(cloudProviderOf('Microsoft')).toBe('azure');
    expect(cloudProviderOf('Google Cloud')).toBe('gcp');
    expect(cloudProviderOf('Oracle')).toBeUndefined();
  });
});

describe('learnedPrices', () => {
  const usage = {
    provider: 'AWS',
    region: 'us-east-1',
    currency: 'USD',
    unit: 'Hours',
    rows: 1,
  };

  it('divides cost by hours per SKU, merges units, and derives per-GPU prices', () => {
    expect(
      learnedPrices([
        {
          ...usage,
          skuId: 'P5',
          instanceType: 'p5.48xlarge',
          rows: 2,
          quantity: 3,
          effectiveCost: 120,
          listQuantity: 3,
          listCost: 165.12,
        },
        // Azure prices per 10 hours.
        {
          ...usage,
          provider: 'Microsoft',
          region: 'eastus2',
          skuId: 'NC24',
          unit: '10 Hours',
          instanceType: 'Standard_NC24ads_A100_v4',
          quantity: 0.5,
          effectiveCost: 15,
          listQuantity: 0.5,
          listCost: 18.365,
        },
        // Not in hours: no price.
        {
          ...usage,
          skuId: 'EBS',
          unit: 'GB-Mo',
          quantity: 100,
          effectiveCost: 8,
          listQuantity: 0,
          listCost: 0,
        },
      ]),
    ).toEqual([
      {
        provider: 'AWS',
        region: 'us-east-1',
        skuId: 'P5',
        instanceType: 'p5.48xlarge',
        gpuModel: 'NVIDIA-H100-80GB-HBM3',
        gpuCount: 8,
        currency: 'USD',
        rows: 2,
        hours: 3,
        effectivePerHour: 40,
        listPerHour: 55.04,
        effectivePerGpuHour: 5,
        listPerGpuHour: 6.88,
      },
      {
        provider: 'Microsoft',
        region: 'eastus2',
        skuId: 'NC24',
        instanceType: 'Standard_NC24ads_A100_v4',
        gpuModel: 'NVIDIA-A100-80GB-PCIe',
        gpuCount: 1,
        currency: 'USD',
        rows: 1,
        hours: 5,
        effectivePerHour: 3,
        listPerHour: expect.closeTo(3.673, 12),
        effectivePerGpuHour: 3,
        listPerGpuHour: expect.closeTo(3.673, 12),
      },
    ]);
  });
});
