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

// What the bundled CLI (scripts/build.mjs) gets for @backstage/backend-plugin-api.
// The only piece of it the CLI runs is resolvePackagePath, with which
// finops-node's store finds its migrations: in the bundle they are in
// dist/migrations, beside dist/store.cjs, the one bundle asking for them.
// The backend system (modules, extension points, services) is of no use in a
// CLI; what finops-node builds with it at load time gets an inert value.

import path from 'node:path';

export function resolvePackagePath(_name, ...paths) {
  return path.resolve(__dirname, ...paths);
}

export function createExtensionPoint(config) {
  return {
    id: config.id,
    $$type: '@backstage/ExtensionPoint',
    toString: () => `extensionPoint{${config.id}}`,
  };
}

const unavailable = name => () => {
  throw new Error(`${name} is not available in the ai-finops CLI`);
};

export const createBackendModule = unavailable('createBackendModule');
export const createBackendPlugin = unavailable('createBackendPlugin');
export const createServiceRef = unavailable('createServiceRef');
export const coreServices = {};
