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
 * FocusReader micro-benchmark: prints figures, asserts nothing.
 *
 *   bash scripts/bench/focus-reader.sh [--rows 1000000] [--file focus.csv | --out focus.csv]
 *
 * On a generated FOCUS 1.0 file (the same row shape as data-plane.ts), in the
 * same run: a bare csv-parse pass over the file (records only, no
 * validation), then the FocusReader in lenient mode (parse + validate +
 * normalise) on the CSV, the gzip CSV and a Parquet copy (one row group per
 * 100,000 rows, written with hyparquet-writer), each in a fresh process that
 * prints its own peak RSS.
 */

import {
  createReadStream,
  createWriteStream,
  mkdtempSync,
  rmSync,
  statSync,
} from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { fileWriter, parquetWriteRows } from 'hyparquet-writer';
import { FocusReader } from '@ai-finops/backstage-plugin-finops-node';
import { FOCUS_COLUMNS, writeFocusFile } from './focusFile';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const ROWS = Number(arg('rows') ?? 1_000_000);
const GIVEN = arg('file');
const OUT = arg('out'); // generate the CSV there, keep it, and stop
const ONLY = arg('only'); // csv-parse | reader | gzip | parquet
const work = mkdtempSync(path.join(tmpdir(), 'focus-reader-bench-'));

const mib = (file: string) =>
  `${(statSync(file).size / 2 ** 20).toFixed(0)} MiB`;

interface Pass {
  rows: number;
  seconds: number;
  /** User + system CPU time of this process: the machine may be shared. */
  cpuSeconds: number;
}

async function measure(count: () => Promise<number>): Promise<Pass> {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const rows = await count();
  const { user, system } = process.cpuUsage(cpu);
  return {
    rows,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    cpuSeconds: (user + system) / 1e6,
  };
}

const rate = (n: number) => Math.round(n).toLocaleString('en-US').padStart(9);

function report(label: string, pass: Pass, extra = '') {
  console.log(
    `${label.padEnd(46)} ${pass.seconds.toFixed(2).padStart(6)} s ${rate(
      pass.rows / pass.seconds,
    )} rows/s ${rate(pass.rows / pass.cpuSeconds)} rows/CPU-s${extra}`,
  );
}

async function bareCsvParse(file: string): Promise<number> {
  let rows = -1; // the header
  const parser = createReadStream(file).pipe(
    parse({ bom: true, skip_empty_lines: true }),
  );
  for await (const _record of parser) rows += 1;
  return rows;
}

async function readerRows(source: string): Promise<number> {
  const reader = new FocusReader();
  let rows = 0;
  for await (const _row of reader.read(source)) rows += 1;
  if (reader.report.rows !== rows) throw new Error('report disagrees');
  return rows;
}

/** The reader's rows, typed, one row group of 100,000 rows at a time. */
async function writeParquet(csv: string, target: string) {
  async function* rows() {
    for await (const row of new FocusReader().read(csv)) {
      const typed: Record<string, unknown> = { ...row.values };
      for (const name of FOCUS_COLUMNS) {
        const value = typed[name];
        if (/Period(Start|End)$/.test(name) && typeof value === 'string') {
          typed[name] = new Date(value);
        }
      }
      yield typed;
    }
  }
  await parquetWriteRows({
    writer: fileWriter(target),
    rows: rows(),
    rowGroupSize: 100_000,
    columns: FOCUS_COLUMNS.map(name => {
      if (/Cost$|Quantity$/.test(name)) return { name, type: 'DOUBLE' };
      if (/Period(Start|End)$/.test(name)) return { name, type: 'TIMESTAMP' };
      return { name, type: 'STRING' };
    }),
  });
}

/**
 * Each reader pass runs in a fresh process, so that its peak RSS is its own.
 * Returns rows per CPU-second.
 */
function readerPass(label: string, source: string): number {
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, __filename, '--read', source, '--label', label],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (child.status !== 0) throw new Error(`${label} failed`);
  process.stdout.write(child.stdout);
  return Number(
    /([\d,]+) rows\/CPU-s/.exec(child.stdout)?.[1].replace(/,/g, ''),
  );
}

async function main() {
  const read = arg('read');
  if (read) {
    const pass = await measure(() => readerRows(read));
    report(
      arg('label') ?? read,
      pass,
      `  peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
    );
    return;
  }
  let file = GIVEN;
  if (!file) {
    file = OUT ?? path.join(work, 'focus.csv');
    const started = Date.now();
    await writeFocusFile(file, ROWS, 500);
    console.log(
      `FOCUS file: ${ROWS.toLocaleString('en-US')} rows, ${mib(
        file,
      )}, generated in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  if (OUT) return;
  console.log(`node ${process.version}, ${path.basename(file)}`);
  const want = (name: string) => !ONLY || ONLY.split(',').includes(name);
  // csv-parse and the reader alternate, twice; the better of each counts,
  // by CPU time (the machine may be shared).
  let bare = 0;
  let reader = 0;
  for (let round = 1; round <= 2; round++) {
    if (want('csv-parse')) {
      const pass = await measure(() => bareCsvParse(file!));
      report(`csv-parse alone (records, no validation) #${round}`, pass);
      bare = Math.max(bare, pass.rows / pass.cpuSeconds);
    }
    if (want('reader')) {
      reader = Math.max(
        reader,
        readerPass(`FocusReader, CSV (lenient) #${round}`, file),
      );
    }
  }
  if (bare && reader) {
    console.log(
      `FocusReader / csv-parse, rows per CPU-second (best of 2 each): ${(
        reader / bare
      ).toFixed(2)}`,
    );
  }
  if (want('gzip')) {
    const gz = path.join(work, `${path.basename(file)}.gz`);
    await pipeline(createReadStream(file), createGzip(), createWriteStream(gz));
    readerPass(`FocusReader, gzip CSV (${mib(gz)})`, gz);
    rmSync(gz);
  }
  if (want('parquet')) {
    const pq = path.join(work, 'focus.parquet');
    await writeParquet(file, pq);
    readerPass(`FocusReader, Parquet (${mib(pq)}, 100k-row groups)`, pq);
  }
}

main()
  .catch(error => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => rmSync(work, { recursive: true, force: true }));
