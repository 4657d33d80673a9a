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
  gpuRightsizingOptions,
  recommendGpuRightsizing,
  type GpuWorkloadUsage,
} from './gpuRightsizing';
import {
  bestStartWindow,
  DEFAULT_SPOT_DISCOUNT,
  recommendCarbonRegion,
  recommendSpot,
  recommendTimeShift,
} from './placement';
import {
  HpaController,
  hpaDesiredReplicas,
  recommendReplicaBounds,
} from './scaling';

const PRICES: Record<string, number> = {
  'NVIDIA-A100-SXM4-80GB': 5,
  'NVIDIA-L4': 0.8,
  'Tesla-T4': 0.5,
};
const usage = (over: Partial<GpuWorkloadUsage>): GpuWorkloadUsage => ({
  workload: { kind: 'Deployment', name: 'embed', namespace: 'ml' },
  replicas: 4,
  gpuModel: 'NVIDIA-A100-SXM4-80GB',
  gpusPerReplica: 1,
  peakFbUsedMiB: 6 * 1024,
  activityP95: 0.1,
  usdPerGpuHour: m => PRICES[m],
  ...over,
});

describe('GPU rightsizing', () => {
  it('finds a MIG slice, a smaller GPU and consolidation, best saving first', () => {
    const options = gpuRightsizingOptions(usage({}));
    const by = Object.fromEntries(options.map(o => [o.action, o]));
    // 6 GiB + 20 % = 7.2 GiB fits 1g.10gb; 0.1 / 0.8 = 12.5 % of the SMs ≤ 1/7.
    expect(by['mig-slice'].summary).toMatch(/1g\.10gb/);
    expect(by['mig-slice'].monthlySavings).toBeCloseTo(
      4 * 730 * 5 * (6 / 7),
      6,
    );
    expect(by['mig-slice'].changes).toEqual([
      expect.objectContaining({
        path: '/spec/template/spec/containers/0/resources/limits/nvidia.com~1gpu',
        op: 'remove',
      }),
      expect.objectContaining({
        path: '/spec/template/spec/containers/0/resources/limits/nvidia.com~1mig-1g.10gb',
        op: 'add',
        newValue: 1,
      }),
    ]);
    // ceil(4 × 0.1 / 0.8) = 1 replica.
    expect(by.consolidate.monthlySavings).toBeCloseTo(3 * 730 * 5, 6);
    expect(by.consolidate.risk).toBe('high');
    expect(by.consolidate.changes[0]).toMatchObject({
      path: '/spec/replicas',
      oldValue: 4,
      newValue: 1,
    });
    // The T4 (16 GB, 65 TFLOPS, 0.32 TB/s) covers 7.2 GiB, 39 TFLOPS, 0.25 TB/s at $0.50.
    expect(by['smaller-gpu'].changes[0]).toMatchObject({
      path: '/spec/template/spec/nodeSelector/nvidia.com~1gpu.product',
      oldValue: 'NVIDIA-A100-SXM4-80GB',
      newValue: 'Tesla-T4',
    });
    expect(by['smaller-gpu'].monthlySavings).toBeCloseTo(4 * 730 * 4.5, 6);
    expect(options.map(o => o.action)).toEqual([
      'smaller-gpu',
      'mig-slice',
      'consolidate',
    ]);
    expect(by['time-slice']).toBeUndefined(); // latency-sensitive by default
    for (const o of options) expect(o.monthlyCarbonSavingKg).toBeGreaterThan(0);

    const rec = recommendGpuRightsizing(usage({}))!;
    expect(rec.kind).toBe('rightsize-gpu');
    expect(rec.monthlySavings).toBe(by['smaller-gpu'].monthlySavings);
    expect(rec.description).toMatch(/Alternatives:\n- mig-slice/);
  });

  it('offers nothing smaller when the memory does not fit', () => {
    const options = gpuRightsizingOptions(
      usage({ peakFbUsedMiB: 60 * 1024, activityP95: 0.7, replicas: 2 }),
    );
    expect(options).toEqual([]);
    // Busy GPUs consolidate only as far as the target allows.
    const busy = gpuRightsizingOptions(
      usage({
        peakFbUsedMiB: 60 * 1024,
        activityP95: 0.35,
        replicas: 6,
        minReplicas: 2,
      }),
    );
    expect(busy.map(o => o.action)).toEqual(['consolidate']);
    expect(busy[0].changes[0]).toMatchObject({ newValue: 3 }); // ceil(6 × 0.35 / 0.8)
    expect(busy[0].risk).toBe('medium');
  });

  it('time-slices tolerant services and skips unpriced GPUs', () => {
    const options = gpuRightsizingOptions(
      usage({
        latencySensitive: false,
        activityP95: 0.15,
        usdPerGpuHour: m => (m === 'NVIDIA-A100-SXM4-80GB' ? 5 : undefined),
      }),
    );
    const ts = options.find(o => o.action === 'time-slice')!;
    expect(ts.summary).toMatch(/between 4 replicas/);
    expect(ts.monthlySavings).toBeCloseTo(4 * 730 * 5 * 0.75, 6);
    expect(ts.risk).toBe('high');
    expect(options.find(o => o.action === 'smaller-gpu')).toBeUndefined();
    expect(gpuRightsizingOptions(usage({ gpuModel: 'Mystery' }))).toEqual([]);
  });
});

