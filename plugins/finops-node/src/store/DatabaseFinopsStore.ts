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

import type { FinopsRecord, FinopsWindow } from '../dataSources';
import type { FocusRow } from '../focus/FocusReader';
import {
  resolvePackagePath,
  type DatabaseService,
} from '@backstage/backend-plugin-api';
import { InputError, stringifyError } from '@backstage/errors';
import {
  markInSync,
  markOutOfSync,
  type FinopsDeliveryDriftStore,
} from './deliveryDrift';
import {
  claimNotification,
  deleteNotificationsSentBefore,
  releaseNotification,
  type FinopsNotificationLedger,
} from './notificationsSent';
import {
  clearRecommendationState,
  getRecommendationStates,
  getRecommendationStatesOf,
  setRecommendationState,
  type FinopsRecommendationStateStore,
} from './recommendations';
import {
  getRecommendationPullRequest,
  getRecommendationPullRequests,
  getRecommendationPullRequestsOf,
  listOpenRecommendationPullRequests,
  saveRecommendationPullRequest,
  updateRecommendationPullRequestState,
  type FinopsPullRequestStore,
} from './pullRequests';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { RecordChecksum } from './canonical';
import { isWholeHour, toDate, toOptionalDate } from './time';
import {
  BILLING_COLUMN_FOCUS_NAMES,
  BILLING_COPY_COLUMNS,
  BillingCopyEncoder,
  formatBillingDimension,
  nextDay,
  parseBillingDay,
  resolveBillingDimensions,
  toBillingChargeRow,
  validateBillingSource,
} from './billing';
import { BatchInserter } from './BatchInserter';
import { billingPeriodHours, deriveBillingFacts } from './billingFacts';
import { PgCopyWriter } from './copy';
import {
  getDataVersion,
  getEntityResult,
  getEntityResults,
  putEntityResult,
  type FinopsEntityResultStore,
} from './entityResults';
import {
  addNanos,
  fromNanos,
  parseNanos,
  sumNanosAs,
  type Nanos,
} from './money';
import { FOCUS_WORKLOAD_COLUMNS } from '../focus/facts';
import { queryLearnedPrices } from './learnedPrices';
import type { LearnedPrice } from '../prices/learn';
import type {
  FinopsBillingCostRow,
  FinopsBillingCostsOptions,
  FinopsBillingIngestion,
  FinopsBillingIngestionOptions,
  FinopsIngestionRun,
  FinopsIngestionRunStatus,
  FinopsStore,
} from './FinopsStore';
import {
  FACT_COLUMN_FIELDS,
  validateRecord,
  writeFactCopyRow,
} from './records';
import {
  daysCovering,
  pruneDailyRollups,
  rebuildDailyRollups,
} from './rollups';
import {
  getLatestCostHour,
  listUsageMetrics,
  queryCostGroups,
  queryUsageGroups,
} from './series';
import type {
  FinopsCostGroup,
  FinopsCostGroupsOptions,
  FinopsFactMatcher,
  FinopsUsageGroup,
  FinopsUsageGroupsOptions,
} from './FinopsStore';
import {
  BILLING_CHARGES_TABLE,
  COST_FACT_COLUMNS,
  COST_FACTS_TABLE,
  INGESTION_RUNS_TABLE,
  USAGE_FACT_COLUMNS,
  USAGE_FACTS_TABLE,
  type DbBillingChargeRow,
  type DbCostFactRow,
  type DbIngestionRunRow,
  type DbTimestamp,
  type DbUsageFactRow,
} from './tables';

const migrationsDir = resolvePackagePath(import.meta.url, 'migrations');

/** Values per `where … in (…)`, to keep parameter lists short. */
const WHERE_IN_CHUNK_SIZE = 100;

const DEFAULT_RUN_LIMIT = 50;
const MAX_RUN_LIMIT = 1000;

/**
 * The knex implementation of {@link FinopsStore}, for SQLite and Postgres.
 *
 * @public
 */
