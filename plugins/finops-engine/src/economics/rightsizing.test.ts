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

import { formatCpu, formatMemory } from './recommendation';
import {
  DecayingHistogram,
  recommendContainer,
  recommendRightsizing,
  VPA_DEFAULTS,
  type ContainerUsage,
} from './rightsizing';

const MIN = 60_000;
const DAY = 86_400_000;
const GIB = 2 ** 30;

function usage(
  days: number,
  cores: (t: number) => number,
  bytes: (t: number) => number,
  stepMs = MIN,
) {
  const cpu: ContainerUsage['cpu'][number][] = [];
  const memory: ContainerUsage['memory'][number][] = [];
  for (let t = 0; t < days * DAY; t += stepMs) {
    cpu.push({ timestamp: t, cores: cores(t) });
    memory.push({ timestamp: t, bytes: bytes(t) });
  }
  return { cpu, memory };
}

describe('DecayingHistogram (VPA)', () => {
  it('has exponential buckets 5 % apart and answers with the bucket end', () => {
    const h = new DecayingHistogram(0.01, 1000);
    expect(h.bucketStart(0)).toBe(0);
    expect(h.bucketStart(1)).toBeCloseTo(0.01, 12);
    expect(h.bucketStart(2)).toBeCloseTo(0.0205, 12);
    expect(h.findBucket(0.015)).toBe(1);
    expect(h.findBucket(0.005)).toBe(0);
    expect(h.findBucket(1e9)).toBe(h.numBuckets - 1);
    // VPA: ceil(log(1000 × 0.05 / 0.01 + 1) / log 1.05) + 1 buckets.
    expect(h.numBuckets).toBe(Math.ceil(Math.log(5001) / Math.log(1.05)) + 1);
    h.add(0.015, 1, 0);
    expect(h.percentile(0.9)).toBeCloseTo(0.0205, 12);
    expect(new DecayingHistogram(0.01, 1000).percentile(0.5)).toBe(0);
  });

  it('halves the weight of a sample a day older', () => {
    const decayed = new DecayingHistogram(0.01, 1000);
    decayed.add(1, 1, 0);
    decayed.add(2, 1, DAY); // twice the weight of the first
    // The first sample holds 1/3 of the weight: P40 lies in the second.
    expect(decayed.percentile(0.4)).toBeGreaterThan(2);
    expect(decayed.percentile(0.3)).toBeLessThan(1.1);
    const same = new DecayingHistogram(0.01, 1000);
    same.add(1, 1, DAY);
    same.add(2, 1, DAY);
    expect(same.percentile(0.4)).toBeLessThan(1.1);
  });

  it('renormalises over long histories without losing the shape', () => {
    const h = new DecayingHistogram(0.01, 1000);
    for (let d = 0; d < 1100; d++) h.add(d < 1099 ? 1 : 50, 1, d * DAY);
    // 1,100 daily half-lives would overflow 2^exponent without renormalising;
    // the newest sample holds half the weight (Σ 2^-k over the rest ≈ 1).
    expect(h.percentile(0.6)).toBeGreaterThan(50);
    expect(h.percentile(0.4)).toBeLessThan(1.1);
    expect(Number.isFinite(h.percentile(0.99))).toBe(true);
  });
});

