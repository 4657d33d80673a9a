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

import { knownGpuModels } from '@ai-finops/backstage-plugin-finops-guardrails';
import {
  compliantResponsibleAi,
  pinnedSupplyChain,
} from '@ai-finops/test-utils';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import githubScaffolderModule from '@backstage/plugin-scaffolder-backend-module-github';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { renderInferenceService } from './lib/inferenceManifests';
import { scaffolderModule } from './module';

// The golden-path template's dry run, through a real scaffolder backend with
// the GitHub module and this module installed and no SCM credentials at all:
// what the template editor in the portal does.

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '../../..');
const TEMPLATE_DIR = path.join(ROOT, 'examples/templates/inference-service');
const POLICIES_DIR = path.join(ROOT, 'policies');
const CLI = path.join(ROOT, 'packages/cli/bin/ai-finops');

/** The ValidatingAdmissionPolicies of the shipped folder. */
const POLICY_COUNT = fs
  .readdirSync(POLICIES_DIR)
  .filter(f => f.endsWith('.yaml'))
  .flatMap(f =>
    parseAllDocuments(fs.readFileSync(path.join(POLICIES_DIR, f), 'utf8')).map(
      doc => doc.toJS(),
    ),
  )
  .filter(doc => doc?.kind === 'ValidatingAdmissionPolicy').length;

function templateFiles() {
  const out: Array<{ path: string; base64Content: string }> = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(TEMPLATE_DIR, rel), {
      withFileTypes: true,
    })) {
      const p = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(p);
      else
        out.push({
          path: p,
          base64Content: fs
            .readFileSync(path.join(TEMPLATE_DIR, p))
            .toString('base64'),
        });
    }
  };
  walk('');
  return out;
}

const values = {
  name: 'chat',
  description: 'The assistant chat model',
  owner: 'group:default/ml-platform',
  costCenter: 'cc-4711',
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  runtime: 'vllm',
  gpuType: 'NVIDIA-H100-80GB-HBM3',
  migProfile: '',
  gpuCount: 2,
  minReplicas: 1,
  maxReplicas: 3,
  autoscaler: 'keda',
  expectedRequestsPerSecond: 5,
  expectedTokensPerSecond: 2000,
  latencySloMs: 800,
  region: 'us-east-1',
  monthlyBudget: 40000,
  repoUrl: 'github.com?owner=acme&repo=inference-deployments',
  delivery: 'argocd',
  ...compliantResponsibleAi,
  ...pinnedSupplyChain,
};

