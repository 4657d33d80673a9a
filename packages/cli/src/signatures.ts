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

import type {
  KubernetesObject,
  ManifestObject,
} from '@ai-finops/backstage-plugin-finops-guardrails';
import { InputError } from '@backstage/errors';
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import {
  toSignedEntity,
  toTrustMaterial,
  Verifier,
  type Signer,
} from '@sigstore/verify';
import { createPublicKey, type KeyObject } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { readTextAtMost } from './actions/limitsInput';

// `ai-finops check --verify-signatures`: the images of the checked manifests
// against their Sigstore bundles, offline. What must be signed, by whom and
// with which attestations comes from the policies' params
// (GuardrailParams spec.supplyChain), the same source as the
// ai-finops-supply-chain policy.

const MIB = 1024 * 1024;
/** Bytes of one bundle file (an SBOM attestation carries the whole SBOM). */
export const MAX_BUNDLE_FILE_BYTES = 32 * MIB;
/** Entries of the --bundles folder that are looked at. */
export const MAX_BUNDLE_FOLDER_ENTRIES = 10_000;
/** Bytes of a --trusted-root JSON or a --key PEM. */
const MAX_TRUST_FILE_BYTES = 1 * MIB;
/** Bundles verified for one image digest. */
const MAX_BUNDLES_PER_DIGEST = 16;

const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const PINNED_IMAGE = /@sha256:([a-f0-9]{64})$/;
/** `<sha256 hex>.sigstore.json` or `<sha256 hex>.<label>.sigstore.json`. */
const BUNDLE_FILE = /^([a-f0-9]{64})(?:\.[A-Za-z0-9_-]+)?\.sigstore\.json$/;
const ENVIRONMENT_LABEL = 'ai-finops.io/environment';

/** A keyless signer the params accept: issuer and subject (or a pattern). */
export interface AcceptedSigner {
  issuer: string;
  subject?: string;
  subjectRegExp?: string;
}

/** GuardrailParams spec.supplyChain, as --verify-signatures uses it. */
export interface SupplyChainParams {
  productionEnvironments: string[];
  signers: AcceptedSigner[];
  requiredAttestations: string[];
}

/** The options of `check` that configure the verification. */
export interface SignatureVerificationOptions {
  bundles?: string;
  trustedRoot?: string;
  key?: string;
  offlineWithoutTlog?: boolean;
}

/** One image's outcome: `fail` fails the check, `warn` is printed. */
export interface SignatureFinding {
  result: 'verified' | 'fail' | 'warn';
  image: string;
  /** Where the image is used: `Deployment ns/name (file:line)`. */
  usedBy: string;
  production: boolean;
  message: string;
  /** The bundle file the message is about, if one. */
  bundle?: string;
}

const strings = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every(v => typeof v === 'string');

/**
 * spec.supplyChain of the params objects loaded with the policies; a clear
 * error when none has one or it is malformed.
 */
export function supplyChainParams(
  params: readonly KubernetesObject[],
): SupplyChainParams {
  const withSupplyChain = params.filter(
    p => (p as any).spec?.supplyChain !== undefined,
  );
  if (withSupplyChain.length === 0) {
    throw new InputError(
      '--verify-signatures: no params object of the policies has spec.supplyChain (productionEnvironments, signers, requiredAttestations); see policies/params.yaml',
    );
  }
  const source = withSupplyChain[0];
  const where = `${source.kind} ${source.metadata.name} spec.supplyChain`;
  const sc = (source as any).spec.supplyChain;
  if (!strings(sc.productionEnvironments)) {
    throw new InputError(
      `${where}.productionEnvironments: not a list of strings`,
    );
  }
  const signers = sc.signers ?? [];
  if (!Array.isArray(signers)) {
    throw new InputError(`${where}.signers: not a list`);
  }
  signers.forEach((s: any, i: number) => {
    const bad = (why: string) =>
      new InputError(`${where}.signers[${i}]: ${why}`);
    if (typeof s?.issuer !== 'string' || !s.issuer) throw bad('no issuer');
    if ((s.subject === undefined) === (s.subjectRegExp === undefined)) {
      throw bad('give exactly one of subject and subjectRegExp');
    }
    if (s.subjectRegExp !== undefined) {
      if (
        typeof s.subjectRegExp !== 'string' ||
        s.subjectRegExp.length > 1024
      ) {
        throw bad('subjectRegExp must be a string of at most 1,024 characters');
      }
      try {
        RegExp(s.subjectRegExp, 'u');
      } catch (error) {
        throw bad(
          `subjectRegExp does not compile: ${(error as Error).message}`,
        );
      }
    }
  });
  const requiredAttestations = sc.requiredAttestations ?? [];
  if (!strings(requiredAttestations)) {
    throw new InputError(
      `${where}.requiredAttestations: not a list of strings`,
    );
  }
  return {
    productionEnvironments: sc.productionEnvironments,
    signers,
    requiredAttestations,
  };
}

