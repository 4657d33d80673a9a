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
import { existsSync } from 'node:fs';
import path from 'node:path';

// The `@kubernetes-models/*` CRD packages are ESM only, which Jest's CommonJS
// runtime cannot import: a child Node process, started in the calling
// package's directory so that it resolves that package's own devDependency,
// imports `<package>/<group>/<version>` for each object and validates it with
// the model of its kind.
const CHILD_SOURCE = `
import { readFileSync } from 'node:fs';
const { packages, objects } = JSON.parse(readFileSync(0, 'utf8'));
// Fails here, naming the package, when one is not installed.
for (const name of packages) import.meta.resolve(name);
async function modelOf(apiVersion, kind) {
  if (!/^[a-z0-9.-]+\\/v[a-z0-9]+$/.test(String(apiVersion))) return undefined;
  for (const name of packages) {
    let models;
    try { models = await import(name + '/' + apiVersion); }
    catch (e) { if (e.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') continue; throw e; }
    if (typeof models[kind] === 'function') return models[kind];
  }
  return undefined;
}
const errors = [];
for (const o of objects) {
  const Model = await modelOf(o?.apiVersion, o?.kind);
  if (!Model) { errors.push(['no model for ' + o?.apiVersion + ' ' + o?.kind + ' in ' + packages.join(', ')]); continue; }
  try { new Model(o).validate(); errors.push([]); }
  catch (e) {
    errors.push((e.errors ?? [{ instancePath: '', message: e.message }])
      .map(x => (x.instancePath || '(root)') + ': ' + x.message));
  }
}
process.stdout.write(JSON.stringify(errors));
`;

/** Options of {@link validateKubernetesModels}. */
export interface KubernetesModelsOptions {
  /**
   * The `@kubernetes-models/*` packages holding the models, e.g.
   * `['@kubernetes-models/kyverno']`; the first one exporting an object's
   * `<group>/<version>` with its kind validates it.
   */
  packages: string[];
  /**
   * A directory inside the calling package (its `__dirname`): the packages
   * are resolved from the nearest `package.json` above it, where the caller
   * declares them as devDependencies.
   */
  from: string;
}

function packageDirectory(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) {
      throw new Error(`no package.json above ${from}`);
    }
  }
}

/**
 * Validates custom resources against the CRD schemas published as
 * `@kubernetes-models/*` packages (Kyverno, Argo Rollouts, Argo CD, Flux, …)
 * in a child Node process. Returns the problems of each object, in order
 * (`<instance path>: <message>`), empty lists for valid objects; an object
 * no package has a model for gets one problem saying so. Throws when a
 * package cannot be loaded.
 */
export function validateKubernetesModels(
  objects: unknown[],
  options: KubernetesModelsOptions,
): string[][] {
  if (options.packages.length === 0) {
    throw new Error('validateKubernetesModels: no model packages given');
  }
  const result = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', CHILD_SOURCE],
    {
      input: JSON.stringify({ packages: options.packages, objects }),
      encoding: 'utf8',
      cwd: packageDirectory(options.from),
      timeout: 30_000,
    },
  );
  if (result.status !== 0) {
    throw new Error(
      `schema validation with ${options.packages.join(', ')} failed: ${
        result.error?.message ?? result.stderr
      }`,
    );
  }
  return JSON.parse(result.stdout);
}
