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

import type { Entity } from '@backstage/catalog-model';
import type { FilterPredicate } from '@backstage/filter-predicates';
import { DELIVERY_ANNOTATIONS } from '@ai-finops/backstage-plugin-finops-common';
import { hasAnnotationFilter } from '../shared/annotationFilter';

/**
 * Entities whose deployments can be read: one of `argocd/app-name`,
 * `argocd/app-selector`, `ai-finops.io/flux-kustomization` or
 * `ai-finops.io/flux-helmrelease` is set. The filter of the delivery card
 * in the new frontend system.
 *
 * @alpha
 */
export const FINOPS_DELIVERY_ENTITY_FILTER: FilterPredicate = {
  $any: DELIVERY_ANNOTATIONS.map(hasAnnotationFilter),
};

/**
 * Whether the entity names Argo CD Applications or Flux objects, so that the
 * delivery card has something to show: for the legacy `EntityPage`'s
 * `EntitySwitch.Case if={isFinopsDeliveryAvailable}`.
 *
 * @public
 */
export function isFinopsDeliveryAvailable(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return DELIVERY_ANNOTATIONS.some(annotation =>
    Boolean(annotations[annotation]),
  );
}
