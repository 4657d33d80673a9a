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
  CostCategory,
  FactDimensions,
} from '@ai-finops/backstage-plugin-finops-common';
import type {
  FinopsRecord,
  FinopsWindow,
} from '@ai-finops/backstage-plugin-finops-node';
import type { OpenCostAllocation, OpenCostAllocationSet } from './response';

const HOUR_MS = 3_600_000;
const GIB = 2 ** 30;

/** The label that links a workload to its catalog entity. */
export const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';
/** The same label as OpenCost reports it: Prometheus sanitises label names. */
export const SANITIZED_KUBERNETES_ID_LABEL = 'backstage_io_kubernetes_id';

/** Workload of OpenCost's `__idle__` allocations. */
export const IDLE_WORKLOAD = '__idle__';
/** Workload of allocations that lack the aggregate property or label. */
export const UNALLOCATED_WORKLOAD = '__unallocated__';

/** Kubernetes' spelling of the controller kinds OpenCost reports in lower case. */
const CONTROLLER_KINDS: Record<string, string> = {
  deployment: 'Deployment',
  statefulset: 'StatefulSet',
  daemonset: 'DaemonSet',
  replicaset: 'ReplicaSet',
  job: 'Job',
  cronjob: 'CronJob',
  pod: 'Pod',
  rollout: 'Rollout',
};

/**
 * The cost categories and the allocation fields that sum to each. Together
 * they add up to OpenCost's `totalCost`.
 *
 * @public
 */
export const OPENCOST_COST_FIELDS: Record<
  CostCategory,
  ReadonlyArray<keyof OpenCostAllocation>
> = {
  cpu: ['cpuCost', 'cpuCostAdjustment'],
  memory: ['ramCost', 'ramCostAdjustment'],
  gpu: ['gpuCost', 'gpuCostAdjustment'],
  storage: ['pvCost', 'pvCostAdjustment'],
  network: [
    'networkCost',
    'networkCostAdjustment',
    'loadBalancerCost',
    'loadBalancerCostAdjustment',
  ],
  other: ['sharedCost', 'externalCost'],
};

const CATEGORIES = Object.keys(OPENCOST_COST_FIELDS) as CostCategory[];

/**
 * Options of {@link allocationsToRecords}.
 *
 * @public
 */
export interface AllocationsToRecordsOptions {
  sets: OpenCostAllocationSet[];
  window: FinopsWindow;
  currency: string;
}

/**
 * Turns OpenCost allocation sets into hourly cost and usage records for a
 * window `[start, end)`.
 *
 * Each allocation covers `[start, end)` (falling back to its set's window).
 * Its amounts go to the hours it overlaps, in proportion to the overlap: with
 * `step=1h` every allocation lies in one hour and is taken whole. Parts that
 * fall outside the window are left out, so every record lies inside it.
 *
 * @public
 */
export function* allocationsToRecords(
  options: AllocationsToRecordsOptions,
): Generator<FinopsRecord> {
  const { sets, window, currency } = options;
  for (const set of sets) {
    for (const [key, allocation] of Object.entries(set)) {
      const dimensions = allocationDimensions(key, allocation);
      const utilization = gpuUtilization(allocation);
      for (const { hour, share } of hourShares(allocation, window)) {
        for (const category of CATEGORIES) {
          const amount = sumFields(allocation, OPENCOST_COST_FIELDS[category]);
          if (amount === 0) {
            continue;
          }
          const cost = amount * share;
          yield {
            type: 'cost',
            hour,
            category,
            billedCost: cost,
            effectiveCost: cost,
            listCost: cost,
            currency,
            ...dimensions,
          };
        }
        const usage: Array<[FinopsUsageMetric, number | undefined]> = [
          ['cpu_core_hours', allocation.cpuCoreHours],
          [
            'memory_gib_hours',
            allocation.ramByteHours === undefined
              ? undefined
              : allocation.ramByteHours / GIB,
          ],
          ['gpu_hours', allocation.gpuHours],
        ];
        for (const [metric, value] of usage) {
          if (value) {
            yield {
              type: 'usage',
              hour,
              metric,
              value: value * share,
              ...dimensions,
            };
          }
        }
        if (utilization !== undefined) {
          // A mean over the allocation: the same in every hour it covers.
          yield {
            type: 'usage',
            hour,
            metric: 'gpu_utilization',
            value: utilization,
            ...dimensions,
          };
        }
      }
    }
  }
}

/**
 * The allocations whose categories do not add up to their `totalCost`
 * (beyond OpenCost's rounding): a sign of a cost field this module does not
 * know yet.
 *
 * @public
 */
export function findUnmappedCosts(
  sets: OpenCostAllocationSet[],
): Array<{ key: string; totalCost: number; mapped: number }> {
  const found: Array<{ key: string; totalCost: number; mapped: number }> = [];
  for (const set of sets) {
    for (const [key, allocation] of Object.entries(set)) {
      if (allocation.totalCost === undefined) {
        continue;
      }
      const mapped = addUp(
        CATEGORIES.map(category =>
          sumFields(allocation, OPENCOST_COST_FIELDS[category]),
        ),
      );
      const tolerance = Math.max(1e-4, Math.abs(allocation.totalCost) * 1e-4);
      if (Math.abs(mapped - allocation.totalCost) > tolerance) {
        found.push({ key, totalCost: allocation.totalCost, mapped });
      }
    }
  }
  return found;
}

