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

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import type { FinopsRecord } from '@ai-finops/backstage-plugin-finops-node';
import { PrometheusUsageSource } from './PrometheusUsageSource';
import {
  createBlocks,
  describeUnlessMissing,
  findH200TelemetryDir,
  findOnPath,
  h200OpenMetrics,
  startPrometheus,
  type H200Expectations,
  type RunningPrometheus,
} from './__testUtils__/prometheus';

const HOUR = 3_600_000;
const dataDir = findH200TelemetryDir();
const missing = [
  dataDir
    ? undefined
    : 'the H200 telemetry (../shared/data/gpu-telemetry-h200)',
  findOnPath('prometheus') ? undefined : 'the prometheus binary',
  findOnPath('promtool') ? undefined : 'the promtool binary',
].filter(m => m !== undefined);

// Two hours back: inside retention, and clear of the empty head block.
const T = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
// The recording starts ten minutes into the hour.
const RECORDING_START = T + 10 * 60_000;

const dcgmLabels = {
  gpu: '0',
  UUID: 'GPU-5d1e8f2a-7c41-4b7e-9a39-3f0c6b2d8e11',
  device: 'nvidia0',
  modelName: 'NVIDIA H200',
  Hostname: 'gpu-node-1',
  DCGM_FI_DRIVER_VERSION: '580.159.04',
  container: 'vllm',
  namespace: 'llm-serving',
  pod: 'chat-llm-7d9f8b6c5b-x2x4z',
  backstage_io_kubernetes_id: 'chat-llm',
};
const vllmLabels = {
  model_name: 'tinyllama-1.1b',
  namespace: 'llm-serving',
  pod: 'chat-llm-7d9f8b6c5b-x2x4z',
  container: 'vllm',
  backstage_io_kubernetes_id: 'chat-llm',
};

async function read(
  source: PrometheusUsageSource,
  start: number,
  end: number,
): Promise<FinopsRecord[]> {
  const records: FinopsRecord[] = [];
  for await (const record of source.read({
    window: { start: new Date(start), end: new Date(end) },
    logger: mockServices.logger.mock(),
  })) {
    records.push(record);
  }
  return records;
}

function valueOf(records: FinopsRecord[], metric: string): number {
  const matching = records.filter(
    r => r.type === 'usage' && r.metric === metric,
  );
  expect(matching).toHaveLength(1);
  return (matching[0] as { value: number }).value;
}

/**
 * What Prometheus should answer at a step: each point averages the samples
 * of the step that ends at it; the hour's figures are means over points.
 */
function stepMeans(samples: H200Expectations['samples'], step: number) {
  const steps = new Map<number, { u: number; p: number; n: number }>();
  for (const { t, utilization, powerWatts } of samples) {
    const k = Math.ceil(t / step);
    const sum = steps.get(k) ?? { u: 0, p: 0, n: 0 };
    sum.u += utilization;
    sum.p += powerWatts;
    sum.n++;
    steps.set(k, sum);
  }
  const points = [...steps.values()];
  return {
    steps: points.length,
    utilization: points.reduce((a, x) => a + x.u / x.n, 0) / points.length,
    powerWatts: points.reduce((a, x) => a + x.p / x.n, 0) / points.length,
  };
}

