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

/*
 * Read queries behind the cost and usage series and the allocation report.
 * They group the hourly facts by their allocation dimensions (and by time
 * bucket and extra dimensions) in SQL; which catalog entity a group belongs
 * to is decided in JS by the caller, so that one matching implementation
 * serves the entity routes and the organisation-wide allocation.
 */

import { InputError } from '@backstage/errors';
import type { Knex } from 'knex';
import { canonicalPair, escapeLike } from './canonical';
import { ONE_DAY_MS, toDate } from './time';
import { fromNanos, sumNanosAs } from './money';
import type {
  FinopsAllocationDimensions,
  FinopsCostGroup,
  FinopsCostGroupDimension,
  FinopsCostGroupsOptions,
  FinopsFactMatcher,
  FinopsTimeBucket,
  FinopsUsageGroup,
  FinopsUsageGroupsOptions,
} from './FinopsStore';
import {
  COST_DAILY_TABLE,
  COST_FACTS_TABLE,
  FACT_DIMENSION_COLUMNS,
  USAGE_FACTS_TABLE,
  type DbTimestamp,
} from './tables';

/** The columns every group is split by: what entities are matched on. */
const ALLOCATION_COLUMNS = [
  'kubernetes_id',
  'namespace',
  'region',
  'labels',
  'tags',
] as const;

/** Extra cost dimensions and their columns. */
const DIMENSION_COLUMNS: Readonly<Record<FinopsCostGroupDimension, string>> = {
  source: 'source',
  category: 'category',
  workload: 'workload',
  gpuModel: 'gpu_model',
};

/** Every dimension column of a fact, for grouping usage per workload-hour. */
const FACT_COLUMNS = ['source', 'hour', ...FACT_DIMENSION_COLUMNS];

function isSqlite(db: Knex): boolean {
  return String(db.client.config.client).includes('sqlite');
}

/**
 * The SQL text of a bucket key for the `hour` column, or undefined for
 * hourly buckets, which group on the column itself.
 *
 * SQLite keeps bound dates as epoch milliseconds (and `CURRENT_TIMESTAMP`
 * text as `YYYY-MM-DD HH:MM:SS`); both forms are handled.
 */
function bucketExpression(
  db: Knex,
  bucket: FinopsTimeBucket,
  column = 'hour',
): string | undefined {
  if (bucket === 'hour') return undefined;
  const length = bucket === 'day' ? 10 : 7;
  if (isSqlite(db)) {
    const format = bucket === 'day' ? '%Y-%m-%d' : '%Y-%m';
    return `(case when typeof(${column}) in ('integer', 'real') then strftime('${format}', ${column} / 1000, 'unixepoch') else substr(${column}, 1, ${length}) end)`;
  }
  const format = bucket === 'day' ? 'YYYY-MM-DD' : 'YYYY-MM';
  return `to_char(${column} at time zone 'UTC', '${format}')`;
}

function formatBucket(
  bucket: FinopsTimeBucket,
  value: DbTimestamp | null | undefined,
): string {
  if (value === null || value === undefined) {
    throw new Error('A grouped fact has no hour');
  }
  return bucket === 'hour' ? toDate(value).toISOString() : String(value);
}

/**
 * Restricts a fact query to the facts matching ANY of `filter` (each
 * matcher: ALL of its fields). An empty list matches nothing; `undefined`
 * leaves the query as it is.
 *
 * @internal
 */
export function whereMatchesAny(
  db: Knex,
  query: Knex.QueryBuilder,
  filter: readonly FinopsFactMatcher[] | undefined,
): Knex.QueryBuilder {
  if (filter === undefined) {
    return query;
  }
  const sqlite = isSqlite(db);
  const contains = (q: Knex.QueryBuilder, column: string, needle: string) => {
    // LIKE is portable; SQLite's LIKE ignores ASCII case, so there `instr`
    // adds the case-sensitive check Postgres' LIKE already makes.
    q.whereRaw('?? like ? escape ?', [column, `%${escapeLike(needle)}%`, '\\']);
    if (sqlite) {
      q.whereRaw('instr(??, ?) > 0', [column, needle]);
    }
  };
  return query.where(any => {
    if (filter.length === 0) {
      any.whereRaw('1 = 0');
      return;
    }
    for (const matcher of filter) {
      validateMatcher(matcher);
      any.orWhere(all => {
        if (matcher.kubernetesId !== undefined) {
          all.where('kubernetes_id', matcher.kubernetesId);
        }
        if (matcher.namespace !== undefined) {
          all.where('namespace', matcher.namespace);
        }
        if (matcher.region !== undefined) {
          all.where('region', matcher.region);
        }
        for (const [column, pairs] of [
          ['labels', matcher.labels],
          ['tags', matcher.tags],
        ] as const) {
          for (const [key, value] of Object.entries(pairs ?? {})) {
            contains(all, column, canonicalPair(key, value));
          }
        }
      });
    }
  });
}

