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

// The published form of @ai-finops/cli: a self-contained bundle in dist/, as
// the suite's workspace packages are not on any registry.
//
//   node scripts/build.mjs [--outdir <dir>]      (yarn build; default dist/)
//
// - dist/index.cjs: commander and the command definitions (src/commands),
//   nothing else, so that --version, --help and bad flags load almost nothing;
// - dist/<command>.cjs: a command's implementation (src/actions/<command>.ts)
//   with the suite's packages and their pure-JS dependencies inlined, required
//   by its action when it runs;
// - dist/store.cjs: the store (src/store.ts: finops-node's DatabaseFinopsStore,
//   knex, pg), shared by ingest, costs and estimate --database, and
//   dist/migrations, the store's knex migrations, which knex reads from a
//   folder at run time;
// - *.map source maps (NODE_OPTIONS=--enable-source-maps maps stack traces to
//   the TypeScript sources) and THIRD_PARTY_NOTICES.md, the licences of the
//   bundled packages.
//
// Left out: better-sqlite3, a native addon (a SQLite --database needs it
// installed beside the CLI; src/database.ts says so), and the database drivers
// knex can load that the store does not use.

import { build } from 'esbuild';
import fs from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const packageDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
);
const require = createRequire(path.join(packageDir, 'package.json'));

const { values: args } = parseArgs({
  options: { outdir: { type: 'string', default: 'dist' } },
});
const outdir = path.resolve(packageDir, args.outdir);

/**
 * The one package the bundle requires at run time: a native addon, an
 * optional peer dependency of the published package (src/database.ts asks
 * for it when a SQLite --database needs it).
 */
const EXTERNAL = ['better-sqlite3'];

/**
 * Modules that bundled code requires only to use them when they are there
 * (knex's drivers of databases the store does not use, pg's native binding
 * and cursor stream). None is installed or needed: each becomes a
 * module that throws MODULE_NOT_FOUND when required, as if it were absent,
 * so that the bundle names no package that the package.json does not declare.
 */
const ABSENT = [
  'pg-native',
  'pg-query-stream',
  'sqlite3',
  'mysql',
  'mysql2',
  'mariadb',
  'mariadb/callback',
  'oracledb',
  'tedious',
];

const absent = {
  name: 'absent',
  setup(b) {
    const filter = new RegExp(
      `^(${ABSENT.map(m => m.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join(
        '|',
      )})$`,
    );
    b.onResolve({ filter }, ({ path: request }) => ({
      path: request,
      namespace: 'absent',
    }));
    b.onLoad({ filter: /.*/, namespace: 'absent' }, ({ path: request }) => ({
      contents: `const error = new Error(${JSON.stringify(
        `Cannot find module '${request}' (not bundled with @ai-finops/cli)`,
      )});\nerror.code = 'MODULE_NOT_FOUND';\nthrow error;\n`,
      loader: 'js',
    }));
  },
};

const actions = fs
  .readdirSync(path.join(packageDir, 'src/actions'))
  .filter(
    f => f.endsWith('.ts') && !f.endsWith('.test.ts') && !/Input\.ts$/.test(f),
  )
  .map(f => f.slice(0, -'.ts'.length));

/**
 * The seams between the bundles: the command definitions require
 * `../actions/<command>`, the actions `../store`; in dist/ those are the
 * files <command>.cjs and store.cjs beside them.
 */
const seams = {
  name: 'seams',
  setup(b) {
    b.onResolve(
      { filter: /^\.\.\/(actions\/\w+|store)$/ },
      ({ path: request, importer }) => {
        const from = path.basename(path.dirname(importer));
        if (request === '../store' && from === 'actions') {
          return { path: './store.cjs', external: true };
        }
        const name = path.basename(request);
        if (from === 'commands' && actions.includes(name)) {
          return { path: `./${name}.cjs`, external: true };
        }
        return undefined;
      },
    );
  },
};

fs.rmSync(outdir, { recursive: true, force: true });

const result = await build({
  absWorkingDir: packageDir,
  entryPoints: [
    { in: 'src/index.ts', out: 'index' },
    { in: 'src/store.ts', out: 'store' },
    ...actions.map(name => ({ in: `src/actions/${name}.ts`, out: name })),
  ],
  outdir,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'eof',
  metafile: true,
  logLevel: 'silent',
  external: EXTERNAL,
  alias: {
    // finops-node's store asks it for its migrations folder; the rest of it
    // (the backend system) is no use in a CLI. See the shim.
    '@backstage/backend-plugin-api': path.join(
      packageDir,
      'scripts/backend-plugin-api-shim.mjs',
    ),
  },
  // import.meta.url as in a CommonJS module: the file URL of the bundle.
  define: { 'import.meta.url': '__aiFinopsImportMetaUrl' },
  inject: [path.join(packageDir, 'scripts/import-meta-url.mjs')],
  plugins: [seams, absent],
});

