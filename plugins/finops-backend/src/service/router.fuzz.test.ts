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

// Fuzzes the REST routes with generated requests, from a fixed seed: every
// operation of src/schema/openapi.yaml, with mutated path parameters (odd
// kinds and namespaces, unicode, very long, '..', broken percent-encoding),
// query parameters (wrong types, 1e308, -1, NaN, 2026-02-30, huge lists,
// repeated keys, brackets), JSON bodies (wrong types, deep nesting, big
// strings within the body limit, extra fields, null, malformed JSON, odd
// content types) and Authorization headers (a share of the cases send none
// or a forged one and must get a 401). Every case must answer without a 5xx
// (but the 501 of the pull-request routes, GitOps being off), within
// CASE_LIMIT_MS; a 4xx in Backstage's error shape; a response of a route of
// the spec matching the spec; no stack trace or server path in the body.
// /health must still answer afterwards. The backend runs in this process,
// so the heap is sampled after every case and bounded too.

import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import type { FinopsDataSource } from '@ai-finops/backstage-plugin-finops-node';
import { seededNoise } from '@ai-finops/test-utils';
import path from 'node:path';
import request from 'supertest';
import {
  component,
  dataSourceModule,
  startFinopsBackend,
  steadyGpuSource,
} from '../__testUtils__/backend';
import { expectMatchesSpec } from '../__testUtils__/openapi';
import { spec } from '../schema/openapi';

jest.setTimeout(120_000);

/** A fixed seed; FINOPS_REST_FUZZ_SEED=<n> explores others. */
const SEED = Number(process.env.FINOPS_REST_FUZZ_SEED ?? 20261207);
/** Generated cases per operation of the spec. */
const CASES_PER_OPERATION = Number(process.env.FINOPS_REST_FUZZ_CASES ?? 120);
/** A case answering later than this hangs. */
const CASE_LIMIT_MS = 2000;
/** The client gives up on a case after this (counted as a hang). */
const CASE_TIMEOUT_MS = 10_000;
/**
 * The heap of this process (the backend included) grows by less than this
 * during the fuzz (the worker may hold earlier suites' garbage at the start).
 */
const HEAP_GROWTH_LIMIT_MB = 1024;

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const USER = mockCredentials.user.header('user:default/bob');
const BASE = '/api/finops';
const REPO_ROOT = path.resolve(__dirname, '../../../..');

/** A source with no data, so that triggering it costs nothing. */
const emptySource: FinopsDataSource = {
  id: 'empty',
  backfill: { days: 1 },
  async *read() {},
};

type Method = 'get' | 'post' | 'put' | 'delete' | 'patch';

interface Operation {
  template: string;
  method: Method;
  operationId: string;
  query: string[];
  hasBody: boolean;
}

interface FuzzCase {
  operation: string;
  method: Method;
  /** Under BASE, with the query string. */
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Why a 401 is the only right answer, when it is. */
  expect401?: string;
  /** Whether the route is the operation's (not a mangled path). */
  inSpec: boolean;
}

type Json = Record<string, any>;

/** Every operation of the spec, with its query parameter names. */
function operations(): Operation[] {
  const params = (spec as Json).components.parameters as Json;
  const result: Operation[] = [];
  for (const [template, item] of Object.entries(spec.paths as Json)) {
    for (const [method, op] of Object.entries(item as Json)) {
      const resolved = ((op.parameters ?? []) as Json[]).map(p =>
        p.$ref ? params[p.$ref.split('/').pop()] : p,
      );
      result.push({
        template,
        method: method as Method,
        operationId: op.operationId,
        query: resolved.filter(p => p.in === 'query').map(p => p.name),
        hasBody: Boolean(op.requestBody),
      });
    }
  }
  return result;
}

const HOSTILE_TEXT = [
  '',
  ' ',
  '-1',
  '0',
  '1e308',
  '-1e308',
  '1e999',
  'NaN',
  'Infinity',
  '1.5',
  '99999999999999999999',
  '0x10',
  'true',
  'null',
  'undefined',
  '[]',
  '{}',
  '2026-02-30',
  '2026-13-01',
  '2026-02-29',
  '2028-02-29',
  '0000-01-01',
  '0099-01-01',
  '9999-12-31',
  '275760-09-13',
  '2026-1-1',
  '2026-01-01T00:00:00Z',
  ' 2026-01-01',
  '2026-01',
  '2026-00',
  '__proto__',
  'constructor',
  'tag:',
  'tag:__proto__',
  "' OR 1=1 --",
  '"; DROP TABLE finops_cost; --',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  'é',
  'Ω≈ç√',
  '😀',
  '\u202e\u0000\u001b[31m',
  'a'.repeat(3000),
  'gpu_hours,'.repeat(300),
  Array.from({ length: 900 }, (_, i) => `m${i}`).join(','),
];

