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
  const first = series.rows[0].timestamp;
  const lastRow = series.rows[series.rows.length - 1];
  const slots =
    stepMs > 0 ? Math.round((lastRow.timestamp - first) / stepMs) + 1 : 1;
  if (!(slots <= MAX_SERIES_STEPS)) {
    throw new InputError(
      `${file}: rows ${series.rows[0].row} and ${lastRow.row}: series '${
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
  const first = series.rows[0].timestamp;
  const slots = gridSlots(series, stepMs, file);
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
  const horizon = numberOption('--horizon', options.horizon, LIMITS.horizon);
  const seasons = parseSeasonOption(options.season);
  const { series } = await readSeriesCsv(options.input);
  if (series.length * horizon > MAX_FORECAST_ROWS) {
    throw new InputError(
      `--horizon ${options.horizon}: ${formatCount(
        series.length,
      )} series × ${formatCount(horizon)} steps is ${formatCount(
        series.length * horizon,
      )} forecast rows; at most ${formatCount(MAX_FORECAST_ROWS)}`,
    );
  }
  // Every series is checked before any is forecast, so that bad input is
  // one line on stderr and nothing else.
  let totalSlots = 0;
  const grids = series.map(s => {
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
    totalSlots += gridSlots(s, stepMs, options.input);
    if (totalSlots > MAX_TOTAL_STEPS) {
      throw new InputError(
        `${options.input}: row ${
          s.rows[0].row
        }: the series span more than ${formatCount(
          MAX_TOTAL_STEPS,
        )} time steps in all, the limit`,
      );
    }
    return { s, stepMs };
  });
  const out = ['series_id,timestamp,forecast,lower,upper'];
  const summaries: string[] = [];
  for (const { s, stepMs } of grids) {
    const { first, values, shared } = regularise(s, stepMs, options.input);
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
    summaries.push(
      `${s.id}: seasons ${
        result.seasons.join(',') || 'none'
      }; ${accuracy}; ensemble ${models}${
        result.notes.length ? `; ${result.notes.join('; ')}` : ''
      }\n`,
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
  process.stderr.write(summaries.join(''));
}
