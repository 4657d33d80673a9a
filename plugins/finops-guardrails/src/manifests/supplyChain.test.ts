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
// Test-only helper; not part of the isomorphic package.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { validateKubernetesModels } from '@ai-finops/test-utils';
import { parse } from 'yaml';
import { knownGpuModels } from '../estimate/prices';
import { checkGuardrails } from '../policy/guardrails';
import { loadManifests } from '../policy/kustomize';
import { PolicySet } from '../policy/policySet';
import {
  renderInferenceService,
  type InferenceServiceSpec,
} from './inferenceService';

const POLICIES_DIR = path.resolve(__dirname, '../../../../policies');
const policies = PolicySet.load(
  readdirSync(POLICIES_DIR)
    .filter(f => f.endsWith('.yaml'))
    .map(f => ({
      path: `policies/${f}`,
      content: readFileSync(path.join(POLICIES_DIR, f), 'utf8'),
    })),
);

const kyvernoSchemaErrors = (objects: unknown[]) =>
  validateKubernetesModels(objects, {
    packages: ['@kubernetes-models/kyverno'],
    from: __dirname,
  });

const IMAGE_DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const MODEL_REVISION = '0e9e39f249a16976918f6564b8830bc894c89659';
const PROVENANCE =
  'https://github.com/ai-finops/models/attestations/llama.intoto.jsonl';

const spec = (
  supplyChain?: InferenceServiceSpec['supplyChain'],
): InferenceServiceSpec => ({
  name: 'chat',
  owner: 'group:default/ml-platform',
  costCenter: 'cc-42',
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  runtime: 'vllm',
  image: 'ghcr.io/ai-finops/chat:1.0',
  gpuType: 'NVIDIA-L4',
  gpuCount: 1,
  minReplicas: 1,
  maxReplicas: 2,
  autoscaler: 'keda',
  region: 'us-east-1',
  gitopsRepoUrl: 'github.com?owner=ai-finops&repo=gitops',
  gitopsPath: 'apps/chat',
  delivery: 'argocd',
  supplyChain,
});

function render(s: InferenceServiceSpec) {
  const files = renderInferenceService(s, knownGpuModels());
  const byPath = new Map(files.map(f => [f.path, f.content]));
  return { files, byPath };
}

/** The supply-chain verdicts on the rendered files, as the preview runs them. */
function supplyChainVerdict(s: InferenceServiceSpec) {
  const { objects } = loadManifests(render(s).files);
  const { report } = checkGuardrails(policies, objects);
  const ours = (v: { policy: string }) =>
    v.policy.startsWith('ai-finops-supply-chain');
  return {
    denied: report.denied.filter(ours).map(v => v.message),
    warnings: report.warnings.filter(ours).map(v => v.message),
  };
}

