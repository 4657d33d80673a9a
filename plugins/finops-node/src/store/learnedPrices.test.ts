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

import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import {
  describeWithSharedData,
  readCsvRecords,
  sharedDataPath,
} from '@ai-finops/test-utils';
import { FocusReader, type FocusRow } from '../focus';
import { PriceCatalog } from '../prices';
import { DatabaseFinopsStore } from './DatabaseFinopsStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

async function storeOf(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  return DatabaseFinopsStore.create({
    database: mockServices.database({ knex, migrations: { skip: false } }),
  });
}

const usage = (values: FocusRow['values']): FocusRow => ({
  values: {
    BillingPeriodStart: '2026-11-01T00:00:00Z',
    ChargePeriodStart: '2026-11-02T00:00:00Z',
    ChargePeriodEnd: '2026-11-02T01:00:00Z',
    ChargeCategory: 'Usage',
    ChargeClass: null,
    ProviderName: 'AWS',
    RegionId: 'us-east-1',
    BillingCurrency: 'USD',
    ConsumedUnit: 'Hours',
    BilledCost: 0,
    ...values,
  },
  tags: {},
});

describe.each(databases.eachSupportedId())(
  'queryLearnedPrices (%s)',
  databaseId => {
    it('learns per SKU from usage in hours, skipping corrections, credits and other units', async () => {
      const store = await storeOf(databaseId);
      const p5 = {
        SkuId: 'P5',
        ChargeDescription:
          '$55.04 per On Demand Linux p5.48xlarge Instance Hour',
      };
      await store.replaceBillingCharges('cur', [
        usage({
          ...p5,
          ConsumedQuantity: 2,
          EffectiveCost: 80,
          ListCost: 110.08,
        }),
        usage({
          ...p5,
          ConsumedQuantity: 1,
          EffectiveCost: 40,
          ListCost: 55.04,
        }),
        usage({
          ...p5,
          ChargeCategory: 'Credit',
          ConsumedQuantity: 1,
          EffectiveCost: -9,
        }),
        usage({
          ...p5,
          ChargeClass: 'Correction',
          ConsumedQuantity: 1,
          EffectiveCost: 9,
        }),
        usage({
          ...p5,
          ConsumedUnit: 'GB',
          ConsumedQuantity: 1,
          EffectiveCost: 9,
        }),
        usage({ ...p5, ConsumedQuantity: -1, EffectiveCost: -0.1 }),
        usage({
          ProviderName: 'Microsoft',
          RegionId: 'eastus2',
          SkuId: 'NC24',
          ConsumedUnit: '10 Hours',
          ConsumedQuantity: 0.5,
          EffectiveCost: 15,
          SkuPriceDetails: '{"InstanceType":"Standard_NC24ads_A100_v4"}',
        }),
      ]);
      expect(await store.queryLearnedPrices()).toEqual([
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
          listPerHour: expect.closeTo(55.04, 9),
          effectivePerGpuHour: 5,
          listPerGpuHour: expect.closeTo(6.88, 9),
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
          effectivePerGpuHour: 3,
        },
      ]);
    });
  },
);

const SAMPLE = sharedDataPath('focus-sample-data-1.0', 'focus_sample.csv');

describeWithSharedData(
  'focus-sample-data-1.0/focus_sample.csv',
  'prices learned from the stored FOCUS sample',
  () => {
    it('learns the price per SKU an independent reading of the CSV gives, and layers it in the catalog', async () => {
      const store = await storeOf('SQLITE_3');
      await store.replaceBillingCharges(
        'sample',
        new FocusReader({ mode: 'lenient' }).read(SAMPLE),
      );
      const learned = await store.queryLearnedPrices();

      // Independently: usage rows consumed in hours, Σ EffectiveCost ÷ Σ
      // hours per provider, region and SKU.
      const expected = new Map<
        string,
        { hours: number; cost: number; list: number; rows: number }
      >();
      let a10gHours = 0;
      let a10gCost = 0;
      for (const r of readCsvRecords(SAMPLE)) {
        if (r.ChargeCategory !== 'Usage' || r.ConsumedUnit !== 'Hours')
          continue;
        const hours = Number(r.ConsumedQuantity);
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
        if (r.ChargeDescription.includes(' g5.4xlarge ')) {
          a10gHours += hours;
          a10gCost += Number(r.EffectiveCost);
        }
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
        // The sample carries up to 11 decimals; the store keeps each amount
        // to the nearest nano-unit.
        expect(price.effectivePerHour).toBeCloseTo(group.cost / group.hours, 7);
        expect(price.listPerHour).toBeCloseTo(group.list / group.hours, 7);
      }

      // The sample's A10G price sits between config and the list price.
      expect(a10gHours).toBeGreaterThan(1);
      const query = { gpuModel: 'NVIDIA-A10G', provider: 'AWS' };
      expect(new PriceCatalog().gpuHourPrice(query)).toMatchObject({
        layer: 'embedded',
        usdPerGpuHour: 1.006,
      });
      const catalog = new PriceCatalog({ learned });
      expect(catalog.gpuHourPrice(query)).toMatchObject({
        layer: 'learned',
        basis: 'effective',
        instanceType: 'g5.4xlarge',
        region: 'us-east-1',
        usdPerGpuHour: expect.closeTo(a10gCost / a10gHours, 9),
      });
      expect(
        catalog.gpuHourPrice({ ...query, basis: 'list' })?.usdPerGpuHour,
      ).toBeCloseTo(1.624, 9);
      expect(
        new PriceCatalog({
          learned,
          overrides: [{ instanceType: 'g5.4xlarge', usdPerHour: 1.1 }],
        }).gpuHourPrice(query),
      ).toMatchObject({ layer: 'config', usdPerGpuHour: 1.1 });
    });
  },
);