/** A matcher without any condition would match every fact: refuse it. */
function validateMatcher(matcher: FinopsFactMatcher) {
  const conditions =
    Number(matcher.kubernetesId !== undefined) +
    Number(matcher.namespace !== undefined) +
    Number(matcher.region !== undefined) +
    Object.keys(matcher.labels ?? {}).length +
    Object.keys(matcher.tags ?? {}).length;
  if (conditions === 0) {
    throw new InputError(
      'A fact matcher needs at least one of kubernetesId, namespace, region, labels or tags',
    );
  }
}

function validateRange(from: Date, to: Date) {
  if (
    !(from instanceof Date) ||
    !(to instanceof Date) ||
    Number.isNaN(from.getTime()) ||
    Number.isNaN(to.getTime())
  ) {
    throw new InputError('Invalid range: from and to must be dates');
  }
  if (from > to) {
    throw new InputError(
      `Invalid range: from ${from.toISOString()} is after to ${to.toISOString()}`,
    );
  }
}

/** Parses the canonical JSON of labels and tags, once per distinct text. */
class JsonMapCache {
  readonly #parsed = new Map<string, Record<string, string>>();

  get(text: string | null | undefined): Record<string, string> {
    const key = text ?? '{}';
    let value = this.#parsed.get(key);
    if (!value) {
      value = JSON.parse(key) as Record<string, string>;
      this.#parsed.set(key, value);
    }
    return value;
  }
}

type DbAllocationRow = {
  kubernetes_id: string | null;
  namespace: string | null;
  region: string | null;
  labels: string;
  tags: string;
};

function toAllocationDimensions(
  row: DbAllocationRow,
  cache: JsonMapCache,
): FinopsAllocationDimensions {
  return {
    kubernetesId: row.kubernetes_id ?? null,
    namespace: row.namespace ?? null,
    region: row.region ?? null,
    labels: cache.get(row.labels),
    tags: cache.get(row.tags),
  };
}

function isWholeDay(date: Date): boolean {
  return date.getTime() % ONE_DAY_MS === 0;
}

/**
 * Sums cost facts per allocation dimensions, bucket and extra dimensions.
 * A range of whole UTC days, unless split by hour, is read from the daily
 * roll-up (`finops_cost_facts_daily`), which holds the same dimensions
 * summed per day: a year is 365 rows per workload instead of 8,760.
 *
 * @internal
 */
export async function queryCostGroups(
  db: Knex,
  options: FinopsCostGroupsOptions,
): Promise<FinopsCostGroup[]> {
  const { from, to, currency, bucket, filter } = options;
  validateRange(from, to);
  const dimensions = [...new Set(options.dimensions ?? [])];
  for (const dimension of dimensions) {
    if (!Object.prototype.hasOwnProperty.call(DIMENSION_COLUMNS, dimension)) {
      throw new InputError(
        `Unknown cost dimension '${dimension}'; expected one of ${Object.keys(
          DIMENSION_COLUMNS,
        ).join(', ')}`,
      );
    }
  }
  const columns = [
    ...ALLOCATION_COLUMNS,
    ...dimensions.map(d => DIMENSION_COLUMNS[d]),
  ];

  const daily = bucket !== 'hour' && isWholeDay(from) && isWholeDay(to);
  const time = daily ? 'day' : 'hour';
  const query = db(daily ? COST_DAILY_TABLE : COST_FACTS_TABLE)
    .where('currency', currency)
    .where(time, '>=', from)
    .where(time, '<', to)
    .select(columns)
    .select(
      sumNanosAs(db, 'billed_cost_nanos', 'billedCost'),
      sumNanosAs(db, 'effective_cost_nanos', 'effectiveCost'),
      sumNanosAs(db, 'list_cost_nanos', 'listCost'),
    )
    .groupBy(columns);
  whereMatchesAny(db, query, filter);
  if (bucket) {
    const expression = bucketExpression(db, bucket, time);
    if (expression) {
      query.select(db.raw(`${expression} as bucket`)).groupByRaw(expression);
    } else {
      query.select({ bucket: 'hour' }).groupBy('hour');
    }
  }

  const rows = (await query) as Array<
    DbAllocationRow &
      Record<string, string | null> & {
        bucket?: DbTimestamp;
        /** Sums of nano-units, as text. */
        billedCost: string | null;
        effectiveCost: string | null;
        listCost: string | null;
      }
  >;
  const cache = new JsonMapCache();
  return rows.map(row => {
    const group: FinopsCostGroup = {
      ...toAllocationDimensions(row, cache),
      billedCost: fromNanos(row.billedCost),
      effectiveCost: fromNanos(row.effectiveCost),
      listCost: fromNanos(row.listCost),
    };
    if (bucket) {
      group.bucket = formatBucket(bucket, row.bucket);
    }
    for (const dimension of dimensions) {
      group[dimension] = row[DIMENSION_COLUMNS[dimension]] ?? null;
    }
    return group;
  });
}

