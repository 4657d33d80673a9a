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
  FinopsRecord,
  FinopsWindow,
} from '@ai-finops/backstage-plugin-finops-node';

/** @internal */
export type CostRecord = Extract<FinopsRecord, { type: 'cost' }>;
/** @internal */
export type UsageRecord = Extract<FinopsRecord, { type: 'usage' }>;

/** One hour in milliseconds. */
export const HOUR = 60 * 60 * 1000;

/** A GPU cost of 1 (billed, effective and list) for the `chat` workload. */
export function aCostRecord(
  hour: string,
  fields: Partial<CostRecord> = {},
): CostRecord {
  return {
    type: 'cost',
    hour,
    category: 'gpu',
    billedCost: 1,
    effectiveCost: 1,
    listCost: 1,
    currency: 'USD',
    kubernetesId: 'chat',
    workload: 'Deployment/chat-llm',
    ...fields,
  };
}

/** A usage record for the `chat` workload. */
export function aUsageRecord(
  hour: string,
  metric: UsageRecord['metric'],
  value: number,
  fields: Partial<UsageRecord> = {},
): UsageRecord {
  return {
    type: 'usage',
    hour,
    metric,
    value,
    kubernetesId: 'chat',
    workload: 'Deployment/chat-llm',
    ...fields,
  };
}

/** One {@link aCostRecord} for every hour of the window. */
export function* hourlyCostRecords(window: FinopsWindow): Iterable<CostRecord> {
  for (let t = window.start.getTime(); t < window.end.getTime(); t += HOUR) {
    yield aCostRecord(new Date(t).toISOString());
  }
}
