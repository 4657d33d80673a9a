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

import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { readDeliverySettings } from './config';
import { DeliveryStatusService } from './DeliveryStatusService';

jest.setTimeout(60_000);

const SCRIPT = path.resolve(
  __dirname,
  '../../../../scripts/recorded-argocd.mjs',
);

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>(done => server.close(() => done()));
  return port;
}

/** Starts scripts/recorded-argocd.mjs and waits for its first line. */
async function startScript(args: string[], token = 'demo-token') {
  const child = spawn(process.execPath, [SCRIPT, ...args], {
    env: { ...process.env, ARGOCD_TOKEN: token },
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', code => reject(new Error(`exited with ${code}`)));
  });
  return child;
}

describe('scripts/recorded-argocd.mjs', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill();
    child = undefined;
  });

  it('serves the demo chat-llm Application to the delivery reader, with the token', async () => {
    const port = await freePort();
    child = await startScript([
      '--port',
      String(port),
      '--history',
      'aaa111@2026-11-01T10:00:00Z,bbb222@2026-11-20T12:00:00Z',
    ]);
    const read = (token: string) =>
      new DeliveryStatusService({
        settings: readDeliverySettings(
          new ConfigReader({
            finops: {
              delivery: {
                cacheTtlSeconds: 0,
                argocd: {
                  instances: [
                    { name: 'demo', url: `http://localhost:${port}`, token },
                  ],
                },
              },
            },
          }),
          mockServices.logger.mock(),
        ),
        logger: mockServices.logger.mock(),
      }).deployments({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'chat-llm',
          annotations: {
            'argocd/app-name': 'chat-llm-prod',
            'argocd/instance-name': 'demo',
          },
        },
      });
    const [app] = await read('demo-token');
    expect(app).toMatchObject({
      instance: 'demo',
      name: 'chat-llm-prod',
      sync: 'OutOfSync',
      revision: 'bbb222',
      deployedAt: '2026-11-20T12:00:00.000Z',
      history: [
        { revision: 'bbb222', deployedAt: '2026-11-20T12:00:00.000Z' },
        { revision: 'aaa111', deployedAt: '2026-11-01T10:00:00.000Z' },
      ],
    });
    expect(app.outOfSync.length).toBeGreaterThan(0);

    const [refused] = await read('wrong');
    expect(refused.error).toMatch(/HTTP 401/);
  });

  it('refuses to start without a token or with a bad history', async () => {
    const run = (args: string[], env: NodeJS.ProcessEnv) =>
      new Promise<{ code: number | null; stderr: string }>(resolve => {
        const p = spawn(process.execPath, [SCRIPT, ...args], { env });
        let stderr = '';
        p.stderr.on('data', d => (stderr += d));
        p.on('exit', code => resolve({ code, stderr }));
      });
    const { ARGOCD_TOKEN: _unset, ...withoutToken } = process.env;
    expect(await run(['--port', '1'], withoutToken)).toEqual({
      code: 2,
      stderr:
        'recorded-argocd: set ARGOCD_TOKEN to the token requests must carry\n',
    });
    const bad = await run(['--history', 'abc@yesterday'], {
      ...process.env,
      ARGOCD_TOKEN: 't',
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--history entry 'abc@yesterday'");
  });
});
