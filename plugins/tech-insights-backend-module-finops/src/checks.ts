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

import {
  FINOPS_CATALOG_FACT_RETRIEVER_ID,
  FINOPS_COST_FACT_RETRIEVER_ID,
} from './retrievers';

/**
 * A check of the tech-insights JSON rules engine
 * (`@backstage-community/plugin-tech-insights-backend-module-jsonfc`), in the
 * shape of one entry of `techInsights.factChecker.checks` (the key is the
 * check id). A type alias, so it is a `JsonValue` for config data.
 *
 * @public
 */
export type FinopsCheckDefinition = {
  type: 'json-rules-engine';
  name: string;
  description: string;
  factIds: string[];
  rule: {
    conditions: {
      all: Array<{
        fact: string;
        operator: 'equal' | 'greaterThanInclusive' | 'lessThanInclusive';
        value: boolean | number;
      }>;
    };
  };
};

/**
 * Targets of the recommended checks.
 *
 * @public
 */
export interface FinopsCheckTargets {
  /** The lowest passing GPU efficiency score, 0 to 100 (default 60). */
  gpuEfficiencyPercent?: number;
  /** The highest passing cost per million tokens (default 2.00). */
  costPerMillionTokens?: number;
}

/**
 * The default {@link FinopsCheckTargets}.
 *
 * @public
 */
export const DEFAULT_FINOPS_CHECK_TARGETS: Required<FinopsCheckTargets> = {
  gpuEfficiencyPercent: 60,
  costPerMillionTokens: 2,
};

/**
 * The four recommended FinOps hygiene checks, keyed by check id, ready for
 * `techInsights.factChecker.checks` (or for a `JsonRulesEngineFactCheckerFactory`
 * built in code: `Object.entries(checks).map(([id, c]) => ({ id, ...c }))`):
 *
 * - `finopsGpuEfficiency`: GPU efficiency at or above the target;
 * - `finopsMonthlyBudget`: a monthly budget is set;
 * - `finopsCostCenter`: a cost center is named;
 * - `finopsCostPerMillionTokens`: cost per million tokens at or below the target.
 *
 * An entity without a figure (no GPU samples, no tokens) has no result for
 * the check that needs it: the JSON rules engine skips checks with missing facts.
 *
 * @public
 */
export function getFinopsChecks(
  targets: FinopsCheckTargets = {},
): Record<string, FinopsCheckDefinition> {
  const { gpuEfficiencyPercent, costPerMillionTokens } = {
    ...DEFAULT_FINOPS_CHECK_TARGETS,
    ...targets,
  };
  return {
    finopsGpuEfficiency: {
      type: 'json-rules-engine',
      name: 'GPU efficiency',
      description: `GPU efficiency of the last 30 days is at least ${gpuEfficiencyPercent} %`,
      factIds: [FINOPS_COST_FACT_RETRIEVER_ID],
      rule: {
        conditions: {
          all: [
            {
              fact: 'gpuEfficiencyPercent',
              operator: 'greaterThanInclusive',
              value: gpuEfficiencyPercent,
            },
          ],
        },
      },
    },
    finopsMonthlyBudget: {
      type: 'json-rules-engine',
      name: 'Monthly budget',
      description:
        'The entity sets a monthly budget (ai-finops.io/monthly-budget)',
      factIds: [FINOPS_CATALOG_FACT_RETRIEVER_ID],
      rule: {
        conditions: {
          all: [{ fact: 'hasMonthlyBudget', operator: 'equal', value: true }],
        },
      },
    },
    finopsCostCenter: {
      type: 'json-rules-engine',
      name: 'Cost center',
      description:
        'The entity names its cost center (cost-center label, ai-finops.io/cost-center or a cost-center billing tag)',
      factIds: [FINOPS_CATALOG_FACT_RETRIEVER_ID],
      rule: {
        conditions: {
          all: [{ fact: 'hasCostCenter', operator: 'equal', value: true }],
        },
      },
    },
    finopsCostPerMillionTokens: {
      type: 'json-rules-engine',
      name: 'Cost per million tokens',
      description: `Cost per million tokens of the last 30 days is at most ${costPerMillionTokens.toFixed(
        2,
      )} USD`,
      factIds: [FINOPS_COST_FACT_RETRIEVER_ID],
      rule: {
        conditions: {
          all: [
            {
              fact: 'costPerMillionTokens',
              operator: 'lessThanInclusive',
              value: costPerMillionTokens,
            },
          ],
        },
      },
    },
  };
}
