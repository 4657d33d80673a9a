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
  FOCUS_READ_LIMITS,
  FOCUS_WORKLOAD_COLUMNS,
  ingestFocusExport,
  listFocusFiles,
  redactSecrets,
  type FinopsBillingExportIngestOptions,
  type FinopsBillingExportSource,
  type FinopsBillingIngestion,
  type FocusFileRef,
  type FocusLocationOptions,
  type FocusMode,
  type FocusReadLimits,
  type FocusS3Options,
  type FocusValidationReport,
  type FocusWorkloadColumn,
} from '@ai-finops/backstage-plugin-finops-node';
import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type LoggerService,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/**
 * Settings of the former windowed FOCUS source that no longer apply: the
 * export is stored whole, replacing the billing periods it carries.
 */
const RETIRED_SETTINGS = ['windowSize', 'lookback', 'backfill', 'cache'];

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
  schedule?: SchedulerServiceTaskScheduleDefinition;
  /** The FOCUS column that becomes a fact's workload. Default `ServiceName`. */
  workload?: FocusWorkloadColumn;
  /** Limits of each file read; unset ones keep `FOCUS_READ_LIMITS`. */
  limits?: FocusReadLimits;
  /** Lists the files at the location; default `listFocusFiles`. */
  listFiles?: (
    location: string,
    options: FocusLocationOptions,
  ) => Promise<FocusFileRef[]>;
}

/**
 * What one run did, for logs and tests.
 *
 * @public
 */
export interface FocusIngestStats {
  /** Files listed at the location. */
  files: number;
  /**
   * Whether the run stored nothing because every file had the version
   * (ETag or modification time) that the last successful run stored.
   */
  unchanged: boolean;
  /** What was stored; unset when unchanged. */
  stored?: FinopsBillingIngestion;
}

/**
 * A FinOps billing-export source over FOCUS exports. On each run of its
 * task it lists the files at its location and stores them with
 * `ingestFocusExport` — the same code as `ai-finops ingest focus` — in one
 * transaction: the FOCUS charges of every billing period in the files
 * replace the source's earlier charges of those periods, and the hourly
 * cost facts the entity cards read are derived again from the stored
 * charges (each charge spread evenly over the hours of its ChargePeriod).
 *
 * When every listed file has a version (ETag or modification time) and the
 * versions are those the last successful run stored, nothing is read.
 *
 * @public
 */
export class FocusDataSource implements FinopsBillingExportSource {
  readonly kind = 'billing-export' as const;
  readonly id: string;
  readonly location: string;
  readonly mode: FocusMode;
  readonly schedule?: SchedulerServiceTaskScheduleDefinition;
  readonly workload: FocusWorkloadColumn;
  readonly limits?: FocusReadLimits;
  /** The validation report of each file, from its last read. */
  readonly reports = new Map<string, FocusValidationReport>();
  /** What the last run did. */
  lastIngest?: FocusIngestStats;
  readonly #s3?: FocusS3Options;
  readonly #listFiles: NonNullable<FocusDataSourceOptions['listFiles']>;
  /** The file versions the last successful run stored. */
  #storedVersions?: string;

