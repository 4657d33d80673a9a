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
import {
  FINOPS_GPU_MODEL_ANNOTATION,
  FINOPS_MONTHLY_BUDGET_ANNOTATION,
  FINOPS_REGION_ANNOTATION,
} from '@ai-finops/backstage-plugin-finops-common';
import { isClusterScopedKind } from '../policy/kustomize';
import {
  describeLocation,
  describeObject,
  type KubernetesObject,
  type ManifestObject,
} from '../policy/manifests';
import { Quantity } from '../policy/quantity';
import {
  catalogGpuPrice,
  knownGpuModels,
  withPriceOverrides,
  type GpuPriceLookup,
  type PriceOverrides,
} from './prices';

/**
 * Hours in the estimator's month, as Infracost and the cloud price pages use.
 *
 * @public
 */
export const HOURS_PER_MONTH = 730;

/**
 * The throughput a service is expected to serve, averaged over the month, in
 * tokens per second (input plus output) for the whole service, not per
 * replica. Set on the workload (or its pod template); the estimate turns it
 * into dollars per million tokens. The inference-service template sets it
 * from its "expected tokens per second" parameter.
 *
 * @public
 */
export const FINOPS_EXPECTED_TOKENS_PER_SECOND_ANNOTATION =
  'ai-finops.io/expected-tokens-per-second';

/**
 * The request rate a service is expected to serve, averaged over the month,
 * in requests per second for the whole service; gives dollars per 1,000
 * requests.
 *
 * @public
 */
export const FINOPS_EXPECTED_REQUESTS_PER_SECOND_ANNOTATION =
  'ai-finops.io/expected-requests-per-second';

/**
 * The GPU Feature Discovery label naming a node's GPU model.
 *
 * @public
 */
export const GPU_PRODUCT_LABEL = 'nvidia.com/gpu.product';
const REGION_LABEL = 'topology.kubernetes.io/region';

/**
 * The estimated cost of one workload.
 *
 * @public
 */
export interface WorkloadEstimate {
  kind: string;
  name: string;
  namespace?: string;
  /** The service the workload belongs to: its `app` label (or name). */
  service: string;
  /** `file:line` of the workload (and the kustomization that rendered it). */
  location: string;
  file: string;
  line: number;
  /** The kustomization that rendered the workload (`overlays/prod`). */
  kustomization?: string;
  minReplicas: number;
  maxReplicas: number;
  /** What set the replicas: `spec.replicas`, `HorizontalPodAutoscaler chat`, … */
  replicasFrom: string;
  gpuModel?: string;
  /** Where the GPU model came from (`nodeSelector nvidia.com/gpu.product`, …). */
  gpuModelFrom?: string;
  /** GPU resources per replica as requested, e.g. `{ 'nvidia.com/gpu': 2 }`. */
  gpuResources: Record<string, number>;
  /** Whole-GPU equivalents per replica (a MIG 1g slice of 7 counts 1/7). */
  gpusPerReplica: number;
  cpuCoresPerReplica: number;
  memoryGiBPerReplica: number;
  region?: string;
  usdPerGpuHour?: number;
  priceSource?: string;
  /** USD per hour of one replica. */
  hourlyCostPerReplica: number;
  /** USD per month at the minimum replicas (the baseline). */
  monthlyCost: number;
  /** USD per month at the maximum replicas the autoscaler allows. */
  maxMonthlyCost: number;
  /** The monthly budget the workload declares, USD. */
  monthlyBudget?: number;
  expectedTokensPerSecond?: number;
  expectedRequestsPerSecond?: number;
}

/**
 * The estimated cost of one service (the workloads sharing a namespace and an
 * `app` label), with unit costs where throughput is declared.
 *
 * @public
 */
export interface ServiceEstimate {
  name: string;
  namespace?: string;
  monthlyCost: number;
  maxMonthlyCost: number;
  monthlyBudget?: number;
  gpus: number;
  expectedTokensPerSecond?: number;
  /** USD per million tokens at the expected throughput. */
  usdPerMillionTokens?: number;
  expectedRequestsPerSecond?: number;
  /** USD per 1,000 requests at the expected request rate. */
  usdPerThousandRequests?: number;
  workloads: string[];
}

/**
 * What {@link estimateCosts} returns. `monthlyCost` is the total in USD at
 * the workloads' minimum replicas, `maxMonthlyCost` at their maximum.
 *
 * @public
 */
