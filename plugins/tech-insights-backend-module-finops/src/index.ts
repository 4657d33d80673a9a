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
 * AI FinOps facts and checks for Tech Insights scorecards: GPU efficiency,
 * a monthly budget, a cost center and the cost per million tokens of each
 * catalog entity with FinOps annotations.
 *
 * @packageDocumentation
 */

export { techInsightsModuleFinops as default } from './module';
export {
  FINOPS_CATALOG_FACT_RETRIEVER_ID,
  FINOPS_COST_FACT_RETRIEVER_ID,
  createFinopsCatalogFactRetriever,
  createFinopsCostFactRetriever,
  type FinopsFactRetrieverDeps,
} from './retrievers';
export {
  readFinopsFactRetrieverOptions,
  type FinopsFactRetrieverOptions,
} from './options';
export {
  DEFAULT_FINOPS_CHECK_TARGETS,
  getFinopsChecks,
  type FinopsCheckDefinition,
  type FinopsCheckTargets,
} from './checks';
export { FINOPS_COST_CENTER_ANNOTATION } from './entities';
