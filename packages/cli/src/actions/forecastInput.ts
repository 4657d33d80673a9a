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
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { InputError } from '@backstage/errors';
import { MAX_WORKERS } from '../seriesTasks';
import {
  formatCount,
  MAX_SERIES,
  MAX_SERIES_FILE_BYTES,
  numberOption,
  readTextAtMost,
  unreadableFile,
} from './limitsInput';

// The long CSV that `ai-finops forecast` and `ai-finops detect` read:
// `series_id,timestamp,value` (header row required, other columns ignored),
// ISO-8601 timestamps, one series per series_id.

/**
 * One series of the input, in timestamp order (rows with the same timestamp
 * in input order), as columns: a few bytes a row instead of an object.
 */
export interface InputSeries {
  id: string;
  /** Line number of each row in the file (the header is row 1). */
  rows: Int32Array;
  /** Epoch ms. */
  timestamps: Float64Array;
  /** NaN when the cell is empty or says NaN/NA/null. */
  values: Float64Array;
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

export { csvField, formatNumber, formatTimestamp } from '../seriesTasks';

/** Parses `--workers auto|N` (worker threads of forecast and detect). */
export function parseWorkersOption(text: string): number | 'auto' {
  if (text.trim().toLowerCase() === 'auto') return 'auto';
  return numberOption('--workers', text, {
    min: 1,
    max: MAX_WORKERS,
    integer: true,
  });
}

/** Timestamp texts whose parse is kept while a file is read. */
const MAX_CACHED_STAMPS = 100_000;

/** Bytes read from the input at a time. */
const CHUNK_BYTES = 1 << 20;

/**
 * The lines of a file a batch at a time (`firstRow`: the 1-based line number
 * of the batch's first line), as `text.split(/\r?\n/)` would split it, a
 * leading BOM removed, reading it a chunk at a time: the file is never held
 * whole. `source` is a path, or the text itself for input that cannot be
 * read twice (a pipe).
 */
export function* lineBatches(
  source: { path: string } | { text: string },
): Generator<{ lines: string[]; firstRow: number }> {
  let row = 1;
  let rest = '';
  const batch = (text: string, final: boolean) => {
    const lines = (rest + text).split('\n');
    rest = final ? '' : lines.pop()!;
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].endsWith('\r')) lines[i] = lines[i].slice(0, -1);
    }
    if (row === 1 && lines.length) lines[0] = lines[0].replace(/^\uFEFF/, '');
    const out = { lines, firstRow: row };
    row += lines.length;
    return out;
  };
  if ('text' in source) {
    yield batch(source.text, true);
    return;
  }
  const fd = fs.openSync(source.path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    const decoder = new StringDecoder('utf8');
    for (;;) {
      const bytes = fs.readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (!bytes) break;
      yield batch(decoder.write(buffer.subarray(0, bytes)), false);
    }
    yield batch(decoder.end(), true);
  } finally {
    fs.closeSync(fd);
  }
}

/** Where the columns series_id, timestamp and value are in a row. */
export interface SeriesColumnIndex {
  series_id: number;
  timestamp: number;
  value: number;
  /** Columns of the header. */
  width: number;
}

/** A series being read: its rows in input order. */
interface SeriesBuilder {
  id: string;
  rows: number[];
  timestamps: number[];
  values: number[];
  /** The series as it was when its first run of rows ended. */
  early?: InputSeries;
}

/** The long series CSV, read and checked. */
export interface SeriesInput {
  series: InputSeries[];
  /** Data rows (lines that are not blank, after the header). */
  rowCount: number;
  /** Lines of the file, blank ones included. */
  lineCount: number;
  columns: SeriesColumnIndex;
  /** What to read again for a second pass (the text when the file is a pipe). */
  source: { path: string } | { text: string };
}

/** Options of {@link readSeriesCsv}. */
export interface ReadSeriesOptions {
  /**
   * Called with a series as soon as a row of another series follows its
   * rows (once per series), so that work on it can start while the rest is
   * read. Rows of it may still come later, and a later row may be bad input:
   * the series is final only when `readSeriesCsv` returns the same object.
   */
  onSeries?: (series: InputSeries) => void;
}

/**
 * Reads and validates the long series CSV, a chunk at a time, into one set
 * of columns per series (see {@link InputSeries}). Bad input throws an
 * InputError naming the file, row and column. Between chunks it yields to
 * the event loop (worker threads' messages).
 */
