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
import {
  RESPONSIBLE_AI_ANNOTATIONS,
  readResponsibleAiMetadata,
} from '@ai-finops/backstage-plugin-finops-common';
import { hasAnnotationFilter } from '../shared/annotationFilter';

/**
 * Where the responsible-AI card is shown: components of type `service`
 * tagged `inference` (what the inference-service template registers), and
 * any entity that carries one of the responsible-AI annotations. The filter
 * of the card in the new frontend system.
 *
 * @alpha
 */
export const FINOPS_RESPONSIBLE_AI_ENTITY_FILTER: FilterPredicate = {
  $any: [
    {
      kind: 'component',
      'spec.type': 'service',
      'metadata.tags': { $contains: 'inference' },
    },
    ...RESPONSIBLE_AI_ANNOTATIONS.map(hasAnnotationFilter),
  ],
};

/**
 * Whether the responsible-AI card belongs on the entity (an inference
 * service, or an entity with a responsible-AI annotation): for the legacy
 * `EntityPage`'s `EntitySwitch.Case if={isFinopsResponsibleAiAvailable}`.
 *
 * @public
 */
export function isFinopsResponsibleAiAvailable(entity: Entity): boolean {
  const isInferenceService =
    entity.kind.toLocaleLowerCase('en-US') === 'component' &&
    (entity.spec as { type?: unknown } | undefined)?.type === 'service' &&
    (entity.metadata.tags ?? []).includes('inference');
  return isInferenceService || readResponsibleAiMetadata(entity).present;
}
