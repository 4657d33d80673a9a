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

import type { EntityCostSummary } from '@ai-finops/backstage-plugin-finops-common';
import type { FinopsRecord, FinopsWindow } from '../dataSources';
import type { FocusRow } from '../focus/FocusReader';
import type { FocusWorkloadColumn } from '../focus/facts';
import type { LearnedPrice } from '../prices/learn';

/**
 * The state of an ingestion run.
 *
 * @public
 */
export type FinopsIngestionRunStatus = 'running' | 'succeeded' | 'failed';

/**
 * One ingestion of one window of one data source.
 *
 * @public
 */
export interface FinopsIngestionRun {
  id: number;
  sourceId: string;
  windowStart: Date;
  windowEnd: Date;
  status: FinopsIngestionRunStatus;
  costRows: number;
  usageRows: number;
  /** Hex SHA-256 over the canonical records in the order read; set on success. */
  checksum?: string;
  /** Why the run failed. */
  error?: string;
  startedAt: Date;
  finishedAt?: Date;
}

/**
 * An entity's cost summary before the entity is known: everything in
 * `EntityCostSummary` but the entity ref and the budget, which come from the
 * entity itself.
 *
 * @public
 */
export type FinopsCostSummary = Omit<
  EntityCostSummary,
  'entityRef' | 'monthlyBudget'
>;

/**
 * The outcome of {@link FocusChargeStore.replaceBillingCharges}.
 *
 * @public
 */
export interface FinopsBillingIngestion {
  /** Rows stored. */
  rows: number;
  /**
   * The billing periods the rows belong to (ISO-8601 BillingPeriodStart,
   * sorted); these periods of the source were replaced.
   */
  billingPeriods: string[];
  /**
   * Hourly cost facts derived again from the source's charges (see
   * {@link FocusChargeStore.replaceBillingCharges}).
   */
  costFacts: number;
  /** The hours (ISO-8601, [start, end)) whose facts were derived again. */
  hours?: { start: string; end: string };
}

/**
 * How {@link FocusChargeStore.replaceBillingCharges} derives the hourly facts.
 *
 * @public
 */
export interface FinopsBillingIngestionOptions {
  /** The FOCUS column that becomes a fact's workload; default `ServiceName`. */
  workload?: FocusWorkloadColumn;
}

/**
 * What {@link FocusChargeStore.queryBillingCosts} sums.
 *
 * @public
 */
export interface FinopsBillingCostsOptions {
  /**
   * FOCUS column names to group by, in output order: any of
   * `BILLING_GROUP_BY_COLUMNS`, including the virtual `ChargePeriodDay`
   * (the UTC day, `YYYY-MM-DD`, of ChargePeriodStart). Empty: one total.
   */
  groupBy: readonly string[];
  /** First UTC day (`YYYY-MM-DD`, inclusive) of ChargePeriodStart. */
  from?: string;
  /** Last UTC day (`YYYY-MM-DD`, inclusive) of ChargePeriodStart. */
  to?: string;
  /** Only the rows of this billing source. */
  source?: string;
}

/**
 * One group of billing charges and its summed costs.
 *
 * @public
 */
export interface FinopsBillingCostRow {
  /**
   * Group-by column → value: text as stored, datetimes as ISO-8601 UTC,
   * `ChargePeriodDay` as `YYYY-MM-DD`; `null` where the export had none.
   */
  group: Record<string, string | null>;
  billedCost: number;
  effectiveCost: number;
  /** Rows without a ListCost count as 0. */
  listCost: number;
}

/**
 * The FOCUS-native view of billing data: an export's charges, replaced per
 * source and billing period, summed by any FOCUS column, and the prices
 * learned from them. Narrow on purpose: another engine (a warehouse, DuckDB
 * over the export files) can serve this view by implementing it alone.
 *
 * @public
 */
