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

import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

/** A recorded answer from `__fixtures__`, parsed. */
export function fixture<T = any>(name: string): T {
  return JSON.parse(
    readFileSync(resolve(__dirname, '../__fixtures__', name), 'utf8'),
  );
}

/**
 * A real HTTP server on a free port that answers GETs of the given paths
 * (with their query) with recorded JSON, 401 without `Bearer <token>` and
 * 404 (a Kubernetes-style Status) for anything else. Records every request.
 */
export async function startRecordedServer(
  token: string,
  routes: Record<string, unknown>,
) {
  const requests: Array<{ url: string; authorization?: string }> = [];
  const server = http.createServer((req, res) => {
    requests.push({
      url: req.url ?? '',
      authorization: req.headers.authorization,
    });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${token}`) {
      send(401, {
        error: 'invalid session',
        code: 16,
        message: 'invalid session: token is not valid',
      });
      return;
    }
    const body = routes[req.url ?? ''];
    if (req.method !== 'GET' || body === undefined) {
      send(404, {
        kind: 'Status',
        status: 'Failure',
        message: `${req.url} not found`,
        code: 404,
      });
      return;
    }
    send(200, body);
  });
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>(done => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
