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
 * Contextual (shape) nonconformity of a series, online: the window of the
 * last `window` values is compared with the windows the series produced
 * before (the last `memory` of them, none overlapping the current one), and
 * its nonconformity is the root mean squared Euclidean distance to its
 * `neighbours` nearest ones (the kNN nonconformity measure of KNN-CAD,
 * Burnaev & Ishimtsev 2016). A window that looks like some earlier stretch of
 * the series is normal however large its values; a level shift, a spike, a
 * flat stretch in a cycle or a changed shape is far from every remembered
 * window until the new behaviour has been seen.
 *
 * The nonconformity is calibrated against the series' own past: `push`
 * returns it over the largest nonconformity seen lately (a peak decaying by
 * `decay` a step), so above 1 means less like the past than anything in
 * recent memory. That keeps the scale free of the series' units; a full
 * conformal p-value (the rank among past nonconformities) was tried and lost
 * the magnitude beyond the record, which NAB's threshold needs (see the
 * package README).
 */
export class LaggedWindowKnn {
  /** Length of the ring of the last values. */
  private readonly length: number;
  /**
   * The ring, written twice (at p and p + length) so that a window is a
   * contiguous stretch ending in the second copy: no wrap-around to handle.
   */
  private readonly values: Float64Array;
  /**
   * Squared distance of the current window to the one ending `window + m`
   * steps earlier, kept up to date in O(1) a step (a value enters each
   * window, one leaves) and recomputed when that could lose precision.
   */
  private readonly distances: Float64Array;
  private readonly best: Float64Array;
  private count = 0;
  private scored = 0;
  private peak = 0;

  constructor(
    private readonly window: number,
    private readonly memory: number,
    private readonly neighbours: number,
    private readonly decay: number,
  ) {
    this.length = memory + 2 * window;
    this.values = new Float64Array(2 * this.length);
    this.distances = new Float64Array(memory);
    this.best = new Float64Array(neighbours);
  }

  /** Position of step `t`'s value in the second copy of the ring. */
  private slot(t: number) {
    return (t % this.length) + this.length;
  }

  /** Squared distance of the windows ending at t and j, from scratch. */
  private exact(t: number, j: number) {
    const { values } = this;
    const a = this.slot(t);
    const b = this.slot(j);
    let d = 0;
    for (let i = 0; i < this.window; i++) {
      const e = values[a - i] - values[b - i];
      d += e * e;
    }
    return d;
  }

  /**
   * Learns `value` (finite) and returns the nonconformity of the window it
   * ends over the recent peak nonconformity (the peak taken no lower than
   * `floor`); 0 until 100 earlier windows (or all of `memory`) and 20
   * nonconformities have been seen.
   */
  push(value: number, floor: number): number {
    const t = this.count++;
    const { values, window, memory, neighbours, distances } = this;
    const now = this.slot(t);
    values[now] = value;
    values[now - this.length] = value;
    // Earlier windows end at j = t - window - m (m < memory): full (j >= window
    // - 1) and not overlapping the current one.
    const valid = Math.min(memory, t - 2 * window + 2);
    if (valid <= 0) return 0;
    // Distances are updated in O(1) for the lags m < updated and computed
    // from scratch for the others: all of them every 1024 steps, and the
    // window first seen now (j = window - 1: the last lag while memory fills).
    const firstSeen = valid === t - 2 * window + 2 ? 1 : 0;
    const updated = t % 1024 === 0 ? 0 : valid - firstSeen;
    // Windows j and j - window end at now - window - m and now - 2 window - m.
    const leavingNow = values[now - window];
    for (let m = 0; m < updated; m++) {
      const entering = value - values[now - window - m];
      const leaving = leavingNow - values[now - 2 * window - m];
      const lost = leaving * leaving;
      const d = distances[m] + entering * entering - lost;
      // Subtracting a term much larger than what is left loses the digits
      // of the rest (a spike leaving the window): recompute then.
      distances[m] =
        lost === 0 || lost <= 1e6 * d
          ? Math.max(d, 0)
          : this.exact(t, t - window - m);
    }
    for (let m = updated; m < valid; m++) {
      distances[m] = this.exact(t, t - window - m);
    }
    // Nothing is judged (nor enters the peak) before there are 100 earlier
    // windows: with a handful, the k-th nearest is far even in a regular cycle.
    if (valid < Math.min(memory, 100)) return 0;
    const best = this.best;
    best.fill(Infinity);
    const last = neighbours - 1;
    let worst = Infinity;
    for (let m = 0; m < valid; m++) {
      const d = distances[m];
      if (d < worst) {
        // Insert into the sorted list of the k smallest squared distances.
        let k = last;
        while (k > 0 && best[k - 1] > d) {
          best[k] = best[k - 1];
          k--;
        }
        best[k] = d;
        worst = best[last];
      }
    }
    let sum = 0;
    for (let k = 0; k < neighbours; k++) sum += best[k];
    const nonconformity = Math.sqrt(sum / neighbours);
    const surprise =
      this.scored++ >= 20 ? nonconformity / Math.max(this.peak, floor) : 0;
    this.peak = Math.max(this.peak * this.decay, nonconformity);
    return surprise;
  }
}
