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

import { knownGpuModels } from '../estimate/prices';
import { renderInferenceService } from '../manifests';
import {
  imageMatchesPrefix,
  normalizeImageReference,
  parseImageReference,
} from './imageReference';

// Cases transcribed from distribution/reference normalize_test.go
// (github.com/distribution/reference, blob 4894124079e5): the tests of
// ParseNormalizedNamed.

const HEX = 'dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c';

// TestValidateReferenceName and TestValidateRemoteName: valid names.
const VALID = [
  'docker/docker',
  'library/debian',
  'debian',
  'docker.io/docker/docker',
  'docker.io/library/debian',
  'docker.io/debian',
  'index.docker.io/docker/docker',
  'index.docker.io/library/debian',
  'index.docker.io/debian',
  '127.0.0.1:5000/docker/docker',
  '127.0.0.1:5000/library/debian',
  '127.0.0.1:5000/debian',
  '192.168.0.1',
  '192.168.0.1:80',
  '192.168.0.1:8/debian',
  '192.168.0.2:25000/debian',
  'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
  '[fc00::1]:5000/docker',
  '[fc00::1]:5000/docker/docker',
  '[fc00:1:2:3:4:5:6:7]:5000/library/debian',
  'docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
  'Docker/docker',
  'DOCKER/docker',
  'docker-rules/docker',
  'docker---rules/docker',
  'doc/docker',
  'd/docker',
  'jess/t',
  'dock__er/docker',
];

// The same tests: invalid names.
const INVALID = [
  'https://github.com/docker/docker',
  'docker/Docker',
  '-docker',
  '-docker/docker',
  '-docker.io/docker/docker',
  'docker///docker',
  'docker.io/docker/Docker',
  'docker.io/docker///docker',
  '[fc00::1]',
  '[fc00::1]:5000',
  'fc00::1:5000/debian',
  '[fe80::1%eth0]:5000/debian',
  '[2001:db8:3:4::192.0.2.33]:5000/debian',
  '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
  'docker-/docker',
  '-docker-/docker',
  '____/____',
  '_docker/_docker',
  'dock..er/docker',
  'dock_.er/docker',
  'dock-.er/docker',
  'docker/',
  `${'this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_'.repeat(
    4,
  )}/docker`,
];

// TestParseRepositoryInfo: [path, familiar, full, domain, [other spellings]].
const REPOSITORY_INFO: Array<[string, string, string, string, string[]]> = [
  [
    'fooo/bar',
    'fooo/bar',
    'docker.io/fooo/bar',
    'docker.io',
    ['index.docker.io/fooo/bar'],
  ],
  [
    'library/ubuntu',
    'ubuntu',
    'docker.io/library/ubuntu',
    'docker.io',
    ['library/ubuntu'],
  ],
  [
    'nonlibrary/ubuntu',
    'nonlibrary/ubuntu',
    'docker.io/nonlibrary/ubuntu',
    'docker.io',
    [],
  ],
  [
    'other/library',
    'other/library',
    'docker.io/other/library',
    'docker.io',
    [],
  ],
  [
    'private/moonbase',
    '127.0.0.1:8000/private/moonbase',
    '127.0.0.1:8000/private/moonbase',
    '127.0.0.1:8000',
    [],
  ],
  [
    'privatebase',
    '127.0.0.1:8000/privatebase',
    '127.0.0.1:8000/privatebase',
    '127.0.0.1:8000',
    [],
  ],
  [
    'private/moonbase',
    'example.com/private/moonbase',
    'example.com/private/moonbase',
    'example.com',
    [],
  ],
  [
    'privatebase',
    'example.com/privatebase',
    'example.com/privatebase',
    'example.com',
    [],
  ],
  [
    'private/moonbase',
    'example.com:8000/private/moonbase',
    'example.com:8000/private/moonbase',
    'example.com:8000',
    [],
  ],
  [
    'privatebasee',
    'example.com:8000/privatebasee',
    'example.com:8000/privatebasee',
    'example.com:8000',
    [],
  ],
  [
    'library/ubuntu-12.04-base',
    'ubuntu-12.04-base',
    'docker.io/library/ubuntu-12.04-base',
    'docker.io',
    ['index.docker.io/library/ubuntu-12.04-base'],
  ],
  [
    'library/foo',
    'foo',
    'docker.io/library/foo',
    'docker.io',
    ['docker.io/foo'],
  ],
  [
    'library/foo/bar',
    'library/foo/bar',
    'docker.io/library/foo/bar',
    'docker.io',
    [],
  ],
  [
    'store/foo/bar',
    'store/foo/bar',
    'docker.io/store/foo/bar',
    'docker.io',
    [],
  ],
  ['bar', 'Foo/bar', 'Foo/bar', 'Foo', []],
  ['bar', 'FOO/bar', 'FOO/bar', 'FOO', []],
];

