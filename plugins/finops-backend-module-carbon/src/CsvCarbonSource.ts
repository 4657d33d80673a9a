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

import { stat } from 'node:fs/promises';
import {
  readHourlyCarbonIntensityCsv,
  type CarbonIntensityPoint,
  type CarbonIntensityReport,
  type FinopsDataSource,
  type FinopsReadOptions,
  type FinopsRecord,
} from '@ai-finops/backstage-plugin-finops-node';
import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type LoggerService,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig, type Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { HumanDuration } from '@backstage/types';
import { intensityRecords } from './facts';

/**
 * One hourly intensity file and the cloud regions whose grid it describes.
 *
 * @public
 */
export interface CarbonCsvFile {
  path: string;
  /** Cloud regions on this grid, e.g. `[us-west-1]` for CAISO. */
  regions: string[];
  /** The grid zone, for reports and the zone label; default: the file name. */
  zone?: string;
  /** Default `timestamp`. */
  timestampColumn?: string;
  /** gCO2e/kWh column; default `avg_CI`. */
  valueColumn?: string;
  /** Longest gap filled by interpolation, hours; default 3. */
  maxGapHours?: number;
}

/**
 * Options of {@link CsvCarbonSource}.
 *
 * @public
 */
export interface CsvCarbonSourceOptions {
  files: CarbonCsvFile[];
  /** Reach back to the first hour of the files; default: the backend's backfill. */
  backfill?: HumanDuration;
  /** Default 30 days: the files are in memory, a window costs one transaction. */
  windowSize?: HumanDuration;
  lookback?: HumanDuration;
  schedule?: SchedulerServiceTaskScheduleDefinition;
}

interface Loaded {
  mtimeMs: number;
  points: CarbonIntensityPoint[];
  report: CarbonIntensityReport;
}

/**
 * A FinOps data source of hourly grid carbon intensity imported from CSV
 * files (the EIA-930 format of `readHourlyCarbonIntensityCsv`: a timestamp
 * and a gCO2e/kWh column per row, short gaps interpolated), stored as the
 * usage metric `grid_carbon_intensity_gco2_per_kwh` of each cloud region
 * the file is mapped to. A file is read again only when it changes.
 *
 * @public
 */
export class CsvCarbonSource implements FinopsDataSource {
  readonly id = 'carbon-csv';
  readonly files: readonly CarbonCsvFile[];
  readonly backfill?: HumanDuration;
  readonly windowSize: HumanDuration;
  readonly lookback?: HumanDuration;
  readonly schedule?: SchedulerServiceTaskScheduleDefinition;
  /** The report of each file, from its last read. */
  readonly reports = new Map<string, CarbonIntensityReport>();
  /** Files read from disk by the last `read`. */
  filesRead = 0;
  readonly #loaded = new Map<string, Loaded>();

  /** Reads `finops.carbon.csv`; undefined when it is not set. */
  static fromConfig(config: Config): CsvCarbonSource | undefined {
    const csv = config.getOptionalConfig('finops.carbon.csv');
    if (!csv) return undefined;
    const duration = (key: string) =>
      csv.has(key) ? readDurationFromConfig(csv, { key }) : undefined;
    return new CsvCarbonSource({
      files: csv.getConfigArray('files').map((file, index) => {
        const regions = file.getStringArray('regions');
        if (regions.length === 0) {
          throw new InputError(
            `finops.carbon.csv.files[${index}].regions must name at least one cloud region`,
          );
        }
        return {
          path: file.getString('path'),
          regions,
          zone: file.getOptionalString('zone'),
          timestampColumn: file.getOptionalString('timestampColumn'),
          valueColumn: file.getOptionalString('valueColumn'),
          maxGapHours: file.getOptionalNumber('maxGapHours'),
        };
      }),
      backfill: duration('backfill'),
      windowSize: duration('windowSize'),
      lookback: duration('lookback'),
      schedule: csv.has('schedule')
        ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
            csv.getConfig('schedule'),
          )
        : undefined,
    });
  }

  constructor(options: CsvCarbonSourceOptions) {
    if (options.files.length === 0) {
      throw new InputError('finops.carbon.csv needs at least one file');
    }
    this.files = options.files;
    this.backfill = options.backfill;
    this.windowSize = options.windowSize ?? { days: 30 };
    this.lookback = options.lookback;
    this.schedule = options.schedule;
  }

  async *read(options: FinopsReadOptions): AsyncIterable<FinopsRecord> {
    const { window, logger } = options;
    this.filesRead = 0;
    const records: FinopsRecord[] = [];
    for (const file of this.files) {
      options.signal?.throwIfAborted();
      const zone = file.zone ?? zoneFromName(file.path);
      const loaded = await this.#load(file, zone, logger);
      records.push(
        ...intensityRecords(
          loaded.points.map(p => ({
            hour: Date.parse(p.hour),
            gCo2ePerKwh: p.gCo2ePerKwh,
          })),
          zone,
          file.regions,
          window.start.getTime(),
          window.end.getTime(),
        ),
      );
    }
    records.sort((a, b) =>
      a.hour === b.hour
        ? (a.region ?? '').localeCompare(b.region ?? '')
        : a.hour.localeCompare(b.hour),
    );
    yield* records;
  }

  async #load(
    file: CarbonCsvFile,
    zone: string,
    logger: LoggerService,
  ): Promise<Loaded> {
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(file.path)).mtimeMs;
    } catch (error) {
      throw new InputError(
        `Carbon intensity file ${file.path} cannot be read: ${
          (error as Error).message
        }`,
      );
    }
    const cached = this.#loaded.get(file.path);
    if (cached && cached.mtimeMs === mtimeMs) return cached;
    const { points, report } = await readHourlyCarbonIntensityCsv(file.path, {
      zone,
      timestampColumn: file.timestampColumn,
      valueColumn: file.valueColumn,
      maxGapHours: file.maxGapHours,
    });
    this.filesRead += 1;
    this.reports.set(file.path, report);
    const gaps = report.gaps.map(g => `${g.start} (${g.hours} h)`).join(', ');
    logger.info(
      `Carbon intensity ${file.path} (${zone}): ${report.rows} rows, ${
        points.length
      } hours, ${report.interpolated} interpolated, ${
        report.invalidValues
      } empty or invalid, ${report.duplicates} duplicates${
        gaps ? `; gaps left empty: ${gaps}` : ''
      }`,
    );
    const loaded = { mtimeMs, points, report };
    this.#loaded.set(file.path, loaded);
    return loaded;
  }
}

/** `CISO_NG_avgCI_2022.csv` → `CISO`. */
function zoneFromName(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path;
  return base.replace(/\.csv(\.gz)?$/i, '').split('_')[0] || base;
}
