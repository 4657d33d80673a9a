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

import type { CostAnomalySeverity } from '@ai-finops/backstage-plugin-finops-common';

import { forecast, type ForecastOptions } from '../forecast/forecast';

/**
 * Thresholds of {@link classifyCostAnomaly}.
 *
 * @public
 */
export interface CostAnomalyThresholds {
  /** Smallest dollar impact (actual − expected) worth an alert (default 1). */
  dollarFloor?: number;
  /** % over expected from which an anomaly is major (default 20). */
  majorPercent?: number;
  /** % over expected from which an anomaly is critical (default 50). */
  criticalPercent?: number;
}

/**
 * A cost that came in over its expected band.
 *
 * @public
 */
export interface CostAnomaly {
  timestamp: number;
  actual: number;
  expected: number;
  /** Upper bound of the expected band the actual exceeded. */
  upper: number;
  /** Dollar impact: actual − expected. */
  impact: number;
  /** (actual − expected) / expected × 100; Infinity when nothing was expected. */
  percentOver: number;
  severity: CostAnomalySeverity;
}

/**
 * The alert rule for one cost observation: an anomaly when the actual is
 * above the upper band of its expected value AND the dollar impact is at
 * least the floor; graded by the percentage over expected. Undefined when
 * it is not an anomaly. Costs under the band are savings, not anomalies.
 *
 * @public
 */
export function classifyCostAnomaly(
  observation: {
    timestamp: number;
    actual: number;
    expected: number;
    upper: number;
  },
  thresholds: CostAnomalyThresholds = {},
): CostAnomaly | undefined {
  const { timestamp, actual, expected, upper } = observation;
  const floor = thresholds.dollarFloor ?? 1;
  const impact = actual - expected;
  if (!(actual > upper) || !(impact >= floor)) return undefined;
  const percentOver = expected > 0 ? (impact / expected) * 100 : Infinity;
  let severity: CostAnomalySeverity = 'minor';
  if (percentOver >= (thresholds.criticalPercent ?? 50)) severity = 'critical';
  else if (percentOver >= (thresholds.majorPercent ?? 20)) severity = 'major';
  return { timestamp, actual, expected, upper, impact, percentOver, severity };
}

/**
 * Options of {@link detectCostAnomalies}.
 *
 * @public
 */
export interface DetectCostAnomaliesOptions extends CostAnomalyThresholds {
  /** Sampling step in ms (default: the median spacing of the timestamps). */
  stepMs?: number;
  /** Steps forecast from each origin, and so between refits (default 24). */
  refitEvery?: number;
  /** Observations needed before the first judgement (default 2 × refitEvery). */
  warmUp?: number;
  /** Passed to {@link forecast} (seasons, level, …). */
  forecast?: Omit<ForecastOptions, 'horizon' | 'stepMs'>;
}

/**
 * Causal cost-anomaly detection: every `refitEvery` steps the engine's
 * forecast is made from the costs before that point, and each of the next
 * steps is judged against its 80 % band with {@link classifyCostAnomaly}.
 * A step is judged only by a forecast that did not see it.
 *
 * @public
 */
export function detectCostAnomalies(
  timestamps: ArrayLike<number>,
  costs: ArrayLike<number>,
  options: DetectCostAnomaliesOptions = {},
): CostAnomaly[] {
  const n = costs.length;
  const every = options.refitEvery ?? 24;
  const warmUp = options.warmUp ?? 2 * every;
  const stepMs = options.stepMs ?? medianStep(timestamps);
  const out: CostAnomaly[] = [];
  const history = Array.from(costs);
  for (let origin = warmUp; origin < n; origin += every) {
    const h = Math.min(every, n - origin);
    const f = forecast(history.slice(0, origin), {
      ...options.forecast,
      horizon: h,
      stepMs,
    });
    for (let j = 0; j < h; j++) {
      const anomaly = classifyCostAnomaly(
        {
          timestamp: timestamps[origin + j],
          actual: history[origin + j],
          expected: f.mean[j],
          upper: f.upper[j],
        },
        options,
      );
      if (anomaly) out.push(anomaly);
    }
  }
  return out;
}

function medianStep(timestamps: ArrayLike<number>): number {
  const steps: number[] = [];
  for (let i = 1; i < timestamps.length; i++)
    steps.push(timestamps[i] - timestamps[i - 1]);
  steps.sort((a, b) => a - b);
  return steps.length ? steps[Math.floor(steps.length / 2)] : NaN;
}