export interface CostEstimateReport {
  currency: 'USD';
  hoursPerMonth: number;
  monthlyCost: number;
  maxMonthlyCost: number;
  /** USD per million tokens over the services that declare throughput. */
  usdPerMillionTokens?: number;
  services: ServiceEstimate[];
  workloads: WorkloadEstimate[];
  /** What was left out and why (DaemonSets, Jobs). */
  notes: string[];
}

/**
 * Options of {@link estimateCosts}.
 *
 * @public
 */
export interface EstimateOptions {
  /** `--prices` overrides, asked before `gpuPrice`. */
  prices?: PriceOverrides;
  /** GPU prices; default: the embedded list-price catalog. */
  gpuPrice?: GpuPriceLookup;
}

const CONTINUOUS_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'ReplicaSet',
  'Pod',
  'InferenceService',
  'Rollout',
]);
const OTHER_POD_KINDS = new Set(['DaemonSet', 'Job', 'CronJob']);

// MIG profiles split a GPU into this many compute slices (NVIDIA MIG user
// guide: A100, H100, H200 and B200 have 7; A30 has 4).
function migSlices(gpuModel: string | undefined): number {
  return gpuModel && /A30/i.test(gpuModel) ? 4 : 7;
}

const isRecord = (v: unknown): v is Record<string, any> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

interface PodSpecRef {
  spec: Record<string, any>;
  path: string;
  templateMetadata?: Record<string, any>;
}

function podSpecOf(o: KubernetesObject): PodSpecRef | undefined {
  const spec = o.spec as any;
  if (!isRecord(spec)) return undefined;
  if (o.kind === 'Pod') return { spec, path: 'spec' };
  if (o.kind === 'InferenceService') {
    return isRecord(spec.predictor)
      ? { spec: spec.predictor, path: 'spec.predictor' }
      : undefined;
  }
  if (o.kind === 'CronJob') {
    const t = spec.jobTemplate?.spec?.template;
    return isRecord(t?.spec)
      ? {
          spec: t.spec,
          path: 'spec.jobTemplate.spec.template.spec',
          templateMetadata: t.metadata,
        }
      : undefined;
  }
  return isRecord(spec.template?.spec)
    ? {
        spec: spec.template.spec,
        path: 'spec.template.spec',
        templateMetadata: spec.template.metadata,
      }
    : undefined;
}

/**
 * The pod spec an Argo Rollout with `spec.workloadRef` runs: the referenced
 * Deployment's template (in the same namespace), at the Rollout's replicas.
 */
function workloadRefPodSpec(
  o: KubernetesObject,
  objects: readonly ManifestObject[],
): PodSpecRef | undefined {
  const ref = (o.spec as any)?.workloadRef;
  if (o.kind !== 'Rollout' || !isRecord(ref)) return undefined;
  const target = objects.find(
    m =>
      m.object.kind === ref.kind &&
      m.object.metadata.name === ref.name &&
      m.object.metadata.namespace === o.metadata.namespace,
  );
  if (!target) {
    throw new InputError(
      `spec.workloadRef: no ${ref.kind} named '${ref.name}' among the manifests`,
    );
  }
  const pod = podSpecOf(target.object);
  return (
    pod && { ...pod, path: `workloadRef ${ref.kind} ${ref.name}: ${pod.path}` }
  );
}

interface ContainerRef {
  container: Record<string, any>;
  path: string;
  init: boolean;
}

function containersOf(o: KubernetesObject, pod: PodSpecRef): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const field of ['containers', 'initContainers'] as const) {
    const list = pod.spec[field];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      throw new InputError(`${pod.path}.${field} must be a list`);
    }
    list.forEach((c, i) => {
      if (!isRecord(c)) {
        throw new InputError(`${pod.path}.${field}[${i}] must be a mapping`);
      }
      out.push({
        container: c,
        path: `${pod.path}.${field}[${i}]`,
        init: field === 'initContainers',
      });
    });
  }
  if (o.kind === 'InferenceService' && isRecord(pod.spec.model)) {
    out.push({
      container: pod.spec.model,
      path: `${pod.path}.model`,
      init: false,
    });
  }
  return out;
}

interface Resources {
  cpu: number;
  memoryGiB: number;
  gpu: Record<string, number>;
}

