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
import { FINOPS_RESPONSIBLE_AI_ENTITY_FILTER } from '../components/FinopsResponsibleAiCard/isFinopsResponsibleAiAvailable';

/**
 * The `entity-card:finops/responsible-ai` extension: the model card,
 * training data, evaluation and bias-check status with their dates, and the
 * problems with them. Shown for components of type `service` tagged
 * `inference` and for entities with any responsible-AI annotation.
 *
 * @alpha
 */
export const entityFinopsResponsibleAiCard = EntityCardBlueprint.make({
  name: 'responsible-ai',
  params: {
    filter: FINOPS_RESPONSIBLE_AI_ENTITY_FILTER,
    loader: async () =>
      import('../components/FinopsResponsibleAiCard').then(m => (
        <m.FinopsResponsibleAiCard />
      )),
  },
});
