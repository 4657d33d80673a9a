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

import { decompose, seasonalAt, type Decomposition } from './seasonality';
import { leastSquares, mad, mean, NormalEquations } from './stats';

/**
 * What every model sees when it is fitted: the gap-filled history and the
 * seasons in force. The decomposition is computed once per fit and shared.
 */
export interface FitContext {
  y: number[];
  seasons: number[];
  decomposition(): Decomposition;
}

/** One forecasting model: fits on a history, forecasts h steps after it. */
export interface ForecastModel {
  name: string;
  /** Fewest observations the model needs, given the seasons. */
  minLength(seasons: number[]): number;
  fit(ctx: FitContext): (h: number) => number[];
}

export function createFitContext(y: number[], seasons: number[]): FitContext {
  let cached: Decomposition | undefined;
  return {
    y,
    seasons,
    decomposition: () => (cached ??= decompose(y, seasons)),
  };
}

/** Adds the seasonal pattern of steps n..n+h-1 to a deseasonalised forecast. */
function reseasonalise(d: Decomposition, n: number, base: number[]): number[] {
  return base.map((v, i) => v + seasonalAt(d, n + i));
}

/** Naive: the last value, carried forward. */
export const naiveModel: ForecastModel = {
  name: 'naive',
  minLength: () => 1,
  fit:
    ({ y }) =>
    h =>
      new Array(h).fill(y[y.length - 1]),
};

/** Seasonal naive with period m: the last cycle, repeated. */
export function seasonalNaiveModel(
  m: number,
  name = `snaive-${m}`,
): ForecastModel {
  return {
    name,
    minLength: () => m,
    fit:
      ({ y }) =>
      h => {
        const n = y.length;
        return Array.from({ length: h }, (_, i) => y[n - m + (i % m)]);
      },
  };
}

/**
 * Simple exponential smoothing (ETS A,N,N) level with α chosen by one-step
 * squared error on a grid; returns the final level and α.
 */
function ses(y: ArrayLike<number>, from = 0): { level: number; alpha: number } {
  let best = { level: y[y.length - 1], alpha: 1, sse: Infinity };
  for (const alpha of [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1]) {
    let level = y[from];
    let sse = 0;
    for (let t = from + 1; t < y.length; t++) {
      const e = y[t] - level;
      sse += e * e;
      level += alpha * e;
    }
    if (sse < best.sse) best = { level, alpha, sse };
  }
  return best;
}

/**
 * Damped additive-trend exponential smoothing (ETS A,Ad,N) with α, β, φ
 * chosen on a grid by one-step squared error. Returns its forecast.
 */
export function dampedHolt(y: ArrayLike<number>, h: number): number[] {
  const n = y.length;
  const from = Math.max(0, n - 24 * 28);
  let best = { level: y[n - 1], trend: 0, phi: 0.9, sse: Infinity };
  for (const alpha of [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9]) {
    for (const beta of [0, 0.01, 0.05, 0.1]) {
      if (beta > alpha) continue;
      for (const phi of [0.8, 0.9, 0.98]) {
        let level = y[from];
        let trend = 0;
        let sse = 0;
        for (let t = from + 1; t < n; t++) {
          const f = level + phi * trend;
          const e = y[t] - f;
          sse += e * e;
          const newLevel = f + alpha * e;
          trend = phi * trend + beta * e;
          level = newLevel;
        }
        if (sse < best.sse) best = { level, trend, phi, sse };
      }
    }
  }
  const out: number[] = [];
  let damp = 0;
  for (let i = 1; i <= h; i++) {
    damp += best.phi ** i;
    out.push(best.level + damp * best.trend);
  }
  return out;
}

/** MSTL + ETS: damped Holt on the deseasonalised series, seasons added back. */
export const mstlEtsModel: ForecastModel = {
  name: 'mstl-ets',
  minLength: seasons => 2 * Math.max(1, ...seasons) + 2,
  fit: ctx => {
    const d = ctx.decomposition();
    return h => reseasonalise(d, ctx.y.length, dampedHolt(d.deseasonalised, h));
  },
};

/**
 * MSTL + AR: an autoregression on the deseasonalised series (lags 1, 2, 3 and
 * the first season), fitted by least squares on recent history and iterated
 * forward; deviations from the seasonal shape decay as the data says they do.
 */
