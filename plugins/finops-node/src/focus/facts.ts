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

import { gpuOfInstanceType } from '@ai-finops/backstage-plugin-finops-engine';
import type { CostCategory } from '@ai-finops/backstage-plugin-finops-common';
import { focusRowGpuCount, focusRowInstanceType } from '../prices/focusRows';
import type { FocusRow } from './FocusReader';

const HOUR_MS = 3_600_000;

/**
 * Labels the hourly cost fact of a FOCUS charge carries, so that cost can be
 * split by them.
 *
 * @public
 */
export const FOCUS_LABELS = {
  provider: 'focus.ai-finops.io/provider',
  serviceCategory: 'focus.ai-finops.io/service-category',
  chargeCategory: 'focus.ai-finops.io/charge-category',
  subAccount: 'focus.ai-finops.io/sub-account',
} as const;

/**
 * The FOCUS column that becomes a fact's workload; `none` leaves it empty.
 *
 * @public
 */
export type FocusWorkloadColumn =
  | 'ServiceName'
  | 'ResourceId'
  | 'ResourceName'
  | 'none';

/** @public */
export const FOCUS_WORKLOAD_COLUMNS: readonly FocusWorkloadColumn[] = [
  'ServiceName',
  'ResourceId',
  'ResourceName',
  'none',
];

/**
 * The GPU a FOCUS row is for: the model from its instance type, or `{}`
 * when it only declares a GPU count; `undefined` without a GPU.
 *
 * @public
 */
export function focusRowGpu(row: FocusRow): { gpuModel?: string } | undefined {
  const instanceType = focusRowInstanceType(row);
  const gpu = instanceType ? gpuOfInstanceType(instanceType) : undefined;
  if (gpu) return { gpuModel: gpu.gpuModel };
  return focusRowGpuCount(row) ? {} : undefined;
}

/**
 * The cost category of a FOCUS row (see {@link focusFactDimensions}).
 *
 * @public
 */
export function focusCostCategory(
  row: FocusRow,
  gpu: { gpuModel?: string } | undefined = focusRowGpu(row),
): CostCategory {
  return costCategory(row.values as FocusFactSource, gpu);
}

/**
 * The dimensions of the hourly cost fact a FOCUS charge becomes (all but
 * the hour, the amounts, the currency and the tags, which are the charge's
 * own).
 *
 * @public
 */
export interface FocusFactDimensions {
  category: CostCategory;
  region?: string;
  workload?: string;
  gpuModel?: string;
  labels: Record<string, string>;
}

/**
 * The FOCUS columns a charge's fact is derived from, as stored with the
 * charge, and the instance type and GPU count read from it.
 *
 * @public
 */
export interface FocusFactSource {
  ProviderName?: string | null;
  ServiceCategory?: string | null;
  ChargeCategory?: string | null;
  SubAccountId?: string | null;
  RegionId?: string | null;
  RegionName?: string | null;
  ServiceName?: string | null;
  ResourceId?: string | null;
  ResourceName?: string | null;
  instanceType?: string | null;
  gpuCount?: number | null;
}

/**
 * Derives the fact dimensions of one FOCUS charge: the one mapping from a
 * FOCUS charge to an hourly entity fact, used by every FOCUS ingestion (the
 * store derives the facts of a billing source from its stored charges).
 * Taxes are `other`; Compute is `gpu` or `cpu`; AI and Machine Learning is
 * `gpu` when a GPU is recognised; labels keep the provider, service
 * category, charge category and sub-account.
 *
 * @public
 */
export function focusFactDimensions(
  charge: FocusFactSource,
  options: { workload?: FocusWorkloadColumn } = {},
): FocusFactDimensions {
  const known = charge.instanceType
    ? gpuOfInstanceType(charge.instanceType)
    : undefined;
  let gpu: { gpuModel?: string } | undefined;
  if (known) gpu = { gpuModel: known.gpuModel };
  else if (charge.gpuCount && charge.gpuCount > 0) gpu = {};
  const labels: Record<string, string> = {};
  const label = (key: string, value: unknown) => {
    if (typeof value === 'string' && value !== '') labels[key] = value;
  };
  label(FOCUS_LABELS.provider, charge.ProviderName);
  label(FOCUS_LABELS.serviceCategory, charge.ServiceCategory);
  label(FOCUS_LABELS.chargeCategory, charge.ChargeCategory);
  label(FOCUS_LABELS.subAccount, charge.SubAccountId);

  const dimensions: FocusFactDimensions = {
    category: costCategory(charge, gpu),
    labels,
  };
  const region = text(charge.RegionId) ?? text(charge.RegionName);
  if (region) dimensions.region = region;
  const workloadColumn = options.workload ?? 'ServiceName';
  const workload =
    workloadColumn === 'none' ? undefined : text(charge[workloadColumn]);
  if (workload) dimensions.workload = workload;
  if (gpu?.gpuModel) dimensions.gpuModel = gpu.gpuModel;
  return dimensions;
}

function costCategory(
  charge: FocusFactSource,
  gpu: { gpuModel?: string } | undefined,
): CostCategory {
  if (charge.ChargeCategory === 'Tax') return 'other';
  switch (charge.ServiceCategory) {
    case 'Compute':
      return gpu ? 'gpu' : 'cpu';
    case 'AI and Machine Learning':
      return gpu ? 'gpu' : 'other';
    case 'Storage':
      return 'storage';
    case 'Networking':
      return 'network';
    default:
      return 'other';
  }
}

/**
 * Spreads a charge over the UTC hours it covers, in proportion to the time
 * in each; a zero-length charge lies wholly in its start hour.
 *
 * @public
 */
export function* spreadOverHours(
  start: number,
  end: number,
): Generator<{ hour: number; share: number }> {
  const first = Math.floor(start / HOUR_MS) * HOUR_MS;
  if (end === start) {
    yield { hour: first, share: 1 };
    return;
  }
  const length = end - start;
  for (let hour = first; hour < end; hour += HOUR_MS) {
    const overlap = Math.min(end, hour + HOUR_MS) - Math.max(start, hour);
    yield { hour, share: overlap / length };
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
