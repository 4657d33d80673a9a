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

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const HOUR = 3_600_000;

/** A made-up but plausible intensity of a zone for an hour. */
export function intensityOf(zone: string, hour: number): number {
  const base = zone.length * 50;
  return base + ((hour / HOUR) % 24) * 5;
}

function point(zone: string, hour: number) {
  return {
    zone,
    carbonIntensity: intensityOf(zone, hour),
    datetime: new Date(hour).toISOString(),
    updatedAt: new Date(hour + HOUR).toISOString(),
    createdAt: new Date(hour - 72 * HOUR).toISOString(),
    emissionFactorType: 'lifecycle',
    isEstimated: false,
    estimationMethod: null,
  };
}

/**
 * A local server answering `/v3/carbon-intensity/history` (the 24 hours
 * before `now`) and `/past-range` in the documented shapes, checking the
 * `auth-token` header.
 */
export async function startElectricityMapsServer(options: {
  token: string;
  now: () => Date;
}) {
  const requests: Array<{ path: string; query: Record<string, string> }> = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://localhost');
    const query = Object.fromEntries(url.searchParams);
    requests.push({ path: url.pathname, query });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers['auth-token'] !== options.token) {
      send(401, { message: 'Invalid authentication token' });
      return;
    }
    const zone = query.zone;
    if (url.pathname === '/v3/carbon-intensity/history') {
      const last = Math.floor(options.now().getTime() / HOUR) * HOUR;
      const history = [];
      for (let h = last - 23 * HOUR; h <= last; h += HOUR) {
        history.push(point(zone, h));
      }
      send(200, { zone, history });
    } else if (url.pathname === '/v3/carbon-intensity/past-range') {
      const data = [];
      for (
        let h = Date.parse(query.start);
        h < Date.parse(query.end);
        h += HOUR
      ) {
        data.push(point(zone, h));
      }
      send(200, { zone, data, temporalGranularity: 'hourly' });
    } else {
      send(404, { message: `no route ${url.pathname}` });
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}
