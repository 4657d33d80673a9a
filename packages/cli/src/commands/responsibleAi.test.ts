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
import {
  knownGpuModels,
  renderInferenceService,
  type InferenceServiceSpec,
} from '@ai-finops/backstage-plugin-finops-guardrails';
import { runAiFinops } from '../__testUtils__/aiFinops';
import {
  compliantResponsibleAi,
  minimalInferenceService,
} from '@ai-finops/test-utils';

jest.setTimeout(120_000);

// The responsible-AI policy as shipped, with the shipped params and CRD; and
// the whole policy source, of which only this policy's verdicts are asserted.
const POLICIES = path.resolve(__dirname, '../../../../policies');
let dir: string;
let responsibleAiPolicies: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-finops-responsible-ai-'));
  responsibleAiPolicies = path.join(dir, 'policies');
  fs.mkdirSync(responsibleAiPolicies);
  for (const file of [
    'responsible-ai.yaml',
    'params.yaml',
    'guardrail-params.crd.yaml',
  ]) {
    fs.copyFileSync(
      path.join(POLICIES, file),
      path.join(responsibleAiPolicies, file),
    );
  }
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const spec: InferenceServiceSpec = minimalInferenceService;

function writeService(folder: string, s: InferenceServiceSpec): string {
  const root = path.join(dir, folder);
  for (const file of renderInferenceService(s, knownGpuModels())) {
    const target = path.join(root, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.content);
  }
  return root;
}

const responsibleAiOf = (report: any) =>
  [...report.denied, ...report.warnings]
    .filter((v: any) => v.policy.startsWith('ai-finops-responsible-ai'))
    .map((v: any) => `${v.binding} ${v.object.namespace}: ${v.message}`);

describe('ai-finops check on the rendered inference service', () => {
  it('passes with the responsible-AI metadata', () => {
    const root = writeService('with', {
      ...spec,
      responsibleAi: compliantResponsibleAi,
    });
    const only = runAiFinops(
      ['check', root, '--policies', responsibleAiPolicies],
      { cwd: dir },
    );
    expect(only.stderr).toBe('');
    expect(only.code).toBe(0);

    const all = runAiFinops(
      ['check', root, '--policies', POLICIES, '--format', 'json'],
      { cwd: dir },
    );
    expect(responsibleAiOf(JSON.parse(all.stdout))).toEqual([]);
  });

  it('fails on prod without it, and only warns on dev', () => {
    const root = writeService('without', spec);
    const result = runAiFinops(
      ['check', root, '--policies', responsibleAiPolicies, '--format', 'json'],
      { cwd: dir },
    );
    expect(result.code).toBe(1);
    const missing =
      'ai-finops.io/model-card, ai-finops.io/training-data, ai-finops.io/evaluation-status, ai-finops.io/evaluation-date, ai-finops.io/bias-check-status, ai-finops.io/bias-check-date';
    expect(responsibleAiOf(JSON.parse(result.stdout)).sort()).toEqual([
      `ai-finops-responsible-ai-advisory-warn chat-dev: Deployment chat in the dev environment is missing responsible-AI annotations (production will refuse it): ${missing}`,
      `ai-finops-responsible-ai-deny chat-prod: Deployment chat in the prod environment is missing responsible-AI annotations: ${missing}`,
    ]);
    const text = runAiFinops(
      ['check', root, '--policies', responsibleAiPolicies],
      { cwd: dir },
    );
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(
      'Deployment chat in the prod environment is missing responsible-AI annotations',
    );
  });
});
