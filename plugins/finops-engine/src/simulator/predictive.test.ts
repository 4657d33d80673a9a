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
  ClairvoyantPolicy,
  clairvoyantReference,
  PredictivePolicy,
  seededRandom,
  simulate,
  type LoadSummary,
  type Observation,
  type ReplicaProfile,
  type SimRequest,
} from '.';
import { empiricalQuantile, erlangC, serversForWait } from './quantile';

/** Start-up 60 s: the policy's lead is 75 s (five 15-s periods). */
const toy: ReplicaProfile = {
  name: 'toy',
  gpuModel: 'NVIDIA-L4',
  gpusPerReplica: 1,
  usdPerGpuHour: 1,
  prefillTokensPerSecond: 1000,
  decodeTokensPerSecond: 100,
  singleStreamTokensPerSecond: 10,
  maxBatch: 20,
  startupSeconds: 60,
  prefillChunkTokens: 100,
};

const summary = (initial: number): LoadSummary => ({
  perMinute: Array(120).fill(initial),
  peak: initial,
  mean: initial,
  initial,
});

/** A control period in which `n` requests of `work` replica-seconds each arrived. */
function period(
  t: number,
  n: number,
  work: number,
  rest: Partial<Observation> = {},
): Observation {
  const replicas = rest.replicas ?? 4;
  return {
    t,
    intervalSeconds: 15,
    replicas,
    ready: replicas,
    starting: 0,
    readyUtilization: Array(replicas).fill(0.5),
    waiting: 0,
    inFlight: 0,
    queuedWork: 0,
    arrivedWork: n * work,
    arrivedRequests: n,
    arrivedWorkSquares: n * work * work,
    ...rest,
  };
}

/** Feeds periods t = 15, 30, … with `load(t)` replica-equivalents (1-s requests); returns the decisions. */
function feed(
  policy: PredictivePolicy,
  from: number,
  to: number,
  load: (t: number) => number,
  replicas: (t: number, last: number) => number = (_t, last) => last,
): number[] {
  const out: number[] = [];
  let last = 4;
  for (let t = from; t <= to; t += 15) {
    const n = Math.round(load(t) * 15);
    last = policy.decide(period(t, n, 1, { replicas: replicas(t, last) }));
    out.push(last);
  }
  return out;
}

describe('queueing helpers', () => {
  it('empiricalQuantile interpolates between order statistics', () => {
    expect(empiricalQuantile([], 0.5)).toBe(0);
    expect(empiricalQuantile([3, 1, 2], 0.5)).toBe(2);
    expect(empiricalQuantile([0, 10], 0.95)).toBeCloseTo(9.5, 12);
    expect(empiricalQuantile([5, 1, 4, 2, 3], 1)).toBe(5);
  });

  it('erlangC matches the closed forms of M/M/1 and M/M/2', () => {
    // M/M/1: P(wait) = ρ.
    expect(erlangC(1, 0.7)).toBeCloseTo(0.7, 12);
    // M/M/2 with a = 1: P(wait) = a² / (a² + 2(2 − a)·(1 + a)) ... = 1/3.
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    expect(erlangC(3, 3)).toBe(1);
    expect(erlangC(3, 0)).toBe(0);
  });

  it('serversForWait asks for more servers for a longer tail of waits', () => {
    const poisson = serversForWait(10, 1, 2, 2, 0.015);
    expect(poisson).toBeGreaterThan(10);
    // More variable arrivals, a shorter wait or a smaller tail: more servers.
    expect(serversForWait(10, 1, 20, 2, 0.015)).toBeGreaterThan(poisson);
    expect(serversForWait(10, 1, 2, 0.2, 0.015)).toBeGreaterThan(poisson);
    expect(serversForWait(10, 1, 2, 2, 0.001)).toBeGreaterThan(poisson);
    // Larger pools run hotter at the same bound (square-root staffing).
    const big = serversForWait(100, 1, 2, 2, 0.015);
    expect(100 / big).toBeGreaterThan(10 / poisson);
    expect(serversForWait(0, 1, 2, 2, 0.015)).toBe(0);
  });
});

