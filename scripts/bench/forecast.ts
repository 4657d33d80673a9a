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
 *   bash scripts/bench/forecast.sh --throughput 1000 [--workers auto|N|none] [--cli path/to/bin/ai-finops]
 *
 * Throughput instead: N hourly series of 90 days (2,160 points), windows cut
 * from the same real series at different offsets and scales, written as one
 * long CSV; `ai-finops forecast --horizon 48` and `ai-finops detect` (the
 * CLI, as pipelines call it) are timed on it, with their peak RSS, beside a
 * plain script that reads the same file and writes a seasonal-naive forecast
 * of every series (the ratios are to its time in the same run). The 48 hours
 * after each series are held back from the file: the forecasts of the run
 * are scored on them (OWA against seasonal naive m = 24, and the coverage of
 * the 80 % interval), so that speed is never bought with accuracy.
 */

import { execFileSync } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
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
  const owas: number[] = [];
  const coverages: number[] = [];
  let forecastSeconds = 0;
  let forecastCount = 0;
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
    owas.push(Number.isFinite(o24) ? o24 : 0);
    coverages.push(covered / total);
    forecastSeconds += seconds;
    forecastCount += origins;
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
  const meanOf = (values: number[]) =>
    values.reduce((a, b) => a + b, 0) / values.length;
  console.log(
    `mean over series: OWA vs snaive24 ${meanOf(owas).toFixed(
      3,
    )}, coverage80 ${meanOf(coverages).toFixed(3)}, ${(
      forecastSeconds / forecastCount
    ).toFixed(3)} s/forecast`,
  );
  console.log(
    `goal OWA <= 0.85 vs snaive24 met on ${met}/${
      series.length
    } series; total ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
}

/**
 * The baseline of the throughput figures: a plain script that reads the same
 * CSV whole, parses every row and writes a seasonal-naive (m = 24) forecast
 * of each series in the forecast command's format.
 */
const SEASONAL_NAIVE_SCRIPT = String.raw`
const fs = require('node:fs');
const [file, horizon] = process.argv.slice(1);
const lines = fs.readFileSync(file, 'utf8').split('\n');
const series = new Map();
for (let i = 1; i < lines.length; i++) {
  const cells = lines[i].split(',');
  if (cells.length < 3) continue;
  let s = series.get(cells[0]);
  if (!s) series.set(cells[0], (s = { stamps: [], values: [] }));
  s.stamps.push(Date.parse(cells[1]));
  s.values.push(cells[2] === '' ? NaN : Number(cells[2]));
}
const out = ['series_id,timestamp,forecast,lower,upper'];
for (const [id, { stamps, values }] of series) {
  const n = values.length;
  const step = stamps[n - 1] - stamps[n - 2];
  for (let j = 0; j < Number(horizon); j++) {
    const v = values[n - 24 + (j % 24)];
    out.push(id + ',' + new Date(stamps[n - 1] + (j + 1) * step).toISOString() + ',' + v + ',,');
  }
}
process.stdout.write(out.join('\n') + '\n');
`;

/** Preloaded into the timed processes: writes their peak RSS (KiB) to $PEAK_RSS_FILE at exit. */
const PEAK_RSS_SCRIPT = `process.on('exit', () => require('node:fs').writeFileSync(process.env.PEAK_RSS_FILE, String(process.resourceUsage().maxRSS)));\n`;

/** Runs node with `args`, stdout to `out`; wall seconds and peak RSS (MiB). */
function timed(
  work: string,
  args: string[],
  out: string,
): { seconds: number; peakMiB: number } {
  const peakFile = path.join(work, 'peak-rss');
  const preload = path.join(work, 'peak-rss.cjs');
  writeFileSync(preload, PEAK_RSS_SCRIPT);
  const fd = openSync(out, 'w');
  const started = process.hrtime.bigint();
  try {
    execFileSync(process.execPath, ['--require', preload, ...args], {
      stdio: ['ignore', fd, 'ignore'],
      env: { ...process.env, PEAK_RSS_FILE: peakFile },
    });
  } finally {
    closeSync(fd);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    seconds,
    peakMiB: Number(readFileSync(peakFile, 'utf8')) / 1024,
  };
}

/**
 * Times the CLI's forecast and detect on N series × 90 days of hourly data,
 * beside a seasonal-naive script that reads and writes the same file, and
 * scores the forecasts on the 48 hours that follow each series (held back
 * from the input).
 */
function throughput(count: number) {
  const sources = loadSeries();
  const days = 90;
  const length = days * 24;
  const start = Date.UTC(2024, 0, 1);
  const lines = ['series_id,timestamp,value'];
  const histories: number[][] = [];
  const futures: number[][] = [];
  for (let i = 0; i < count; i++) {
    const source = sources[i % sources.length].values;
    const offset = (i * 137) % (source.length - length - HORIZON);
    const scale = 1 + (i % 7) / 10;
    const window = source
      .slice(offset, offset + length + HORIZON)
      .map(v =>
        Number.isFinite(v) ? Number((v * scale).toPrecision(8)) : NaN,
      );
    histories.push(window.slice(0, length));
    futures.push(window.slice(length));
    for (let t = 0; t < length; t++) {
      const v = window[t];
      lines.push(
        `s${i},${new Date(start + t * HOUR).toISOString()},${
          Number.isFinite(v) ? v : ''
        }`,
      );
    }
  }
  const work = mkdtempSync(path.join(tmpdir(), 'finops-throughput-'));
  const input = path.join(work, 'series.csv');
  writeFileSync(input, `${lines.join('\n')}\n`);
  const rows = lines.length - 1;
  lines.length = 0;
  const mib = (statSync(input).size / 2 ** 20).toFixed(0);
  // --cli: another copy's bin/ai-finops (e.g. a checkout of an earlier commit).
  const bin = path.resolve(
    arg('cli', path.resolve(__dirname, '../../packages/cli/bin/ai-finops')),
  );
  const workers = arg('workers', 'auto');
  console.log(
    `Throughput: ${count} hourly series x ${days} days (${rows} rows, ${mib} MiB), through the CLI (${bin}, --workers ${workers}; ${availableParallelism()} cores)`,
  );
  const naiveOut = path.join(work, 'snaive.csv');
  const naive = timed(
    work,
    ['-e', SEASONAL_NAIVE_SCRIPT, input, String(HORIZON)],
    naiveOut,
  );
  const forecastOut = path.join(work, 'forecast.csv');
  const fc = timed(
    work,
    [
      bin,
      'forecast',
      '--input',
      input,
      '--horizon',
      String(HORIZON),
      ...(workers === 'none' ? [] : ['--workers', workers]),
      '--format',
      'csv',
    ],
    forecastOut,
  );
  const detectOut = path.join(work, 'detect.csv');
  const dt = timed(
    work,
    [
      bin,
      'detect',
      '--input',
      input,
      ...(workers === 'none' ? [] : ['--workers', workers]),
      '--format',
      'csv',
    ],
    detectOut,
  );
  console.log(
    'command | seconds | peak RSS MiB | x seasonal-naive read/write | series/s',
  );
  const line = (name: string, r: { seconds: number; peakMiB: number }) =>
    console.log(
      [
        name,
        r.seconds.toFixed(1),
        r.peakMiB.toFixed(0),
        (r.seconds / naive.seconds).toFixed(1),
        (count / r.seconds).toFixed(0),
      ].join(' | '),
    );
  line('seasonal-naive script (read, write)', naive);
  line(`ai-finops forecast --horizon ${HORIZON}`, fc);
  line('ai-finops detect', dt);
  line('forecast + detect', {
    seconds: fc.seconds + dt.seconds,
    peakMiB: Math.max(fc.peakMiB, dt.peakMiB),
  });

  // The forecasts against the hours that followed, beside seasonal naive.
  const byId = new Map<string, number[][]>();
  for (const row of readFileSync(forecastOut, 'utf8')
    .trim()
    .split('\n')
    .slice(1)) {
    const [id, , f, lo, hi] = row.split(',');
    let list = byId.get(id);
    if (!list) byId.set(id, (list = []));
    list.push([Number(f), Number(lo), Number(hi)]);
  }
  const sums = { f: [0, 0], s24: [0, 0] };
  let covered = 0;
  let total = 0;
  histories.forEach((history, i) => {
    const rowsOf = byId.get(`s${i}`) ?? [];
    const actual = futures[i];
    const f = rowsOf.map(r => r[0]);
    const naiveF = seasonalNaive(history, 24, HORIZON);
    const scale = maseScale(history, 24);
    sums.f[0] += smape(actual, f);
    sums.f[1] += mase(actual, f, scale);
    sums.s24[0] += smape(actual, naiveF);
    sums.s24[1] += mase(actual, naiveF, scale);
    actual.forEach((a, j) => {
      if (!Number.isFinite(a) || !rowsOf[j]) return;
      total++;
      if (a >= rowsOf[j][1] && a <= rowsOf[j][2]) covered++;
    });
  });
  const mean = (pair: number[]) => ({
    smape: pair[0] / count,
    mase: pair[1] / count,
  });
  const f = mean(sums.f);
  const s24 = mean(sums.s24);
  console.log(
    `forecast accuracy of this run on the ${HORIZON} h after each series: OWA vs snaive24 ${owa(
      f,
      s24,
    ).toFixed(4)} (sMAPE ${f.smape.toFixed(3)} vs ${s24.smape.toFixed(
      3,
    )}, MASE ${f.mase.toFixed(4)} vs ${s24.mase.toFixed(4)}), coverage80 ${(
      covered / total
    ).toFixed(4)} of ${total} actuals`,
  );
  rmSync(work, { recursive: true, force: true });
}

const throughputCount = Number(arg('throughput', '0'));
if (throughputCount > 0) throughput(throughputCount);
else main();
