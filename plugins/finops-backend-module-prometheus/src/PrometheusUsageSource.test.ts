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
import type { FinopsRecord } from '@ai-finops/backstage-plugin-finops-node';
import {
  PrometheusUsageSource,
  gpuModelOfDcgmName,
  workloadOfPod,
  type PrometheusUsageSourceOptions,
} from './PrometheusUsageSource';

type Reply = { status: number; body: unknown };
type Handler = (query: URLSearchParams, request: IncomingMessage) => Reply;

const T = Date.UTC(2026, 10, 20, 10); // 2026-11-20T10:00:00Z
const s = (ms: number) => ms / 1000;

const matrix = (
  result: Array<{ metric: Record<string, string>; values: [number, string][] }>,
): Reply => ({
  status: 200,
  body: { status: 'success', data: { resultType: 'matrix', result } },
});
const empty = () => matrix([]);

let server: Server;
let baseUrl: string;
let handler: Handler = empty;
let requests: Array<{
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
}>;

beforeAll(async () => {
  server = createServer((req, res) => {
    const query = new URL(req.url!, 'http://localhost').searchParams;
    requests.push({ query, headers: req.headers });
    if (!req.url!.startsWith('/api/v1/query_range')) {
      res.writeHead(404).end('not found');
      return;
    }
    const reply = handler(query, req);
    res
      .writeHead(reply.status, { 'content-type': 'application/json' })
      .end(
        typeof reply.body === 'string'
          ? reply.body
          : JSON.stringify(reply.body),
      );
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise(resolve => server.close(resolve));
});

beforeEach(() => {
  handler = empty;
  requests = [];
});

function source(options: Partial<PrometheusUsageSourceOptions> = {}) {
  return new PrometheusUsageSource({
    baseUrl,
    retryDelayMs: 1,
    ...options,
  });
}

async function read(
  src: PrometheusUsageSource,
  start: number,
  end: number,
  signal?: AbortSignal,
): Promise<FinopsRecord[]> {
  const records: FinopsRecord[] = [];
  for await (const record of src.read({
    window: { start: new Date(start), end: new Date(end) },
    logger: mockServices.logger.mock(),
    signal,
  })) {
    records.push(record);
  }
  return records;
}

/** Answers each query by the metric name it mentions. */
function byQuery(replies: Record<string, Reply>): Handler {
  return query => {
    const promql = query.get('query')!;
    const hit = Object.keys(replies).find(name => promql.includes(name));
    return hit ? replies[hit] : empty();
  };
}

const pod = {
  namespace: 'llm-serving',
  pod: 'chat-llm-7d9f8b6c5b-x2x4z',
  container: 'vllm',
  backstage_io_kubernetes_id: 'chat-llm',
};

describe('workloadOfPod and gpuModelOfDcgmName', () => {
  it('maps pod names to their workloads', () => {
    expect(workloadOfPod('chat-llm-7d9f8b6c5b-x2x4z')).toBe(
      'Deployment/chat-llm',
    );
    expect(workloadOfPod('triton-2')).toBe('StatefulSet/triton');
    expect(workloadOfPod('notebook')).toBe('Pod/notebook');
  });

  it('spells DCGM model names as GPU Feature Discovery does', () => {
    expect(gpuModelOfDcgmName('NVIDIA H200')).toBe('NVIDIA-H200');
    expect(gpuModelOfDcgmName('NVIDIA H100 80GB HBM3')).toBe(
      'NVIDIA-H100-80GB-HBM3',
    );
  });
});

describe('PrometheusUsageSource against a fake Prometheus', () => {
  it('queries each window once per query, on its bounds, at the step', async () => {
    await read(source({ stepSeconds: 30 }), T, T + 2 * 3_600_000);
    expect(requests).toHaveLength(6);
    for (const { query } of requests) {
      expect(query.get('start')).toBe(String(s(T)));
      expect(query.get('end')).toBe(String(s(T + 2 * 3_600_000)));
      expect(query.get('step')).toBe('30s');
    }
    expect(requests.map(r => r.query.get('query'))).toEqual([
      'avg_over_time(DCGM_FI_DEV_GPU_UTIL[30s]) / 100',
      'avg_over_time(DCGM_FI_DEV_POWER_USAGE[30s])',
      'vllm:prompt_tokens_total',
      'vllm:generation_tokens_total',
      'vllm:e2e_request_latency_seconds_count',
      'nv_inference_request_success',
    ]);
  });

  it('refuses windows that are not whole hours', async () => {
    await expect(read(source(), T + 60_000, T + 3_600_000)).rejects.toThrow(
      /reads whole hours/,
    );
    await expect(read(source(), T, T)).rejects.toThrow(/reads whole hours/);
    expect(requests).toHaveLength(0);
  });

  it('sums counter increases per hour across resets, keeping the start as baseline', async () => {
    handler = byQuery({
      'vllm:prompt_tokens_total': matrix([
        {
          metric: { __name__: 'vllm:prompt_tokens_total', ...pod },
          values: [
            [s(T), '1000'], // baseline: tokens before the window
            [s(T) + 1800, '1500'],
            [s(T) + 3600, '1600'], // ends the first hour
            [s(T) + 3660, '40'], // restart: 40 since the reset
            [s(T) + 7200, '100'],
          ],
        },
        {
          // a pod that started inside the window counts from zero
          metric: {
            __name__: 'vllm:prompt_tokens_total',
            ...pod,
            pod: 'chat-llm-7d9f8b6c5b-bbbbb',
          },
          values: [
            [s(T) + 5400, '7'],
            [s(T) + 7200, '10'],
          ],
        },
      ]),
    });
    const records = await read(source(), T, T + 2 * 3_600_000);
    expect(records).toEqual([
      {
        type: 'usage',
        hour: new Date(T).toISOString(),
        metric: 'tokens_input',
        value: 600,
        namespace: 'llm-serving',
        workload: 'Deployment/chat-llm',
        kubernetesId: 'chat-llm',
      },
      {
        type: 'usage',
        hour: new Date(T + 3_600_000).toISOString(),
        metric: 'tokens_input',
        value: 40 + 60 + 10,
        namespace: 'llm-serving',
        workload: 'Deployment/chat-llm',
        kubernetesId: 'chat-llm',
      },
    ]);
  });

  it('folds DCGM gauges into GPU hours, utilisation, power and energy', async () => {
    const gpu = (n: string, extra: Record<string, string> = {}) => ({
      gpu: n,
      UUID: `GPU-${n}`,
      modelName: 'NVIDIA H200',
      Hostname: 'gpu-node-1',
      // scraped through a ServiceMonitor: the exporter's own labels clash
      namespace: 'gpu-operator',
      pod: 'nvidia-dcgm-exporter-abcde',
      exported_namespace: 'llm-serving',
      exported_pod: 'chat-llm-7d9f8b6c5b-x2x4z',
      exported_container: 'vllm',
      label_team_id: 'chat-llm',
      ...extra,
    });
    const points = (values: number[]) =>
      values.map((v, i) => [s(T) + 60 * i, String(v)] as [number, string]);
    handler = byQuery({
      DCGM_FI_DEV_GPU_UTIL: matrix([
        // the point at the window start averages the previous hour: ignored
        { metric: gpu('0'), values: points([9, 0.5, 0.5, 1, 1]) },
        { metric: gpu('1'), values: points([9, 0, 0]) },
        {
          metric: gpu('2', {
            GPU_I_PROFILE: '1g.18gb',
            GPU_I_ID: '3',
          }),
          values: points([9, 0.25]),
        },
      ]),
      DCGM_FI_DEV_POWER_USAGE: matrix([
        { metric: gpu('0'), values: points([9999, 400, 400, 600, 600]) },
        { metric: gpu('1'), values: points([9999, 100, 100]) },
      ]),
    });
    const records = await read(
      source({ kubernetesIdLabel: 'label_team_id' }),
      T,
      T + 3_600_000,
    );
    const dims = {
      type: 'usage',
      hour: new Date(T).toISOString(),
      namespace: 'llm-serving',
      workload: 'Deployment/chat-llm',
      kubernetesId: 'chat-llm',
      gpuModel: 'NVIDIA-H200',
    };
    const whole = records.filter(r => !('labels' in r));
    const mig = records.filter(r => 'labels' in r);
    const value = (rs: FinopsRecord[], metric: string) =>
      rs.find(r => r.type === 'usage' && r.metric === metric) as
        | { value: number }
        | undefined;
    expect(whole).toHaveLength(4);
    expect(whole[0]).toMatchObject(dims);
    // 4 + 2 one-minute steps
    expect(value(whole, 'gpu_hours')?.value).toBeCloseTo(6 / 60, 10);
    expect(value(whole, 'gpu_utilization')?.value).toBeCloseTo(3 / 6, 10);
    expect(value(whole, 'gpu_power_watts')?.value).toBeCloseTo(2200 / 6, 10);
    expect(value(whole, 'gpu_energy_kwh')?.value).toBeCloseTo(
      (2200 * 60) / 3.6e6,
      10,
    );
    expect(mig).toEqual([
      {
        ...dims,
        labels: { GPU_I_PROFILE: '1g.18gb', GPU_I_ID: '3' },
        metric: 'gpu_hours',
        value: 1 / 60,
      },
      {
        ...dims,
        labels: { GPU_I_PROFILE: '1g.18gb', GPU_I_ID: '3' },
        metric: 'gpu_utilization',
        value: 0.25,
      },
    ]);
    for (const r of records) {
      expect(r.type === 'usage' && r.hour).toBe(new Date(T).toISOString());
    }
  });

  it('reads the kubernetes-id from kube-state-metrics pod labels first', async () => {
    handler = byQuery({
      'vllm:generation_tokens_total': matrix([
        {
          metric: {
            ...pod,
            label_backstage_io_kubernetes_id: 'from-ksm',
          },
          values: [[s(T) + 60, '5']],
        },
      ]),
    });
    const [record] = await read(source(), T, T + 3_600_000);
    expect(record).toMatchObject({
      metric: 'tokens_output',
      value: 5,
      kubernetesId: 'from-ksm',
    });
  });

  it('uses configured queries and headers, with $step replaced', async () => {
    await read(
      source({
        stepSeconds: 300,
        headers: { 'X-Scope-OrgID': 'tenant-a' },
        queries: {
          gpu_utilization: ['avg_over_time(DCGM_FI_PROF_SM_ACTIVE[$step])'],
          gpu_power_watts: [],
          tokens_input: [],
          tokens_output: [],
          requests: [],
        },
      }),
      T,
      T + 3_600_000,
    );
    expect(requests).toHaveLength(1);
    expect(requests[0].query.get('query')).toBe(
      'avg_over_time(DCGM_FI_PROF_SM_ACTIVE[300s])',
    );
    expect(requests[0].headers['x-scope-orgid']).toBe('tenant-a');
  });

  it('retries 5xx answers with backoff, then succeeds', async () => {
    let calls = 0;
    handler = () =>
      ++calls <= 2
        ? { status: 503, body: 'Service Unavailable' }
        : matrix([{ metric: pod, values: [[s(T) + 60, '3']] }]);
    const src = source({
      queries: {
        gpu_utilization: [],
        gpu_power_watts: [],
        tokens_input: [],
        tokens_output: [],
        requests: ['vllm:e2e_request_latency_seconds_count'],
      },
    });
    const records = await read(src, T, T + 3_600_000);
    expect(calls).toBe(3);
    expect(records).toMatchObject([{ metric: 'requests', value: 3 }]);
  });

  it('names the query, the status and the error when retries run out', async () => {
    handler = () => ({
      status: 503,
      body: {
        status: 'error',
        errorType: 'unavailable',
        error: 'TSDB not ready',
      },
    });
    await expect(
      read(source({ retries: 2 }), T, T + 3_600_000),
    ).rejects.toThrow(
      "Prometheus query 'gpu_utilization' (avg_over_time(DCGM_FI_DEV_GPU_UTIL[60s]) / 100) failed: HTTP 503, unavailable: TSDB not ready",
    );
    expect(requests).toHaveLength(3);
  });

  it('fails at once on PromQL errors, with the query and Prometheus error', async () => {
    handler = () => ({
      status: 400,
      body: {
        status: 'error',
        errorType: 'bad_data',
        error: '1:1: parse error: unexpected character',
      },
    });
    const src = source({ queries: { gpu_utilization: ['!bad'] } });
    await expect(read(src, T, T + 3_600_000)).rejects.toThrow(
      "Prometheus query 'gpu_utilization' (!bad) failed: HTTP 400, bad_data: 1:1: parse error: unexpected character",
    );
    expect(requests).toHaveLength(1);
  });

  it('rejects answers that are not matrices', async () => {
    handler = () => ({
      status: 200,
      body: { status: 'success', data: { resultType: 'vector', result: [] } },
    });
    await expect(read(source(), T, T + 3_600_000)).rejects.toThrow(
      /expected a matrix, got vector/,
    );
  });

  it('retries network errors and then says it could not reach Prometheus', async () => {
    const closed = createServer();
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise(resolve => closed.close(resolve));
    const src = new PrometheusUsageSource({
      baseUrl: `http://127.0.0.1:${port}/`,
      retries: 1,
      retryDelayMs: 1,
    });
    await expect(read(src, T, T + 3_600_000)).rejects.toThrow(
      `Prometheus query 'gpu_utilization' (avg_over_time(DCGM_FI_DEV_GPU_UTIL[60s]) / 100) failed: could not reach http://127.0.0.1:${port}`,
    );
  });

  it('honours the abort signal, also while waiting to retry', async () => {
    const aborted = new AbortController();
    aborted.abort(new Error('shutting down'));
    await expect(
      read(source(), T, T + 3_600_000, aborted.signal),
    ).rejects.toThrow('shutting down');
    expect(requests).toHaveLength(0);

    handler = () => ({ status: 502, body: 'Bad Gateway' });
    const controller = new AbortController();
    const reading = read(
      source({ retryDelayMs: 60_000 }),
      T,
      T + 3_600_000,
      controller.signal,
    );
    while (requests.length === 0) {
      await new Promise(resolve => setTimeout(resolve, 5));
    }
    controller.abort(new Error('timed out'));
    await expect(reading).rejects.toThrow('timed out');
    expect(requests).toHaveLength(1);
  });

  it('splits long windows so no query exceeds Prometheus point limit', async () => {
    await read(
      source({
        stepSeconds: 5,
        queries: {
          gpu_power_watts: [],
          tokens_input: [],
          tokens_output: [],
          requests: [],
        },
      }),
      T,
      T + 24 * 3_600_000,
    );
    // 10,000 points of 5 s are 13 whole hours: two queries
    expect(
      requests.map(r => [r.query.get('start'), r.query.get('end')]),
    ).toEqual([
      [String(s(T)), String(s(T + 13 * 3_600_000))],
      [String(s(T + 13 * 3_600_000)), String(s(T + 24 * 3_600_000))],
    ]);
  });

  it('rejects a step that does not divide an hour', () => {
    expect(() => source({ stepSeconds: 7 })).toThrow(/divides an hour/);
  });
});
