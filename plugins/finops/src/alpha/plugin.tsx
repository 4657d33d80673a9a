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

import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { finopsApi } from './apis';
import {
  entityFinopsCarbonCard,
  entityFinopsCostCard,
  entityFinopsEfficiencyCard,
  entityFinopsRecommendationsCard,
} from './entityCards';
import { entityFinopsDeliveryCard } from './deliveryCard';
import { entityFinopsResponsibleAiCard } from './responsibleAiCard';
import { finopsCostPreviewFormField } from './formFields';
import { finopsOwnedSpendHomeWidget } from './homeWidgets';
import {
  entityFinopsContent,
  finopsOrganizationRouteRef,
  finopsPage,
} from './pages';

/**
 * The AI FinOps frontend plugin for the new frontend system. Extensions:
 * `api:finops`, the entity cards `entity-card:finops/cost`,
 * `entity-card:finops/gpu-efficiency`, `entity-card:finops/carbon`,
 * `entity-card:finops/recommendations`, `entity-card:finops/delivery` and
 * `entity-card:finops/responsible-ai`, the tab `entity-content:finops/finops`
 * the organisation page `page:finops` (`/finops`), the scaffolder field
 * `scaffolder-form-field:finops/cost-preview` (`ui:field: FinopsCostPreview`)
 * and the home page widget `home-page-widget:finops/owned-spend`
 * (`FinopsOwnedSpend` in `page:home`'s `defaultConfig`).
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'finops',
  title: 'AI FinOps',
  info: { packageJson: () => import('../../package.json') },
  routes: { root: finopsOrganizationRouteRef },
  extensions: [
    finopsApi,
    entityFinopsCostCard,
    entityFinopsEfficiencyCard,
    entityFinopsCarbonCard,
    entityFinopsRecommendationsCard,
    entityFinopsDeliveryCard,
    entityFinopsResponsibleAiCard,
    entityFinopsContent,
    finopsPage,
    finopsCostPreviewFormField,
    finopsOwnedSpendHomeWidget,
  ],
});
