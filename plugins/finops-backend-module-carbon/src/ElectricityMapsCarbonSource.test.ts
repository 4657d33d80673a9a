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

import type { FinopsRecord } from '@ai-finops/backstage-plugin-finops-node';
import { mockServices } from '@backstage/backend-test-utils';
import { ElectricityMapsCarbonSource } from './ElectricityMapsCarbonSource';
import {
  intensityOf,
  startElectricityMapsServer,
} from './__testUtils__/electricityMapsServer';

const now = new Date('2026-11-26T04:20:00Z');
let server: Awaited<ReturnType<typeof startElectricityMapsServer>>;

beforeAll(async () => {
  server = await startElectricityMapsServer({
    token: 'em-token',
    now: () => now,
  });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const source = (options: object = {}) =>
  new ElectricityMapsCarbonSource({
    apiToken: 'em-token',
    baseUrl: server.baseUrl,
    zones: {
      'us-east-1': 'US-MIDA-PJM',
      'us-east-2': 'US-MIDA-PJM',
      'us-west-1': 'US-CAL-CISO',
    },
    retryDelayMs: 1,
    now: () => now,
    ...options,
  });

async function read(
  s: ElectricityMapsCarbonSource,
  start: string,
  end: string,
) {
  const records: FinopsRecord[] = [];
  for await (const record of s.read({
    window: { start: new Date(start), end: new Date(end) },
    logger: mockServices.logger.mock(),
  })) {
    records.push(record);
  }
  return records;
}

describe('ElectricityMapsCarbonSource', () => {
  it('reads recent windows from the history, one request per zone, a fact per region and hour', async () => {
    const records = await read(
      source(),
      '2026-11-26T00:00:00Z',
      '2026-11-26T04:00:00Z',
    );
    expect(server.requests).toEqual([
      { path: '/v3/carbon-intensity/history', query: { zone: 'US-CAL-CISO' } },
      { path: '/v3/carbon-intensity/history', query: { zone: 'US-MIDA-PJM' } },
    ]);
    expect(records).toHaveLength(4 * 3);
    expect(records.slice(0, 3)).toEqual(
      ['us-east-1', 'us-east-2', 'us-west-1'].map(region => ({
        type: 'usage',
        hour: '2026-11-26T00:00:00.000Z',
        metric: 'grid_carbon_intensity_gco2_per_kwh',
        region,
        value: intensityOf(
          region === 'us-west-1' ? 'US-CAL-CISO' : 'US-MIDA-PJM',
          Date.parse('2026-11-26T00:00:00Z'),
        ),
        labels: {
          'carbon.ai-finops.io/zone':
            region === 'us-west-1' ? 'US-CAL-CISO' : 'US-MIDA-PJM',
        },
      })),
    );
  });

  it('reads older windows from past-range, and only history when told to', async () => {
    const records = await read(
      source(),
      '2026-11-20T00:00:00Z',
      '2026-11-21T00:00:00Z',
    );
    expect(records).toHaveLength(24 * 3);
    expect(server.requests.map(r => r.path)).toEqual([
      '/v3/carbon-intensity/past-range',
      '/v3/carbon-intensity/past-range',
    ]);
    expect(server.requests[0].query).toEqual({
      zone: 'US-CAL-CISO',
      start: '2026-11-20T00:00:00Z',
      end: '2026-11-21T00:00:00Z',
    });

    server.requests.length = 0;
    // The free tier: history only; hours it does not cover stay empty.
    expect(
      await read(
        source({ endpoint: 'history' }),
        '2026-11-20T00:00:00Z',
        '2026-11-21T00:00:00Z',
      ),
    ).toEqual([]);
    expect(server.requests.map(r => r.path)).toEqual([
      '/v3/carbon-intensity/history',
      '/v3/carbon-intensity/history',
    ]);
  });

  it('fails the window with a clear error when the token is rejected', async () => {
    await expect(
      read(
        source({ apiToken: 'wrong' }),
        '2026-11-26T00:00:00Z',
        '2026-11-26T04:00:00Z',
      ),
    ).rejects.toThrow(
      /HTTP 401: Invalid authentication token; the API token was rejected/,
    );
  });
});
