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
import { InputError } from '@backstage/errors';
import { canonicalStringMap } from '../lib/canonical';
import { ONE_DAY_MS, toDate } from '../lib/time';
import type { DbBillingChargeRow, DbTimestamp } from './tables';

/** How a group-by column is read back from its database column. */
type BillingDimensionKind = 'text' | 'timestamp' | 'day';

/**
 * The FOCUS columns costs can be grouped by, and the database column each is
 * stored in. `ChargePeriodDay` is virtual: the UTC day (`YYYY-MM-DD`) of
 * `ChargePeriodStart`.
 */
const BILLING_DIMENSIONS: Readonly<
  Record<
    string,
    { column: keyof DbBillingChargeRow; kind: BillingDimensionKind }
  >
> = {
  ProviderName: { column: 'provider_name', kind: 'text' },
  PublisherName: { column: 'publisher_name', kind: 'text' },
  InvoiceIssuerName: { column: 'invoice_issuer_name', kind: 'text' },
  BillingAccountId: { column: 'billing_account_id', kind: 'text' },
  BillingAccountName: { column: 'billing_account_name', kind: 'text' },
  SubAccountId: { column: 'sub_account_id', kind: 'text' },
  SubAccountName: { column: 'sub_account_name', kind: 'text' },
  ServiceCategory: { column: 'service_category', kind: 'text' },
  ServiceName: { column: 'service_name', kind: 'text' },
  RegionId: { column: 'region_id', kind: 'text' },
  ResourceId: { column: 'resource_id', kind: 'text' },
  ResourceType: { column: 'resource_type', kind: 'text' },
  ChargeCategory: { column: 'charge_category', kind: 'text' },
  ChargeClass: { column: 'charge_class', kind: 'text' },
  ChargeFrequency: { column: 'charge_frequency', kind: 'text' },
  PricingCategory: { column: 'pricing_category', kind: 'text' },
  SkuId: { column: 'sku_id', kind: 'text' },
  BillingCurrency: { column: 'billing_currency', kind: 'text' },
  ConsumedUnit: { column: 'consumed_unit', kind: 'text' },
  BillingPeriodStart: { column: 'billing_period_start', kind: 'timestamp' },
  ChargePeriodStart: { column: 'charge_period_start', kind: 'timestamp' },
  ChargePeriodEnd: { column: 'charge_period_end', kind: 'timestamp' },
  ChargePeriodDay: { column: 'charge_period_start', kind: 'day' },
};

/**
 * The column names `queryBillingCosts` can group by.
 *
 * @public
 */
export const BILLING_GROUP_BY_COLUMNS: readonly string[] =
  Object.keys(BILLING_DIMENSIONS);

/** A resolved group-by column. @internal */
export interface BillingDimension {
  name: string;
  column: keyof DbBillingChargeRow;
  kind: BillingDimensionKind;
}

/**
 * Resolves FOCUS column names to database columns; an unknown or repeated
 * name is an `InputError` that lists the allowed names.
 *
 * @internal
 */
export function resolveBillingDimensions(
  groupBy: readonly string[],
): BillingDimension[] {
  const seen = new Set<string>();
  return groupBy.map(name => {
    const dimension = Object.prototype.hasOwnProperty.call(
      BILLING_DIMENSIONS,
      name,
    )
      ? BILLING_DIMENSIONS[name]
      : undefined;
    if (!dimension) {
      throw new InputError(
        `Unknown group-by column '${name}'; expected one of ${BILLING_GROUP_BY_COLUMNS.join(
          ', ',
        )}`,
      );
    }
    if (seen.has(name)) {
      throw new InputError(`Group-by column '${name}' is given twice`);
    }
    seen.add(name);
    return { name, ...dimension };
  });
}