/** The images of a workload, as the supply-chain policy collects them. */
function imagesOf(o: KubernetesObject): string[] {
  const spec = (o as any).spec ?? {};
  let podSpec: any;
  if (o.kind === 'Pod') podSpec = spec;
  else if (o.kind === 'CronJob')
    podSpec = spec.jobTemplate?.spec?.template?.spec;
  else if (o.kind === 'InferenceService') podSpec = spec.predictor;
  else podSpec = spec.template?.spec;
  if (!podSpec || typeof podSpec !== 'object') return [];
  const containers = [
    ...(Array.isArray(podSpec.containers) ? podSpec.containers : []),
    ...(Array.isArray(podSpec.initContainers) ? podSpec.initContainers : []),
    ...(o.kind === 'InferenceService' && podSpec.model ? [podSpec.model] : []),
  ];
  return containers
    .map((c: any) => c?.image)
    .filter((i: unknown): i is string => typeof i === 'string' && i !== '');
}

const WORKLOAD_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
  'Pod',
  'InferenceService',
  'Rollout',
]);

/**
 * The images of the manifests and whether each runs in production: the
 * environment is the namespace's `ai-finops.io/environment` label (from a
 * Namespace among the manifests), else the workload's `env` label — the
 * rule of policies/supply-chain.yaml.
 */
export function imagesToVerify(
  objects: readonly ManifestObject[],
  params: SupplyChainParams,
): Array<{ image: string; production: boolean; usedBy: string }> {
  const namespaceEnvironment = new Map<string, string>();
  for (const { object } of objects) {
    const env = object.metadata.labels?.[ENVIRONMENT_LABEL];
    if (object.kind === 'Namespace' && env !== undefined) {
      namespaceEnvironment.set(object.metadata.name, env);
    }
  }
  const byImage = new Map<
    string,
    { image: string; production: boolean; usedBy: string }
  >();
  for (const m of objects) {
    const o = m.object;
    if (!WORKLOAD_KINDS.has(o.kind)) continue;
    const namespace = o.metadata.namespace ?? 'default';
    const environment =
      namespaceEnvironment.get(namespace) ?? o.metadata.labels?.env ?? '';
    const production = params.productionEnvironments.includes(environment);
    const usedBy = `${o.kind} ${namespace}/${o.metadata.name} (${m.file}:${
      m.line
    }${m.kustomization ? `, kustomization ${m.kustomization}` : ''})`;
    for (const image of imagesOf(o)) {
      const known = byImage.get(image);
      // Production wins: the image is judged by its strictest use.
      if (!known || (production && !known.production)) {
        byImage.set(image, { image, production, usedBy });
      }
    }
  }
  return [...byImage.values()];
}

async function readSmallFile(option: string, file: string): Promise<string> {
  try {
    return await readTextAtMost(
      `${option} ${file}`,
      file,
      MAX_TRUST_FILE_BYTES,
    );
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      `${option} ${file}: cannot read it (${
        code === 'ENOENT' ? 'no such file or directory' : code ?? String(error)
      })`,
    );
  }
}

/** The trusted root (keyless) and/or public key (key-based) to verify with. */
async function trustMaterialOf(options: SignatureVerificationOptions) {
  if (!options.trustedRoot && !options.key) {
    throw new InputError(
      '--verify-signatures needs --trusted-root <trusted_root.json> (keyless: Fulcio CA, Rekor and CT log keys) or --key <public key PEM> (key-based)',
    );
  }
  let root: TrustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    certificateAuthorities: [],
    timestampAuthorities: [],
    tlogs: [],
    ctlogs: [],
  };
  if (options.trustedRoot) {
    const text = await readSmallFile('--trusted-root', options.trustedRoot);
    try {
      root = TrustedRoot.fromJSON(JSON.parse(text));
    } catch (error) {
      throw new InputError(
        `--trusted-root ${
          options.trustedRoot
        }: not a Sigstore trusted root JSON (${(error as Error).message})`,
      );
    }
  }
  let publicKey: KeyObject | undefined;
  if (options.key) {
    const pem = await readSmallFile('--key', options.key);
    try {
      publicKey = createPublicKey(pem);
    } catch {
      // Never echo the file: it could be a private key given by mistake.
      throw new InputError(
        `--key ${options.key}: not a PEM public key (-----BEGIN PUBLIC KEY-----)`,
      );
    }
  }
  try {
    return toTrustMaterial(root, hint => {
      if (!publicKey) {
        throw new Error(
          `the bundle is signed with a key (hint '${hint}'), and no --key was given`,
        );
      }
      return { publicKey, validFor: () => true };
    });
  } catch (error) {
    throw new InputError(
      `--trusted-root ${options.trustedRoot}: cannot use it (${
        (error as Error).message
      })`,
    );
  }
}

