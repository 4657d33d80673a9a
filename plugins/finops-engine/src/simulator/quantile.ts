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

/**
 * The empirical `q`-quantile of `values` (linear between order statistics).
 */
export function empiricalQuantile(
  values: readonly number[],
  q: number,
): number {
  return sortedQuantile(
    [...values].sort((a, b) => a - b),
    q,
  );
}

/** {@link empiricalQuantile} of values already sorted ascending. */
export function sortedQuantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return 0;
  const pos = Math.min(1, Math.max(0, q)) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Erlang C: the probability that an arrival waits in an M/M/c queue with
 * offered load `a` (erlangs) on `c` servers; 1 when a ≥ c.
 */
export function erlangC(c: number, a: number): number {
  if (!(a < c)) return 1;
  if (a <= 0) return 0;
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return (c * b) / (c - a * (1 - b));
}

/**
 * The fewest servers that keep P(wait > `wait`) ≤ `tail` for offered load
 * `a` with mean service time `service` and variability `v` = ca² + cs²
 * (Allen–Cunneen: the M/M/c wait scaled by v / 2), at least ⌈a⌉.
 */
export function serversForWait(
  a: number,
  service: number,
  v: number,
  wait: number,
  tail: number,
): number {
  if (!(a > 0)) return 0;
  const scale = (service * Math.max(v, 1e-9)) / 2;
  let c = Math.max(1, Math.ceil(a - 1e-9));
  for (; c < a + 10_000; c++) {
    const p = erlangC(c, a) * Math.exp((-(c - a) * wait) / scale);
    if (p <= tail) return c;
  }
  return c;
}

/** Index of the first element ≥ `x` in an ascending array. */
export function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
