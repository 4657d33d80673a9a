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

import { bundleToJSON } from '@sigstore/bundle';
import { DSSEBundleBuilder, type Signer } from '@sigstore/sign';
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  sign,
  type KeyObject,
} from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expectBadInput, runAiFinops } from '../__testUtils__/aiFinops';
import { TestSigstore } from '../__testUtils__/sigstorePki';

jest.setTimeout(120_000);

// Real Sigstore bundles, signed in the test with @sigstore/sign (a DSSE
// envelope over an in-toto statement), verified by the real CLI with
// @sigstore/verify: key-based (an ECDSA P-256 key made here, --key), and
// keyless against a trusted root made here (TestSigstore: a CA certifying
// the signer's identity, an SCT of a CT log, a Rekor entry with inclusion
// proof and promise).

const POLICIES = path.resolve(__dirname, '../../../../policies');
const CYCLONEDX = 'https://cyclonedx.org/bom';
const COSIGN_SIGNATURE = 'https://sigstore.dev/cosign/sign/v1';

let dir: string;
let bundles: string;
let policies: string;
let publicKeyFile: string;
let signingKey: KeyObject;
let otherKey: KeyObject;

const hex = (seed: string) => createHash('sha256').update(seed).digest('hex');
const PROD_DIGEST = hex('chat image v1');
const DEV_DIGEST = hex('chat image dev');
const PROD_IMAGE = `ghcr.io/ai-finops/chat@sha256:${PROD_DIGEST}`;
const DEV_IMAGE = `ghcr.io/ai-finops/chat@sha256:${DEV_DIGEST}`;

/** A Signer for @sigstore/sign: ECDSA P-256 over SHA-256, DER signature. */
function keySigner(privateKey: KeyObject, hint: string): Signer {
  return {
    sign: async (data: Buffer) => ({
      signature: sign('sha256', data, privateKey),
      key: {
        $case: 'publicKey',
        hint,
        publicKey: createPublicPem(privateKey),
      },
    }),
  };
}

function createPublicPem(privateKey: KeyObject): string {
  return createPublicKey(privateKey)
    .export({ format: 'pem', type: 'spki' })
    .toString();
}

/** Signs an in-toto statement about `digest` into a bundle JSON. */
async function statementBundle(
  digest: string,
  predicateType: string,
  privateKey: KeyObject = signingKey,
): Promise<any> {
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'ghcr.io/ai-finops/chat', digest: { sha256: digest } }],
    predicateType,
    predicate:
      predicateType === CYCLONEDX
        ? { bomFormat: 'CycloneDX', specVersion: '1.5', components: [] }
        : {},
  };
  const builder = new DSSEBundleBuilder({
    signer: keySigner(privateKey, 'test-key'),
    witnesses: [],
  });
  const bundle = await builder.create({
    data: Buffer.from(JSON.stringify(statement)),
    type: 'application/vnd.in-toto+json',
  });
  return bundleToJSON(bundle);
}

