#!/usr/bin/env node
/*
 * Checks the demo portal's built frontend bundle (packages/app/dist, made by
 * `yarn workspace app build`): of the suite, only the frontend plugin and
 * finops-common may be in it, and nothing of the engine, the guardrails, the
 * Node libraries, CEL or knex. Reads the source maps the build writes.
 *
 *   node scripts/check-frontend-bundle.mjs [--build]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const staticDir = path.join(root, 'packages/app/dist/static');

if (process.argv.includes('--build')) {
  execFileSync('yarn', ['workspace', 'app', 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
if (!fs.existsSync(staticDir)) {
  console.error(
    `check-frontend-bundle: ${staticDir} is missing; run with --build or yarn workspace app build first`,
  );
  process.exit(2);
}

const ALLOWED_SUITE_PACKAGES = new Set(['finops', 'finops-common']);
const FORBIDDEN = [
  /node_modules\/@marcbachmann\/cel-js\//,
  /node_modules\/knex\//,
  /node_modules\/pg\//,
  /node_modules\/better-sqlite3\//,
  /node_modules\/@aws-sdk\//,
];

const suitePackages = new Map();
const forbidden = new Set();
let sources = 0;
const maps = fs.readdirSync(staticDir).filter(f => f.endsWith('.js.map'));
for (const file of maps) {
  const map = JSON.parse(fs.readFileSync(path.join(staticDir, file), 'utf8'));
  for (const source of map.sources ?? []) {
    sources += 1;
    const suite =
      source.match(/\/plugins\/(finops[^/]*)\//) ??
      source.match(/\/@ai-finops\/backstage-plugin-([^/]+)\//);
    if (suite) {
      const files = suitePackages.get(suite[1]) ?? new Set();
      files.add(source);
      suitePackages.set(suite[1], files);
    }
    if (FORBIDDEN.some(pattern => pattern.test(source))) forbidden.add(source);
  }
}

const summary = [...suitePackages]
  .map(([name, files]) => `${name} (${files.size} files)`)
  .join(', ');
console.log(
  `check-frontend-bundle: ${
    maps.length
  } source maps, ${sources} sources; suite packages in the bundle: ${
    summary || 'none'
  }`,
);
const unexpected = [...suitePackages.keys()].filter(
  name => !ALLOWED_SUITE_PACKAGES.has(name),
);
let failed = false;
if (unexpected.length > 0) {
  console.error(
    `check-frontend-bundle: the bundle holds suite packages that must stay on the server: ${unexpected.join(
      ', ',
    )}`,
  );
  failed = true;
}
if (forbidden.size > 0) {
  console.error(
    `check-frontend-bundle: the bundle holds server-only modules: ${[
      ...forbidden,
    ]
      .slice(0, 10)
      .join(', ')}`,
  );
  failed = true;
}
if (!suitePackages.has('finops')) {
  console.error(
    'check-frontend-bundle: the frontend plugin is not in the bundle; is the app built with the suite?',
  );
  failed = true;
}
process.exit(failed ? 1 : 0);