function resourcesOf(c: ContainerRef): Resources {
  const r = c.container.resources;
  const out: Resources = { cpu: 0, memoryGiB: 0, gpu: {} };
  if (r === undefined) return out;
  if (!isRecord(r))
    throw new InputError(`${c.path}.resources must be a mapping`);
  const read = (section: string, key: string): Quantity | undefined => {
    const map = r[section];
    if (map === undefined) return undefined;
    if (!isRecord(map)) {
      throw new InputError(`${c.path}.resources.${section} must be a mapping`);
    }
    if (map[key] === undefined) return undefined;
    try {
      return Quantity.from(map[key]);
    } catch (e) {
      throw new InputError(
        `${c.path}.resources.${section}.${key}: ${(e as Error).message}`,
      );
    }
  };
  // Requests are what the scheduler reserves and what cloud cost models
  // charge; Kubernetes defaults them to the limits.
  const cpu = read('requests', 'cpu') ?? read('limits', 'cpu');
  const memory = read('requests', 'memory') ?? read('limits', 'memory');
  out.cpu = cpu?.asApproximateFloat() ?? 0;
  out.memoryGiB = (memory?.asApproximateFloat() ?? 0) / 1024 ** 3;
  const keys = new Set<string>();
  for (const section of ['limits', 'requests']) {
    if (isRecord(r[section])) {
      for (const k of Object.keys(r[section])) {
        if (k === 'nvidia.com/gpu' || k.startsWith('nvidia.com/mig-'))
          keys.add(k);
      }
    }
  }
  for (const k of keys) {
    const q = read('limits', k) ?? read('requests', k)!;
    if (!q.isInteger() || q.sign() < 0) {
      throw new InputError(
        `${
          c.path
        }.resources.limits.${k}: GPUs are counted in whole devices, not ${q.toString()}`,
      );
    }
    out.gpu[k] = Number(q.asInteger());
  }
  return out;
}

/** Pod-level resources: containers summed, init containers' peak if higher. */
function podResources(containers: ContainerRef[]): Resources {
  const sum: Resources = { cpu: 0, memoryGiB: 0, gpu: {} };
  const initPeak: Resources = { cpu: 0, memoryGiB: 0, gpu: {} };
  for (const c of containers) {
    const r = resourcesOf(c);
    if (c.init) {
      initPeak.cpu = Math.max(initPeak.cpu, r.cpu);
      initPeak.memoryGiB = Math.max(initPeak.memoryGiB, r.memoryGiB);
      for (const [k, v] of Object.entries(r.gpu)) {
        initPeak.gpu[k] = Math.max(initPeak.gpu[k] ?? 0, v);
      }
    } else {
      sum.cpu += r.cpu;
      sum.memoryGiB += r.memoryGiB;
      for (const [k, v] of Object.entries(r.gpu))
        sum.gpu[k] = (sum.gpu[k] ?? 0) + v;
    }
  }
  const gpu: Record<string, number> = { ...sum.gpu };
  for (const [k, v] of Object.entries(initPeak.gpu))
    gpu[k] = Math.max(gpu[k] ?? 0, v);
  return {
    cpu: Math.max(sum.cpu, initPeak.cpu),
    memoryGiB: Math.max(sum.memoryGiB, initPeak.memoryGiB),
    gpu,
  };
}

/** Values of a label the pod requires through node affinity (`In` terms). */
function affinityValues(pod: PodSpecRef, key: string): string[] {
  const terms =
    pod.spec.affinity?.nodeAffinity
      ?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!Array.isArray(terms)) return [];
  const values: string[] = [];
  for (const t of terms) {
    for (const e of Array.isArray(t?.matchExpressions)
      ? t.matchExpressions
      : []) {
      if (e?.key === key && e.operator === 'In' && Array.isArray(e.values)) {
        values.push(...e.values.map(String));
      }
    }
  }
  return [...new Set(values)];
}

function annotation(
  o: KubernetesObject,
  pod: PodSpecRef,
  key: string,
): string | undefined {
  return (
    o.metadata.annotations?.[key] ?? pod.templateMetadata?.annotations?.[key]
  );
}

function positiveNumber(
  value: string | undefined,
  field: string,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new InputError(`${field}: '${value}' is not a non-negative number`);
  }
  return n;
}

/**
 * The objects that name a scale target (HPAs, KEDA ScaledObjects, …) by
 * namespace and target name, in their order: each workload looks up its own
 * instead of scanning every object (which made estimates quadratic).
 */
