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

import { InputError } from '@backstage/errors';
import {
  FINOPS_MODEL_DIGEST_ANNOTATION,
  FINOPS_MODEL_PROVENANCE_ANNOTATION,
} from '@ai-finops/backstage-plugin-finops-common';
import { stringify } from 'yaml';

/**
 * The supply-chain inputs of an inference service: the image digest to pin,
 * the model artifact's digest and provenance, and the cluster-side verifier
 * the template renders a policy for.
 *
 * @public
 */
export interface SupplyChainSpec {
  /** `sha256:<64 hex>`: the workload's image is pinned to it (dev and prod). */
  imageDigest?: string;
  /** `sha256:<64 hex>` of the model artifact, or its 40-hex revision commit. */
  modelDigest?: string;
  /** https URL of the model's provenance attestation. */
  modelProvenance?: string;
  /**
   * The verifier the clusters run; `none` or `''` (an empty form field, the
   * default) renders no policy.
   */
  imageVerifier?: 'kyverno' | 'policy-controller' | 'none' | '';
}

const IMAGE_DIGEST = /^sha256:[a-f0-9]{64}$/;
const MODEL_DIGEST = /^(sha256:[a-f0-9]{64}|[a-f0-9]{40})$/;
const HTTPS_URL = /^https:\/\/\S+$/;
const VERIFIERS = ['kyverno', 'policy-controller', 'none'];

/** GitHub's OIDC issuer: the identity of a keyless signature from Actions. */
const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';
const PREDICATE_CYCLONEDX = 'https://cyclonedx.org/bom';
const REKOR_URL = 'https://rekor.sigstore.dev';
const FULCIO_URL = 'https://fulcio.sigstore.dev';

// GitHub Actions the image workflow uses, pinned to released versions.
const ACTIONS = {
  checkout: 'actions/checkout@v4.2.2',
  setupBuildx: 'docker/setup-buildx-action@v3.7.1',
  login: 'docker/login-action@v3.3.0',
  buildPush: 'docker/build-push-action@v6.9.0',
  cosignInstaller: 'sigstore/cosign-installer@v3.7.0',
  sbom: 'anchore/sbom-action@v0.17.8',
};
const COSIGN_RELEASE = 'v2.4.1';

/**
 * Checks the supply-chain inputs; throws an `InputError` naming the field.
 *
 * @public
 */
export function checkSupplyChain(sc: SupplyChainSpec | undefined): void {
  if (!sc) return;
  const bad = (field: string, why: string) =>
    new InputError(`input.supplyChain.${field}: ${why}`);
  if (sc.imageDigest && !IMAGE_DIGEST.test(sc.imageDigest)) {
    throw bad(
      'imageDigest',
      `'${sc.imageDigest}' is not sha256: followed by 64 lower-case hex digits`,
    );
  }
  if (sc.modelDigest && !MODEL_DIGEST.test(sc.modelDigest)) {
    throw bad(
      'modelDigest',
      `'${sc.modelDigest}' is neither sha256:<64 hex> nor a 40-hex revision commit`,
    );
  }
  if (sc.modelProvenance && !HTTPS_URL.test(sc.modelProvenance)) {
    throw bad('modelProvenance', `'${sc.modelProvenance}' is not an https URL`);
  }
  if (sc.imageVerifier && !VERIFIERS.includes(sc.imageVerifier)) {
    throw bad(
      'imageVerifier',
      `'${sc.imageVerifier}' is not one of ${VERIFIERS.join(', ')}`,
    );
  }
}

/**
 * The image reference pinned to `digest` (a digest already in the reference
 * is replaced; the tag stays, for readers); the image as it is without one.
 *
 * @public
 */
export function pinImage(image: string, digest: string | undefined): string {
  if (!digest) return image;
  return `${image.replace(/@sha256:[a-f0-9]*$/, '')}@${digest}`;
}

/**
 * The model artifact annotations of the workload.
 *
 * @public
 */
export function modelArtifactAnnotations(
  sc: SupplyChainSpec | undefined,
): Record<string, string> {
  return {
    ...(sc?.modelDigest
      ? { [FINOPS_MODEL_DIGEST_ANNOTATION]: sc.modelDigest }
      : {}),
    ...(sc?.modelProvenance
      ? { [FINOPS_MODEL_PROVENANCE_ANNOTATION]: sc.modelProvenance }
      : {}),
  };
}

const HF_REVISION = /^[a-f0-9]{40}$/;

/**
 * vLLM's engine arguments that pin the model to the Hugging Face revision
 * `modelDigest` names when it is a 40-hex commit: `--revision` (weights and
 * config) and `--tokenizer-revision` (the tokenizer, from the same
 * repository). None for a `sha256:` artifact digest: vLLM has no flag to
 * check one (docs/supply-chain.md says what does).
 *
 * @public
 */
