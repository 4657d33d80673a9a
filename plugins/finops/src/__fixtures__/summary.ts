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

import type { Entity } from '@backstage/catalog-model';
import type { EntityCostSummary } from '@ai-finops/backstage-plugin-finops-common';

/** A month-to-date summary as the backend returns it; override what a test needs. */
export function aSummary(
  overrides: Partial<EntityCostSummary> = {},
): EntityCostSummary {
  return {
    entityRef: 'component:default/chat-llm',
    currency: 'USD',
    dataUntil: '2026-11-14T13:00:00.000Z',
    month: '2026-11',
    monthToDate: { billedCost: 13000, effectiveCost: 12345, listCost: 15000 },
    previousMonthToDate: {
      billedCost: 11000,
      effectiveCost: 10000,
      listCost: 12000,
    },
    dailyCosts: [
      { date: '2026-11-13', cost: 700 },
      { date: '2026-11-14', cost: 800 },
    ],
    topDrivers: [],
    usage: { gpuHours: 0, tokens: 0, requests: 0 },
    ...overrides,
  };
}

/** A service component carrying the given annotations. */
export function aComponent(annotations?: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'chat-llm', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}
