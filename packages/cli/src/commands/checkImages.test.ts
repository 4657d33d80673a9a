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
import { runAiFinops } from '../__testUtils__/aiFinops';
import { writeInferenceService } from '../__testUtils__/inferenceService';

jest.setTimeout(120_000);

// `ai-finops check` on the inference-service template's rendered manifests
// with a Docker Hub short image name, as a new user writes it: the shipped
// allowed-registries policy reads it as the runtime does
// (docker.io/vllm/vllm-openai), which docker.io/vllm/ allows.
const POLICIES = path.resolve(__dirname, '../../../../policies');
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-finops-check-images-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function render(image: string): string {
  const out = path.join(dir, image.replace(/[^a-z0-9]+/gi, '-'));
  // No pinned supply chain: its digest would be appended to the image.
  writeInferenceService(out, {
    image,
    responsibleAi: undefined,
    supplyChain: undefined,
  });
  return out;
}

/** What the allowed-registries policy denies in the rendered manifests. */
function registryDenials(image: string): string[] {
  const result = runAiFinops(
    ['check', render(image), '--policies', POLICIES, '--format', 'json'],
    { cwd: dir },
  );
  expect(result.stderr).toBe('');
  const report = JSON.parse(result.stdout);
  return report.denied
    .filter((v: any) => v.policy === 'ai-finops-allowed-registries')
    .map((v: any) => `${v.object.namespace}: ${v.message}`);
}

// Other policies (the supply-chain rules of the prod environment) judge the
// same output; these tests look at the registry rule alone.
describe('ai-finops check on the rendered template', () => {
  it('allows vllm/vllm-openai:v0.8.5 under docker.io/vllm/', () => {
    expect(registryDenials('vllm/vllm-openai:v0.8.5')).toEqual([]);
  });

  it('denies an image from a look-alike registry in both environments', () => {
    const message =
      'images from registries that are not allowed: nvcr.io.evil.example/x:1; allowed: nvcr.io/nvidia/, docker.io/vllm/, docker.io/kserve/, ghcr.io/ai-finops/';
    expect(registryDenials('nvcr.io.evil.example/x:1').sort()).toEqual([
      `chat-dev: ${message}`,
      `chat-prod: ${message}`,
    ]);
  });
});
