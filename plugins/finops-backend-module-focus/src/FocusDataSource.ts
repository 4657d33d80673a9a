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
  FocusReader,
  listFocusFiles,
  type FinopsDataSource,
  type FinopsReadOptions,
  type FinopsRecord,
  type FocusFileRef,
  type FocusLocationOptions,
  type FocusMode,
  type FocusS3Options,
  type FocusValidationReport,
} from '@ai-finops/backstage-plugin-finops-node';
import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type LoggerService,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig, type Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { HumanDuration } from '@backstage/types';
import {
  FOCUS_WORKLOAD_COLUMNS,
  focusRowToCharge,
  HourlyCostFacts,
  type FocusWorkloadColumn,
} from './records';

/** The default window: a week, so a monthly export is read a few times per backfill, not thirty. */
export const DEFAULT_FOCUS_WINDOW_SIZE: HumanDuration = { days: 7 };
/** Facts kept per source to answer later windows without reading a file again. */
export const DEFAULT_FOCUS_CACHE_FACTS = 500_000;

/**
 * Options of {@link FocusDataSource}.
 *
 * @public
 */
export interface FocusDataSourceOptions {
  /** Source id; default `focus`. */
  id?: string;
  /** A path, glob, folder, `file://`, `http(s)://` or `s3://` location. */
  location: string;
  /** Default `lenient`. */
  mode?: FocusMode;
  s3?: FocusS3Options;
  /** Default 7 days. */
  windowSize?: HumanDuration;
  lookback?: HumanDuration;
  backfill?: HumanDuration;
  schedule?: SchedulerServiceTaskScheduleDefinition;
  /** The FOCUS column that becomes a fact's workload. Default `ServiceName`. */
  workload?: FocusWorkloadColumn;
  /**
   * How many hourly facts the source keeps in memory, over all files, to
   * answer later windows of an unchanged file without reading it again.
   * Default 500,000; 0 turns the cache off (the time range of each file
   * version is still kept, to skip files outside a window).
   */
  cacheFacts?: number;
  /** Lists the files at the location; default `listFocusFiles`. */
  listFiles?: (
    location: string,
    options: FocusLocationOptions,
  ) => Promise<FocusFileRef[]>;
}

/** What the source remembers of one version of one file. */
interface FileMemory {
  version: string;
  /** ChargePeriodStart of its first charge and ChargePeriodEnd of its last; undefined when empty. */
  start?: number;
  end?: number;
  /** All its hourly facts, when they fitted in the cache. */
  facts?: HourlyCostFacts;
}

/**
 * What one read did, for logs and tests.
 *
 * @public
 */
export interface FocusReadStats {
  /** Files read from their location. */
  read: number;
  /** Files answered from the cache of their version. */
  cached: number;
  /** Files skipped because their charges lie outside the window. */
  skipped: number;
  /** Rows read. */
  rows: number;
}

/**
 * A FinOps data source over FOCUS billing exports. For a window it lists the
 * files at its location, reads them with the FOCUS validator, spreads every
 * charge evenly over the hours of its ChargePeriod and emits, for the hours
 * inside the window, one cost fact per hour and dimensions (category,
 * region, workload, GPU model, billing tags, billing labels) with the summed
 * BilledCost, EffectiveCost and ListCost.
 *
 * Each file version (ETag or modification time) is read once: its time
 * range is remembered, so later windows skip it when they do not overlap,
 * and its hourly facts are kept (up to `cacheFacts`), so they need not read
 * it again.
 *
 * @public
 */
export class FocusDataSource implements FinopsDataSource {
  readonly id: string;
  readonly location: string;
  readonly mode: FocusMode;
  readonly windowSize: HumanDuration;
  readonly lookback?: HumanDuration;
  readonly backfill?: HumanDuration;
  readonly schedule?: SchedulerServiceTaskScheduleDefinition;
  readonly workload: FocusWorkloadColumn;
  /** The validation report of each file, from its last read. */
  readonly reports = new Map<string, FocusValidationReport>();
  /** What the last read did. */
  lastRead?: FocusReadStats;
  readonly #s3?: FocusS3Options;
  readonly #cacheFacts: number;
  readonly #listFiles: NonNullable<FocusDataSourceOptions['listFiles']>;
  readonly #memory = new Map<string, FileMemory>();

