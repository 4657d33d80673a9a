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

// The configuration reference in docs/install.md, generated from every suite
// package's config.d.ts through the schema Backstage itself loads
// (`backstage-cli config:schema`), so the docs cannot drift from the code.
//
//   node scripts/config-reference.mjs           rewrite the block in docs/install.md
//   node scripts/config-reference.mjs --check   fail when the block is out of date (CI)
//   … --doc FILE                                 another Markdown file with the block
//
// The block sits between `<!-- config-reference:start -->` and
// `<!-- config-reference:end -->`.

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import prettier from 'prettier';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const docFlag = process.argv.indexOf('--doc');
const docPath =
  docFlag > 0
    ? path.resolve(process.argv[docFlag + 1])
    : path.join(root, 'docs/install.md');
const START = '<!-- config-reference:start -->';
const END = '<!-- config-reference:end -->';
const SCOPE = '@ai-finops/';

function loadSchemas() {
  // The backend package depends on every backend plugin and module of the
  // suite, so its schema set holds all of their config.d.ts files.
  const out = execFileSync(
    'yarn',
    [
      'backstage-cli',
      'config:schema',
      '--package',
      'backend',
      '--format',
      'json',
    ],
    {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const schemas = JSON.parse(out.slice(out.indexOf('{'))).schemas;
  return schemas
    .filter(s => s.packageName.startsWith(SCOPE))
    .sort((a, b) => a.packageName.localeCompare(b.packageName));
}

/** A Backstage task schedule (frequency/timeout/…) is shown as one row. */
function isSchedule(node) {
  const keys = Object.keys(node.properties ?? {});
  return keys.includes('frequency') && keys.includes('timeout');
}

function typeOf(node) {
  if (node.enum) return node.enum.map(v => `\`${v}\``).join(' | ');
  if (node.anyOf) return node.anyOf.map(typeOf).join(' | ');
  if (node.type === 'object' && isSchedule(node)) return 'task schedule';
  if (node.type === 'array')
    return `${node.items ? typeOf(node.items) : 'any'}[]`;
  if (node.type === 'object' && node.additionalProperties && !node.properties) {
    return `map of ${typeOf(node.additionalProperties)}`;
  }
  return Array.isArray(node.type) ? node.type.join(' | ') : node.type ?? 'any';
}

function cell(text) {
  return (text ?? '').replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
}

/** Flattens a schema into rows: key path, type, required, secret, description. */
function rows(node, key, required, out) {
  const leaf = node.type !== 'object' || isSchedule(node) || !node.properties;
  const items = node.type === 'array' ? node.items : undefined;
  if (key && (leaf || node.description)) {
    out.push({
      key,
      type: typeOf(node),
      required,
      secret: node.visibility === 'secret',
      description: node.description,
    });
  }
  if (!leaf) {
    for (const [name, child] of Object.entries(node.properties)) {
      rows(
        child,
        key ? `${key}.${name}` : name,
        node.required?.includes(name),
        out,
      );
    }
  } else if (items?.type === 'object' && items.properties) {
    for (const [name, child] of Object.entries(items.properties)) {
      rows(child, `${key}[].${name}`, items.required?.includes(name), out);
    }
  }
  return out;
}

function render(schemas) {
  const lines = [
    '',
    "_Generated from each package's `config.d.ts` by `node scripts/config-reference.mjs`; CI fails when it is out of date._",
    '',
  ];
  for (const { packageName, value } of schemas) {
    lines.push(`### \`${packageName}\``, '');
    lines.push('| key | type | description |', '| --- | --- | --- |');
    for (const row of rows(value, '', false, [])) {
      const marks = [row.required ? 'required' : '', row.secret ? 'secret' : '']
        .filter(Boolean)
        .join(', ');
      lines.push(
        `| \`${row.key}\` | ${cell(row.type)}${
          marks ? ` (${marks})` : ''
        } | ${cell(row.description)} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

const doc = readFileSync(docPath, 'utf8');
const start = doc.indexOf(START);
const end = doc.indexOf(END);
if (start < 0 || end < start) {
  console.error(`config-reference: ${docPath} has no ${START} … ${END} block`);
  process.exit(1);
}
// Formatted as `yarn prettier:check` wants it, so both checks agree.
const next = prettier.format(
  `${doc.slice(0, start + START.length)}\n${render(loadSchemas())}\n${doc.slice(
    end,
  )}`,
  { ...(await prettier.resolveConfig(docPath)), filepath: docPath },
);
if (process.argv.includes('--check')) {
  if (next !== doc) {
    console.error(
      'config-reference: docs/install.md is out of date with the config.d.ts files; run `node scripts/config-reference.mjs`',
    );
    process.exit(1);
  }
  console.log(
    `config-reference: ${path.relative(
      root,
      docPath,
    )} matches every config.d.ts`,
  );
} else {
  writeFileSync(docPath, next);
  console.log(`config-reference: wrote ${path.relative(root, docPath)}`);
}
