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
 * The bounds of the simulator's input: each one caps the time or memory a
 * replay may take. Anything past them is refused with an InputError or a
 * RangeError that names the value and the limit.
 *
 * @public
 */
export const SIMULATION_LIMITS = {
  /** Bytes of a trace file read (256 MiB). */
  maxTraceBytes: 256 * 1024 * 1024,
  /** Requests in a trace, read or generated from an hourly series. */
  maxRequests: 10_000_000,
  /** Tokens of a request's input or output (a 10M-token context is far past any model's). */
  maxTokensPerRequest: 10_000_000,
  /** Seconds from the first to the last arrival (366 days). */
  maxSpanSeconds: 366 * 86_400,
  /** Hours of an hourly series replayed (31 days: the predictive policy refits its forecast every hour, ~0.1 s each). */
  maxHours: 31 * 24,
  /** Mean requests per second of a replayed hourly series. */
  maxMeanRequestsPerSecond: 10_000,
  /** Smallest simulation step, seconds. */
  minStepSeconds: 0.001,
  /** Largest simulation step, seconds. */
  maxStepSeconds: 60,
  /** Simulation steps of one replay ((span + drain) / step). */
  maxSteps: 10_000_000,
  /** Forecast refits of the predictive policy in one replay (a week of one-minute refits). */
  maxForecastFits: 10_080,
} as const;

/** `1234567` → `1,234,567`. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
