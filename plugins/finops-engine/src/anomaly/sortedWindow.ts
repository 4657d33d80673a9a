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
 * by binary searches and one block move a value instead of a sort.
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
    const n = this.filled;
    const oldest = this.ring[this.next];
    this.ring[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
    // After any entries equal to it (which ones does not matter).
    const insert = this.firstAfter(value, n);
    if (n < this.capacity) {
      this.filled++;
      a.copyWithin(insert + 1, insert, n);
      a[insert] = value;
      return;
    }
    // Full: the entries between the oldest value (the first entry with its
    // bits) and the new one's place move one step towards the gap it leaves.
    const remove = this.firstNotBefore(oldest, n);
    if (insert > remove) {
      a.copyWithin(remove, remove + 1, insert);
      a[insert - 1] = value;
    } else {
      a.copyWithin(insert + 1, insert, remove);
      a[insert] = value;
    }
  }

  private firstAfter(value: number, n: number) {
    const a = this.ascending;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(value, a[mid])) hi = mid;
      else lo = mid + 1;
    }
    return lo;
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
 * The median of |x − center| over the ascending values `sorted`: the same
 * number as sorting those deviations and taking sortedQuantile(…, 0.5), in
 * logarithmic time. The deviations grow away from `center` on both sides of
 * it: two ascending runs (leftwards and rightwards from it), and the middle
 * order statistics of their union are found by a binary search on how many
 * of them come from the left run. Sorts a copy when `center` or a value is
 * NaN.
 */
export function medianOfDeviations(
  sorted: Float64Array,
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
    // The runs: left[i] = |sorted[split - 1 - i] − center| (i < split) and
    // right[j] = |sorted[split + j] − center| (j < n − split).
    let split = 0;
    let end = n;
    while (split < end) {
      const mid = (split + end) >> 1;
      if (sorted[mid] < center) split = mid + 1;
      else end = mid;
    }
    const left = (i: number) => Math.abs(sorted[split - 1 - i] - center);
    const right = (j: number) => Math.abs(sorted[split + j] - center);
    // The lo + 1 smallest deviations: the first i of the left run and the
    // first lo + 1 − i of the right one, for the smallest i whose next
    // left deviation is no smaller than the last right one taken.
    const taken = lo + 1;
    let i = Math.max(0, taken - (n - split));
    let iEnd = Math.min(taken, split);
    while (i < iEnd) {
      const mid = (i + iEnd) >> 1;
      if (left(mid) < right(taken - mid - 1)) i = mid + 1;
      else iEnd = mid;
    }
    const j = taken - i;
    // Order statistic lo: the largest taken; lo + 1: the smallest not taken.
    const lastLeft = i > 0 ? left(i - 1) : -Infinity;
    const lastRight = j > 0 ? right(j - 1) : -Infinity;
    low = lastLeft > lastRight ? lastLeft : lastRight;
    if (hi === lo) {
      high = low;
    } else {
      const nextLeft = i < split ? left(i) : Infinity;
      const nextRight = j < n - split ? right(j) : Infinity;
      high = nextLeft < nextRight ? nextLeft : nextRight;
    }
  } else {
    const deviations = Float64Array.from(sorted, v => Math.abs(v - center));
    deviations.sort();
    low = deviations[lo];
    high = deviations[hi];
  }
  return low + (high - low) * (pos - lo);
}
