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
import { DSSEBundleBuilder } from '@sigstore/sign';
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  type KeyObject,
} from 'node:crypto';

// A Sigstore public-good instance in miniature, made in the test: a Fulcio-like
// CA (ECDSA P-256) issuing short-lived code-signing certificates with the
// OIDC issuer extension and a URI SAN, a CT log that signs an SCT for each
// certificate, and a Rekor-like log that records each DSSE signature
// (canonicalized `dsse` 0.0.1 body, a signed checkpoint of a one-leaf tree
// and an inclusion promise). The X.509 DER is written here with a few ASN.1
// encoders; @sigstore/verify parses and checks all of it.

const der = (tag: number, content: Buffer): Buffer => {
  const n = content.length;
  let length: Buffer;
  if (n < 0x80) length = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
    length = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, content]);
};
const seq = (...items: Buffer[]) => der(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => der(0x31, Buffer.concat(items));
const octets = (b: Buffer) => der(0x04, b);
const utf8 = (s: string) => der(0x0c, Buffer.from(s, 'utf8'));
const explicit = (n: number, b: Buffer) => der(0xa0 + n, b);
const bool = (v: boolean) => der(0x01, Buffer.from([v ? 0xff : 0]));
const bitString = (b: Buffer, unusedBits = 0) =>
  der(0x03, Buffer.concat([Buffer.from([unusedBits]), b]));
const integer = (b: Buffer) =>
  der(0x02, b[0] & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * a + b];
  for (const v of rest) {
    const chunk = [v & 0x7f];
    for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) {
      chunk.unshift(0x80 | (x & 0x7f));
    }
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}
const utcTime = (d: Date) =>
  der(
    0x17,
    Buffer.from(
      `${d.toISOString().slice(2, 19).replace(/[-:T]/g, '')}Z`,
      'ascii',
    ),
  );
const name = (cn: string) => seq(set(seq(oid('2.5.4.3'), utf8(cn))));
const extension = (id: string, critical: boolean, value: Buffer) =>
  seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));

const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));
const OID_SCT_LIST = '1.3.6.1.4.1.11129.2.4.2';
const OID_FULCIO_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';

const spki = (key: KeyObject) =>
  (key.type === 'public' ? key : createPublicKey(key)).export({
    type: 'spki',
    format: 'der',
  }) as Buffer;
const pem = (cert: Buffer) =>
  `-----BEGIN CERTIFICATE-----\n${cert
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trim()}\n-----END CERTIFICATE-----\n`;

function certificate(options: {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  signingKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  serial: Buffer;
  extensions: Buffer[];
}): { der: Buffer; tbs: Buffer } {
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(options.serial),
    ECDSA_SHA256,
    name(options.issuer),
    seq(utcTime(options.notBefore), utcTime(options.notAfter)),
    name(options.subject),
    spki(options.publicKey),
    explicit(3, seq(...options.extensions)),
  );
  const signature = sign('sha256', tbs, options.signingKey);
  return { der: seq(tbs, ECDSA_SHA256, bitString(signature)), tbs };
}

/** A log's identity in the trusted root: its key and its id (sha256). */
interface Log {
  key: KeyObject;
  spki: Buffer;
  id: Buffer;
}
function newLog(): Log {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicKey = spki(privateKey);
  return {
    key: privateKey,
    spki: publicKey,
    id: createHash('sha256').update(publicKey).digest(),
  };
}

const REKOR_ORIGIN = 'rekor.test.ai-finops.io';

/** A test Sigstore instance: CA, CT log, Rekor log. */
export class TestSigstore {
  readonly #ca = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  readonly #caCert: Buffer;
  readonly #ctlog = newLog();
  readonly #rekor = newLog();
  #logIndex = 0;