type ScalerIndex = Map<string | undefined, Map<string, ManifestObject[]>>;

function indexScalers(objects: readonly ManifestObject[]): ScalerIndex {
  const index: ScalerIndex = new Map();
  for (const m of objects) {
    const spec = m.object.spec as any;
    if (!isRecord(spec)) continue;
    const ref = spec.scaleTargetRef;
    if (!isRecord(ref) || typeof ref.name !== 'string') continue;
    const ns = m.object.metadata.namespace ?? undefined;
    let byName = index.get(ns);
    if (!byName) index.set(ns, (byName = new Map()));
    const list = byName.get(ref.name);
    if (list) list.push(m);
    else byName.set(ref.name, [m]);
  }
  return index;
}

function replicasOf(
  o: KubernetesObject,
  scalers: ScalerIndex,
): { min: number; max: number; from: string } {
  const int = (v: unknown, field: string, fallback: number) => {
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new InputError(
        `${field}: ${JSON.stringify(v)} is not a whole number of replicas`,
      );
    }
    return v;
  };
  const candidates =
    scalers.get(o.metadata.namespace ?? undefined)?.get(o.metadata.name) ?? [];
  for (const m of candidates) {
    const x = m.object;
    const spec = x.spec as any;
    const ref = spec.scaleTargetRef;
    const where = `@${describeLocation(m)}: ${describeObject(x)}`;
    if (x.kind === 'HorizontalPodAutoscaler' && ref.kind === o.kind) {
      const min = int(spec.minReplicas, `${where}: spec.minReplicas`, 1);
      const max = int(spec.maxReplicas, `${where}: spec.maxReplicas`, min);
      return {
        min,
        max: Math.max(min, max),
        from: `HorizontalPodAutoscaler ${x.metadata.name}`,
      };
    }
    if (x.kind === 'ScaledObject' && (ref.kind ?? 'Deployment') === o.kind) {
      const min = int(
        spec.minReplicaCount,
        `${where}: spec.minReplicaCount`,
        0,
      );
      const max = int(
        spec.maxReplicaCount,
        `${where}: spec.maxReplicaCount`,
        100,
      );
      return {
        min,
        max: Math.max(min, max),
        from: `ScaledObject ${x.metadata.name}`,
      };
    }
  }
  const spec = o.spec as any;
  if (o.kind === 'Pod') return { min: 1, max: 1, from: 'a Pod' };
  if (o.kind === 'InferenceService') {
    const p = spec.predictor ?? {};
    const min = int(p.minReplicas, 'spec.predictor.minReplicas', 1);
    const max = int(p.maxReplicas, 'spec.predictor.maxReplicas', min);
    return {
      min,
      max: Math.max(min, max),
      from: 'spec.predictor.minReplicas/maxReplicas',
    };
  }
  const n = int(spec.replicas, 'spec.replicas', 1);
  return { min: n, max: n, from: 'spec.replicas' };
}

/**
 * Estimates the monthly cost (730 h) of the workloads among the objects:
 * Deployments, StatefulSets, ReplicaSets, Pods, Argo Rollouts and KServe
 * InferenceServices. Replicas come from `spec.replicas`, or from the HPA or
 * KEDA ScaledObject that targets the workload (minimum for `monthlyCost`,
 * maximum for `maxMonthlyCost`). The GPU model comes from the
 * `nvidia.com/gpu.product` node selector or required node affinity, or the
 * `ai-finops.io/gpu-model` annotation; MIG slices are priced as their share
 * of the GPU. A GPU-hour's list price already holds its share of the
 * instance's CPU and memory, so cpu and memory are priced only when
 * `options.prices` gives rates. Bad input (unknown GPU model, unparsable
 * quantity) throws one {@link @backstage/errors#InputError} naming file, object and
 * field.
 *
 * @public
 */