export function vllmRevisionArgs(sc: SupplyChainSpec | undefined): string[] {
  const revision = sc?.modelDigest;
  if (!revision || !HF_REVISION.test(revision)) return [];
  return ['--revision', revision, '--tokenizer-revision', revision];
}

/**
 * Where KServe's Hugging Face runtime loads the model from. Pinned to a
 * 40-hex revision: KServe's storage initializer downloads
 * `hf://<model>:<revision>` (the `storageUri` form KServe documents) into
 * `/mnt/models`, which the runtime serves; otherwise the runtime downloads
 * `--model_id` at the repository's head itself.
 *
 * @public
 */
export function kserveModelSource(
  model: string,
  servedName: string,
  sc: SupplyChainSpec | undefined,
): { storageUri?: string; args: string[] } {
  const revision = sc?.modelDigest;
  if (!revision || !HF_REVISION.test(revision)) {
    return { args: [`--model_name=${servedName}`, `--model_id=${model}`] };
  }
  return {
    storageUri: `hf://${model}:${revision}`,
    args: [`--model_name=${servedName}`, '--model_dir=/mnt/models'],
  };
}

/**
 * What the supply-chain files are rendered from.
 *
 * @public
 */
export interface SupplyChainContext {
  name: string;
  /** The namespace of the production overlay. */
  prodNamespace: string;
  /** The GitOps repository's https clone URL. */
  cloneUrl: string;
  /** The service's folder in the GitOps repository. */
  gitopsPath: string;
  /** The branch the workflow signs from. */
  revision: string;
  /** The runtime image the service image is built from (no KServe). */
  baseImage?: string;
  labels: Record<string, string>;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The image the workflow builds and its signer's identity, for a GitHub
 * repository: `ghcr.io/<owner>/<name>`, signed keylessly by the workflow
 * file on the branch.
 */
function githubIdentity(ctx: SupplyChainContext) {
  const url = new URL(ctx.cloneUrl.replace(/\.git$/, ''));
  const [owner, repo] = url.pathname.replace(/^\/+/, '').split('/');
  if (url.host !== 'github.com' || !owner || !repo) return undefined;
  const workflowFile = `${ctx.name}-image.yaml`;
  return {
    image: `ghcr.io/${owner.toLowerCase()}/${ctx.name}`,
    workflowFile,
    subjectRegExp: `^https://github\\.com/${escapeRegExp(owner)}/${escapeRegExp(
      repo,
    )}/\\.github/workflows/${escapeRegExp(
      workflowFile,
    )}@refs/heads/${escapeRegExp(ctx.revision)}$`,
  };
}

/** The GitHub Actions workflow that builds, signs and attests the image. */
function imageWorkflow(
  ctx: SupplyChainContext,
  identity: NonNullable<ReturnType<typeof githubIdentity>>,
) {
  const context = `${ctx.gitopsPath}/image`;
  const ref = `${identity.image}@\${{ steps.build.outputs.digest }}`;
  return {
    name: `${ctx.name} image`,
    on: {
      push: { branches: [ctx.revision], paths: [`${context}/**`] },
      workflow_dispatch: {},
    },
    // Keyless signing: the job's OIDC token is exchanged for a Fulcio
    // certificate naming this workflow; nothing secret is stored.
    permissions: { contents: 'read', packages: 'write', 'id-token': 'write' },
    jobs: {
      image: {
        'runs-on': 'ubuntu-24.04',
        steps: [
          { uses: ACTIONS.checkout },
          { uses: ACTIONS.setupBuildx },
          {
            uses: ACTIONS.login,
            with: {
              registry: 'ghcr.io',
              username: '${{ github.actor }}',
              password: '${{ secrets.GITHUB_TOKEN }}',
            },
          },
          {
            id: 'build',
            uses: ACTIONS.buildPush,
            with: {
              context,
              push: true,
              tags: `${identity.image}:\${{ github.sha }}`,
            },
          },
          {
            uses: ACTIONS.cosignInstaller,
            with: { 'cosign-release': COSIGN_RELEASE },
          },
          {
            name: 'Sign the image (keyless, recorded in Rekor)',
            run: `cosign sign --yes "${ref}"`,
          },
          {
            name: 'CycloneDX SBOM',
            uses: ACTIONS.sbom,
            with: {
              image: ref,
              format: 'cyclonedx-json',
              'output-file': 'sbom.cdx.json',
            },
          },
          {
            name: 'Attest the SBOM',
            run: `cosign attest --yes --type cyclonedx --predicate sbom.cdx.json "${ref}"`,
          },
          {
            name: 'Digest to pin',
            run: `echo "Pin the service to ${ref} (template field imageDigest: \${{ steps.build.outputs.digest }})" >> "$GITHUB_STEP_SUMMARY"`,
          },
        ],
      },
    },
  };
}

/** Kyverno ImageValidatingPolicy: signature and SBOM in production. */
function kyvernoPolicy(
  ctx: SupplyChainContext,
  identity: NonNullable<ReturnType<typeof githubIdentity>>,
) {
  return {
    apiVersion: 'policies.kyverno.io/v1',
    kind: 'ImageValidatingPolicy',
    metadata: { name: `${ctx.name}-prod-images`, labels: ctx.labels },
    spec: {
      validationActions: ['Deny'],
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [
          {
            apiGroups: [''],
            apiVersions: ['v1'],
            operations: ['CREATE', 'UPDATE'],
            resources: ['pods'],
          },
        ],
        namespaceSelector: {
          matchLabels: { 'kubernetes.io/metadata.name': ctx.prodNamespace },
        },
      },
      matchImageReferences: [{ glob: `${identity.image}*` }],
      validationConfigurations: { required: true, verifyDigest: true },
      attestors: [
        {
          name: 'github',
          cosign: {
            keyless: {
              identities: [
                {
                  issuer: GITHUB_ACTIONS_ISSUER,
                  subjectRegExp: identity.subjectRegExp,
                },
              ],
            },
            ctlog: { url: REKOR_URL },
          },
        },
      ],
      attestations: [{ name: 'sbom', intoto: { type: PREDICATE_CYCLONEDX } }],
      validations: [
        {
          expression:
            'images.containers.map(image, verifyImageSignatures(image, [attestors.github])).all(n, n > 0)',
          message: `images of ${identity.image} must be signed by the ${identity.workflowFile} workflow`,
        },
        {
          expression:
            'images.containers.map(image, verifyAttestationSignatures(image, attestations.sbom, [attestors.github])).all(n, n > 0)',
          message: `images of ${identity.image} must carry a CycloneDX SBOM attested by the ${identity.workflowFile} workflow`,
        },
      ],
    },
  };
}

