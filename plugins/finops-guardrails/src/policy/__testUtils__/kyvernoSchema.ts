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

// `@kubernetes-models/kyverno` (generated from Kyverno's CRDs) is ESM only,
// which Jest's CommonJS runtime cannot import: a child Node process
// validates the objects with the package's models.
const CHILD_SOURCE = `
import { readFileSync } from 'node:fs';
import * as models from '@kubernetes-models/kyverno/policies.kyverno.io/v1';
const objects = JSON.parse(readFileSync(0, 'utf8'));
const errors = objects.map(o => {
  const Model = models[o.kind];
  if (!Model || o.apiVersion !== 'policies.kyverno.io/v1') return ['no Kyverno model for ' + o.apiVersion + ' ' + o.kind];
  try { new Model(o).validate(); return []; }
  catch (e) {
    return (e.errors ?? [{ instancePath: '', message: e.message }])
      .map(x => (x.instancePath || '(root)') + ': ' + x.message);
  }
});
process.stdout.write(JSON.stringify(errors));
`;

/**
 * Validates `policies.kyverno.io/v1` objects (ValidatingPolicy, …) against
 * the CRD schemas of `@kubernetes-models/kyverno`. Returns the problems of
 * each object, empty lists when they are valid.
 */
export function kyvernoSchemaErrors(objects: unknown[]): string[][] {
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