export function estimateCosts(
  objects: readonly ManifestObject[],
  options: EstimateOptions = {},
): CostEstimateReport {
  const lookup = withPriceOverrides(
    options.prices,
    options.gpuPrice ?? catalogGpuPrice(),
  );
  const workloads: WorkloadEstimate[] = [];
  const notes: string[] = [];
  const scalers = indexScalers(objects);
  for (const m of objects) {
    const o = m.object;
    if (isClusterScopedKind(o.kind)) continue;
    const continuous = CONTINUOUS_KINDS.has(o.kind);
    if (!continuous && !OTHER_POD_KINDS.has(o.kind)) continue;
    const where = `${describeLocation(m)}: ${describeObject(o)}`;
    try {
      const pod = podSpecOf(o) ?? workloadRefPodSpec(o, objects);
      if (!pod) {
        if (continuous) throw new InputError('has no pod spec');
        continue;
      }
      const resources = podResources(containersOf(o, pod));
      if (!continuous) {
        if (Object.keys(resources.gpu).length > 0) {
          notes.push(
            `${where}: not estimated: a ${o.kind} ${
              o.kind === 'DaemonSet'
                ? 'runs one pod per node'
                : 'runs to completion'
            }, so its monthly hours are not in the manifest`,
          );
        }
        continue;
      }
      workloads.push(
        estimateWorkload(m, pod, resources, scalers, lookup, options.prices),
      );
    } catch (e) {
      if (e instanceof InputError) {
        // Errors about another object (an HPA) carry its location after '@'.
        throw new InputError(
          e.message.startsWith('@')
            ? e.message.slice(1)
            : `${where}: ${e.message}`,
        );
      }
      throw e;
    }
  }
  const services = new Map<string, ServiceEstimate>();
  // Unit costs at the expected load: at least one replica runs while it is
  // served, even when the autoscaler may scale to zero. Summed here, once
  // per workload, not by filtering all workloads for each service.
  const servedCost = new Map<ServiceEstimate, number>();
  for (const w of workloads) {
    const key = `${w.namespace ?? ''}/${w.service}`;
    const s =
      services.get(key) ??
      ({
        name: w.service,
        ...(w.namespace ? { namespace: w.namespace } : {}),
        monthlyCost: 0,
        maxMonthlyCost: 0,
        gpus: 0,
        workloads: [],
      } as ServiceEstimate);
    s.monthlyCost += w.monthlyCost;
    s.maxMonthlyCost += w.maxMonthlyCost;
    s.gpus += w.gpusPerReplica * w.minReplicas;
    s.workloads.push(`${w.kind} ${w.name}`);
    if (w.monthlyBudget !== undefined && s.monthlyBudget === undefined) {
      s.monthlyBudget = w.monthlyBudget;
    }
    if (w.expectedTokensPerSecond !== undefined) {
      s.expectedTokensPerSecond = Math.max(
        s.expectedTokensPerSecond ?? 0,
        w.expectedTokensPerSecond,
      );
    }
    if (w.expectedRequestsPerSecond !== undefined) {
      s.expectedRequestsPerSecond = Math.max(
        s.expectedRequestsPerSecond ?? 0,
        w.expectedRequestsPerSecond,
      );
    }
    services.set(key, s);
    if (w.namespace === s.namespace) {
      servedCost.set(
        s,
        (servedCost.get(s) ?? 0) +
          w.hourlyCostPerReplica * Math.max(w.minReplicas, 1) * HOURS_PER_MONTH,
      );
    }
  }
  let tokenCost = 0;
  let tokens = 0;
  for (const s of services.values()) {
    const cost = servedCost.get(s) ?? 0;
    const seconds = HOURS_PER_MONTH * 3600;
    if (s.expectedTokensPerSecond) {
      s.usdPerMillionTokens =
        (cost / (s.expectedTokensPerSecond * seconds)) * 1e6;
      tokenCost += cost;
      tokens += s.expectedTokensPerSecond * seconds;
    }
    if (s.expectedRequestsPerSecond) {
      s.usdPerThousandRequests =
        (cost / (s.expectedRequestsPerSecond * seconds)) * 1e3;
    }
  }
  const report: CostEstimateReport = {
    currency: 'USD',
    hoursPerMonth: HOURS_PER_MONTH,
    monthlyCost: workloads.reduce((s, w) => s + w.monthlyCost, 0),
    maxMonthlyCost: workloads.reduce((s, w) => s + w.maxMonthlyCost, 0),
    services: [...services.values()],
    workloads,
    notes,
  };
  if (tokens > 0) report.usdPerMillionTokens = (tokenCost / tokens) * 1e6;
  return report;
}