/** The bundle files of the --bundles folder by image digest (hex). */
async function bundleIndex(dir: string): Promise<Map<string, string[]>> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      `--bundles ${dir}: cannot read the folder (${
        code === 'ENOENT' ? 'no such file or directory' : code ?? String(error)
      })`,
    );
  }
  if (entries.length > MAX_BUNDLE_FOLDER_ENTRIES) {
    throw new InputError(
      `--bundles ${dir}: ${
        entries.length
      } entries; at most ${MAX_BUNDLE_FOLDER_ENTRIES.toLocaleString('en-US')}`,
    );
  }
  const index = new Map<string, string[]>();
  for (const e of entries) {
    const match = e.isFile() ? BUNDLE_FILE.exec(e.name) : null;
    if (!match) continue;
    index.set(match[1], [
      ...(index.get(match[1]) ?? []),
      path.join(dir, e.name),
    ]);
  }
  for (const files of index.values()) files.sort();
  return index;
}

/** What a verified bundle says: an in-toto statement and who signed it. */
interface VerifiedStatement {
  predicateType: string;
  subjectDigests: string[];
  signer: Signer;
}

class BundleRejected extends Error {}

function parseStatement(bundle: Bundle): {
  predicateType: string;
  subjectDigests: string[];
} {
  if (bundle.content.$case !== 'dsseEnvelope') {
    throw new BundleRejected(
      'a message-signature bundle: only DSSE bundles with an in-toto statement over the image digest are verified (cosign signs and attests images in that form)',
    );
  }
  const envelope = bundle.content.dsseEnvelope;
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw new BundleRejected(
      `DSSE payload type '${envelope.payloadType}', not ${IN_TOTO_PAYLOAD_TYPE}`,
    );
  }
  let statement: any;
  try {
    statement = JSON.parse(envelope.payload.toString('utf8'));
  } catch {
    throw new BundleRejected('the DSSE payload is not JSON');
  }
  if (
    typeof statement?.predicateType !== 'string' ||
    !Array.isArray(statement.subject)
  ) {
    throw new BundleRejected(
      'the DSSE payload is not an in-toto statement (subject, predicateType)',
    );
  }
  return {
    predicateType: statement.predicateType,
    subjectDigests: statement.subject
      .map((s: any) => s?.digest?.sha256)
      .filter((d: unknown): d is string => typeof d === 'string'),
  };
}

function signerAccepted(
  signer: Signer,
  accepted: readonly AcceptedSigner[],
): string | undefined {
  const identity = signer.identity;
  // Key-based: the key itself is the identity (--key).
  if (!identity) return undefined;
  const issuer = identity.extensions?.issuer;
  const subject = identity.subjectAlternativeName;
  const ok = accepted.some(
    s =>
      s.issuer === issuer &&
      (s.subject !== undefined
        ? s.subject === subject
        : subject !== undefined && RegExp(s.subjectRegExp!, 'u').test(subject)),
  );
  return ok
    ? undefined
    : `signer '${subject ?? '(no subject)'}' of issuer '${
        issuer ?? '(none)'
      }' is not one of spec.supplyChain.signers`;
}

/**
 * Verifies the Sigstore bundles of every image of the manifests: in
 * production an image must be pinned by digest, have at least one bundle,
 * every bundle must verify (signature, certificate chain or key,
 * transparency-log inclusion against the trusted root unless
 * `offlineWithoutTlog`), be signed by an accepted signer and cover the
 * image digest, and the bundles together must attest every required
 * predicate type. Outside production a missing bundle is a warning; a
 * bundle that does not verify fails anywhere.
 */
