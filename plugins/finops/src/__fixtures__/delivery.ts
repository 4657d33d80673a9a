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
  FinopsDeliveryStatus,
  FinopsDeployment,
} from '@ai-finops/backstage-plugin-finops-common';

const HOUR = 3_600_000;

/** An ISO time `hours` before now. */
export function hoursAgo(hours: number): string {
  return new Date(Date.now() - hours * HOUR).toISOString();
}

export const DEPLOYED_SHA = 'abc1234def5678901234567890abcdef12345678';
export const PREVIOUS_SHA = '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c';

/** chat-llm-prod on the demo Argo CD, synced and healthy. */
export function aDeployment(
  overrides: Partial<FinopsDeployment> = {},
): FinopsDeployment {
  return {
    tool: 'argocd',
    instance: 'demo',
    kind: 'Application',
    name: 'chat-llm-prod',
    url: 'http://localhost:7190/applications/argocd/chat-llm-prod',
    sync: 'Synced',
    health: 'Healthy',
    revision: DEPLOYED_SHA,
    deployedAt: hoursAgo(2),
    outOfSync: [],
    history: [
      { revision: DEPLOYED_SHA, deployedAt: hoursAgo(2) },
      { revision: PREVIOUS_SHA, deployedAt: hoursAgo(24 * 9) },
    ],
    ...overrides,
  };
}

export function aDeliveryStatus(
  overrides: Partial<FinopsDeliveryStatus> = {},
): FinopsDeliveryStatus {
  return {
    entityRef: 'component:default/chat-llm',
    deployments: [aDeployment()],
    costSteps: [
      {
        revision: PREVIOUS_SHA,
        deployedAt: hoursAgo(24 * 9),
        metric: 'costPerMillionTokens',
        before: 2.1,
        after: 2.478,
        changePercent: 18,
      },
    ],
    ...overrides,
  };
}
