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
 * Whether `a` comes before `b` in the order of Float64Array.prototype.sort:
 * ascending, -0 before +0, NaN last.
 */
function before(a: number, b: number): boolean {
  if (a < b) return true;
  if (a > b) return false;
  if (a === b) return a === 0 && 1 / a < 0 && 1 / b > 0;
  return !Number.isNaN(a) && Number.isNaN(b);
}

/**
 * The last `capacity` values of a stream, in a ring (arrival order) and in
 * ascending order (`sorted`, the first `size` entries): the same array as
 * sorting the ring's values with Float64Array.prototype.sort, kept up to date
 * by a binary search and a block move a value instead of a sort.
 */
export class SortedWindow {
  private readonly ring: Float64Array;
  private readonly ascending: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(private readonly capacity: number) {
    this.ring = new Float64Array(capacity);
    this.ascending = new Float64Array(capacity);
  }

  /** Values held: `capacity` once that many have been pushed. */
  get size() {
    return this.filled;
  }

  /** The values held, ascending (a view: valid until the next push). */
  get sorted(): Float64Array {
    return this.ascending.subarray(0, this.filled);
  }

  /** Adds `value`, dropping the oldest one when full. */
  push(value: number) {
    const a = this.ascending;
    let n = this.filled;
    if (n === this.capacity) {
      // The first entry not before the oldest value is one with its bits.
      const at = this.firstNotBefore(this.ring[this.next], n);
      a.copyWithin(at, at + 1, n);
      n--;
    } else {
      this.filled++;
    }
    this.ring[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
    // Insert after any entries equal to it (which ones does not matter).
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(value, a[mid])) hi = mid;
      else lo = mid + 1;
    }
    a.copyWithin(lo + 1, lo, n);
    a[lo] = value;
  }

  private firstNotBefore(value: number, n: number) {
    const a = this.ascending;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(a[mid], value)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * The median of `deviations`, where deviations[i] = |sorted[i] − center| and
 * `sorted` is ascending: the same number as sorting the deviations and
 * taking sortedQuantile(…, 0.5), in linear time. The deviations fall away
 * from `center` on both sides of it, so the two ascending runs (leftwards
 * from it, rightwards from it) are merged up to the middle. Falls back to
 * sorting `deviations` (in place) when `center` or a value is NaN.
 */
export function medianOfDeviations(
  sorted: Float64Array,
  deviations: Float64Array,
  center: number,
): number {
  const n = sorted.length;
  if (!n) return NaN;
  const pos = 0.5 * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  let low: number;
  let high: number;
  if (Number.isFinite(center) && !Number.isNaN(sorted[n - 1])) {
    // First index at or right of center.
    let right = 0;
    let end = n;
    while (right < end) {
      const mid = (right + end) >> 1;
      if (sorted[mid] < center) right = mid + 1;
      else end = mid;
    }
    let left = right - 1;
    low = NaN;
    high = NaN;
    for (let rank = 0; rank <= hi; rank++) {
      high =
        right >= n || (left >= 0 && deviations[left] <= deviations[right])
          ? deviations[left--]
          : deviations[right++];
      if (rank === lo) low = high;
    }
  } else {
    deviations.sort();
    low = deviations[lo];
    high = deviations[hi];
  }
  return low + (high - low) * (pos - lo);
}
