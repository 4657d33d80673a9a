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

import { median, sortedQuantile } from '../forecast/stats';

/**
 * Options of {@link OnlineAnomalyDetector}.
 *
 * @public
 */
export interface AnomalyDetectorOptions {
  /**
   * Seasonal period in milliseconds (default one day; 0 for none): the
   * seasonal baseline is the median of the values one, two and three periods
   * earlier, matched by timestamp.
   */
  seasonMs?: number;
  /** Values in the recent-median baseline (default 5). */
  baselineWindow?: number;
  /** Residuals the robust scale (MAD) is estimated from (default 1,000). */
  scaleWindow?: number;
  /** Half-life, in steps, of the remembered largest residual (default 3,000). */
  peakHalfLife?: number;
  /** Score at which a point alerts (default 0.55); see `cooldown`. */
  alertScore?: number;
  /**
   * Steps after an alert during which scores are capped at 0.5, so one
   * anomaly episode alerts once (default 25; 0 disables).
   */
  cooldown?: number;
}

/**
 * The detector's view of one observation.
 *
 * @public
 */
export interface AnomalyPoint {
  timestamp: number;
  value: number;
  /** What the chosen baseline expected, from data strictly before this point. */
  expected: number;
  /** Robust z: |value − expected| / MAD of the baseline's past residuals. */
  z: number;
  /**
   * |value − expected| over the largest residual the baseline has seen
   * (decaying): above 1 means worse than anything in recent memory.
   */
  surprise: number;
  /** Anomaly score in [0, 1]: surprise² / (1 + surprise²), capped at 0.5 during a cooldown. */
  score: number;
  /** Which baseline scored the point. */
  baseline: 'recent' | 'seasonal' | 'none';
}

const DAY = 86_400_000;

/** Past residuals of one baseline: robust scale (MAD) and a decaying peak. */
class ResidualMemory {
  /** Ring buffer of the last `size` residuals. */
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private filled = 0;
  private next = 0;
  private sinceRefresh = Infinity;
  private center = 0;
  private peakValue = 0;
  scale = NaN;

  constructor(private readonly size: number, private readonly decay: number) {
    this.ring = new Float64Array(size);
    this.sorted = new Float64Array(size);
  }

  push(residual: number) {
    this.ring[this.next] = residual;
    this.next = (this.next + 1) % this.size;
    this.filled = Math.min(this.filled + 1, this.size);
    this.peakValue = Math.max(
      this.peakValue * this.decay,
      Math.abs(residual - this.center),
    );
    // The median and MAD are refreshed every 20 steps (every step while
    // the memory is young): the same numbers, a fraction of the sorting.
    if (++this.sinceRefresh >= 20 || this.filled < 50) {
      this.refresh();
      this.sinceRefresh = 0;
    }
  }

  private refresh() {
    const n = this.filled;
    const values = this.sorted.subarray(0, n);
    values.set(this.ring.subarray(0, n));
    values.sort();
    this.center = sortedQuantile(values, 0.5);
    // Residuals that are mostly exactly 0 (counts, flat stretches) have a
    // MAD of 0; half the mean absolute deviation still sees the rest.
    let meanAbs = 0;
    for (let i = 0; i < n; i++) {
      values[i] = Math.abs(values[i] - this.center);
      meanAbs += values[i];
    }
    meanAbs /= n;
    values.sort();
    const madValue = 1.4826 * sortedQuantile(values, 0.5);
    this.scale = Math.max(madValue, 0.627 * meanAbs);
  }

  get count() {
    return this.filled;
  }

  get peak() {
    return this.peakValue;
  }

  get median() {
    return this.center;
  }
}

/**
 * Online, causal anomaly scoring of one series. Each value is compared with
 * baselines built from the values before it — the median of the last few
 * values, and the median of the same time one to three seasons back — and
 * the baseline whose past residuals have the smaller robust scale (MAD)
 * scores it; a sustained excursion from the long-run median (the last
 * `scaleWindow` values) can raise the score too. The score says how the new residual compares with the largest
 * residual the series has produced lately (a peak that decays with a
 * half-life), so each series is judged against its own normal: heavy-tailed
 * series need bigger moves, a flat line flags any wiggle. Appending values
 * never changes earlier scores.
 *
 * @public
 */
export class OnlineAnomalyDetector {
  private readonly recent: number[] = [];
  private readonly history = new Map<number, number>();
  private readonly order: number[] = [];
  private head = 0;
  private readonly recentMemory: ResidualMemory;
  private readonly seasonalMemory: ResidualMemory;
  /** The values themselves: median and peak deviation of the long run. */
  private readonly levelMemory: ResidualMemory;
  private readonly seasonMs: number;
  private readonly baselineWindow: number;
  private readonly alertScore: number;
  private readonly cooldown: number;
  private quiet = 0;
  private levelScale = 0;
  private count = 0;

  constructor(options: AnomalyDetectorOptions = {}) {
    this.seasonMs = options.seasonMs ?? DAY;
    this.baselineWindow = options.baselineWindow ?? 5;
    this.alertScore = options.alertScore ?? 0.55;
    this.cooldown = options.cooldown ?? 25;
    const decay = Math.pow(0.5, 1 / (options.peakHalfLife ?? 3000));
    const size = options.scaleWindow ?? 1000;
    this.recentMemory = new ResidualMemory(size, decay);
    this.seasonalMemory = new ResidualMemory(size, decay);
    this.levelMemory = new ResidualMemory(size, decay);
  }

