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
import { fetchJson } from './fetchJson';
import { redactUrl } from './redact';

interface Answer {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long before answering. */
  delayMs?: number;
}

let server: Server;
let baseUrl: string;
let port: number;
let handler: (request: IncomingMessage, index: number) => Answer;
const requests: IncomingMessage[] = [];
const timers = new Set<ReturnType<typeof setTimeout>>();

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req);
    const answer = handler(req, requests.length - 1);
    const send = () => {
      res.writeHead(answer.status ?? 200, {
        'content-type': 'application/json',
        ...answer.headers,
      });
      const { body } = answer;
      res.end(typeof body === 'string' ? body : JSON.stringify(body ?? {}));
    };
    if (answer.delayMs) timers.add(setTimeout(send, answer.delayMs));
    else send();
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;
});

afterAll(
  () =>
    new Promise(resolve => {
      timers.forEach(clearTimeout);
      server.closeAllConnections();
      server.close(resolve);
    }),
);

beforeEach(() => {
  requests.length = 0;
});

describe('fetchJson', () => {
  it('retries a 503, then returns the JSON body', async () => {
    handler = (_req, index) =>
      index === 0
        ? { status: 503, body: { message: 'warming up' } }
        : { body: { ok: true } };
    const warn = jest.fn();
    await expect(
      fetchJson(`${baseUrl}/api`, { retryDelayMs: 1, logger: { warn } }),
    ).resolves.toEqual({ ok: true });
    expect(requests).toHaveLength(2);
    expect(requests[0].headers.accept).toBe('application/json');
    expect(warn).toHaveBeenCalledWith(
      `GET ${baseUrl}/api failed with HTTP 503 Service Unavailable: warming up; retrying in 1 ms (try 1 of 3)`,
    );
  });

  it('honours Retry-After when it is longer than the backoff', async () => {
    handler = (_req, index) =>
      index === 0
        ? { status: 429, headers: { 'retry-after': '0.2' } }
        : { body: [] };
    const started = Date.now();
    await fetchJson(`${baseUrl}/limited`, { retryDelayMs: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(requests).toHaveLength(2);
  });

  it('gives up after the tries with a ServiceUnavailableError', async () => {
    handler = () => ({ status: 500, body: 'boom' });
    await expect(
      fetchJson(`${baseUrl}/down`, { attempts: 2, retryDelayMs: 1 }),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: `GET ${baseUrl}/down failed with HTTP 500 Internal Server Error: boom (gave up after 2 tries)`,
    });
    expect(requests).toHaveLength(2);
  });

  it('does not retry a 404, and fails with a NotFoundError', async () => {
    handler = () => ({ status: 404, body: { error: 'no such zone' } });
    await expect(
      fetchJson(`${baseUrl}/zones/XX`, { retryDelayMs: 1 }),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: `GET ${baseUrl}/zones/XX failed with HTTP 404 Not Found: no such zone`,
    });
    expect(requests).toHaveLength(1);
  });

  it('times out a slow answer, and retries it', async () => {
    handler = (_req, index) =>
      index === 0 ? { delayMs: 1000, body: {} } : { body: { fast: true } };
    await expect(
      fetchJson(`${baseUrl}/slow`, { timeoutMs: 100, retryDelayMs: 1 }),
    ).resolves.toEqual({ fast: true });

    handler = () => ({ delayMs: 1000, body: {} });
    await expect(
      fetchJson(`${baseUrl}/slow`, { timeoutMs: 50, attempts: 1 }),
    ).rejects.toThrow(
      `GET ${baseUrl}/slow failed: The operation was aborted due to timeout (gave up after 1 try)`,
    );
  });

  it('never shows the password or the query string, and sends user info as basic auth', async () => {
    handler = () => ({ status: 400, body: { message: 'bad query' } });
    const error = await fetchJson<never>(
      `http://scott:tiger@127.0.0.1:${port}/api/v1/query?token=s3cret`,
    ).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'InputError' });
    expect(error.message).toBe(
      `GET ${baseUrl}/api/v1/query failed with HTTP 400 Bad Request: bad query`,
    );
    expect(error.message).not.toMatch(/tiger|scott|s3cret/);
    expect(requests[0].headers.authorization).toBe(
      `Basic ${Buffer.from('scott:tiger').toString('base64')}`,
    );
    expect(requests[0].url).toBe('/api/v1/query?token=s3cret');

    const unreachable = await fetchJson<never>(
      'http://user:pw@127.0.0.1:1/x?key=secret',
      { attempts: 1 },
    ).catch((e: Error) => e);
    expect(unreachable.message).toMatch(
      /^GET http:\/\/127\.0\.0\.1:1\/x failed: fetch failed/,
    );
    expect(unreachable.message).not.toMatch(/pw|secret/);
    expect(redactUrl('https://a:b@host/p?q=1', { query: true })).toBe(
      'https://host/p?q=1',
    );
  });

  it('fails on a body that is not JSON, and stops when aborted', async () => {
    handler = () => ({ body: '<html>' });
    await expect(fetchJson(`${baseUrl}/html`)).rejects.toThrow(
      `GET ${baseUrl}/html returned a body that is not JSON: <html>`,
    );

    handler = () => ({ status: 502, body: 'bad gateway' });
    const controller = new AbortController();
    const pending = fetchJson(`${baseUrl}/x`, {
      retryDelayMs: 60_000,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('shutting down')), 50);
    await expect(pending).rejects.toThrow('shutting down');
    expect(requests).toHaveLength(2);
  });
});
