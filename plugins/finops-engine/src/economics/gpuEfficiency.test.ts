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

import {
  allocateGpuCost,
  gpuEfficiency,
  gpuShareOf,
  type GpuSample,
} from './gpuEfficiency';
import { gpuSpecOf, migShare, parseMigProfile } from './gpuSpecs';

const HOUR = 3_600_000;
const A100 = 'NVIDIA-A100-SXM4-80GB';
const price = (model?: string) => (model === A100 ? 7 : 10);

describe('GPU shares', () => {
  it('prices MIG instances by the share of the GPU they block', () => {
    expect(migShare('1g.10gb', A100)).toBeCloseTo(1 / 7, 12);
    expect(migShare('2g.20gb', A100)).toBeCloseTo(2 / 7, 12);
    // 1g.20gb takes 2 of 8 memory slices: only four fit.
    expect(migShare('1g.20gb', A100)).toBeCloseTo(1 / 4, 12);
    expect(migShare('3g.40gb', A100)).toBeCloseTo(1 / 2, 12);
    expect(migShare('4g.40gb', A100)).toBeCloseTo(4 / 7, 12);
    expect(migShare('7g.80gb', A100)).toBe(1);
    expect(migShare('1g.18gb', 'NVIDIA H200')).toBeCloseTo(1 / 7, 12);
    expect(migShare('3g.71gb', 'NVIDIA-H200')).toBeCloseTo(1 / 2, 12);
    expect(migShare('1g.6gb', 'NVIDIA-A30')).toBeCloseTo(1 / 4, 12);
    // An unknown GPU falls back to the compute share of 7.
    expect(migShare('2g.20gb', 'Mystery GPU')).toBeCloseTo(2 / 7, 12);
    expect(() => migShare('half', A100)).toThrow(/not a MIG profile/);
  });

  it('parses DCGM profiles and device-plugin resources alike', () => {
    expect(parseMigProfile('nvidia.com/mig-3g.40gb')).toEqual({
      profile: '3g.40gb',
      computeSlices: 3,
      memoryGb: 40,
    });
    expect(parseMigProfile('1g.10gb+me')?.profile).toBe('1g.10gb');
    expect(parseMigProfile('nvidia.com/gpu')).toBeUndefined();
  });

  it('splits time-sliced GPUs by replicas held, whole GPUs count 1', () => {
    expect(gpuShareOf({})).toBe(1);
    expect(gpuShareOf({ sharedReplicas: 4 })).toBe(0.25);
    expect(gpuShareOf({ sharedReplicas: 4, sharedReplicasHeld: 2 })).toBe(0.5);
    expect(() => gpuShareOf({ sharedReplicas: 0 })).toThrow(/whole number/);
    expect(() =>
      gpuShareOf({ sharedReplicas: 2, sharedReplicasHeld: 3 }),
    ).toThrow(/0\.\.2/);
  });

  it('knows GPU specs by GFD label, NVML name and MIG product label', () => {
    expect(gpuSpecOf('NVIDIA H100 80GB HBM3')?.model).toBe(
      'NVIDIA-H100-80GB-HBM3',
    );
    expect(gpuSpecOf('NVIDIA-A100-SXM4-80GB-MIG-1g.10gb')?.model).toBe(A100);
    expect(gpuSpecOf('NVIDIA A100-SXM4-40GB')?.memoryGb).toBe(40);
    expect(gpuSpecOf('NVIDIA L4')?.tdpWatts).toBe(72);
    expect(gpuSpecOf('NVIDIA L40S')?.model).toBe('NVIDIA-L40S');
    expect(gpuSpecOf('Tesla T4')?.idleWatts).toBe(8);
    expect(gpuSpecOf('unknown')).toBeUndefined();
  });
});

describe('allocateGpuCost', () => {
  const hour = (
    gpuId: string,
    extra: Partial<GpuSample>,
    t = 0,
  ): GpuSample => ({
    timestamp: t,
    durationSeconds: 3600,
    gpuId,
    gpuModel: A100,
    ...extra,
  });

  it('adds up to the bill: whole GPUs, MIG slices, time slices and the unallocated rest', () => {
    const samples: GpuSample[] = [
      // GPU a: a whole GPU for 2 h.
      hour('a', { workload: 'chat' }, 0),
      hour('a', { workload: 'chat' }, HOUR),
      // GPU b: MIG, two 1g.10gb instances and one 3g.40gb held, the rest free.
      hour('b', {
        workload: 'embed',
        migProfile: '1g.10gb',
        migInstanceId: '7',
      }),
      hour('b', {
        workload: 'embed',
        migProfile: '1g.10gb',
        migInstanceId: '8',
      }),
      hour('b', {
        workload: 'rerank',
        migProfile: '3g.40gb',
        migInstanceId: '2',
      }),
      // The same MIG instance scraped twice in the hour counts once.
      hour('b', {
        workload: 'rerank',
        migProfile: '3g.40gb',
        migInstanceId: '2',
      }),
      // GPU c: time-sliced 4 ways, three replicas held by two workloads.
      hour('c', { workload: 'dev', sharedReplicas: 4, sharedReplicasHeld: 2 }),
      hour('c', { workload: 'test', sharedReplicas: 4 }),
      // GPU d: nobody on it.
      hour('d', {}),
    ];
    const r = allocateGpuCost(samples, price);
    const by = Object.fromEntries(r.workloads.map(w => [w.workload, w]));
    expect(by.chat.gpuHours).toBeCloseTo(2, 12);
    expect(by.embed.gpuHours).toBeCloseTo(2 / 7, 12);
    expect(by.rerank.gpuHours).toBeCloseTo(1 / 2, 12);
    expect(by.dev.gpuHours).toBeCloseTo(1 / 2, 12);
    expect(by.test.gpuHours).toBeCloseTo(1 / 4, 12);
    expect(r.totalGpuHours).toBe(5);
    // b: 1 − 2/7 − 1/2; c: 1/4; d: 1.
    expect(r.unallocatedGpuHours).toBeCloseTo(
      1 - 2 / 7 - 1 / 2 + 1 / 4 + 1,
      12,
    );
    const attributed = r.workloads.reduce((a, w) => a + w.cost, 0);
    expect(attributed + r.unallocatedCost).toBeCloseTo(r.totalCost, 9);
    expect(r.totalCost).toBeCloseTo(5 * 7, 9);
    expect(r.overAllocated).toEqual([]);
  });

  it('flags GPUs whose shares add up to more than one', () => {
    const r = allocateGpuCost(
      [
        hour('x', { workload: 'a', migProfile: '4g.40gb' }),
        hour('x', { workload: 'b', migProfile: '4g.40gb', migInstanceId: '2' }),
      ],
      price,
    );
    expect(r.overAllocated).toHaveLength(1);
    expect(r.overAllocated[0].share).toBeCloseTo(8 / 7, 12);
    expect(r.unallocatedGpuHours).toBe(0);
  });
});

