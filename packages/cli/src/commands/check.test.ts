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
import { GPU_INSTANCE_PRICES } from '@ai-finops/backstage-plugin-finops-engine';
import { expectBadInput, runAiFinops } from '../__testUtils__/aiFinops';

jest.setTimeout(120_000);

const POLICIES = path.resolve(__dirname, '../../../../policies');
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-finops-check-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function aiFinops(args: string[], input?: string) {
  return runAiFinops(args, { cwd: dir, input });
}

function write(rel: string, content: string): string {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

// The ValidatingAdmissionPolicies of the shipped folder, as check counts them.
const POLICY_COUNT = fs
  .readdirSync(POLICIES)
  .filter(f => f.endsWith('.yaml'))
  .flatMap(f =>
    fs
      .readFileSync(path.join(POLICIES, f), 'utf8')
      .match(/^kind: ValidatingAdmissionPolicy$/gm),
  )
  .filter(Boolean).length;

// Pinned by digest, as the supply-chain policies require in production and
// advise elsewhere.
const PINNED_IMAGE = `docker.io/vllm/vllm-openai:v0.6.3@sha256:${'ab'.repeat(
  32,
)}`;

const h100 = Math.min(
  ...GPU_INSTANCE_PRICES.filter(
    p => p.gpuModel === 'NVIDIA-H100-80GB-HBM3',
  ).map(p => p.usdPerHour / p.gpuCount),
);

function deploymentYaml(
  options: {
    gpus?: number;
    replicas?: number;
    image?: string;
    model?: string;
  } = {},
) {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: chat
  namespace: team-ml
  labels: {team: ml, cost-center: cc-42, app: chat}
  annotations:
    ai-finops.io/expected-tokens-per-second: "2000"
spec:
  replicas: ${options.replicas ?? 2}
  selector: {matchLabels: {app: chat}}
  template:
    metadata:
      labels: {team: ml, cost-center: cc-42, app: chat}
    spec:
      securityContext: {runAsNonRoot: true}
      nodeSelector:
        nvidia.com/gpu.product: ${options.model ?? 'NVIDIA-H100-80GB-HBM3'}
      containers:
        - name: vllm
          image: ${options.image ?? PINNED_IMAGE}
          resources:
            requests: {cpu: "8", memory: 64Gi, nvidia.com/gpu: "${
              options.gpus ?? 2
            }"}
            limits: {memory: 64Gi, nvidia.com/gpu: "${options.gpus ?? 2}"}
`;
}

describe('ai-finops check', () => {
  it('passes compliant manifests with exit code 0', () => {
    const file = write('ok/deployment.yaml', deploymentYaml());
    const result = aiFinops(['check', file, '--policies', POLICIES]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(POLICY_COUNT).toBeGreaterThanOrEqual(13);
    expect(result.stdout).toMatch(
      new RegExp(
        `^passed: 1 objects, ${POLICY_COUNT} policies, \\d+ checks: 0 denied, 0 warnings; estimated team-ml/chat \\$20,089\\.60/month`,
      ),
    );
  });

  it('refuses 8 GPUs per container with exit code 1 and the policy message', () => {
    const file = write(
      'eight/deployment.yaml',
      deploymentYaml({ gpus: 8, replicas: 1 }),
    );
    const result = aiFinops(['check', file, '--policies', POLICIES]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n')[0]).toBe(
      `DENY ai-finops-max-gpus-per-container: Deployment team-ml/chat (${file}:1): container vllm requests 8 GPUs; at most 4 GPUs per container are allowed (GuardrailParams default)`,
    );
    expect(result.stdout).toContain(
      `failed: 1 objects, ${POLICY_COUNT} policies`,
    );

    const json = aiFinops([
      'check',
      file,
      '--policies',
      POLICIES,
      '--format',
      'json',
    ]);
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.passed).toBe(false);
    expect(parsed.denied.map((v: any) => v.policy)).toEqual([
      'ai-finops-max-gpus-per-container',
    ]);

    const junit = aiFinops([
      'check',
      file,
      '--policies',
      POLICIES,
      '--format',
      'junit',
    ]);
    expect(junit.code).toBe(1);
    expect(junit.stdout).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="ai-finops check" tests="\d+" failures="1">/,
    );
    expect(junit.stdout).toContain(
      '<failure type="Forbidden" message="container vllm requests 8 GPUs; at most 4 GPUs per container are allowed (GuardrailParams default)">',
    );
  });

  it('prints warnings without failing', () => {
    const dirPath = path.join(dir, 'warn');
    write('warn/deployment.yaml', deploymentYaml());
    write(
      'warn/namespace.yaml',
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-ml\n  labels: {ai-finops.io/guardrails: warn}\n',
    );
    write(
      'warn/extra.yaml',
      deploymentYaml({ image: 'quay.io/evil/llm:1' }).replace(
        'name: chat\n',
        'name: other\n',
      ),
    );
    const result = aiFinops(['check', dirPath, '--policies', POLICIES]);
    expect(result.code).toBe(0);
    const extra = path.join(dirPath, 'extra.yaml');
    // The other image is by tag too: the supply-chain advisory says so (the
    // namespace names no environment, so this is no production).
    expect(result.stdout.split('\n').filter(l => l.startsWith('WARN'))).toEqual(
      [
        `WARN ai-finops-allowed-registries: Deployment team-ml/other (${extra}:1): images from registries that are not allowed: quay.io/evil/llm:1; allowed: nvcr.io/nvidia/, docker.io/vllm/, docker.io/kserve/, ghcr.io/ai-finops/`,
        `WARN ai-finops-supply-chain-advisory: Deployment team-ml/other (${extra}:1): images by tag (production will require image@sha256:<64 hex>): quay.io/evil/llm:1`,
      ],
    );
    expect(result.stdout).toContain('0 denied, 2 warnings');
  });

  it('warns on stderr about a policy that may exceed the CEL cost limit', () => {
    const file = write('costly/deployment.yaml', deploymentYaml());
    const policyFile = write(
      'costly-policies/policy.yaml',
      `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: nested
spec:
  matchConstraints:
    resourceRules:
      - apiGroups: [apps]
        apiVersions: [v1]
        resources: [deployments]
        operations: [CREATE, UPDATE]
  validations:
    - expression: >-
        object.spec.template.spec.containers.all(a,
        object.spec.template.spec.containers.all(b,
        object.spec.template.spec.containers.all(c, a.name != '' || b.name != c.name)))
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: nested
spec:
  policyName: nested
  validationActions: [Deny]
`,
    );
    const result = aiFinops([
      'check',
      file,
      '--policies',
      path.dirname(policyFile),
      '--format',
      'json',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).passed).toBe(true);
    expect(result.stderr).toMatch(
      /^warning: .*policy\.yaml:1: ValidatingAdmissionPolicy nested: spec\.validations\[0\]\.expression may cost about [\d,]+ when a list of unknown size holds 1,000 items/,
    );
  });

  it('renders kustomize overlays and reads stdin', () => {
    write('kz/base/kustomization.yaml', 'resources: [deployment.yaml]\n');
    write('kz/base/deployment.yaml', deploymentYaml());
    write(
      'kz/overlays/prod/kustomization.yaml',
      'resources: [../../base]\npatches:\n  - path: gpus.yaml\n',
    );
    write(
      'kz/overlays/prod/gpus.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: chat}\nspec:\n  template:\n    spec:\n      containers:\n        - name: vllm\n          resources:\n            requests: {nvidia.com/gpu: "8"}\n            limits: {nvidia.com/gpu: "8"}\n',
    );
    const result = aiFinops(['check', 'kz', '--policies', POLICIES]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'DENY ai-finops-max-gpus-per-container: Deployment team-ml/chat (kz/base/deployment.yaml:1 (kustomization overlays/prod)): container vllm requests 8 GPUs',
    );
    const stdin = aiFinops(
      ['check', '-', '--policies', POLICIES],
      deploymentYaml(),
    );
    expect(stdin.code).toBe(0);
  });

  it('refuses bad input with one line and exit code 2', () => {
    expect(
      expectBadInput(
        aiFinops([
          'check',
          write(
            'bad/a.yaml',
            'apiVersion: apps/v1\nkind: Deployment\nmetadata: {}\n',
          ),
          '--policies',
          POLICIES,
        ]),
      ),
    ).toBe(
      `ai-finops: ${path.join(
        dir,
        'bad/a.yaml',
      )}:1: Deployment: field metadata.name is missing or not a string`,
    );
    expect(
      expectBadInput(
        aiFinops(['check', 'no-such-dir', '--policies', POLICIES]),
      ),
    ).toBe(
      'ai-finops: no-such-dir: cannot read it (no such file or directory)',
    );
    expect(expectBadInput(aiFinops(['check', 'ok']))).toContain(
      "required option '--policies <dir>' not specified",
    );
    const policyDir = path.join(dir, 'badpolicies');
    write(
      'badpolicies/p.yaml',
      `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: typo}
spec:
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}]
  validations:
    - expression: object.spec.replicas < maxReplicas(
`,
    );
    expect(
      expectBadInput(aiFinops(['check', 'ok', '--policies', policyDir])),
    ).toMatch(
      /^ai-finops: .*badpolicies\/p.yaml:1: ValidatingAdmissionPolicy typo: spec.validations\[0\].expression does not compile: .*; expression: object.spec.replicas < maxReplicas\($/,
    );
    expect(
      expectBadInput(
        aiFinops([
          'check',
          write('gh200/d.yaml', deploymentYaml({ model: 'NVIDIA-GH200' })),
          '--policies',
          POLICIES,
        ]),
      ),
    ).toMatch(
      /gh200\/d.yaml:1: Deployment team-ml\/chat: spec.template.spec.nodeSelector nvidia.com\/gpu.product: GPU model 'NVIDIA-GH200' has no price/,
    );
    expect(
      expectBadInput(
        aiFinops([
          'check',
          'ok',
          '--policies',
          POLICIES,
          '--prices',
          write('p.csv', 'resource,usd_per_unit_hour\ngpu:X,abc\n'),
        ]),
      ),
    ).toBe(
      `ai-finops: ${path.join(
        dir,
        'p.csv',
      )}: row 2, column usd_per_unit_hour: 'abc' is not a non-negative number`,
    );
    expect(
      expectBadInput(
        aiFinops(['check', 'ok', '--policies', POLICIES, '--format', 'sarif']),
      ),
    ).toContain("argument 'sarif' is invalid");
  });
});

describe('ai-finops estimate', () => {
  it('prints the monthly cost as JSON: N replicas × GPUs × hourly price × 730', () => {
    const file = write(
      'est/deployment.yaml',
      deploymentYaml({ replicas: 3, gpus: 2 }),
    );
    const result = aiFinops(['estimate', file, '--format', 'json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.monthlyCost).toBeCloseTo(3 * 2 * h100 * 730, 6);
    expect(report.usdPerMillionTokens).toBeCloseTo(
      ((6 * h100) / (2000 * 3600)) * 1e6,
      9,
    );
    const priced = aiFinops([
      'estimate',
      file,
      '--format',
      'json',
      '--prices',
      write(
        'prices.csv',
        'resource,usd_per_unit_hour\ngpu:NVIDIA-H100-80GB-HBM3,3\n',
      ),
    ]);
    expect(JSON.parse(priced.stdout).monthlyCost).toBeCloseTo(
      3 * 2 * 3 * 730,
      9,
    );
  });

  it('prints the difference to --base Infracost-style', () => {
    write('base/deployment.yaml', deploymentYaml({ replicas: 2 }));
    write('head/deployment.yaml', deploymentYaml({ replicas: 3 }));
    const result = aiFinops([
      'estimate',
      'head',
      '--base',
      'base',
      '--format',
      'markdown',
    ]);
    expect(result.code).toBe(0);
    const change = 2 * h100 * 730;
    expect(result.stdout).toContain(
      `**monthly cost will increase by $${change.toLocaleString('en-US', {
        minimumFractionDigits: 2,
        maximumFractionDigits: 2,
      })} (+50 %)** 📈`,
    );
    expect(result.stdout).toContain(
      '| Deployment team-ml/chat | 2 × NVIDIA-H100-80GB-HBM3 | 2 → 3 |',
    );
    const json = JSON.parse(
      aiFinops(['estimate', 'head', '--base', 'base', '--format', 'json'])
        .stdout,
    );
    expect(json.diff.change).toBeCloseTo(change, 6);
    expect(json.base.monthlyCost).toBeCloseTo(2 * 2 * h100 * 730, 6);
  });
});