/** Path segments sent as they are: percent-encoding tricks. */
const RAW_SEGMENTS = [
  '..',
  '.',
  '%2E%2E',
  '%2e',
  '%2F',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '%00',
  '%',
  '%ZZ',
  '%E0%A4%A',
  '%C0%AE',
  '%uFFFF',
  '%25',
  ';',
  ',',
  '',
];

const FORGED_AUTH = [
  'Bearer ',
  'Bearer',
  'Bearer garbage',
  'Bearer a b',
  mockCredentials.user.invalidHeader(),
  mockCredentials.service.invalidHeader(),
  mockCredentials.none.header(),
  'Basic dXNlcjpwYXNz',
  'Token mock-user-token',
  `Bearer eyJhbGciOiJub25lIn0.${Buffer.from(
    '{"sub":"user:default/admin"}',
  ).toString('base64url')}.`,
  `Bearer ${'x'.repeat(4000)}`,
];

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/merge-patch+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  '',
];

const RAW_BODIES = [
  '',
  '{',
  '{"gpuType":',
  '[',
  'null',
  'true',
  '42',
  '"text"',
  'NaN',
  '{"a":1e999}',
  '{"__proto__":{"polluted":1},"gpuType":"NVIDIA-L4"}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '{"reason":"x","reason":"y"}',
  '\u0000\u0001',
  '\ufeff{"gpuType":"NVIDIA-L4"}',
  'gpuType=NVIDIA-L4&gpuCount=1',
  `${'['.repeat(40_000)}${']'.repeat(40_000)}`,
  `{"gpuType":"NVIDIA-L4","x":${'{"a":'.repeat(15_000)}1${'}'.repeat(15_000)}}`,
];