// A warning (an import.meta, a require that cannot be followed…) would be a
// bundle that breaks at run time: none is accepted.
if (result.warnings.length) {
  for (const w of result.warnings) {
    const at = w.location ? `${w.location.file}:${w.location.line}: ` : '';
    process.stderr.write(`build: ${at}${w.text} [${w.id}]\n`);
  }
  throw new Error(`build: ${result.warnings.length} esbuild warning(s)`);
}

/** The inputs of each output file, by the name of the file in dist/. */
const inputsOf = new Map(
  Object.entries(result.metafile.outputs)
    .filter(([file]) => file.endsWith('.cjs'))
    .map(([file, output]) => [path.basename(file), Object.keys(output.inputs)]),
);
const holders = pattern =>
  [...inputsOf]
    .filter(([, inputs]) => inputs.some(i => pattern.test(i)))
    .map(([file]) => file);
const layout = [
  // commander and the definitions only in index.cjs, and nothing heavy there.
  [/node_modules\/commander\//, ['index.cjs']],
  [/^src\/commands\//, ['index.cjs']],
  // the store, knex, pg and the migrations' reader only in store.cjs.
  [/^src\/(store|database)\.ts$/, ['store.cjs']],
  [/node_modules\/(knex|pg)\//, ['store.cjs']],
  [/finops-node\/src\/store\/DatabaseFinopsStore\.ts$/, ['store.cjs']],
  [/backend-plugin-api-shim/, ['store.cjs']],
  // the AWS SDK (s3:// exports) only in ingest.cjs.
  [/node_modules\/@aws-sdk\//, ['ingest.cjs']],
  ...actions.map(name => [
    new RegExp(`^src/actions/${name}\\.ts$`),
    [`${name}.cjs`],
  ]),
];
for (const [pattern, expected] of layout) {
  const actual = holders(pattern);
  if (actual.join() !== expected.join()) {
    throw new Error(
      `build: ${pattern} is bundled in ${
        actual.join(', ') || 'nothing'
      }, expected ${expected.join(', ')}`,
    );
  }
}
if (
  inputsOf
    .get('index.cjs')
    .some(i => /node_modules\/(?!commander\/)|plugins\//.test(i))
) {
  throw new Error(
    `build: index.cjs bundles more than commander: ${inputsOf
      .get('index.cjs')
      .join(', ')}`,
  );
}

// What the bundle requires at run time: Node's modules, its own files and
// EXTERNAL, nothing else.
const builtins = new Set(builtinModules.flatMap(m => [m, `node:${m}`]));
for (const [file, output] of Object.entries(result.metafile.outputs)) {
  for (const { path: request, external } of output.imports) {
    if (!external || request.startsWith('./') || builtins.has(request))
      continue;
    if (!EXTERNAL.includes(request)) {
      throw new Error(`build: ${file} requires '${request}' at run time`);
    }
  }
}

// The store's migrations, read by knex from a folder (see the shim).
const finopsNode = path.dirname(
  require.resolve('@ai-finops/backstage-plugin-finops-node/package.json'),
);
fs.cpSync(
  path.join(finopsNode, 'migrations'),
  path.join(outdir, 'migrations'),
  {
    recursive: true,
    filter: src => fs.statSync(src).isDirectory() || /\.js$/.test(src),
  },
);

// The licences of the packages bundled from node_modules, each text once
// with the packages it covers.
const bundled = new Set();
for (const inputs of inputsOf.values()) {
  for (const input of inputs) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) bundled.add(path.resolve(packageDir, m[1]));
  }
}
const byText = new Map();
for (const dir of [...bundled].sort()) {
  const pkg = JSON.parse(
    fs.readFileSync(path.join(dir, 'package.json'), 'utf8'),
  );
  const licenseFile = fs
    .readdirSync(dir)
    .find(f => /^(licen[cs]e|copying)(\..*)?$/i.test(f));
  const text = licenseFile
    ? fs.readFileSync(path.join(dir, licenseFile), 'utf8').trim()
    : `${pkg.license ?? 'No licence'} (the package ships no licence file)`;
  byText.set(text, [
    ...(byText.get(text) ?? []),
    `${pkg.name}@${pkg.version} (${pkg.license ?? '?'})`,
  ]);
}
const notices = [
  '# Third-party notices',
  '',
  `The files in this folder bundle ${bundled.size} packages, under the licences below.`,
];
for (const [text, packages] of byText) {
  notices.push('', `## ${packages.join(', ')}`, '', '```', text, '```');
}
fs.writeFileSync(
  path.join(outdir, 'THIRD_PARTY_NOTICES.md'),
  `${notices.join('\n')}\n`,
);

const kb = file => `${(fs.statSync(file).size / 1024).toFixed(0)} KB`;
for (const file of Object.keys(result.metafile.outputs).filter(f =>
  f.endsWith('.cjs'),
)) {
  process.stdout.write(
    `${path.relative(packageDir, path.resolve(packageDir, file))}  ${kb(
      path.resolve(packageDir, file),
    )}\n`,
  );
}
process.stdout.write(`${bundled.size} packages from node_modules bundled\n`);