describe('recommendContainer', () => {
  it('targets CPU P90 and memory P95 of daily peaks plus 15 %', () => {
    const u = usage(
      8,
      t => (Math.floor(t / MIN) % 10 === 0 ? 2 : 0.5),
      () => 1 * GIB,
    );
    const r = recommendContainer({ container: 'app', ...u, current: {} });
    const cpuH = new DecayingHistogram(0.01, 1000);
    cpuH.add(0.5, 1, 0);
    // 10 % of samples at 2 cores: P90 is the 0.5-core bucket's end.
    expect(r.cpu.target).toBeCloseTo(cpuH.percentile(1) * 1.15, 9);
    const memH = new DecayingHistogram(1e7, 1e12);
    memH.add(GIB, 1, 0);
    expect(r.memory.target).toBeCloseTo(memH.percentile(1) * 1.15, 3);
    expect(r.confidenceDays).toBeCloseTo(8, 2);
    expect(r.confidence).toBeCloseTo(1, 2);
    // Upper bound P95 × (1 + 1/8): the 2-core samples are above P90.
    expect(r.cpu.upperBound).toBeGreaterThan(2 * 1.15);
    expect(r.oomBumped).toBe(false);
  });

  it('grows confidence with history and widens the bounds when short', () => {
    const short = recommendContainer({
      container: 'app',
      ...usage(
        1,
        () => 0.5,
        () => GIB,
      ),
      current: {},
    });
    const long = recommendContainer({
      container: 'app',
      ...usage(
        4,
        () => 0.5,
        () => GIB,
      ),
      current: {},
    });
    expect(short.confidenceDays).toBeCloseTo(1, 2);
    expect(short.confidence).toBeCloseTo(1 / 8, 2);
    expect(long.confidence).toBeCloseTo(0.5, 2);
    // Upper bound ×(1 + 1/c): 2 at one day, 1.25 at four.
    expect(short.cpu.upperBound / short.cpu.target).toBeCloseTo(2, 1);
    expect(long.cpu.upperBound / long.cpu.target).toBeCloseTo(1.25, 1);
    // Hourly samples count days the same way.
    const hourly = recommendContainer({
      container: 'app',
      ...usage(
        4,
        () => 0.5,
        () => GIB,
        3_600_000,
      ),
      current: {},
    });
    expect(hourly.confidenceDays).toBeCloseTo(long.confidenceDays, 1);
  });

  it('bumps memory after an OOM kill: max(used + 100 MiB, used × 1.2)', () => {
    const u = usage(
      3,
      () => 0.2,
      () => 0.9 * GIB,
    );
    const r = recommendContainer({
      container: 'app',
      ...u,
      ooms: [{ timestamp: 2.5 * DAY, memoryBytes: GIB }],
      current: { memoryLimitBytes: GIB },
    });
    expect(r.oomBumped).toBe(true);
    expect(r.memory.target).toBeGreaterThanOrEqual(1.2 * GIB * 1.15);
    const small = recommendContainer({
      container: 'app',
      ...usage(
        3,
        () => 0.2,
        () => 200 * 2 ** 20,
      ),
      ooms: [{ timestamp: DAY, memoryBytes: 256 * 2 ** 20 }],
      current: {},
    });
    // 256 MiB × 1.2 < 256 MiB + 100 MiB.
    expect(small.memory.target).toBeGreaterThanOrEqual(356 * 2 ** 20 * 1.15);
  });

  it('keeps the per-pod floors, split across containers', () => {
    const r = recommendContainer(
      {
        container: 'sidecar',
        ...usage(
          2,
          () => 0.001,
          () => 1e6,
        ),
        current: {},
      },
      { containersInPod: 2 },
    );
    expect(r.cpu.target).toBe(VPA_DEFAULTS.podMinCpuCores / 2);
    expect(r.memory.target).toBe(VPA_DEFAULTS.podMinMemoryBytes / 2);
  });
});

describe('recommendRightsizing', () => {
  it('proposes request and limit changes with their monthly saving', () => {
    const rec = recommendRightsizing({
      workload: { kind: 'Deployment', name: 'api', namespace: 'chat' },
      replicas: 3,
      containers: [
        {
          container: 'api',
          ...usage(
            8,
            () => 0.5,
            () => GIB,
          ),
          current: {
            cpuRequestCores: 2,
            cpuLimitCores: 4,
            memoryRequestBytes: 4 * GIB,
            memoryLimitBytes: 4 * GIB,
          },
        },
      ],
      usdPerCoreHour: 0.04,
      usdPerGibHour: 0.005,
    })!;
    const target = recommendContainer({
      container: 'api',
      ...usage(
        8,
        () => 0.5,
        () => GIB,
      ),
      current: {},
    });
    expect(rec.kind).toBe('rightsize-cpu-memory');
    expect(rec.changes.map(c => [c.path, c.oldValue, c.newValue])).toEqual([
      [
        '/spec/template/spec/containers/0/resources/requests/cpu',
        '2',
        formatCpu(target.cpu.target),
      ],
      [
        '/spec/template/spec/containers/0/resources/limits/cpu',
        '4',
        formatCpu(2 * target.cpu.target),
      ],
      [
        '/spec/template/spec/containers/0/resources/requests/memory',
        '4Gi',
        formatMemory(target.memory.target),
      ],
      [
        '/spec/template/spec/containers/0/resources/limits/memory',
        '4Gi',
        formatMemory(target.memory.target),
      ],
    ]);
    const expected =
      3 *
      730 *
      ((2 - target.cpu.target) * 0.04 +
        ((4 * GIB - target.memory.target) / GIB) * 0.005);
    expect(rec.monthlySavings).toBeCloseTo(expected, 6);
    expect(rec.monthlyCarbonSavingKg).toBeGreaterThan(0);
    expect(rec.risk).toBe('medium');
    expect(rec.confidence).toBeCloseTo(1, 2);
  });

  it('says nothing when requests are already within 10 %', () => {
    const u = usage(
      8,
      () => 0.5,
      () => GIB,
    );
    const r = recommendContainer({ container: 'x', ...u, current: {} });
    expect(
      recommendRightsizing({
        workload: { kind: 'Deployment', name: 'api' },
        replicas: 1,
        containers: [
          {
            container: 'x',
            ...u,
            current: {
              cpuRequestCores: r.cpu.target * 1.05,
              memoryRequestBytes: r.memory.target,
            },
          },
        ],
        usdPerCoreHour: 0.04,
        usdPerGibHour: 0.005,
      }),
    ).toBeUndefined();
  });

  it('formats Kubernetes quantities', () => {
    expect(formatCpu(0.0251)).toBe('26m');
    expect(formatCpu(2)).toBe('2');
    expect(formatMemory(GIB)).toBe('1Gi');
    expect(formatMemory(1.5 * GIB + 1)).toBe('1537Mi');
  });
});
