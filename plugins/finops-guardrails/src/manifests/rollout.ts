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

import { InputError } from '@backstage/errors';
import { catalogGpuPrice, type GpuPriceLookup } from '../estimate/prices';

/**
 * How an inference service rolls out a new version: a plain Deployment
 * (rolling update) or an Argo Rollouts canary that aborts when the canary's
 * cost per token or latency is worse than the stable's.
 *
 * @public
 */
export interface InferenceServiceRollout {
  /** Default `deployment`. */
  strategy?: 'deployment' | 'canary';
  /** Canary weights (percent of the replicas), one analysis after each. Default `[10, 50]`. */
  canaryWeights?: number[];
  /** Minutes of traffic before each analysis. Default 10. */
  pauseMinutes?: number;
  /** Abort when the canary's $ per 1M tokens exceeds the stable's by more than this. Default 10. */
  maxCostPerMillionTokensIncreasePercent?: number;
  /** Abort when the canary's p95 end-to-end latency exceeds this; default the service's `latencySloMs`. */
  latencySloMs?: number;
  /** USD per GPU-hour; default the embedded list price of the GPU model (in the region). */
  gpuHourPriceUsd?: number;
}

/** The parts of an `InferenceServiceSpec` the canary needs. */
interface CanarySpecFields {
  name: string;
  runtime: string;
  gpuType: string;
  gpuCount: number;
  migProfile?: string;
  region?: string;
  latencySloMs?: number;
  prometheusUrl?: string;
  rollout?: InferenceServiceRollout;
}

/** Label Argo Rollouts puts on the pods of each revision. */
export const ROLLOUT_POD_TEMPLATE_HASH_LABEL = 'rollouts-pod-template-hash';
/** The same label on scraped series, as the Prometheus Operator sanitises it. */
const HASH_SERIES_LABEL = 'rollouts_pod_template_hash';

const DEFAULT_PROMETHEUS = 'http://prometheus-operated.monitoring.svc:9090';
const MAX_STEPS = 10;
/** The rate window of every analysis query. */
const RATE_WINDOW = '5m';

/** True when the spec asks for an Argo Rollouts canary. */
export function isCanary(spec: CanarySpecFields): boolean {
  return spec.rollout?.strategy === 'canary';
}

interface CanarySettings {
  weights: number[];
  pauseMinutes: number;
  maxIncreasePercent: number;
  latencySloMs?: number;
  podHourUsd: number;
}

function canarySettings(
  spec: CanarySpecFields,
  gpuPrice: GpuPriceLookup,
): CanarySettings {
  const r = spec.rollout!;
  const bad = (field: string, why: string) =>
    new InputError(`input.rollout.${field}: ${why}`);
  if (spec.runtime !== 'vllm') {
    throw bad(
      'strategy',
      `a canary needs the vllm runtime (its token and latency metrics); '${spec.runtime}' has none`,
    );
  }
  const weights = r.canaryWeights ?? [10, 50];
  if (weights.length < 1 || weights.length > MAX_STEPS) {
    throw bad('canaryWeights', `give 1 to ${MAX_STEPS} weights`);
  }
  weights.forEach((w, i) => {
    if (!Number.isInteger(w) || w < 1 || w > 99) {
      throw bad(`canaryWeights[${i}]`, `${w} is not a whole percent 1–99`);
    }
    if (i > 0 && w <= weights[i - 1]) {
      throw bad(`canaryWeights[${i}]`, `${w} must exceed the weight before it`);
    }
  });
  const pauseMinutes = r.pauseMinutes ?? 10;
  if (
    !Number.isInteger(pauseMinutes) ||
    pauseMinutes < 1 ||
    pauseMinutes > 1440
  ) {
    throw bad('pauseMinutes', `${pauseMinutes} is not a whole number 1–1440`);
  }
  const maxIncreasePercent = r.maxCostPerMillionTokensIncreasePercent ?? 10;
  if (
    !Number.isFinite(maxIncreasePercent) ||
    maxIncreasePercent < 0 ||
    maxIncreasePercent > 1000
  ) {
    throw bad(
      'maxCostPerMillionTokensIncreasePercent',
      `${maxIncreasePercent} is not a percentage 0–1000`,
    );
  }
  const latencySloMs = r.latencySloMs ?? spec.latencySloMs;
  if (
    latencySloMs !== undefined &&
    !(Number.isFinite(latencySloMs) && latencySloMs > 0)
  ) {
    throw bad('latencySloMs', `${latencySloMs} is not a number of ms > 0`);
  }
  let gpuHourUsd = r.gpuHourPriceUsd;
  if (gpuHourUsd === undefined) {
    const model = spec.gpuType.replace(/-MIG-.*$/i, '');
    gpuHourUsd = gpuPrice(model, { region: spec.region })?.usdPerGpuHour;
    if (gpuHourUsd === undefined) {
      throw bad('gpuHourPriceUsd', `no price for '${spec.gpuType}': give one`);
    }
  } else if (!(Number.isFinite(gpuHourUsd) && gpuHourUsd > 0)) {
    throw bad('gpuHourPriceUsd', `${gpuHourUsd} is not a price > 0`);
  }
  // A MIG slice costs its share of the GPU (7 compute slices; A30 has 4).
  const gpusPerPod = spec.migProfile
    ? 1 / (/A30/i.test(spec.gpuType) ? 4 : 7)
    : spec.gpuCount;
  return {
    weights,
    pauseMinutes,
    maxIncreasePercent,
    latencySloMs,
    podHourUsd: gpuHourUsd * gpusPerPod,
  };
}

