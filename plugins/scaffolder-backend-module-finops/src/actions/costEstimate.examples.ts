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

import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

/** Examples of `finops:cost:estimate`. */
export const examples: TemplateExample[] = [
  {
    description:
      'Estimate the manifests rendered into gitops/ and put the result in the pull request',
    example: stringify({
      steps: [
        {
          id: 'estimate',
          action: 'finops:cost:estimate',
          name: 'Estimate the monthly cost',
          input: { path: 'gitops' },
        },
      ],
    }),
  },
];