  /** Scores `value` observed at `timestamp` (ms), then learns from it. */
  update(timestamp: number, value: number): AnomalyPoint {
    const recentExpected = this.recent.length ? median(this.recent) : NaN;
    let seasonalExpected = NaN;
    if (this.seasonMs > 0) {
      const past: number[] = [];
      for (let k = 1; k <= 3; k++) {
        const v = this.history.get(timestamp - k * this.seasonMs);
        if (v !== undefined) past.push(v);
      }
      if (past.length >= 2) seasonalExpected = median(past);
    }
    const point = this.score(
      timestamp,
      value,
      recentExpected,
      seasonalExpected,
    );
    if (!Number.isFinite(value)) return point;

    // Learn from the value.
    this.levelMemory.push(value);
    if (Number.isFinite(recentExpected))
      this.recentMemory.push(value - recentExpected);
    if (Number.isFinite(seasonalExpected))
      this.seasonalMemory.push(value - seasonalExpected);
    this.recent.push(value);
    if (this.recent.length > this.baselineWindow) this.recent.shift();
    if (this.seasonMs > 0) {
      this.history.set(timestamp, value);
      this.order.push(timestamp);
      // Forget what is older than three seasons (a moving head, compacted now and then).
      while (
        this.head < this.order.length &&
        this.order[this.head] < timestamp - 3 * this.seasonMs
      ) {
        this.history.delete(this.order[this.head++]);
      }
      if (this.head > 4096) {
        this.order.splice(0, this.head);
        this.head = 0;
      }
    }
    return point;
  }

  private score(
    timestamp: number,
    value: number,
    recentExpected: number,
    seasonalExpected: number,
  ): AnomalyPoint {
    // A floor on the scale (1 % of the typical magnitude) so that a flat
    // line does not make the first rounding wiggle infinitely surprising.
    if (Number.isFinite(value)) {
      this.levelScale +=
        (Math.abs(value) - this.levelScale) / Math.min(++this.count, 1000);
    }
    const floor = Math.max(0.01 * this.levelScale, 1e-9);
    const baselines = [
      {
        expected: recentExpected,
        memory: this.recentMemory,
        baseline: 'recent' as const,
      },
      {
        expected: seasonalExpected,
        memory: this.seasonalMemory,
        baseline: 'seasonal' as const,
      },
    ].filter(b => Number.isFinite(b.expected) && b.memory.count >= 10);
    baselines.sort((a, b) => a.memory.scale - b.memory.scale);
    const best = baselines[0];
    if (!best || !Number.isFinite(value)) {
      return {
        timestamp,
        value,
        expected: Number.isFinite(recentExpected) ? recentExpected : value,
        z: 0,
        surprise: 0,
        score: 0,
        baseline: 'none',
      };
    }
    const residual = Math.abs(value - best.expected);
    const surprise = residual / Math.max(best.memory.peak, floor);
    let score = surpriseToScore(surprise);
    // The local baselines adapt within a few steps; a sustained excursion
    // beyond anything the long run has shown is scored against the median of
    // the last values themselves.
    if (this.levelMemory.count >= 10) {
      const level =
        Math.abs(value - this.levelMemory.median) /
        Math.max(this.levelMemory.peak, floor);
      score = Math.max(score, surpriseToScore(level));
    }
    if (this.quiet > 0) {
      this.quiet--;
      score = Math.min(score, 0.5);
    } else if (score >= this.alertScore) {
      this.quiet = this.cooldown;
    }
    return {
      timestamp,
      value,
      expected: best.expected,
      z: residual / Math.max(best.memory.scale, floor),
      surprise,
      score,
      baseline: best.baseline,
    };
  }
}

/**
 * Maps a surprise ratio to a score in [0, 1]: s² / (1 + s²); 0.5 when the
 * residual equals the largest recent one, never exactly 1 so scores stay
 * rankable.
 *
 * @public
 */
export function surpriseToScore(surprise: number): number {
  if (!(surprise > 0)) return 0;
  const r = surprise * surprise;
  return Number.isFinite(r) ? r / (1 + r) : 1;
}

/**
 * Scores a whole series with a fresh {@link OnlineAnomalyDetector}, in
 * timestamp order as given. Without a `seasonMs`, the season is a day for
 * data sampled more often than daily and a week for daily or coarser data
 * (same weekday the weeks before).
 *
 * @public
 */
export function scoreSeries(
  timestamps: ArrayLike<number>,
  values: ArrayLike<number>,
  options: AnomalyDetectorOptions = {},
): AnomalyPoint[] {
  let seasonMs = options.seasonMs;
  if (seasonMs === undefined) {
    const steps: number[] = [];
    for (let i = 1; i < timestamps.length; i++) {
      steps.push(timestamps[i] - timestamps[i - 1]);
    }
    steps.sort((a, b) => a - b);
    const step = steps.length ? steps[Math.floor(steps.length / 2)] : 0;
    seasonMs = step >= DAY ? 7 * DAY : DAY;
  }
  const detector = new OnlineAnomalyDetector({ ...options, seasonMs });
  return Array.from(values, (v, i) => detector.update(timestamps[i], v));
}
