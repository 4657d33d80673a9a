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

import type { Knex } from 'knex';
import { ONE_DAY_MS, startOfDay } from './time';
import {
  COST_DAILY_TABLE,
  COST_FACTS_TABLE,
  FACT_DIMENSION_COLUMNS,
  USAGE_DAILY_TABLE,
  USAGE_FACTS_TABLE,
} from './tables';

/*
 * The daily roll-ups (`finops_cost_facts_daily`, `finops_usage_facts_daily`)
 * are derived data: the sums of the hourly facts per source, UTC day and
 * dimensions. They are never written on their own but recomputed from the
 * hourly facts for whole days, in the transaction that changed those facts;
 * a day an ingestion window covers only in part is recomputed from all the
 * facts the day holds.
 */

/** The whole UTC days that contain some of [from, to): [first day, end). */
export function daysCovering(from: Date, to: Date): { from: Date; to: Date } {
  const first = startOfDay(from);
  const last = startOfDay(new Date(to.getTime() - 1));
  return { from: first, to: new Date(last.getTime() + ONE_DAY_MS) };
}

/** The UTC day of the `hour` column, in the column's own type. */
function dayOfHour(isSqlite: boolean): string {
  // SQLite stores the timestamps the store binds as epoch milliseconds.
  return isSqlite
    ? '(hour - hour % 86400000)'
    : "(date_trunc('day', hour AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')";
}

/**
 * Recomputes the roll-ups of the days in [from, to) (day starts) from the
 * hourly facts, for one source or, without `source`, for all of them.
 *
 * @internal
 */
export async function rebuildDailyRollups(
  db: Knex | Knex.Transaction,
  isSqlite: boolean,
  range: { from: Date; to: Date; source?: string },
): Promise<void> {
  const { from, to, source } = range;
  const scope = (query: Knex.QueryBuilder, column: 'day' | 'hour') => {
    query.where(column, '>=', from).where(column, '<', to);
    if (source !== undefined) query.where('source', source);
    return query;
  };
  await scope(db(COST_DAILY_TABLE), 'day').delete();
  await scope(db(USAGE_DAILY_TABLE), 'day').delete();

  const day = dayOfHour(isSqlite);
  const dims = FACT_DIMENSION_COLUMNS.join(', ');
  const where = `hour >= ? AND hour < ?${
    source !== undefined ? ' AND source = ?' : ''
  }`;
  const bindings = source !== undefined ? [from, to, source] : [from, to];

  await db.raw(
    `INSERT INTO ${COST_DAILY_TABLE}
      (source, day, ${dims}, category, currency,
       billed_cost_nanos, effective_cost_nanos, list_cost_nanos)
    SELECT source, ${day}, ${dims}, category, currency,
      sum(billed_cost_nanos), sum(effective_cost_nanos), sum(list_cost_nanos)
    FROM ${COST_FACTS_TABLE}
    WHERE ${where}
    GROUP BY source, ${day}, ${dims}, category, currency`,
    bindings,
  );
  // GPU utilisation is weighted by the GPU-hours of the same hour and
  // dimensions (as the summary does over hourly facts): each gpu_hours row
  // carries the sums that weighting needs.
  await db.raw(
    `INSERT INTO ${USAGE_DAILY_TABLE}
      (source, day, ${dims}, metric, value, samples,
       utilization_weighted_gpu_hours, utilization_sampled_gpu_hours)
    SELECT source, ${day}, ${dims}, metric, sum(value), count(*),
      CASE WHEN metric = 'gpu_hours'
        THEN coalesce(sum(value * hour_utilization), 0) END,
      CASE WHEN metric = 'gpu_hours'
        THEN sum(CASE WHEN hour_utilization IS NULL THEN 0 ELSE value END) END
    FROM (
      SELECT source, hour, ${dims}, metric, value,
        avg(CASE WHEN metric = 'gpu_utilization' THEN value END)
          OVER (PARTITION BY source, hour, ${dims}) AS hour_utilization
      FROM ${USAGE_FACTS_TABLE}
      WHERE ${where}
    ) per_hour
    GROUP BY source, ${day}, ${dims}, metric`,
    bindings,
  );
}

/**
 * Deletes the roll-ups of the days before `date` and recomputes the day
 * `date` falls in, when it is not a day start (its earlier hours are gone).
 *
 * @internal
 */
export async function pruneDailyRollups(
  db: Knex | Knex.Transaction,
  isSqlite: boolean,
  date: Date,
): Promise<{ costRows: number; usageRows: number }> {
  const day = startOfDay(date);
  const costRows = await db(COST_DAILY_TABLE).where('day', '<', day).delete();
  const usageRows = await db(USAGE_DAILY_TABLE).where('day', '<', day).delete();
  if (day.getTime() !== date.getTime()) {
    await rebuildDailyRollups(db, isSqlite, {
      from: day,
      to: new Date(day.getTime() + ONE_DAY_MS),
    });
  }
  return { costRows: Number(costRows), usageRows: Number(usageRows) };
}
