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

import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { allocation, envelope } from './__testUtils__/allocations';
import {
  collect,
  costs,
  startServer,
  sum,
  usages,
  type TestServer,
} from './__testUtils__/server';
import { OpenCostDataSource } from './OpenCostDataSource';

const H0 = '2026-11-01T10:00:00Z';
const H1 = '2026-11-01T11:00:00Z';
const H2 = '2026-11-01T12:00:00Z';
const WINDOW = { start: new Date(H0), end: new Date('2026-11-01T13:00:00Z') };
const GIB = 2 ** 30;

function chatLlm(start: string, fields: Record<string, unknown> = {}) {
  return allocation('assistant/deployment/chat-llm', start, {
    properties: {
      cluster: 'default-cluster',
      namespace: 'assistant',
      controllerKind: 'deployment',
      controller: 'chat-llm',
      labels: {
        app: 'chat-llm',
        'backstage.io/kubernetes-id': 'chat-llm',
      },
    },
    cpuCoreHours: 4,
    cpuCost: 0.12,
    ramByteHours: 16 * GIB,
    ramCost: 0.06,
    gpuHours: 4,
    gpuCost: 27.52,
    pvCost: 0.01,
    networkCost: 0.02,
    loadBalancerCost: 0.025,
    sharedCost: 0.005,
    totalCost: 27.76,
    ...fields,
  });
}

function idle(start: string) {
  return allocation('__idle__', start, {
    properties: { cluster: 'default-cluster' },
    cpuCoreHours: 10,
    cpuCost: 0.3,
    ramByteHours: 64 * GIB,
    ramCost: 0.2,
    gpuHours: 1,
    gpuCost: 6.88,
    totalCost: 7.38,
  });
}

