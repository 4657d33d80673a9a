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
  FINOPS_BIAS_CHECK_DATE_ANNOTATION,
  FINOPS_BIAS_CHECK_STATUS_ANNOTATION,
  FINOPS_EVALUATION_DATE_ANNOTATION,
  FINOPS_EVALUATION_STATUS_ANNOTATION,
  FINOPS_MODEL_CARD_ANNOTATION,
  FINOPS_TRAINING_DATA_ANNOTATION,
  readResponsibleAiMetadata,
} from '@ai-finops/backstage-plugin-finops-common';

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
    {
      [`metadata.annotations.${FINOPS_MODEL_CARD_ANNOTATION}`]: {
        $exists: true,
      },
    },
    {
      [`metadata.annotations.${FINOPS_TRAINING_DATA_ANNOTATION}`]: {
        $exists: true,
      },
    },
    {
      [`metadata.annotations.${FINOPS_EVALUATION_STATUS_ANNOTATION}`]: {
        $exists: true,
      },
    },
    {
      [`metadata.annotations.${FINOPS_EVALUATION_DATE_ANNOTATION}`]: {
        $exists: true,
      },
    },
    {
      [`metadata.annotations.${FINOPS_BIAS_CHECK_STATUS_ANNOTATION}`]: {
        $exists: true,
      },
    },
    {
      [`metadata.annotations.${FINOPS_BIAS_CHECK_DATE_ANNOTATION}`]: {
        $exists: true,
      },
    },
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