describe('gpuEfficiency', () => {
  const base = {
    durationSeconds: 1800,
    gpuId: 'g',
    gpuModel: 'NVIDIA-H100-80GB-HBM3',
    workload: 'chat',
  };

  it('scores SM activity, memory and active power with the documented weights', () => {
    // H100: idle = 700 × 46/407 W, TDP 700 W.
    const idle = 700 * (46 / 407);
    const [e] = gpuEfficiency(
      [
        {
          ...base,
          timestamp: 0,
          smActive: 0.4,
          gpuUtil: 0.95,
          fbUsedMiB: 40 * 1024,
          fbFreeMiB: 40 * 1024,
          powerWatts: idle + 0.5 * (700 - idle),
        },
        {
          ...base,
          timestamp: 1_800_000,
          smActive: 0.8,
          gpuUtil: 1,
          fbUsedMiB: 40 * 1024,
          fbFreeMiB: 40 * 1024,
          powerWatts: idle + 0.5 * (700 - idle),
        },
      ],
      { usdPerGpuHour: () => 8 },
    );
    expect(e.activitySource).toBe('sm_active');
    expect(e.activity).toBeCloseTo(0.6, 12);
    expect(e.memoryUsed).toBeCloseTo(0.5, 12);
    expect(e.powerUsed).toBeCloseTo(0.5, 12);
    // 100 × (0.6 × 0.6/0.8 + 0.2 × 0.5 + 0.2 × 0.5) = 65
    expect(e.score).toBeCloseTo(65, 9);
    expect(e.gpuHours).toBe(1);
    expect(e.cost).toBe(8);
    // Unused: ½ h × (1 − 0.5) + ½ h × 0.
    expect(e.unusedGpuHours).toBeCloseTo(0.25, 12);
    expect(e.idleGpuHours).toBe(0);
    expect(e.energyKwh).toBeCloseTo((idle + 0.5 * (700 - idle)) / 1000, 9);
  });

  it('falls back to engine activity, then utilisation, renormalising missing parts', () => {
    const [gr] = gpuEfficiency([
      { ...base, timestamp: 0, grEngineActive: 0.4, gpuUtil: 0.9 },
    ]);
    expect(gr.activitySource).toBe('gr_engine_active');
    expect(gr.score).toBeCloseTo(50, 9); // activity alone: 0.4 / 0.8
    const [util] = gpuEfficiency([{ ...base, timestamp: 0, gpuUtil: 0.9 }]);
    expect(util.activitySource).toBe('gpu_util');
    expect(util.score).toBe(100);
    expect(util.cost).toBeUndefined();
  });

  it('counts idle GPU-hours and their dollars by share for MIG and shared GPUs', () => {
    const samples: GpuSample[] = [
      // A 1g.10gb slice idle for 7 hours: one GPU-hour.
      ...Array.from({ length: 7 }, (_, i) => ({
        timestamp: i * HOUR,
        durationSeconds: 3600,
        gpuId: 'm',
        gpuModel: A100,
        workload: 'embed',
        migProfile: '1g.10gb',
        smActive: 0.01,
        fbUsedMiB: 2048,
      })),
      // A time-sliced replica (1 of 2) busy for 2 hours, idle for 2.
      ...[0.7, 0.7, 0, 0].map((sm, i) => ({
        timestamp: i * HOUR,
        durationSeconds: 3600,
        gpuId: 's',
        gpuModel: A100,
        workload: 'dev',
        sharedReplicas: 2,
        smActive: sm,
      })),
    ];
    const result = Object.fromEntries(
      gpuEfficiency(samples, { usdPerGpuHour: price }).map(e => [
        e.workload,
        e,
      ]),
    );
    expect(result.embed.gpuHours).toBeCloseTo(1, 12);
    expect(result.embed.idleGpuHours).toBeCloseTo(1, 12);
    expect(result.embed.idleCost).toBeCloseTo(7, 9);
    // The MIG slice's memory is its profile's: 2 GiB of 10 GB.
    expect(result.embed.memoryUsed).toBeCloseTo(2048 / 10240, 12);
    expect(result.dev.gpuHours).toBeCloseTo(2, 12);
    expect(result.dev.idleGpuHours).toBeCloseTo(1, 12);
    expect(result.dev.idleCost).toBeCloseTo(7, 9);
    expect(result.dev.gpus).toBe(1);
  });
});
