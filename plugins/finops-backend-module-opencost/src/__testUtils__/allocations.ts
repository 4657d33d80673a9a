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
 * One allocation in OpenCost's JSON shape (field names and order as in
 * OpenCost's allocation_json.go), covering one hour from `start`.
 */
export function allocation(
  name: string,
  start: string,
  fields: Record<string, unknown> = {},
): Record<string, unknown> {
  const end = new Date(Date.parse(start) + 3_600_000)
    .toISOString()
    .replace('.000Z', 'Z');
  return {
    name,
    properties: {
      cluster: 'default-cluster',
      node: 'node-1',
      namespace: name.split('/')[0],
      providerID: 'i-0123456789',
    },
    window: { start, end },
    start,
    end,
    minutes: 60,
    cpuCores: 0,
    cpuCoreRequestAverage: 0,
    cpuCoreUsageAverage: 0,
    cpuCoreHours: 0,
    cpuCost: 0,
    cpuCostAdjustment: 0,
    cpuEfficiency: 0,
    gpuCount: 0,
    gpuHours: 0,
    gpuCost: 0,
    gpuCostAdjustment: 0,
    networkTransferBytes: 0,
    networkReceiveBytes: 0,
    networkCost: 0,
    networkCrossZoneCost: 0,
    networkCrossRegionCost: 0,
    networkInternetCost: 0,
    networkCostAdjustment: 0,
    loadBalancerCost: 0,
    loadBalancerCostAdjustment: 0,
    pvBytes: 0,
    pvByteHours: 0,
    pvCost: 0,
    pvs: null,
    pvCostAdjustment: 0,
    ramBytes: 0,
    ramByteRequestAverage: 0,
    ramByteUsageAverage: 0,
    ramByteHours: 0,
    ramCost: 0,
    ramCostAdjustment: 0,
    ramEfficiency: 0,
    externalCost: 0,
    sharedCost: 0,
    totalCost: 0,
    totalEfficiency: 0,
    proportionalAssetResourceCosts: {},
    lbAllocations: null,
    sharedCostBreakdown: {},
    ...fields,
  };
}

/** OpenCost's response envelope around allocation sets, one per step. */
export function envelope(sets: unknown[]) {
  return { code: 200, status: 'success', data: sets };
}
