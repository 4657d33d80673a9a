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
import {
  FINOPS_BILLING_TAGS_ANNOTATION,
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
} from '@ai-finops/backstage-plugin-finops-common';

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
    filter: {
      $any: [
        {
          [`metadata.annotations.${KUBERNETES_ID_ANNOTATION}`]: {
            $exists: true,
          },
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
    },
    loader: async () =>
      import('../components/FinopsCostCard').then(m => <m.FinopsCostCard />),
  },
});