/** Most metric names one {@link queryUsageGroups} aggregates. @internal */
export const MAX_USAGE_GROUP_METRICS = 100;

/**
 * Aggregates usage metrics per metric, allocation dimensions and bucket, in
 * one query however many metrics are asked for. The inner query sums each
 * metric per workload-hour beside the GPU-hours of the same workload-hour
 * (a window over the groups), so that gauges can be weighted by GPU-hours;
 * unweighted, it reads only the metrics asked for.
 *
 * @internal
 */
export async function queryUsageGroups(
  db: Knex,
  options: FinopsUsageGroupsOptions,
): Promise<FinopsUsageGroup[]> {
  const { from, to, bucket, filter } = options;
  validateRange(from, to);
  const metrics = [
    ...new Set(options.metrics ?? (options.metric ? [options.metric] : [])),
  ];
  if (
    metrics.length === 0 ||
    metrics.some(m => typeof m !== 'string' || m.length === 0)
  ) {
    throw new InputError('A usage metric name is required');
  }
  if (metrics.length > MAX_USAGE_GROUP_METRICS) {
    throw new InputError(
      `Too many usage metrics: ${metrics.length}; at most ${MAX_USAGE_GROUP_METRICS} per query`,
    );
  }

  const weighted = options.weighted ?? true;
  const perWorkloadHour = db(USAGE_FACTS_TABLE)
    .where('hour', '>=', from)
    .where('hour', '<', to)
    .whereIn(
      'metric',
      weighted ? [...new Set([...metrics, 'gpu_hours'])] : metrics,
    )
    .select(FACT_COLUMNS)
    .select(
      'metric',
      db.raw('sum(value) as v'),
      db.raw('count(*) as n'),
      db.raw(
        weighted
          ? `sum(sum(case when metric = 'gpu_hours' then value else 0 end)) over (partition by ${FACT_COLUMNS.join(
              ', ',
            )}) as gh`
          : '0 as gh',
      ),
    )
    .groupBy([...FACT_COLUMNS, 'metric']);
  whereMatchesAny(db, perWorkloadHour, filter);

  const query = db
    .from(perWorkloadHour.as('per_workload_hour'))
    .whereIn('metric', metrics)
    .select(['metric', ...ALLOCATION_COLUMNS])
    .select(
      db.raw('sum(v) as total'),
      db.raw('sum(n) as samples'),
      db.raw('sum(gh * v / n) as weighted'),
      db.raw('sum(gh) as weight'),
    )
    .groupBy(['metric', ...ALLOCATION_COLUMNS]);
  if (bucket) {
    const expression = bucketExpression(db, bucket);
    if (expression) {
      query.select(db.raw(`${expression} as bucket`)).groupByRaw(expression);
    } else {
      query.select({ bucket: 'hour' }).groupBy('hour');
    }
  }

  const rows = (await query) as Array<
    DbAllocationRow & {
      metric: string;
      bucket?: DbTimestamp;
      total: number | string | null;
      samples: number | string | null;
      weighted: number | string | null;
      weight: number | string | null;
    }
  >;
  const cache = new JsonMapCache();
  return rows.map(row => ({
    metric: row.metric,
    ...toAllocationDimensions(row, cache),
    ...(bucket ? { bucket: formatBucket(bucket, row.bucket) } : {}),
    sum: Number(row.total ?? 0),
    samples: Number(row.samples ?? 0),
    weightedSum: Number(row.weighted ?? 0),
    weight: Number(row.weight ?? 0),
  }));
}

/**
 * The distinct usage metric names of the matching facts, sorted.
 *
 * @internal
 */
export async function listUsageMetrics(
  db: Knex,
  options: {
    filter?: readonly FinopsFactMatcher[];
    from?: Date;
    to?: Date;
  },
): Promise<string[]> {
  const query = db(USAGE_FACTS_TABLE).distinct('metric');
  if (options.from) query.where('hour', '>=', options.from);
  if (options.to) query.where('hour', '<', options.to);
  whereMatchesAny(db, query, options.filter);
  const rows = (await query) as Array<{ metric: string }>;
  return rows
    .map(row => row.metric)
    .sort((a, b) => (a < b ? -1 : Number(a > b)));
}

/**
 * The latest hour with matching cost facts in `currency`.
 *
 * @internal
 */
export async function getLatestCostHour(
  db: Knex,
  options: {
    filter?: readonly FinopsFactMatcher[];
    currency: string;
    before?: Date;
  },
): Promise<Date | undefined> {
  const query = db(COST_FACTS_TABLE)
    .where('currency', options.currency)
    .max({ latest: 'hour' });
  if (options.before) query.where('hour', '<', options.before);
  whereMatchesAny(db, query, options.filter);
  const [row] = (await query) as Array<{ latest: DbTimestamp | null }>;
  return row?.latest === null || row?.latest === undefined
    ? undefined
    : toDate(row.latest);
}