/** Shortest decimal form of a number for PromQL and conditions. */
const num = (n: number) => String(Number(n.toPrecision(12)));

/**
 * The PromQL of the analysis. `hashArg` is the analysis argument holding a
 * revision's pod-template hash. Cost per 1M tokens of a revision:
 *
 *   pods × USD per pod-hour / 3600   (USD per second of its GPUs)
 *   ÷ (prompt + generated tokens per second) × 1e6
 */
export function canaryQueries(name: string, podHourUsd: number) {
  const selector = (hashArg: string) =>
    `namespace="{{args.namespace}}",model_name="${name}",${HASH_SERIES_LABEL}="{{args.${hashArg}}}"`;
  const usdPerMillionTokens = (hashArg: string) => {
    const s = selector(hashArg);
    return (
      `(count(count by (pod) (vllm:generation_tokens_total{${s}})) * ${num(
        podHourUsd,
      )} / 3600 * 1e6)` +
      ` / (sum(rate(vllm:prompt_tokens_total{${s}}[${RATE_WINDOW}])) + sum(rate(vllm:generation_tokens_total{${s}}[${RATE_WINDOW}])))`
    );
  };
  return {
    canaryUsdPerMillionTokens: usdPerMillionTokens('canary-hash'),
    stableUsdPerMillionTokens: usdPerMillionTokens('stable-hash'),
    costRatio: `(${usdPerMillionTokens(
      'canary-hash',
    )}) / (${usdPerMillionTokens('stable-hash')})`,
    canaryP95Seconds: `histogram_quantile(0.95, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket{${selector(
      'canary-hash',
    )}}[${RATE_WINDOW}])))`,
  };
}

/** The analysis template's name for a service. */
const analysisName = (name: string) => `${name}-cost-per-token`;

function analysisTemplate(spec: CanarySpecFields, s: CanarySettings) {
  const q = canaryQueries(spec.name, s.podHourUsd);
  const address = spec.prometheusUrl ?? DEFAULT_PROMETHEUS;
  const measured = {
    interval: `${Math.max(1, Math.floor(s.pauseMinutes / 3))}m`,
    count: 3,
    failureLimit: 1,
    // Three errors in a row (no canary series: `result[0]` of an empty
    // result) end the run in Error, which aborts the rollout too.
    consecutiveErrorLimit: 2,
  };
  const maxRatio = num(1 + s.maxIncreasePercent / 100);
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: analysisName(spec.name), labels: { app: spec.name } },
    spec: {
      args: [
        { name: 'namespace' },
        { name: 'canary-hash' },
        { name: 'stable-hash' },
      ],
      // The absolute figures, recorded in the AnalysisRun but never failing it.
      dryRun: [
        { metricName: 'canary-usd-per-million-tokens' },
        { metricName: 'stable-usd-per-million-tokens' },
      ],
      metrics: [
        {
          name: 'cost-per-million-tokens-ratio',
          ...measured,
          successCondition: `result[0] <= ${maxRatio}`,
          provider: { prometheus: { address, query: q.costRatio } },
        },
        ...(s.latencySloMs !== undefined
          ? [
              {
                name: 'p95-latency-seconds',
                ...measured,
                successCondition: `result[0] <= ${num(s.latencySloMs / 1000)}`,
                provider: {
                  prometheus: { address, query: q.canaryP95Seconds },
                },
              },
            ]
          : []),
        {
          name: 'canary-usd-per-million-tokens',
          ...measured,
          successCondition: 'result[0] >= 0',
          provider: {
            prometheus: { address, query: q.canaryUsdPerMillionTokens },
          },
        },
        {
          name: 'stable-usd-per-million-tokens',
          ...measured,
          successCondition: 'result[0] >= 0',
          provider: {
            prometheus: { address, query: q.stableUsdPerMillionTokens },
          },
        },
      ],
    },
  };
}