/** Sigstore policy-controller ClusterImagePolicy: the same requirements. */
function policyControllerPolicy(
  ctx: SupplyChainContext,
  identity: NonNullable<ReturnType<typeof githubIdentity>>,
) {
  return {
    apiVersion: 'policy.sigstore.dev/v1beta1',
    kind: 'ClusterImagePolicy',
    metadata: { name: `${ctx.name}-images`, labels: ctx.labels },
    spec: {
      images: [{ glob: `${identity.image}**` }],
      mode: 'enforce',
      authorities: [
        {
          name: 'github',
          keyless: {
            url: FULCIO_URL,
            identities: [
              {
                issuer: GITHUB_ACTIONS_ISSUER,
                subjectRegExp: identity.subjectRegExp,
              },
            ],
          },
          ctlog: { url: REKOR_URL },
          attestations: [{ name: 'sbom', predicateType: 'cyclonedx' }],
        },
      ],
    },
  };
}

const yamlDoc = (value: unknown) => stringify(value, { lineWidth: 0 });

/**
 * The supply-chain files of a service in a GitHub GitOps repository: the
 * image workflow (`.github/workflows/<name>-image.yaml` of the repository's
 * root, scope `repository`: build, cosign keyless signature, CycloneDX SBOM
 * attestation of `<gitopsPath>/image`), the image's Dockerfile
 * (`image/Dockerfile`, from the runtime image) and the cluster verifier's
 * policy (`deploy/<verifier>/<name>-images.yaml`). None for other hosts or
 * without a base image (KServe takes its image from a ServingRuntime).
 *
 * @public
 */
export function renderSupplyChainFiles(
  sc: SupplyChainSpec | undefined,
  ctx: SupplyChainContext,
): Array<{ path: string; content: string; scope?: 'repository' }> {
  const identity = githubIdentity(ctx);
  if (!identity || !ctx.baseImage) return [];
  const files: Array<{ path: string; content: string; scope?: 'repository' }> =
    [
      {
        // GitHub runs only the workflows of the repository's root.
        path: `.github/workflows/${identity.workflowFile}`,
        content: yamlDoc(imageWorkflow(ctx, identity)),
        scope: 'repository',
      },
      {
        path: 'image/Dockerfile',
        content: `# The ${ctx.name} image: built, signed and attested by .github/workflows/${identity.workflowFile}.\nFROM ${ctx.baseImage}\n`,
      },
    ];
  const verifier = sc?.imageVerifier || 'none';
  if (verifier === 'kyverno') {
    files.push({
      path: `deploy/kyverno/${ctx.name}-images.yaml`,
      content: yamlDoc(kyvernoPolicy(ctx, identity)),
    });
  } else if (verifier === 'policy-controller') {
    files.push({
      path: `deploy/policy-controller/${ctx.name}-images.yaml`,
      content: yamlDoc(policyControllerPolicy(ctx, identity)),
    });
  }
  return files;
}
