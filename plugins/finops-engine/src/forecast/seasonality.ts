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

import { fillGaps, median, quantileWithScratch } from './stats';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The daily and weekly periods (in steps) of a series sampled every
 * `stepMs`, when whole: hourly data gives [24, 168], 5-minute data
 * [288, 2016], daily data [7]. Empty for irregular or coarser steps.
 *
 * @public
 */
export function calendarSeasons(stepMs: number): number[] {
  if (!(stepMs > 0)) return [];
  if (stepMs >= DAY) {
    return stepMs === DAY ? [7] : [];
  }
  const out: number[] = [];
  for (const period of [DAY, 7 * DAY]) {
    const m = period / stepMs;
    if (Number.isInteger(m) && m >= 2) out.push(m);
  }
  return out;
}

/** Centred moving average of window `m` (2×m when m is even); ends hold the nearest average. */
export function movingAverage(y: ArrayLike<number>, m: number): number[] {
  const n = y.length;
  const out = new Array<number>(n).fill(NaN);
  if (m < 2 || n < m + 1) {
    const c = median(y);
    return out.fill(c);
  }
  const half = Math.floor(m / 2);
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + y[i];
  const sum = (a: number, b: number) => prefix[b] - prefix[a]; // [a, b)
  for (let t = half; t < n - half; t++) {
    if (m % 2) {
      out[t] = sum(t - half, t + half + 1) / m;
    } else {
      // 2×m MA: half weight on both ends.
      if (t + half >= n) break;
      out[t] =
        (sum(t - half, t + half + 1) - 0.5 * (y[t - half] + y[t + half])) / m;
    }
  }
  let first = 0;
  while (first < n && Number.isNaN(out[first])) first++;
  let last = n - 1;
  while (last >= 0 && Number.isNaN(out[last])) last--;
  for (let t = 0; t < first; t++) out[t] = out[first];
  for (let t = last + 1; t < n; t++) out[t] = out[last];
  return out;
}

/**
 * Autocorrelation of `y` at `lag`, after removing a centred moving average of
 * window `lag` (so a trend does not pass for a season).
 */
export function seasonalAutocorrelation(
  y: ArrayLike<number>,
  lag: number,
): number {
  const n = y.length;
  if (lag < 1 || n < 2 * lag + 2) return NaN;
  const trend = movingAverage(y, lag);
  const d = new Float64Array(n);
  let mu = 0;
  for (let i = 0; i < n; i++) {
    d[i] = y[i] - trend[i];
    mu += d[i];
  }
  mu /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    den += (d[i] - mu) ** 2;
    if (i >= lag) num += (d[i] - mu) * (d[i - lag] - mu);
  }
  return den > 0 ? num / den : 0;
}

/** Options of {@link detectSeasons}. @public */
export interface DetectSeasonsOptions {
  /** Sampling step in milliseconds; gives the calendar candidates (daily, weekly). */
  stepMs?: number;
  /** Minimum autocorrelation at a candidate lag to call it a season (default 0.2). */
  minAutocorrelation?: number;
  /** Largest lag searched when the step gives no calendar candidate (default 1000). */
  maxLag?: number;
}

/**
 * Seasonal periods (in steps, ascending) of a series: the calendar periods of
 * its sampling step (daily, weekly) that show in the autocorrelation, and
 * when the step names none, the strongest autocorrelation peak. A season
 * needs at least two full cycles of history.
 *
 * @public
 */
export function detectSeasons(
  values: ArrayLike<number>,
  options: DetectSeasonsOptions = {},
): number[] {
  const minR = options.minAutocorrelation ?? 0.2;
  const y = fillGaps(values);
  const n = y.length;
  if (!n || Number.isNaN(y[0])) return [];
  const candidates = calendarSeasons(options.stepMs ?? NaN);
  if (candidates.length) {
    const accepted: number[] = [];
    for (const m of candidates) {
      if (n < 2 * m + 2) continue;
      const r = seasonalAutocorrelation(y, m);
      if (r < minR) continue;
      // A multiple of an accepted season (a week of hours) must stand out
      // from its neighbours one shorter cycle away, or it is just the
      // shorter season seen again.
      const base = accepted.find(a => m % a === 0);
      if (base !== undefined) {
        const around = Math.max(
          seasonalAutocorrelation(y, m - base),
          n >= 2 * (m + base) + 2 ? seasonalAutocorrelation(y, m + base) : -1,
        );
        if (r < around + 0.05) continue;
      }
      accepted.push(m);
    }
    return accepted;
  }
  // No calendar hint: the highest local maximum of the autocorrelation
  // function of the differenced series.
  const maxLag = Math.min(options.maxLag ?? 1000, Math.floor(n / 2) - 1);
  if (maxLag < 2) return [];
  const d = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) d[i - 1] = y[i] - y[i - 1];
  const acf = autocorrelations(d, maxLag);
  let best = 0;
  let bestR = minR;
  for (let lag = 2; lag < maxLag; lag++) {
    if (
      acf[lag] > acf[lag - 1] &&
      acf[lag] >= acf[lag + 1] &&
      acf[lag] > bestR
    ) {
      best = lag;
      bestR = acf[lag];
    }
  }
  if (!best || n < 2 * best + 2) return [];
  return seasonalAutocorrelation(y, best) >= minR ? [best] : [];
}

