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

import fs from 'node:fs';
import path from 'node:path';

// The frontend bundle carries only browser-safe code: no engine maths, no CEL
// evaluator, no YAML parser, no Node library of the suite. This walks the
// production dependencies of the frontend plugin through the suite's own
// packages and fails if any of them is reached.
const NOT_IN_THE_BROWSER = [
  '@ai-finops/backstage-plugin-finops-engine',
  '@ai-finops/backstage-plugin-finops-guardrails',
  '@ai-finops/backstage-plugin-finops-node',
  '@ai-finops/backstage-plugin-finops-backend',
  '@marcbachmann/cel-js',
  'yaml',
  'js-yaml',
  'knex',
];

const pluginsDir = path.resolve(__dirname, '../..');

function workspacePackages() {
  const packages = new Map<
    string,
    { dir: string; deps: string[]; peers: string[] }
  >();
  for (const name of fs.readdirSync(pluginsDir)) {
    const file = path.join(pluginsDir, name, 'package.json');
    if (!fs.existsSync(file)) continue;
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    packages.set(json.name, {
      dir: path.join(pluginsDir, name),
      deps: Object.keys(json.dependencies ?? {}),
      peers: Object.keys(json.peerDependencies ?? {}),
    });
  }
  return packages;
}

function sourceImports(dir: string): string[] {
  const found = new Set<string>();
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (
        /\.tsx?$/.test(entry.name) &&
        !/\.test\.tsx?$/.test(entry.name)
      ) {
        const text = fs.readFileSync(full, 'utf8');
        for (const match of text.matchAll(
          /from '((?:@[^/']+\/)?[^/'.][^/']*)/g,
        )) {
          found.add(match[1]);
        }
      }
    }
  };
  walk(path.join(dir, 'src'));
  return [...found];
}

describe('the frontend plugin', () => {
  const packages = workspacePackages();

  it('reaches no Node-only or engine package through its dependencies', () => {
    const reached = new Set<string>();
    const queue = ['@ai-finops/backstage-plugin-finops'];
    while (queue.length > 0) {
      const name = queue.shift()!;
      if (reached.has(name)) continue;
      reached.add(name);
      for (const dep of packages.get(name)?.deps ?? []) queue.push(dep);
    }
    expect(packages.has('@ai-finops/backstage-plugin-finops-common')).toBe(
      true,
    );
    expect(reached).toContain('@ai-finops/backstage-plugin-finops-common');
    expect(NOT_IN_THE_BROWSER.filter(name => reached.has(name))).toEqual([]);
  });

  it('imports in its source and in finops-common only what they declare', () => {
    for (const name of [
      '@ai-finops/backstage-plugin-finops',
      '@ai-finops/backstage-plugin-finops-common',
    ]) {
      const pkg = packages.get(name)!;
      const undeclared = sourceImports(pkg.dir).filter(
        imported =>
          !pkg.deps.includes(imported) && !pkg.peers.includes(imported),
      );
      expect({ name, undeclared }).toEqual({ name, undeclared: [] });
      expect(
        sourceImports(pkg.dir).filter(i => NOT_IN_THE_BROWSER.includes(i)),
      ).toEqual([]);
    }
  });
});