export interface FocusChargeStore {
  /**
   * Stores the rows of a FOCUS billing export for `source`, in one
   * transaction: the rows are inserted, then the source's earlier rows of
   * every billing period the export carries are deleted. Re-ingesting an
   * export therefore replaces it, and periods the export does not carry are
   * kept. Rows without a BillingPeriodStart form one period of their own.
   *
   * In the same transaction the hourly cost facts the entity engine reads
   * (source `source`) are derived again from the source's stored charges
   * over every hour the old and new charges of those periods cover, with
   * their daily roll-ups, and a succeeded ingestion run over those hours is
   * recorded. This is the one landing of FOCUS data:
   * `ai-finops ingest focus` and the FOCUS backend module both store exports
   * through it (via `ingestFocusExport`).
   *
   * If reading or storing any row fails (a `FocusValidationError` from the
   * reader, or an `InputError` naming the row and column), nothing changes.
   */
  replaceBillingCharges(
    source: string,
    rows: AsyncIterable<FocusRow> | Iterable<FocusRow>,
    options?: FinopsBillingIngestionOptions,
  ): Promise<FinopsBillingIngestion>;

  /**
   * Sums BilledCost, EffectiveCost and ListCost of the billing charges per
   * group, sorted by the group values (nulls first, then by code point). An
   * unknown group-by column or a malformed day is an `InputError`.
   */
  queryBillingCosts(
    options: FinopsBillingCostsOptions,
  ): Promise<FinopsBillingCostRow[]>;

  /**
   * The prices the stored billing charges show were paid per SKU (effective
   * and list, per hour and per GPU-hour), learned from usage rows whose
   * ConsumedUnit is hours; what the price catalog's learned layer holds.
   */
  queryLearnedPrices(): Promise<LearnedPrice[]>;
}

/**
 * The entity view: hourly cost and usage facts with their daily roll-ups,
 * replaced per source and window, the grouped queries the entity engine
 * composes its answers from, and the ingestion runs.
 *
 * @public
 */
export interface FinopsFactStore {
  /**
   * Replaces the facts of one source whose hour lies in
   * [`window.start`, `window.end`) with `records`, atomically, and records
   * the run.
   *
   * A record outside the window or with an invalid field fails the whole
   * window with an `InputError` that names the record index and the field;
   * the facts stored before stay as they were, and the run is recorded as
   * failed. The daily roll-ups of the days the window touches are
   * recomputed from the hourly facts in the same transaction.
   */
  replaceWindow(
    sourceId: string,
    window: FinopsWindow,
    records: AsyncIterable<FinopsRecord> | Iterable<FinopsRecord>,
  ): Promise<FinopsIngestionRun>;

  /** Lists ingestion runs, newest first. */
  listIngestionRuns(options?: {
    sourceId?: string;
    /** At most this many runs (default 50). */
    limit?: number;
  }): Promise<FinopsIngestionRun[]>;

  /**
   * The end of the latest window the source was ingested for successfully,
   * or `undefined` when it never was.
   */
  getLastSuccessfulWindowEnd(sourceId: string): Promise<Date | undefined>;

  /**
   * Deletes the facts of every source whose hour is before `date`, and the
   * ingestion runs whose window ended by then. The daily roll-ups of the
   * days before `date` go too; the day `date` falls in is recomputed from
   * the hours it keeps.
   */
  deleteFactsBefore(
    date: Date,
  ): Promise<{ costRows: number; usageRows: number; runs: number }>;

  /**
   * Sums the cost facts in one currency per group of allocation dimensions
   * (Kubernetes id, namespace, region, labels, tags), optionally also per
   * time bucket and per extra dimension. Matching groups to catalog entities
   * is left to the caller; `filter` only narrows what is read.
   */
  queryCostGroups(options: FinopsCostGroupsOptions): Promise<FinopsCostGroup[]>;

  /**
   * Aggregates usage metrics (one, or several in one query) per metric,
   * group of allocation dimensions and time bucket, keeping what is needed to sum it (counters) or to average it
   * weighted by the GPU-hours of the same workload and hour (gauges).
   */
  queryUsageGroups(
    options: FinopsUsageGroupsOptions,
  ): Promise<FinopsUsageGroup[]>;

  /** The usage metric names stored for the facts `filter` matches, sorted. */
  listUsageMetrics(options: {
    filter?: readonly FinopsFactMatcher[];
    from?: Date;
    to?: Date;
  }): Promise<string[]>;

