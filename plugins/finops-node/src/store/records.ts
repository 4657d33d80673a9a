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
  COST_CATEGORIES,
  type CostCategory,
} from '@ai-finops/backstage-plugin-finops-common';
import type { FinopsWindow } from '../dataSources';
import { InputError } from '@backstage/errors';
import { canonicalStringMap } from './canonical';
import { isWholeHour, toDate } from './time';
import type { CopyRowBuffer } from './copy';
import { MAX_ABS_MONEY, MONEY_LIMIT_TEXT, toNanos } from './money';
import {
  COST_FACT_COLUMNS,
  USAGE_FACT_COLUMNS,
  type DbCostFactRow,
  type DbFactDimensionsRow,
  type DbUsageFactRow,
} from './tables';

/** Longest text each dimension column holds. */
const DIMENSION_LIMITS = {
  kubernetesId: 255,
  namespace: 255,
  workload: 1024,
  region: 255,
  gpuModel: 255,
} as const;

const METRIC_LIMIT = 255;

/**
 * A record checked and converted into a row, with the canonical form the
 * ingestion checksum covers.
 *
 * @internal
 */
export type ValidatedRecord =
  | { type: 'cost'; row: DbCostFactRow & { hour: Date }; canonical: object }
  | { type: 'usage'; row: DbUsageFactRow & { hour: Date }; canonical: object };

/**
 * Checks one record a data source emitted for `window` and converts it into a
 * row. Throws an `InputError` naming the record index and the field.
 *
 * @internal
 */
export function validateRecord(
  sourceId: string,
  window: FinopsWindow,
  record: unknown,
  index: number,
): ValidatedRecord {
  const fail = (field: string, problem: string): never => {
    throw new InputError(
      `Invalid record #${index} from data source '${sourceId}': field '${field}' ${problem}`,
    );
  };

  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    return fail('type', 'is missing; the record is not an object');
  }
  const r = record as Record<string, unknown>;

  const hour = readHour(r.hour, window, fail);
  const dimensions: DbFactDimensionsRow & { hour: Date } = {
    source: sourceId,
    hour,
    kubernetes_id: readDimension(r, 'kubernetesId', fail),
    namespace: readDimension(r, 'namespace', fail),
    workload: readDimension(r, 'workload', fail),
    region: readDimension(r, 'region', fail),
    gpu_model: readDimension(r, 'gpuModel', fail),
    labels: canonicalStringMap(readStringMap(r, 'labels', fail)),
    tags: canonicalStringMap(readStringMap(r, 'tags', fail)),
  };
  const canonicalDimensions = {
    hour: hour.toISOString(),
    kubernetesId: dimensions.kubernetes_id ?? undefined,
    namespace: dimensions.namespace ?? undefined,
    workload: dimensions.workload ?? undefined,
    region: dimensions.region ?? undefined,
    gpuModel: dimensions.gpu_model ?? undefined,
    labels: dimensions.labels,
    tags: dimensions.tags,
  };

  if (r.type === 'cost') {
    if (!COST_CATEGORIES.includes(r.category as CostCategory)) {
      fail(
        'category',
        `must be one of ${COST_CATEGORIES.join(', ')}, got ${describe(
          r.category,
        )}`,
      );
    }
    const billedCost = readMoney(r, 'billedCost', fail);
    const effectiveCost = readMoney(r, 'effectiveCost', fail);
    const listCost = readMoney(r, 'listCost', fail);
    if (typeof r.currency !== 'string' || !/^[A-Z]{3}$/.test(r.currency)) {
      fail(
        'currency',
        `must be an ISO 4217 code such as USD, got ${describe(r.currency)}`,
      );
    }
    const row = {
      ...dimensions,
      category: r.category as string,
      billed_cost_nanos: toNanos(billedCost),
      effective_cost_nanos: toNanos(effectiveCost),
      list_cost_nanos: toNanos(listCost),
      currency: r.currency as string,
    };
    return {
      type: 'cost',
      row,
      canonical: {
        type: 'cost',
        ...canonicalDimensions,
        category: row.category,
        billedCost,
        effectiveCost,
        listCost,
        currency: row.currency,
      },
    };
  }

  if (r.type === 'usage') {
    if (
      typeof r.metric !== 'string' ||
      r.metric.length === 0 ||
      r.metric.length > METRIC_LIMIT
    ) {
      fail(
        'metric',
        `must be a non-empty string of at most ${METRIC_LIMIT} characters, got ${describe(
          r.metric,
        )}`,
      );
    }
    const value = readFiniteNumber(r, 'value', fail);
    const row = { ...dimensions, metric: r.metric as string, value };
    return {
      type: 'usage',
      row,
      canonical: {
        type: 'usage',
        ...canonicalDimensions,
        metric: row.metric,
        value,
      },
    };
  }

  return fail('type', `must be 'cost' or 'usage', got ${describe(r.type)}`);
}

