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

import { splitCsvLine } from '@ai-finops/backstage-plugin-finops-engine';
import { quoteInput } from '@ai-finops/backstage-plugin-finops-node';
import fs from 'node:fs/promises';
import { InputError } from '@backstage/errors';
import {
  formatCount,
  MAX_SERIES,
  MAX_SERIES_FILE_BYTES,
  unreadableFile,
} from './limitsInput';

// The long CSV that `ai-finops forecast` and `ai-finops detect` read:
// `series_id,timestamp,value` (header row required, other columns ignored),
// ISO-8601 timestamps, one series per series_id.

/** One input row, as read. */
export interface SeriesRow {
  /** Line number in the file (the header is row 1). */
  row: number;
  seriesId: string;
  timestamp: number;
  /** The timestamp cell as written (echoed by `detect`). */
  timestampText: string;
  /** The value cell as written (echoed by `detect`). */
  valueText: string;
  /** NaN when the cell is empty or says NaN/NA/null. */
  value: number;
}

/** One series, its rows in timestamp order. */
export interface InputSeries {
  id: string;
  rows: SeriesRow[];
}

const REQUIRED = ['series_id', 'timestamp', 'value'] as const;
const MISSING = new Set(['', 'nan', 'na', 'null', 'none']);
// ISO-8601 date-time: date, optional time (T or space), optional fraction, optional zone.
const ISO =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Parses an ISO-8601 timestamp to epoch ms; a stamp without a zone is UTC.
 * NaN when it is not ISO-8601.
 */
export function parseTimestamp(text: string): number {
  const t = text.trim();
  if (!ISO.test(t)) return NaN;
  let iso = t.replace(' ', 'T');
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) iso += 'T00:00:00';
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(iso)) iso += 'Z';
  return Date.parse(iso);
}

/** Epoch ms as ISO-8601 UTC, without milliseconds when they are 0. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** A number for CSV output: at most 10 significant digits, no exponent noise. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '';
  return String(Number(value.toPrecision(10)));
}

/** Quotes a CSV field when it needs it. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Reads and validates the long series CSV. Bad input throws an InputError
 * naming the file, row and column.
 */
export async function readSeriesCsv(file: string): Promise<{
  rows: SeriesRow[];
  series: InputSeries[];
}> {
  let text: string;
  try {
    const { size } = await fs.stat(file);
    if (size > MAX_SERIES_FILE_BYTES) {
      throw new InputError(
        `${file}: ${formatCount(size)} bytes; at most ${formatCount(
          MAX_SERIES_FILE_BYTES,
        )} (256 MiB)`,
      );
    }
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw unreadableFile(file, error);
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map(h => h.trim().toLowerCase());
  if (!lines[0]?.trim()) throw new InputError(`${file}: row 1: no header row`);
  const index = {} as Record<(typeof REQUIRED)[number], number>;
  for (const column of REQUIRED) {
    index[column] = header.indexOf(column);
    if (index[column] < 0) {
      throw new InputError(
        `${file}: row 1: missing column '${column}' (header: ${quoteInput(
          lines[0].trim(),
        )}; expected series_id,timestamp,value)`,
      );
    }
  }
  const rows: SeriesRow[] = [];
  const bySeries = new Map<string, SeriesRow[]>();
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    const row = i + 1;
    const cells = splitCsvLine(lines[i]);
    if (cells.length < header.length) {
      throw new InputError(
        `${file}: row ${row}: ${cells.length} columns, the header has ${header.length}`,
      );
    }
    const seriesId = cells[index.series_id].trim();
    if (!seriesId) {
      throw new InputError(`${file}: row ${row}, column series_id: empty`);
    }
    const stamp = cells[index.timestamp];
    const timestamp = parseTimestamp(stamp);
    if (Number.isNaN(timestamp)) {
      throw new InputError(
        `${file}: row ${row}, column timestamp: '${quoteInput(
          stamp,
        )}' is not an ISO-8601 timestamp`,
      );
    }
    const valueText = cells[index.value].trim();
    let value = NaN;
    if (!MISSING.has(valueText.toLowerCase())) {
      value = Number(valueText);
      if (!Number.isFinite(value)) {
        throw new InputError(
          `${file}: row ${row}, column value: '${quoteInput(
            valueText,
          )}' is not a number`,
        );
      }
    }
    const parsed = {
      row,
      seriesId,
      timestamp,
      timestampText: stamp.trim(),
      valueText,
      value,
    };
    rows.push(parsed);
    let list = bySeries.get(seriesId);
    if (!list) {
      if (bySeries.size >= MAX_SERIES) {
        throw new InputError(
          `${file}: row ${row}, column series_id: more than ${formatCount(
            MAX_SERIES,
          )} series, the limit`,
        );
      }
      bySeries.set(seriesId, (list = []));
    }
    list.push(parsed);
  }
  const series: InputSeries[] = [];
  for (const [id, list] of bySeries) {
    // Stable: rows with the same timestamp keep their input order.
    const sorted = [...list].sort(
      (x, y) => x.timestamp - y.timestamp || x.row - y.row,
    );
    series.push({ id, rows: sorted });
  }
  return { rows, series };
}

/** The median spacing of a series' timestamps in ms (NaN with one row). */
export function medianStep(rows: SeriesRow[]): number {
  const steps: number[] = [];
  for (let k = 1; k < rows.length; k++)
    steps.push(rows[k].timestamp - rows[k - 1].timestamp);
  steps.sort((a, b) => a - b);
  return steps.length ? steps[Math.floor(steps.length / 2)] : NaN;
}
