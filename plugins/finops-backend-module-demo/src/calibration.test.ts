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

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CPU_MEMORY_RATES,
  DAY_OF_WEEK_PROFILE,
  GPU_CALIBRATION,
  H200_BUSY_UTILIZATION,
  H200_BUSY_WATTS,
  H200_FULL_UTIL_WATTS,
  H200_IDLE_WATTS,
  H200_MAX_OBSERVED_WATTS,
  H200_SWEEP_BATCH_128,
  HOUR_OF_DAY_PROFILE,
  STORAGE_NETWORK_RATES,
  TOKEN_MIX,
  gpuPowerWatts,
  type DemoGpuModel,
} from './calibration';
import { sharedDataPath } from '@ai-finops/test-utils';

/** The shared real-world data, a sibling of the repository (never copied into it). */
const SHARED_DATA = sharedDataPath();

const HAS_SHARED_DATA = existsSync(SHARED_DATA);

/** `describe` when the shared data is there, `describe.skip` (with the reason in the title) when not. */
const describeWithSharedData = HAS_SHARED_DATA ? describe : describe.skip;
const SKIP_REASON = HAS_SHARED_DATA
  ? ''
  : ` [skipped: real-data folder not found at ${SHARED_DATA}]`;

function readCsv(relative: string): Record<string, string>[] {
  const text = readFileSync(path.join(SHARED_DATA, relative), 'utf8');
  const lines = text.split(/\r?\n/).filter(line => line.trim() !== '');
  const header = lines[0].split(',').map(h => h.trim());
  return lines.slice(1).map(line => {
    const cells = line.split(',');
    return Object.fromEntries(
      header.map((h, i) => [h, (cells[i] ?? '').trim()]),
    );
  });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('calibration constants', () => {
  it('derive per-GPU prices and the power curve consistently', () => {
    for (const c of Object.values(GPU_CALIBRATION)) {
      expect(c.pricePerGpuHour).toBeCloseTo(
        c.instancePricePerHour / c.gpusPerInstance,
        10,
      );
      expect(c.idleWatts).toBeLessThan(c.maxWatts);
      expect(c.maxWatts).toBeLessThanOrEqual(c.tdpWatts);
    }
    const h200 = GPU_CALIBRATION['NVIDIA-H200'];
    expect(h200.idleWatts).toBeCloseTo(H200_IDLE_WATTS, 6);
    expect(h200.maxWatts).toBeCloseTo(H200_FULL_UTIL_WATTS, 6);
    // the linear curve stays within 2 % of the measured busy phase
    const busyRatio =
      gpuPowerWatts('NVIDIA-H200', H200_BUSY_UTILIZATION) / H200_BUSY_WATTS;
    expect(Math.abs(busyRatio - 1)).toBeLessThan(0.02);
    expect(gpuPowerWatts('NVIDIA-H200', 2)).toBe(h200.maxWatts);
    expect(gpuPowerWatts('NVIDIA-H200', -1)).toBe(h200.idleWatts);
    expect(mean([...HOUR_OF_DAY_PROFILE])).toBeCloseTo(1, 3);
    expect(mean([...DAY_OF_WEEK_PROFILE])).toBeCloseTo(1, 3);
  });
});

describeWithSharedData(
  `calibration against the shared real-world data${SKIP_REASON}`,
  () => {
    it('H200 idle, busy and full-utilisation power match the NVML samples', () => {
      const samples = readCsv('gpu-telemetry-h200/nvml_samples.csv').map(r => ({
        phase: r.phase,
        util: Number(r.gpu_util_pct),
        power: Number(r.power_w),
      }));
      const phaseMean = (phase: string, key: 'util' | 'power') =>
        mean(samples.filter(s => s.phase === phase).map(s => s[key]));
      expect(phaseMean('idle_loaded', 'power')).toBeCloseTo(H200_IDLE_WATTS, 1);
      expect(phaseMean('replay_4x', 'power')).toBeCloseTo(H200_BUSY_WATTS, 1);
      expect(phaseMean('replay_4x', 'util') / 100).toBeCloseTo(
        H200_BUSY_UTILIZATION,
        3,
      );
      expect(Math.max(...samples.map(s => s.power))).toBe(
        H200_MAX_OBSERVED_WATTS,
      );

      // least squares over every sample outside `load`, evaluated at 100 %
      const serving = samples.filter(s => s.phase !== 'load');
      const mx = mean(serving.map(s => s.util));
      const my = mean(serving.map(s => s.power));
      let sxy = 0;
      let sxx = 0;
      for (const s of serving) {
        sxy += (s.util - mx) * (s.power - my);
        sxx += (s.util - mx) ** 2;
      }
      const slope = sxy / sxx;
      expect(my + slope * (100 - mx)).toBeCloseTo(H200_FULL_UTIL_WATTS, 1);
    });

    it('H200 batch-128 throughput matches the sweep', () => {
      const row = readCsv('gpu-telemetry-h200/sweep_throughput.csv').find(
        r => r.batch === '128',
      )!;
      expect(Number(row.gen_tokens_per_s)).toBe(
        H200_SWEEP_BATCH_128.generatedTokensPerSecond,
      );
      expect(Number(row.prompt_tokens_per_s)).toBe(
        H200_SWEEP_BATCH_128.promptTokensPerSecond,
      );
      const b128 = readCsv('gpu-telemetry-h200/sweep_nvml.csv').filter(
        r => r.phase === 'b128',
      );
      expect(mean(b128.map(r => Number(r.gpu_util_pct))) / 100).toBeCloseTo(
        H200_SWEEP_BATCH_128.utilization,
        3,
      );
      expect(mean(b128.map(r => Number(r.power_w)))).toBeCloseTo(
        H200_SWEEP_BATCH_128.watts,
        1,
      );
      const meta = JSON.parse(
        readFileSync(
          path.join(SHARED_DATA, 'gpu-telemetry-h200/sweep_meta.json'),
          'utf8',
        ),
      );
      expect(meta.params).toBe(H200_SWEEP_BATCH_128.modelParams);
    });

    it('GPU instance prices match the on-demand price table', () => {
      const prices = readCsv(
        'cloud-ondemand-prices/gpu_accel_prices_hourly_aws_azure_gcp.csv',
      );
      for (const c of Object.values(GPU_CALIBRATION)) {
        const row = prices.find(
          r =>
            r.provider === c.provider &&
            r.region === c.region &&
            r.instance_type === c.instanceType &&
            r.pricing === 'on_demand',
        );
        expect(row).toBeDefined();
        expect(row!.currency).toBe('USD');
        expect(Number(row!.price_per_hour)).toBe(c.instancePricePerHour);
      }
    });

    it('CPU and memory rates fit the general-purpose instance prices', () => {
      const rows = readCsv(
        'cloud-ondemand-prices/ondemand_linux_hourly_aws_azure.csv',
      );
      const price = (region: string, type: string) =>
        Number(
          rows.find(r => r.region === region && r.instance_type === type)!
            .price_per_hour,
        );
      const check = (region: string, types: [string, number][]) => {
        const rate = CPU_MEMORY_RATES[region];
        for (const [type, gib] of types) {
          // 8 vCPU each; the fit stays within 8 % of every list price
          const modelled = 8 * rate.perVcpuHour + gib * rate.perGibHour;
          expect(Math.abs(modelled / price(region, type) - 1)).toBeLessThan(
            0.08,
          );
        }
      };
      check('us-east-1', [
        ['c7i.2xlarge', 16],
        ['m7i.2xlarge', 32],
        ['r7i.2xlarge', 64],
      ]);
      check('swedencentral', [
        ['Standard_F8s_v2', 16],
        ['Standard_D8s_v5', 32],
        ['Standard_E8s_v5', 64],
      ]);
    });

    it('storage and network prices match the OpenCost defaults', () => {
      for (const [provider, file] of [
        ['AWS', 'configs_aws.json'],
        ['Azure', 'configs_azure.json'],
      ] as const) {
        const config = JSON.parse(
          readFileSync(path.join(SHARED_DATA, 'opencost', file), 'utf8'),
        );
        expect(STORAGE_NETWORK_RATES[provider]).toEqual({
          storagePerGibHour: Number(config.storage),
          zoneEgressPerGib: Number(config.zoneNetworkEgress),
          internetEgressPerGib: Number(config.internetNetworkEgress),
        });
      }
    });

    it('TDPs match the ML CO2 Impact GPU table', () => {
      const gpus = readCsv('mlco2-impact/gpus.csv');
      const tdp = (name: string) =>
        Number(gpus.find(r => r.name === name)!.tdp_watts);
      const expected: Partial<Record<DemoGpuModel, number>> = {
        'NVIDIA-H100-80GB-HBM3': tdp('H100 SXM'),
        'NVIDIA-A100-SXM4-80GB': tdp('A100 SXM4 80 GB'),
        'NVIDIA-L40S': tdp('L40S'),
        'NVIDIA-L4': tdp('L4'),
        'Tesla-T4': tdp('T4'),
      };
      for (const [model, watts] of Object.entries(expected)) {
        expect([
          model,
          GPU_CALIBRATION[model as DemoGpuModel].tdpWatts,
        ]).toEqual([model, watts]);
      }
    });

    it('daily and weekly profiles match the Google cluster series', () => {
      const load = readCsv(
        'sustaindc-workload-hourly/GoogleClusteData_CPU_Data_Hourly_1.csv',
      ).map(r => Number(r.cpu_load));
      const hours = Array.from({ length: 24 }, () => [] as number[]);
      const days = Array.from({ length: 7 }, () => [] as number[]);
      load.forEach((value, i) => {
        const local = 19 + i; // row 0 is Sunday 19:00 local time
        hours[local % 24].push(value);
        days[Math.floor(local / 24) % 7].push(value);
      });
      const hourMeans = hours.map(mean);
      const dayMeans = days.map(mean);
      const hm = mean(hourMeans);
      const dm = mean(dayMeans);
      hourMeans.forEach((m, h) =>
        expect(m / hm).toBeCloseTo(HOUR_OF_DAY_PROFILE[h], 3),
      );
      dayMeans.forEach((m, d) =>
        expect(m / dm).toBeCloseTo(DAY_OF_WEEK_PROFILE[d], 3),
      );
    });

    it('token mixes match the Azure LLM inference traces', () => {
      for (const kind of ['code', 'conv'] as const) {
        const rows = readCsv(
          `azure-llm-inference-2023/AzureLLMInferenceTrace_${kind}.csv`,
        );
        expect(mean(rows.map(r => Number(r.ContextTokens)))).toBeCloseTo(
          TOKEN_MIX[kind].inputTokens,
          0,
        );
        expect(mean(rows.map(r => Number(r.GeneratedTokens)))).toBeCloseTo(
          TOKEN_MIX[kind].outputTokens,
          2,
        );
      }
    });
  },
);
