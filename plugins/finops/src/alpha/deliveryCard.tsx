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

import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { FINOPS_DELIVERY_ENTITY_FILTER } from '../components/FinopsDeliveryCard/isFinopsDeliveryAvailable';

/**
 * The `entity-card:finops/delivery` extension: the deployed revision and
 * when, sync and health, drift since when with the out-of-sync resources,
 * and the cost steps tied to revisions. Shown for entities that name Argo CD
 * Applications or Flux objects (`argocd/app-name`, `argocd/app-selector`,
 * `ai-finops.io/flux-kustomization`, `ai-finops.io/flux-helmrelease`).
 *
 * @alpha
 */
export const entityFinopsDeliveryCard = EntityCardBlueprint.make({
  name: 'delivery',
  params: {
    filter: FINOPS_DELIVERY_ENTITY_FILTER,
    loader: async () =>
      import('../components/FinopsDeliveryCard').then(m => (
        <m.FinopsDeliveryCard />
      )),
  },
});
