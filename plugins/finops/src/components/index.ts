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

export { FinopsCostCard } from './FinopsCostCard';
export type { FinopsCostCardProps } from './FinopsCostCard';
export { Sparkline, summarizeSeries } from './Sparkline';
export type { SparklineProps } from './Sparkline';
export { BudgetMeter } from './BudgetMeter';
export type { BudgetMeterProps } from './BudgetMeter';
export { FinopsEfficiencyCard } from './FinopsEfficiencyCard';
export type { FinopsEfficiencyCardProps } from './FinopsEfficiencyCard';
export { FinopsCarbonCard } from './FinopsCarbonCard';
export type { FinopsCarbonCardProps } from './FinopsCarbonCard';
export { FinopsRecommendationsCard } from './FinopsRecommendationsCard';
export type { FinopsRecommendationsCardProps } from './FinopsRecommendationsCard';
export { FinopsDeliveryCard } from './FinopsDeliveryCard';
export type { FinopsDeliveryCardProps } from './FinopsDeliveryCard';
export { FinopsResponsibleAiCard } from './FinopsResponsibleAiCard';
export type { FinopsResponsibleAiCardProps } from './FinopsResponsibleAiCard';
export { FinopsEntityContent } from './FinopsEntityContent';
export { FinopsOrganizationPage } from './FinopsOrganizationPage';
