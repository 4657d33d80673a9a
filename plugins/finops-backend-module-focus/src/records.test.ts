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

import type { FocusRow } from '@ai-finops/backstage-plugin-finops-node';
import {
  FOCUS_LABELS,
  HourlyCostFacts,
  focusCostCategory,
  focusRowToCharge,
  spreadOverHours,
} from './records';

const H = 3_600_000;
const t = (iso: string) => Date.parse(iso);

const row = (
  values: FocusRow['values'],
  tags: Record<string, string> = {},
): FocusRow => ({
  values: {
    BilledCost: 6,
    EffectiveCost: 3,
    ListCost: 12,
    BillingCurrency: 'USD',
    ChargeCategory: 'Usage',
    ChargePeriodStart: '2026-11-02T00:00:00.000Z',
    ChargePeriodEnd: '2026-11-02T06:00:00.000Z',
    ProviderName: 'AWS',
    ServiceCategory: 'Compute',
    ServiceName: 'Amazon Elastic Compute Cloud',
    RegionId: 'us-east-1',
    SubAccountId: '123456789012',
    ResourceId: 'i-0abc',
    ChargeDescription: '$1 per On Demand Linux m5.large Instance Hour',
    ...values,
  },
  tags,
});

describe('spreadOverHours', () => {
  it('spreads a period evenly over its hours', () => {
    expect([
      ...spreadOverHours(t('2026-11-02T00:00Z'), t('2026-11-02T04:00Z')),
    ]).toEqual(
      [0, 1, 2, 3].map(i => ({
        hour: t('2026-11-02T00:00Z') + i * H,
        share: 0.25,
      })),
    );
  });

  it('gives partial hours their share of the overlap', () => {
    expect([
      ...spreadOverHours(t('2026-11-02T00:30Z'), t('2026-11-02T02:30Z')),
    ]).toEqual([
      { hour: t('2026-11-02T00:00Z'), share: 0.25 },
      { hour: t('2026-11-02T01:00Z'), share: 0.5 },
      { hour: t('2026-11-02T02:00Z'), share: 0.25 },
    ]);
  });

  it('puts a period of no length in its start hour', () => {
    expect([
      ...spreadOverHours(t('2026-11-02T00:20Z'), t('2026-11-02T00:20Z')),
    ]).toEqual([{ hour: t('2026-11-02T00:00Z'), share: 1 }]);
  });
});

describe('focusCostCategory', () => {
  it.each([
    [{ ServiceCategory: 'Compute' }, 'cpu'],
    [
      {
        ServiceCategory: 'Compute',
        ChargeDescription:
          '$1.624 per On Demand Linux g5.4xlarge Instance Hour',
      },
      'gpu',
    ],
    [
      {
        ServiceCategory: 'AI and Machine Learning',
        SkuPriceDetails: '{"InstanceType":"Standard_NC24ads_A100_v4"}',
      },
      'gpu',
    ],
    [{ ServiceCategory: 'Compute', SkuPriceDetails: '{"GpuCount":4}' }, 'gpu'],
    [
      {
        ServiceCategory: 'AI and Machine Learning',
        ChargeDescription: 'tokens',
      },
      'other',
    ],
    [{ ServiceCategory: 'Storage' }, 'storage'],
    [{ ServiceCategory: 'Networking' }, 'network'],
    [{ ServiceCategory: 'Databases' }, 'other'],
    [{ ServiceCategory: 'Compute', ChargeCategory: 'Tax' }, 'other'],
  ] as const)('%j is %s', (values, category) => {
    expect(focusCostCategory(row(values))).toBe(category);
  });
});

describe('focusRowToCharge', () => {
  it('keeps the amounts, tags, region and billing labels', () => {
    const charge = focusRowToCharge(
      row(
        {
          ChargeDescription:
            '$1.624 per On Demand Linux g5.4xlarge Instance Hour',
        },
        { app: 'chat-llm', team: 'assistant' },
      ),
    );
    expect(charge).toEqual({
      start: t('2026-11-02T00:00Z'),
      end: t('2026-11-02T06:00Z'),
      billedCost: 6,
      effectiveCost: 3,
      listCost: 12,
      fact: {
        type: 'cost',
        category: 'gpu',
        currency: 'USD',
        region: 'us-east-1',
        workload: 'Amazon Elastic Compute Cloud',
        gpuModel: 'NVIDIA-A10G',
        tags: { app: 'chat-llm', team: 'assistant' },
        labels: {
          [FOCUS_LABELS.provider]: 'AWS',
          [FOCUS_LABELS.serviceCategory]: 'Compute',
          [FOCUS_LABELS.chargeCategory]: 'Usage',
          [FOCUS_LABELS.subAccount]: '123456789012',
        },
      },
    });
  });

  it('falls back to RegionName, takes the workload column asked for, counts a missing ListCost as 0', () => {
    const charge = focusRowToCharge(
      row({
        RegionId: null,
        RegionName: 'East US',
        ListCost: null,
        SubAccountId: null,
      }),
      { workload: 'ResourceId' },
    );
    expect(charge.fact).toMatchObject({
      region: 'East US',
      workload: 'i-0abc',
    });
    expect(charge.fact.labels).not.toHaveProperty(FOCUS_LABELS.subAccount);
    expect(charge.listCost).toBe(0);
    expect(
      focusRowToCharge(row({}), { workload: 'none' }).fact,
    ).not.toHaveProperty('workload');
  });

  it('rejects a period that ends before it starts', () => {
    expect(() =>
      focusRowToCharge(row({ ChargePeriodEnd: '2026-11-01T00:00:00.000Z' })),
    ).toThrow(
      'ChargePeriodEnd 2026-11-01T00:00:00.000Z is before ChargePeriodStart 2026-11-02T00:00:00.000Z',
    );
  });
});

describe('HourlyCostFacts', () => {
  it('sums charges per hour and dimensions, in a stable order, inside the window', () => {
    const facts = new HourlyCostFacts();
    const window = (hour: number) =>
      hour >= t('2026-11-02T02:00Z') && hour < t('2026-11-02T04:00Z');
    facts.add(focusRowToCharge(row({})), window);
    facts.add(
      focusRowToCharge(row({ BilledCost: 12, EffectiveCost: 6, ListCost: 0 })),
      window,
    );
    facts.add(focusRowToCharge(row({}, { app: 'x' })), window);
    const records = [...facts.records()];
    expect(records.map(r => [r.hour, r.billedCost, r.tags ?? null])).toEqual([
      ['2026-11-02T02:00:00.000Z', 1, { app: 'x' }],
      ['2026-11-02T02:00:00.000Z', 3, null],
      ['2026-11-02T03:00:00.000Z', 1, { app: 'x' }],
      ['2026-11-02T03:00:00.000Z', 3, null],
    ]);
    expect(records[1]).toMatchObject({ effectiveCost: 1.5, listCost: 2 });
    expect(facts.size).toBe(4);

    const copy = new HourlyCostFacts();
    copy.addFrom(facts, t('2026-11-02T03:00Z'), t('2026-11-02T09:00Z'));
    expect([...copy.records()]).toEqual(records.slice(2));
    facts.keepOnly(t('2026-11-02T02:00Z'), t('2026-11-02T03:00Z'));
    expect([...facts.records()]).toEqual(records.slice(0, 2));
  });
});