/** The generated cases, the same on every run for a seed. */
function generateCases(ids: string[]): FuzzCase[] {
  const { uniform } = seededNoise(SEED);
  const int = (n: number) => Math.floor(uniform() * n);
  const chance = (p: number) => uniform() < p;
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  // A calm case mutates little, so that more cases reach the handlers.
  let calm = false;
  const day = (offset: number) =>
    new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10);

  const hostileJson = (): unknown =>
    pick<() => unknown>([
      () => null,
      () => -1,
      () => 0,
      () => 1e308,
      () => -1e308,
      () => 1.5,
      () => 2 ** 53 + 1,
      () => true,
      () => [],
      () => [1, 'x', null],
      () => ({}),
      () => ({ $gt: '' }),
      () => pick(HOSTILE_TEXT),
      () => 'x'.repeat(1000 + int(60_000)),
      () => {
        // Deep nesting, within the body limit.
        const depth = 1 + int(3000);
        return JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);
      },
      () => {
        let node: Json = { leaf: 1 };
        for (let d = int(3000); d > 0; d--) node = { a: node };
        return node;
      },
    ])();

  const segment = (valid: string[]): string => {
    if (chance(calm ? 0.97 : 0.7)) return encodeURIComponent(pick(valid));
    if (chance(0.5)) return pick(RAW_SEGMENTS);
    return encodeURIComponent(pick(HOSTILE_TEXT).slice(0, 2000));
  };

  const pathParam = (name: string): string => {
    switch (name) {
      case 'kind':
        return segment(['component', 'Component', 'COMPONENT', 'system']);
      case 'namespace':
        return segment(['default', 'Default']);
      case 'name':
        return segment(['chat-llm', 'chat-llm', 'no-keys', 'missing']);
      case 'id':
        return segment(ids.length ? [...ids, ...ids, 'rec-missing'] : ['x']);
      case 'source':
        return segment(['empty', 'empty', 'missing']);
      default:
        return segment(['x']);
    }
  };

  const validQuery = (op: Operation, name: string): string => {
    switch (name) {
      case 'from':
        return day(3 + int(20));
      case 'to':
        return day(int(3));
      case 'month':
        return day(0).slice(0, 7);
      case 'granularity':
        return op.template.endsWith('/costs')
          ? pick(['daily', 'monthly'])
          : pick(['daily', 'hourly']);
      case 'groupBy':
        return op.template === '/costs/focus'
          ? pick(['ProviderName', 'RegionId,ServiceName', 'ChargePeriodDay'])
          : pick(['source', 'region', 'gpuModel', 'namespace', 'tag:team']);
      case 'metric':
        return pick(['gpu_hours', 'gpu_utilization,tokens_output', 'x']);
      case 'limit':
        return String(1 + int(1000));
      case 'source':
        return pick(['gpu', 'empty', 'missing']);
      default:
        return 'x';
    }
  };

  const queryString = (op: Operation): string => {
    const parts: string[] = [];
    const names = [...op.query];
    if (chance(0.2)) names.push(pick(['foo', 'metric', 'from', '__proto__']));
    const validShare = calm ? 0.95 : 0.55;
    for (const name of names) {
      if (chance(0.35)) continue;
      const value = () =>
        chance(validShare)
          ? encodeURIComponent(validQuery(op, name))
          : encodeURIComponent(pick(HOSTILE_TEXT));
      const form = calm && chance(0.9) ? 9 : int(10);
      if (form === 0) parts.push(`${name}=${value()}&${name}=${value()}`);
      else if (form === 1) parts.push(`${name}[]=${value()}`);
      else if (form === 2) parts.push(`${name}[x]=${value()}`);
      else if (form === 3) parts.push(pick([name, `${name}=`]));
      else if (form === 4) parts.push(`${name}=${pick(RAW_SEGMENTS)}`);
      else parts.push(`${name}=${value()}`);
    }
    if (chance(0.05)) parts.push('__proto__[polluted]=1');
    if (chance(0.05)) parts.push('constructor[prototype][polluted]=1');
    return parts.length ? `?${parts.join('&')}` : '';
  };

  const validBody = (op: Operation): Json => {
    if (op.template === '/estimate') {
      return {
        gpuType: pick(['NVIDIA-L4', 'NVIDIA-H100-80GB-HBM3', 'A100']),
        ...(chance(0.5) ? { gpuCount: 1 + int(8) } : {}),
        ...(chance(0.5)
          ? { minReplicas: int(3), maxReplicas: 1 + int(4) }
          : {}),
        ...(chance(0.3) ? { runtime: pick(['vllm', 'kserve', 'triton']) } : {}),
        ...(chance(0.3) ? { expectedTokensPerSecond: int(5000) } : {}),
        ...(chance(0.3) ? { monthlyBudget: int(100_000) } : {}),
        ...(chance(0.2) ? { region: 'us-east-1', name: 'svc' } : {}),
      };
    }
    if (op.template.endsWith('/dismiss')) return { reason: 'not needed' };
    if (op.template.endsWith('/snooze')) {
      return chance(0.5) ? { days: 1 + int(30) } : { until: day(-1 - int(30)) };
    }
    if (op.template.endsWith('/pull-request')) {
      return { overlay: 'overlays/prod' };
    }
    return {};
  };

  const FIELDS = [
    'gpuType',
    'gpuCount',
    'minReplicas',
    'maxReplicas',
    'runtime',
    'autoscaler',
    'latencySloMs',
    'monthlyBudget',
    'expectedTokensPerSecond',
    'expectedRequestsPerSecond',
    'migProfile',
    'repoUrl',
    'delivery',
    'reason',
    'until',
    'days',
    'overlay',
    'extra',
    '__proto__',
  ];

  /** A body and its content type, or undefined for none. */
  const body = (op: Operation): [string, string] | undefined => {
    if (!op.hasBody && chance(0.85)) return undefined;
    const roll = calm ? 3 : int(10);
    if (roll === 0) return undefined;
    if (roll === 1) return [pick(RAW_BODIES), pick(CONTENT_TYPES)];
    let value: unknown = validBody(op);
    if (roll === 2) {
      value = hostileJson();
    } else {
      for (let n = calm ? int(2) : int(4); n > 0; n--) {
        const field = pick(FIELDS);
        if (chance(0.2)) delete (value as Json)[field];
        else (value as Json)[field] = hostileJson();
      }
    }
    let text = JSON.stringify(value) ?? 'null';
    // Big strings stay within the 100 kB limit but for a few.
    if (text.length > 100_000 && chance(0.8)) text = text.slice(0, 1000);
    return [text, chance(0.9) ? 'application/json' : pick(CONTENT_TYPES)];
  };

  const cases: FuzzCase[] = [];
  for (const op of operations()) {
    for (let i = 0; i < CASES_PER_OPERATION; i++) {
      calm = chance(0.4);
      let inSpec = true;
      const route = op.template.replace(/\{([^}]+)\}/g, (_, name) => {
        const value = pathParam(name);
        // An empty segment matches no route; the client resolves dot
        // segments before sending.
        if (value === '' || /^(\.|%2e)+$/i.test(value)) inSpec = false;
        return value;
      });
      const headers: Record<string, string> = {};
      let expect401: string | undefined;
      const auth = uniform();
      const protectedRoute = op.template !== '/health';
      if (auth < 0.1) {
        if (protectedRoute) expect401 = 'no Authorization header';
      } else if (auth < 0.2) {
        headers.Authorization = pick(FORGED_AUTH);
        if (protectedRoute) expect401 = 'a forged Authorization header';
      } else if (auth < 0.25) {
        headers.Authorization = mockCredentials.service.header();
      } else if (auth < 0.3) {
        headers.Authorization = mockCredentials.user.header(
          pick(['user:default/ünï', 'group:default/team-a', 'user:x/y']),
        );
      } else {
        headers.Authorization = USER;
      }
      if (chance(0.05)) headers.Accept = pick(['text/html', 'application/xml']);
      const payload = body(op);
      if (payload) {
        if (payload[1]) headers['Content-Type'] = payload[1];
        if (chance(0.03))
          headers['Content-Encoding'] = pick(['gzip', 'br', 'x']);
      }
      cases.push({
        operation: `${op.method.toUpperCase()} ${op.template}`,
        method:
          !calm && chance(0.05) ? pick(['put', 'delete', 'patch']) : op.method,
        url: `${route}${queryString(op)}`,
        headers,
        body: payload?.[0],
        expect401,
        inSpec,
      });
    }
  }
  for (const c of cases) {
    if (c.method !== c.operation.split(' ')[0].toLowerCase()) c.inSpec = false;
  }
  return cases;
}