export async function readSeriesCsv(
  file: string,
  options: ReadSeriesOptions = {},
): Promise<SeriesInput> {
  let source: { path: string } | { text: string };
  try {
    const stat = await fs.promises.stat(file);
    if (stat.size > MAX_SERIES_FILE_BYTES) {
      throw new InputError(
        `${file}: ${formatCount(stat.size)} bytes; at most ${formatCount(
          MAX_SERIES_FILE_BYTES,
        )} (256 MiB)`,
      );
    }
    // A pipe or device is read once, whole (to the same limit); a file is
    // streamed, and read again by a second pass if the command needs one.
    source = stat.isFile()
      ? { path: file }
      : { text: await readTextAtMost(file, file, MAX_SERIES_FILE_BYTES) };
  } catch (error) {
    throw unreadableFile(file, error);
  }
  let columns: SeriesColumnIndex | undefined;
  let rowCount = 0;
  let lineCount = 0;
  const bySeries = new Map<string, SeriesBuilder>();
  const stamps = new Map<string, number>();
  let current: SeriesBuilder | undefined;
  const { onSeries } = options;
  /** The run of rows of `current` has ended: hand it out, once. */
  const runEnded = () => {
    if (!onSeries || !current || current.early) return;
    current.early = sortedSeries(current);
    onSeries(current.early);
  };
  const onLine = (line: string, row: number) => {
    lineCount = row;
    if (row === 1) {
      const header = splitCsvLine(line).map(h => h.trim().toLowerCase());
      if (!line.trim()) throw new InputError(`${file}: row 1: no header row`);
      const index = { width: header.length } as SeriesColumnIndex;
      for (const column of REQUIRED) {
        index[column] = header.indexOf(column);
        if (index[column] < 0) {
          throw new InputError(
            `${file}: row 1: missing column '${column}' (header: ${quoteInput(
              line.trim(),
            )}; expected series_id,timestamp,value)`,
          );
        }
      }
      columns = index;
      return;
    }
    if (!line.trim()) return;
    const index = columns!;
    const cells = splitCsvLine(line);
    if (cells.length < index.width) {
      throw new InputError(
        `${file}: row ${row}: ${cells.length} columns, the header has ${index.width}`,
      );
    }
    const seriesId = cells[index.series_id].trim();
    if (!seriesId) {
      throw new InputError(`${file}: row ${row}, column series_id: empty`);
    }
    const stamp = cells[index.timestamp];
    // The series of one file mostly share their timestamps: each text is
    // parsed once (a bounded cache, emptied when full).
    let timestamp = stamps.get(stamp);
    if (timestamp === undefined) {
      timestamp = parseTimestamp(stamp);
      if (stamps.size >= MAX_CACHED_STAMPS) stamps.clear();
      stamps.set(stamp, timestamp);
    }
    if (Number.isNaN(timestamp)) {
      throw new InputError(
        `${file}: row ${row}, column timestamp: '${quoteInput(
          stamp,
        )}' is not an ISO-8601 timestamp`,
      );
    }
    const valueText = cells[index.value].trim();
    // A number, else one of the words for a missing value, else an error.
    let value = valueText ? Number(valueText) : NaN;
    if (!Number.isFinite(value) && valueText) {
      value = NaN;
      if (!MISSING.has(valueText.toLowerCase())) {
        throw new InputError(
          `${file}: row ${row}, column value: '${quoteInput(
            valueText,
          )}' is not a number`,
        );
      }
    }
    rowCount++;
    let builder = bySeries.get(seriesId);
    if (!builder) {
      if (bySeries.size >= MAX_SERIES) {
        throw new InputError(
          `${file}: row ${row}, column series_id: more than ${formatCount(
            MAX_SERIES,
          )} series, the limit`,
        );
      }
      builder = { id: seriesId, rows: [], timestamps: [], values: [] };
      bySeries.set(seriesId, builder);
    }
    if (builder !== current) {
      runEnded();
      current = builder;
    }
    builder.rows.push(row);
    builder.timestamps.push(timestamp);
    builder.values.push(value);
  };
  try {
    for (const { lines, firstRow } of lineBatches(source)) {
      for (let i = 0; i < lines.length; i++) onLine(lines[i], firstRow + i);
      if (onSeries) await new Promise(resolve => setImmediate(resolve));
    }
  } catch (error) {
    throw unreadableFile(file, error);
  }
  if (!columns) throw new InputError(`${file}: row 1: no header row`);
  runEnded();
  const series: InputSeries[] = [];
  for (const builder of bySeries.values()) {
    // The series handed out early, when no row of it came later.
    series.push(
      builder.early && builder.early.rows.length === builder.rows.length
        ? builder.early
        : sortedSeries(builder),
    );
    // The builder's arrays are garbage from here on.
    bySeries.delete(builder.id);
  }
  return { series, rowCount, lineCount, columns, source };
}

/**
 * A series' columns in timestamp order, rows with the same timestamp in
 * input order (a stable sort); most inputs are in order already.
 */
function sortedSeries(b: SeriesBuilder): InputSeries {
  const n = b.rows.length;
  let sorted = true;
  for (let k = 1; k < n && sorted; k++) {
    sorted = b.timestamps[k] >= b.timestamps[k - 1];
  }
  if (sorted) {
    return {
      id: b.id,
      rows: Int32Array.from(b.rows),
      timestamps: Float64Array.from(b.timestamps),
      values: Float64Array.from(b.values),
    };
  }
  const order = Array.from({ length: n }, (_, k) => k).sort(
    (x, y) => b.timestamps[x] - b.timestamps[y] || b.rows[x] - b.rows[y],
  );
  return {
    id: b.id,
    rows: Int32Array.from(order, k => b.rows[k]),
    timestamps: Float64Array.from(order, k => b.timestamps[k]),
    values: Float64Array.from(order, k => b.values[k]),
  };
}

/** The median spacing of a series' timestamps in ms (NaN with one row). */
export function medianStep(timestamps: ArrayLike<number>): number {
  const n = timestamps.length;
  if (n < 2) return NaN;
  const steps = new Float64Array(n - 1);
  for (let k = 1; k < n; k++) steps[k - 1] = timestamps[k] - timestamps[k - 1];
  steps.sort();
  return steps[Math.floor(steps.length / 2)];
}