/** Sample autocorrelations at lags 0..maxLag. */
export function autocorrelations(
  y: ArrayLike<number>,
  maxLag: number,
): number[] {
  const n = y.length;
  let mu = 0;
  for (let i = 0; i < n; i++) mu += y[i];
  mu /= n;
  let den = 0;
  for (let i = 0; i < n; i++) den += (y[i] - mu) ** 2;
  const out = [1];
  for (let lag = 1; lag <= maxLag; lag++) {
    let num = 0;
    for (let i = lag; i < n; i++) num += (y[i] - mu) * (y[i - lag] - mu);
    out.push(den > 0 ? num / den : 0);
  }
  return out;
}

/** A multi-seasonal decomposition: y = deseasonalised + Σ seasonal. @public */
export interface Decomposition {
  seasons: number[];
  /** One repeating pattern per season, indexed by (absolute step) mod period. */
  patterns: number[][];
  /** y minus all seasonal components. */
  deseasonalised: number[];
}

/**
 * MSTL-style decomposition with one fixed pattern per season, estimated from
 * the most recent cycles: for each season in ascending order (twice over),
 * the other seasons are removed, a centred moving average of the period
 * takes the trend out, and each phase gets the recency-weighted mean of its
 * detrended values (winsorised at 4 MAD, so spikes do not imprint). The
 * pattern of step t is `patterns[k][t % m]` for any t, past or future.
 *
 * @public
 */
export function decompose(
  y: ArrayLike<number>,
  seasons: number[],
  options: { cycles?: (m: number) => number } = {},
): Decomposition {
  const n = y.length;
  const cycles = options.cycles ?? defaultCycles;
  const patterns = seasons.map(m => new Array<number>(m).fill(0));
  // Σ of the patterns of the seasons but `skip` at steps from..n-1, added in
  // the order of the seasons: each pattern walked by phase, without a
  // division per step.
  const othersFrom = (skip: number, from: number) => {
    const out = new Float64Array(n - from);
    for (let k = 0; k < seasons.length; k++) {
      if (k === skip) continue;
      const m = seasons[k];
      const pattern = patterns[k];
      let phase = from % m;
      for (let i = 0; i < out.length; i++) {
        out[i] += pattern[phase];
        if (++phase === m) phase = 0;
      }
    }
    return out;
  };
  // Scratch of the medians (quantileWithScratch: the numbers median and
  // mad give, without their allocations).
  const scratch = new Float64Array(n);
  const deviations = new Float64Array(n);
  const rounds = seasons.length > 1 ? 2 : 1;
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < seasons.length; k++) {
      const m = seasons[k];
      const c = Math.min(cycles(m), Math.floor(n / m));
      if (c < 2) continue;
      const start = n - c * m;
      // Detrend with a margin before `start`, so the moving average is centred.
      const from = Math.max(0, start - m);
      const others = othersFrom(k, from);
      const partial = new Float64Array(n - from);
      for (let t = from; t < n; t++)
        partial[t - from] = y[t] - others[t - from];
      const trend = movingAverage(partial, m);
      const detrended = new Float64Array(n - start);
      for (let t = start; t < n; t++) {
        detrended[t - start] = partial[t - from] - trend[t - from];
      }
      const center = quantileWithScratch(detrended, 0.5, scratch);
      // mad(detrended, center)
      let count = 0;
      for (let i = 0; i < detrended.length; i++) {
        if (Number.isFinite(detrended[i]))
          deviations[count++] = Math.abs(detrended[i] - center);
      }
      const spread =
        1.4826 *
        quantileWithScratch(deviations.subarray(0, count), 0.5, scratch);
      const limit = 4 * (spread || 1e-12);
      const sum = new Float64Array(m);
      const weight = new Float64Array(m);
      const halfLife = Math.max(1, c / 2);
      // The weight of each age in cycles (0..c-1), computed once per age.
      const weightOfAge = new Float64Array(c);
      for (let age = 0; age < c; age++)
        weightOfAge[age] = Math.pow(0.5, age / halfLife);
      for (let t = start, phase = start % m; t < n; t++) {
        const w = weightOfAge[Math.floor((n - 1 - t) / m)];
        const v = Math.min(
          Math.max(detrended[t - start], center - limit),
          center + limit,
        );
        sum[phase] += w * v;
        weight[phase] += w;
        if (++phase === m) phase = 0;
      }
      const pattern = patterns[k];
      let avg = 0;
      for (let p = 0; p < m; p++) {
        pattern[p] = weight[p] ? sum[p] / weight[p] : 0;
        avg += pattern[p] / m;
      }
      for (let p = 0; p < m; p++) pattern[p] -= avg;
    }
  }
  const all = othersFrom(-1, 0);
  const deseasonalised = new Array<number>(n);
  for (let t = 0; t < n; t++) deseasonalised[t] = y[t] - all[t];
  return { seasons, patterns, deseasonalised };
}

/** Seasonal component of step t (absolute index) from a decomposition. */
export function seasonalAt(d: Decomposition, t: number): number {
  let s = 0;
  for (let k = 0; k < d.seasons.length; k++) {
    s += d.patterns[k][t % d.seasons[k]];
  }
  return s;
}

/**
 * Cycles of history a pattern is estimated from (recency-weighted, half-life
 * half of them): 7 of a short season (a week of days), 8 of a long one.
 */
function defaultCycles(m: number): number {
  return m >= 100 ? 8 : 7;
}
