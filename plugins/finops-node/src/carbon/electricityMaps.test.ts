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
import { mockServices } from '@backstage/backend-test-utils';
import { ElectricityMapsClient, parseIntensities } from './electricityMaps';

/** One hour of a zone as the API documents it. */
function point(zone: string, datetime: string, carbonIntensity: number | null) {
  return {
    zone,
    carbonIntensity,
    datetime,
    updatedAt: '2026-11-26T03:51:12.370Z',
    createdAt: '2026-11-23T04:48:39.551Z',
    emissionFactorType: 'lifecycle',
    isEstimated: false,
    estimationMethod: null,
  };
}

type Handler = (
  req: IncomingMessage,
  url: URL,
) => { status?: number; body: unknown; headers?: Record<string, string> };

let server: Server;
let baseUrl: string;
let handler: Handler;
const requests: Array<{
  path: string;
  query: Record<string, string>;
  token?: string;
}> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://localhost');
    requests.push({
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      token: req.headers['auth-token'] as string | undefined,
    });
    const { status = 200, body, headers = {} } = handler(req, url);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise(resolve => server.close(resolve)));

beforeEach(() => {
  requests.length = 0;
});

const client = (options: object = {}) =>
  new ElectricityMapsClient({
    apiToken: 'secret-token',
    baseUrl,
    retryDelayMs: 5,
    ...options,
  });