describe('HPA algorithm', () => {
  it('computes desired = ceil(ready × current / target) with a 10 % tolerance', () => {
    expect(
      hpaDesiredReplicas(3, { readyPodValues: [0.9, 0.9, 0.9], target: 0.5 }),
    ).toBe(6);
    expect(
      hpaDesiredReplicas(3, {
        readyPodValues: [0.53, 0.53, 0.53],
        target: 0.5,
      }),
    ).toBe(3);
    expect(
      hpaDesiredReplicas(4, {
        readyPodValues: [0.2, 0.2, 0.2, 0.2],
        target: 0.5,
      }),
    ).toBe(2);
    // Queue-length style metric: 30 waiting on 2 pods, target 5 per pod.
    expect(hpaDesiredReplicas(2, { readyPodValues: [20, 10], target: 5 })).toBe(
      6,
    );
  });

  it('counts starting pods at 0 when scaling up and missing pods at the target when scaling down', () => {
    // 2 ready at 2× target, 2 starting: (2 + 2 + 0 + 0) / 4 = 1× target → hold.
    expect(
      hpaDesiredReplicas(4, {
        readyPodValues: [1, 1],
        target: 0.5,
        unreadyPods: 2,
      }),
    ).toBe(4);
    // 2 ready at 3× target, 1 starting: ratio 2 over 3 pods → 6.
    expect(
      hpaDesiredReplicas(3, {
        readyPodValues: [1.5, 1.5],
        target: 0.5,
        unreadyPods: 1,
      }),
    ).toBe(6);
    // Scale-down with 2 missing pods assumed at target: (0.2 + 1) / 4 / 0.5 = 0.6 → 3.
    expect(
      hpaDesiredReplicas(4, {
        readyPodValues: [0.1, 0.1],
        target: 0.5,
        missingPods: 2,
      }),
    ).toBe(3);
  });

  it('scales up at once (rate-limited) and down only after 5 minutes of lower recommendations', () => {
    const hpa = new HpaController({ minReplicas: 1, maxReplicas: 50 });
    const high = (n: number) => [
      { readyPodValues: Array(n).fill(2), target: 0.5 },
    ];
    const low = (n: number) => [
      { readyPodValues: Array(n).fill(0.1), target: 0.5 },
    ];
    // 2 pods at 4× target want 8; the policy allows max(2 + 4, 2 × 2) = 6.
    expect(hpa.sync(0, 2, high(2))).toBe(6);
    // 15 s later, a new period: 6 → up to 12.
    expect(hpa.sync(15, 6, high(6))).toBe(12);
    let replicas = 12;
    for (let t = 30; t <= 300; t += 15) {
      replicas = hpa.sync(t, replicas, low(replicas));
      // The recommendation of t = 15 (24, before the rate limit) holds the
      // replicas while it is inside the 300 s window.
      expect(replicas).toBe(12);
    }
    // At t = 315 it sits on the window's edge and no longer counts.
    expect(hpa.sync(315, replicas, low(replicas))).toBe(3); // ceil(12 × 0.2)
  });
});

describe('HPA start-up', () => {
  it('does not scale a new HPA down before a full stabilisation window', () => {
    const hpa = new HpaController({ minReplicas: 1, maxReplicas: 10 });
    const low = [{ readyPodValues: [0.1, 0.1, 0.1, 0.1], target: 0.5 }];
    for (let t = 0; t <= 285; t += 15) expect(hpa.sync(t, 4, low)).toBe(4);
    expect(hpa.sync(300, 4, low)).toBe(1); // ceil(4 × 0.2)
  });
});

describe('replica bounds from a forecast', () => {
  it('sets min, max and the per-replica threshold and saves replica-hours', () => {
    // Two weeks of hourly demand between 100 and 500 tokens/s.
    const demand = Array.from(
      { length: 24 * 21 },
      (_, h) => 300 - 200 * Math.cos((2 * Math.PI * h) / 24),
    );
    const rec = recommendReplicaBounds({
      workload: { kind: 'Deployment', name: 'chat' },
      autoscaler: {
        kind: 'ScaledObject',
        name: 'chat',
        minReplicas: 10,
        maxReplicas: 20,
        threshold: { value: 30, path: '/spec/triggers/0/metadata/threshold' },
      },
      demand,
      stepMs: 3_600_000,
      capacityPerReplica: 100,
      targetUtilization: 0.5,
      usdPerReplicaHour: 2,
      gpuModel: 'NVIDIA-L4',
    })!;
    const by = Object.fromEntries(rec.changes.map(c => [c.path, c]));
    expect(by['/spec/minReplicaCount'].newValue).toBe(2);
    expect(by['/spec/maxReplicaCount'].newValue).toBeGreaterThanOrEqual(12);
    expect(by['/spec/maxReplicaCount'].newValue).toBeLessThanOrEqual(13);
    expect(by['/spec/triggers/0/metadata/threshold']).toMatchObject({
      oldValue: '30',
      newValue: '50',
    });
    expect(rec.monthlySavings).toBeGreaterThan(0);
    expect(rec.monthlyCarbonSavingKg).toBeGreaterThan(0);
    expect(rec.risk).toBe('medium');
  });
});