describeUnlessMissing(
  missing,
  'PrometheusUsageSource against a real Prometheus',
  () => {
    let workDir: string;
    let prometheus: RunningPrometheus | undefined;
    let expected: H200Expectations;

    beforeAll(async () => {
      workDir = mkdtempSync(join(tmpdir(), 'finops-prometheus-'));
      const { text, expected: fromCsv } = h200OpenMetrics(
        dataDir!,
        RECORDING_START,
        {
          dcgm: dcgmLabels,
          vllm: vllmLabels,
          kubePod: {
            namespace: 'llm-serving',
            pod: 'chat-llm-7d9f8b6c5b-x2x4z',
            uid: '2f9d3c1e-8a7b-4c6d-9e0f-1a2b3c4d5e6f',
            label_app_kubernetes_io_name: 'chat-llm',
            label_backstage_io_kubernetes_id: 'chat-llm-from-ksm',
          },
        },
      );
      expected = fromCsv;
      const file = join(workDir, 'h200.om.txt');
      writeFileSync(file, text);
      const tsdb = join(workDir, 'tsdb');
      createBlocks(file, tsdb);
      prometheus = await startPrometheus(tsdb, workDir);
    }, 60_000);

    afterAll(async () => {
      await prometheus?.stop();
      rmSync(workDir, { recursive: true, force: true });
    }, 15_000);

    it('reads the H200 hour as the CSVs measure it', async () => {
      const source = new PrometheusUsageSource({
        baseUrl: prometheus!.url,
        stepSeconds: 15,
      });
      const records = await read(source, T, T + HOUR);
      const gpu = records.filter(r => r.type === 'usage' && r.gpuModel);
      for (const record of records) {
        expect(record).toMatchObject({
          type: 'usage',
          hour: new Date(T).toISOString(),
          namespace: 'llm-serving',
          workload: 'Deployment/chat-llm',
          kubernetesId: 'chat-llm',
        });
      }
      expect(gpu).toHaveLength(4);
      for (const record of gpu) {
        expect(record).toMatchObject({ gpuModel: 'NVIDIA-H200' });
      }

      // Seen for the 312.5 s of the recording, give or take one step.
      const gpuSeconds = valueOf(records, 'gpu_hours') * 3600;
      expect(Math.abs(gpuSeconds - expected.durationSeconds)).toBeLessThan(15);
      const at15 = stepMeans(expected.samples, 15);
      expect(gpuSeconds).toBe(at15.steps * 15);
      expect(valueOf(records, 'gpu_utilization')).toBeCloseTo(
        at15.utilization,
        3,
      );
      // Step averages of 0.5-s samples: within a point of the CSV mean.
      expect(
        Math.abs(valueOf(records, 'gpu_utilization') - expected.utilization),
      ).toBeLessThan(0.01);
      const power = valueOf(records, 'gpu_power_watts');
      expect(Math.abs(power / expected.powerWatts - 1)).toBeLessThan(0.01);
      const energy = valueOf(records, 'gpu_energy_kwh');
      const meanPowerEnergy =
        (expected.powerWatts * expected.durationSeconds) / 3.6e6;
      expect(Math.abs(energy / meanPowerEnergy - 1)).toBeLessThan(0.02);
      expect(Math.abs(energy / expected.energyCounterKwh - 1)).toBeLessThan(
        0.03,
      );

      expect(valueOf(records, 'tokens_input')).toBe(expected.tokensInput);
      expect(valueOf(records, 'tokens_output')).toBe(expected.tokensOutput);
      expect(valueOf(records, 'requests')).toBe(expected.requests);
    });

    it('gives the same hour at the default 60-s step, in any window', async () => {
      const source = new PrometheusUsageSource({ baseUrl: prometheus!.url });
      const hour = await read(source, T, T + HOUR);
      const around = await read(source, T - HOUR, T + 2 * HOUR);
      expect(around).toEqual(hour);
      // At 60 s the last step holds 12.7 s of idle samples but weighs a
      // whole minute: the mean is that of the step averages.
      const at60 = stepMeans(expected.samples, 60);
      expect(valueOf(hour, 'gpu_hours')).toBeCloseTo(
        (at60.steps * 60) / 3600,
        10,
      );
      expect(valueOf(hour, 'gpu_utilization')).toBeCloseTo(at60.utilization, 3);
      expect(valueOf(hour, 'gpu_power_watts')).toBeCloseTo(at60.powerWatts, 1);
      expect(
        Math.abs(valueOf(hour, 'gpu_utilization') - expected.utilization),
      ).toBeLessThan(0.06);
      expect(valueOf(hour, 'tokens_input')).toBe(expected.tokensInput);
      expect(valueOf(hour, 'tokens_output')).toBe(expected.tokensOutput);
      expect(await read(source, T + HOUR, T + 2 * HOUR)).toEqual([]);
    });

    it('takes the kubernetes-id from a join on kube_pod_labels first', async () => {
      const source = new PrometheusUsageSource({
        baseUrl: prometheus!.url,
        queries: {
          gpu_utilization: [
            'avg_over_time(DCGM_FI_DEV_GPU_UTIL[$step]) / 100 * on(namespace, pod) group_left(label_backstage_io_kubernetes_id) kube_pod_labels',
          ],
          gpu_power_watts: [],
          requests: [],
        },
      });
      const records = await read(source, T, T + HOUR);
      const gpu = records.filter(r => r.type === 'usage' && r.gpuModel);
      expect(gpu.map(r => r.type === 'usage' && r.metric)).toEqual([
        'gpu_hours',
        'gpu_utilization',
      ]);
      for (const record of gpu) {
        expect(record).toMatchObject({ kubernetesId: 'chat-llm-from-ksm' });
      }
      // vLLM series are not joined: their own pod label gives the id.
      expect(
        records.find(r => r.type === 'usage' && r.metric === 'tokens_input'),
      ).toMatchObject({ kubernetesId: 'chat-llm' });
    });

    it('reports PromQL errors with Prometheus own message', async () => {
      const source = new PrometheusUsageSource({
        baseUrl: prometheus!.url,
        queries: { gpu_utilization: ['avg_over_time(DCGM_FI_DEV_GPU_UTIL)'] },
      });
      await expect(read(source, T, T + HOUR)).rejects.toThrow(
        /Prometheus query 'gpu_utilization' \(avg_over_time\(DCGM_FI_DEV_GPU_UTIL\)\) failed: HTTP 400, bad_data: .*expected type range vector/,
      );
    });
  },
);
