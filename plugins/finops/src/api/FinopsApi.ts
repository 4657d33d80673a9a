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

import { createApiRef } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type { EntityCostSummary } from '@ai-finops/backstage-plugin-finops-common';

/**
 * Reads cost data for catalog entities from the AI FinOps backend.
 *
 * @public
 */
export interface FinopsApi {
  /**
   * Returns the cost summary of one catalog entity: its month-to-date
   * effective spend, the same days of the previous month, its budget, the
   * last 30 days of daily cost, its top cost drivers and its unit economics.
   *
   * The backend resolves the entity's annotations
   * (`backstage.io/kubernetes-id`, `backstage.io/kubernetes-label-selector`,
   * `ai-finops.io/billing-tags`); the browser only sends the entity ref.
   *
   * @param entityRef - The entity, as a string ref (`component:default/chat`)
   *   or a compound ref.
   * @throws A `ResponseError` from `@backstage/errors` when the request fails;
   *   its `statusCode` is 404 when the entity has no cost data or no cost
   *   allocation annotations, and 403 when the user may not read its costs.
   */
  getEntityCostSummary(
    entityRef: string | CompoundEntityRef,
  ): Promise<EntityCostSummary>;
}

/**
 * The API reference of {@link FinopsApi}. Works in the legacy and the new
 * frontend system.
 *
 * @public
 */
export const finopsApiRef = createApiRef<FinopsApi>({
  id: 'plugin.finops.service',
});
