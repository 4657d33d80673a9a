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

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  FinopsDataSource,
  FinopsRecord,
  FinopsWindow,
} from '@ai-finops/backstage-plugin-finops-node';
import { mockServices } from '@backstage/backend-test-utils';

/** What a test server answers: a status and a body (JSON unless a string). */
export type Reply = { status?: number; body: unknown };

/** A real HTTP server on 127.0.0.1 that answers with `reply(request)`. */
export interface TestServer {
  baseUrl: string;
  requests: Array<{ url: URL; headers: IncomingMessage['headers'] }>;
  close(): Promise<void>;
}

export async function startServer(
  reply: (url: URL, index: number) => Reply | Promise<Reply>,
): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ url, headers: req.headers });
    const { status = 200, body } = await reply(url, requests.length - 1);
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'content-type':
        typeof body === 'string' ? 'text/plain' : 'application/json',
    });
    res.end(text);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close(error => (error ? reject(error) : resolve()));
      }),
  };
}

/** Reads a window from a source and collects its records. */
export async function collect(
  source: FinopsDataSource,
  window: FinopsWindow,
  signal?: AbortSignal,
  logger = mockServices.logger.mock(),
): Promise<FinopsRecord[]> {
  const records: FinopsRecord[] = [];
  for await (const record of source.read({ window, logger, signal })) {
    records.push(record);
  }
  return records;
}

export type CostRecord = Extract<FinopsRecord, { type: 'cost' }>;
export type UsageRecord = Extract<FinopsRecord, { type: 'usage' }>;

export function costs(records: FinopsRecord[]): CostRecord[] {
  return records.filter((r): r is CostRecord => r.type === 'cost');
}

export function usages(records: FinopsRecord[]): UsageRecord[] {
  return records.filter((r): r is UsageRecord => r.type === 'usage');
}

export function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
