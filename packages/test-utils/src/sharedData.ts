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

// A helper module for tests, not a test file: the `it.todo` of a skipped
// block makes jest/no-export take it for one.
/* eslint-disable jest/no-export */

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The monorepo root: the nearest directory above `from` whose package.json declares workspaces. */
export function findRepoRoot(from: string = process.cwd()): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (
      existsSync(pkg) &&
      'workspaces' in JSON.parse(readFileSync(pkg, 'utf8'))
    ) {
      return dir;
    }
    if (path.dirname(dir) === dir) {
      throw new Error(`no monorepo root above ${from}`);
    }
  }
}

/**
 * A path inside the real public datasets kept beside the repository
 * (`<monorepo root>/../shared/data`); they are read in place, never copied.
 */
export function sharedDataPath(...parts: string[]): string {
  return path.resolve(findRepoRoot(), '..', 'shared', 'data', ...parts);
}

/**
 * `describe` when the shared dataset at `relativePath` exists, else
 * `describe.skip` with the path in the name, so a checkout without the data
 * says what it skipped instead of failing.
 */
export function describeWithSharedData(
  relativePath: string,
  name: string,
  fn: () => void,
): void {
  // A helper that chooses between describe and describe.skip by design.
  /* eslint-disable jest/valid-title, jest/valid-describe-callback, jest/no-disabled-tests */
  const target = sharedDataPath(relativePath);
  if (existsSync(target)) {
    describe(name, fn);
  } else {
    // Not `describe.skip(name, fn)`: jest still runs a skipped block's body,
    // and bodies that read the data would fail.
    describe.skip(`${name} [skipped: ${target} not found]`, () => {
      it.todo(`needs ${target}`);
    });
  }
  /* eslint-enable jest/valid-title, jest/valid-describe-callback, jest/no-disabled-tests */
}