  /**
   * The start of the latest hour with cost facts in `currency` that
   * `filter` matches, before `before` when given.
   */
  getLatestCostHour(options: {
    filter?: readonly FinopsFactMatcher[];
    currency: string;
    before?: Date;
  }): Promise<Date | undefined>;
}

/**
 * The AI FinOps store: the FOCUS-native charges and the hourly facts derived
 * from them and from the other data sources, in one database
 * (`DatabaseFinopsStore`).
 *
 * @public
 */
export interface FinopsStore extends FocusChargeStore, FinopsFactStore {}

/**
 * A condition on the allocation dimensions of a fact: every field given must
 * hold (`labels` and `tags`: every pair must be present). Store queries take
 * a list of matchers and read the facts that match ANY of them.
 *
 * @public
 */
export interface FinopsFactMatcher {
  kubernetesId?: string;
  namespace?: string;
  region?: string;
  labels?: Readonly<Record<string, string>>;
  tags?: Readonly<Record<string, string>>;
}

/**
 * Dimensions a cost group can be split by besides the allocation
 * dimensions, which every group carries.
 *
 * @public
 */
export type FinopsCostGroupDimension =
  | 'source'
  | 'category'
  | 'workload'
  | 'gpuModel';

/**
 * Time buckets of grouped facts, all UTC: `hour` keys are ISO-8601 instants,
 * `day` keys `YYYY-MM-DD`, `month` keys `YYYY-MM`.
 *
 * @public
 */
export type FinopsTimeBucket = 'hour' | 'day' | 'month';

/**
 * What {@link FinopsFactStore.queryCostGroups} sums.
 *
 * @public
 */
export interface FinopsCostGroupsOptions {
  /** First hour (inclusive). */
  from: Date;
  /** End (exclusive). */
  to: Date;
  /** Only facts in this currency. */
  currency: string;
  /** Split groups by time bucket; without it a group covers the whole range. */
  bucket?: FinopsTimeBucket;
  /** Extra dimensions to split groups by. */
  dimensions?: readonly FinopsCostGroupDimension[];
  /** Only facts matching any of these; all facts when absent. */
  filter?: readonly FinopsFactMatcher[];
}

/**
 * The allocation dimensions of a group of facts.
 *
 * @public
 */
export interface FinopsAllocationDimensions {
  kubernetesId: string | null;
  namespace: string | null;
  region: string | null;
  labels: Record<string, string>;
  tags: Record<string, string>;
}

/**
 * One group of cost facts and its summed amounts.
 *
 * @public
 */
export interface FinopsCostGroup extends FinopsAllocationDimensions {
  /** The bucket key, when a bucket was asked for. */
  bucket?: string;
  /** Present (possibly null) when asked for as a dimension. */
  source?: string | null;
  category?: string | null;
  workload?: string | null;
  gpuModel?: string | null;
  billedCost: number;
  effectiveCost: number;
  listCost: number;
}

/**
 * What {@link FinopsFactStore.queryUsageGroups} aggregates.
 *
 * @public
 */
export interface FinopsUsageGroupsOptions {
  /** The metric to aggregate, unless `metrics` is given. */
  metric?: string;
  /**
   * Several metrics aggregated in one query (at most 100); each group
   * names its metric.
   */
  metrics?: readonly string[];
  /** First hour (inclusive). */
  from: Date;
  /** End (exclusive). */
  to: Date;
  bucket?: FinopsTimeBucket;
  filter?: readonly FinopsFactMatcher[];
  /**
   * Weigh by the GPU-hours of the same workload and hour (default true);
   * false reads only the metrics asked for, and `weightedSum` and `weight`
   * are 0.
   */
  weighted?: boolean;
}

/**
 * One group of usage facts of one metric.
 *
 * @public
 */
export interface FinopsUsageGroup extends FinopsAllocationDimensions {
  /** The metric the group aggregates. */
  metric: string;
  bucket?: string;
  /** Sum of the values. */
  sum: number;
  /** Number of facts. */
  samples: number;
  /**
   * Sum over (workload, hour) of the mean value × the GPU-hours of the same
   * workload and hour, and the GPU-hours that weighted it: a gauge's
   * GPU-hour-weighted mean is `weightedSum / weight`.
   */
  weightedSum: number;
  weight: number;
}
