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
import os from 'node:os';
import path from 'node:path';
import { parseYamlDocuments } from '@ai-finops/backstage-plugin-finops-guardrails';
import { expectBadInput, runAiFinops } from '../__testUtils__/aiFinops';

jest.setTimeout(120_000);

const POLICIES = path.resolve(__dirname, '../../../../policies');
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-finops-policies-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const aiFinops = (args: string[]) => runAiFinops(args, { cwd: dir });

const documents = (yaml: string, file = 'stdout') =>
  parseYamlDocuments({ path: file, content: yaml }).map(d => d.value as any);

describe('ai-finops policies export', () => {
  it('--to kyverno writes ValidatingPolicies on stdout and says what it skipped', () => {
    const result = aiFinops([
      'policies',
      'export',
      '--to',
      'kyverno',
      '--policies',
      POLICIES,
    ]);
    expect(result.code).toBe(0);
    const objects = documents(result.stdout);
    expect(objects.length).toBeGreaterThan(10);
    expect(new Set(objects.map(o => `${o.apiVersion} ${o.kind}`))).toEqual(
      new Set(['policies.kyverno.io/v1 ValidatingPolicy']),
    );
    const deny = objects.find(
      o => o.metadata.name === 'ai-finops-max-gpus-per-container-deny',
    );
    expect(deny.spec.validationActions).toEqual(['Deny']);
    // YAML 1.1 quoting: kubectl reads the selector value as the string off.
    expect(result.stdout).toContain('- "off"');
    expect(result.stderr).toMatch(
      /^skipped ai-finops-monthly-cost-cap: .*cross-object/m,
    );
    expect(result.stderr).toMatch(
      /^exported \d+ policies \(\d+ objects\) for kyverno; \d+ skipped$/m,
    );
  });

  it('--to gatekeeper --out writes a template and its constraints per policy', () => {
    const out = path.join(dir, 'gatekeeper');
    const result = aiFinops([
      'policies',
      'export',
      '--to',
      'gatekeeper',
      '--policies',
      POLICIES,
      '--out',
      out,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const files = fs.readdirSync(out).sort();
    expect(files).toContain('ai-finops-max-gpus-per-container.yaml');
    expect(files).not.toContain('ai-finops-monthly-cost-cap.yaml');
    const [template, ...constraints] = documents(
      fs.readFileSync(
        path.join(out, 'ai-finops-max-gpus-per-container.yaml'),
        'utf8',
      ),
    );
    expect(template).toMatchObject({
      apiVersion: 'templates.gatekeeper.sh/v1',
      kind: 'ConstraintTemplate',
      metadata: { name: 'aifinopsmaxgpuspercontainer' },
    });
    expect(template.spec.targets[0].code[0].engine).toBe('K8sNativeValidation');
    expect(
      constraints.map(c => [c.kind, c.metadata.name, c.spec.enforcementAction]),
    ).toEqual([
      [
        'AiFinopsMaxGpusPerContainer',
        'ai-finops-max-gpus-per-container-deny',
        'deny',
      ],
      [
        'AiFinopsMaxGpusPerContainer',
        'ai-finops-max-gpus-per-container-warn',
        'warn',
      ],
    ]);
    expect(constraints[0].spec.parameters.maxGpusPerContainer).toBe(4);
    expect(result.stderr).toMatch(
      new RegExp(
        `^exported ${files.length} policies .* for gatekeeper to `,
        'm',
      ),
    );
  });

  it('--params replaces the params of the policy source', () => {
    const params = path.join(dir, 'strict-params.yaml');
    fs.writeFileSync(
      params,
      fs
        .readFileSync(path.join(POLICIES, 'params.yaml'), 'utf8')
        .replace(/maxGpusPerContainer: \d+/, 'maxGpusPerContainer: 2'),
    );
    const result = aiFinops([
      'policies',
      'export',
      '--to',
      'gatekeeper',
      '--policies',
      POLICIES,
      '--params',
      params,
    ]);
    expect(result.code).toBe(0);
    const constraint = documents(result.stdout).find(
      o => o.metadata.name === 'ai-finops-max-gpus-per-container-deny',
    );
    expect(constraint.spec.parameters.maxGpusPerContainer).toBe(2);
  });

  it('refuses an unknown target, a missing one and a policy file that does not parse', () => {
    const exportToKyverno = (policies: string) =>
      expectBadInput(
        aiFinops([
          'policies',
          'export',
          '--to',
          'kyverno',
          '--policies',
          policies,
        ]),
      );
    expect(
      expectBadInput(
        aiFinops(['policies', 'export', '--to', 'opa', '--policies', POLICIES]),
      ),
    ).toContain(
      "argument 'opa' is invalid. Allowed choices are kyverno, gatekeeper",
    );
    expect(
      expectBadInput(aiFinops(['policies', 'export', '--policies', POLICIES])),
    ).toContain("required option '--to <target>' not specified");
    const broken = path.join(dir, 'broken');
    fs.mkdirSync(broken);
    fs.copyFileSync(
      path.join(POLICIES, 'params.yaml'),
      path.join(broken, 'params.yaml'),
    );
    fs.writeFileSync(path.join(broken, 'policy.yaml'), 'kind: [unclosed\n');
    expect(exportToKyverno(broken)).toMatch(
      /^ai-finops: .*broken\/policy\.yaml/,
    );
    expect(exportToKyverno(path.join(dir, 'missing'))).toBe(
      `ai-finops: --policies ${path.join(
        dir,
        'missing',
      )}: cannot read it (no such file or directory)`,
    );
  });
});
