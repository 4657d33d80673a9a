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
 * Engine throughput benchmark: prints figures, asserts nothing.
 *
 *   bash scripts/bench/engine-throughput.sh [--series 1000] [--days 90] [--horizon 48]
 *
 * 1,000 hourly series of 90 days (2,160 points) are cut from the real hourly
 * series in ../shared/data (the three SustainDC workload series and the nine
 * EIA-930 carbon-intensity series of 2022, each read in place) at staggered
 * offsets. For each series the engine's ensemble `forecast` predicts
 * `--horizon` hours after the last point (80 % interval, backtested), and
 * the online detector (`scoreSeries`, daily season) scores every point
 * causally. Forecast and detect are timed separately, in one thread; the
 * figures are wall-clock seconds and series per second.
 */

import { readFileSync } from 'node:fs';
import {
  forecast,
  scoreSeries,
} from '@ai-finops/backstage-plugin-finops-engine';
import { sharedDataPath } from '@ai-finops/test-utils';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const SERIES = Number(arg('series', '1000'));
const DAYS = Number(arg('days', '90'));
const HORIZON = Number(arg('horizon', '48'));
const HOUR = 3_600_000;
const LENGTH = DAYS * 24;

function lastColumn(file: string): number[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map(line => {
      const cell = line.split(',').pop()!.trim();
      return cell === '' ? NaN : Number(cell);
    });
}

const sources: Array<{ name: string; values: number[] }> = [
  ...[
    'Alibaba_CPU_Data_Hourly_1.csv',
    'Alibaba_CPU_Data_Hourly_2.csv',
    'GoogleClusteData_CPU_Data_Hourly_1.csv',
  ].map(f => ({
    name: f,
    values: lastColumn(sharedDataPath('sustaindc-workload-hourly', f)),
  })),
  ...[
    'AZPS',
    'BPAT',
    'CISO',
    'ERCO',
    'MISO',
    'NYIS',
    'PJM',
    'SOCO',
    'WAAT',
  ].map(ba => ({
    name: ba,
    values: lastColumn(
      sharedDataPath(
        'sustaindc-eia-carbon-intensity-2022',
        `${ba}_NG_avgCI_2022.csv`,
      ),
    ),
  })),
];

// Staggered 90-day windows: series i takes source i mod 12 at an offset
// that walks through the year.
const series: number[][] = [];
for (let i = 0; i < SERIES; i++) {
  const src = sources[i % sources.length];
  const room = src.values.length - LENGTH;
  const k = Math.floor(i / sources.length);
  const offset = room > 0 ? (k * 97) % room : 0;
  series.push(src.values.slice(offset, offset + LENGTH));
}
const points = series.reduce((a, s) => a + s.length, 0);
const missing = series.reduce((a, s) => a + s.filter(Number.isNaN).length, 0);
console.log(
  `${series.length} series × ${LENGTH} hourly points (${points.toLocaleString(
    'en-US',
  )} points, ${missing} missing) from ${
    sources.length
  } real series; horizon ${HORIZON} h`,
);

let t = process.hrtime.bigint();
let intervals = 0;
for (const s of series) {
  const f = forecast(s, { horizon: HORIZON, stepMs: HOUR });
  if (f.upper.length === HORIZON) intervals++;
}
const forecastSeconds = Number(process.hrtime.bigint() - t) / 1e9;

t = process.hrtime.bigint();
let scored = 0;
for (const s of series) {
  const stamps: number[] = [];
  const values: number[] = [];
  s.forEach((v, j) => {
    if (Number.isFinite(v)) {
      stamps.push(j * HOUR);
      values.push(v);
    }
  });
  scored += scoreSeries(stamps, values, { seasonMs: 24 * HOUR }).length;
}
const detectSeconds = Number(process.hrtime.bigint() - t) / 1e9;
const total = forecastSeconds + detectSeconds;

console.log(
  `forecast: ${forecastSeconds.toFixed(1)} s, ${(
    series.length / forecastSeconds
  ).toFixed(1)} series/s (${intervals} forecasts with an interval)`,
);
console.log(
  `detect:   ${detectSeconds.toFixed(1)} s, ${(
    series.length / detectSeconds
  ).toFixed(1)} series/s (${scored.toLocaleString('en-US')} points scored)`,
);
console.log(
  `total:    ${total.toFixed(1)} s, ${(series.length / total).toFixed(
    1,
  )} series/s`,
);