describe('ElectricityMapsClient', () => {
  it('reads the last 24 hours with the auth-token header, leaving out hours without data', async () => {
    handler = () => ({
      body: {
        zone: 'DE',
        history: [
          point('DE', '2026-11-25T04:00:00.000Z', 402),
          point('DE', '2026-11-25T05:00:00.000Z', null),
          point('DE', '2026-11-25T06:00:00.000Z', 389.5),
        ],
      },
    });
    await expect(client().history('DE')).resolves.toEqual([
      {
        zone: 'DE',
        carbonIntensity: 402,
        datetime: '2026-11-25T04:00:00.000Z',
        updatedAt: '2026-11-26T03:51:12.370Z',
        emissionFactorType: 'lifecycle',
        isEstimated: false,
        estimationMethod: null,
      },
      expect.objectContaining({ carbonIntensity: 389.5 }),
    ]);
    expect(requests).toEqual([
      {
        path: '/v3/carbon-intensity/history',
        query: { zone: 'DE' },
        token: 'secret-token',
      },
    ]);
  });

  it('asks a past range in chunks of at most 10 days and keeps the hours asked for', async () => {
    handler = (_req, url) => {
      const start = Date.parse(url.searchParams.get('start')!);
      const end = Date.parse(url.searchParams.get('end')!);
      const data = [];
      // One hour more on each side than asked, as a lenient server might.
      for (let t = start - 3_600_000; t <= end; t += 3_600_000) {
        data.push(
          point(
            'US-CAL-CISO',
            new Date(t).toISOString(),
            200 + ((t / 3_600_000) % 24),
          ),
        );
      }
      return {
        body: { zone: 'US-CAL-CISO', data, temporalGranularity: 'hourly' },
      };
    };
    const points = await client({ emissionFactorType: 'direct' }).pastRange(
      'US-CAL-CISO',
      new Date('2026-10-01T00:00:00Z'),
      new Date('2026-10-25T00:00:00Z'),
    );
    expect(points).toHaveLength(24 * 24);
    expect(points[0].datetime).toBe('2026-10-01T00:00:00.000Z');
    expect(points[points.length - 1].datetime).toBe('2026-10-24T23:00:00.000Z');
    expect(requests.map(r => r.query)).toEqual([
      {
        zone: 'US-CAL-CISO',
        start: '2026-10-01T00:00:00Z',
        end: '2026-10-11T00:00:00Z',
        emissionFactorType: 'direct',
      },
      {
        zone: 'US-CAL-CISO',
        start: '2026-10-11T00:00:00Z',
        end: '2026-10-21T00:00:00Z',
        emissionFactorType: 'direct',
      },
      {
        zone: 'US-CAL-CISO',
        start: '2026-10-21T00:00:00Z',
        end: '2026-10-25T00:00:00Z',
        emissionFactorType: 'direct',
      },
    ]);
  });

  it('says plainly when the token is rejected, and does not retry', async () => {
    handler = () => ({
      status: 401,
      body: { message: 'Invalid authentication token' },
    });
    await expect(client().history('DE')).rejects.toMatchObject({
      name: 'AuthenticationError',
      message: expect.stringMatching(
        /HTTP 401: Invalid authentication token; the API token was rejected, check finops.carbon.electricityMaps.apiToken$/,
      ),
    });
    expect(requests).toHaveLength(1);
  });

  it('says when the plan does not cover the endpoint', async () => {
    handler = () => ({ status: 403, body: { message: 'Forbidden' } });
    await expect(
      client().pastRange(
        'DE',
        new Date('2020-01-01T00:00:00Z'),
        new Date('2020-01-02T00:00:00Z'),
      ),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('free tier has the last 24 hours only'),
    });
  });

  it('retries a rate limit with backoff, honouring Retry-After, then succeeds', async () => {
    let calls = 0;
    const logger = mockServices.logger.mock();
    handler = () =>
      ++calls < 3
        ? {
            status: 429,
            body: { message: 'Too many requests' },
            headers: { 'retry-after': calls === 2 ? '0.05' : '0' },
          }
        : {
            body: {
              zone: 'FR',
              history: [point('FR', '2026-11-25T00:00:00Z', 31)],
            },
          };
    const started = Date.now();
    await expect(client().history('FR', { logger })).resolves.toHaveLength(1);
    expect(requests).toHaveLength(3);
    // 5 ms, then max(10 ms, Retry-After 50 ms).
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /HTTP 429: Too many requests; rate limited by Electricity Maps; retrying in 5 ms \(try 1 of 4\)/,
      ),
    );
  });

  it('gives up on a lasting rate limit with a clear error', async () => {
    handler = () => ({ status: 429, body: 'slow down' });
    await expect(client({ attempts: 2 }).history('FR')).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(
        /HTTP 429: slow down; rate limited by Electricity Maps \(gave up after 2 tries\)$/,
      ),
    });
    expect(requests).toHaveLength(2);
  });

  it('retries server errors and network failures', async () => {
    let calls = 0;
    handler = () =>
      ++calls === 1
        ? { status: 502, body: 'bad gateway' }
        : { body: { zone: 'FR', history: [] } };
    await expect(client().history('FR')).resolves.toEqual([]);
    expect(requests).toHaveLength(2);

    const down = new ElectricityMapsClient({
      apiToken: 't',
      baseUrl: 'http://127.0.0.1:1',
      attempts: 2,
      retryDelayMs: 1,
    });
    await expect(down.history('FR')).rejects.toThrow(
      /Electricity Maps GET http:\/\/127.0.0.1:1\/v3\/carbon-intensity\/history\?zone=FR failed: fetch failed.*\(gave up after 2 tries\)/,
    );
  });

  it('fails on a bad zone without retrying, and on malformed bodies naming the field', async () => {
    handler = () => ({
      status: 400,
      body: { message: 'Zone XX is not supported' },
    });
    await expect(client().history('XX')).rejects.toThrow(
      /HTTP 400: Zone XX is not supported/,
    );
    expect(requests).toHaveLength(1);

    handler = () => ({ body: '<html>' });
    await expect(client().history('DE')).rejects.toThrow(
      /returned a body that is not JSON: <html>/,
    );
    handler = () => ({
      body: {
        zone: 'DE',
        history: [{ datetime: '2026-11-25T00:00:00Z', carbonIntensity: '402' }],
      },
    });
    await expect(client().history('DE')).rejects.toThrow(
      /history\[0\].carbonIntensity must be a non-negative number, got "402"/,
    );
    expect(() => parseIntensities({ zone: 'DE' }, 'history')).toThrow(
      "Electricity Maps response: 'history' must be an array, got nothing",
    );
  });

  it('stops waiting for a retry when aborted', async () => {
    handler = () => ({ status: 503, body: 'maintenance' });
    const controller = new AbortController();
    const slow = client({ retryDelayMs: 60_000 });
    const pending = slow.history('DE', { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('shutting down')), 50);
    await expect(pending).rejects.toThrow('shutting down');
  });

  it('refuses to start without a token or with a bad URL', () => {
    expect(() => new ElectricityMapsClient({ apiToken: '' })).toThrow(
      'Electricity Maps needs an API token',
    );
    expect(
      () => new ElectricityMapsClient({ apiToken: 't', baseUrl: 'ftp://x' }),
    ).toThrow("Electricity Maps baseUrl must be an http(s) URL, got 'ftp://x'");
  });
});