const STACK = /\n\s+at |\bat [^\s()]+ \([^)]*:\d+:\d+\)|node:internal/;

/** What is wrong with a response, or undefined. */
function problemOf(
  fuzz: FuzzCase,
  res: request.Response,
  ms: number,
): string | undefined {
  const status = res.status;
  const text = res.text ?? '';
  if (status >= 500) {
    const allowed = status === 501 && fuzz.operation.endsWith('/pull-request');
    if (!allowed) return `a ${status}`;
  }
  if (ms > CASE_LIMIT_MS) return `${Math.round(ms)} ms`;
  if (fuzz.expect401 && status !== 401) {
    return `${status} instead of 401 for ${fuzz.expect401}`;
  }
  if (STACK.test(text) || /"stack"\s*:/.test(text)) return 'a stack trace';
  if (text.includes(REPO_ROOT) || text.includes('/node_modules/')) {
    return 'a server file path';
  }
  if (status >= 400) {
    const b = res.body as Json;
    if (
      typeof b?.error?.name !== 'string' ||
      typeof b.error.message !== 'string' ||
      typeof b.request?.method !== 'string' ||
      typeof b.request?.url !== 'string' ||
      b.response?.statusCode !== status
    ) {
      return 'a 4xx body not in the error shape';
    }
  }
  return undefined;
}

