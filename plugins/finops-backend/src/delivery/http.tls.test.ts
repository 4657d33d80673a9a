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

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { readDeliverySettings } from './config';
import { getJson } from './http';
import { fixture } from './__testUtils__/recordedServer';

jest.setTimeout(60_000);

const TOKEN = 'tls-token-0c2b';

/**
 * A CA and a server certificate for 127.0.0.1 it signed, made with the
 * openssl command line in a temporary directory.
 */
function makeCertificates() {
  const dir = mkdtempSync(path.join(tmpdir(), 'delivery-tls-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) =>
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = [
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
  ];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '1',
    '-subj',
    '/CN=delivery test CA',
  );
  openssl(
    'req',
    ...ec,
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=127.0.0.1',
  );
  writeFileSync(file('san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '1',
    '-extfile',
    'san.ext',
  );
  const read = (name: string) => readFileSync(file(name), 'utf8');
  const certificates = {
    ca: read('ca.crt'),
    key: read('server.key'),
    cert: read('server.crt'),
  };
  rmSync(dir, { recursive: true, force: true });
  return certificates;
}

describe('Argo CD over TLS', () => {
  const { ca, key, cert } = makeCertificates();
  let server: https.Server;
  let url: string;

  beforeAll(async () => {
    server = https.createServer({ key, cert }, (req, res) => {
      const ok = req.headers.authorization === `Bearer ${TOKEN}`;
      res.writeHead(ok ? 200 : 401, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify(
          ok ? fixture('argocd-application-synced.json') : { message: 'no' },
        ),
      );
    });
    await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(
    () =>
      new Promise<void>(done => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  );

  const settings = (instance: Record<string, unknown>) =>
    readDeliverySettings(
      new ConfigReader({
        finops: {
          delivery: {
            argocd: {
              instances: [{ name: 'tls', url, token: TOKEN, ...instance }],
            },
          },
        },
      }),
      mockServices.logger.mock(),
    ).argocd[0];

  it('verifies the server against caData (base64, as in a kubeconfig)', async () => {
    const instance = settings({ caData: Buffer.from(ca).toString('base64') });
    const app = await getJson<{ metadata: { name: string } }>(
      instance,
      '/api/v1/applications/chat-llm-prod',
      "Argo CD instance 'tls'",
    );
    expect(app.metadata.name).toBe('chat-llm-prod');
  });

  it('refuses a server it cannot verify, unless skipTLSVerify', async () => {
    await expect(
      getJson(
        settings({}),
        '/api/v1/applications/chat-llm-prod',
        "Argo CD instance 'tls'",
      ),
    ).rejects.toThrow(
      /^Argo CD instance 'tls': UNABLE_TO_VERIFY_LEAF_SIGNATURE/,
    );
    const app = await getJson<{ metadata: { name: string } }>(
      settings({ skipTLSVerify: true }),
      '/api/v1/applications/chat-llm-prod',
      "Argo CD instance 'tls'",
    );
    expect(app.metadata.name).toBe('chat-llm-prod');
  });
});