describe('placement', () => {
  it('finds the lowest rolling-mean window (Carbon Aware SDK)', () => {
    expect(bestStartWindow([5, 4, 3, 9, 1, 1, 8], 2)).toEqual({
      start: 4,
      meanIntensity: 1,
    });
    expect(bestStartWindow([2, 2, 2], 3)).toEqual({
      start: 0,
      meanIntensity: 2,
    });
    expect(() => bestStartWindow([1], 2)).toThrow(/fewer than/);
  });

  it('shifts a nightly job into the cleaner hours before its deadline', () => {
    const hourly = Array.from({ length: 24 }, (_, h) =>
      h >= 10 && h < 16 ? 150 : 450,
    );
    const rec = recommendTimeShift({
      workload: { kind: 'CronJob', name: 'batch-embed' },
      schedule: '30 2 * * *',
      hourlyIntensity: hourly,
      durationHours: 3,
      slackHours: 16,
      energyKwhPerRun: 100,
      runsPerMonth: 30,
      pue: 1.1,
    })!;
    expect(rec.changes[0]).toMatchObject({
      path: '/spec/schedule',
      oldValue: '30 2 * * *',
      newValue: '30 10 * * *',
    });
    expect(rec.monthlyCarbonSavingKg).toBeCloseTo(
      (100 * 30 * 1.1 * 300) / 1000,
      9,
    );
    // No room before the deadline: nothing to say.
    expect(
      recommendTimeShift({
        ...{ workload: { kind: 'CronJob', name: 'x' } },
        schedule: '0 2 * * *',
        hourlyIntensity: hourly,
        durationHours: 3,
        slackHours: 3,
        energyKwhPerRun: 1,
        runsPerMonth: 1,
        pue: 1,
      }),
    ).toBeUndefined();
    expect(() =>
      recommendTimeShift({
        workload: { kind: 'CronJob', name: 'x' },
        schedule: '*/5 * * * *',
        hourlyIntensity: hourly,
        durationHours: 1,
        slackHours: 5,
        energyKwhPerRun: 1,
        runsPerMonth: 1,
        pue: 1,
      }),
    ).toThrow(/fixed minute and hour/);
  });

  it('moves to the cleanest allowed region within the price budget', () => {
    const base = {
      workload: { kind: 'Deployment', name: 'train' },
      current: {
        provider: 'aws' as const,
        region: 'us-east-1',
        usdPerHour: 10,
      },
      monthlyEnergyKwh: 1000,
    };
    const rec = recommendCarbonRegion({
      ...base,
      candidates: [
        { provider: 'aws', region: 'eu-north-1', usdPerHour: 11 },
        { provider: 'aws', region: 'ca-central-1', usdPerHour: 10 },
        { provider: 'aws', region: 'us-west-2', usdPerHour: 9 },
      ],
    })!;
    // eu-north-1 (8.8 g) costs more; ca-central-1 (120 g) wins over us-west-2 (322 g).
    expect(rec.changes[0]).toMatchObject({
      oldValue: 'us-east-1',
      newValue: 'ca-central-1',
    });
    expect(rec.monthlyCarbonSavingKg).toBeCloseTo(
      (1000 * 1.135 * (379.069 - 120)) / 1000,
      9,
    );
    expect(rec.monthlySavings).toBe(0);
    const paid = recommendCarbonRegion({
      ...base,
      candidates: [{ provider: 'aws', region: 'eu-north-1', usdPerHour: 11 }],
      maxExtraUsdPerMonth: 1000,
    })!;
    expect(paid.changes[0].newValue).toBe('eu-north-1');
    expect(paid.monthlySavings).toBeCloseTo(-730, 9);
  });

  it('moves tolerant workloads to spot', () => {
    const rec = recommendSpot({
      workload: { kind: 'Job', name: 'eval' },
      interruptionTolerant: true,
      onDemandUsdPerHour: 4,
      hoursPerMonth: 100,
      podSpecPath: '/spec/template/spec',
    })!;
    expect(rec.monthlySavings).toBeCloseTo(4 * DEFAULT_SPOT_DISCOUNT * 100, 9);
    expect(rec.changes[0].path).toBe(
      '/spec/template/spec/nodeSelector/karpenter.sh~1capacity-type',
    );
    expect(
      recommendSpot({
        workload: { kind: 'Job', name: 'x' },
        interruptionTolerant: false,
        onDemandUsdPerHour: 4,
      }),
    ).toBeUndefined();
  });
});