describe('PredictivePolicy mechanisms', () => {
  it('keeps the 95 % quantile of its errors one lead later as headroom, and only once 19 are known', () => {
    const policy = new PredictivePolicy({ forecastStepSeconds: 60 });
    policy.start(summary(2), toy);
    // Constant load: no error, the headroom is 0 once it is known.
    feed(policy, 15, 60 * 8, () => 2);
    // Bases from 60 s (a whole minute observed), errors one lead (75 s) on.
    expect(policy.errors.length).toBe((480 - 135) / 15 + 1);
    expect(policy.headroom()).toBeCloseTo(0, 6);
    const fresh = new PredictivePolicy();
    fresh.start(summary(2), toy);
    feed(fresh, 15, 60 + 75 + 15 * 17, () => 2);
    expect(fresh.errors.length).toBe(18);
    expect(fresh.headroom()).toBeUndefined();
    // A load that jumps by 1 every other minute: the base set one lead
    // before misses it by up to 1 in a share of the windows; the headroom
    // is their 95 % quantile, between 0 and 1.
    const jumpy = new PredictivePolicy();
    jumpy.start(summary(2), toy);
    feed(jumpy, 15, 3600, t => (Math.floor(t / 60) % 2 ? 3 : 2));
    const h = jumpy.headroom()!;
    expect(h).toBeGreaterThan(0.2);
    expect(h).toBeLessThanOrEqual(1 + 1e-9);
    expect(h).toBeCloseTo(empiricalQuantile(jumpy.errors, 0.95), 12);
  });

  it('scales up at once and down only after the cool-down (default: the start-up time)', () => {
    const run = (options: { scaleDownDelaySeconds?: number }) => {
      const policy = new PredictivePolicy({ errorQuantile: 0.5, ...options });
      policy.start(summary(2), toy);
      const decisions: Array<{ t: number; n: number }> = [];
      let replicas = 4;
      for (let t = 15; t <= 2400; t += 15) {
        const load = t > 900 && t <= 1200 ? 6 : 2;
        replicas = policy.decide(
          period(t, Math.round(load * 15), 1, { replicas }),
        );
        decisions.push({ t, n: replicas });
      }
      return decisions;
    };
    const byDefault = run({});
    const longer = run({ scaleDownDelaySeconds: 300 });
    const at = (d: typeof byDefault, t: number) => d.find(x => x.t === t)!.n;
    // Up as soon as the median of the last minute moves (two of four
    // periods at the higher load).
    expect(at(byDefault, 930)).toBeGreaterThan(at(byDefault, 900));
    const high = Math.max(...byDefault.map(x => x.n));
    const down = (d: typeof byDefault) =>
      d.find(x => x.t > 1200 && x.n < high)!.t;
    // The load drops after 1,200 s; the count holds for at least the
    // cool-down (60 s, the toy's start-up), and 240 s longer with 300 s.
    expect(down(byDefault)).toBeGreaterThanOrEqual(1200 + 60);
    expect(down(byDefault)).toBeLessThanOrEqual(1200 + 60 + 90);
    expect(down(longer) - down(byDefault)).toBe(240);
  });

  it('the reactive floor is the median of the last minute, not one burst', () => {
    // Warm-up (before 19 errors): the floor ÷ 0.7, never below the count.
    const policy = new PredictivePolicy();
    policy.start(summary(1), toy);
    let n = 0;
    for (const [t, load] of [
      [15, 2],
      [30, 2],
      [45, 2],
      [60, 10],
    ]) {
      n = policy.decide(period(t, load * 15, 1, { replicas: 1 }));
    }
    // Median of 2, 2, 2, 10 is 2: ⌈2 / 0.7⌉ = 3 (the mean, 4, would ask for 6).
    expect(n).toBe(3);
  });

  it('measures capacity only over periods that were saturated from start to end', () => {
    const policy = new PredictivePolicy();
    policy.start(summary(2), toy);
    const full = {
      replicas: 2,
      waiting: 5,
      inFlight: 40,
      readyUtilization: [0.8, 0.8],
    };
    expect(policy.capacity()).toBe(1);
    // Requests wait but batches are not full: no sample.
    policy.decide(period(15, 30, 1, { ...full, inFlight: 10 }));
    policy.decide(period(30, 30, 1, { ...full, inFlight: 10 }));
    expect(policy.capacity()).toBe(1);
    // Saturated at one tick only: the period may have started idle.
    policy.decide(period(45, 30, 1, full));
    expect(policy.capacity()).toBe(1);
    policy.decide(period(60, 30, 1, full));
    expect(policy.capacity()).toBeCloseTo(0.8, 12);
  });

  it('measures arrival variability: Poisson counts ≈ 1, clumps of 10 ≈ 10, plus the spread of work', () => {
    const random = seededRandom(3);
    const poissonCount = (mean: number) => {
      let n = 0;
      let p = Math.exp(-mean);
      let cdf = p;
      const u = random();
      while (u > cdf) {
        n++;
        p *= mean / n;
        cdf += p;
      }
      return n;
    };
    const poisson = new PredictivePolicy();
    poisson.start(summary(2), toy);
    const clumps = new PredictivePolicy();
    clumps.start(summary(2), toy);
    for (let t = 15; t <= 3600; t += 15) {
      poisson.decide(period(t, poissonCount(30), 1));
      clumps.decide(period(t, 10 * poissonCount(3), 1));
    }
    const p = poisson.variability()!;
    expect(p.service).toBeCloseTo(1, 12);
    expect(p.v).toBeGreaterThan(0.75);
    expect(p.v).toBeLessThan(1.25);
    const c = clumps.variability()!;
    expect(c.v).toBeGreaterThan(7);
    expect(c.v).toBeLessThan(13);
    // The queueing bound asks for more replicas for clumps at the same load.
    expect(clumps.queueingReplicas(3)).toBeGreaterThan(
      poisson.queueingReplicas(3),
    );
    // Work of 0.1 and 0.3 alternating: cs² = 0.25.
    const mixed = new PredictivePolicy();
    mixed.start(summary(2), toy);
    for (let t = 15; t <= 600; t += 15) {
      mixed.decide({
        ...period(t, 20, 0.2),
        arrivedWorkSquares: 10 * 0.01 + 10 * 0.09,
      });
    }
    expect(mixed.variability()!.v).toBeCloseTo(0.25, 9);
  });

  it('adds replicas for queued work only when the ready ones cannot clear it within a start-up', () => {
    const run = (queuedWork: number) => {
      const policy = new PredictivePolicy();
      policy.start(summary(2), toy);
      feed(policy, 15, 1800, () => 2);
      return policy.decide(
        period(1815, 30, 1, { replicas: 4, queuedWork, waiting: 1 }),
      );
    };
    const none = run(0);
    // 4 ready replicas at load 2 clear 2 replica-seconds per second: 100
    // in 50 s, within the 60-s start-up.
    expect(run(100)).toBe(none);
    // 600 leaves 480 after 60 s: 480 / 60 = 8 more replicas.
    expect(run(600)).toBe(none + 8);
  });
});

