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

/** Examples of `finops:policy:evaluate`. */
export const examples: TemplateExample[] = [
  {
    description:
      'Check the manifests rendered into gitops/ against the configured guardrail policies',
    example: stringify({
      steps: [
        {
          id: 'evaluate',
          action: 'finops:policy:evaluate',
          name: 'Check the guardrails',
          input: { path: 'gitops' },
        },
      ],
    }),
  },
  {
    description:
      'Check against policies fetched into the workspace, and skip publishing in a dry run',
    example: stringify({
      steps: [
        {
          id: 'policies',
          action: 'fetch:plain',
          name: 'Fetch the platform policies',
          input: {
            url: 'https://github.com/acme/platform-policies/tree/main/policies',
            targetPath: 'policies',
          },
        },
        {
          id: 'evaluate',
          action: 'finops:policy:evaluate',
          name: 'Check the guardrails',
          input: { path: 'gitops', policiesPath: 'policies' },
        },
        {
          id: 'publish',
          if: '${{ not steps.evaluate.output.dryRun }}',
          action: 'publish:github:pull-request',
          name: 'Open the pull request',
          input: {
            repoUrl: 'github.com?owner=acme&repo=inference-deployments',
            branchName: 'add-chat',
            title: 'Add chat',
            description: '${{ steps.evaluate.output.markdown }}',
            sourcePath: 'gitops',
            targetPath: 'apps/chat',
          },
        },
      ],
    }),
  },
];
