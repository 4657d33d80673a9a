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

// Point-forecast accuracy measures as the M4 competition defines them
// (Makridakis et al. 2020; Mcompetitions/M4-methods).

/**
 * Symmetric mean absolute percentage error, in percent (0–200): mean of
 * 200·|y − f| / (|y| + |f|). A step where both are 0 counts as 0.
 *
 * @public
 */
export function smape(
  actual: ArrayLike<number>,
  forecast: ArrayLike<number>,
): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i];
    const f = forecast[i];
    if (!Number.isFinite(y) || !Number.isFinite(f)) continue;
    const den = Math.abs(y) + Math.abs(f);
    sum += den === 0 ? 0 : (200 * Math.abs(y - f)) / den;
    n++;
  }
  return n ? sum / n : NaN;
}

/**
 * The MASE scale of a history: `mean |y_t − y_{t−m}|` over the in-sample
 * seasonal differences (m = 1 without a season). Missing values are skipped.
 *
 * @public
 */
export function maseScale(history: ArrayLike<number>, m = 1): number {
  let sum = 0;
  let n = 0;
  for (let t = m; t < history.length; t++) {
    const d = history[t] - history[t - m];
    if (Number.isFinite(d)) {
      sum += Math.abs(d);
      n++;
    }
  }
  return n ? sum / n : NaN;
}

/**
 * Mean absolute scaled error: out-of-sample MAE over the in-sample
 * seasonal-naive MAE (`scale`, see {@link maseScale}).
 *
 * @public
 */
export function mase(
  actual: ArrayLike<number>,
  forecast: ArrayLike<number>,
  scale: number,
): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < actual.length; i++) {
    const e = actual[i] - forecast[i];
    if (Number.isFinite(e)) {
      sum += Math.abs(e);
      n++;
    }
  }
  if (!n) return NaN;
  if (scale > 0) return sum / n / scale;
  return sum === 0 ? 0 : Infinity;
}

/**
 * Overall weighted average (M4): the mean of sMAPE and MASE, each relative
 * to a benchmark method's. 1 = as good as the benchmark; 0.85 = 15 % better.
 *
 * @public
 */
export function owa(
  method: { smape: number; mase: number },
  benchmark: { smape: number; mase: number },
): number {
  return (method.smape / benchmark.smape + method.mase / benchmark.mase) / 2;
}
