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

import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';

const HOUR_MS = 3_600_000;

/**
 * The grid carbon intensity of one zone for one hour.
 *
 * @public
 */
export interface CarbonIntensityPoint {
  zone: string;
  /** Start of the hour, ISO-8601 UTC. */
  hour: string;
  gCo2ePerKwh: number;
  /** True when the hour was missing and interpolated from its neighbours. */
  interpolated: boolean;
}

/**
 * What reading an hourly intensity file found.
 *
 * @public
 */
export interface CarbonIntensityReport {
  file: string;
  zone: string;
  /** Data rows read. */
  rows: number;
  /** Hours filled by linear interpolation (gaps up to `maxGapHours`). */
  interpolated: number;
  /** Gaps longer than `maxGapHours`, left empty: [start, end) in ISO-8601. */
  gaps: Array<{ start: string; end: string; hours: number }>;
  /** Rows with an empty or non-numeric intensity, treated as missing. */
  invalidValues: number;
  /** Rows repeating an hour already read; the first value is kept. */
  duplicates: number;
}

/**
 * Options of {@link readHourlyCarbonIntensityCsv}.
 *
 * @public
 */
export interface HourlyCarbonIntensityOptions {
  /** The grid zone the file describes, e.g. `US-CAL-CISO`. */
  zone: string;
  /** The timestamp column. Default `timestamp`. */
  timestampColumn?: string;
  /** The intensity column, gCO2e/kWh. Default `avg_CI` (EIA-930 via SustainDC). */
  valueColumn?: string;
  /** Longest gap, in hours, filled by interpolation. Default 3. */
  maxGapHours?: number;
}

/**
 * Reads an hourly grid carbon-intensity CSV (one row per hour, a timestamp
 * and a gCO2e/kWh column, as the EIA-930 series published by SustainDC),
 * sorted or not. Short gaps are interpolated, long ones reported and left
 * empty; a missing column or an unreadable timestamp throws an error naming
 * the file, row and column.
 *
 * @public
 */
export async function readHourlyCarbonIntensityCsv(
  file: string,
  options: HourlyCarbonIntensityOptions,
): Promise<{ points: CarbonIntensityPoint[]; report: CarbonIntensityReport }> {
  const timestampColumn = options.timestampColumn ?? 'timestamp';
  const valueColumn = options.valueColumn ?? 'avg_CI';
  const maxGapHours = options.maxGapHours ?? 3;
  const report: CarbonIntensityReport = {
    file,
    zone: options.zone,
    rows: 0,
    interpolated: 0,
    gaps: [],
    invalidValues: 0,
    duplicates: 0,
  };

  const byHour = new Map<number, number | undefined>();
  const parser = createReadStream(file).pipe(
    parse({ bom: true, columns: true, skip_empty_lines: true }),
  );
  let checkedHeader = false;
  for await (const record of parser as AsyncIterable<Record<string, string>>) {
    report.rows += 1;
    const row = report.rows;
    if (!checkedHeader) {
      for (const column of [timestampColumn, valueColumn]) {
        if (!(column in record)) {
          throw new Error(
            `${file}: row 0: missing column '${column}' (columns: ${Object.keys(
              record,
            ).join(', ')})`,
          );
        }
      }
      checkedHeader = true;
    }
    const time = parseTimestamp(record[timestampColumn]);
    if (time === undefined) {
      throw new Error(
        `${file}: row ${row}, column ${timestampColumn}: '${record[timestampColumn]}' is not a date-time`,
      );
    }
    const hour = Math.floor(time / HOUR_MS) * HOUR_MS;
    if (byHour.has(hour)) {
      report.duplicates += 1;
      continue;
    }
    const text = record[valueColumn]?.trim() ?? '';
    const value = text === '' ? NaN : Number(text);
    if (!Number.isFinite(value) || value < 0) {
      report.invalidValues += 1;
      byHour.set(hour, undefined);
    } else {
      byHour.set(hour, value);
    }
  }

  const hours = [...byHour.keys()].sort((a, b) => a - b);
  const points: CarbonIntensityPoint[] = [];
  if (hours.length === 0) return { points, report };

  // Walk every hour from the first to the last; fill short gaps.
  let lastKnown: { hour: number; value: number } | undefined;
  let pending: number[] = [];
  const flush = (next: { hour: number; value: number } | undefined) => {
    if (pending.length === 0) return;
    const fillable =
      lastKnown !== undefined &&
      next !== undefined &&
      pending.length <= maxGapHours;
    if (fillable) {
      for (const hour of pending) {
        const t = (hour - lastKnown!.hour) / (next!.hour - lastKnown!.hour);
        points.push({
          zone: options.zone,
          hour: new Date(hour).toISOString(),
          gCo2ePerKwh: lastKnown!.value + t * (next!.value - lastKnown!.value),
          interpolated: true,
        });
      }
      report.interpolated += pending.length;
    } else {
      report.gaps.push({
        start: new Date(pending[0]).toISOString(),
        end: new Date(pending[pending.length - 1] + HOUR_MS).toISOString(),
        hours: pending.length,
      });
    }
    pending = [];
  };
  for (let hour = hours[0]; hour <= hours[hours.length - 1]; hour += HOUR_MS) {
    const value = byHour.get(hour);
    if (value === undefined) {
      pending.push(hour);
      continue;
    }
    flush({ hour, value });
    points.push({
      zone: options.zone,
      hour: new Date(hour).toISOString(),
      gCo2ePerKwh: value,
      interpolated: false,
    });
    lastKnown = { hour, value };
  }
  flush(undefined);
  points.sort((a, b) => a.hour.localeCompare(b.hour));
  return { points, report };
}

/** ISO-8601 or `YYYY-MM-DD HH:mm:ss[+00:00]`; no zone means UTC. */
function parseTimestamp(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const match =
    /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/.exec(
      text.trim(),
    );
  if (!match) return undefined;
  const time = Date.parse(`${match[1]}T${match[2]}${match[3] ?? 'Z'}`);
  return Number.isNaN(time) ? undefined : time;
}