// TestParseAnyReference (the cases that are names, not bare digests).
const EQUIVALENT: Array<[string, string]> = [
  ['redis', 'docker.io/library/redis'],
  ['redis:latest', 'docker.io/library/redis:latest'],
  ['docker.io/library/redis:latest', 'docker.io/library/redis:latest'],
  [`redis@sha256:${HEX}`, `docker.io/library/redis@sha256:${HEX}`],
  [
    `docker.io/library/redis@sha256:${HEX}`,
    `docker.io/library/redis@sha256:${HEX}`,
  ],
  ['dmcgowan/myapp', 'docker.io/dmcgowan/myapp'],
  ['dmcgowan/myapp:latest', 'docker.io/dmcgowan/myapp:latest'],
  ['docker.io/mcgowan/myapp:latest', 'docker.io/mcgowan/myapp:latest'],
  [`dmcgowan/myapp@sha256:${HEX}`, `docker.io/dmcgowan/myapp@sha256:${HEX}`],
  [
    `docker.io/dmcgowan/myapp@sha256:${HEX}`,
    `docker.io/dmcgowan/myapp@sha256:${HEX}`,
  ],
  [HEX.slice(0, 63), `docker.io/library/${HEX.slice(0, 63)}`],
  ['dbcc1', 'docker.io/library/dbcc1'],
];

// TestNormalizedSplitHostname: [input, domain, path].
const SPLIT_HOSTNAME: Array<[string, string, string]> = [
  ['test.com/foo', 'test.com', 'foo'],
  ['test_com/foo', 'docker.io', 'test_com/foo'],
  ['docker/migrator', 'docker.io', 'docker/migrator'],
  ['test.com:8080/foo', 'test.com:8080', 'foo'],
  ['test-com:8080/foo', 'test-com:8080', 'foo'],
  ['foo', 'docker.io', 'library/foo'],
  ['xn--n3h.com/foo', 'xn--n3h.com', 'foo'],
  ['xn--n3h.com:18080/foo', 'xn--n3h.com:18080', 'foo'],
  ['docker.io/foo', 'docker.io', 'library/foo'],
  ['docker.io/library/foo', 'docker.io', 'library/foo'],
  ['docker.io/library/foo/bar', 'docker.io', 'library/foo/bar'],
];

describe('parseImageReference (distribution/reference normalize_test.go)', () => {
  it.each(VALID)('accepts %s', name => {
    expect(() => parseImageReference(name)).not.toThrow();
  });

  it.each(INVALID)('refuses %s', name => {
    expect(() => parseImageReference(name)).toThrow(/^invalid image reference/);
  });

  describe.each(REPOSITORY_INFO)(
    'repository %s (familiar %s)',
    (path, familiar, full, domain, others) => {
      it.each([familiar, full, ...others])('reads %s', spelling => {
        const ref = parseImageReference(spelling);
        expect(ref.familiar).toBe(familiar);
        expect(ref.normalized).toBe(full);
        expect(ref.domain).toBe(domain);
        expect(ref.path).toBe(path);
      });
    },
  );

  it('keeps a tag and a digest together (TestParseReferenceWithTagAndDigest)', () => {
    const short = `busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa`;
    const ref = parseImageReference(short);
    expect(ref.normalized).toBe(`docker.io/library/${short}`);
    expect(ref.tag).toBe('latest');
    expect(ref.digest).toBe(
      'sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa',
    );
    expect(ref.familiar).toBe(short);
  });

  it.each(EQUIVALENT)('normalises %s to %s', (reference, equivalent) => {
    expect(normalizeImageReference(reference)).toBe(equivalent);
  });

  it.each(SPLIT_HOSTNAME)('splits %s into %s and %s', (input, domain, path) => {
    expect(parseImageReference(input)).toMatchObject({ domain, path });
  });
});

