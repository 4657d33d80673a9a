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

import { InputError } from '@backstage/errors';
import {
  medianStep,
  parseWorkersOption,
  readSeriesCsv,
  type InputSeries,
} from './forecastInput';
import {
  poolForFile,
  type ForecastTask,
  type ForecastTaskResult,
} from '../seriesTasks';
import {
  FORECAST_OPTION_LIMITS as LIMITS,
  formatCount,
  MAX_FORECAST_ROWS,
  MAX_SERIES_STEPS,
  MAX_TOTAL_STEPS,
  numberOption,
} from './limitsInput';

/** Parses `--season auto|N[,N]`. */
export function parseSeasonOption(text: string): 'auto' | number[] {
  if (text.trim().toLowerCase() === 'auto') return 'auto';
  const periods = text.split(',').map(s => s.trim());
  if (!periods.every(p => /^\d+$/.test(p) && Number(p) >= 2)) {
    throw new InputError(
      `--season: '${text}' is not 'auto' or a list of whole periods of at least 2 steps (e.g. 24,168)`,
    );
  }
  if (periods.length > LIMITS.seasons) {
    throw new InputError(
      `--season ${text}: at most ${LIMITS.seasons} periods (${periods.length} given)`,
    );
  }
  for (const p of periods) {
    const period = Number(p);
    if (period > LIMITS.season.max) {
      throw new InputError(
        `--season ${text}: period ${p} is more than ${formatCount(
          LIMITS.season.max,
        )} steps (${LIMITS.season.why})`,
      );
    }
  }
  return periods.map(Number);
}

/**
 * The slots of a series' regular grid (first to last timestamp); refuses
 * more than MAX_SERIES_STEPS with the rows that span them.
 */
export function gridSlots(
  series: InputSeries,
  stepMs: number,
  file = 'input',
): number {
  const n = series.rows.length;
  const first = series.timestamps[0];
  const slots =
    stepMs > 0
      ? Math.round((series.timestamps[n - 1] - first) / stepMs) + 1
      : 1;
  if (!(slots <= MAX_SERIES_STEPS)) {
    throw new InputError(
      `${file}: rows ${series.rows[0]} and ${series.rows[n - 1]}: series '${
        series.id
      }' spans ${formatCount(slots)} steps of ${formatCount(
        stepMs,
      )} ms; at most ${formatCount(MAX_SERIES_STEPS)}`,
    );
  }
  return slots;
}

/**
 * Puts a series on its regular grid: one slot per step from the first
 * timestamp, missing slots NaN (gaps), off-grid stamps rounded to the
 * nearest slot, values sharing a slot (duplicate timestamps) averaged.
 */
export function regularise(
  series: InputSeries,
  stepMs: number,
  file = 'input',
) {
  const first = series.timestamps[0];
  const slots = gridSlots(series, stepMs, file);
  const sum = new Float64Array(slots);
  const count = new Int32Array(slots);
  const seen = new Uint8Array(slots);
  let shared = 0;
  for (let r = 0; r < series.rows.length; r++) {
    const k =
      stepMs > 0 ? Math.round((series.timestamps[r] - first) / stepMs) : 0;
    if (seen[k]) shared++;
    seen[k] = 1;
    const value = series.values[r];
    if (Number.isFinite(value)) {
      sum[k] += value;
      count[k]++;
    }
  }
  const values = new Float64Array(slots);
  for (let k = 0; k < slots; k++)
    values[k] = count[k] ? sum[k] / count[k] : NaN;
  return { first, values, shared };
}

/** The options of `ai-finops forecast`, as commander parses them. */
export interface ForecastOptions {
  input: string;
  horizon: string;
  season: string;
  workers: string;
}

/**
 * The time step of a series, after the checks that it can be forecast: a
 * numeric value, two rows, two timestamps. Bad input throws an InputError.
 */
function seriesStep(s: InputSeries, file: string): number {
  const stepMs = medianStep(s.timestamps);
  if (!s.values.some(v => Number.isFinite(v))) {
    throw new InputError(
      `${file}: row ${s.rows[0]}, column value: series '${s.id}' has no numeric value to forecast from`,
    );
  }
  if (s.rows.length < 2) {
    throw new InputError(
      `${file}: row ${s.rows[0]}: series '${s.id}' has a single row, so it has no time step to forecast on`,
    );
  }
  if (!(stepMs > 0)) {
    throw new InputError(
      `${file}: row ${s.rows[1]}, column timestamp: series '${s.id}' repeats its timestamps, so it has no time step`,
    );
  }
  return stepMs;
}

/**
 * `ai-finops forecast --input F.csv --horizon H [--season auto|N[,N]] [--workers auto|N] --format csv`:
 * prints the forecasts on stdout and one line per series on stderr, in
 * input order. The series are forecast by a pool of worker threads
 * (src/seriesTasks.ts), each as soon as the file has moved on to another
 * series, while the rest is read; nothing is printed before the whole file
 * has been read and checked.
 */
export async function runForecast(options: ForecastOptions) {
  const horizon = numberOption('--horizon', options.horizon, LIMITS.horizon);
  const seasons = parseSeasonOption(options.season);
  const workers = parseWorkersOption(options.workers);
  const file = options.input;
  const pool = poolForFile(file, workers);
  try {
    const submit = (s: InputSeries, stepMs: number) => {
      const { first, values, shared } = regularise(s, stepMs, file);
      const task: ForecastTask = {
        kind: 'forecast',
        id: s.id,
        first,
        stepMs,
        values,
        shared,
        horizon,
        seasons,
      };
      const result = pool.submit<ForecastTaskResult>(task);
      // Awaited later, if the series turns out final; never unhandled.
      result.catch(() => {});
      return result;
    };
    const early = new Map<InputSeries, Promise<ForecastTaskResult>>();
    const onSeries = (s: InputSeries) => {
      // Not past the limit on forecast rows, not bad input (reported later, in order).
      if ((early.size + 1) * horizon > MAX_FORECAST_ROWS) return;
      try {
        const stepMs = seriesStep(s, file);
        gridSlots(s, stepMs, file);
        early.set(s, submit(s, stepMs));
      } catch {
        // Checked again below.
      }
    };
    const { series } = await readSeriesCsv(
      file,
      pool.size > 1 ? { onSeries } : {},
    );
    if (series.length * horizon > MAX_FORECAST_ROWS) {
      throw new InputError(
        `--horizon ${options.horizon}: ${formatCount(
          series.length,
        )} series × ${formatCount(horizon)} steps is ${formatCount(
          series.length * horizon,
        )} forecast rows; at most ${formatCount(MAX_FORECAST_ROWS)}`,
      );
    }
    // Every series is checked before any is printed, so that bad input is
    // one line on stderr and nothing else.
    let totalSlots = 0;
    const steps = series.map(s => {
      const stepMs = seriesStep(s, file);
      totalSlots += gridSlots(s, stepMs, file);
      if (totalSlots > MAX_TOTAL_STEPS) {
        throw new InputError(
          `${file}: row ${s.rows[0]}: the series span more than ${formatCount(
            MAX_TOTAL_STEPS,
          )} time steps in all, the limit`,
        );
      }
      return stepMs;
    });
    const results = await Promise.all(
      series.map((s, k) => early.get(s) ?? submit(s, steps[k])),
    );
    process.stdout.write(
      `series_id,timestamp,forecast,lower,upper\n${results
        .map(r => r.csv)
        .join('')}`,
    );
    process.stderr.write(results.map(r => r.summary).join(''));
  } finally {
    await pool.close();
  }
}
