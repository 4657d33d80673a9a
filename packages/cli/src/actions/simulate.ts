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

import {
  gridEmissionFactor,
  PROVIDER_PUE,
} from '@ai-finops/backstage-plugin-finops-engine';
import {
  comparePolicies,
  POLICY_NAMES,
  readAzureLlmTrace,
  readMooncakeTrace,
  readTrace,
  REPLICA_PROFILES,
  type PolicyComparison,
  type PolicyName,
} from '@ai-finops/backstage-plugin-finops-engine';
import { InputError } from '@backstage/errors';
import {
  checkGeneratedRequests,
  checkPredictiveFits,
  checkSimulationSteps,
  numberOption,
  SIMULATE_OPTION_LIMITS as LIMITS,
} from './limitsInput';

const CSV_COLUMNS = [
  'trace',
  'policy',
  'replica',
  'requests',
  'gpu_hours',
  'cost_usd',
  'mean_replicas',
  'max_replicas',
  'slo_violation_rate',
  'request_violation_rate',
  'p95_ttft_s',
  'p95_tpot_s',
  'energy_kwh',
  'carbon_kg',
  'gco2e_per_1m_tokens',
  'cost_per_1m_tokens',
] as const;

function optional(
  flag: string,
  text: string | undefined,
  limits: Parameters<typeof numberOption>[2],
): number | undefined {
  return text === undefined ? undefined : numberOption(flag, text, limits);
}

/** Parses `--policy all|name[,name]`. */
export function parsePolicies(text: string): PolicyName[] {
  if (text.trim() === 'all') return [...POLICY_NAMES];
  const names = text.split(',').map(s => s.trim());
  const unknown = names.filter(n => !POLICY_NAMES.includes(n as PolicyName));
  if (unknown.length || !names.length) {
    throw new InputError(
      `--policy: unknown policy '${
        unknown.join(',') || text
      }' (choose all or ${POLICY_NAMES.join(', ')})`,
    );
  }
  return names as PolicyName[];
}

const round = (v: number, digits = 6) =>
  Number.isFinite(v) ? String(Number(v.toFixed(digits))) : '';

/** The comparison as CSV rows, one per policy. */
export function simulationCsv(c: PolicyComparison): string {
  const lines: string[] = [CSV_COLUMNS.join(',')];
  for (const r of c.results) {
    lines.push(
      [
        c.trace,
        r.policy,
        r.profile,
        String(r.requests),
        round(r.gpuHours, 4),
        round(r.cost, 2),
        round(r.meanReplicas, 3),
        String(r.maxReplicas),
        round(r.slo.violationRate, 4),
        round(r.slo.requestViolationRate, 4),
        round(r.slo.p95TtftSeconds, 3),
        round(r.slo.p95TpotSeconds, 4),
        round(r.energyKwh, 3),
        round(r.carbon.totalKg, 4),
        round(r.carbon.gCo2ePerMillionTokens, 2),
        round(r.costPerMillionTokens, 4),
      ]
        .map(f => (/[",\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f))
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The options of `ai-finops simulate`, as commander parses them. */
export interface SimulateOptions {
  trace: string;
  policy: string;
  replica: string;
  gpuPrice?: string;
  startup?: string;
  hours: string;
  meanRps: string;
  tokenMix?: string;
  step?: string;
  gridIntensity?: string;
  pue?: string;
  format: 'csv' | 'json';
}

/**
 * `ai-finops simulate --trace F [--policy all|…] [--replica P] --format csv|json`:
 * prints the comparison on stdout and, with all three policies, the ratios on stderr.
 */
export async function runSimulate(options: SimulateOptions) {
  const policies = parsePolicies(options.policy);
  const hours = numberOption('--hours', options.hours, LIMITS.hours);
  const pue = optional('--pue', options.pue, LIMITS.pue) ?? PROVIDER_PUE.aws;
  const meanRps = optional('--mean-rps', options.meanRps, LIMITS.meanRps);
  const step = optional('--step', options.step, LIMITS.step);
  checkGeneratedRequests(options.meanRps, meanRps, hours);
  const gridIntensity = optional(
    '--grid-intensity',
    options.gridIntensity,
    LIMITS.gridIntensity,
  );
  const profile = {
    ...REPLICA_PROFILES[options.replica],
    ...(options.gpuPrice !== undefined
      ? {
          usdPerGpuHour: numberOption(
            '--gpu-price',
            options.gpuPrice,
            LIMITS.gpuPrice,
          ),
        }
      : {}),
    ...(options.startup !== undefined
      ? {
          startupSeconds: numberOption(
            '--startup',
            options.startup,
            LIMITS.startup,
          ),
        }
      : {}),
  };
  let tokenMix;
  if (options.tokenMix) {
    const mix = /\.jsonl$/i.test(options.tokenMix)
      ? readMooncakeTrace(options.tokenMix)
      : readAzureLlmTrace(options.tokenMix);
    tokenMix = [...mix.requests()];
  }
  const trace = readTrace(options.trace, {
    hours,
    meanRequestsPerSecond: meanRps,
    tokenMix,
  });
  const stepSeconds = step ?? (trace.kind === 'hourly' ? 0.5 : 0.1);
  checkSimulationSteps(options.step, stepSeconds, trace.spanSeconds);
  checkPredictiveFits(options.policy, policies, trace.kind, trace.spanSeconds);
  const comparison = comparePolicies(trace, {
    profile,
    policies,
    stepSeconds,
    pue,
    gCo2ePerKwh:
      gridIntensity ?? gridEmissionFactor('aws', 'us-east-1').gCo2ePerKwh,
  });
  if (options.format === 'json') {
    process.stdout.write(`${JSON.stringify(comparison, null, 2)}\n`);
  } else {
    process.stdout.write(simulationCsv(comparison));
  }
  if (comparison.ratios) {
    const r = comparison.ratios;
    process.stderr.write(
      `${trace.name}: predictive GPU-hours ${r.gpuHoursVsStatic.toFixed(
        3,
      )}× static peak, ${r.gpuHoursVsHpa.toFixed(
        3,
      )}× reactive HPA; SLO-violation rate ${(
        r.sloViolationDeltaVsHpa * 100
      ).toFixed(1)} points vs HPA\n`,
    );
  }
}
