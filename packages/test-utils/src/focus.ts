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

/**
 * The header of a minimal FOCUS 1.0 export in tests: the 1.0 mandatory
 * columns plus ChargeFrequency and Tags. Written out here, not derived from
 * the reader's spec table, so reader tests stay independent of it.
 */
export const FOCUS_1_0_TEST_HEADER: readonly string[] = [
  'BilledCost',
  'BillingAccountId',
  'BillingAccountName',
  'BillingCurrency',
  'BillingPeriodEnd',
  'BillingPeriodStart',
  'ChargeCategory',
  'ChargeClass',
  'ChargeDescription',
  'ChargeFrequency',
  'ChargePeriodEnd',
  'ChargePeriodStart',
  'ContractedCost',
  'EffectiveCost',
  'InvoiceIssuerName',
  'ListCost',
  'PricingQuantity',
  'PricingUnit',
  'ProviderName',
  'PublisherName',
  'ServiceCategory',
  'ServiceName',
  'Tags',
];

/** Quotes one CSV field (RFC 4180). */
export function csvQuote(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

/**
 * A FOCUS 1.0 CSV export: {@link FOCUS_1_0_TEST_HEADER} plus `extraColumns`,
 * then one line per row (absent fields empty).
 */
export function focusCsv(
  rows: ReadonlyArray<Record<string, string>>,
  extraColumns: readonly string[] = [],
): string {
  const header = [...FOCUS_1_0_TEST_HEADER, ...extraColumns];
  return `${[
    header.map(csvQuote).join(','),
    ...rows.map(r => header.map(h => csvQuote(r[h] ?? '')).join(',')),
  ].join('\n')}\n`;
}

/**
 * A FOCUS export of one GPU instance running for `hours` hours from
 * 2026-11-02T00:00Z at `usdPerHour` effective cost: one usage charge whose
 * ChargeDescription names `instanceType` (so the store learns its price per
 * GPU-hour) with SkuId, ConsumedQuantity and ConsumedUnit set. The list cost
 * is twice the effective cost.
 */
export function focusGpuInstanceCsv(options: {
  instanceType: string;
  usdPerHour: number;
  hours: number;
}): string {
  const { instanceType, usdPerHour, hours } = options;
  const end = new Date(Date.parse('2026-11-02T00:00:00Z') + hours * 3600_000);
  const cost = String(usdPerHour * hours);
  return focusCsv(
    [
      {
        BilledCost: cost,
        BillingAccountId: 'acct-1',
        BillingAccountName: 'Acme',
        BillingCurrency: 'USD',
        BillingPeriodEnd: '2026-12-01T00:00:00Z',
        BillingPeriodStart: '2026-11-01T00:00:00Z',
        ChargeCategory: 'Usage',
        ChargeClass: '',
        ChargeDescription: `$${usdPerHour} per Savings Plan Linux ${instanceType} Instance Hour`,
        ChargeFrequency: 'Usage-Based',
        ChargePeriodStart: '2026-11-02T00:00:00Z',
        ChargePeriodEnd: end.toISOString().replace('.000Z', 'Z'),
        ContractedCost: cost,
        EffectiveCost: cost,
        InvoiceIssuerName: 'AWS',
        ListCost: String(2 * usdPerHour * hours),
        PricingQuantity: String(hours),
        PricingUnit: 'Hours',
        ProviderName: 'AWS',
        PublisherName: 'AWS',
        ServiceCategory: 'Compute',
        ServiceName: 'Amazon EC2',
        Tags: '{}',
        SkuId: instanceType.toUpperCase(),
        ConsumedQuantity: String(hours),
        ConsumedUnit: 'Hours',
      },
    ],
    ['SkuId', 'ConsumedQuantity', 'ConsumedUnit'],
  );
}