  /**
   * One source per entry of `finops.focus.exports`; none when it is not
   * set. Ids default to `focus` for the first entry and `focus-<n>` for
   * the n-th after it.
   */
  static fromConfig(
    config: Config,
    options: Pick<FocusDataSourceOptions, 'listFiles'> = {},
  ): FocusDataSource[] {
    const entries = config.getOptionalConfigArray('finops.focus.exports') ?? [];
    return entries.map((entry, index) => {
      const where = `finops.focus.exports[${index}]`;
      const duration = (key: string) =>
        entry.has(key) ? readDurationFromConfig(entry, { key }) : undefined;
      const mode = entry.getOptionalString('mode') ?? 'lenient';
      if (mode !== 'lenient' && mode !== 'strict') {
        throw new InputError(
          `${where}.mode must be 'lenient' or 'strict', got '${mode}'`,
        );
      }
      const workload = entry.getOptionalString('workload') ?? 'ServiceName';
      if (!FOCUS_WORKLOAD_COLUMNS.includes(workload as FocusWorkloadColumn)) {
        throw new InputError(
          `${where}.workload must be one of ${FOCUS_WORKLOAD_COLUMNS.join(
            ', ',
          )}, got '${workload}'`,
        );
      }
      const s3 = entry.getOptionalConfig('s3');
      const credentials = s3?.getOptionalConfig('credentials');
      return new FocusDataSource({
        ...options,
        id:
          entry.getOptionalString('id') ??
          (index === 0 ? 'focus' : `focus-${index + 1}`),
        location: entry.getString('location'),
        mode,
        workload: workload as FocusWorkloadColumn,
        s3: s3 && {
          region: s3.getOptionalString('region'),
          endpoint: s3.getOptionalString('endpoint'),
          forcePathStyle: s3.getOptionalBoolean('forcePathStyle'),
          credentials: credentials && {
            accessKeyId: credentials.getString('accessKeyId'),
            secretAccessKey: credentials.getString('secretAccessKey'),
            sessionToken: credentials.getOptionalString('sessionToken'),
          },
        },
        windowSize: duration('windowSize'),
        lookback: duration('lookback'),
        backfill: duration('backfill'),
        schedule: entry.has('schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              entry.getConfig('schedule'),
            )
          : undefined,
        cacheFacts: entry.getOptionalNumber('cache.facts'),
      });
    });
  }

  constructor(options: FocusDataSourceOptions) {
    this.id = options.id ?? 'focus';
    if (!/^[a-z0-9][a-z0-9_.-]*$/i.test(this.id)) {
      throw new InputError(
        `FOCUS source id must be letters, digits, '-', '_' or '.', got '${this.id}'`,
      );
    }
    if (!options.location?.trim()) {
      throw new InputError(`FOCUS source '${this.id}' needs a location`);
    }
    this.location = options.location;
    this.mode = options.mode ?? 'lenient';
    this.windowSize = options.windowSize ?? DEFAULT_FOCUS_WINDOW_SIZE;
    this.lookback = options.lookback;
    this.backfill = options.backfill;
    this.schedule = options.schedule;
    this.workload = options.workload ?? 'ServiceName';
    this.#s3 = options.s3;
    this.#cacheFacts = options.cacheFacts ?? DEFAULT_FOCUS_CACHE_FACTS;
    if (!(this.#cacheFacts >= 0)) {
      throw new InputError(
        `FOCUS source '${this.id}': cache.facts must be 0 or more, got ${
          this.#cacheFacts
        }`,
      );
    }
    this.#listFiles = options.listFiles ?? listFocusFiles;
  }

  async *read(options: FinopsReadOptions): AsyncIterable<FinopsRecord> {
    const { window, logger, signal } = options;
    const start = window.start.getTime();
    const end = window.end.getTime();
    const stats: FocusReadStats = { read: 0, cached: 0, skipped: 0, rows: 0 };
    const files = await this.#listFiles(this.location, {
      s3: this.#s3,
      signal,
    });
    const listed = new Set(files.map(f => f.uri));
    for (const uri of this.#memory.keys()) {
      if (!listed.has(uri)) this.#memory.delete(uri);
    }