/** The text a group value takes: ISO-8601 for datetimes, `YYYY-MM-DD` for days. @internal */
export function formatBillingDimension(
  dimension: BillingDimension,
  value: DbTimestamp | null | undefined,
): string | null {
  if (value === null || value === undefined) return null;
  switch (dimension.kind) {
    case 'timestamp':
      return toDate(value).toISOString();
    case 'day':
      return toDate(value).toISOString().slice(0, 10);
    default:
      return String(value);
  }
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Parses a `YYYY-MM-DD` UTC day; `what` names the option in the error.
 *
 * @internal
 */
export function parseBillingDay(value: string, what: string): Date {
  const match = DAY.exec(value);
  const date = match
    ? new Date(
        Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])),
      )
    : undefined;
  if (!date || date.toISOString().slice(0, 10) !== value) {
    throw new InputError(`Invalid ${what} '${value}'; expected YYYY-MM-DD`);
  }
  return date;
}

/** The start of the day after `day`. @internal */
export function nextDay(day: Date): Date {
  return new Date(day.getTime() + ONE_DAY_MS);
}

/**
 * Checks a billing source id: 1 to 255 characters.
 *
 * @internal
 */
export function validateBillingSource(source: string) {
  if (typeof source !== 'string' || !source || source.length > 255) {
    throw new InputError(
      `Invalid billing source id '${source}'; expected 1 to 255 characters`,
    );
  }
}

/**
 * Turns a normalised FOCUS row into a table row. `index` counts rows from 1,
 * for the error message.
 *
 * @internal
 */
export function toBillingChargeRow(
  row: FocusRow,
  index: number,
  run: { source: string; runId: string; ingestedAt: Date },
): DbBillingChargeRow {
  const { values } = row;
  const text = (column: string): string | null => {
    const value = values[column];
    if (value === null || value === undefined || value === '') return null;
    return String(value);
  };
  const number = (column: string, required: boolean): number | null => {
    const value = values[column];
    if (value === null || value === undefined) {
      if (!required) return null;
      throw new InputError(
        `row ${index}, column ${column}: a value is required`,
      );
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new InputError(
        `row ${index}, column ${column}: '${value}' is not a finite number`,
      );
    }
    return value;
  };
  const date = (column: string, required: boolean): Date | null => {
    const value = values[column];
    if (value === null || value === undefined || value === '') {
      if (!required) return null;
      throw new InputError(
        `row ${index}, column ${column}: a value is required`,
      );
    }
    const parsed = typeof value === 'string' ? new Date(value) : undefined;
    if (!parsed || Number.isNaN(parsed.getTime())) {
      throw new InputError(
        `row ${index}, column ${column}: '${value}' is not a date-time`,
      );
    }
    return parsed;
  };

  return {
    source: run.source,
    run_id: run.runId,
    ingested_at: run.ingestedAt,
    billing_period_start: date('BillingPeriodStart', false),
    charge_period_start: date('ChargePeriodStart', true)!,
    charge_period_end: date('ChargePeriodEnd', true)!,
    provider_name: text('ProviderName'),
    publisher_name: text('PublisherName'),
    invoice_issuer_name: text('InvoiceIssuerName'),
    billing_account_id: text('BillingAccountId'),
    billing_account_name: text('BillingAccountName'),
    sub_account_id: text('SubAccountId'),
    sub_account_name: text('SubAccountName'),
    service_category: text('ServiceCategory'),
    service_name: text('ServiceName'),
    region_id: text('RegionId'),
    resource_id: text('ResourceId'),
    resource_type: text('ResourceType'),
    charge_category: text('ChargeCategory'),
    charge_class: text('ChargeClass'),
    charge_frequency: text('ChargeFrequency'),
    pricing_category: text('PricingCategory'),
    sku_id: text('SkuId'),
    billing_currency: text('BillingCurrency'),
    consumed_unit: text('ConsumedUnit'),
    consumed_quantity: number('ConsumedQuantity', false),
    billed_cost: number('BilledCost', true)!,
    effective_cost: number('EffectiveCost', true)!,
    list_cost: number('ListCost', false),
    contracted_cost: number('ContractedCost', false),
    tags: canonicalStringMap(row.tags),
  };
}
