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

import type { GpuPriceLookup } from '@ai-finops/backstage-plugin-finops-guardrails';
import type { AuditorService } from '@backstage/backend-plugin-api';
import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { createCostEstimateAction } from './costEstimate';
import { createGenerateManifestsAction } from './generateManifests';
import { createPolicyEvaluateAction } from './policyEvaluate';

export { createCostEstimateAction } from './costEstimate';
export { createGenerateManifestsAction } from './generateManifests';
export { createPolicyEvaluateAction } from './policyEvaluate';

/**
 * Options of {@link createFinopsActions}, read by the module from
 * `finops.guardrails`.
 *
 * @public
 */
export interface FinopsActionsOptions {
  /** Folder of the guardrail policies on the backend host. */
  policiesDir?: string;
  /** A `resource,usd_per_unit_hour` CSV overriding prices. */
  pricesFile?: string;
  /**
   * GPU-hour prices asked after `pricesFile`: the module passes the price
   * catalog's (`finops.prices.overrides`, then the embedded list prices).
   * Default: the embedded list prices.
   */
  gpuPrice?: GpuPriceLookup;
  /**
   * Records each guardrail evaluation of `finops:policy:evaluate`
   * (`guardrail-evaluation`; a denial as a failed event); the module passes
   * the scaffolder plugin's auditor.
   */
  auditor?: AuditorService;
}

/**
 * Creates the `finops:*` scaffolder actions: `finops:manifests:generate`,
 * `finops:cost:estimate` and `finops:policy:evaluate`.
 *
 * @public
 */
export function createFinopsActions(
  options: FinopsActionsOptions = {},
): TemplateAction<any, any, any>[] {
  return [
    createGenerateManifestsAction(),
    createCostEstimateAction(options),
    createPolicyEvaluateAction(options),
  ];
}