export class DatabaseFinopsStore
  implements
    FinopsStore,
    FinopsRecommendationStateStore,
    FinopsPullRequestStore,
    FinopsEntityResultStore,
    FinopsNotificationLedger,
    FinopsDeliveryDriftStore
{
  readonly #db: Knex;
  readonly #isSqlite: boolean;

  /**
   * Connects to the plugin database and brings its schema up to date,
   * unless the database service says to skip migrations.
   */
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseFinopsStore> {
    const { database } = options;
    const client = await database.getClient();
    if (!database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseFinopsStore(client);
  }

  private constructor(db: Knex) {
    this.#db = db;
    this.#isSqlite = String(db.client.config.client).includes('sqlite');
  }

  async replaceWindow(
    sourceId: string,
    window: FinopsWindow,
    records: AsyncIterable<FinopsRecord> | Iterable<FinopsRecord>,
  ): Promise<FinopsIngestionRun> {
    validateWindow(sourceId, window);

    const startedAt = new Date();
    const [inserted] = await this.#db<DbIngestionRunRow>(
      INGESTION_RUNS_TABLE,
    ).insert(
      {
        source: sourceId,
        window_start: window.start,
        window_end: window.end,
        status: 'running',
        cost_rows: 0,
        usage_rows: 0,
        started_at: startedAt,
      },
      ['id'],
    );
    const id = Number(typeof inserted === 'object' ? inserted.id : inserted);

    try {
      return await this.#db.transaction(async tx => {
        await tx(COST_FACTS_TABLE)
          .where('source', sourceId)
          .where('hour', '>=', window.start)
          .where('hour', '<', window.end)
          .delete();
        await tx(USAGE_FACTS_TABLE)
          .where('source', sourceId)
          .where('hour', '>=', window.start)
          .where('hour', '<', window.end)
          .delete();

        const checksum = new RecordChecksum();
        const { costRows, usageRows } = this.#isSqlite
          ? await this.#insertFacts(tx, sourceId, window, records, checksum)
          : await this.#copyFacts(tx, sourceId, window, records, checksum);

        // The daily roll-ups of every day the window touches, recomputed
        // from the hourly facts (a day the window covers in part keeps the
        // facts of its other hours).
        await rebuildDailyRollups(tx, this.#isSqlite, {
          ...daysCovering(window.start, window.end),
          source: sourceId,
        });

        const finishedAt = new Date();
        const digest = checksum.digest();
        await tx(INGESTION_RUNS_TABLE).where('id', id).update({
          status: 'succeeded',
          cost_rows: costRows,
          usage_rows: usageRows,
          checksum: digest,
          finished_at: finishedAt,
        });
        return {
          id,
          sourceId,
          windowStart: window.start,
          windowEnd: window.end,
          status: 'succeeded' as const,
          costRows,
          usageRows,
          checksum: digest,
          startedAt,
          finishedAt,
        };
      });
    } catch (error) {
      // The transaction is rolled back; the failure is recorded outside it.
      await this.#db(INGESTION_RUNS_TABLE)
        .where('id', id)
        .update({
          status: 'failed',
          error: stringifyError(error),
          finished_at: new Date(),
        });
      throw error;
    }
  }

  /** SQLite: validated records inserted in batches. */
  async #insertFacts(
    tx: Knex.Transaction,
    sourceId: string,
    window: FinopsWindow,
    records: AsyncIterable<FinopsRecord> | Iterable<FinopsRecord>,
    checksum: RecordChecksum,
  ): Promise<{ costRows: number; usageRows: number }> {
    const costs = new BatchInserter<DbCostFactRow>(tx, COST_FACTS_TABLE);
    const usage = new BatchInserter<DbUsageFactRow>(tx, USAGE_FACTS_TABLE);
    let index = 0;

    for await (const record of records) {
      const validated = validateRecord(sourceId, window, record, index);
      index += 1;
      checksum.add(validated.canonical);
      if (validated.type === 'cost') await costs.add(validated.row);
      else await usage.add(validated.row);
    }
    const costRows = await costs.finish();
    const usageRows = await usage.finish();
    return { costRows, usageRows };
  }

  /**
   * PostgreSQL: validated records streamed with COPY into both fact tables,
   * in chunks that are written while the next records are read.
   */
  async #copyFacts(
    tx: Knex.Transaction,
    sourceId: string,
    window: FinopsWindow,
    records: AsyncIterable<FinopsRecord> | Iterable<FinopsRecord>,
    checksum: RecordChecksum,
  ): Promise<{ costRows: number; usageRows: number }> {
    const copy = new PgCopyWriter(
      tx,
      {
        [COST_FACTS_TABLE]: COST_FACT_COLUMNS,
        [USAGE_FACTS_TABLE]: USAGE_FACT_COLUMNS,
      },
      (error, row, column) =>
        new InputError(
          `Invalid record #${row} from data source '${sourceId}': field '${
            (column && FACT_COLUMN_FIELDS[column]) ?? column ?? 'unknown'
          }' was refused by the database: ${error.message}`,
        ),
    );
    try {
      let index = 0;
      for await (const record of records) {
        const validated = validateRecord(sourceId, window, record, index);
        checksum.add(validated.canonical);
        const table =
          validated.type === 'cost' ? COST_FACTS_TABLE : USAGE_FACTS_TABLE;
        writeFactCopyRow(copy.buffer(table), validated);
        const pending = copy.rowWritten(table, index);
        if (pending) await pending;
        index += 1;
      }
      const rows = await copy.finish();
      return {
        costRows: rows[COST_FACTS_TABLE],
        usageRows: rows[USAGE_FACTS_TABLE],
      };
    } catch (error) {
      await copy.abort();
      throw error;
    }
  }

  async listIngestionRuns(
    options: { sourceId?: string; limit?: number } = {},
  ): Promise<FinopsIngestionRun[]> {
    const limit = Math.min(
      Math.max(Math.floor(options.limit ?? DEFAULT_RUN_LIMIT), 1),
      MAX_RUN_LIMIT,
    );
    const query = this.#db<DbIngestionRunRow>(INGESTION_RUNS_TABLE)
      .select('*')
      .orderBy([
        { column: 'started_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    if (options.sourceId !== undefined) {
      query.where('source', options.sourceId);
    }
    const rows = (await query) as DbIngestionRunRow[];
    return rows.map(toIngestionRun);
  }

  async getLastSuccessfulWindowEnd(
    sourceId: string,
  ): Promise<Date | undefined> {
    const [{ latest }] = (await this.#db(INGESTION_RUNS_TABLE)
      .where({ source: sourceId, status: 'succeeded' })
      .max({ latest: 'window_end' })) as Array<{ latest: DbTimestamp | null }>;
    return toOptionalDate(latest);
  }

  async deleteFactsBefore(
    date: Date,
  ): Promise<{ costRows: number; usageRows: number; runs: number }> {
    return await this.#db.transaction(async tx => {
      const costRows = await tx(COST_FACTS_TABLE)
        .where('hour', '<', date)
        .delete();
      const usageRows = await tx(USAGE_FACTS_TABLE)
        .where('hour', '<', date)
        .delete();
      // The roll-ups of the days before, and of the day `date` cuts in two.
      await pruneDailyRollups(tx, this.#isSqlite, date);
      const runs = await tx(INGESTION_RUNS_TABLE)
        .where('window_end', '<=', date)
        .whereNot('status', 'running')
        .delete();
      return {
        costRows: Number(costRows),
        usageRows: Number(usageRows),
        runs: Number(runs),
      };
    });
  }

  async replaceBillingCharges(
    source: string,
    rows: AsyncIterable<FocusRow> | Iterable<FocusRow>,
    options: FinopsBillingIngestionOptions = {},
  ): Promise<FinopsBillingIngestion> {
    validateBillingSource(source);
    if (
      options.workload !== undefined &&
      !FOCUS_WORKLOAD_COLUMNS.includes(options.workload)
    ) {
      throw new InputError(
        `Invalid workload column '${
          options.workload
        }'; expected one of ${FOCUS_WORKLOAD_COLUMNS.join(', ')}`,
      );
    }
    const run = { source, runId: randomUUID(), ingestedAt: new Date() };

    return await this.#db.transaction(async tx => {
      // Billing periods seen, as epoch milliseconds; null for rows without one.
      const periods = new Set<number | null>();
      const stored = this.#isSqlite
        ? await this.#insertBillingCharges(tx, rows, run, periods)
        : await this.#copyBillingCharges(tx, rows, run, periods);

      const starts = [...periods]
        .filter((p): p is number => p !== null)
        .sort((a, b) => a - b);
      // The hours the old and the new charges of these periods cover: the
      // facts derived from them are derived again below.
      let hours: { start: number; end: number } | undefined;
      for (
        let i = 0;
        i < Math.max(starts.length, 1);
        i += WHERE_IN_CHUNK_SIZE
      ) {
        const chunk = await billingPeriodHours(tx, source, {
          starts: starts
            .slice(i, i + WHERE_IN_CHUNK_SIZE)
            .map(p => new Date(p)),
          withoutPeriod: i === 0 && periods.has(null),
        });
        if (chunk) {
          hours = hours
            ? {
                start: Math.min(hours.start, chunk.start),
                end: Math.max(hours.end, chunk.end),
              }
            : chunk;
        }
      }

      // What earlier runs stored for the same periods of the same source.
      for (let i = 0; i < starts.length; i += WHERE_IN_CHUNK_SIZE) {
        await tx(BILLING_CHARGES_TABLE)
          .where('source', source)
          .whereIn(
            'billing_period_start',
            starts.slice(i, i + WHERE_IN_CHUNK_SIZE).map(p => new Date(p)),
          )
          .whereNot('run_id', run.runId)
          .delete();
      }
      if (periods.has(null)) {
        await tx(BILLING_CHARGES_TABLE)
          .where('source', source)
          .whereNull('billing_period_start')
          .whereNot('run_id', run.runId)
          .delete();
      }

      // The hourly cost facts the entity engine reads, derived from the
      // source's charges over those hours, and the run that says so.
      const costFacts = hours
        ? await deriveBillingFacts(tx, this.#isSqlite, {
            source,
            ...hours,
            workload: options.workload,
          })
        : 0;
      if (hours) {
        const finishedAt = new Date();
        await tx(INGESTION_RUNS_TABLE).insert({
          source,
          window_start: new Date(hours.start),
          window_end: new Date(hours.end),
          status: 'succeeded',
          cost_rows: costFacts,
          usage_rows: 0,
          started_at: run.ingestedAt,
          finished_at: finishedAt,
        });
      }

      return {
        rows: stored,
        billingPeriods: starts.map(p => new Date(p).toISOString()),
        costFacts,
        ...(hours
          ? {
              hours: {
                start: new Date(hours.start).toISOString(),
                end: new Date(hours.end).toISOString(),
              },
            }
          : {}),
      };
    });
  }
  /** SQLite: billing rows inserted in batches. Returns the rows stored. */
  async #insertBillingCharges(
    tx: Knex.Transaction,
    rows: AsyncIterable<FocusRow> | Iterable<FocusRow>,
    run: { source: string; runId: string; ingestedAt: Date },
    periods: Set<number | null>,
  ): Promise<number> {
    const charges = new BatchInserter<DbBillingChargeRow>(
      tx,
      BILLING_CHARGES_TABLE,
    );
    let index = 0;
    for await (const row of rows) {
      index += 1;
      const dbRow = toBillingChargeRow(row, index, run);
      periods.add(
        dbRow.billing_period_start === null
          ? null
          : (dbRow.billing_period_start as Date).getTime(),
      );
      await charges.add(dbRow);
    }
    return charges.finish();
  }

  /**
   * PostgreSQL: billing rows streamed into the table with COPY, in chunks
   * that are written while the reader parses the next rows. Returns the
   * rows stored.
   */
  async #copyBillingCharges(
    tx: Knex.Transaction,
    rows: AsyncIterable<FocusRow> | Iterable<FocusRow>,
    run: { source: string; runId: string; ingestedAt: Date },
    periods: Set<number | null>,
  ): Promise<number> {
    const copy = new PgCopyWriter(
      tx,
      { [BILLING_CHARGES_TABLE]: BILLING_COPY_COLUMNS },
      (error, row, column) =>
        new InputError(
          `row ${row}, column ${
            (column && BILLING_COLUMN_FOCUS_NAMES[column]) ??
            column ??
            'unknown'
          }: ${error.message}`,
        ),
    );
    const encoder = new BillingCopyEncoder(run);
    try {
      let index = 0;
      for await (const row of rows) {
        index += 1;
        encoder.write(copy.buffer(BILLING_CHARGES_TABLE), row, index);
        const pending = copy.rowWritten(BILLING_CHARGES_TABLE, index);
        if (pending) await pending;
      }
      const stored = (await copy.finish())[BILLING_CHARGES_TABLE];
      for (const period of encoder.periods) periods.add(period);
      return stored;
    } catch (error) {
      await copy.abort();
      throw error;
    }
  }

  async queryBillingCosts(
    options: FinopsBillingCostsOptions,
  ): Promise<FinopsBillingCostRow[]> {
    const dimensions = resolveBillingDimensions(options.groupBy);
    const from =
      options.from === undefined
        ? undefined
        : parseBillingDay(options.from, 'from day');
    const to =
      options.to === undefined
        ? undefined
        : parseBillingDay(options.to, 'to day');
    if (from && to && from > to) {
      throw new InputError(
        `Invalid day range: from ${options.from} is after to ${options.to}`,
      );
    }

    // Group by the stored columns (a day is grouped by its timestamps) and
    // fold the groups in JS: portable across SQLite and Postgres, and the
    // folding is over groups, not rows.
    const columns = [...new Set(dimensions.map(d => d.column))];
    const query = this.#db(BILLING_CHARGES_TABLE).select(
      sumNanosAs(this.#db, 'billed_cost_nanos', 'billedCost'),
      sumNanosAs(this.#db, 'effective_cost_nanos', 'effectiveCost'),
      sumNanosAs(this.#db, 'list_cost_nanos', 'listCost'),
    );
    if (columns.length > 0) {
      query.select(columns).groupBy(columns);
    }
    if (from) query.where('charge_period_start', '>=', from);
    if (to) query.where('charge_period_start', '<', nextDay(to));
    if (options.source !== undefined) query.where('source', options.source);

    const rows = (await query) as Array<
      Record<string, DbTimestamp | null> & {
        /** Sums of nano-units, as text. */
        billedCost: string | null;
        effectiveCost: string | null;
        listCost: string | null;
      }
    >;

    // Groups fold in nano-units: exact, whatever the order of the rows.
    const groups = new Map<
      string,
      { group: FinopsBillingCostRow['group']; sums: [Nanos, Nanos, Nanos] }
    >();
    for (const row of rows) {
      const values = dimensions.map(d =>
        formatBillingDimension(d, row[d.column]),
      );
      const key = JSON.stringify(values);
      let group = groups.get(key);
      if (!group) {
        group = {
          group: Object.fromEntries(
            dimensions.map((d, i) => [d.name, values[i]]),
          ),
          sums: [0, 0, 0],
        };
        groups.set(key, group);
      }
      const { sums } = group;
      sums[0] = addNanos(sums[0], parseNanos(row.billedCost));
      sums[1] = addNanos(sums[1], parseNanos(row.effectiveCost));
      sums[2] = addNanos(sums[2], parseNanos(row.listCost));
    }
    // Without group-by columns the result is one total (0 when there are no
    // rows: SQL sums nothing to one null row).
    return [...groups.values()]
      .map(({ group, sums }) => ({
        group,
        billedCost: fromNanos(sums[0]),
        effectiveCost: fromNanos(sums[1]),
        listCost: fromNanos(sums[2]),
      }))
      .sort((a, b) =>
        compareGroups(
          dimensions.map(d => a.group[d.name]),
          dimensions.map(d => b.group[d.name]),
        ),
      );
  }

  async queryLearnedPrices(): Promise<LearnedPrice[]> {
    return queryLearnedPrices(this.#db);
  }

  // Series and allocation queries: implemented in ./series.ts.

  async queryCostGroups(
    options: FinopsCostGroupsOptions,
  ): Promise<FinopsCostGroup[]> {
    return queryCostGroups(this.#db, options);
  }

  async queryUsageGroups(
    options: FinopsUsageGroupsOptions,
  ): Promise<FinopsUsageGroup[]> {
    return queryUsageGroups(this.#db, options);
  }

  async listUsageMetrics(options: {
    filter?: readonly FinopsFactMatcher[];
    from?: Date;
    to?: Date;
  }): Promise<string[]> {
    return listUsageMetrics(this.#db, options);
  }

  async getLatestCostHour(options: {
    filter?: readonly FinopsFactMatcher[];
    currency: string;
    before?: Date;
  }): Promise<Date | undefined> {
    return getLatestCostHour(this.#db, options);
  }

  // Recommendation decisions (dismissed, snoozed): see ./recommendations.ts.

  async getRecommendationStates(entityRef: string, now?: Date) {
    return getRecommendationStates(this.#db, entityRef, now);
  }

  async getRecommendationStatesOf(entityRefs: readonly string[], now?: Date) {
    return getRecommendationStatesOf(this.#db, entityRefs, now);
  }

  async setRecommendationState(
    ...args: Parameters<
      FinopsRecommendationStateStore['setRecommendationState']
    >
  ) {
    return setRecommendationState(this.#db, ...args);
  }

  async clearRecommendationState(entityRef: string, recommendationId: string) {
    return clearRecommendationState(this.#db, entityRef, recommendationId);
  }

  // Notifications sent once each: see ./notificationsSent.ts.

  async claimNotification(entityRef: string, key: string, sentAt: Date) {
    return claimNotification(this.#db, entityRef, key, sentAt);
  }

  async releaseNotification(entityRef: string, key: string) {
    return releaseNotification(this.#db, entityRef, key);
  }

  async deleteNotificationsSentBefore(before: Date) {
    return deleteNotificationsSentBefore(this.#db, before);
  }

  // Since when GitOps objects are out of sync: see ./deliveryDrift.ts.

  async markOutOfSync(objectKey: string, seenAt: Date) {
    return markOutOfSync(this.#db, objectKey, seenAt);
  }

  async markInSync(objectKey: string) {
    return markInSync(this.#db, objectKey);
  }

  // Engine results computed ahead of requests: see ./entityResults.ts.

  async getDataVersion() {
    return getDataVersion(this.#db);
  }

  async getEntityResult<T = unknown>(entityRef: string, kind: string) {
    return getEntityResult<T>(this.#db, entityRef, kind);
  }

  async getEntityResults<T = unknown>(
    kind: string,
    entityRefs: readonly string[],
  ) {
    return getEntityResults<T>(this.#db, kind, entityRefs);
  }

  async putEntityResult(
    ...args: Parameters<FinopsEntityResultStore['putEntityResult']>
  ) {
    return putEntityResult(this.#db, ...args);
  }

  // Recommendation pull requests (GitOps): see ./pullRequests.ts.

  async getRecommendationPullRequest(entityRef: string, id: string) {
    return getRecommendationPullRequest(this.#db, entityRef, id);
  }

  async getRecommendationPullRequests(entityRef: string) {
    return getRecommendationPullRequests(this.#db, entityRef);
  }

  async getRecommendationPullRequestsOf(entityRefs: readonly string[]) {
    return getRecommendationPullRequestsOf(this.#db, entityRefs);
  }

  async saveRecommendationPullRequest(
    ...args: Parameters<FinopsPullRequestStore['saveRecommendationPullRequest']>
  ) {
    return saveRecommendationPullRequest(this.#db, ...args);
  }

  async listOpenRecommendationPullRequests(limit?: number) {
    return listOpenRecommendationPullRequests(this.#db, limit);
  }

  async updateRecommendationPullRequestState(
    ...args: Parameters<
      FinopsPullRequestStore['updateRecommendationPullRequestState']
    >
  ) {
    return updateRecommendationPullRequestState(this.#db, ...args);
  }
}

function validateWindow(sourceId: string, window: FinopsWindow) {
  if (typeof sourceId !== 'string' || !sourceId || sourceId.length > 255) {
    throw new InputError(
      `Invalid data source id '${sourceId}'; expected 1 to 255 characters`,
    );
  }
  const { start, end } = window;
  if (
    !(start instanceof Date) ||
    !(end instanceof Date) ||
    Number.isNaN(start.getTime()) ||
    Number.isNaN(end.getTime())
  ) {
    throw new InputError('Invalid window: start and end must be dates');
  }
  if (!isWholeHour(start) || !isWholeHour(end) || start >= end) {
    throw new InputError(
      `Invalid window [${start.toISOString()}, ${end.toISOString()}): it must start before it ends, on whole hours`,
    );
  }
}

/** Orders group values: null first, then by UTF-16 code units. */
function compareGroups(
  a: Array<string | null>,
  b: Array<string | null>,
): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === null) return -1;
    if (y === null) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

function toIngestionRun(row: DbIngestionRunRow): FinopsIngestionRun {
  return {
    id: Number(row.id),
    sourceId: row.source,
    windowStart: toDate(row.window_start),
    windowEnd: toDate(row.window_end),
    status: row.status as FinopsIngestionRunStatus,
    costRows: Number(row.cost_rows),
    usageRows: Number(row.usage_rows),
    ...(row.checksum ? { checksum: row.checksum } : {}),
    ...(row.error ? { error: row.error } : {}),
    startedAt: toDate(row.started_at),
    ...(row.finished_at ? { finishedAt: toDate(row.finished_at) } : {}),
  };
}
