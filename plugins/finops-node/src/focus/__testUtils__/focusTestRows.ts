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

/** One valid FOCUS 1.x row: an hour of an AWS p5.48xlarge in November 2026. */
export const FOCUS_TEST_ROW: Readonly<Record<string, string>> = {
  BilledCost: '12.5',
  BillingAccountId: 'acct-1',
  BillingAccountName: 'Acme',
  BillingCurrency: 'USD',
  BillingPeriodEnd: '2026-12-01T00:00:00Z',
  BillingPeriodStart: '2026-11-01T00:00:00Z',
  ChargeCategory: 'Usage',
  ChargeClass: '',
  ChargeDescription: 'p5.48xlarge',
  ChargeFrequency: 'Usage-Based',
  ChargePeriodEnd: '2026-11-02T01:00:00Z',
  ChargePeriodStart: '2026-11-02T00:00:00Z',
  ContractedCost: '12.5',
  EffectiveCost: '10',
  InvoiceIssuerName: 'AWS',
  ListCost: '13',
  PricingQuantity: '1',
  PricingUnit: 'Hours',
  ProviderName: 'AWS',
  PublisherName: 'AWS',
  ServiceCategory: 'Compute',
  ServiceName: 'Amazon EC2',
  Tags: '{"app":"chat-llm","team":"assistant"}',
};

/**
 * The same hour in February 2024, with one tag and without the optional
 * ChargeClass column (the columns keep their order).
 */
export const FOCUS_TEST_ROW_2024: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    Object.entries(FOCUS_TEST_ROW).filter(([name]) => name !== 'ChargeClass'),
  ),
  BillingPeriodEnd: '2024-03-01T00:00:00Z',
  BillingPeriodStart: '2024-02-01T00:00:00Z',
  ChargePeriodEnd: '2024-02-02T01:00:00Z',
  ChargePeriodStart: '2024-02-02T00:00:00Z',
  Tags: '{"app":"chat-llm"}',
};
