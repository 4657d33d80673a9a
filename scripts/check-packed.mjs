#!/usr/bin/env node
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

// Checks packed npm tarballs (the output of `yarn pack`) as an installer sees
// them. Usage:
//
//   node scripts/check-packed.mjs <file.tgz | directory>...
//
// A directory stands for the *.tgz files in it. For each tarball it fails when
//   - package.json is missing, still says "private": true, or still contains
//     a `workspace:` range (yarn pack replaces them with real versions),
//   - main, module, types, typings, browser, bin, configSchema, a target of
//     exports or of typesVersions names a file that is not in the tarball,
//   - the tarball ships sources or tests: src/, *.test.*, __fixtures__,
//     __testUtils__, setupTests,
//   - a built file imports a package that package.json does not declare:
//     dist/**/*.{js,cjs,mjs} against dependencies, peerDependencies and
//     optionalDependencies; dist/**/*.d.ts also against @types/* packages
//     (Node built-ins and the package itself are always fine).
// Exit status 0 when every tarball passes, 1 otherwise; one line per tarball.

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { builtinModules } from 'node:module';

/** Reads a gzipped tar archive into a map of path (without `package/`) to contents. */
function readTarball(file) {
  const data = zlib.gunzipSync(fs.readFileSync(file));
  const files = new Map();
  let offset = 0;
  let longName;
  let paxPath;
  const str = (start, length) =>
    data
      .subarray(start, start + length)
      .toString('utf8')
      .replace(/\0.*$/s, '');
  while (offset + 512 <= data.length) {
    const header = data.subarray(offset, offset + 512);
    if (header.every(b => b === 0)) break;
    const size = parseInt(str(offset + 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 48);
    const prefix = str(offset + 345, 155);
    let name = str(offset, 100);
    if (prefix) name = `${prefix}/${name}`;
    const body = data.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    if (type === 'x') {
      const match = /\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
      paxPath = match?.[1];
      continue;
    }
    if (type === 'g') continue;
    name = paxPath ?? longName ?? name;
    longName = undefined;
    paxPath = undefined;
    if (type !== '0' && type !== '\0' && type !== '7') continue;
    files.set(name.replace(/^[^/]+\//, ''), body);
  }
  return files;
}

const BUILTINS = new Set(builtinModules.flatMap(m => [m, `node:${m}`]));

function packageOfSpecifier(specifier) {
  if (specifier.startsWith('node:')) return specifier;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const PACKAGE_SPECIFIER = /^(node:[\w/]+|(@[\w.-]+\/)?[\w.-]+(\/[\w./@-]*)?)$/;

function importedSpecifiers(text) {
  const found = new Set();
  const patterns = [
    // import … from 'x' / export … from 'x' (ESM and .d.ts)
    /(?:^|[;}\s])(?:import|export)\s+[^;'"`]*?\bfrom\s*['"]([^'"\s]+)['"]/g,
    // require('x') / import('x') as code: not after a letter, quote or `[`, as
    // in an error message that says "call [require("x")]"
    /(?:^|[\s(=,!:?;{&|])import\s*\(\s*['"]([^'"\s]+)['"]\s*\)/gm,
    /(?:^|[\s(=,!:?;{&|])require\s*\(\s*['"]([^'"\s]+)['"]\s*\)/gm,
    /^\s*import\s*['"]([^'"\s]+)['"]/gm,
    /\/\/\/\s*<reference\s+types\s*=\s*['"]([^'"\s]+)['"]/g,
  ];
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) found.add(match[1]);
  }
  return [...found].filter(
    s => !s.startsWith('.') && !s.startsWith('/') && PACKAGE_SPECIFIER.test(s),
  );
}

/**
 * Every file target of an exports / typesVersions value (the `backstage`
 * condition that prepack adds is metadata, such as "@backstage/BackendFeature").
 */
function targets(value) {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(targets);
  if (value && typeof value === 'object')
    return Object.entries(value)
      .filter(([condition]) => condition !== 'backstage')
      .flatMap(([, target]) => targets(target));
  return [];
}

function checkTarball(file) {
  const problems = [];
  let files;
  try {
    files = readTarball(file);
  } catch (e) {
    return { name: path.basename(file), problems: [`unreadable: ${e}`] };
  }
  const manifestText = files.get('package.json')?.toString('utf8');
  if (!manifestText) {
    return { name: path.basename(file), problems: ['no package.json'] };
  }
  const pkg = JSON.parse(manifestText);
  const has = p => files.has(path.posix.normalize(p).replace(/^\.\//, ''));

  if (pkg.private) problems.push('package.json says "private": true');
  if (manifestText.includes('workspace:')) {
    const fields = [
      'dependencies',
      'devDependencies',
      'peerDependencies',
      'optionalDependencies',
    ].filter(f => JSON.stringify(pkg[f] ?? {}).includes('workspace:'));
    problems.push(
      `still has workspace: ranges (${fields.join(', ') || 'package.json'})`,
    );
  }

  const pointers = [];
  for (const field of ['main', 'module', 'types', 'typings', 'browser']) {
    if (typeof pkg[field] === 'string') pointers.push([field, pkg[field]]);
  }
  if (typeof pkg.bin === 'string') pointers.push(['bin', pkg.bin]);
  else
    for (const [cmd, target] of Object.entries(pkg.bin ?? {}))
      pointers.push([`bin.${cmd}`, target]);
  if (typeof pkg.configSchema === 'string')
    pointers.push(['configSchema', pkg.configSchema]);
  if (pkg.exports !== undefined)
    for (const target of targets(pkg.exports))
      pointers.push(['exports', target]);
  for (const target of targets(pkg.typesVersions ?? {}))
    pointers.push(['typesVersions', target]);
  for (const [field, target] of pointers) {
    if (target.includes('*')) {
      const re = new RegExp(
        `^${target
          .replace(/^\.\//, '')
          .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')}$`,
      );
      if (![...files.keys()].some(f => re.test(f)))
        problems.push(`${field} → ${target}: no file matches`);
    } else if (!has(target)) {
      problems.push(`${field} → ${target}: not in the tarball`);
    }
  }

  const shipped = [...files.keys()].filter(
    f =>
      f.startsWith('src/') ||
      /(^|\/)(__fixtures__|__testUtils__|__mocks__)\//.test(f) ||
      /\.test\.[cm]?[jt]sx?$/.test(f) ||
      /(^|\/)setupTests\.[jt]sx?$/.test(f),
  );
  if (shipped.length > 0) {
    problems.push(
      `ships sources or tests: ${shipped.slice(0, 5).join(', ')}${
        shipped.length > 5 ? `, … (${shipped.length})` : ''
      }`,
    );
  }

  const runtime = new Set([
    pkg.name,
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
    ...Object.keys(pkg.optionalDependencies ?? {}),
  ]);
  const undeclared = new Map();
  for (const [name, body] of files) {
    const isTypes = /\.d\.[cm]?ts$/.test(name);
    if (!isTypes && !/\.[cm]?js$/.test(name)) continue;
    // Comment blocks that open a line (JSDoc: `@param {import('knex').Knex}`)
    // are not imports.
    const code = body.toString('utf8').replace(/^\s*\/\*[\s\S]*?\*\//gm, '');
    for (const specifier of importedSpecifiers(code)) {
      const dep = packageOfSpecifier(specifier);
      if (BUILTINS.has(dep) || runtime.has(dep)) continue;
      if (isTypes) {
        if (dep === 'node') continue; // /// <reference types="node" />
        const typesName = `@types/${dep.replace(/^@/, '').replace('/', '__')}`;
        if (runtime.has(typesName)) continue;
      }
      if (!undeclared.has(dep)) undeclared.set(dep, name);
    }
  }
  for (const [dep, where] of undeclared) {
    problems.push(
      `${where} imports ${dep}, which package.json does not declare`,
    );
  }

  return {
    name: pkg.name ?? path.basename(file),
    version: pkg.version,
    problems,
  };
}

const args = process.argv.slice(2);
if (args.length === 0) {
  console.error('usage: node scripts/check-packed.mjs <file.tgz | dir>...');
  process.exit(2);
}
const tarballs = args.flatMap(arg =>
  fs.statSync(arg).isDirectory()
    ? fs
        .readdirSync(arg)
        .filter(f => f.endsWith('.tgz'))
        .sort()
        .map(f => path.join(arg, f))
    : [arg],
);
if (tarballs.length === 0) {
  console.error(`no .tgz files in ${args.join(' ')}`);
  process.exit(1);
}
let failed = 0;
for (const file of tarballs) {
  const { name, version, problems } = checkTarball(file);
  if (problems.length === 0) {
    console.log(`ok    ${name}@${version} (${path.basename(file)})`);
  } else {
    failed++;
    console.log(`FAIL  ${name}@${version ?? '?'} (${path.basename(file)})`);
    for (const problem of problems) console.log(`        ${problem}`);
  }
}
if (failed > 0) {
  console.error(`${failed} of ${tarballs.length} tarballs failed the check`);
  process.exit(1);
}
