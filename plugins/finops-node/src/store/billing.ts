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

import type { FocusRow } from '../focus/FocusReader';
import { focusRowGpuCount, focusRowInstanceType } from '../prices/focusRows';
import { InputError } from '@backstage/errors';
import { canonicalStringMap } from './canonical';
import { ONE_DAY_MS, toDate } from './time';
import { CopyRowBuffer } from './copy';
import { MAX_ABS_MONEY, MONEY_LIMIT_TEXT, toNanos, type Nanos } from './money';
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
  RegionName: { column: 'region_name', kind: 'text' },
  ResourceId: { column: 'resource_id', kind: 'text' },
  ResourceName: { column: 'resource_name', kind: 'text' },
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

/** How one FOCUS column is read into its table column. */
type BillingField = {
  column: keyof DbBillingChargeRow;
  focus: string;
  /** `money` is a number stored in nano-units (see `money.ts`). */
  kind: 'text' | 'number' | 'money' | 'date';
  required: boolean;
};

const money = (
  column: keyof DbBillingChargeRow,
  focus: string,
  required: boolean,
): BillingField => ({ column, focus, kind: 'money', required });

const text = (
  column: keyof DbBillingChargeRow,
  focus: string,
): BillingField => ({
  column,
  focus,
  kind: 'text',
  required: false,
});

/** The FOCUS columns stored, in table column order after `ingested_at`. */
const BILLING_FIELDS: readonly BillingField[] = [
  {
    column: 'billing_period_start',
    focus: 'BillingPeriodStart',
    kind: 'date',
    required: false,
  },
  {
    column: 'charge_period_start',
    focus: 'ChargePeriodStart',
    kind: 'date',
    required: true,
  },
  {
    column: 'charge_period_end',
    focus: 'ChargePeriodEnd',
    kind: 'date',
    required: true,
  },
  text('provider_name', 'ProviderName'),
  text('publisher_name', 'PublisherName'),
  text('invoice_issuer_name', 'InvoiceIssuerName'),
  text('billing_account_id', 'BillingAccountId'),
  text('billing_account_name', 'BillingAccountName'),
  text('sub_account_id', 'SubAccountId'),
  text('sub_account_name', 'SubAccountName'),
  text('service_category', 'ServiceCategory'),
  text('service_name', 'ServiceName'),
  text('region_id', 'RegionId'),
  text('region_name', 'RegionName'),
  text('resource_id', 'ResourceId'),
  text('resource_name', 'ResourceName'),
  text('resource_type', 'ResourceType'),
  text('charge_category', 'ChargeCategory'),
  text('charge_class', 'ChargeClass'),
  text('charge_frequency', 'ChargeFrequency'),
  text('pricing_category', 'PricingCategory'),
  text('sku_id', 'SkuId'),
  text('billing_currency', 'BillingCurrency'),
  text('consumed_unit', 'ConsumedUnit'),
  {
    column: 'consumed_quantity',
    focus: 'ConsumedQuantity',
    kind: 'number',
    required: false,
  },
  money('billed_cost_nanos', 'BilledCost', true),
  money('effective_cost_nanos', 'EffectiveCost', true),
  money('list_cost_nanos', 'ListCost', false),
  money('contracted_cost_nanos', 'ContractedCost', false),
];

/**
 * The columns of `finops_billing_charges` the store writes with COPY, in
 * the order {@link BillingCopyEncoder} writes them.
 *
 * @internal
 */
export const BILLING_COPY_COLUMNS: readonly string[] = [
  'source',
  'run_id',
  'ingested_at',
  ...BILLING_FIELDS.map(f => f.column),
  'tags',
  'instance_type',
  'gpu_count',
];

/**
 * The FOCUS column a table column holds (`Tags` for `tags`), for errors the
 * database reports on a column.
 *
 * @internal
 */
export const BILLING_COLUMN_FOCUS_NAMES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(BILLING_FIELDS.map(f => [f.column, f.focus])),
  tags: 'Tags',
};

