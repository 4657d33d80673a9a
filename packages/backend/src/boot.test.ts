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

/*
 * Boot test: starts the real backend of this repository (src/index.ts with
 * app-config.yaml: SQLite in memory, guest sign-in, demo data on) as a child
 * process, signs in as the guest and reads the cost summary of a demo entity.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { EntityCostSummary } from '@ai-finops/backstage-plugin-finops-common';

const repoRoot = path.resolve(__dirname, '../../..');
const backendDir = path.resolve(__dirname, '..');

jest.setTimeout(240_000);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor<T>(
  what: string,
  attempt: () => Promise<T | undefined>,
  timeoutMs: number,
  output: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const result = await attempt();
      if (result !== undefined) return result;
    } catch (error) {
      lastError = error;
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(
    `Timed out waiting for ${what} (${
      lastError ?? 'no result'
    }); backend output:\n${output().slice(-6000)}`,
  );
}

/** The first GPU inference component of the demo catalog. */
function demoInferenceComponent(): string {
  const docs = parseAllDocuments(
    readFileSync(path.join(repoRoot, 'examples/entities.yaml'), 'utf8'),
  ).map(d => d.toJS());
  const component = docs.find(
    d =>
      d?.kind === 'Component' &&
      d.metadata?.annotations?.['ai-finops.io/gpu-model'] &&
      d.metadata?.annotations?.['backstage.io/kubernetes-id'],
  );
  if (!component) throw new Error('no GPU component in examples/entities.yaml');
  return component.metadata.name;
}

describe('packages/backend boot', () => {
  let child: ChildProcess | undefined;
  let output = '';

  afterAll(async () => {
    if (child?.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  });

  it('starts on SQLite with the demo and serves a demo entity cost summary', async () => {
    const port = await freePort();
    const baseUrl = `http://localhost:${port}`;
    child = spawn(
      process.execPath,
      [require.resolve('@backstage/cli/bin/backstage-cli'), 'package', 'start'],
      {
        cwd: backendDir,
        detached: true, // its own process group, so the whole tree is stopped
        env: {
          ...process.env,
          NODE_ENV: 'development',
          APP_CONFIG_backend_listen_port: String(port),
          APP_CONFIG_backend_baseUrl: baseUrl,
        },
      },
    );
    child.stdout?.on('data', d => (output += d));
    child.stderr?.on('data', d => (output += d));

    await waitFor(
      'readiness',
      async () => {
        const res = await fetch(`${baseUrl}/.backstage/health/v1/readiness`);
        return res.ok ? true : undefined;
      },
      150_000,
      () => output,
    );

    // Sign in once the catalog has processed the demo organisation: the guest's
    // token then carries its group memberships (platform-engineering, the
    // FinOps admins), as it does for a person who opens the portal.
    const token: string = await waitFor(
      'guest sign-in with catalog memberships',
      async () => {
        const res = await fetch(`${baseUrl}/api/auth/guest/refresh`);
        if (!res.ok) return undefined;
        const { token: candidate, identity } = (await res.json())
          .backstageIdentity;
        return identity.ownershipEntityRefs.includes(
          'group:default/platform-engineering',
        )
          ? candidate
          : undefined;
      },
      120_000,
      () => output,
    );

    const name = demoInferenceComponent();
    const summaryUrl = `${baseUrl}/api/finops/entities/component/default/${name}/summary`;

    const anonymous = await fetch(summaryUrl);
    expect(anonymous.status).toBe(401);

    let lastResponse = '';
    const summary: EntityCostSummary = await waitFor(
      `a summary with demo costs for ${name}`,
      async () => {
        const res = await fetch(summaryUrl, {
          headers: { Authorization: `Bearer ${token}` },
        });
        const text = await res.text();
        lastResponse = `${res.status} ${text.slice(0, 500)}`;
        if (!res.ok) return undefined;
        const body: EntityCostSummary = JSON.parse(text);
        return body.monthToDate.effectiveCost > 0 ? body : undefined;
      },
      120_000,
      () => `${output}\nlast response: ${lastResponse}`,
    );

    expect(summary.entityRef).toBe(`component:default/${name}`);
    expect(summary.dailyCosts).toHaveLength(30);
    expect(summary.topDrivers[0].category).toBe('gpu');
    expect(summary.usage.gpuHours).toBeGreaterThan(0);
    expect(summary.usage.costPerMillionTokens).toBeGreaterThan(0);
  });
});
