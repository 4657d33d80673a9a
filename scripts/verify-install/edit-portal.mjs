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

// The source edits of docs/install.md, made to a stock portal from
// @backstage/create-app, and nothing else:
//
// 1. packages/backend/src/index.ts: the AI FinOps permission policy in place
//    of the allow-all policy module; the finops backend, its data-source
//    modules and the scaffolder module before backend.start().
// 2. app-config.yaml: the guest signs in as the demo's user:default/guest;
//    the template's example organisation (its own user:default/guest) gives
//    way to the demo organisation; catalog locations for the demo entities and
//    the template shipped in the packages; finops.demo.enabled and
//    finops.guardrails.policies.
//
// The frontend plugin needs no edit: the app's `app.packages: all` discovers
// it from packages/app's dependencies. Comments of app-config.yaml are kept.
// With --legacy (an app of create-app --legacy, the legacy frontend system)
// also:
//
// 3. EntityPage.tsx: the four cards on the overview of entities with a cost
//    annotation and the FinOps tab on the service page; App.tsx: the /finops
//    route and the cost preview field in the scaffolder's routes; Root.tsx: a
//    FinOps sidebar item.
//
//   node scripts/verify-install/edit-portal.mjs [--legacy] <portal folder>

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';

const argv = process.argv.slice(2);
const legacy = argv.includes('--legacy');
const portal = path.resolve(argv.find(a => !a.startsWith('--')) ?? '.');
const fail = message => {
  console.error(`edit-portal: ${message}`);
  process.exit(1);
};

// Paths relative to packages/backend, where the backend runs; with Yarn's
// node-modules linker the suite's packages are hoisted to the root.
const modules = '../../node_modules/@ai-finops';
const demo = `${modules}/backstage-plugin-finops-backend-module-demo`;
const scaffolderModule = `${modules}/backstage-plugin-scaffolder-backend-module-finops`;

// 1. The backend.
const indexTs = path.join(portal, 'packages/backend/src/index.ts');
let backend = readFileSync(indexTs, 'utf8');
const allowAll =
  /backend\.add\(\s*import\('@backstage\/plugin-permission-backend-module-allow-all-policy'\),?\s*\);\n/;
if (!allowAll.test(backend))
  fail(`${indexTs} does not add the allow-all policy module`);
backend = backend.replace(
  allowAll,
  `backend.add(
  import('@ai-finops/backstage-plugin-permission-backend-module-finops'),
);
`,
);
const start = 'backend.start();';
if (!backend.includes(start)) fail(`${indexTs} has no ${start}`);
backend = backend.replace(
  start,
  `// AI FinOps: the cost store and API, its data sources (each idle until
// configured) and the scaffolder actions of the inference-service template
backend.add(import('@ai-finops/backstage-plugin-finops-backend'));
backend.add(import('@ai-finops/backstage-plugin-finops-backend-module-demo'));
backend.add(
  import('@ai-finops/backstage-plugin-finops-backend-module-opencost'),
);
backend.add(
  import('@ai-finops/backstage-plugin-finops-backend-module-prometheus'),
);
backend.add(import('@ai-finops/backstage-plugin-finops-backend-module-focus'));
backend.add(import('@ai-finops/backstage-plugin-finops-backend-module-carbon'));
backend.add(
  import('@ai-finops/backstage-plugin-scaffolder-backend-module-finops'),
);

${start}`,
);
writeFileSync(indexTs, backend);

// 2. app-config.yaml, edited as text (its comments and layout stay) and
// checked as data: the result must be the original plus these edits only.
const configFile = path.join(portal, 'app-config.yaml');
const original = readFileSync(configFile, 'utf8');
const parse = text => {
  const doc = parseDocument(text);
  if (doc.errors.length) fail(`${configFile}: ${doc.errors[0].message}`);
  return doc;
};
const before = parse(original).toJS();
let text = original;

// The demo's guest, a member of platform-engineering (the default FinOps
// admin group); the template's guest is user:development/guest.
const guest = /^( *)guest: \{\}\n/m;
if (!guest.test(text)) fail(`${configFile}: no 'guest: {}' provider`);
text = text.replace(guest, '$1guest:\n$1  userEntityRef: user:default/guest\n');