function estimateWorkload(
  m: ManifestObject,
  pod: PodSpecRef,
  resources: Resources,
  scalers: ScalerIndex,
  lookup: GpuPriceLookup,
  prices: PriceOverrides | undefined,
): WorkloadEstimate {
  const o = m.object;
  const replicas = replicasOf(o, scalers);
  const gpuDevices = Object.values(resources.gpu).reduce((a, b) => a + b, 0);

  let gpuModel: string | undefined;
  let gpuModelFrom: string | undefined;
  const selector = pod.spec.nodeSelector;
  if (isRecord(selector) && typeof selector[GPU_PRODUCT_LABEL] === 'string') {
    gpuModel = selector[GPU_PRODUCT_LABEL];
    gpuModelFrom = `${pod.path}.nodeSelector ${GPU_PRODUCT_LABEL}`;
  }
  const affinity = affinityValues(pod, GPU_PRODUCT_LABEL);
  let gpuModelChoices: string[] = [];
  if (!gpuModel && affinity.length > 0) {
    gpuModelChoices = affinity;
    gpuModelFrom = `${pod.path}.affinity ${GPU_PRODUCT_LABEL}`;
  }
  if (!gpuModel && gpuModelChoices.length === 0) {
    const a = annotation(o, pod, FINOPS_GPU_MODEL_ANNOTATION);
    if (a) {
      gpuModel = a;
      gpuModelFrom = `annotation ${FINOPS_GPU_MODEL_ANNOTATION}`;
    }
  }
  const regionSelector = isRecord(selector)
    ? selector[REGION_LABEL]
    : undefined;
  const region =
    (typeof regionSelector === 'string' ? regionSelector : undefined) ??
    affinityValues(pod, REGION_LABEL)[0] ??
    annotation(o, pod, FINOPS_REGION_ANNOTATION);

  let usdPerGpuHour: number | undefined;
  let priceSource: string | undefined;
  let gpusPerReplica = 0;
  if (gpuDevices > 0) {
    if (!gpuModel && gpuModelChoices.length === 0) {
      throw new InputError(
        `requests ${gpuDevices} GPU device(s) (${Object.keys(
          resources.gpu,
        ).join(', ')}) but names no GPU model: set ${
          pod.path
        }.nodeSelector ${GPU_PRODUCT_LABEL} (the GPU Feature Discovery label, e.g. NVIDIA-H100-80GB-HBM3) or the ${FINOPS_GPU_MODEL_ANNOTATION} annotation`,
      );
    }
    // With several allowed models (node affinity), price the dearest: the
    // scheduler may pick it.
    const candidates = gpuModel ? [gpuModel] : gpuModelChoices;
    let best:
      | { model: string; base: string; usd: number; source: string }
      | undefined;
    for (const model of candidates) {
      const base = model.replace(/-MIG-.*$/i, '');
      const quote = lookup(base, { region });
      if (!quote) {
        throw new InputError(
          `${gpuModelFrom}: GPU model '${model}' has no price${
            prices ? ` in ${prices.source} or` : ' in'
          } the embedded catalog (known: ${knownGpuModels().join(
            ', ',
          )}); add a gpu:${base} row to a --prices file`,
        );
      }
      if (!best || quote.usdPerGpuHour > best.usd) {
        best = { model, base, usd: quote.usdPerGpuHour, source: quote.source };
      }
    }
    gpuModel = best!.model;
    usdPerGpuHour = best!.usd;
    priceSource = best!.source;
    const slices = migSlices(best!.base);
    // Under the device plugin's single MIG strategy the product label says
    // the slice (…-MIG-1g.10gb) and the resource is nvidia.com/gpu.
    const singleMig = /-MIG-(\d+)g\./i.exec(gpuModel);
    for (const [resource, count] of Object.entries(resources.gpu)) {
      if (resource === 'nvidia.com/gpu') {
        gpusPerReplica += singleMig
          ? (count * Number(singleMig[1])) / slices
          : count;
      } else {
        const mig = /^nvidia\.com\/mig-(\d+)g\.\d+gb$/.exec(resource);
        if (!mig) {
          throw new InputError(
            `resource '${resource}' is not a MIG profile of the form nvidia.com/mig-<g>g.<memory>gb`,
          );
        }
        gpusPerReplica += (count * Number(mig[1])) / slices;
      }
    }
  }
  const cpuRate = prices?.cpu ?? 0;
  const memoryRate = prices?.memory ?? 0;
  const hourlyCostPerReplica =
    gpusPerReplica * (usdPerGpuHour ?? 0) +
    resources.cpu * cpuRate +
    resources.memoryGiB * memoryRate;
  const budget = annotation(o, pod, FINOPS_MONTHLY_BUDGET_ANNOTATION);
  const tokens = annotation(
    o,
    pod,
    FINOPS_EXPECTED_TOKENS_PER_SECOND_ANNOTATION,
  );
  const requests = annotation(
    o,
    pod,
    FINOPS_EXPECTED_REQUESTS_PER_SECOND_ANNOTATION,
  );
  const labels = o.metadata.labels ?? {};
  const w: WorkloadEstimate = {
    kind: o.kind,
    name: o.metadata.name,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
    service: labels.app ?? labels['app.kubernetes.io/name'] ?? o.metadata.name,
    location: describeLocation(m),
    file: m.file,
    line: m.line,
    ...(m.kustomization ? { kustomization: m.kustomization } : {}),
    minReplicas: replicas.min,
    maxReplicas: replicas.max,
    replicasFrom: replicas.from,
    ...(gpuModel ? { gpuModel, gpuModelFrom } : {}),
    gpuResources: resources.gpu,
    gpusPerReplica,
    cpuCoresPerReplica: resources.cpu,
    memoryGiBPerReplica: resources.memoryGiB,
    ...(region ? { region } : {}),
    ...(usdPerGpuHour !== undefined ? { usdPerGpuHour, priceSource } : {}),
    hourlyCostPerReplica,
    monthlyCost: hourlyCostPerReplica * replicas.min * HOURS_PER_MONTH,
    maxMonthlyCost: hourlyCostPerReplica * replicas.max * HOURS_PER_MONTH,
  };
  const n = (v: string | undefined, key: string) =>
    positiveNumber(v, `metadata.annotations.${key}`);
  const b = n(budget, FINOPS_MONTHLY_BUDGET_ANNOTATION);
  if (b !== undefined) w.monthlyBudget = b;
  const t = n(tokens, FINOPS_EXPECTED_TOKENS_PER_SECOND_ANNOTATION);
  if (t !== undefined) w.expectedTokensPerSecond = t;
  const r = n(requests, FINOPS_EXPECTED_REQUESTS_PER_SECOND_ANNOTATION);
  if (r !== undefined) w.expectedRequestsPerSecond = r;
  return w;
}

