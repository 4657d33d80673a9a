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
import { type CostCategory } from '@ai-finops/backstage-plugin-finops-common';
import {
  focusRowGpuCount,
  focusRowInstanceType,
  type FinopsRecord,
  type FocusRow,
} from '@ai-finops/backstage-plugin-finops-node';

const HOUR_MS = 3_600_000;

/**
 * Label keys under which a FOCUS cost fact keeps the billing dimensions of
 * its rows. FOCUS rows have no Kubernetes labels; the facts' label map holds
 * these instead, so roll-ups can group spend by provider, service category,
 * charge category and sub-account without a schema change.
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
 * Which FOCUS column becomes a fact's `workload`; `none` leaves it
 * unset (fewer, larger facts).
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
 * One FOCUS charge, ready to be spread over its hours.
 *
 * @public
 */
export interface FocusCharge {
  /** ChargePeriodStart and ChargePeriodEnd, epoch milliseconds. */
  start: number;
  end: number;
  /** Everything of the fact but the hour and the amounts. */
  fact: Omit<
    Extract<FinopsRecord, { type: 'cost' }>,
    'hour' | 'billedCost' | 'effectiveCost' | 'listCost'
  >;
  billedCost: number;
  effectiveCost: number;
  listCost: number;
}

/**
 * The cost category of a FOCUS row: `gpu` for compute (or AI and machine
 * learning) charges of a GPU instance, `cpu` for other compute, `storage`,
 * `network` from the ServiceCategory, `other` for the rest and for taxes.
 *
 * @public
 */
export function focusCostCategory(
  row: FocusRow,
  gpu: { gpuModel?: string } | undefined = focusRowGpu(row),
): CostCategory {
  const v = row.values;
  if (v.ChargeCategory === 'Tax') return 'other';
  switch (v.ServiceCategory) {
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
 * Whether a row is for a GPU instance, and its GPU model when known: from
 * the row's instance type (see `gpuOfInstanceType`), or a GPU count in its
 * SKU details (model unknown). `undefined` for rows without GPUs.
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
 * Turns a normalised FOCUS row into a charge: its period, amounts and the
 * dimensions of its facts. Throws when the period ends before it starts.
 *
 * @public
 */
export function focusRowToCharge(
  row: FocusRow,
  options: { workload?: FocusWorkloadColumn } = {},
): FocusCharge {
  const v = row.values;
  const start = Date.parse(String(v.ChargePeriodStart));
  const end = Date.parse(String(v.ChargePeriodEnd));
  if (!(end >= start)) {
    throw new RangeError(
      `ChargePeriodEnd ${v.ChargePeriodEnd} is before ChargePeriodStart ${v.ChargePeriodStart}`,
    );
  }
  const gpu = focusRowGpu(row);
  const labels: Record<string, string> = {};
  const label = (key: string, value: unknown) => {
    if (typeof value === 'string' && value !== '') labels[key] = value;
  };
  label(FOCUS_LABELS.provider, v.ProviderName ?? v.ServiceProviderName);
  label(FOCUS_LABELS.serviceCategory, v.ServiceCategory);
  label(FOCUS_LABELS.chargeCategory, v.ChargeCategory);
  label(FOCUS_LABELS.subAccount, v.SubAccountId);

  const fact: FocusCharge['fact'] = {
    type: 'cost',
    category: focusCostCategory(row, gpu),
    currency: String(v.BillingCurrency),
    labels,
  };
  const region = text(v.RegionId) ?? text(v.RegionName);
  if (region) fact.region = region;
  const workloadColumn = options.workload ?? 'ServiceName';
  const workload =
    workloadColumn === 'none' ? undefined : text(v[workloadColumn]);
  if (workload) fact.workload = workload;
  if (gpu?.gpuModel) fact.gpuModel = gpu.gpuModel;
  if (Object.keys(row.tags).length > 0) fact.tags = row.tags;
  return {
    start,
    end,
    fact,
    billedCost: amount(v.BilledCost),
    effectiveCost: amount(v.EffectiveCost),
    listCost: amount(v.ListCost),
  };
}

/**
 * The hours a period `[start, end)` touches and the share of it each
 * holds: an even spread over its hours, partial hours in proportion to
 * their overlap. A period of zero length lies wholly in its start hour.
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

/**
 * Sums charges into hourly cost facts per hour and dimensions.
 *
 * @public
 */
export class HourlyCostFacts {
  readonly #hours = new Map<number, Map<string, HourlyFact>>();
  #size = 0;

  /** Distinct facts held. */
  get size(): number {
    return this.#size;
  }

  /**
   * Adds the charge's share of each of its hours that `accept` accepts
   * (all by default).
   */
  add(charge: FocusCharge, accept: (hour: number) => boolean = () => true) {
    const key = factKey(charge.fact);
    for (const { hour, share } of spreadOverHours(charge.start, charge.end)) {
      if (!accept(hour)) continue;
      this.addAmounts(hour, key, charge.fact, {
        billedCost: charge.billedCost * share,
        effectiveCost: charge.effectiveCost * share,
        listCost: charge.listCost * share,
      });
    }
  }

  /** Adds amounts to one fact. */
  addAmounts(
    hour: number,
    key: string,
    fact: FocusCharge['fact'],
    amounts: { billedCost: number; effectiveCost: number; listCost: number },
  ) {
    let facts = this.#hours.get(hour);
    if (!facts) {
      facts = new Map();
      this.#hours.set(hour, facts);
    }
    const existing = facts.get(key);
    if (existing) {
      existing.billedCost += amounts.billedCost;
      existing.effectiveCost += amounts.effectiveCost;
      existing.listCost += amounts.listCost;
    } else {
      facts.set(key, { fact, ...amounts });
      this.#size += 1;
    }
  }

  /** Adds every fact of `other` whose hour lies in `[start, end)`. */
  addFrom(other: HourlyCostFacts, start: number, end: number) {
    for (const [hour, facts] of other.#hours) {
      if (hour < start || hour >= end) continue;
      for (const [key, f] of facts) this.addAmounts(hour, key, f.fact, f);
    }
  }

  /** Drops the facts whose hour lies outside `[start, end)`. */
  keepOnly(start: number, end: number) {
    for (const [hour, facts] of this.#hours) {
      if (hour < start || hour >= end) {
        this.#size -= facts.size;
        this.#hours.delete(hour);
      }
    }
  }

  /** The facts, by hour and then by dimensions, as cost records. */
  *records(): Generator<Extract<FinopsRecord, { type: 'cost' }>> {
    for (const hour of [...this.#hours.keys()].sort((a, b) => a - b)) {
      const facts = this.#hours.get(hour)!;
      const iso = new Date(hour).toISOString();
      for (const key of [...facts.keys()].sort()) {
        const { fact, billedCost, effectiveCost, listCost } = facts.get(key)!;
        yield { ...fact, hour: iso, billedCost, effectiveCost, listCost };
      }
    }
  }
}

interface HourlyFact {
  fact: FocusCharge['fact'];
  billedCost: number;
  effectiveCost: number;
  listCost: number;
}

function factKey(fact: FocusCharge['fact']): string {
  return JSON.stringify([
    fact.category,
    fact.currency,
    fact.region ?? null,
    fact.workload ?? null,
    fact.gpuModel ?? null,
    sorted(fact.labels),
    sorted(fact.tags),
  ]);
}

function sorted(map: Record<string, string> | undefined) {
  return map ? Object.entries(map).sort(([a], [b]) => (a < b ? -1 : 1)) : [];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function amount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
