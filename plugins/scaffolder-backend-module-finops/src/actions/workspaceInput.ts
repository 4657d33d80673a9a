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

import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import type { TemplateActionOptions } from '@backstage/plugin-scaffolder-node';
import { readManifestTree } from '../lib/workspace';

/** The zod the scaffolder hands to an action's schema functions. */
type Zod = Parameters<
  NonNullable<NonNullable<TemplateActionOptions['schema']>['input']>[string]
>[0];

/** The `path` input of the actions that read manifests from the workspace. */
export const workspacePathInput = {
  path: (z: Zod) =>
    z
      .string()
      .optional()
      .describe(
        'Workspace folder holding the manifests (default: the workspace)',
      ),
};

/** The manifests under `path` (default: the whole workspace), kustomizations rendered. */
export function readWorkspaceManifests(
  workspacePath: string,
  path: string | undefined,
) {
  const root = resolveSafeChildPath(workspacePath, path ?? '.');
  return readManifestTree(root, path ?? '.');
}