describe('the supply-chain pieces of the inference-service template', () => {
  it('pins the image by digest and annotates the model artifact', () => {
    const { byPath } = render(
      spec({
        imageDigest: IMAGE_DIGEST,
        modelDigest: MODEL_REVISION,
        modelProvenance: PROVENANCE,
      }),
    );
    const deployment = parse(byPath.get('base/deployment.yaml')!);
    expect(deployment.spec.template.spec.containers[0].image).toBe(
      `ghcr.io/ai-finops/chat:1.0@${IMAGE_DIGEST}`,
    );
    expect(deployment.metadata.annotations).toMatchObject({
      'ai-finops.io/model-digest': MODEL_REVISION,
      'ai-finops.io/model-provenance': PROVENANCE,
    });
  });

  it('the production overlay passes with a digest and is denied without one', () => {
    const pinned = supplyChainVerdict(
      spec({
        imageDigest: IMAGE_DIGEST,
        modelDigest: MODEL_REVISION,
        modelProvenance: PROVENANCE,
      }),
    );
    expect(pinned).toEqual({ denied: [], warnings: [] });

    const byTag = supplyChainVerdict(
      spec({ modelDigest: MODEL_REVISION, modelProvenance: PROVENANCE }),
    );
    expect(byTag.denied).toEqual([
      'images in the prod environment must be pinned by digest (image@sha256:<64 hex>): ghcr.io/ai-finops/chat:1.0',
    ]);
    // Dev only warns.
    expect(byTag.warnings).toEqual([
      'images by tag (production will require image@sha256:<64 hex>): ghcr.io/ai-finops/chat:1.0',
    ]);

    const noModel = supplyChainVerdict(spec({ imageDigest: IMAGE_DIGEST }));
    expect(noModel.denied).toEqual([
      expect.stringContaining('needs the ai-finops.io/model-digest annotation'),
      expect.stringContaining(
        'needs the ai-finops.io/model-provenance annotation',
      ),
    ]);
  });

  it('renders the image workflow: build, cosign keyless signature, CycloneDX SBOM attestation', () => {
    const { byPath } = render(spec());
    const workflow = parse(byPath.get('.github/workflows/chat-image.yaml')!);
    expect(workflow.permissions).toEqual({
      contents: 'read',
      packages: 'write',
      'id-token': 'write',
    });
    expect(workflow.on.push).toEqual({
      branches: ['main'],
      paths: ['apps/chat/image/**'],
    });
    const steps = workflow.jobs.image.steps;
    // Every action pinned to a released version.
    for (const step of steps.filter((x: any) => x.uses)) {
      expect(step.uses).toMatch(/^[\w-]+\/[\w-]+@v\d+\.\d+\.\d+$/);
    }
    const runs = steps.map((x: any) => x.run).filter(Boolean);
    expect(runs).toContain(
      'cosign sign --yes "ghcr.io/ai-finops/chat@${{ steps.build.outputs.digest }}"',
    );
    expect(runs).toContain(
      'cosign attest --yes --type cyclonedx --predicate sbom.cdx.json "ghcr.io/ai-finops/chat@${{ steps.build.outputs.digest }}"',
    );
    expect(
      steps.find((x: any) => x.uses?.startsWith('anchore/sbom-action')).with
        .format,
    ).toBe('cyclonedx-json');
    expect(byPath.get('image/Dockerfile')).toContain(
      'FROM ghcr.io/ai-finops/chat:1.0',
    );
    // No verifier asked for: no cluster policy.
    expect(
      [...byPath.keys()].filter(p => p.startsWith('deploy/kyverno')),
    ).toEqual([]);
  });

  it('renders a Kyverno ImageValidatingPolicy that validates against the Kyverno schema', () => {
    const { byPath } = render(spec({ imageVerifier: 'kyverno' }));
    const policy = parse(byPath.get('deploy/kyverno/chat-images.yaml')!);
    const broken = {
      ...policy,
      spec: { ...policy.spec, attestors: undefined },
    };
    const [errors, brokenErrors] = kyvernoSchemaErrors([policy, broken]);
    expect(errors).toEqual([]);
    // The schema check can fail: a policy without attestors is refused.
    expect(brokenErrors.join('\n')).toMatch(/attestors/);
    const identity = policy.spec.attestors[0].cosign.keyless.identities[0];
    expect(identity.issuer).toBe('https://token.actions.githubusercontent.com');
    const subject = new RegExp(identity.subjectRegExp);
    expect(
      subject.test(
        'https://github.com/ai-finops/gitops/.github/workflows/chat-image.yaml@refs/heads/main',
      ),
    ).toBe(true);
    for (const other of [
      'https://github.com/ai-finops/gitops/.github/workflows/other.yaml@refs/heads/main',
      'https://github.com/ai-finops/gitops/.github/workflows/chat-image.yaml@refs/heads/feature',
      'https://github.com/evil/gitops/.github/workflows/chat-image.yaml@refs/heads/main',
    ]) {
      expect(subject.test(other)).toBe(false);
    }
    expect(policy.spec.attestations).toEqual([
      { name: 'sbom', intoto: { type: 'https://cyclonedx.org/bom' } },
    ]);
    expect(policy.spec.matchConstraints.namespaceSelector.matchLabels).toEqual({
      'kubernetes.io/metadata.name': 'chat-prod',
    });
  });

  it('renders a policy-controller ClusterImagePolicy with the same identity', () => {
    const { byPath } = render(spec({ imageVerifier: 'policy-controller' }));
    const policy = parse(
      byPath.get('deploy/policy-controller/chat-images.yaml')!,
    );
    expect(policy.apiVersion).toBe('policy.sigstore.dev/v1beta1');
    expect(policy.kind).toBe('ClusterImagePolicy');
    expect(policy.spec.images).toEqual([{ glob: 'ghcr.io/ai-finops/chat**' }]);
    const [authority] = policy.spec.authorities;
    expect(authority.keyless.identities).toEqual([
      {
        issuer: 'https://token.actions.githubusercontent.com',
        subjectRegExp:
          '^https://github\\.com/ai-finops/gitops/\\.github/workflows/chat-image\\.yaml@refs/heads/main$',
      },
    ]);
    expect(authority.attestations).toEqual([
      { name: 'sbom', predicateType: 'cyclonedx' },
    ]);
  });

  it('refuses malformed digests, provenance and verifiers, naming the field', () => {
    const cases: Array<[InferenceServiceSpec['supplyChain'], RegExp]> = [
      [{ imageDigest: 'sha256:abc' }, /input\.supplyChain\.imageDigest/],
      [{ modelDigest: 'main' }, /input\.supplyChain\.modelDigest/],
      [
        { modelProvenance: 'http://example.com/x' },
        /input\.supplyChain\.modelProvenance: .* not an https URL/,
      ],
      [
        { imageVerifier: 'gatekeeper' as any },
        /input\.supplyChain\.imageVerifier/,
      ],
    ];
    for (const [supplyChain, error] of cases) {
      expect(() => render(spec(supplyChain))).toThrow(error);
    }
  });

  it('pins vLLM to a Hugging Face revision, in the Deployment and in the canary Rollout', () => {
    const vllmArgs = (file: string, s: InferenceServiceSpec) =>
      parse(render(s).byPath.get(file)!).spec.template.spec.containers[0]
        .args as string[];
    const revision = ['--revision', MODEL_REVISION];
    const tokenizer = ['--tokenizer-revision', MODEL_REVISION];
    const pinned = spec({ modelDigest: MODEL_REVISION });
    for (const [file, s] of [
      ['base/deployment.yaml', pinned],
      ['base/rollout.yaml', { ...pinned, rollout: { strategy: 'canary' } }],
    ] as const) {
      const args = vllmArgs(file, s);
      // Flag and value side by side, as vLLM's argument parser reads them.
      const at = args.indexOf('--revision');
      expect(args.slice(at, at + 2)).toEqual(revision);
      const tokAt = args.indexOf('--tokenizer-revision');
      expect(args.slice(tokAt, tokAt + 2)).toEqual(tokenizer);
      expect(args.slice(0, 2)).toEqual([
        '--model',
        'meta-llama/Llama-3.1-8B-Instruct',
      ]);
    }
    // A sha256 artifact digest is no Hugging Face revision: no flag for it.
    const artifact = vllmArgs(
      'base/deployment.yaml',
      spec({ modelDigest: IMAGE_DIGEST }),
    );
    expect(artifact).not.toContain('--revision');
    expect(artifact).not.toContain('--tokenizer-revision');
    expect(vllmArgs('base/deployment.yaml', spec())).not.toContain(
      '--revision',
    );
  });

  it('pins KServe to the revision through its hf:// storageUri', () => {
    const model = (modelDigest?: string) =>
      parse(
        render({ ...spec({ modelDigest }), runtime: 'kserve' }).byPath.get(
          'base/inferenceservice.yaml',
        )!,
      ).spec.predictor.model;
    const pinned = model(MODEL_REVISION);
    expect(pinned.storageUri).toBe(
      `hf://meta-llama/Llama-3.1-8B-Instruct:${MODEL_REVISION}`,
    );
    expect(pinned.args).toEqual([
      '--model_name=chat',
      '--model_dir=/mnt/models',
    ]);
    for (const unpinned of [model(IMAGE_DIGEST), model()]) {
      expect(unpinned.storageUri).toBeUndefined();
      expect(unpinned.args).toEqual([
        '--model_name=chat',
        '--model_id=meta-llama/Llama-3.1-8B-Instruct',
      ]);
    }
  });

  it('marks the image workflow as a file of the repository root', () => {
    const { files } = render(spec());
    expect(
      files.filter(f => f.scope === 'repository').map(f => f.path),
    ).toEqual(['.github/workflows/chat-image.yaml']);
    // The Dockerfile is the service's: the workflow builds <gitopsPath>/image.
    expect(files.find(f => f.path === 'image/Dockerfile')?.scope).toBe(
      undefined,
    );
  });

  it('renders no workflow for a repository outside GitHub or for KServe', () => {
    const gitlab = render({
      ...spec({ imageVerifier: 'kyverno' }),
      gitopsRepoUrl: 'https://gitlab.com/ai-finops/gitops.git',
    });
    expect([...gitlab.byPath.keys()].some(p => p.startsWith('.github/'))).toBe(
      false,
    );
    const kserve = render({ ...spec(), runtime: 'kserve' });
    expect(kserve.byPath.has('image/Dockerfile')).toBe(false);
  });
});