describe('OpenCostDataSource', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  function source(options: Record<string, unknown> = {}) {
    return new OpenCostDataSource({
      baseUrl: server!.baseUrl,
      retryDelay: { milliseconds: 1 },
      ...options,
    });
  }

  it('asks for the window in hourly steps, with idle kept apart', async () => {
    server = await startServer(() => ({ body: envelope([]) }));
    await collect(source({ headers: { Authorization: 'Bearer t0k3n' } }), {
      start: new Date('2026-11-01T00:00:00.000Z'),
      end: new Date('2026-11-02T00:00:00.000Z'),
    });
    expect(server.requests).toHaveLength(1);
    const { url, headers } = server.requests[0];
    expect(url.pathname).toBe('/allocation/compute');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      window: '2026-11-01T00:00:00Z,2026-11-02T00:00:00Z',
      step: '1h',
      aggregate: 'namespace,controllerKind,controller',
      accumulate: 'false',
      includeIdle: 'true',
      shareIdle: 'false',
    });
    expect(headers.authorization).toBe('Bearer t0k3n');
  });

  it('sends the configured aggregate and keeps a base path', async () => {
    server = await startServer(() => ({ body: envelope([]) }));
    const opencost = new OpenCostDataSource({
      baseUrl: `${server.baseUrl}/opencost/`,
      aggregate: 'namespace,label:app',
    });
    await collect(opencost, WINDOW);
    const { url } = server.requests[0];
    expect(url.pathname).toBe('/opencost/allocation/compute');
    expect(url.searchParams.get('aggregate')).toBe('namespace,label:app');
  });

  it('puts each hourly step in its own hour, per category and metric', async () => {
    server = await startServer(() => ({
      body: envelope([
        { 'assistant/deployment/chat-llm': chatLlm(H0), __idle__: idle(H0) },
        { 'assistant/deployment/chat-llm': chatLlm(H1, { cpuCost: 0.24 }) },
        {},
      ]),
    }));
    const records = await collect(source({ currency: 'EUR' }), WINDOW);

    const h0 = costs(records).filter(
      r => r.hour === '2026-11-01T10:00:00.000Z' && r.kubernetesId,
    );
    expect(
      Object.fromEntries(h0.map(r => [r.category, r.effectiveCost])),
    ).toEqual({
      cpu: 0.12,
      memory: 0.06,
      gpu: 27.52,
      storage: 0.01,
      network: 0.02 + 0.025,
      other: 0.005,
    });
    for (const r of h0) {
      expect(r).toMatchObject({
        billedCost: r.effectiveCost,
        listCost: r.effectiveCost,
        currency: 'EUR',
        namespace: 'assistant',
        workload: 'Deployment/chat-llm',
        kubernetesId: 'chat-llm',
        labels: { app: 'chat-llm', 'backstage.io/kubernetes-id': 'chat-llm' },
      });
    }
    expect(sum(h0.map(r => r.effectiveCost))).toBeCloseTo(27.76, 10);

    const h1 = costs(records).filter(
      r => r.hour === '2026-11-01T11:00:00.000Z',
    );
    expect(h1.find(r => r.category === 'cpu')?.effectiveCost).toBe(0.24);
    expect(h1.every(r => r.workload === 'Deployment/chat-llm')).toBe(true);
    expect(records.filter(r => r.hour === '2026-11-01T12:00:00.000Z')).toEqual(
      [],
    );

    const usage = usages(records).filter(
      r => r.hour === '2026-11-01T10:00:00.000Z' && r.kubernetesId,
    );
    expect(Object.fromEntries(usage.map(r => [r.metric, r.value]))).toEqual({
      cpu_core_hours: 4,
      memory_gib_hours: 16,
      gpu_hours: 4,
    });
  });

  it('keeps idle and unallocated allocations, without an entity', async () => {
    server = await startServer(() => ({
      body: envelope([
        {
          __idle__: idle(H0),
          '__unallocated__/__unallocated__/__unallocated__': allocation(
            '__unallocated__/__unallocated__/__unallocated__',
            H0,
            {
              properties: { cluster: 'default-cluster' },
              cpuCost: 0.01,
              totalCost: 0.01,
            },
          ),
          'kube-system/__unallocated__/__unallocated__': allocation(
            'kube-system/__unallocated__/__unallocated__',
            H0,
            {
              properties: { cluster: 'c', namespace: 'kube-system' },
              cpuCost: 0.02,
              totalCost: 0.02,
            },
          ),
        },
      ]),
    }));
    const records = await collect(source(), WINDOW);
    const idleCosts = costs(records).filter(r => r.workload === '__idle__');
    expect(idleCosts.map(r => [r.category, r.effectiveCost])).toEqual([
      ['cpu', 0.3],
      ['memory', 0.2],
      ['gpu', 6.88],
    ]);
    expect(idleCosts.every(r => r.kubernetesId === undefined)).toBe(true);
    expect(
      usages(records)
        .filter(r => r.workload === '__idle__')
        .map(r => r.metric),
    ).toEqual(['cpu_core_hours', 'memory_gib_hours', 'gpu_hours']);
    expect(
      costs(records)
        .filter(r => r.workload === '__unallocated__')
        .map(r => [r.namespace, r.effectiveCost]),
    ).toEqual([
      [undefined, 0.01],
      ['kube-system', 0.02],
    ]);
    expect(records.every(r => r.kubernetesId === undefined)).toBe(true);
  });

  it('maps the kubernetes-id label in both spellings, and label aggregation', async () => {
    server = await startServer(() => ({
      body: envelope([
        {
          // aggregate=label:app: the key is the label value, common labels
          // are in properties.labels, sanitised as Prometheus names them.
          'code-completion': allocation('code-completion', H0, {
            properties: {
              cluster: 'default-cluster',
              namespace: 'assistant',
              labels: {
                app: 'code-completion',
                backstage_io_kubernetes_id: 'code-completion',
              },
            },
            gpuCost: 7.912,
            totalCost: 7.912,
          }),
          'chat-llm': chatLlm(H0),
          __unallocated__: allocation('__unallocated__', H0, {
            properties: { cluster: 'default-cluster' },
            cpuCost: 0.5,
            totalCost: 0.5,
          }),
        },
      ]),
    }));
    const records = costs(await collect(source(), WINDOW));
    expect(
      records
        .filter(r => r.category === 'gpu')
        .map(r => [r.kubernetesId, r.workload, r.effectiveCost]),
    ).toEqual([
      ['code-completion', undefined, 7.912],
      ['chat-llm', 'Deployment/chat-llm', 27.52],
    ]);
    expect(
      records.find(r => r.kubernetesId === 'code-completion'),
    ).toMatchObject({
      namespace: 'assistant',
      labels: {
        app: 'code-completion',
        backstage_io_kubernetes_id: 'code-completion',
      },
    });
    expect(records.filter(r => r.workload === '__unallocated__')).toEqual([
      expect.objectContaining({ category: 'cpu', effectiveCost: 0.5 }),
    ]);
  });

  it('records GPU model and utilisation when OpenCost reports them', async () => {
    server = await startServer(() => ({
      body: envelope([
        {
          'assistant/deployment/chat-llm': chatLlm(H0, {
            gpuAllocation: {
              gpuDevice: 'nvidia0',
              gpuModel: 'NVIDIA-H100-80GB-HBM3',
              gpuUUID: 'GPU-1234',
              isGPUShared: false,
              gpuUsageAverage: 3,
              gpuRequestAverage: 4,
            },
          }),
          'search/deployment/embedder': allocation(
            'search/deployment/embedder',
            H0,
            {
              // Older servers: top-level averages, no gpuAllocation.
              gpuRequestAverage: 1,
              gpuUsageAverage: 0.25,
              gpuHours: 1,
              gpuCost: 0.8,
              totalCost: 0.8,
            },
          ),
          'web/deployment/site': allocation('web/deployment/site', H0, {
            cpuCost: 0.1,
            totalCost: 0.1,
          }),
        },
      ]),
    }));
    const records = await collect(source(), WINDOW);
    const utilisation = usages(records).filter(
      r => r.metric === 'gpu_utilization',
    );
    expect(utilisation.map(r => [r.namespace, r.gpuModel, r.value])).toEqual([
      ['assistant', 'NVIDIA-H100-80GB-HBM3', 0.75],
      ['search', undefined, 0.25],
    ]);
    expect(
      costs(records).find(r => r.category === 'gpu' && r.kubernetesId),
    ).toMatchObject({ gpuModel: 'NVIDIA-H100-80GB-HBM3' });
  });

  it('emits only records inside the window, splitting steps that cross it', async () => {
    server = await startServer(() => ({
      body: envelope([
        // Before, inside, straddling the end, and after the window.
        { a: allocation('a', '2026-11-01T09:00:00Z', { cpuCost: 1 }) },
        { b: allocation('b', H2, { cpuCost: 2 }) },
        {
          c: allocation('c', '2026-11-01T12:30:00Z', {
            end: '2026-11-01T13:30:00Z',
            cpuCost: 4,
            cpuCoreHours: 2,
          }),
        },
        { d: allocation('d', '2026-11-01T13:00:00Z', { cpuCost: 8 }) },
      ]),
    }));
    const records = await collect(source(), WINDOW);
    for (const record of records) {
      const hour = Date.parse(record.hour);
      expect(hour).toBeGreaterThanOrEqual(WINDOW.start.getTime());
      expect(hour).toBeLessThan(WINDOW.end.getTime());
    }
    expect(
      costs(records).map(r => [r.namespace, r.hour, r.effectiveCost]),
    ).toEqual([
      ['b', '2026-11-01T12:00:00.000Z', 2],
      ['c', '2026-11-01T12:00:00.000Z', 2],
    ]);
    expect(usages(records).map(r => [r.namespace, r.value])).toEqual([
      ['c', 1],
    ]);
  });

  it('warns when the cost fields do not add up to totalCost', async () => {
    server = await startServer(() => ({
      body: envelope([
        {
          'assistant/deployment/chat-llm': chatLlm(H0),
          'web/deployment/site': allocation('web/deployment/site', H0, {
            cpuCost: 1,
            // 0.5 in a field this module does not read.
            totalCost: 1.5,
          }),
        },
      ]),
    }));
    const logger = mockServices.logger.mock();
    await collect(source(), WINDOW, undefined, logger);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        "1 OpenCost allocations have a totalCost that their cost fields do not add up to, e.g. 'web/deployment/site': totalCost 1.5, mapped 1",
      ),
    );
  });

  it('returns the same records when a window is read again', async () => {
    server = await startServer(() => ({
      body: envelope([
        { 'assistant/deployment/chat-llm': chatLlm(H0), __idle__: idle(H0) },
      ]),
    }));
    const opencost = source();
    expect(await collect(opencost, WINDOW)).toEqual(
      await collect(opencost, WINDOW),
    );
  });

  it('retries a 500 and succeeds', async () => {
    server = await startServer((_url, index) =>
      index === 0
        ? { status: 500, body: { code: 500, message: 'prometheus timeout' } }
        : { body: envelope([{ __idle__: idle(H0) }]) },
    );
    const records = await collect(source(), WINDOW);
    expect(server.requests).toHaveLength(2);
    expect(costs(records)).toHaveLength(3);
  });

  it('fails after the configured tries when OpenCost keeps failing', async () => {
    server = await startServer(() => ({
      status: 503,
      body: { code: 503, status: 'error', message: 'warming up' },
    }));
    const opencost = source();
    const url = opencost.allocationUrl(WINDOW);
    const error = await collect(opencost, WINDOW).catch(e => e);
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain(url);
    expect(error.message).toContain('HTTP 503');
    expect(error.message).toContain('warming up');
    expect(error.message).toContain('gave up after 3 tries');
    expect(server.requests).toHaveLength(3);

    server.requests.length = 0;
    await expect(collect(source({ attempts: 1 }), WINDOW)).rejects.toThrow(
      /HTTP 503/,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry a 4xx and passes on its message', async () => {
    server = await startServer(() => ({
      status: 400,
      body: 'Error parsing aggregate: unrecognized aggregate: nope\n',
    }));
    await expect(
      collect(source({ aggregate: 'nope' }), WINDOW),
    ).rejects.toThrow(
      /GET http:\/\/127\.0\.0\.1:\d+\/allocation\/compute\?.* failed with HTTP 400 Bad Request: Error parsing aggregate: unrecognized aggregate: nope/,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('retries network errors', async () => {
    server = await startServer(() => ({ body: envelope([]) }));
    const { baseUrl } = server;
    await server.close();
    server = undefined;
    const opencost = new OpenCostDataSource({
      baseUrl,
      attempts: 2,
      retryDelay: { milliseconds: 1 },
    });
    await expect(collect(opencost, WINDOW)).rejects.toThrow(
      /OpenCost request GET .* failed: fetch failed.*\(gave up after 2 tries\)/,
    );
  });

  it('stops retrying when the signal is aborted', async () => {
    server = await startServer(() => ({ status: 500, body: 'down' }));
    const controller = new AbortController();
    const opencost = source({ retryDelay: { minutes: 5 } });
    const reading = collect(opencost, WINDOW, controller.signal);
    await new Promise(resolve => setTimeout(resolve, 100));
    controller.abort(new Error('ingestion timed out'));
    await expect(reading).rejects.toThrow('ingestion timed out');
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    [{ code: 200, status: 'success' }, /Unexpected OpenCost response: data /],
    [
      envelope([{ ns: allocation('ns', H0, { cpuCost: '0.12' }) }]),
      /data\[0\]\["ns"\]\.cpuCost must be a number, got the string "0\.12"/,
    ],
    [
      envelope([
        {
          ns: allocation('ns', H0, {
            properties: { namespace: 'ns', labels: { app: 1 } },
          }),
        },
      ]),
      /data\[0\]\["ns"\]\.properties\.labels\["app"\] must be a string/,
    ],
    [
      envelope([{ ns: { name: 'ns', cpuCost: 1 } }]),
      /data\[0\]\["ns"\]\.start and end .* are required/,
    ],
    [
      envelope([{ ns: allocation('ns', H0, { start: 'yesterday' }) }]),
      /data\[0\]\["ns"\]\.start must be an RFC 3339 timestamp/,
    ],
    [envelope([[]]), /data\[0\] must be an object of allocations/],
    ['<html>proxy error</html>', /not JSON: <html>proxy error<\/html>/],
  ])(
    'fails on a malformed body, naming the field (%#)',
    async (body, error) => {
      server = await startServer(() => ({ body }));
      await expect(collect(source(), WINDOW)).rejects.toThrow(error);
      expect(server.requests).toHaveLength(1);
    },
  );

  describe('fromConfig', () => {
    it('is off without a baseUrl', () => {
      expect(OpenCostDataSource.fromConfig(new ConfigReader({}))).toBe(
        undefined,
      );
      expect(
        OpenCostDataSource.fromConfig(
          new ConfigReader({ finops: { opencost: { currency: 'EUR' } } }),
        ),
      ).toBe(undefined);
    });

    it('reads every key', async () => {
      server = await startServer((_url, index) =>
        index === 0
          ? { status: 502, body: 'bad gateway' }
          : { body: envelope([]) },
      );
      const opencost = OpenCostDataSource.fromConfig(
        new ConfigReader({
          finops: {
            opencost: {
              baseUrl: server.baseUrl,
              aggregate: 'namespace,label:app',
              currency: 'EUR',
              headers: { 'X-Scope-OrgID': 'tenant-1' },
              backfill: '30d',
              retries: { attempts: 2, delay: { milliseconds: 1 } },
              timeout: '10s',
            },
          },
        }),
      )!;
      expect(opencost).toMatchObject({
        id: 'opencost',
        baseUrl: server.baseUrl,
        aggregate: 'namespace,label:app',
        currency: 'EUR',
      });
      expect(durationToMilliseconds(opencost.backfill!)).toBe(30 * 86_400_000);
      await collect(opencost, WINDOW);
      expect(server.requests).toHaveLength(2);
      expect(server.requests[1].headers['x-scope-orgid']).toBe('tenant-1');
    });

    it('defaults the aggregate, currency and backfill', () => {
      const opencost = OpenCostDataSource.fromConfig(
        new ConfigReader({
          finops: { opencost: { baseUrl: 'http://opencost:9003' } },
        }),
      )!;
      expect(opencost.aggregate).toBe('namespace,controllerKind,controller');
      expect(opencost.currency).toBe('USD');
      expect(opencost.backfill).toBeUndefined();
    });

    it('rejects a bad baseUrl or currency', () => {
      expect(
        () => new OpenCostDataSource({ baseUrl: 'opencost:9003/x' }),
      ).toThrow(/http or https|absolute URL/);
      expect(
        () =>
          new OpenCostDataSource({
            baseUrl: 'http://opencost:9003',
            currency: 'usd',
          }),
      ).toThrow(/ISO 4217/);
    });
  });
});