/** Reads one FOCUS value; throws an `InputError` naming the row and column. */
function readBillingField(
  values: FocusRow['values'],
  field: BillingField,
  index: number,
): string | Nanos | Date | null {
  const value = values[field.focus];
  if (
    value === null ||
    value === undefined ||
    (value === '' && field.kind !== 'number' && field.kind !== 'money')
  ) {
    if (field.required) {
      throw new InputError(
        `row ${index}, column ${field.focus}: a value is required`,
      );
    }
    return null;
  }
  switch (field.kind) {
    case 'text':
      return String(value);
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new InputError(
          `row ${index}, column ${field.focus}: '${value}' is not a finite number`,
        );
      }
      return value;
    case 'money':
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new InputError(
          `row ${index}, column ${field.focus}: '${value}' is not a finite number`,
        );
      }
      return moneyNanos(value, field, index);
    default: {
      const parsed = typeof value === 'string' ? new Date(value) : undefined;
      if (!parsed || Number.isNaN(parsed.getTime())) {
        throw new InputError(
          `row ${index}, column ${field.focus}: '${value}' is not a date-time`,
        );
      }
      return parsed;
    }
  }
}

/** An amount in nano-units; throws an `InputError` beyond what the store keeps. */
function moneyNanos(value: number, field: BillingField, index: number): Nanos {
  if (Math.abs(value) > MAX_ABS_MONEY) {
    throw new InputError(
      `row ${index}, column ${field.focus}: ${value} is beyond ±${MAX_ABS_MONEY}, ${MONEY_LIMIT_TEXT}`,
    );
  }
  return toNanos(value);
}

/**
 * A charge that ends before it starts would reach no hour: its cost would
 * be in the FOCUS view but in no hourly fact. Throws an `InputError` naming
 * the row.
 */
function checkChargePeriod(start: number, end: number, index: number) {
  if (end < start) {
    throw new InputError(
      `row ${index}, column ChargePeriodEnd: ChargePeriodEnd ${new Date(
        end,
      ).toISOString()} is before ChargePeriodStart ${new Date(
        start,
      ).toISOString()}`,
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
  const result: Record<string, unknown> = {
    source: run.source,
    run_id: run.runId,
    ingested_at: run.ingestedAt,
  };
  for (const field of BILLING_FIELDS) {
    result[field.column] = readBillingField(row.values, field, index);
  }
  checkChargePeriod(
    (result.charge_period_start as Date).getTime(),
    (result.charge_period_end as Date).getTime(),
    index,
  );
  result.tags = canonicalStringMap(row.tags);
  const instance = billingInstanceOf(row);
  result.instance_type = instance.instanceType;
  result.gpu_count = instance.gpuCount;
  return result as unknown as DbBillingChargeRow;
}

/** Distinct (SkuPriceDetails, ChargeDescription) pairs remembered. */
const INSTANCE_CACHE_LIMIT = 10_000;
const instanceCache = new Map<
  string,
  { instanceType: string | null; gpuCount: number | null }
>();

/**
 * The instance type and GPU count a row is for, from its SkuPriceDetails or
 * ChargeDescription; remembered, as an export repeats the same few SKUs.
 */
function billingInstanceOf(row: FocusRow): {
  instanceType: string | null;
  gpuCount: number | null;
} {
  const { SkuPriceDetails: details, ChargeDescription: description } =
    row.values;
  const key = `${details ?? ''}\u0000${description ?? ''}`;
  let instance = instanceCache.get(key);
  if (!instance) {
    instance = {
      instanceType: focusRowInstanceType(row) ?? null,
      gpuCount: focusRowGpuCount(row) ?? null,
    };
    if (instanceCache.size >= INSTANCE_CACHE_LIMIT) instanceCache.clear();
    instanceCache.set(key, instance);
  }
  return instance;
}

/**
 * Copies a row's values of {@link BILLING_FIELDS} into `out`, in their
 * order: compiled once, with a property read by name per FOCUS column, as
 * reading them by a name held in a variable costs more (the reader's rows
 * all have the same shape). The names are FOCUS column names from the
 * fields above, JSON-quoted.
 */
// eslint-disable-next-line no-new-func
const READ_BILLING_VALUES = new Function(
  'values',
  'out',
  BILLING_FIELDS.map(
    (field, i) => `out[${i}] = values[${JSON.stringify(field.focus)}];`,
  ).join('\n'),
) as (
  values: FocusRow['values'],
  out: Array<string | number | null | undefined>,
) => void;

/** JSON-quoted tag keys: keys repeat from row to row. */
const quotedKeys = new Map<string, string>();

/**
 * {@link canonicalStringMap}'s text, built without its intermediate arrays
 * (tags are a few keys, often in order already).
 */
function canonicalTags(map: Record<string, string> | undefined): string {
  if (!map) return '{}';
  const keys = Object.keys(map);
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1] > keys[i]) {
      keys.sort();
      break;
    }
  }
  let json = '{';
  for (let i = 0; i < keys.length; i++) {
    if (i > 0) json += ',';
    const key = keys[i];
    let quoted = quotedKeys.get(key);
    if (quoted === undefined) {
      quoted = JSON.stringify(key);
      if (quotedKeys.size >= 1000) quotedKeys.clear();
      quotedKeys.set(key, quoted);
    }
    json += `${quoted}:${JSON.stringify(map[key])}`;
  }
  return `${json}}`;
}

