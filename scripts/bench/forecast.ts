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
 * Forecast benchmark: prints figures, asserts nothing.
 *
 *   bash scripts/bench/forecast.sh [--stride 24] [--horizon 48] [--series PJM,Alibaba]
 *                                  [--backtest-origins 10] [--backtest-stride 12]
 *                                  [--offset 1344]
 *
 * For every series in ../shared/data/sustaindc-workload-hourly (CPU load) and
 * ../shared/data/sustaindc-eia-carbon-intensity-2022 (avg_CI): the last
 * 8 weeks (1,344 hours) are held out; from origins every `stride` hours
 * inside them (the first at the start of the hold-out, the last 48 h before
 * its end) the engine's `forecast` sees only the history before the origin
 * and predicts 48 h ahead. The same origins are forecast by seasonal naive
 * (m = 24, M4's hourly benchmark) and by weekly seasonal naive (m = 168).
 * sMAPE and MASE (M4 definitions; MASE scaled by the in-sample m = 24
 * seasonal-naive error of each origin's history) are averaged over the
 * origins; OWA = ½ (sMAPE / sMAPE_snaive24 + MASE / MASE_snaive24).
 * Coverage is the share of actuals inside the 80 % interval. `--offset N`
 * drops the last N hours of every series first, so the hold-out is an
 * earlier window (1344: the 8 weeks before the usual one), to check that a
 * change found on the hold-out is not fitted to it.
 *
 *   bash scripts/bench/forecast.sh --throughput 1000
 *
 * Throughput instead: N hourly series of 90 days (2,160 points), windows cut
 * from the same real series at different offsets and scales, written as one
 * long CSV; `ai-finops forecast --horizon 48` and `ai-finops detect` (the
 * CLI, as pipelines call it) are timed on it.
 */

import { execFileSync } from 'node:child_process';
import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  forecast,
  mase,
  maseScale,
  owa,
  smape,
} from '@ai-finops/backstage-plugin-finops-engine';
import { sharedDataPath } from '@ai-finops/test-utils';

const HOUR = 3_600_000;
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const STRIDE = Number(arg('stride', '24'));
const HORIZON = Number(arg('horizon', '48'));
const HOLDOUT = 8 * 7 * 24;
const ORIGINS = Number(arg('backtest-origins', '10'));
const ORIGIN_STRIDE = arg('backtest-stride', '');
const only = arg('series', '').split(',').filter(Boolean);
const OFFSET = Number(arg('offset', '0'));

interface Series {
  id: string;
  values: number[];
}

/** One numeric column of a CSV as a number array; empty cells are NaN. */
function readColumn(file: string, column: string): number[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const index = header.split(',').indexOf(column);
  if (index < 0) throw new Error(`${file}: no column ${column}`);
  return lines.map(line => {
    const cell = line.split(',')[index]?.trim();
    return cell ? Number(cell) : NaN;
  });
}

function loadSeries(): Series[] {
  const out: Series[] = [];
  const workload = sharedDataPath('sustaindc-workload-hourly');
  for (const file of readdirSync(workload)
    .filter(f => f.endsWith('.csv'))
    .sort()) {
    out.push({
      id: `workload/${file.replace(/\.csv$/, '')}`,
      values: readColumn(path.join(workload, file), 'cpu_load'),
    });
  }
  const carbon = sharedDataPath('sustaindc-eia-carbon-intensity-2022');
  for (const file of readdirSync(carbon)
    .filter(f => f.endsWith('.csv'))
    .sort()) {
    out.push({
      id: `carbon/${file.split('_')[0]}`,
      values: readColumn(path.join(carbon, file), 'avg_CI'),
    });
  }
  return out
    .filter(s => !only.length || only.some(o => s.id.includes(o)))
    .map(s => ({
      ...s,
      values: OFFSET > 0 ? s.values.slice(0, -OFFSET) : s.values,
    }));
}

/** An OWA, or n/a when the benchmark is perfect (0/0: a series that repeats exactly). */
const ratio = (value: number) =>
  Number.isFinite(value) ? value.toFixed(3) : 'n/a';

const seasonalNaive = (history: number[], m: number, h: number) =>
  Array.from({ length: h }, (_, i) => {
    // The last finite value at the same phase.
    for (let t = history.length - m + (i % m); t >= 0; t -= m) {
      if (Number.isFinite(history[t])) return history[t];
    }
    return NaN;
  });

function main() {
  const series = loadSeries();
  console.log(
    `Forecast benchmark: last ${HOLDOUT} h${
      OFFSET ? ` before the last ${OFFSET} h` : ''
    } held out, ${HORIZON}-h-ahead forecasts from an origin every ${STRIDE} h; ` +
      `OWA against seasonal naive m=24 (goal <= 0.85 on every series)`,
  );
  const header = [
    'series',
    'origins',
    'sMAPE',
    'MASE',
    'sMAPE snaive24',
    'MASE snaive24',
    'sMAPE snaive168',
    'MASE snaive168',
    'OWA vs snaive24',
    'OWA vs snaive168',
    'coverage80',
    's/forecast',
  ];
  console.log(header.join(' | '));
  const started = Date.now();
  let met = 0;
  for (const { id, values } of series) {
    const sums = { f: [0, 0], s24: [0, 0], s168: [0, 0] };
    let covered = 0;
    let total = 0;
    let origins = 0;
    let seconds = 0;
    for (
      let o = values.length - HOLDOUT;
      o + HORIZON <= values.length;
      o += STRIDE
    ) {
      const history = values.slice(0, o);
      const actual = values.slice(o, o + HORIZON);
      const scale = maseScale(history, 24);
      const t0 = Date.now();
      const result = forecast(history, {
        horizon: HORIZON,
        stepMs: HOUR,
        backtestOrigins: ORIGINS,
        backtestStride: ORIGIN_STRIDE ? Number(ORIGIN_STRIDE) : undefined,
      });
      seconds += (Date.now() - t0) / 1000;
      const add = (key: keyof typeof sums, f: number[]) => {
        sums[key][0] += smape(actual, f);
        sums[key][1] += mase(actual, f, scale);
      };
      add('f', result.mean);
      add('s24', seasonalNaive(history, 24, HORIZON));
      add('s168', seasonalNaive(history, 168, HORIZON));
      actual.forEach((a, j) => {
        if (!Number.isFinite(a)) return;
        total++;
        if (a >= result.lower[j] && a <= result.upper[j]) covered++;
      });
      origins++;
    }
    const avg = (key: keyof typeof sums) => ({
      smape: sums[key][0] / origins,
      mase: sums[key][1] / origins,
    });
    const f = avg('f');
    const s24 = avg('s24');
    const s168 = avg('s168');
    const o24 = owa(f, s24);
    if (o24 <= 0.85) met++;
    console.log(
      [
        id,
        origins,
        f.smape.toFixed(2),
        f.mase.toFixed(3),
        s24.smape.toFixed(2),
        s24.mase.toFixed(3),
        s168.smape.toFixed(2),
        s168.mase.toFixed(3),
        ratio(o24),
        ratio(owa(f, s168)),
        (covered / total).toFixed(3),
        (seconds / origins).toFixed(3),
      ].join(' | '),
    );
  }
  console.log(
    `goal OWA <= 0.85 vs snaive24 met on ${met}/${
      series.length
    } series; total ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
}

/** Times the CLI's forecast and detect on N series × 90 days of hourly data. */
function throughput(count: number) {
  const sources = loadSeries();
  const days = 90;
  const length = days * 24;
  const start = Date.UTC(2024, 0, 1);
  const lines = ['series_id,timestamp,value'];
  for (let i = 0; i < count; i++) {
    const source = sources[i % sources.length].values;
    const offset = (i * 137) % (source.length - length);
    const scale = 1 + (i % 7) / 10;
    for (let t = 0; t < length; t++) {
      const v = source[offset + t];
      lines.push(
        `s${i},${new Date(start + t * HOUR).toISOString()},${
          Number.isFinite(v) ? Number((v * scale).toPrecision(8)) : ''
        }`,
      );
    }
  }
  const work = mkdtempSync(path.join(tmpdir(), 'finops-throughput-'));
  const input = path.join(work, 'series.csv');
  writeFileSync(input, `${lines.join('\n')}\n`);
  const bin = path.resolve(__dirname, '../../packages/cli/bin/ai-finops');
  console.log(
    `Throughput: ${count} hourly series x ${days} days (${
      lines.length - 1
    } rows), through the CLI`,
  );
  console.log('command | seconds | series/s | rows/s');
  for (const args of [
    ['forecast', '--input', input, '--horizon', '48', '--format', 'csv'],
    ['detect', '--input', input, '--format', 'csv'],
  ]) {
    const started = Date.now();
    execFileSync(process.execPath, [bin, ...args], {
      maxBuffer: 1 << 30,
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    const seconds = (Date.now() - started) / 1000;
    console.log(
      [
        `ai-finops ${args[0]}${args[0] === 'forecast' ? ' --horizon 48' : ''}`,
        seconds.toFixed(1),
        (count / seconds).toFixed(1),
        Math.round((lines.length - 1) / seconds),
      ].join(' | '),
    );
  }
  rmSync(work, { recursive: true, force: true });
}

const throughputCount = Number(arg('throughput', '0'));
if (throughputCount > 0) throughput(throughputCount);
else main();
