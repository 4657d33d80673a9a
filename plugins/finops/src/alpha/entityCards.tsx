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

import type { FilterPredicate } from '@backstage/filter-predicates';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import {
  FINOPS_BILLING_TAGS_ANNOTATION,
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
} from '@ai-finops/backstage-plugin-finops-common';

/**
 * Entities whose costs can be attributed: one of the Kubernetes or
 * billing-tag annotations is set.
 *
 * @alpha
 */
export const FINOPS_ENTITY_FILTER: FilterPredicate = {
  $any: [
    {
      [`metadata.annotations.${KUBERNETES_ID_ANNOTATION}`]: { $exists: true },
    },
    {
      [`metadata.annotations.${KUBERNETES_LABEL_SELECTOR_ANNOTATION}`]: {
        $exists: true,
      },
    },
    {
      [`metadata.annotations.${FINOPS_BILLING_TAGS_ANNOTATION}`]: {
        $exists: true,
      },
    },
  ],
};

/**
 * The `entity-card:finops/cost` extension: the cost card on the entity
 * overview, shown for entities whose costs can be attributed (one of the
 * Kubernetes or billing-tag annotations is set). Operators can change
 * `filter` and `type` in `app.extensions` config.
 *
 * @alpha
 */
export const entityFinopsCostCard = EntityCardBlueprint.make({
  name: 'cost',
  params: {
    filter: FINOPS_ENTITY_FILTER,
    loader: async () =>
      import('../components/FinopsCostCard').then(m => <m.FinopsCostCard />),
  },
});

/**
 * The `entity-card:finops/gpu-efficiency` extension: efficiency score, idle
 * GPU-hours and dollars, GPU type and count, tokens/s per GPU, $ per 1M
 * tokens.
 *
 * @alpha
 */
export const entityFinopsEfficiencyCard = EntityCardBlueprint.make({
  name: 'gpu-efficiency',
  params: {
    filter: FINOPS_ENTITY_FILTER,
    loader: async () =>
      import('../components/FinopsEfficiencyCard').then(m => (
        <m.FinopsEfficiencyCard />
      )),
  },
});

/**
 * The `entity-card:finops/carbon` extension: kgCO2e, gCO2e per 1M tokens,
 * grid intensity and the greener option.
 *
 * @alpha
 */
export const entityFinopsCarbonCard = EntityCardBlueprint.make({
  name: 'carbon',
  params: {
    filter: FINOPS_ENTITY_FILTER,
    loader: async () =>
      import('../components/FinopsCarbonCard').then(m => (
        <m.FinopsCarbonCard />
      )),
  },
});

/**
 * The `entity-card:finops/recommendations` extension: recommendations
 * ranked by saving with their actions.
 *
 * @alpha
 */
export const entityFinopsRecommendationsCard = EntityCardBlueprint.make({
  name: 'recommendations',
  params: {
    filter: FINOPS_ENTITY_FILTER,
    loader: async () =>
      import('../components/FinopsRecommendationsCard').then(m => (
        <m.FinopsRecommendationsCard />
      )),
  },
});
