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

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { imageMatchesPrefix } from './imageReference';
import { loadManifests } from './kustomize';
import { PolicySet } from './policySet';

// The shipped allowed-registries policy with the shipped params, as
// `ai-finops check --policies policies` and the apiserver read them.
const POLICIES_DIR = path.resolve(__dirname, '../../../../policies');
const read = (file: string) => ({
  path: `policies/${file}`,
  content: readFileSync(path.join(POLICIES_DIR, file), 'utf8'),
});
const POLICY = 'ai-finops-allowed-registries';
const SHIPPED = ['allowed-registries.yaml', 'params.yaml'];
const ALLOWED =
  'nvcr.io/nvidia/, docker.io/vllm/, docker.io/kserve/, ghcr.io/ai-finops/';
const DIGEST =
  'sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa';

function pod(images: string[], initImages: string[] = []) {
  const container = (image: string, i: number) => ({ name: `c${i}`, image });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'chat', namespace: 'team-ml' },
    spec: {
      containers: images.map(container),
      initContainers: initImages.map(container),
    },
  };
}

/** The messages of the policy's denials for the objects, with `params`. */
function denials(objects: unknown[], params?: string[]): string[] {
  const files = SHIPPED.map(read);
  if (params) {
    files[1] = {
      ...files[1],
      content: files[1].content.replace(
        /allowedRegistries:\n(?: {4}- .*\n)+/,
        `allowedRegistries:\n${params.map(p => `    - '${p}'\n`).join('')}`,
      ),
    };
  }
  const set = PolicySet.load(files);
  expect(set.warnings).toEqual([]);
  const { objects: manifests } = loadManifests(
    objects.map((o, i) => ({ path: `m${i}.yaml`, content: JSON.stringify(o) })),
  );
  const report = set.evaluate(manifests);
  return report.denied
    .filter(v => v.policy === POLICY)
    .map(v => {
      expect(v.evaluationError).toBeFalsy();
      return v.message;
    });
}

describe('the shipped allowed-registries policy', () => {
  it.each([
    ['vllm/vllm-openai:v0.8.5', true],
    ['docker.io/vllm/vllm-openai:v0.8.5', true],
    ['index.docker.io/vllm/vllm-openai:v0.8.5', true],
    [`docker.io/vllm/vllm-openai@${DIGEST}`, true],
    ['nvcr.io/nvidia/tritonserver:24.08-py3', true],
    ['ghcr.io/ai-finops/x', true],
    ['ghcr.io/ai-finops/x:1.0', true],
    ['nginx', false],
    [`docker.io/library/nginx@${DIGEST}`, false],
    ['localhost:5000/x', false],
    ['nvcr.io.evil.example/x', false],
    ['nvcr.io/nvidia-evil/x', false],
    ['ghcr.io/ai-finops-evil/x', false],
    ['vllm-openai:v0.8.5', false],
  ])('%s is allowed: %s', (image, allowed) => {
    expect(denials([pod([image])])).toEqual(
      allowed
        ? []
        : [
            `images from registries that are not allowed: ${image}; allowed: ${ALLOWED}`,
          ],
    );
  });

  it('lists every offending image, init containers included', () => {
    expect(
      denials([
        pod(
          ['vllm/vllm-openai:v0.8.5', 'nginx:1.27'],
          ['busybox', 'nvcr.io/nvidia/cuda:12.4.0-base-ubuntu22.04'],
        ),
      ]),
    ).toEqual([
      `images from registries that are not allowed: nginx:1.27, busybox; allowed: ${ALLOWED}`,
    ]);
  });

  // The same prefixes through imageMatchesPrefix and through the policy: the
  // TypeScript and the CEL normalisation agree.
  const PREFIXES = [
    'vllm/',
    'docker.io/library',
    'index.docker.io/kserve/',
    'localhost:5000',
    'nvcr.io',
    'Registry.Example/team',
  ];
  it.each([
    'vllm/vllm-openai:v0.8.5',
    'nginx',
    `docker.io/library/nginx@${DIGEST}`,
    'kserve/huggingfaceserver:v0.14.0',
    'localhost:5000/x',
    'localhost:50000/x',
    'nvcr.io/nvidia/tritonserver:24.08-py3',
    'nvcr.io.evil.example/x',
    'Registry.Example/team/x',
    'ghcr.io/ai-finops/x',
  ])('%s: the policy agrees with imageMatchesPrefix', image => {
    const allowed = PREFIXES.some(p => imageMatchesPrefix(image, p));
    expect(denials([pod([image])], PREFIXES)).toHaveLength(allowed ? 0 : 1);
  });
});