    const facts = new HourlyCostFacts();
    for (const file of files) {
      signal?.throwIfAborted();
      const memory = this.#memory.get(file.uri);
      if (
        memory &&
        file.version !== undefined &&
        memory.version === file.version
      ) {
        if (!overlaps(memory, start, end)) {
          stats.skipped += 1;
          continue;
        }
        if (memory.facts) {
          facts.addFrom(memory.facts, start, end);
          stats.cached += 1;
          continue;
        }
      }
      await this.#readFile(file, facts, start, end, stats, logger, signal);
    }

    this.lastRead = stats;
    logger.info(
      `FOCUS source '${
        this.id
      }' for [${window.start.toISOString()}, ${window.end.toISOString()}): ${
        files.length
      } file(s) at ${this.location}, ${stats.read} read (${stats.rows} rows), ${
        stats.cached
      } from cache, ${stats.skipped} outside the window; ${
        facts.size
      } hourly facts`,
    );
    yield* facts.records();
  }

  /** Reads one file, adding its facts in the window to `facts`. */
  async #readFile(
    file: FocusFileRef,
    facts: HourlyCostFacts,
    start: number,
    end: number,
    stats: FocusReadStats,
    logger: LoggerService,
    signal?: AbortSignal,
  ) {
    const reader = new FocusReader({ mode: this.mode });
    const budget = this.#cacheFacts - this.#cachedFacts(file.uri);
    let all: HourlyCostFacts | undefined =
      file.version !== undefined && budget > 0
        ? new HourlyCostFacts()
        : undefined;
    let first: number | undefined;
    let last: number | undefined;
    let row = 0;
    for await (const focusRow of reader.read(file)) {
      row += 1;
      if (row % 10_000 === 0) signal?.throwIfAborted();
      let charge;
      try {
        charge = focusRowToCharge(focusRow, { workload: this.workload });
      } catch (error) {
        throw new InputError(
          `${file.uri}: row ${row}, column ChargePeriodEnd: ${
            (error as Error).message
          }`,
        );
      }
      first =
        first === undefined ? charge.start : Math.min(first, charge.start);
      last = last === undefined ? charge.end : Math.max(last, charge.end);
      if (all) {
        all.add(charge);
        if (all.size > budget) {
          // Too big to keep: fall back to the window's hours only.
          all.keepOnly(start, end);
          facts.addFrom(all, start, end);
          all = undefined;
        }
      } else {
        facts.add(charge, hour => hour >= start && hour < end);
      }
    }
    if (all) facts.addFrom(all, start, end);
    stats.read += 1;
    stats.rows += row;
    this.reports.set(file.uri, reader.report);
    logger.info(describeReport(reader.report));
    if (file.version !== undefined) {
      this.#memory.set(file.uri, {
        version: file.version,
        start: first,
        end: last,
        facts: all,
      });
    }
  }

  /** Facts cached for files other than `uri`. */
  #cachedFacts(uri: string): number {
    let total = 0;
    for (const [key, memory] of this.#memory) {
      if (key !== uri) total += memory.facts?.size ?? 0;
    }
    return total;
  }
}

function overlaps(memory: FileMemory, start: number, end: number): boolean {
  if (memory.start === undefined || memory.end === undefined) return false;
  // A zero-length charge lies in its start hour.
  const last = Math.max(memory.end, memory.start + 1);
  return memory.start < end && last > start;
}

/** One line for the log: what the validator found and fixed. */
export function describeReport(report: FocusValidationReport): string {
  const counts = (map: Partial<Record<string, number>>) =>
    Object.entries(map)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([rule, count]) => `${rule} ${count}`)
      .join(', ');
  const parts = [
    `${report.file}: FOCUS ${report.version}, ${report.rows} rows, ${report.mode}`,
  ];
  if (Object.keys(report.fixed).length > 0) {
    parts.push(`fixed: ${counts(report.fixed)}`);
  }
  if (Object.keys(report.tolerated).length > 0) {
    parts.push(`tolerated: ${counts(report.tolerated)}`);
  }
  if (report.extraColumns.length > 0) {
    parts.push(`extra columns: ${report.extraColumns.join(', ')}`);
  }
  return parts.join('; ');
}