export const mstlArModel: ForecastModel = {
  name: 'mstl-ar',
  minLength: seasons => 2 * Math.max(1, ...seasons) + 10,
  fit: ctx => {
    const d = ctx.decomposition();
    const x = d.deseasonalised;
    const n = x.length;
    const m = ctx.seasons[0] ?? 0;
    const lags = [1, 2, 3];
    if (m > 3 && n > 6 * m) lags.push(m);
    const maxLag = Math.max(...lags);
    const from = Math.max(maxLag, n - 24 * 56);
    const rows: number[][] = [];
    const target: number[] = [];
    for (let t = from; t < n; t++) {
      rows.push([1, ...lags.map(l => x[t - l])]);
      target.push(x[t]);
    }
    const beta = leastSquares(rows, target, 1e-6);
    // Keep the recursion stable: shrink the lag coefficients if their sum
    // reaches the unit root.
    const persistence = beta.slice(1).reduce((a, b) => a + Math.abs(b), 0);
    if (persistence >= 0.995) {
      const s = 0.995 / persistence;
      const mu = mean(x.slice(from));
      for (let i = 1; i < beta.length; i++) beta[i] *= s;
      beta[0] = mu * (1 - beta.slice(1).reduce((a, b) => a + b, 0));
    }
    return h => {
      const path = x.slice(n - maxLag);
      const out: number[] = [];
      for (let i = 0; i < h; i++) {
        const t = path.length;
        let v = beta[0];
        lags.forEach((l, j) => {
          v += beta[j + 1] * path[t - l];
        });
        path.push(v);
        out.push(v);
      }
      return reseasonalise(d, n, out);
    };
  },
};

/**
 * MSTL + ARI: an autoregression on the differences of the deseasonalised
 * series (ARIMA(3,1,0) with a drift-free mean), so the forecast keeps the
 * current level instead of reverting to the long-run mean — for series whose
 * level wanders (weather-driven grid intensity, slowly growing demand).
 */
export const mstlAriModel: ForecastModel = {
  name: 'mstl-ari',
  minLength: seasons => 2 * Math.max(1, ...seasons) + 10,
  fit: ctx => {
    const d = ctx.decomposition();
    const x = d.deseasonalised;
    const n = x.length;
    const lags = [1, 2, 3];
    const from = Math.max(4, n - 24 * 56);
    const rows: number[][] = [];
    const target: number[] = [];
    for (let t = from; t < n; t++) {
      rows.push(lags.map(l => x[t - l] - x[t - l - 1]));
      target.push(x[t] - x[t - 1]);
    }
    const beta = leastSquares(rows, target, 1e-6);
    const persistence = beta.reduce((a, b) => a + Math.abs(b), 0);
    if (persistence >= 0.95)
      for (let i = 0; i < beta.length; i++) beta[i] *= 0.95 / persistence;
    return h => {
      const diffs = [
        x[n - 1] - x[n - 2],
        x[n - 2] - x[n - 3],
        x[n - 3] - x[n - 4],
      ];
      let level = x[n - 1];
      const out: number[] = [];
      for (let i = 0; i < h; i++) {
        const dNext =
          beta[0] * diffs[0] + beta[1] * diffs[1] + beta[2] * diffs[2];
        diffs.unshift(dNext);
        diffs.pop();
        level += dNext;
        out.push(level);
      }
      return reseasonalise(d, n, out);
    };
  },
};

/**
 * Direct multi-horizon regression: for every step ahead h its own linear
 * model, fitted by ridge least squares on the last 8 weeks of hourly pairs,
 * of y[t+h] on what is known at t — the deseasonalised last value and its
 * means over one short and one long cycle, the seasonal pattern at t+h, the
 * seasonal-naive value (same phase one cycle back) of every season and of
 * the first season two cycles back. It learns per horizon how fast today's
 * deviation fades into the seasonal shape.
 */
export const directModel: ForecastModel = {
  name: 'direct',
  minLength: seasons => 4 * Math.max(24, ...seasons) + 10,
  fit: ctx => {
    const { y, seasons } = ctx;
    const d = ctx.decomposition();
    const x = d.deseasonalised;
    const n = y.length;
    const m1 = seasons[0];
    const mLast = seasons[seasons.length - 1];
    const prefix = new Float64Array(n + 1);
    for (let t = 0; t < n; t++) prefix[t + 1] = prefix[t] + x[t];
    const meanOf = (t: number, w: number) =>
      (prefix[t + 1] - prefix[Math.max(0, t + 1 - w)]) / Math.min(w, t + 1);
    const p = 6 + seasons.length;
    const row = new Float64Array(p);
    const features = (t: number, h: number) => {
      row[0] = 1;
      row[1] = x[t];
      row[2] = meanOf(t, m1);
      row[3] = meanOf(t, mLast);
      row[4] = seasonalAt(d, t + h);
      seasons.forEach((m, k) => {
        row[5 + k] = y[t + h - m * Math.ceil(h / m)];
      });
      row[p - 1] = y[t + h - m1 * (Math.ceil(h / m1) + 1)];
      return row;
    };
    const from = Math.max(mLast * 2 + m1, n - 24 * 56);
    const cache = new Map<number, number[]>();
    const coefficients = (h: number) => {
      let beta = cache.get(h);
      if (!beta) {
        const normal = new NormalEquations(p);
        // Every other origin: neighbours carry nearly the same information.
        for (let t = n - 1 - h; t >= from; t -= 2)
          normal.add(features(t, h), y[t + h]);
        beta = normal.solve(1e-3);
        cache.set(h, beta);
      }
      return beta;
    };
    return h =>
      Array.from({ length: h }, (_, i) => {
        const beta = coefficients(i + 1);
        const r = features(n - 1, i + 1);
        let v = 0;
        for (let j = 0; j < p; j++) v += r[j] * beta[j];
        return v;
      });
  },
};

