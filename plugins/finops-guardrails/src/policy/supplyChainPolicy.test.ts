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

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkGuardrails } from './guardrails';
import { loadManifests } from './kustomize';
import { PolicySet } from './policySet';

// policies/supply-chain.yaml as shipped, with the shipped params.
const POLICIES_DIR = path.resolve(__dirname, '../../../../policies');
const policies = PolicySet.load(
  readdirSync(POLICIES_DIR)
    .filter(f => f === 'supply-chain.yaml' || f === 'params.yaml')
    .map(f => ({
      path: `policies/${f}`,
      content: readFileSync(path.join(POLICIES_DIR, f), 'utf8'),
    })),
);

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const PINNED = `ghcr.io/ai-finops/vllm@${DIGEST}`;
const MODEL_DIGEST = 'c0ffee'.padEnd(40, '0');
const PROVENANCE = 'https://example.com/attestations/llama.intoto.jsonl';

function deployment(options: {
  image?: string;
  env?: string;
  namespace?: string;
  annotations?: Record<string, string>;
}): any {
  const labels = { app: 'chat', ...(options.env ? { env: options.env } : {}) };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'chat',
      namespace: options.namespace ?? 'team-ml',
      labels,
      annotations: options.annotations ?? {
        'ai-finops.io/model-digest': MODEL_DIGEST,
        'ai-finops.io/model-provenance': PROVENANCE,
      },
    },
    spec: {
      selector: { matchLabels: { app: 'chat' } },
      template: {
        metadata: { labels },
        spec: {
          containers: [{ name: 'vllm', image: options.image ?? PINNED }],
          initContainers: [{ name: 'fetch', image: PINNED }],
        },
      },
    },
  };
}

function verdict(
  objects: any[],
  namespaceLabels?: Record<string, Record<string, string>>,
) {
  const { objects: manifests } = loadManifests(
    objects.map((o, i) => ({ path: `m${i}.yaml`, content: JSON.stringify(o) })),
  );
  const { report } = checkGuardrails(policies, manifests, {
    evaluation: { namespaceLabels },
  });
  return {
    denied: report.denied.map(v => v.message),
    warnings: report.warnings.map(v => v.message),
  };
}

describe('policies/supply-chain.yaml', () => {
  it('loads: a deny policy for production and an advisory one elsewhere', () => {
    expect(policies.policyNames.sort()).toEqual([
      'ai-finops-supply-chain',
      'ai-finops-supply-chain-advisory',
    ]);
    expect(policies.warnings).toEqual([]);
  });

  it('passes a production workload pinned by digest with its model digest and provenance', () => {
    expect(verdict([deployment({ env: 'prod' })])).toEqual({
      denied: [],
      warnings: [],
    });
  });

  it('denies an image by tag in production (env label), naming it', () => {
    const { denied } = verdict([
      deployment({ env: 'prod', image: 'docker.io/vllm/vllm-openai:v0.8.5' }),
    ]);
    expect(denied).toEqual([
      'images in the prod environment must be pinned by digest (image@sha256:<64 hex>): docker.io/vllm/vllm-openai:v0.8.5',
    ]);
  });

  it('takes the environment from the namespace label first', () => {
    const byTag = deployment({ image: 'ghcr.io/ai-finops/vllm:1.0' });
    expect(
      verdict([byTag], {
        'team-ml': { 'ai-finops.io/environment': 'production' },
      }).denied,
    ).toHaveLength(1);
    // A namespace labelled as staging wins over the workload's env label.
    const staging = verdict(
      [deployment({ env: 'prod', image: 'ghcr.io/ai-finops/vllm:1.0' })],
      { 'team-ml': { 'ai-finops.io/environment': 'staging' } },
    );
    expect(staging.denied).toEqual([]);
    expect(staging.warnings).toEqual([
      'images by tag (production will require image@sha256:<64 hex>): ghcr.io/ai-finops/vllm:1.0',
    ]);
  });

  it('refuses digests that are not sha256 with 64 hex digits', () => {
    for (const image of [
      `ghcr.io/ai-finops/vllm@sha256:${'ab'.repeat(31)}`,
      `ghcr.io/ai-finops/vllm@sha512:${'ab'.repeat(32)}`,
      `ghcr.io/ai-finops/vllm@sha256:${'AB'.repeat(32)}`,
    ]) {
      expect(verdict([deployment({ env: 'prod', image })]).denied).toHaveLength(
        1,
      );
    }
  });

  it('only warns outside production', () => {
    expect(
      verdict([
        deployment({ env: 'dev', image: 'ghcr.io/ai-finops/vllm:1.0' }),
      ]),
    ).toEqual({
      denied: [],
      warnings: [
        'images by tag (production will require image@sha256:<64 hex>): ghcr.io/ai-finops/vllm:1.0',
      ],
    });
  });

  it('denies a production workload without a model digest or provenance', () => {
    expect(
      verdict([deployment({ env: 'prod', annotations: {} })]).denied,
    ).toEqual([
      'Deployment chat in the prod environment needs the ai-finops.io/model-digest annotation: sha256:<64 hex> of the model artifact or its 40-hex revision commit',
      'Deployment chat in the prod environment needs the ai-finops.io/model-provenance annotation: the https URL of the model provenance attestation',
    ]);
    const bad = verdict([
      deployment({
        env: 'prod',
        annotations: {
          'ai-finops.io/model-digest': 'main',
          'ai-finops.io/model-provenance': 'http://example.com/x',
        },
      }),
    ]).denied;
    expect(bad[0]).toContain(", not 'main'");
    expect(bad[1]).toContain('model-provenance');
    expect(
      verdict([
        deployment({
          env: 'prod',
          annotations: {
            'ai-finops.io/model-digest': DIGEST,
            'ai-finops.io/model-provenance': PROVENANCE,
          },
        }),
      ]).denied,
    ).toEqual([]);
  });

  it('warns instead of denying in namespaces labelled ai-finops.io/guardrails=warn', () => {
    const result = verdict(
      [deployment({ env: 'prod', image: 'ghcr.io/ai-finops/vllm:1.0' })],
      { 'team-ml': { 'ai-finops.io/guardrails': 'warn' } },
    );
    expect(result.denied).toEqual([]);
    expect(result.warnings).toHaveLength(1);
  });
});
