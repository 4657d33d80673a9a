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

// Copies the repository's shared assets into the package being packed, so the
// published tarball carries them (a package's `files` cannot reach outside its
// folder), and removes the copies afterwards. Run from a package folder by its
// prepack (`copy`) and postpack (`clean`) scripts:
//
//   scaffolder-backend-module-finops: templates/inference-service (the golden-path
//     template, from examples/templates) and policies/ (the guardrails)
//   finops-backend-module-demo: examples/entities.yaml and examples/org.yaml
//     (the demo catalog its data is calibrated for)
//
// The copies are git-ignored; the repository's own copies stay the source.

import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Package name → { destination in the package: source in the repository }. */
const ASSETS = {
  '@ai-finops/backstage-plugin-scaffolder-backend-module-finops': {
    'templates/inference-service': 'examples/templates/inference-service',
    policies: 'policies',
  },
  '@ai-finops/backstage-plugin-finops-backend-module-demo': {
    'examples/entities.yaml': 'examples/entities.yaml',
    'examples/org.yaml': 'examples/org.yaml',
  },
};

const [mode] = process.argv.slice(2);
const pkgDir = process.cwd();
const { name } = JSON.parse(
  readFileSync(path.join(pkgDir, 'package.json'), 'utf8'),
);
const assets = ASSETS[name];
if (!assets || (mode !== 'copy' && mode !== 'clean')) {
  console.error(
    `package-assets: usage: node scripts/package-assets.mjs copy|clean, from one of: ${Object.keys(
      ASSETS,
    ).join(', ')} (here: ${name})`,
  );
  process.exit(2);
}

// The top folder of each destination is replaced (copy) or removed (clean) as
// a whole, so it must hold nothing of the repository's own.
const tops = new Set(Object.keys(assets).map(dest => dest.split('/')[0]));
for (const top of tops) {
  let tracked = '';
  try {
    tracked = execFileSync('git', ['ls-files', '--', top], {
      cwd: pkgDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    // not a git checkout: nothing tracked to protect
  }
  if (tracked) {
    console.error(`package-assets: ${top}/ in ${name} holds tracked files`);
    process.exit(1);
  }
  rmSync(path.join(pkgDir, top), { recursive: true, force: true });
}
if (mode === 'copy') {
  for (const [dest, source] of Object.entries(assets)) {
    const from = path.join(root, source);
    if (!existsSync(from)) {
      console.error(`package-assets: ${source} is missing`);
      process.exit(1);
    }
    cpSync(from, path.join(pkgDir, dest), { recursive: true });
  }
}