/**
 * Theta (Assimakopoulos & Nikolopoulos; SES plus half the linear drift) on
 * the deseasonalised series, seasons added back.
 */
export const thetaModel: ForecastModel = {
  name: 'theta',
  minLength: seasons => (seasons.length ? 2 * Math.max(...seasons) + 2 : 4),
  fit: ctx => {
    const d = ctx.seasons.length ? ctx.decomposition() : undefined;
    const x = d ? d.deseasonalised : ctx.y;
    const n = x.length;
    const from = Math.max(0, n - 24 * 28);
    const m = n - from;
    // OLS slope of the recent window.
    let st = 0;
    let sx = 0;
    let stt = 0;
    let stx = 0;
    for (let t = 0; t < m; t++) {
      st += t;
      sx += x[from + t];
      stt += t * t;
      stx += t * x[from + t];
    }
    const slope = m > 1 ? (m * stx - st * sx) / (m * stt - st * st) : 0;
    const { level, alpha } = ses(x, from);
    return h => {
      const base = Array.from(
        { length: h },
        (_, i) =>
          level + (slope / 2) * (i + 1 / alpha - (1 - alpha) ** m / alpha),
      );
      return d ? reseasonalise(d, n, base) : base;
    };
  },
};

/**
 * Dynamic harmonic regression (the TBATS idea in linear form): a robust
 * linear trend plus Fourier terms for every season, fitted by iteratively
 * reweighted least squares (Huber), with an AR(1) on the residuals so the
 * forecast starts from where the series is.
 */
export const fourierModel: ForecastModel = {
  name: 'fourier',
  minLength: seasons => 2 * Math.max(1, ...seasons) + 2,
  fit: ({ y, seasons }) => {
    const n = y.length;
    const from = Math.max(0, n - 24 * 56);
    const harmonics = seasons.map(m =>
      Math.min(Math.floor(m / 2), m >= 100 ? 8 : 10),
    );
    const features = (t: number) => {
      const row = [1, (t - n) / Math.max(1, n - from)];
      seasons.forEach((m, k) => {
        for (let j = 1; j <= harmonics[k]; j++) {
          const a = (2 * Math.PI * j * t) / m;
          row.push(Math.sin(a), Math.cos(a));
        }
      });
      return row;
    };
    const rows: number[][] = [];
    const target: number[] = [];
    for (let t = from; t < n; t++) {
      rows.push(features(t));
      target.push(y[t]);
    }
    let beta = leastSquares(rows, target, 1e-6);
    const residual = () =>
      target.map((v, i) => v - rows[i].reduce((s, x, j) => s + x * beta[j], 0));
    for (let iter = 0; iter < 2; iter++) {
      const r = residual();
      const k = 1.345 * (mad(r, 0) || 1e-12);
      const w = r.map(e => (Math.abs(e) <= k ? 1 : k / Math.abs(e)));
      beta = leastSquares(rows, target, 1e-6, w);
    }
    const r = residual();
    // AR(1) on the residuals (lag-1 regression through the origin).
    let num = 0;
    let den = 0;
    for (let i = 1; i < r.length; i++) {
      num += r[i] * r[i - 1];
      den += r[i - 1] * r[i - 1];
    }
    const phi = den > 0 ? Math.min(Math.max(num / den, 0), 0.99) : 0;
    const last = r[r.length - 1];
    // The trend is damped beyond the window: half its slope.
    const trendIndex = 1;
    return h =>
      Array.from({ length: h }, (_, i) => {
        const x = features(n + i);
        let v = 0;
        for (let j = 0; j < x.length; j++) {
          v += (j === trendIndex ? 0.5 : 1) * x[j] * beta[j];
        }
        return v + last * phi ** (i + 1);
      });
  },
};

/** Simple exponential smoothing, for short or non-seasonal series. */
export const sesModel: ForecastModel = {
  name: 'ses',
  minLength: () => 3,
  fit:
    ({ y }) =>
    h =>
      new Array(h).fill(ses(y).level),
};

/**
 * Croston's method with the Syntetos–Boylan correction, for zero-heavy
 * (intermittent) series: smoothed non-zero size over smoothed interval.
 */
export const crostonModel: ForecastModel = {
  name: 'croston-sba',
  minLength: () => 4,
  fit: ({ y }) => {
    const alpha = 0.1;
    let size = NaN;
    let interval = NaN;
    let gap = 1;
    for (const v of y) {
      if (v !== 0) {
        size = Number.isNaN(size) ? v : size + alpha * (v - size);
        interval = Number.isNaN(interval)
          ? gap
          : interval + alpha * (gap - interval);
        gap = 1;
      } else {
        gap++;
      }
    }
    const rate = Number.isNaN(size) ? 0 : (1 - alpha / 2) * (size / interval);
    return h => new Array(h).fill(rate);
  },
};
