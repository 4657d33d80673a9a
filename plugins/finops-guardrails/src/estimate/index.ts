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

export {
  costEstimateObjects,
  estimateCosts,
  FINOPS_EXPECTED_REQUESTS_PER_SECOND_ANNOTATION,
  FINOPS_EXPECTED_TOKENS_PER_SECOND_ANNOTATION,
  GPU_PRODUCT_LABEL,
  HOURS_PER_MONTH,
} from './estimate';
export type {
  CostEstimateReport,
  EstimateOptions,
  ServiceEstimate,
  WorkloadEstimate,
} from './estimate';
export {
  costChangeSentence,
  diffCostEstimates,
  formatCostEstimateMarkdown,
  formatUsd,
  workloadLabel,
} from './format';
export type { CostDiff, CostDiffRow } from './format';
export {
  catalogGpuPrice,
  knownGpuModels,
  parsePriceCsv,
  withPriceOverrides,
} from './prices';
export type { GpuPriceLookup, GpuPriceQuote, PriceOverrides } from './prices';
