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

import type { FocusRow } from './FocusReader';
import {
  FOCUS_LABELS,
  focusCostCategory,
  focusFactDimensions,
  spreadOverHours,
} from './facts';

const H = 3_600_000;
const t = (iso: string) => Date.parse(iso);

const row = (values: FocusRow['values']): FocusRow => ({
  values: {
    ChargeCategory: 'Usage',
    ProviderName: 'AWS',
    ServiceCategory: 'Compute',
    ...values,
  },
  tags: {},
});

/** The stored columns a fact is derived from, as the store reads them. */
const charge = {
  ProviderName: 'AWS',
  ServiceCategory: 'Compute',
  ChargeCategory: 'Usage',
  SubAccountId: '123456789012',
  RegionId: 'us-east-1',
  RegionName: 'US East (N. Virginia)',
  ServiceName: 'Amazon Elastic Compute Cloud',
  ResourceId: 'i-0abc',
  ResourceName: 'chat-llm-node',
  instanceType: 'g5.4xlarge',
  gpuCount: null,
};

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

describe('focusFactDimensions', () => {
  it('keeps the region, workload, GPU model and billing labels', () => {
    expect(focusFactDimensions(charge)).toEqual({
      category: 'gpu',
      region: 'us-east-1',
      workload: 'Amazon Elastic Compute Cloud',
      gpuModel: 'NVIDIA-A10G',
      labels: {
        [FOCUS_LABELS.provider]: 'AWS',
        [FOCUS_LABELS.serviceCategory]: 'Compute',
        [FOCUS_LABELS.chargeCategory]: 'Usage',
        [FOCUS_LABELS.subAccount]: '123456789012',
      },
    });
  });

  it('falls back to RegionName, takes the workload column asked for, and counts a GPU without a known model', () => {
    const dimensions = focusFactDimensions(
      {
        ...charge,
        RegionId: null,
        SubAccountId: null,
        instanceType: 'unknown.large',
        gpuCount: 2,
      },
      { workload: 'ResourceName' },
    );
    expect(dimensions).toMatchObject({
      category: 'gpu',
      region: 'US East (N. Virginia)',
      workload: 'chat-llm-node',
    });
    expect(dimensions).not.toHaveProperty('gpuModel');
    expect(dimensions.labels).not.toHaveProperty(FOCUS_LABELS.subAccount);
    expect(
      focusFactDimensions(charge, { workload: 'ResourceId' }).workload,
    ).toBe('i-0abc');
    expect(
      focusFactDimensions(charge, { workload: 'none' }),
    ).not.toHaveProperty('workload');
    expect(
      focusFactDimensions({ ...charge, instanceType: null }).category,
    ).toBe('cpu');
  });
});
