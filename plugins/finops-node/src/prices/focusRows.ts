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

import type { FocusRow } from '../focus';

// AWS instance types as ChargeDescription spells them ("$0.34 per On Demand
// Linux c5.2xlarge Instance Hour"): family (letters, digits, an optional
// -flex or similar suffix), a dot and a size.
const AWS_INSTANCE_TYPE =
  /\b([a-z]+\d[a-z0-9]*(?:-[a-z]+)?\.(?:nano|micro|small|medium|large|\d*xlarge|metal(?:-\d+xl)?))\b/;
// Azure VM sizes: Standard_NC24ads_A100_v4.
const AZURE_VM_SIZE = /\b(Standard_[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*)\b/;
// Google Cloud machine types: a2-highgpu-1g, g2-standard-8, n1-standard-4.
const GCP_MACHINE_TYPE =
  /\b([a-z]\d[a-z]?-(?:standard|highmem|highcpu|highgpu|ultragpu|megagpu|edgegpu|ultramem|megamem)-\d+g?)\b/;

/**
 * The instance type a FOCUS row is for, when the row says: the
 * `InstanceType` of `SkuPriceDetails` (FOCUS 1.1+), else an AWS, Azure or
 * Google Cloud instance type named in `ChargeDescription` or
 * `SkuPriceDetails`'s provider properties. `undefined` otherwise.
 *
 * @public
 */
export function focusRowInstanceType(row: FocusRow): string | undefined {
  const details = parseDetails(row.values.SkuPriceDetails);
  const declared = details?.InstanceType ?? details?.x_InstanceType;
  if (typeof declared === 'string' && declared.trim()) {
    return declared.trim();
  }
  const description = row.values.ChargeDescription;
  if (typeof description !== 'string') return undefined;
  for (const pattern of [AWS_INSTANCE_TYPE, AZURE_VM_SIZE, GCP_MACHINE_TYPE]) {
    const match = pattern.exec(description);
    if (match) return match[1];
  }
  return undefined;
}

/**
 * The GPU count `SkuPriceDetails` declares (`GpuCount`, FOCUS 1.2), when
 * it does.
 *
 * @public
 */
export function focusRowGpuCount(row: FocusRow): number | undefined {
  const count = parseDetails(row.values.SkuPriceDetails)?.GpuCount;
  const value = typeof count === 'string' ? Number(count) : count;
  return typeof value === 'number' && Number.isFinite(value) && value > 0
    ? value
    : undefined;
}

/**
 * How many hours one unit of a FOCUS unit is: 1 for `Hours`/`Hour`, 10
 * for `10 Hours` (Azure's pricing units), `undefined` for anything that
 * is not a plain time unit in hours (`GB-Hours`, `vCPU-Hours`,
 * `Requests`).
 *
 * @public
 */
export function hoursPerUnit(unit: unknown): number | undefined {
  if (typeof unit !== 'string') return undefined;
  const match = /^\s*(?:(\d+(?:\.\d+)?)\s+)?(?:hours?|hrs?)\s*$/i.exec(unit);
  if (!match) return undefined;
  return match[1] ? Number(match[1]) : 1;
}

function parseDetails(
  value: string | number | null | undefined,
): Record<string, unknown> | undefined {
  if (typeof value !== 'string' || !value.trim()) return undefined;
  try {
    const parsed = JSON.parse(value);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The cloud provider of a FOCUS `ProviderName` (or `ServiceProviderName`):
 * `aws`, `azure` or `gcp`; `undefined` for other providers (Oracle, SaaS).
 *
 * @public
 */
export function cloudProviderOf(
  providerName: unknown,
): 'aws' | 'azure' | 'gcp' | undefined {
  if (typeof providerName !== 'string') return undefined;
  const name = providerName.trim().toLowerCase();
  if (name === 'aws' || name.startsWith('amazon')) return 'aws';
  if (name === 'azure' || name.startsWith('microsoft')) return 'azure';
  if (name === 'gcp' || name.startsWith('google')) return 'gcp';
  return undefined;
}