  constructor() {
    const now = Date.now();
    this.#caCert = certificate({
      subject: 'ai-finops test fulcio',
      issuer: 'ai-finops test fulcio',
      publicKey: this.#ca.publicKey,
      signingKey: this.#ca.privateKey,
      notBefore: new Date(now - 86_400_000),
      notAfter: new Date(now + 86_400_000),
      serial: randomBytes(16),
      extensions: [
        extension('2.5.29.19', true, seq(bool(true))),
        // keyUsage: keyCertSign (bit 5) and cRLSign (bit 6).
        extension('2.5.29.15', true, bitString(Buffer.from([0x06]), 1)),
      ],
    }).der;
  }

  /** `trusted_root.json` of this instance (Sigstore's JSON form). */
  trustedRoot(): object {
    const validFor = { start: new Date(Date.now() - 86_400_000).toISOString() };
    const log = (l: Log, baseUrl: string) => ({
      baseUrl,
      hashAlgorithm: 'SHA2_256',
      publicKey: {
        rawBytes: l.spki.toString('base64'),
        keyDetails: 'PKIX_ECDSA_P256_SHA_256',
        validFor,
      },
      logId: { keyId: l.id.toString('base64') },
    });
    return {
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [log(this.#rekor, `https://${REKOR_ORIGIN}`)],
      certificateAuthorities: [
        {
          subject: { organization: 'ai-finops', commonName: 'test fulcio' },
          uri: 'https://fulcio.test.ai-finops.io',
          certChain: {
            certificates: [{ rawBytes: this.#caCert.toString('base64') }],
          },
          validFor,
        },
      ],
      ctlogs: [log(this.#ctlog, 'https://ctfe.test.ai-finops.io')],
      timestampAuthorities: [],
    };
  }

  /**
   * A keyless signing certificate for `subject` (URI SAN) from `issuer`
   * (the Fulcio OIDC issuer extension), with an SCT of the CT log.
   */
  #leaf(key: KeyObject, issuer: string, subject: string): string {
    const now = Date.now();
    const extensions = [
      // keyUsage: digitalSignature; extKeyUsage: codeSigning.
      extension('2.5.29.15', true, bitString(Buffer.from([0x80]), 7)),
      extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.3'))),
      extension('2.5.29.17', true, seq(der(0x86, Buffer.from(subject)))),
      extension(OID_FULCIO_ISSUER_V1, false, Buffer.from(issuer)),
    ];
    const fields = {
      subject: '',
      issuer: 'ai-finops test fulcio',
      publicKey: key,
      signingKey: this.#ca.privateKey,
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + 600_000),
      serial: randomBytes(16),
    };
    // The SCT signs the certificate without its SCT extension (RFC 6962).
    const preCert = certificate({ ...fields, extensions }).tbs;
    const timestamp = Buffer.alloc(8);
    timestamp.writeBigInt64BE(BigInt(now - 30_000));
    const issuerKeyHash = createHash('sha256')
      .update(spki(this.#ca.publicKey))
      .digest();
    const u24 = Buffer.alloc(3);
    u24.writeUIntBE(preCert.length, 0, 3);
    const signed = Buffer.concat([
      Buffer.from([0, 0]), // v1, certificate_timestamp
      timestamp,
      Buffer.from([0, 1]), // precert_entry
      issuerKeyHash,
      u24,
      preCert,
      Buffer.from([0, 0]), // no extensions
    ]);
    const signature = sign('sha256', signed, this.#ctlog.key);
    const u16 = (n: number) => {
      const b = Buffer.alloc(2);
      b.writeUInt16BE(n);
      return b;
    };
    const sct = Buffer.concat([
      Buffer.from([0]),
      this.#ctlog.id,
      timestamp,
      u16(0),
      Buffer.from([4, 3]), // sha256, ecdsa
      u16(signature.length),
      signature,
    ]);
    const list = Buffer.concat([u16(sct.length + 2), u16(sct.length), sct]);
    const sctExtension = extension(OID_SCT_LIST, false, octets(list));
    return pem(
      certificate({ ...fields, extensions: [...extensions, sctExtension] }).der,
    );
  }

  /** The Rekor entry (dsse 0.0.1) of a DSSE bundle, with proof and promise. */
  #recordDsse(bundle: any) {
    const envelope = bundle.dsseEnvelope;
    const payload = Buffer.from(envelope.payload, 'base64');
    const body = Buffer.from(
      JSON.stringify({
        apiVersion: '0.0.1',
        kind: 'dsse',
        spec: {
          payloadHash: {
            algorithm: 'sha256',
            value: createHash('sha256').update(payload).digest('hex'),
          },
          signatures: [
            {
              signature: envelope.signatures[0].sig,
              verifier: Buffer.from(
                pem(
                  Buffer.from(
                    bundle.verificationMaterial.certificate.rawBytes,
                    'base64',
                  ),
                ),
              ).toString('base64'),
            },
          ],
        },
      }),
    );
    const logIndex = this.#logIndex++;
    const integratedTime = Math.floor(Date.now() / 1000) - 10;
    const canonical = (o: Record<string, unknown>) =>
      `{${Object.keys(o)
        .sort()
        .map(k => `${JSON.stringify(k)}:${JSON.stringify(o[k])}`)
        .join(',')}}`;
    const entryTimestamp = sign(
      'sha256',
      Buffer.from(
        canonical({
          body: body.toString('base64'),
          integratedTime,
          logIndex,
          logID: this.#rekor.id.toString('hex'),
        }),
      ),
      this.#rekor.key,
    );
    // A tree of this one leaf: its root is the leaf hash.
    const root = createHash('sha256')
      .update(Buffer.concat([Buffer.from([0]), body]))
      .digest();
    const note = `${REKOR_ORIGIN}\n1\n${root.toString('base64')}\n`;
    const noteSignature = Buffer.concat([
      this.#rekor.id.subarray(0, 4),
      sign('sha256', Buffer.from(note), this.#rekor.key),
    ]);
    return {
      logIndex: String(logIndex),
      logId: { keyId: this.#rekor.id.toString('base64') },
      kindVersion: { kind: 'dsse', version: '0.0.1' },
      integratedTime: String(integratedTime),
      inclusionPromise: {
        signedEntryTimestamp: entryTimestamp.toString('base64'),
      },
      inclusionProof: {
        logIndex: '0',
        rootHash: root.toString('base64'),
        treeSize: '1',
        hashes: [],
        checkpoint: {
          envelope: `${note}\n\u2014 ${REKOR_ORIGIN} ${noteSignature.toString(
            'base64',
          )}\n`,
        },
      },
      canonicalizedBody: body.toString('base64'),
    };
  }

  /**
   * A keyless DSSE bundle (JSON) of an in-toto statement, signed by a fresh
   * key certified for `identity`, recorded in the log unless `record` is
   * false.
   */
  async sign(
    statement: object,
    identity: { issuer: string; subject: string },
    record = true,
  ): Promise<any> {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const certificatePem = this.#leaf(
      privateKey,
      identity.issuer,
      identity.subject,
    );
    const builder = new DSSEBundleBuilder({
      signer: {
        sign: async (data: Buffer) => ({
          signature: sign('sha256', data, privateKey),
          key: { $case: 'x509Certificate', certificate: certificatePem },
        }),
      },
      witnesses: [],
    });
    const bundle: any = bundleToJSON(
      await builder.create({
        data: Buffer.from(JSON.stringify(statement)),
        type: 'application/vnd.in-toto+json',
      }),
    );
    if (record) {
      bundle.verificationMaterial.tlogEntries = [this.#recordDsse(bundle)];
    }
    return bundle;
  }
}
