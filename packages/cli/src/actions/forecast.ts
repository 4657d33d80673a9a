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

import { forecast } from '@ai-finops/backstage-plugin-finops-engine';
import { InputError } from '@backstage/errors';
import {
  csvField,
  formatNumber,
  formatTimestamp,
  medianStep,
  readSeriesCsv,
  type InputSeries,
} from './forecastInput';

/** Parses `--season auto|N[,N]`. */
export function parseSeasonOption(text: string): 'auto' | number[] {
  if (text.trim().toLowerCase() === 'auto') return 'auto';
  const periods = text.split(',').map(s => s.trim());
  if (!periods.every(p => /^\d+$/.test(p) && Number(p) >= 2)) {
    throw new InputError(
      `--season: '${text}' is not 'auto' or a list of whole periods of at least 2 steps (e.g. 24,168)`,
    );
  }
  return periods.map(Number);
}

/**
 * Puts a series on its regular grid: one slot per step from the first
 * timestamp, missing slots NaN (gaps), off-grid stamps rounded to the
 * nearest slot, values sharing a slot (duplicate timestamps) averaged.
 */
export function regularise(series: InputSeries, stepMs: number) {
  const first = series.rows[0].timestamp;
  const last = series.rows[series.rows.length - 1].timestamp;
  const slots = stepMs > 0 ? Math.round((last - first) / stepMs) + 1 : 1;
  const sum = new Array<number>(slots).fill(0);
  const count = new Array<number>(slots).fill(0);
  const seen = new Array<boolean>(slots).fill(false);
  let shared = 0;
  for (const r of series.rows) {
    const k = stepMs > 0 ? Math.round((r.timestamp - first) / stepMs) : 0;
    if (seen[k]) shared++;
    seen[k] = true;
    if (Number.isFinite(r.value)) {
      sum[k] += r.value;
      count[k]++;
    }
  }
  return {
    first,
    values: sum.map((s, k) => (count[k] ? s / count[k] : NaN)),
    shared,
  };
}

/** The options of `ai-finops forecast`, as commander parses them. */
export interface ForecastOptions {
  input: string;
  horizon: string;
  season: string;
}

/**
 * `ai-finops forecast --input F.csv --horizon H [--season auto|N[,N]] --format csv`:
 * prints the forecasts on stdout and one line per series on stderr.
 */
export async function runForecast(options: ForecastOptions) {
  if (!/^\d+$/.test(options.horizon.trim()) || Number(options.horizon) < 1) {
    throw new InputError(
      `--horizon: '${options.horizon}' is not a positive whole number of steps`,
    );
  }
  const horizon = Number(options.horizon);
  const seasons = parseSeasonOption(options.season);
  const { series } = await readSeriesCsv(options.input);
  const out = ['series_id,timestamp,forecast,lower,upper'];
  for (const s of series) {
    const stepMs = medianStep(s.rows);
    if (!s.rows.some(r => Number.isFinite(r.value))) {
      throw new InputError(
        `${options.input}: row ${s.rows[0].row}, column value: series '${s.id}' has no numeric value to forecast from`,
      );
    }
    if (s.rows.length < 2) {
      throw new InputError(
        `${options.input}: row ${s.rows[0].row}: series '${s.id}' has a single row, so it has no time step to forecast on`,
      );
    }
    if (!(stepMs > 0)) {
      throw new InputError(
        `${options.input}: row ${s.rows[1].row}, column timestamp: series '${s.id}' repeats its timestamps, so it has no time step`,
      );
    }
    const { first, values, shared } = regularise(s, stepMs);
    const result = forecast(values, { horizon, seasons, stepMs });
    const last = first + (values.length - 1) * stepMs;
    for (let j = 0; j < horizon; j++) {
      out.push(
        [
          csvField(s.id),
          formatTimestamp(last + (j + 1) * stepMs),
          formatNumber(result.mean[j]),
          formatNumber(result.lower[j]),
          formatNumber(result.upper[j]),
        ].join(','),
      );
    }
    const accuracy = result.accuracy
      ? `backtest sMAPE ${result.accuracy.smape.toFixed(
          2,
        )} MASE ${result.accuracy.mase.toFixed(3)} over ${
          result.accuracy.origins
        } origins ${result.accuracy.horizon} steps ahead`
      : 'no backtest';
    const models = result.models
      .filter(m => m.weight > 0)
      .map(m => `${m.model} ${m.weight.toFixed(2)}`)
      .join(', ');
    if (shared) {
      result.notes.push(
        `${shared} rows shared a time step with another row and were averaged`,
      );
    }
    process.stderr.write(
      `${s.id}: seasons ${
        result.seasons.join(',') || 'none'
      }; ${accuracy}; ensemble ${models}${
        result.notes.length ? `; ${result.notes.join('; ')}` : ''
      }\n`,
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
}