/**
 * One `CostEstimate` object per service, for the cross-object policies
 * (`policies/monthly-cost-cap.yaml`, `monthly-budget.yaml`): the estimator
 * joins workloads, autoscalers and prices, and the policies judge the sums
 * with the same CEL evaluator as everything else.
 *
 * @public
 */
export function costEstimateObjects(
  report: CostEstimateReport,
): ManifestObject[] {
  // The workloads of each service, grouped once (not filtered per service).
  const serviceKey = (name: string, namespace: string | undefined) =>
    JSON.stringify([name, namespace ?? null]);
  const byService = new Map<string, WorkloadEstimate[]>();
  for (const w of report.workloads) {
    const key = serviceKey(w.service, w.namespace);
    const list = byService.get(key);
    if (list) list.push(w);
    else byService.set(key, [w]);
  }
  return report.services.map(s => {
    const workloads = byService.get(serviceKey(s.name, s.namespace)) ?? [];
    const first = workloads[0]!;
    const round = (v: number) => Math.round(v * 100) / 100;
    return {
      file: first.file,
      line: first.line,
      object: {
        apiVersion: 'ai-finops.io/v1alpha1',
        kind: 'CostEstimate',
        metadata: {
          name: s.name,
          ...(s.namespace ? { namespace: s.namespace } : {}),
          labels: { app: s.name },
          ...(s.monthlyBudget !== undefined
            ? {
                annotations: {
                  [FINOPS_MONTHLY_BUDGET_ANNOTATION]: String(s.monthlyBudget),
                },
              }
            : {}),
        },
        spec: {
          hoursPerMonth: HOURS_PER_MONTH,
          currency: 'USD',
          monthlyCostUsd: round(s.monthlyCost),
          maxMonthlyCostUsd: round(s.maxMonthlyCost),
          gpus: s.gpus,
          workloads: workloads.map(w => ({
            kind: w.kind,
            name: w.name,
            minReplicas: w.minReplicas,
            maxReplicas: w.maxReplicas,
            gpuModel: w.gpuModel ?? '',
            gpusPerReplica: w.gpusPerReplica,
            monthlyCostUsd: round(w.monthlyCost),
            maxMonthlyCostUsd: round(w.maxMonthlyCost),
          })),
        },
      },
    };
  });
}