  /**
   * One source per entry of `finops.focus.exports`; none when it is not
   * set. Ids default to `focus` for the first entry and `focus-<n>` for
   * the n-th after it. Settings of the former windowed source
   * (`windowSize`, `lookback`, `backfill`, `cache`) are ignored, with a
   * warning to `logger`.
   */
  static fromConfig(
    config: Config,
    options: Pick<FocusDataSourceOptions, 'listFiles'> & {
      logger?: LoggerService;
    } = {},
  ): FocusDataSource[] {
    const { logger, ...sourceOptions } = options;
    const entries = config.getOptionalConfigArray('finops.focus.exports') ?? [];
    return entries.map((entry, index) => {
      const where = `finops.focus.exports[${index}]`;
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
      for (const key of RETIRED_SETTINGS) {
        if (entry.has(key)) {
          logger?.warn(
            `${where}.${key} is ignored: the FOCUS source stores the whole export on every run, replacing the billing periods it carries`,
          );
        }
      }
      const s3 = entry.getOptionalConfig('s3');
      const credentials = s3?.getOptionalConfig('credentials');
      const limitsConfig = entry.getOptionalConfig('limits');
      let limits: FocusReadLimits | undefined;
      if (limitsConfig) {
        limits = {};
        for (const key of limitsConfig.keys()) {
          if (!(key in FOCUS_READ_LIMITS)) {
            throw new InputError(
              `${where}.limits.${key} is not a FOCUS reader limit; use one of ${Object.keys(
                FOCUS_READ_LIMITS,
              ).join(', ')}`,
            );
          }
          const value = limitsConfig.getNumber(key);
          if (!(value > 0)) {
            throw new InputError(
              `${where}.limits.${key} must be a positive number, got ${value}`,
            );
          }
          limits[key as keyof FocusReadLimits] = value;
        }
      }
      return new FocusDataSource({
        ...sourceOptions,
        id:
          entry.getOptionalString('id') ??
          (index === 0 ? 'focus' : `focus-${index + 1}`),
        location: entry.getString('location'),
        mode,
        workload: workload as FocusWorkloadColumn,
        limits,
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
        schedule: entry.has('schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              entry.getConfig('schedule'),
            )
          : undefined,
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
    this.schedule = options.schedule;
    this.workload = options.workload ?? 'ServiceName';
    this.limits = options.limits;
    this.#s3 = options.s3;
    this.#listFiles = options.listFiles ?? listFocusFiles;
  }

  async ingest(
    options: FinopsBillingExportIngestOptions,
  ): Promise<FinopsBillingIngestion | undefined> {
    const { store, logger, signal } = options;
    const location = redactSecrets(this.location);
    const files = await this.#listFiles(this.location, {
      s3: this.#s3,
      signal,
      onSkip: ({ path, reason }) =>
        logger.warn(
          `FOCUS source '${this.id}': skipped ${path} at ${location}: ${reason}`,
        ),
    });
    const versions = files.every(f => f.version !== undefined)
      ? JSON.stringify(files.map(f => [f.uri, f.version]).sort())
      : undefined;
    if (versions !== undefined && versions === this.#storedVersions) {
      this.lastIngest = { files: files.length, unchanged: true };
      logger.info(
        `FOCUS source '${this.id}': the ${files.length} file(s) at ${location} are unchanged since they were stored`,
      );
      return undefined;
    }

    const { stored, reports } = await ingestFocusExport(store, {
      source: this.id,
      // Opened with the task's signal, so an abort stops a download too.
      files: signal ? files.map(file => withSignal(file, signal)) : files,
      mode: this.mode,
      workload: this.workload,
      limits: this.limits,
      signal,
    });
    for (const report of reports) {
      this.reports.set(report.file, report);
      logger.info(describeReport(report));
    }
    this.#storedVersions = versions;
    this.lastIngest = { files: files.length, unchanged: false, stored };
    logger.info(
      `FOCUS source '${this.id}': ${files.length} file(s) at ${location}, ${
        stored.rows
      } charges stored for billing period(s) ${
        stored.billingPeriods.map(p => p.slice(0, 10)).join(', ') || 'none'
      }; ${stored.costFacts} hourly cost facts derived${
        stored.hours ? ` for [${stored.hours.start}, ${stored.hours.end})` : ''
      }`,
    );
    return stored;
  }
}

/** The file, opened and read in ranges with `signal` unless given another. */
function withSignal(file: FocusFileRef, signal: AbortSignal): FocusFileRef {
  const { readRange } = file;
  return {
    ...file,
    open: own => file.open(own ?? signal),
    ...(readRange
      ? {
          readRange: (start: number, end: number, own?: AbortSignal) =>
            readRange.call(file, start, end, own ?? signal),
        }
      : {}),
  };
}

/**
 * One line for the log: what the validator found and fixed.
 *
 * @public
 */
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
