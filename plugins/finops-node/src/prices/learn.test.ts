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

import {
  describeWithSharedData,
  readCsvRecords,
  sharedDataPath,
} from '@ai-finops/test-utils';
import { FocusReader, type FocusRow } from '../focus';
import {
  cloudProviderOf,
  focusRowInstanceType,
  hoursPerUnit,
} from './focusRows';
import { FocusPriceLearner, learnPricesFromFocus } from './learn';

const row = (values: FocusRow['values']): FocusRow => ({ values, tags: {} });

const usage = (values: FocusRow['values']) =>
  row({
    ChargeCategory: 'Usage',
    ChargeClass: null,
    ProviderName: 'AWS',
    RegionId: 'us-east-1',
    BillingCurrency: 'USD',
    ConsumedUnit: 'Hours',
    PricingUnit: 'Hours',
    ...values,
  });

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

describe('FocusPriceLearner', () => {
  it('divides cost by hours per SKU, and derives per-GPU prices', () => {
    const learner = new FocusPriceLearner();
    const p5 = {
      SkuId: 'P5',
      ChargeDescription: '$55.04 per On Demand Linux p5.48xlarge Instance Hour',
    };
    learner.add(
      usage({
        ...p5,
        ConsumedQuantity: 2,
        EffectiveCost: 80,
        ListCost: 110.08,
      }),
    );
    learner.add(
      usage({ ...p5, ConsumedQuantity: 1, EffectiveCost: 40, ListCost: 55.04 }),
    );
    // Azure prices per 10 hours; consumption in hours wins.
    learner.add(
      usage({
        ProviderName: 'Microsoft',
        RegionId: 'eastus2',
        SkuId: 'NC24',
        ConsumedUnit: '10 Hours',
        ConsumedQuantity: 0.5,
        EffectiveCost: 15,
        ListCost: 18.365,
        SkuPriceDetails: '{"InstanceType":"Standard_NC24ads_A100_v4"}',
      }),
    );
    expect(learner.prices()).toEqual([
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

  it('skips what is not usage priced in hours, and counts why', () => {
    const learner = new FocusPriceLearner();
    expect(
      learner.add(
        usage({ ChargeCategory: 'Credit', SkuId: 'x', ConsumedQuantity: 1 }),
      ),
    ).toBe(false);
    expect(
      learner.add(
        usage({ ChargeClass: 'Correction', SkuId: 'x', ConsumedQuantity: 1 }),
      ),
    ).toBe(false);
    expect(
      learner.add(
        usage({
          ConsumedUnit: 'GB',
          PricingUnit: 'GB',
          SkuId: 'x',
          ConsumedQuantity: 1,
        }),
      ),
    ).toBe(false);
    expect(
      learner.add(
        usage({ SkuId: 'x', ConsumedQuantity: -1, EffectiveCost: -0.1 }),
      ),
    ).toBe(false);
    expect(
      learner.add(
        usage({ SkuId: null, ConsumedQuantity: 1, EffectiveCost: 1 }),
      ),
    ).toBe(false);
    expect(learner.skipped).toEqual({
      'not-usage': 1,
      correction: 1,
      'not-hours': 1,
      'no-quantity': 1,
      'no-sku': 1,
    });
    expect(learner.prices()).toEqual([]);
  });
});

// Reading the sample twice takes a few seconds on a loaded machine.
jest.setTimeout(30_000);

const SAMPLE = sharedDataPath('focus-sample-data-1.0', 'focus_sample.csv');

describeWithSharedData(
  'focus-sample-data-1.0/focus_sample.csv',
  'learnPricesFromFocus on the FOCUS sample',
  () => {
    it('learns the price per SKU an independent reading of the CSV gives', async () => {
      const learned = await learnPricesFromFocus(
        new FocusReader({ mode: 'lenient' }).read(SAMPLE),
      );

      // Independently: usage rows in hours, Σ EffectiveCost ÷ Σ hours per
      // provider, region and SKU.
      const expected = new Map<
        string,
        { hours: number; cost: number; list: number; rows: number }
      >();
      for (const r of readCsvRecords(SAMPLE)) {
        if (r.ChargeCategory !== 'Usage') continue;
        let hours: number;
        if (r.ConsumedUnit === 'Hours') hours = Number(r.ConsumedQuantity);
        else if (r.PricingUnit === 'Hours') hours = Number(r.PricingQuantity);
        else continue;
        if (!(hours > 0)) continue;
        const key = [r.ProviderName, r.RegionId, r.SkuId].join('|');
        const group = expected.get(key) ?? {
          hours: 0,
          cost: 0,
          list: 0,
          rows: 0,
        };
        group.hours += hours;
        group.cost += Number(r.EffectiveCost);
        group.list += Number(r.ListCost);
        group.rows += 1;
        expected.set(key, group);
      }
      expect(expected.size).toBeGreaterThan(20);
      expect(
        Object.fromEntries(
          learned.map(p => [[p.provider, p.region, p.skuId].join('|'), p.rows]),
        ),
      ).toEqual(
        Object.fromEntries([...expected].map(([key, g]) => [key, g.rows])),
      );
      for (const price of learned) {
        const group = expected.get(
          [price.provider, price.region, price.skuId].join('|'),
        )!;
        expect(price.hours).toBeCloseTo(group.hours, 9);
        expect(price.effectivePerHour).toBeCloseTo(group.cost / group.hours, 9);
        expect(price.listPerHour).toBeCloseTo(group.list / group.hours, 9);
      }

      // The GPU instances of the sample: g5.4xlarge (A10G) and g3.4xlarge (M60).
      const gpus = learned.filter(p => p.gpuModel);
      expect(
        gpus.map(p => [p.instanceType, p.gpuModel, p.gpuCount, p.listPerHour]),
      ).toEqual([
        ['g5.4xlarge', 'NVIDIA-A10G', 1, expect.closeTo(1.624, 9)],
        ['g3.4xlarge', 'Tesla-M60', 1, expect.closeTo(1.14, 9)],
      ]);
    });
  },
);