function write(rel: string, content: string): string {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

function writeBundle(folder: string, name: string, bundle: unknown) {
  write(path.join(folder, name), JSON.stringify(bundle));
}

function deploymentYaml(name: string, env: string, image: string) {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: chat-${env}
  labels: {app: chat, env: ${env}}
  annotations:
    ai-finops.io/model-digest: "${'a'.repeat(40)}"
    ai-finops.io/model-provenance: https://example.com/provenance/chat.intoto.jsonl
spec:
  selector: {matchLabels: {app: chat}}
  template:
    metadata:
      labels: {app: chat, env: ${env}}
    spec:
      containers:
        - name: vllm
          image: ${image}
`;
}

function aiFinops(args: string[]) {
  return runAiFinops(args, { cwd: dir });
}

/** check --verify-signatures of the prod and dev Deployments. */
function verify(
  bundleDir: string,
  extra: string[] = ['--key', publicKeyFile, '--offline-without-tlog'],
  manifests = 'manifests',
) {
  return aiFinops([
    'check',
    manifests,
    '--policies',
    policies,
    '--verify-signatures',
    '--bundles',
    bundleDir,
    ...extra,
  ]);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-finops-signatures-'));
  // The supply-chain policy and the shipped params only: the other
  // policies judge GPUs and labels, not what this test is about.
  policies = path.join(dir, 'policies');
  fs.mkdirSync(policies);
  for (const f of ['supply-chain.yaml', 'params.yaml']) {
    fs.copyFileSync(path.join(POLICIES, f), path.join(policies, f));
  }
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  signingKey = pair.privateKey;
  otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  publicKeyFile = write('cosign.pub', createPublicPem(signingKey));
  write('manifests/prod.yaml', deploymentYaml('chat', 'prod', PROD_IMAGE));
  write('manifests/dev.yaml', deploymentYaml('chat', 'dev', DEV_IMAGE));

  // A correctly signed and attested production image.
  bundles = path.join(dir, 'bundles');
  writeBundle(
    'bundles',
    `${PROD_DIGEST}.sigstore.json`,
    await statementBundle(PROD_DIGEST, COSIGN_SIGNATURE),
  );
  writeBundle(
    'bundles',
    `${PROD_DIGEST}.cyclonedx.sigstore.json`,
    await statementBundle(PROD_DIGEST, CYCLONEDX),
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A copy of the good bundles folder, changed by `edit`. */
function variant(name: string, edit: (folder: string) => void): string {
  const folder = path.join(dir, name);
  fs.cpSync(bundles, folder, { recursive: true });
  edit(folder);
  return folder;
}

describe('ai-finops check --verify-signatures', () => {
  it('passes a signed and SBOM-attested production image; a dev image without a bundle is a warning', () => {
    const result = verify(bundles);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `SIGNED signatures ${PROD_IMAGE} used by Deployment chat-prod/chat`,
    );
    expect(result.stdout).toContain(
      `signed and attested: ${CYCLONEDX}, ${COSIGN_SIGNATURE}`,
    );
    expect(result.stdout).toContain(
      `WARN signatures ${DEV_IMAGE} used by Deployment chat-dev/chat (manifests/dev.yaml:1): no Sigstore bundle (signatures are required in production only)`,
    );
    expect(result.stdout).toMatch(
      /passed: 2 objects, 2 policies, \d+ checks: 0 denied, 0 warnings; signatures: 1 verified, 0 failed, 1 warnings/,
    );
  });

  it('reports in JSON and JUnit too', () => {
    const json = JSON.parse(
      verify(bundles, [
        '--key',
        publicKeyFile,
        '--offline-without-tlog',
        '--format',
        'json',
      ]).stdout,
    );
    expect(json.passed).toBe(true);
    expect(
      json.signatures.map((s: any) => [s.image, s.result, s.production]),
    ).toEqual([
      [DEV_IMAGE, 'warn', false],
      [PROD_IMAGE, 'verified', true],
    ]);
    const junit = verify(bundles, [
      '--key',
      publicKeyFile,
      '--offline-without-tlog',
      '--format',
      'junit',
    ]).stdout;
    expect(junit).toContain(
      '<testsuite name="sigstore" tests="2" failures="0">',
    );
  });

  it('fails a bundle whose statement was tampered with (the signature no longer verifies)', () => {
    const folder = variant('tampered', f => {
      const file = path.join(f, `${PROD_DIGEST}.sigstore.json`);
      const bundle = JSON.parse(fs.readFileSync(file, 'utf8'));
      const statement = JSON.parse(
        Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString(),
      );
      statement.subject[0].digest.sha256 = hex('another image');
      bundle.dsseEnvelope.payload = Buffer.from(
        JSON.stringify(statement),
      ).toString('base64');
      fs.writeFileSync(file, JSON.stringify(bundle));
    });
    const result = verify(folder);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `DENY signatures ${PROD_IMAGE} used by Deployment chat-prod/chat (manifests/prod.yaml:1): verification failed: signature verification failed [${folder}/${PROD_DIGEST}.sigstore.json]`,
    );
    expect(result.stdout).toMatch(
      /^failed: .*signatures: 0 verified, 1 failed/m,
    );
  });

  it('fails a manifest whose digest is not the one that was signed', async () => {
    // The bundles of another digest, saved under this image's name.
    const folder = variant('other-digest', f => {
      for (const name of fs.readdirSync(f)) fs.rmSync(path.join(f, name));
    });
    const other = hex('the image that was really built');
    writeBundle(
      path.basename(folder),
      `${PROD_DIGEST}.sigstore.json`,
      await statementBundle(other, COSIGN_SIGNATURE),
    );
    const result = verify(folder);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `the statement's subject digest (sha256:${other}) is not the image digest sha256:${PROD_DIGEST}`,
    );
  });

  it('fails a bundle signed by a key that is not the trusted one', async () => {
    const folder = variant('wrong-signer', () => {});
    writeBundle(
      path.basename(folder),
      `${PROD_DIGEST}.sigstore.json`,
      await statementBundle(PROD_DIGEST, COSIGN_SIGNATURE, otherKey),
    );
    const result = verify(folder);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `DENY signatures ${PROD_IMAGE} used by Deployment chat-prod/chat (manifests/prod.yaml:1): verification failed: signature verification failed [${folder}/${PROD_DIGEST}.sigstore.json]`,
    );
  });

  it('fails a production image without a bundle, naming the file it looked for', () => {
    const folder = variant('missing', f => {
      for (const name of fs.readdirSync(f)) fs.rmSync(path.join(f, name));
    });
    const result = verify(folder);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `DENY signatures ${PROD_IMAGE} used by Deployment chat-prod/chat (manifests/prod.yaml:1): no Sigstore bundle ${PROD_DIGEST}.sigstore.json in ${folder}`,
    );
  });

  it('fails a production image without the CycloneDX SBOM attestation', () => {
    const folder = variant('no-sbom', f =>
      fs.rmSync(path.join(f, `${PROD_DIGEST}.cyclonedx.sigstore.json`)),
    );
    const result = verify(folder);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `missing attestation(s) ${CYCLONEDX} (found ${COSIGN_SIGNATURE})`,
    );
  });

  it('requires a transparency-log entry unless --offline-without-tlog', () => {
    const result = verify(bundles, ['--key', publicKeyFile]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'verification failed: expected 1 timestamps, got 0',
    );
  });

  it('refuses a production image by tag and a bundle that is not JSON', () => {
    write(
      'bytag/prod.yaml',
      deploymentYaml('chat', 'prod', 'ghcr.io/ai-finops/chat:1.0'),
    );
    const byTag = verify(bundles, undefined, 'bytag');
    expect(byTag.code).toBe(1);
    expect(byTag.stdout).toContain(
      'DENY signatures ghcr.io/ai-finops/chat:1.0 used by Deployment chat-prod/chat (bytag/prod.yaml:1): not pinned by digest',
    );
    // The policy denies it as well.
    expect(byTag.stdout).toContain('DENY ai-finops-supply-chain');

    const folder = variant('garbage', f =>
      fs.writeFileSync(path.join(f, `${PROD_DIGEST}.sigstore.json`), '{"x":'),
    );
    expect(verify(folder).stdout).toMatch(
      /DENY signatures .*: not a Sigstore bundle \(.*\) \[.*garbage\//,
    );
  });

  it('names what is missing or wrong in the options, and never prints a key', () => {
    const badCheck = (...args: string[]) =>
      expectBadInput(
        aiFinops(['check', 'manifests', '--policies', policies, ...args]),
      );
    expect(badCheck('--verify-signatures')).toContain(
      '--verify-signatures needs --bundles <dir>',
    );
    expect(badCheck('--verify-signatures', '--bundles', bundles)).toContain(
      'needs --trusted-root <trusted_root.json>',
    );
    const secret = write(
      'private.pem',
      signingKey.export({ format: 'pem', type: 'sec1' }).toString(),
    );
    const line = expectBadInput(
      verify(bundles, [
        '--key',
        secret,
        '--trusted-root',
        path.join(dir, 'nope.json'),
      ]),
    );
    expect(line).toContain('--trusted-root');
    const keyLine = expectBadInput(
      verify(bundles, ['--key', path.join(dir, 'manifests/prod.yaml')]),
    );
    expect(keyLine).toContain('not a PEM public key');
    expect(keyLine).not.toContain('apiVersion');
    expect(badCheck('--bundles', bundles)).toContain(
      'need --verify-signatures',
    );
  });
});

