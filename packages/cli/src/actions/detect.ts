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
import { poolForFile, type DetectTask } from '../seriesTasks';
import {
  csvField,
  formatNumber,
  lineBatches,
  parseWorkersOption,
  readSeriesCsv,
  type InputSeries,
  type SeriesColumnIndex,
} from './forecastInput';

/** The options of `ai-finops detect`, as commander parses them. */
export interface DetectOptions {
  input: string;
  workers: string;
}

const EMPTY = new Float64Array(0);

/** Characters of output written at a time. */
const WRITE_CHARS = 1 << 20;

/**
 * `ai-finops detect --input F.csv [--workers auto|N] --format csv`: prints
 * the scores on stdout. The series are scored, each in timestamp order, by
 * a pool of worker threads (src/seriesTasks.ts), each as soon as the file
 * has moved on to another series; the whole input is read and checked
 * before anything is printed (bad input is one line on stderr and nothing
 * on stdout). Then this thread reads the file a second time and prints its
 * rows in input order with their scores as their series are done, a chunk
 * at a time, so that neither the input nor the output is held whole.
 */
export async function runDetect(options: DetectOptions) {
  const workers = parseWorkersOption(options.workers);
  const pool = poolForFile(options.input, workers);
  try {
    const submit = (s: InputSeries) => {
      const task: DetectTask = {
        kind: 'detect',
        timestamps: s.timestamps,
        values: s.values,
      };
      const result = pool.submit<Float64Array>(task);
      // Awaited later, if the series turns out final; never unhandled.
      result.catch(() => {});
      return result;
    };
    const early = new Map<InputSeries, Promise<Float64Array>>();
    const input = await readSeriesCsv(
      options.input,
      pool.size > 1 ? { onSeries: s => early.set(s, submit(s)) } : {},
    );
    const { series, columns, source, lineCount } = input;
    // Scores and series by line number.
    const scores = new Float64Array(lineCount + 1);
    const seriesOf = new Int32Array(lineCount + 1);
    const done = new Uint8Array(series.length);
    let waiting: { k: number; resolve: () => void } | undefined;
    let failed = false;
    /** Resolves when series k is done (or scoring failed). */
    const doneWith = (k: number) =>
      new Promise<void>(resolve => {
        waiting = { k, resolve };
      });
    const scoring = Promise.all(
      series.map((s, k) => {
        const { rows } = s;
        for (let r = 0; r < rows.length; r++) seriesOf[rows[r]] = k;
        const result = early.get(s) ?? submit(s);
        series[k] = { ...s, timestamps: EMPTY, values: EMPTY };
        return result.then(points => {
          for (let r = 0; r < rows.length; r++) scores[rows[r]] = points[r];
          done[k] = 1;
          if (waiting?.k === k) {
            const { resolve } = waiting;
            waiting = undefined;
            resolve();
          }
        });
      }),
    ).catch(error => {
      failed = true;
      waiting?.resolve();
      throw error;
    });
    early.clear();

    const printing = (async () => {
      const echo = echoRow(columns);
      let out = 'series_id,timestamp,value,score\n';
      const flush = () => {
        if (out) process.stdout.write(out);
        out = '';
      };
      for (const { lines, firstRow } of lineBatches(source)) {
        for (let i = 0; i < lines.length; i++) {
          const row = firstRow + i;
          // (Rows appended to the file since the first pass are not printed.)
          if (row === 1 || row > lineCount || !lines[i].trim()) continue;
          const k = seriesOf[row];
          if (!done[k]) {
            if (failed) return;
            flush();
            await doneWith(k);
            if (failed) return;
          }
          out += `${echo(lines[i])},${formatNumber(scores[row])}\n`;
        }
        if (out.length >= WRITE_CHARS) flush();
        // Let the workers' results in (and their next tasks out).
        await new Promise(resolve => setImmediate(resolve));
      }
      flush();
    })();
    await Promise.all([scoring, printing]);
  } finally {
    await pool.close();
  }
}

/** A line without quotes or white space, of exactly three fields. */
const PLAIN = /^[^",\s]*,[^",\s]*,[^",\s]*$/;

/**
 * The series_id, timestamp and value of a row as detect prints them (cells
 * trimmed, quoted when they need it). A plain row of a file whose columns
 * are exactly series_id,timestamp,value is printed as it is.
 */
function echoRow(columns: SeriesColumnIndex): (line: string) => string {
  const exact =
    columns.width === 3 &&
    columns.series_id === 0 &&
    columns.timestamp === 1 &&
    columns.value === 2;
  return line => {
    if (exact && PLAIN.test(line)) return line;
    const cells = splitCsvLine(line);
    return [
      csvField(cells[columns.series_id].trim()),
      csvField(cells[columns.timestamp].trim()),
      csvField(cells[columns.value].trim()),
    ].join(',');
  };
}