export async function verifyImageSignatures(
  objects: readonly ManifestObject[],
  params: SupplyChainParams,
  options: SignatureVerificationOptions,
): Promise<SignatureFinding[]> {
  if (!options.bundles) {
    throw new InputError(
      '--verify-signatures needs --bundles <dir>: the Sigstore bundles, named <sha256 hex of the image>.sigstore.json or <hex>.<label>.sigstore.json',
    );
  }
  const trust = await trustMaterialOf(options);
  const verifier = new Verifier(
    trust,
    options.offlineWithoutTlog
      ? { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }
      : { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 },
  );
  const index = await bundleIndex(options.bundles);
  const findings: SignatureFinding[] = [];

  const verifyFile = async (file: string): Promise<VerifiedStatement> => {
    let bundle: Bundle;
    try {
      const text = await readTextAtMost(file, file, MAX_BUNDLE_FILE_BYTES);
      bundle = bundleFromJSON(JSON.parse(text));
    } catch (error) {
      throw new BundleRejected(
        `not a Sigstore bundle (${(error as Error).message})`,
      );
    }
    const statement = parseStatement(bundle);
    const entity = toSignedEntity(bundle);
    if (entity.key.$case === 'certificate' && entity.timestamps.length === 0) {
      // Without a time the certificate's chain and validity cannot be checked.
      throw new BundleRejected(
        'a certificate (keyless) bundle without a transparency-log entry or RFC 3161 timestamp: its certificate cannot be checked',
      );
    }
    let signer: Signer;
    try {
      signer = verifier.verify(entity);
    } catch (error) {
      throw new BundleRejected(
        `verification failed: ${(error as Error).message}`,
      );
    }
    return { ...statement, signer };
  };

  for (const { image, production, usedBy } of imagesToVerify(objects, params)) {
    const finding = (
      result: SignatureFinding['result'],
      message: string,
      bundle?: string,
    ) =>
      findings.push({
        result,
        image,
        usedBy,
        production,
        message,
        ...(bundle ? { bundle } : {}),
      });
    const pinned = PINNED_IMAGE.exec(image);
    if (!pinned) {
      finding(
        production ? 'fail' : 'warn',
        'not pinned by digest (image@sha256:<64 hex>): its signature cannot be looked up',
      );
      continue;
    }
    const digest = pinned[1];
    const files = index.get(digest) ?? [];
    if (files.length === 0) {
      finding(
        production ? 'fail' : 'warn',
        production
          ? `no Sigstore bundle ${digest}.sigstore.json in ${options.bundles}`
          : 'no Sigstore bundle (signatures are required in production only)',
      );
      continue;
    }
    if (files.length > MAX_BUNDLES_PER_DIGEST) {
      finding(
        'fail',
        `${files.length} bundles; at most ${MAX_BUNDLES_PER_DIGEST} are verified for one image`,
      );
      continue;
    }
    const verified: VerifiedStatement[] = [];
    let failed = false;
    for (const file of files) {
      try {
        const statement = await verifyFile(file);
        if (!statement.subjectDigests.includes(digest)) {
          throw new BundleRejected(
            `the statement's subject digest (${
              statement.subjectDigests.map(d => `sha256:${d}`).join(', ') ||
              'none'
            }) is not the image digest sha256:${digest}`,
          );
        }
        const refused = signerAccepted(statement.signer, params.signers);
        if (refused) throw new BundleRejected(refused);
        verified.push(statement);
      } catch (error) {
        if (!(error instanceof BundleRejected)) throw error;
        finding('fail', error.message, file);
        failed = true;
      }
    }
    if (failed) continue;
    const types = new Set(verified.map(v => v.predicateType).sort());
    const missing = production
      ? params.requiredAttestations.filter(t => !types.has(t))
      : [];
    if (missing.length) {
      finding(
        'fail',
        `missing attestation(s) ${missing.join(', ')} (found ${[...types].join(
          ', ',
        )})`,
        files.join(', '),
      );
      continue;
    }
    finding(
      'verified',
      `signed and attested: ${[...types].join(', ')}`,
      files.join(', '),
    );
  }
  return findings;
}

/** One line of the text report for a finding. */
export function formatSignatureFinding(f: SignatureFinding): string {
  const label = { verified: 'SIGNED', fail: 'DENY', warn: 'WARN' }[f.result];
  return `${label} signatures ${f.image} used by ${f.usedBy}: ${f.message}${
    f.bundle && f.result !== 'verified' ? ` [${f.bundle}]` : ''
  }`;
}