describe('ai-finops check --verify-signatures, keyless', () => {
  const GITHUB = 'https://token.actions.githubusercontent.com';
  const WORKFLOW =
    'https://github.com/ai-finops/gitops/.github/workflows/chat-image.yaml@refs/heads/main';
  let sigstore: TestSigstore;
  let root: string;

  const statement = (digest: string, predicateType: string) => ({
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'ghcr.io/ai-finops/chat', digest: { sha256: digest } }],
    predicateType,
    predicate: {},
  });

  /** A folder of keyless bundles for the production image. */
  async function keylessBundles(
    folder: string,
    options: {
      identity?: { issuer: string; subject: string };
      by?: TestSigstore;
      record?: boolean;
    } = {},
  ) {
    const by = options.by ?? sigstore;
    const identity = options.identity ?? { issuer: GITHUB, subject: WORKFLOW };
    for (const [suffix, type] of [
      ['', COSIGN_SIGNATURE],
      ['.cyclonedx', CYCLONEDX],
    ]) {
      writeBundle(
        folder,
        `${PROD_DIGEST}${suffix}.sigstore.json`,
        await by.sign(
          statement(PROD_DIGEST, type),
          identity,
          options.record ?? true,
        ),
      );
    }
    return path.join(dir, folder);
  }

  beforeAll(() => {
    sigstore = new TestSigstore();
    root = write('trusted_root.json', JSON.stringify(sigstore.trustedRoot()));
  });

  it('passes bundles certified for the workflow identity, with SCT and Rekor inclusion proof', async () => {
    const folder = await keylessBundles('keyless-ok');
    const result = verify(folder, ['--trusted-root', root]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(
      `SIGNED signatures ${PROD_IMAGE} used by Deployment chat-prod/chat`,
    );
    expect(result.code).toBe(0);
  });

  it('fails a signer identity that is not among spec.supplyChain.signers', async () => {
    for (const [folder, identity] of [
      [
        'keyless-other-repo',
        {
          issuer: GITHUB,
          subject:
            'https://github.com/evil/gitops/.github/workflows/chat-image.yaml@refs/heads/main',
        },
      ],
      [
        'keyless-other-branch',
        {
          issuer: GITHUB,
          subject: WORKFLOW.replace('refs/heads/main', 'refs/heads/feature'),
        },
      ],
      [
        'keyless-other-issuer',
        { issuer: 'https://accounts.google.com', subject: WORKFLOW },
      ],
    ] as const) {
      const signed = await keylessBundles(folder, { identity });
      const result = verify(signed, ['--trusted-root', root]);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(
        `DENY signatures ${PROD_IMAGE} used by Deployment chat-prod/chat (manifests/prod.yaml:1): signer '${identity.subject}' of issuer '${identity.issuer}' is not one of spec.supplyChain.signers [${signed}/${PROD_DIGEST}.cyclonedx.sigstore.json]`,
      );
    }
  });

  it('fails a certificate of another CA, a tampered log entry and a bundle never logged', async () => {
    const otherCa = await keylessBundles('keyless-other-ca', {
      by: new TestSigstore(),
    });
    expect(verify(otherCa, ['--trusted-root', root]).stdout).toContain(
      'verification failed: Failed to verify certificate chain',
    );

    const tampered = await keylessBundles('keyless-tampered-log');
    const file = path.join(tampered, `${PROD_DIGEST}.sigstore.json`);
    const bundle = JSON.parse(fs.readFileSync(file, 'utf8'));
    bundle.verificationMaterial.tlogEntries[0].integratedTime = String(
      Number(bundle.verificationMaterial.tlogEntries[0].integratedTime) + 60,
    );
    fs.writeFileSync(file, JSON.stringify(bundle));
    expect(verify(tampered, ['--trusted-root', root]).stdout).toContain(
      'verification failed: inclusion promise could not be verified',
    );

    const unlogged = await keylessBundles('keyless-unlogged', {
      record: false,
    });
    for (const extra of [[], ['--offline-without-tlog']]) {
      const result = verify(unlogged, ['--trusted-root', root, ...extra]);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(
        'a certificate (keyless) bundle without a transparency-log entry or RFC 3161 timestamp: its certificate cannot be checked',
      );
    }
  });
});