// The template's example organisation defines another user:default/guest.
const org =
  /(?:\n *# Local example organizational data)?\n( *)- type: file\n\1 {2}target: \.\.\/\.\.\/examples\/org\.yaml\n\1 {2}rules:\n\1 {4}- allow: \[[^\]\n]*\]\n/;
if (!org.test(text))
  fail(`${configFile}: no ../../examples/org.yaml catalog location`);
text = text.replace(org, '');

// The demo catalog and the template, from the installed packages.
const added = [
  { type: 'file', target: `${demo}/examples/entities.yaml` },
  {
    type: 'file',
    target: `${demo}/examples/org.yaml`,
    rules: [{ allow: ['User', 'Group', 'Domain', 'System'] }],
  },
  {
    type: 'file',
    target: `${scaffolderModule}/templates/inference-service/template.yaml`,
    rules: [{ allow: ['Template'] }],
  },
];
const items = parse(text).getIn(['catalog', 'locations'])?.items;
if (!items?.length) fail(`${configFile} has no catalog.locations`);
const lineStart = text.lastIndexOf('\n', items[0].range[0]) + 1;
const indent = text.slice(lineStart).match(/^ */)[0];
const at = text.indexOf('\n', items[items.length - 1].range[1] - 1) + 1;
const entry = l =>
  [
    `${indent}- type: file`,
    `${indent}  target: ${l.target}`,
    ...(l.rules
      ? [
          `${indent}  rules:`,
          `${indent}    - allow: [${l.rules[0].allow.join(', ')}]`,
        ]
      : []),
  ].join('\n');
const block = [
  '',
  `${indent}# AI FinOps: the demo organisation and services, and the inference-service template`,
  ...added.map(entry),
  '',
].join('\n');
text = text.slice(0, at) + block + text.slice(at);

if ('finops' in before) fail(`${configFile} already has finops`);
const finops = {
  demo: { enabled: true },
  guardrails: { policies: `${scaffolderModule}/policies` },
};
text = `${text.replace(/\n*$/, '\n')}
# AI FinOps: the demo data source (seeded costs for the demo catalog) and the
# guardrail policies the template's cost preview and actions apply
finops:
  demo:
    enabled: true
  guardrails:
    policies: ${finops.guardrails.policies}
`;

const expected = structuredClone(before);
expected.auth.providers.guest = { userEntityRef: 'user:default/guest' };
expected.catalog.locations = [
  ...expected.catalog.locations.filter(
    l => l.target !== '../../examples/org.yaml',
  ),
  ...added,
];
expected.finops = finops;
if (JSON.stringify(parse(text).toJS()) !== JSON.stringify(expected))
  fail(`${configFile}: the edited file is not the original plus the edits`);
writeFileSync(configFile, text);

// 3. The legacy frontend system's wiring, by hand.
/** Applies [pattern, replacement] edits to a file; each pattern must match. */
function edit(file, edits) {
  const full = path.join(portal, file);
  let source = readFileSync(full, 'utf8');
  for (const [pattern, replacement] of edits) {
    if (!source.match(pattern)) fail(`${file}: no ${pattern}`);
    source = source.replace(pattern, replacement);
  }
  writeFileSync(full, source);
}
if (legacy) {
  edit('packages/app/src/components/catalog/EntityPage.tsx', [
    [
      /\n\nconst techdocsContent = /,
      `
import {
  EntityFinopsCarbonCard,
  EntityFinopsContent,
  EntityFinopsCostCard,
  EntityFinopsEfficiencyCard,
  EntityFinopsRecommendationsCard,
  isFinopsAvailable,
} from '@ai-finops/backstage-plugin-finops';

const techdocsContent = `,
    ],
    [
      /(const overviewContent = \([\s\S]*?)\n {2}<\/Grid>\n\);/,
      `$1
    <EntitySwitch>
      <EntitySwitch.Case if={isFinopsAvailable}>
        <Grid item md={6} xs={12}>
          <EntityFinopsCostCard />
        </Grid>
        <Grid item md={6} xs={12}>
          <EntityFinopsEfficiencyCard />
        </Grid>
        <Grid item md={6} xs={12}>
          <EntityFinopsCarbonCard />
        </Grid>
        <Grid item md={6} xs={12}>
          <EntityFinopsRecommendationsCard />
        </Grid>
      </EntitySwitch.Case>
    </EntitySwitch>
  </Grid>
);`,
    ],
    [
      /(const serviceEntityPage = \([\s\S]*?<\/EntityLayout\.Route>\n)/,
      `$1
    <EntityLayout.Route path="/finops" title="FinOps" if={isFinopsAvailable}>
      <EntityFinopsContent />
    </EntityLayout.Route>
`,
    ],
  ]);
  edit('packages/app/src/App.tsx', [
    [
      /\nimport { apis } from '\.\/apis';/,
      `
import { ScaffolderFieldExtensions } from '@backstage/plugin-scaffolder-react';
import {
  FinopsCostPreviewFieldExtension,
  FinopsPage,
} from '@ai-finops/backstage-plugin-finops';
import { apis } from './apis';`,
    ],
    [
      /( *)<Route path="\/create" element={<ScaffolderPage \/>} \/>\n/,
      `$1<Route path="/create" element={<ScaffolderPage />}>
$1  <ScaffolderFieldExtensions>
$1    <FinopsCostPreviewFieldExtension />
$1  </ScaffolderFieldExtensions>
$1</Route>
$1<Route path="/finops" element={<FinopsPage />} />
`,
    ],
  ]);
  edit('packages/app/src/components/Root/Root.tsx', [
    [
      /\nimport LogoFull from '\.\/LogoFull';/,
      `
import MoneyIcon from '@material-ui/icons/MonetizationOn';
import LogoFull from './LogoFull';`,
    ],
    [
      /( *)(<SidebarItem icon={CreateComponentIcon} to="create" text="Create\.\.\." \/>\n)/,
      `$1$2$1<SidebarItem icon={MoneyIcon} to="finops" text="FinOps" />
`,
    ],
  ]);
}
console.log(
  `edit-portal: packages/backend/src/index.ts, app-config.yaml${
    legacy ? ', EntityPage.tsx, App.tsx and Root.tsx' : ''
  } edited`,
);
