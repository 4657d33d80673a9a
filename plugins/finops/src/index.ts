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
 * The AI FinOps frontend plugin: cost, GPU-efficiency and carbon cards for
 * catalog entities.
 *
 * This entry point serves the legacy frontend system. For the new frontend
 * system, use the default export of `@ai-finops/backstage-plugin-finops/alpha`.
 *
 * @packageDocumentation
 */

export {
  finopsPlugin,
  EntityFinopsCostCard,
  EntityFinopsEfficiencyCard,
  EntityFinopsCarbonCard,
  EntityFinopsRecommendationsCard,
  EntityFinopsDeliveryCard,
  EntityFinopsResponsibleAiCard,
  EntityFinopsContent,
  FinopsPage,
  FinopsCostPreviewFieldExtension,
} from './plugin';
export { rootRouteRef } from './routes';
export { finopsApiRef, FinopsClient } from './api';
export type {
  FinopsApi,
  FinopsClientOptions,
  FinopsDayRange,
  FinopsOwnedEntitySpend,
  FinopsOwnedSpend,
  RecommendationDecision,
  RecommendationPullRequestResult,
  FinopsEstimate,
  FinopsEstimateRequest,
  FinopsGuardrailResult,
  FinopsEntitySavings,
  FinopsRealisedSaving,
  FinopsSavingAmount,
  FinopsSavings,
  FinopsDeliveryStatus,
  FinopsDeployment,
  FinopsCostStep,
} from './api';
export type {
  FinopsCostCardProps,
  FinopsEfficiencyCardProps,
  FinopsCarbonCardProps,
  FinopsRecommendationsCardProps,
  FinopsDeliveryCardProps,
  FinopsResponsibleAiCardProps,
} from './components';
export { isFinopsDeliveryAvailable } from './components/FinopsDeliveryCard';
export { isFinopsResponsibleAiAvailable } from './components/FinopsResponsibleAiCard';
export type {
  FinopsCostPreviewProps,
  FinopsCostPreviewUiOptions,
  FinopsCostPreviewValue,
} from './components/FinopsCostPreview';
export { isFinopsAvailable } from '@ai-finops/backstage-plugin-finops-common';