function addUp(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

type FinopsUsageMetric = Extract<FinopsRecord, { type: 'usage' }>['metric'];

/**
 * Whether an allocation is OpenCost's idle capacity (`__idle__`, or
 * `<cluster>/__idle__` with `idleByNode`).
 *
 * @public
 */
export function isIdleAllocation(key: string, allocation: OpenCostAllocation) {
  return key.includes(IDLE_WORKLOAD) || allocation.name.includes(IDLE_WORKLOAD);
}

/**
 * The dimensions of an allocation's facts.
 *
 * @public
 */
export function allocationDimensions(
  key: string,
  allocation: OpenCostAllocation,
): FactDimensions {
  const properties = allocation.properties ?? {};
  const gpuModel = allocation.gpuAllocation?.gpuModel;
  if (isIdleAllocation(key, allocation)) {
    // Idle capacity belongs to no workload and no entity, but stays visible.
    return {
      workload: IDLE_WORKLOAD,
      ...(gpuModel ? { gpuModel } : {}),
    };
  }
  const labels = properties.labels;
  const kubernetesId =
    labels?.[KUBERNETES_ID_LABEL] ?? labels?.[SANITIZED_KUBERNETES_ID_LABEL];
  const dimensions: FactDimensions = {};
  if (kubernetesId) {
    dimensions.kubernetesId = kubernetesId;
  }
  if (properties.namespace) {
    dimensions.namespace = properties.namespace;
  }
  const workload = workloadOf(key, allocation);
  if (workload) {
    dimensions.workload = workload;
  }
  if (labels && Object.keys(labels).length > 0) {
    dimensions.labels = labels;
  }
  if (gpuModel) {
    dimensions.gpuModel = gpuModel;
  }
  return dimensions;
}

function workloadOf(
  key: string,
  allocation: OpenCostAllocation,
): string | undefined {
  const { controllerKind, controller } = allocation.properties ?? {};
  if (controller && controller !== UNALLOCATED_WORKLOAD) {
    if (controllerKind && controllerKind !== UNALLOCATED_WORKLOAD) {
      const kind = CONTROLLER_KINDS[controllerKind.toLowerCase()];
      return `${kind ?? controllerKind}/${controller}`;
    }
    return controller;
  }
  if (
    key.includes(UNALLOCATED_WORKLOAD) ||
    allocation.name.includes(UNALLOCATED_WORKLOAD)
  ) {
    return UNALLOCATED_WORKLOAD;
  }
  return undefined;
}

/**
 * Mean GPU utilisation, 0..1: `gpuUsageAverage / gpuRequestAverage`, from
 * `gpuAllocation` on newer OpenCost servers or the top-level fields on older
 * ones. Undefined when OpenCost reports no GPU usage.
 */
function gpuUtilization(allocation: OpenCostAllocation): number | undefined {
  const usage =
    allocation.gpuAllocation?.gpuUsageAverage ?? allocation.gpuUsageAverage;
  const request =
    allocation.gpuAllocation?.gpuRequestAverage ?? allocation.gpuRequestAverage;
  if (usage === undefined || request === undefined || request <= 0) {
    return undefined;
  }
  return Math.min(1, Math.max(0, usage / request));
}

function sumFields(
  allocation: OpenCostAllocation,
  fields: ReadonlyArray<keyof OpenCostAllocation>,
): number {
  let sum = 0;
  for (const field of fields) {
    const value = allocation[field];
    if (typeof value === 'number') {
      sum += value;
    }
  }
  return sum;
}

/**
 * The hours of the window an allocation overlaps, with the share of the
 * allocation's time that falls in each.
 */
function hourShares(
  allocation: OpenCostAllocation,
  window: FinopsWindow,
): Array<{ hour: string; share: number }> {
  const start = Date.parse(
    (allocation.start ?? allocation.window?.start) as string,
  );
  const end = Date.parse((allocation.end ?? allocation.window?.end) as string);
  const windowStart = window.start.getTime();
  const windowEnd = window.end.getTime();
  if (end <= start) {
    // A zero-length allocation: its whole amount belongs to its start hour.
    const hour = Math.floor(start / HOUR_MS) * HOUR_MS;
    return hour >= windowStart && hour < windowEnd
      ? [{ hour: new Date(hour).toISOString(), share: 1 }]
      : [];
  }
  const shares: Array<{ hour: string; share: number }> = [];
  const first = Math.max(Math.floor(start / HOUR_MS) * HOUR_MS, windowStart);
  const last = Math.min(end, windowEnd);
  for (let hour = first; hour < last; hour += HOUR_MS) {
    const overlap = Math.min(end, hour + HOUR_MS) - Math.max(start, hour);
    if (overlap > 0) {
      shares.push({
        hour: new Date(hour).toISOString(),
        share: overlap === end - start ? 1 : overlap / (end - start),
      });
    }
  }
  return shares;
}