describe('parseImageReference errors', () => {
  it.each([
    ['', /it is empty/],
    ['nginx:-foo', /'-foo' is not a tag/],
    ['nginx@sha256:abc', /'sha256:abc' is not a digest/],
    [`nginx@md5:${HEX}`, /unsupported digest algorithm 'md5'/],
    [`nginx@sha256:${HEX.toUpperCase()}`, /64 lower-case hex digits/],
    ['Docker.io/Nginx', /'Nginx' must be lower-case/],
    [`${'a'.repeat(5000)}`, /5000 characters, over 4096/],
  ])('explains what is wrong with %j', (ref, message) => {
    expect(() => parseImageReference(ref)).toThrow(message);
  });
});

describe('imageMatchesPrefix', () => {
  it.each([
    ['vllm/vllm-openai:v0.8.5', 'docker.io/vllm/', true],
    ['vllm/vllm-openai:v0.8.5', 'vllm/', true],
    ['docker.io/vllm/vllm-openai', 'vllm', true],
    ['index.docker.io/vllm/vllm-openai', 'docker.io/vllm', true],
    ['nginx', 'docker.io/library/', true],
    ['nginx', 'docker.io/nginx', false],
    [`docker.io/library/nginx@sha256:${HEX}`, 'docker.io/library/nginx', true],
    ['localhost:5000/x', 'localhost:5000', true],
    ['localhost:5000/x', 'localhost', false],
    ['nvcr.io/nvidia/tritonserver:24.08-py3', 'nvcr.io', true],
    ['nvcr.io.evil.example/x', 'nvcr.io', false],
    ['nvcr.io.evil.example/x', 'nvcr.io/', false],
    ['ghcr.io/ai-finops/x', 'ghcr.io/ai-finops/', true],
    ['ghcr.io/ai-finops-evil/x', 'ghcr.io/ai-finops', false],
    ['ghcr.io/ai-finops/x', '', false],
  ])('%s under %j: %s', (image, prefix, expected) => {
    expect(imageMatchesPrefix(image, prefix)).toBe(expected);
  });
});

describe('the inference-service renderer', () => {
  it('refuses an invalid image, naming the input', () => {
    expect(() =>
      renderInferenceService(
        {
          name: 'chat',
          description: 'The assistant chat model',
          owner: 'group:default/ml-platform',
          costCenter: 'cc-4711',
          model: 'meta-llama/Llama-3.1-8B-Instruct',
          runtime: 'vllm',
          image: 'vllm/VLLM-openai:v0.8.5',
          gpuType: 'NVIDIA-H100-80GB-HBM3',
          gpuCount: 1,
          minReplicas: 1,
          maxReplicas: 2,
          autoscaler: 'hpa',
          expectedRequestsPerSecond: 5,
          expectedTokensPerSecond: 2000,
          latencySloMs: 800,
          region: 'us-east-1',
          monthlyBudget: 40000,
          gitopsRepoUrl: 'github.com?owner=acme&repo=inference-deployments',
          gitopsPath: 'apps/chat',
          delivery: 'argocd',
        },
        knownGpuModels(),
      ),
    ).toThrow(
      "input.image: invalid image reference 'vllm/VLLM-openai:v0.8.5': the repository name 'vllm/VLLM-openai' must be lower-case",
    );
  });
});