/**
 * Appends a validated record as a binary COPY row to `buffer`, fields in
 * the order of `COST_FACT_COLUMNS` or `USAGE_FACT_COLUMNS`.
 *
 * @internal
 */
export function writeFactCopyRow(
  buffer: CopyRowBuffer,
  record: ValidatedRecord,
): void {
  if (record.type === 'cost') {
    writeCostFactCopyRow(buffer, record.row);
    return;
  }
  const r = record.row;
  buffer.startRow(USAGE_FACT_COLUMNS.length);
  writeFactDimensions(buffer, r);
  buffer.text(r.metric);
  buffer.double(r.value);
}

/**
 * Appends a cost fact as a binary COPY row to `buffer`, fields in the order
 * of `COST_FACT_COLUMNS`.
 *
 * @internal
 */
export function writeCostFactCopyRow(
  buffer: CopyRowBuffer,
  row: DbCostFactRow,
): void {
  buffer.startRow(COST_FACT_COLUMNS.length);
  writeFactDimensions(buffer, row);
  buffer.text(row.category);
  buffer.int64(row.billed_cost_nanos);
  buffer.int64(row.effective_cost_nanos);
  buffer.int64(row.list_cost_nanos);
  buffer.text(row.currency);
}

function writeFactDimensions(
  buffer: CopyRowBuffer,
  row: DbCostFactRow | DbUsageFactRow,
): void {
  buffer.text(row.source);
  buffer.timestamp(toDate(row.hour).getTime());
  buffer.text(row.kubernetes_id);
  buffer.text(row.namespace);
  buffer.text(row.workload);
  buffer.text(row.region);
  buffer.text(row.gpu_model);
  buffer.text(row.labels);
  buffer.text(row.tags);
}

/**
 * The record field a fact column holds, for errors the database reports on
 * a column.
 *
 * @internal
 */
export const FACT_COLUMN_FIELDS: Readonly<Record<string, string>> = {
  source: 'source',
  hour: 'hour',
  kubernetes_id: 'kubernetesId',
  namespace: 'namespace',
  workload: 'workload',
  region: 'region',
  gpu_model: 'gpuModel',
  labels: 'labels',
  tags: 'tags',
  category: 'category',
  billed_cost_nanos: 'billedCost',
  effective_cost_nanos: 'effectiveCost',
  list_cost_nanos: 'listCost',
  currency: 'currency',
  metric: 'metric',
  value: 'value',
};

type Fail = (field: string, problem: string) => never;

function readHour(value: unknown, window: FinopsWindow, fail: Fail): Date {
  const hour =
    typeof value === 'string' || value instanceof Date
      ? new Date(value)
      : undefined;
  if (!hour || Number.isNaN(hour.getTime())) {
    return fail(
      'hour',
      `must be an ISO-8601 timestamp, got ${describe(value)}`,
    );
  }
  if (!isWholeHour(hour)) {
    return fail(
      'hour',
      `must be the start of an hour, got ${hour.toISOString()}`,
    );
  }
  if (hour < window.start || hour >= window.end) {
    return fail(
      'hour',
      `${hour.toISOString()} lies outside the window [${window.start.toISOString()}, ${window.end.toISOString()})`,
    );
  }
  return hour;
}

function readDimension(
  record: Record<string, unknown>,
  field: keyof typeof DIMENSION_LIMITS,
  fail: Fail,
): string | null {
  const value = record[field];
  if (value === undefined || value === null || value === '') {
    return null;
  }
  if (typeof value !== 'string' || value.length > DIMENSION_LIMITS[field]) {
    return fail(
      field,
      `must be a string of at most ${
        DIMENSION_LIMITS[field]
      } characters, got ${describe(value)}`,
    );
  }
  return value;
}

function readStringMap(
  record: Record<string, unknown>,
  field: 'labels' | 'tags',
  fail: Fail,
): Record<string, string> | undefined {
  const value = record[field];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    return fail(field, `must be an object of strings, got ${describe(value)}`);
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') {
      fail(`${field}.${key}`, `must be a string, got ${describe(item)}`);
    }
  }
  return value as Record<string, string>;
}

function readFiniteNumber(
  record: Record<string, unknown>,
  field: string,
  fail: Fail,
): number {
  const value = record[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return fail(field, `must be a finite number, got ${describe(value)}`);
  }
  return value;
}

/** A finite amount the store can keep (see {@link MAX_ABS_MONEY}). */
function readMoney(
  record: Record<string, unknown>,
  field: string,
  fail: Fail,
): number {
  const value = readFiniteNumber(record, field, fail);
  if (Math.abs(value) > MAX_ABS_MONEY) {
    fail(field, `${value} is beyond ±${MAX_ABS_MONEY}, ${MONEY_LIMIT_TEXT}`);
  }
  return value;
}

function describe(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    return String(value);
  }
  if (value === null) {
    return 'null';
  }
  if (value === undefined) {
    return 'nothing';
  }
  return Array.isArray(value) ? 'an array' : `a value of type ${typeof value}`;
}
