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

import { DEFAULT_SLO, type ReplicaProfile, type SloSpec } from './model';
import {
  ClairvoyantPolicy,
  PredictivePolicy,
  ReactiveHpaPolicy,
  StaticPeakPolicy,
  type PredictiveOptions,
  type ReactiveHpaOptions,
} from './policies';
import {
  simulate,
  type ScalingPolicy,
  type SimulationResult,
} from './simulate';
import type { SimTrace } from './traces';

/**
 * The policies the simulator compares.
 *
 * @public
 */
export type PolicyName = 'static-peak' | 'reactive-hpa' | 'predictive';

/** @public */
export const POLICY_NAMES: readonly PolicyName[] = [
  'static-peak',
  'reactive-hpa',
  'predictive',
];

/**
 * Options of {@link comparePolicies}.
 *
 * @public
 */
export interface CompareOptions {
  profile: ReplicaProfile;
  policies?: readonly PolicyName[];
  slo?: SloSpec;
  /** Step, seconds (default 0.1 for request traces, 0.5 for hourly ones). */
  stepSeconds?: number;
  staticTargetUtilization?: number;
  hpa?: ReactiveHpaOptions;
  predictive?: PredictiveOptions;
  pue?: number;
  gCo2ePerKwh?: number;
  hourlyGCo2ePerKwh?: (hourIndex: number) => number | undefined;
}

/**
 * The three policies on one trace and how the predictive one compares.
 *
 * @public
 */
export interface PolicyComparison {
  trace: string;
  profile: string;
  results: SimulationResult[];
  /** Present when all three policies ran. */
  ratios?: {
    /** Predictive GPU-hours / static-peak GPU-hours (goal ≤ 0.7). */
    gpuHoursVsStatic: number;
    /** Predictive GPU-hours / reactive-HPA GPU-hours (goal ≤ 1). */
    gpuHoursVsHpa: number;
    /** Predictive minus reactive-HPA SLO-violation rate (goal ≤ 0). */
    sloViolationDeltaVsHpa: number;
    carbonVsStatic: number;
    carbonVsHpa: number;
  };
  goals?: {
    gpuHoursVsStatic: boolean;
    gpuHoursVsHpa: boolean;
    sloVsHpa: boolean;
  };
}

function replay(
  trace: SimTrace,
  options: CompareOptions,
  policy: ScalingPolicy,
): SimulationResult {
  return simulate({
    profile: options.profile,
    policy,
    requests: trace.requests,
    slo: options.slo ?? DEFAULT_SLO,
    stepSeconds: options.stepSeconds ?? (trace.kind === 'hourly' ? 0.5 : 0.1),
    pue: options.pue,
    gCo2ePerKwh: options.gCo2ePerKwh,
    hourlyGCo2ePerKwh: options.hourlyGCo2ePerKwh,
  });
}

/**
 * Replays one trace under each policy (static peak, reactive HPA,
 * predictive) with the same replica profile, SLO and carbon factors.
 *
 * @public
 */
export function comparePolicies(
  trace: SimTrace,
  options: CompareOptions,
): PolicyComparison {
  const names = options.policies ?? POLICY_NAMES;
  const results = names.map(name => {
    let policy: ScalingPolicy;
    if (name === 'static-peak')
      policy = new StaticPeakPolicy(options.staticTargetUtilization);
    else if (name === 'reactive-hpa')
      policy = new ReactiveHpaPolicy(options.hpa);
    else {
      const history = trace.history;
      policy = new PredictivePolicy({
        waitSeconds: (options.slo ?? DEFAULT_SLO).ttftSeconds,
        ...(history
          ? {
              forecastStepSeconds: history.stepSeconds,
              history: history.load(options.profile),
              refitSeconds: history.stepSeconds,
            }
          : {}),
        ...options.predictive,
      });
    }
    return replay(trace, options, policy);
  });
  const by = Object.fromEntries(results.map(r => [r.policy, r]));
  const s = by['static-peak'];
  const h = by['reactive-hpa'];
  const pr = by.predictive;
  const comparison: PolicyComparison = {
    trace: trace.name,
    profile: options.profile.name,
    results,
  };
  if (s && h && pr) {
    comparison.ratios = {
      gpuHoursVsStatic: pr.gpuHours / s.gpuHours,
      gpuHoursVsHpa: pr.gpuHours / h.gpuHours,
      sloViolationDeltaVsHpa: pr.slo.violationRate - h.slo.violationRate,
      carbonVsStatic: pr.carbon.totalKg / s.carbon.totalKg,
      carbonVsHpa: pr.carbon.totalKg / h.carbon.totalKg,
    };
    comparison.goals = {
      gpuHoursVsStatic: comparison.ratios.gpuHoursVsStatic <= 0.7,
      gpuHoursVsHpa: comparison.ratios.gpuHoursVsHpa <= 1,
      sloVsHpa: pr.slo.violationRate <= h.slo.violationRate,
    };
  }
  return comparison;
}

/**
 * Utilisations {@link clairvoyantReference} tries, highest (cheapest) first.
 *
 * @public
 */
export const CLAIRVOYANT_UTILIZATIONS: readonly number[] = [
  1, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5, 0.45, 0.4, 0.35,
  0.3, 0.25, 0.2,
];

/**
 * The outcome of {@link clairvoyantReference}.
 *
 * @public
 */
export interface ClairvoyantReference {
  /** The highest utilisation that kept the SLO-violation rate within the bound. */
  utilization: number;
  result: SimulationResult;
  /** Every utilisation tried, in order, with its GPU-hours and SLO-violation rate. */
  tried: Array<{
    utilization: number;
    gpuHours: number;
    violationRate: number;
  }>;
}

/**
 * The honest reference for a scaling policy on a trace: the cheapest
 * {@link ClairvoyantPolicy} (perfect per-minute foresight) whose
 * SLO-violation rate is at most `maxViolationRate`. Utilisations are tried
 * from the highest down and the first that keeps the bound wins (a lower
 * utilisation never runs fewer replicas); undefined when none does.
 *
 * @public
 */
export function clairvoyantReference(
  trace: SimTrace,
  options: CompareOptions & {
    maxViolationRate: number;
    utilizations?: readonly number[];
  },
): ClairvoyantReference | undefined {
  const tried: ClairvoyantReference['tried'] = [];
  for (const utilization of options.utilizations ?? CLAIRVOYANT_UTILIZATIONS) {
    const result = replay(
      trace,
      options,
      new ClairvoyantPolicy({ utilization }),
    );
    tried.push({
      utilization,
      gpuHours: result.gpuHours,
      violationRate: result.slo.violationRate,
    });
    if (result.slo.violationRate <= options.maxViolationRate + 1e-12) {
      return { utilization, result, tried };
    }
  }
  return undefined;
}