function canarySteps(spec: CanarySpecFields, s: CanarySettings) {
  const analysis = {
    templates: [{ templateName: analysisName(spec.name) }],
    args: [
      {
        name: 'namespace',
        valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
      },
      {
        name: 'canary-hash',
        valueFrom: { podTemplateHashValue: 'Latest' },
      },
      {
        name: 'stable-hash',
        valueFrom: { podTemplateHashValue: 'Stable' },
      },
    ],
  };
  return s.weights.flatMap(weight => [
    { setWeight: weight },
    { pause: { duration: `${s.pauseMinutes}m` } },
    { analysis },
  ]);
}

/**
 * Turns the rendered Deployment of a vLLM service into an Argo Rollouts
 * canary (no traffic router: the weight is the share of replicas) and adds
 * its AnalysisTemplate; the ServiceMonitor copies the pod-template hash onto
 * the scraped series so that the analysis can tell canary from stable.
 * Changes `base` in place and returns the new workload file and kind.
 */
export function applyCanaryRollout(
  base: Record<string, unknown>,
  deploymentFile: string,
  spec: CanarySpecFields,
  gpuPrice: GpuPriceLookup = catalogGpuPrice(),
): { workloadFile: string; workloadKind: 'Rollout' } {
  const settings = canarySettings(spec, gpuPrice);
  const deployment = base[deploymentFile] as Record<string, any>;
  delete base[deploymentFile];
  const rolloutFile = 'base/rollout.yaml';
  base[rolloutFile] = {
    ...deployment,
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    spec: {
      ...deployment.spec,
      strategy: { canary: { steps: canarySteps(spec, settings) } },
    },
  };
  base['base/analysistemplate.yaml'] = analysisTemplate(spec, settings);
  const monitor = base['base/servicemonitor.yaml'] as Record<string, any>;
  if (monitor) {
    monitor.spec.podTargetLabels = [ROLLOUT_POD_TEMPLATE_HASH_LABEL];
  }
  return { workloadFile: rolloutFile, workloadKind: 'Rollout' };
}

/**
 * The pod-template labels of an overlay's patch of a Rollout. Kustomize's
 * `labels` (`includeTemplates`) reaches the pod templates of the built-in
 * kinds only: without Argo Rollouts' transformer configuration a Rollout's
 * pods would miss them, so the patch sets them.
 */
export function rolloutTemplatePatch(
  workloadKind: string,
  labels: Record<string, string>,
) {
  return workloadKind === 'Rollout'
    ? { template: { metadata: { labels } } }
    : {};
}

/** apiVersion and kind of the workload an autoscaler scales. */
export function scaleTargetOf(spec: CanarySpecFields, name: string) {
  return isCanary(spec)
    ? { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name }
    : { apiVersion: 'apps/v1', kind: 'Deployment', name };
}

/** The group and kind whose replicas the autoscaler owns, for Argo CD. */
export function replicasOwnedByAutoscaler(spec: CanarySpecFields) {
  return isCanary(spec)
    ? { group: 'argoproj.io', kind: 'Rollout' }
    : { group: 'apps', kind: 'Deployment' };
}

/**
 * The rollout of the inference-service template form (`rolloutStrategy`,
 * `canaryWeights`, `canaryPauseMinutes`, `canaryMaxCostIncreasePercent`),
 * for the live cost preview; the renderer checks the values' ranges.
 *
 * @public
 */
export function rolloutFromFormValues(
  values: Record<string, unknown>,
): InferenceServiceRollout | undefined {
  const strategy = values.rolloutStrategy;
  if (strategy === undefined || strategy === null || strategy === '') {
    return undefined;
  }
  if (strategy !== 'deployment' && strategy !== 'canary') {
    throw new InputError(
      `Field 'rolloutStrategy': '${String(
        strategy,
      )}' is not one of deployment, canary`,
    );
  }
  const number = (field: string) => {
    const v = values[field];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'number') {
      throw new InputError(`Field '${field}' must be a number`);
    }
    return v;
  };
  const weights = values.canaryWeights;
  if (
    weights !== undefined &&
    (!Array.isArray(weights) ||
      weights.length > MAX_STEPS ||
      weights.some(w => typeof w !== 'number'))
  ) {
    throw new InputError(
      `Field 'canaryWeights' must be a list of at most ${MAX_STEPS} numbers`,
    );
  }
  return {
    strategy,
    canaryWeights: weights as number[] | undefined,
    pauseMinutes: number('canaryPauseMinutes'),
    maxCostPerMillionTokensIncreasePercent: number(
      'canaryMaxCostIncreasePercent',
    ),
  };
}
