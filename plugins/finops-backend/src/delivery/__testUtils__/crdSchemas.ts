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

import { spawnSync } from 'node:child_process';
import path from 'node:path';

// The `@kubernetes-models` packages are ESM only, which Jest's CommonJS
// runtime cannot import: a child Node process validates the objects.
const CHILD_SOURCE = `
import { readFileSync } from 'node:fs';
import * as argo from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1';
import * as kustomize from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1';
import * as helm from '@kubernetes-models/flux-cd/helm.toolkit.fluxcd.io/v2';
const models = {
  'argoproj.io/v1alpha1': argo,
  'kustomize.toolkit.fluxcd.io/v1': kustomize,
  'helm.toolkit.fluxcd.io/v2': helm,
};
const objects = JSON.parse(readFileSync(0, 'utf8'));
const errors = objects.map(o => {
  const Model = models[o.apiVersion]?.[o.kind];
  if (!Model) return ['no model for ' + o.apiVersion + ' ' + o.kind];
  try { new Model(o).validate(); return []; }
  catch (e) {
    return (e.errors ?? [{ instancePath: '', message: e.message }])
      .map(x => (x.instancePath || '(root)') + ': ' + x.message);
  }
});
process.stdout.write(JSON.stringify(errors));
`;

/**
 * Validates Argo CD Applications and Flux Kustomizations / HelmReleases
 * against the CRD schemas published as `@kubernetes-models/argo-cd` and
 * `@kubernetes-models/flux-cd`. Returns the problems of each object, empty
 * lists when they are valid.
 */
export function crdSchemaErrors(objects: unknown[]): string[][] {
  const result = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', CHILD_SOURCE],
    {
      input: JSON.stringify(objects),
      encoding: 'utf8',
      cwd: path.resolve(__dirname, '../../..'),
      timeout: 30_000,
    },
  );
  if (result.status !== 0) {
    throw new Error(`schema validation failed: ${result.stderr}`);
  }
  return JSON.parse(result.stdout);
}