describe('clairvoyant reference', () => {
  const req = (arrival: number): SimRequest => ({
    arrival,
    inputTokens: 100,
    outputTokens: 10,
  });

  it('provisions the busiest minute of the next start-up + 75 s at its utilisation', () => {
    // toy: 100 input tokens 0.1 s + 10 output 0.1 s = 0.2 replica-s each.
    // Minutes 0–4 at 10 req/s (2 replica-eq), 5–9 at 20 req/s (4).
    const requests: SimRequest[] = [];
    for (let t = 0; t < 600; t += t < 300 ? 0.1 : 0.05) requests.push(req(t));
    const r = simulate({
      profile: toy,
      policy: new ClairvoyantPolicy({ utilization: 0.75 }),
      requests: () => requests,
      timeline: true,
    });
    // ⌈2 / 0.75⌉ = 3 until the busier minutes come within 60 + 15 + 60 s,
    // then ⌈4 / 0.75⌉ = 6.
    expect(r.timeline![0]).toBe(3);
    expect(r.timeline![1]).toBe(3);
    expect(r.timeline![3]).toBe(6);
    expect(r.timeline![8]).toBe(6);
  });

  it('counts a partial last minute at its joint rate with the one before', () => {
    const policy = new ClairvoyantPolicy({ utilization: 1 });
    // Minute 2 holds 1 s of arrivals: alone it would look 60× quieter.
    const load: LoadSummary = {
      perMinute: [1, 3, 0.05],
      peak: 3,
      mean: 4.05 / 3,
      initial: 4.05 / 3,
      last: 121,
    };
    policy.start(load, toy);
    const o = period(125, 0, 1);
    // (3 + 0.05) × 60 / 61 = 3.0 → 3 replicas.
    expect(policy.decide(o)).toBe(3);
  });

  it('clairvoyantReference returns the highest utilisation that keeps the bound', () => {
    const requests: SimRequest[] = [];
    for (let t = 0; t < 600; t += 0.1) requests.push(req(t));
    const trace = {
      name: 'flat',
      kind: 'requests' as const,
      requests: () => requests,
    };
    const ref = clairvoyantReference(trace, {
      profile: toy,
      maxViolationRate: 0,
      utilizations: [1, 0.5],
    })!;
    expect(ref.tried[0].utilization).toBe(1);
    expect(ref.utilization).toBe(ref.tried.at(-1)!.utilization);
    expect(ref.result.slo.violationRate).toBe(0);
    expect(
      clairvoyantReference(trace, {
        profile: toy,
        maxViolationRate: -1,
        utilizations: [1],
      }),
    ).toBeUndefined();
  });
});
