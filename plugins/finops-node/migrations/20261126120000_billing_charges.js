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

// @ts-check

/**
 * FOCUS dimensions kept as columns, so that costs can be grouped by them.
 * Free-form names and ids are `text` (cloud resource ids easily pass 255
 * characters); enumerated values, which the FOCUS reader validates, are short
 * strings.
 */
const TEXT_DIMENSIONS = [
  ['provider_name', 'FOCUS ProviderName: who made the resource available'],
  ['publisher_name', 'FOCUS PublisherName: who produced the resource'],
  ['invoice_issuer_name', 'FOCUS InvoiceIssuerName: who issued the invoice'],
  ['billing_account_id', 'FOCUS BillingAccountId'],
  ['billing_account_name', 'FOCUS BillingAccountName'],
  ['sub_account_id', 'FOCUS SubAccountId: project, subscription or account'],
  ['sub_account_name', 'FOCUS SubAccountName'],
  ['service_name', 'FOCUS ServiceName'],
  ['region_id', 'FOCUS RegionId'],
  ['resource_id', 'FOCUS ResourceId'],
  ['resource_type', 'FOCUS ResourceType'],
  ['sku_id', 'FOCUS SkuId'],
  ['consumed_unit', 'FOCUS ConsumedUnit'],
];

const ENUM_DIMENSIONS = [
  [
    'service_category',
    'FOCUS ServiceCategory, e.g. Compute or AI and Machine Learning',
  ],
  [
    'charge_category',
    'FOCUS ChargeCategory: Usage, Purchase, Tax, Credit or Adjustment',
  ],
  ['charge_class', 'FOCUS ChargeClass: Correction, or null'],
  [
    'charge_frequency',
    'FOCUS ChargeFrequency: One-Time, Recurring or Usage-Based',
  ],
  [
    'pricing_category',
    'FOCUS PricingCategory: Standard, Dynamic, Committed or Other',
  ],
  ['billing_currency', 'FOCUS BillingCurrency: ISO 4217 code of the amounts'],
];

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('finops_billing_charges', table => {
    table.comment(
      'Rows of FOCUS billing exports, per source; an ingestion replaces the billing periods it carries',
    );
    table.increments('id').comment('Surrogate key');
    table
      .string('source', 255)
      .notNullable()
      .comment('Id of the billing export the row was read from');
    table
      .string('run_id', 36)
      .notNullable()
      .comment('UUID of the ingestion that stored the row');
    table
      .timestamp('ingested_at', { useTz: true })
      .notNullable()
      .comment('When that ingestion started');
    table
      .timestamp('billing_period_start', { useTz: true })
      .nullable()
      .comment('FOCUS BillingPeriodStart (UTC); null when the export omits it');
    table
      .timestamp('charge_period_start', { useTz: true })
      .notNullable()
      .comment('FOCUS ChargePeriodStart (UTC, inclusive)');
    table
      .timestamp('charge_period_end', { useTz: true })
      .notNullable()
      .comment('FOCUS ChargePeriodEnd (UTC, exclusive)');
    for (const [name, comment] of TEXT_DIMENSIONS) {
      table.text(name).nullable().comment(comment);
    }
    for (const [name, comment] of ENUM_DIMENSIONS) {
      table.string(name, 64).nullable().comment(comment);
    }
    table
      .double('consumed_quantity')
      .nullable()
      .comment('FOCUS ConsumedQuantity, in consumed_unit');
    table
      .double('billed_cost')
      .notNullable()
      .comment('FOCUS BilledCost: what the invoice says');
    table
      .double('effective_cost')
      .notNullable()
      .comment('FOCUS EffectiveCost: amortised commitments and discounts');
    table
      .double('list_cost')
      .nullable()
      .comment('FOCUS ListCost: the public on-demand price');
    table
      .double('contracted_cost')
      .nullable()
      .comment('FOCUS ContractedCost: at the negotiated price');
    table
      .text('tags')
      .notNullable()
      .comment('FOCUS Tags: canonical JSON object with sorted keys');
    table.index(
      ['source', 'billing_period_start'],
      'finops_billing_charges_source_period_idx',
    );
    table.index(
      ['charge_period_start'],
      'finops_billing_charges_charge_period_start_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('finops_billing_charges');
};