/** Distinct date-time texts {@link BillingCopyEncoder} remembers. */
const DATE_CACHE_LIMIT = 10_000;

/**
 * Writes normalised FOCUS rows as binary COPY rows (fields in the order of
 * {@link BILLING_COPY_COLUMNS}), checking them as {@link toBillingChargeRow}
 * does, and collects the billing periods seen. Date-times repeat a lot in
 * an export (every hour of a month, one billing period), so their parsing
 * is remembered.
 *
 * @internal
 */
export class BillingCopyEncoder {
  /** BillingPeriodStart of the rows, epoch milliseconds; null for rows without one. */
  readonly periods = new Set<number | null>();
  /** source, run_id and ingested_at, the same in every row, encoded once. */
  readonly #runFields: Uint8Array;
  readonly #dates = new Map<string, number>();
  /** Scratch: the row's values of {@link BILLING_FIELDS}, in their order. */
  readonly #fields: Array<string | number | null | undefined> = new Array(
    BILLING_FIELDS.length,
  ).fill(null);

  constructor(run: { source: string; runId: string; ingestedAt: Date }) {
    const fields = new CopyRowBuffer(1024);
    fields.text(run.source);
    fields.text(run.runId);
    fields.timestamp(run.ingestedAt.getTime());
    this.#runFields = fields.take();
  }

  /**
   * Appends the row to `buffer`; `index` counts rows from 1, for errors.
   * Throws an `InputError` naming the row and column of a bad value.
   */
  write(buffer: CopyRowBuffer, row: FocusRow, index: number): void {
    const values = row.values;
    buffer.startRow(BILLING_COPY_COLUMNS.length);
    buffer.encoded(this.#runFields);
    let period: number | null = null;
    let chargeStart = 0;
    let chargeEnd = 0;
    const fields = this.#fields;
    READ_BILLING_VALUES(values, fields);
    for (let f = 0; f < BILLING_FIELDS.length; f++) {
      const field = BILLING_FIELDS[f];
      const value = fields[f];
      // The common cases first, without readBillingField's allocations.
      if (typeof value === 'string' && value !== '') {
        if (field.kind === 'text') {
          buffer.text(value);
          continue;
        }
        if (field.kind === 'date') {
          const time = this.#date(value, field, index);
          buffer.timestamp(time);
          if (field.column === 'billing_period_start') period = time;
          else if (field.column === 'charge_period_start') chargeStart = time;
          else if (field.column === 'charge_period_end') chargeEnd = time;
          continue;
        }
      } else if (typeof value === 'number' && Number.isFinite(value)) {
        if (field.kind === 'money') {
          buffer.int64(moneyNanos(value, field, index));
          continue;
        }
        if (field.kind === 'number') {
          buffer.double(value);
          continue;
        }
      }
      const checked = readBillingField(values, field, index);
      if (checked === null) buffer.text(null);
      else if (typeof checked === 'bigint') buffer.int64(checked);
      else if (typeof checked === 'number') {
        if (field.kind === 'money') buffer.int64(checked);
        else buffer.double(checked);
      } else if (checked instanceof Date) {
        buffer.timestamp(checked.getTime());
        if (field.column === 'charge_period_start') {
          chargeStart = checked.getTime();
        } else if (field.column === 'charge_period_end') {
          chargeEnd = checked.getTime();
        }
      } else buffer.text(checked);
    }
    checkChargePeriod(chargeStart, chargeEnd, index);
    buffer.text(canonicalTags(row.tags));
    const instance = billingInstanceOf(row);
    buffer.text(instance.instanceType);
    if (instance.gpuCount === null) buffer.text(null);
    else buffer.double(instance.gpuCount);
    this.periods.add(period);
  }

  #date(value: string, field: BillingField, index: number): number {
    let time = this.#dates.get(value);
    if (time === undefined) {
      const parsed = readBillingField({ [field.focus]: value }, field, index);
      time = (parsed as Date).getTime();
      if (this.#dates.size >= DATE_CACHE_LIMIT) this.#dates.clear();
      this.#dates.set(value, time);
    }
    return time;
  }
}
