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

import type {
  DimensionContribution,
  PriceUsageSplit,
} from '@ai-finops/backstage-plugin-finops-common';

/**
 * Which dimensions moved: given the expected and actual value of every
 * member of a dimension (they sum to the total), returns each member's
 * delta and share of the total delta, largest absolute delta first.
 *
 * @public
 */
export function attributeDelta(
  members: ReadonlyArray<{ key: string; expected: number; actual: number }>,
): DimensionContribution[] {
  const total = members.reduce((s, m) => s + (m.actual - m.expected), 0);
  return members
    .map(m => {
      const delta = m.actual - m.expected;
      return {
        key: m.key,
        expected: m.expected,
        actual: m.actual,
        delta,
        share: total !== 0 ? delta / total : 0,
      };
    })
    .sort(
      (a, b) =>
        Math.abs(b.delta) - Math.abs(a.delta) || (a.key < b.key ? -1 : 1),
    );
}

/**
 * Attributes the change of one anomalous step across per-dimension series:
 * each member's expected value is the mean of its values at the same phase
 * in the `cycles` seasons before (`season` steps apart; the step before when
 * `season` is 1), its actual the value at `index`.
 *
 * @public
 */
export function attributeSeriesDelta(
  series: Readonly<Record<string, ArrayLike<number>>>,
  index: number,
  options: { season?: number; cycles?: number } = {},
): DimensionContribution[] {
  const season = options.season ?? 1;
  const cycles = options.cycles ?? 3;
  return attributeDelta(
    Object.entries(series).map(([key, values]) => {
      let sum = 0;
      let n = 0;
      for (let k = 1; k <= cycles; k++) {
        const v = values[index - k * season];
        if (index - k * season >= 0 && Number.isFinite(v)) {
          sum += v;
          n++;
        }
      }
      const actual = Number.isFinite(values[index]) ? values[index] : 0;
      return { key, expected: n ? sum / n : 0, actual };
    }),
  );
}

/**
 * Splits a cost change into price and usage effects when both cost and
 * quantity are known (a price-list change versus a usage change). Uses the
 * symmetric (midpoint, Shapley) split, so the two effects add up exactly:
 * price effect = Δp · (q₀ + q₁) / 2, usage effect = Δq · (p₀ + p₁) / 2.
 *
 * @public
 */
export function splitPriceUsage(
  before: { cost: number; quantity: number },
  after: { cost: number; quantity: number },
): PriceUsageSplit {
  const p0 = before.quantity ? before.cost / before.quantity : 0;
  const p1 = after.quantity ? after.cost / after.quantity : 0;
  // Without a quantity on one side its unit price is unknown: take the other's.
  const price0 = before.quantity ? p0 : p1;
  const price1 = after.quantity ? p1 : p0;
  const priceEffect =
    ((price1 - price0) * (before.quantity + after.quantity)) / 2;
  const usageEffect =
    ((after.quantity - before.quantity) * (price0 + price1)) / 2;
  const delta = after.cost - before.cost;
  const total = Math.abs(priceEffect) + Math.abs(usageEffect);
  let driver: PriceUsageSplit['driver'] = 'both';
  if (total > 0 && Math.abs(priceEffect) / total >= 0.7) driver = 'price';
  if (total > 0 && Math.abs(usageEffect) / total >= 0.7) driver = 'usage';
  return {
    delta,
    priceEffect,
    usageEffect,
    unitPriceBefore: price0,
    unitPriceAfter: price1,
    driver,
  };
}
