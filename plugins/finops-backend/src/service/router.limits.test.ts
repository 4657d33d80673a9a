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

import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  component,
  dataSourceModule,
  startFinopsBackend,
  steadyGpuSource,
} from '../__testUtils__/backend';
import { expectMatchesSpec } from '../__testUtils__/openapi';
import { MAX_USAGE_METRICS } from './router';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const USER = mockCredentials.user.header('user:default/bob');
const BASE = '/api/finops/entities/component/default/chat-llm';

/** Hostile but well-formed requests: each is refused or bounded. */
describe.each(databases.eachSupportedId())(
  'request limits (%s)',
  databaseId => {
    let server: Awaited<ReturnType<typeof startFinopsBackend>>['server'];

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      ({ server } = await startFinopsBackend({
        knex,
        features: [dataSourceModule('gpu-source', steadyGpuSource)],
        entities: [
          component('chat-llm', { 'backstage.io/kubernetes-id': 'chat' }),
        ],
        trigger: { source: 'gpu', user: USER },
      }));
    });

    const get = (path: string) =>
      request(server).get(`${BASE}/${path}`).set('Authorization', USER);

    it('refuses more metric names than MAX_USAGE_METRICS with a 400 naming the limit', async () => {
      const names = Array.from({ length: 2000 }, (_, i) => `m${i}`).join(',');
      const res = await get(`usage?metric=${names}`);
      expect(res.status).toBe(400);
      expectMatchesSpec(res);
      expect(res.body.error.message).toBe(
        `Too many metrics: 2000 names in 'metric'; at most ${MAX_USAGE_METRICS} per request`,
      );
    });

    it('answers the most metric names allowed, unknown ones with empty series', async () => {
      const names = [
        'gpu_hours',
        ...Array.from({ length: MAX_USAGE_METRICS - 1 }, (_, i) => `m${i}`),
      ];
      const res = await get(`usage?metric=${names.join(',')}`);
      expect(res.status).toBe(200);
      expectMatchesSpec(res);
      expect(res.body.series).toHaveLength(MAX_USAGE_METRICS);
      expect(res.body.series[0].total).toBeGreaterThan(0);
      expect(res.body.series[1]).toMatchObject({ metric: 'm0', total: 0 });
    });

    it('keeps /health answering within 1 s while the most expensive usage request runs', async () => {
      const names = [
        'gpu_hours',
        'gpu_utilization',
        'gpu_power_watts',
        'tokens_input',
        'tokens_output',
        'requests',
        ...Array.from({ length: MAX_USAGE_METRICS - 6 }, (_, i) => `m${i}`),
      ].join(',');
      const to = new Date().toISOString().slice(0, 10);
      const from = new Date(Date.now() - 92 * 24 * 3600_000)
        .toISOString()
        .slice(0, 10);
      // The client discards the 5 MB answers: only the server's time counts.
      const discard = (res: NodeJS.ReadableStream, done: Function) => {
        res.on('data', () => {});
        res.on('end', () => done(null, null));
      };
      let running = true;
      const heavy = get(
        `usage?granularity=hourly&from=${from}&to=${to}&metric=${names}`,
      )
        .buffer(true)
        .parse(discard as any)
        .then(r => r.status)
        .finally(() => {
          running = false;
        });
      const latencies: number[] = [];
      do {
        const start = Date.now();
        const health = await request(server).get('/api/finops/health');
        latencies.push(Date.now() - start);
        expect(health.status).toBe(200);
        await new Promise(resolve => setTimeout(resolve, 20));
      } while (running);
      expect(await heavy).toBe(200);
      expect(Math.max(...latencies)).toBeLessThan(1000);
    });

    it('answers 413 with a JSON error for a body over the limit', async () => {
      const res = await request(server)
        .post('/api/finops/estimate')
        .set('Authorization', USER)
        .set('Content-Type', 'application/json')
        .send(
          JSON.stringify({ gpuType: 'x', pad: 'x'.repeat(10 * 1024 * 1024) }),
        );
      expect(res.status).toBe(413);
      expect(res.body.error.message).toBe(
        'Request body too large: a JSON body may be at most 100kb',
      );
      expect(res.body.error.stack).toBeUndefined();
    });

    it('answers 400 without a stack for malformed JSON', async () => {
      const res = await request(server)
        .post('/api/finops/estimate')
        .set('Authorization', USER)
        .set('Content-Type', 'application/json')
        .send('{"gpuType":');
      expect(res.status).toBe(400);
      expectMatchesSpec(res);
      expect(res.body.error.message).toMatch(/^Invalid JSON body/);
      expect(res.body.error.stack).toBeUndefined();
    });

    it.each([
      ['maxReplicas', 1e308],
      ['minReplicas', -1],
      ['gpuCount', 1e6],
      ['gpuCount', 1.5],
      ['expectedTokensPerSecond', 1e300],
      ['monthlyBudget', 1e13],
      ['latencySloMs', 0],
    ])(
      'refuses %s = %p in POST /estimate with a 400 naming the field',
      async (field, value) => {
        const res = await request(server)
          .post('/api/finops/estimate')
          .set('Authorization', USER)
          .send({ gpuType: 'NVIDIA-L4', [field]: value });
        expect(res.status).toBe(400);
        expectMatchesSpec(res);
        expect(res.body.error.message).toContain(`Field '${field}' must be`);
      },
    );

    it('answers a JSON 501 saying GitOps is not configured for a pull request read', async () => {
      const res = await get('recommendations/some-id/pull-request');
      expect(res.status).toBe(501);
      expectMatchesSpec(res);
      expect(res.body.error.name).toBe('NotImplementedError');
      expect(res.body.error.message).toContain('GitOps is not configured');
    });

    it('never puts a stack or a server path in an error body outside development', async () => {
      // Backstage's error middleware shows stacks only when NODE_ENV is
      // development (jest runs with test); the body parser's errors are
      // answered above without one.
      expect(process.env.NODE_ENV).not.toBe('development');
      const res = await get('usage?granularity=weekly');
      expect(res.status).toBe(400);
      expect(res.body.error.stack).toBeUndefined();
      expect(JSON.stringify(res.body)).not.toContain(__dirname);
    });
  },
);
