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

// Brings a portal made by @backstage/create-app to this repository's Backstage
// release without the release manifests (versions.backstage.io is not
// reachable here), doing what `yarn backstage-cli versions:bump --release
// <release>` does with them: every @backstage/* range in the portal's
// package.json files is raised to the version of that release, keeping its
// prefix (^, ~ or none), and backstage.json gets the release.
//
// The release's versions are the ones this repository's yarn.lock resolves
// (backstage.json pins the release here). A package the repository does not
// use (techdocs, notifications, ...) gets the newest stable version the
// registry published by the release date: the day @backstage/cli's locked
// version was published, plus two days. Asked with `npm view <name> time`,
// one package at a time, for those packages only.
//
//   node scripts/verify-install/bump-release.mjs <portal folder>

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../..',
);
const portal = path.resolve(process.argv[2] ?? '');
if (!process.argv[2] || !existsSync(path.join(portal, 'backstage.json'))) {
  console.error('usage: bump-release.mjs <portal folder with backstage.json>');
  process.exit(2);
}
const release = JSON.parse(
  readFileSync(path.join(root, 'backstage.json'), 'utf8'),
).version;

const parse = v => v.split('.').map(Number);
const newer = (a, b) => {
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i];
  return false;
};
const stable = v => /^\d+\.\d+\.\d+$/.test(v);

// name -> highest version the repository's lockfile resolves.
const locked = new Map();
for (const block of readFileSync(path.join(root, 'yarn.lock'), 'utf8').split(
  /\n\n/,
)) {
  const header = block.match(/^"?(@backstage\/[^@"\s]+)@npm:/m);
  const version = block.match(/\n {2}version: "?([^"\s]+)/);
  if (!header || !version || !stable(version[1])) continue;
  const prev = locked.get(header[1]);
  if (!prev || newer(version[1], prev)) locked.set(header[1], version[1]);
}

function registryTimes(name) {
  const out = execFileSync('npm', ['view', name, 'time', '--json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out);
}

let cutoff;
function releaseCutoff() {
  if (!cutoff) {
    const cli = locked.get('@backstage/cli');
    const published = registryTimes('@backstage/cli')[cli];
    if (!published)
      throw new Error(`the registry has no @backstage/cli ${cli}`);
    cutoff = new Date(Date.parse(published) + 2 * 86_400_000);
  }
  return cutoff;
}

function fromRegistry(name) {
  const times = registryTimes(name);
  let best;
  for (const [version, time] of Object.entries(times)) {
    if (!stable(version) || new Date(time) > releaseCutoff()) continue;
    if (!best || newer(version, best)) best = version;
  }
  if (!best)
    throw new Error(`no version of ${name} published by ${releaseCutoff()}`);
  return best;
}

const manifests = ['package.json'];
for (const dir of ['packages', 'plugins']) {
  if (!existsSync(path.join(portal, dir))) continue;
  for (const entry of readdirSync(path.join(portal, dir))) {
    const file = path.join(dir, entry, 'package.json');
    if (existsSync(path.join(portal, file))) manifests.push(file);
  }
}

const target = new Map();
let changed = 0;
for (const file of manifests) {
  const full = path.join(portal, file);
  const pkg = JSON.parse(readFileSync(full, 'utf8'));
  for (const field of ['dependencies', 'devDependencies']) {
    for (const [name, range] of Object.entries(pkg[field] ?? {})) {
      if (!name.startsWith('@backstage/')) continue;
      const m = range.match(/^([\^~]?)(\d+\.\d+\.\d+.*)$/);
      if (!m) continue;
      if (!target.has(name)) {
        const version = locked.get(name);
        target.set(
          name,
          version
            ? { version, from: 'yarn.lock' }
            : { version: fromRegistry(name), from: 'registry' },
        );
      }
      const { version, from } = target.get(name);
      const next = `${m[1]}${version}`;
      if (next !== range) {
        pkg[field][name] = next;
        changed++;
        console.log(`${file}: ${name} ${range} -> ${next} (${from})`);
      }
    }
  }
  writeFileSync(full, `${JSON.stringify(pkg, null, 2)}\n`);
}

const backstageJson = path.join(portal, 'backstage.json');
const before = JSON.parse(readFileSync(backstageJson, 'utf8')).version;
writeFileSync(
  backstageJson,
  `${JSON.stringify({ version: release }, null, 2)}\n`,
);
console.log(
  `backstage.json: ${before} -> ${release}; ${changed} @backstage/* ranges raised`,
);