/** Why a response does not match the spec, or undefined when it does. */
function specProblem(res: request.Response): string | undefined {
  try {
    expectMatchesSpec(res, BASE);
    return undefined;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

describe('REST fuzz', () => {
  let server: Awaited<ReturnType<typeof startFinopsBackend>>['server'];

  beforeAll(async () => {
    const knex = await databases.init('SQLITE_3');
    ({ server } = await startFinopsBackend({
      knex,
      features: [
        dataSourceModule('gpu-source', steadyGpuSource),
        dataSourceModule('empty-source', emptySource),
      ],
      entities: [
        component('chat-llm', { 'backstage.io/kubernetes-id': 'chat' }),
        component('no-keys'),
      ],
      trigger: { source: 'gpu', user: USER },
    }));
  });

  it('answers every generated request without a 5xx, in bounded time, in the error shape and the spec', async () => {
    // Real recommendation ids, so that dismiss and snooze reach the store.
    const recommendations = await request(server)
      .get(`${BASE}/entities/component/default/chat-llm/recommendations`)
      .set('Authorization', USER);
    const ids = [
      ...(recommendations.body.items ?? []),
      ...(recommendations.body.hidden ?? []),
    ].map((r: { id: string }) => r.id);

    const cases = generateCases(ids);
    const failures: string[] = [];
    const statuses: Record<string, number> = {};
    const perOperation: Record<string, number> = {};
    let crashes = 0;
    let checked = 0;
    let hangs = 0;
    let maxMs = 0;
    const startHeap = process.memoryUsage().heapUsed;
    let peakHeap = startHeap;
    const started = performance.now();
    for (const [id, fuzz] of cases.entries()) {
      let test = request(server)
        [fuzz.method](`${BASE}${fuzz.url}`)
        .timeout(CASE_TIMEOUT_MS)
        .ok(() => true);
      for (const [name, value] of Object.entries(fuzz.headers)) {
        test = test.set(name, value);
      }
      if (fuzz.body !== undefined) test = test.send(fuzz.body);
      const start = performance.now();
      let res: request.Response | undefined;
      let problem: string | undefined;
      try {
        res = await test;
      } catch (error) {
        problem = `no answer: ${(error as Error).message}`;
      }
      const ms = performance.now() - start;
      maxMs = Math.max(maxMs, ms);
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      perOperation[fuzz.operation] = (perOperation[fuzz.operation] ?? 0) + 1;
      const status = res ? String(res.status) : 'none';
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (ms > CASE_LIMIT_MS || !res) hangs += 1;
      problem ??= problemOf(fuzz, res!, ms);
      if (res && res.status >= 500 && problem) crashes += 1;
      // Only the operation's own route is in the spec (413 is not: the
      // body parser answers before the route).
      if (!problem && fuzz.inSpec && res!.status !== 413) {
        problem = specProblem(res!);
        if (!problem) checked += 1;
      }
      if (problem) {
        const excerpt = (res?.text ?? '').replace(/\s+/g, ' ').slice(0, 300);
        failures.push(
          `case ${id} (${
            fuzz.operation
          }): ${fuzz.method.toUpperCase()} ${BASE}${fuzz.url.slice(
            0,
            200,
          )} [auth ${
            fuzz.headers.Authorization?.slice(0, 40) ?? 'none'
          }, body ${
            fuzz.body?.slice(0, 80) ?? 'none'
          }] → ${status}: ${problem}; ${excerpt}`,
        );
      }
    }
    const seconds = (performance.now() - started) / 1000;

    // The plugin still answers afterwards.
    const healthStart = performance.now();
    const health = await request(server).get(`${BASE}/health`);
    const healthMs = performance.now() - healthStart;
    if (health.status !== 200 || healthMs > CASE_LIMIT_MS) {
      failures.push(
        `/health after the fuzz: ${health.status} in ${Math.round(
          healthMs,
        )} ms`,
      );
    }

    // eslint-disable-next-line no-console
    console.log(
      `REST fuzz (seed ${SEED}): ${cases.length} cases over ${
        Object.keys(perOperation).length
      } operations, status codes ${JSON.stringify(
        Object.fromEntries(
          Object.entries(statuses).sort(([a], [b]) => (a < b ? -1 : 1)),
        ),
      )}, ${crashes} crashes (5xx but the 501s without GitOps), ${hangs} hangs (over ${CASE_LIMIT_MS} ms), ${checked} responses checked against the spec, max ${Math.round(
        maxMs,
      )} ms per case, peak heap ${Math.round(
        peakHeap / 2 ** 20,
      )} MiB (${Math.round(
        (peakHeap - startHeap) / 2 ** 20,
      )} MiB over the start), ${seconds.toFixed(1)} s; ${
        failures.length
      } failures${
        failures.length
          ? `, the first:\n${failures.slice(0, 8).join('\n')}`
          : ''
      }`,
    );
    expect(Object.keys(perOperation).sort()).toEqual(
      operations()
        .map(op => `${op.method.toUpperCase()} ${op.template}`)
        .sort(),
    );
    expect(failures.slice(0, 20)).toEqual([]);
    expect(peakHeap - startHeap).toBeLessThan(HEAP_GROWTH_LIMIT_MB * 2 ** 20);
  });
});