describe('the inference-service template', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  let stop: () => Promise<void>;
  let workdir: string;

  beforeAll(async () => {
    workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-finops-template-'));
    const backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        githubScaffolderModule,
        scaffolderModule,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: {
            backend: { workingDirectory: workdir },
            finops: { guardrails: { policies: POLICIES_DIR } },
          },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
  });

  afterAll(async () => {
    await stop?.();
    fs.rmSync(workdir, { recursive: true, force: true });
  });

  async function dryRun(overrides: Record<string, unknown>) {
    const template = parse(
      fs.readFileSync(path.join(TEMPLATE_DIR, 'template.yaml'), 'utf8'),
    );
    const address = server.address() as { port: number };
    const response = await fetch(
      `http://localhost:${address.port}/api/scaffolder/v2/dry-run`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: mockCredentials.user.header('user:default/guest'),
        },
        body: JSON.stringify({
          template,
          values: { ...values, ...overrides },
          secrets: {},
          directoryContents: templateFiles(),
        }),
      },
    );
    return { status: response.status, body: await response.json() };
  }

  /** The last status the log reports for each step. */
  const stepStatus = (body: any): Record<string, string> =>
    Object.fromEntries(
      body.log
        .filter((l: any) => l.body.stepId && l.body.status)
        .map((l: any) => [l.body.stepId, l.body.status]),
    );

  it('dry-runs without SCM credentials and renders manifests that pass ai-finops check', async () => {
    const { status, body } = await dryRun({});
    expect({ status, errors: body.errors }).toEqual({
      status: 200,
      errors: undefined,
    });
    expect(stepStatus(body)).toMatchObject({
      fetch: 'completed',
      render: 'completed',
      estimate: 'completed',
      evaluate: 'completed',
      publish: 'skipped',
      register: 'skipped',
    });
    expect(body.output.text[0].content).toContain(
      "**Estimated monthly cost: $20,089.60** (up to $50,224.00 at the autoscalers' maximum replicas)",
    );
    expect(body.output.text[1].content).toContain('### ✅ Guardrails passed');
    expect(body.output.links).toEqual([]);

    // The files the editor shows, written out as the pull request would add them.
    const out = path.join(workdir, 'dry-run-output');
    for (const file of body.directoryContents) {
      if (!file.path.startsWith('gitops/')) continue;
      const target = path.join(out, file.path.slice('gitops/'.length));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, Buffer.from(file.base64Content, 'base64'));
    }
    // The pull request's tree: the service under apps/chat, the image
    // workflow where GitHub runs workflows, the root's .github/workflows,
    // building the service's image folder.
    const service = path.join(out, 'apps/chat');
    expect(fs.readFileSync(path.join(service, 'README.md'), 'utf8')).toContain(
      '# chat',
    );
    expect(fs.readdirSync(out).sort()).toEqual(['.github', 'apps']);
    expect(fs.readdirSync(path.join(out, '.github/workflows'))).toEqual([
      'chat-image.yaml',
    ]);
    const workflow = parse(
      fs.readFileSync(
        path.join(out, '.github/workflows/chat-image.yaml'),
        'utf8',
      ),
    );
    const build = workflow.jobs.image.steps.find((s: any) => s.id === 'build');
    expect(build.with.context).toBe('apps/chat/image');
    expect(workflow.on.push.paths).toEqual(['apps/chat/image/**']);
    expect(
      fs.existsSync(path.join(out, build.with.context, 'Dockerfile')),
    ).toBe(true);
    expect(fs.existsSync(path.join(service, '.github'))).toBe(false);
    // vLLM loads the Hugging Face revision the model digest names.
    const args = parse(
      fs.readFileSync(path.join(service, 'base/deployment.yaml'), 'utf8'),
    ).spec.template.spec.containers[0].args;
    const at = args.indexOf('--revision');
    expect(args.slice(at, at + 2)).toEqual(['--revision', values.modelDigest]);
    const cli = spawnSync(
      process.execPath,
      [CLI, 'check', service, '--policies', POLICIES_DIR],
      { encoding: 'utf8', timeout: 90_000 },
    );
    expect(cli.stderr).toBe('');
    expect(POLICY_COUNT).toBeGreaterThanOrEqual(13);
    expect(cli.stdout).toMatch(
      new RegExp(
        `^passed: \\d+ objects \\(kustomizations overlays/dev, overlays/prod\\), ${POLICY_COUNT} policies, \\d+ checks: 0 denied, 0 warnings`,
      ),
    );
    expect(cli.status).toBe(0);
  });

  it('refuses 8 GPUs per container with the policy message, at template time and in CI', async () => {
    // At template time: the dry run (and a real run) stops at the evaluate
    // step with the policy's message, before anything is published.
    const { status, body } = await dryRun({ gpuCount: 8, maxReplicas: 1 });
    expect(status).toBe(400);
    expect(body.error).toEqual({
      name: 'InputError',
      message:
        'The guardrails refused this service: ai-finops-max-gpus-per-container: container vllm requests 8 GPUs; at most 4 GPUs per container are allowed (GuardrailParams default)',
    });

    // In CI: the same request rendered by the action's renderer, then
    // `ai-finops check` on it.
    const out = path.join(workdir, 'eight');
    const files = renderInferenceService(
      {
        ...values,
        gpuCount: 8,
        maxReplicas: 1,
        runtime: 'vllm',
        autoscaler: 'keda',
        delivery: 'argocd',
        migProfile: undefined,
        gitopsRepoUrl: values.repoUrl,
        gitopsPath: 'apps/chat',
      },
      knownGpuModels(),
    );
    for (const file of files) {
      fs.mkdirSync(path.dirname(path.join(out, file.path)), {
        recursive: true,
      });
      fs.writeFileSync(path.join(out, file.path), file.content);
    }
    const cli = spawnSync(
      process.execPath,
      [CLI, 'check', out, '--policies', POLICIES_DIR],
      { encoding: 'utf8', timeout: 90_000 },
    );
    expect(cli.status).toBe(1);
    expect(cli.stdout).toContain(
      'DENY ai-finops-max-gpus-per-container: Deployment chat-prod/chat',
    );
    expect(cli.stdout).toContain(
      'container vllm requests 8 GPUs; at most 4 GPUs per container are allowed (GuardrailParams default)',
    );
  });
});
