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

import { embodiedGramsPerGpuHour } from '../economics/footprint';
import { powerAt, powerCurveOf, type PowerCurve } from '../economics/power';
import {
  DEFAULT_SLO,
  iterationTiming,
  requestWork,
  tpotObjective,
  type ReplicaProfile,
  type SimRequest,
  type SloSpec,
} from './model';
import { formatCount, SIMULATION_LIMITS } from './limits';

/**
 * What a scaling policy sees at each control tick.
 *
 * @public
 */
export interface Observation {
  /** Seconds since the start of the trace. */
  t: number;
  /** Seconds since the previous tick. */
  intervalSeconds: number;
  /** Replicas that exist and are not being removed (starting + ready). */
  replicas: number;
  ready: number;
  starting: number;
  /** Work utilisation of each ready replica over the interval (work done / capacity), 0..1. */
  readyUtilization: number[];
  /** Requests waiting for a batch slot. */
  waiting: number;
  /** Requests in flight on the replicas (prefill or decode). */
  inFlight: number;
  /** Replica-seconds of work waiting. */
  queuedWork: number;
  /** Replica-seconds of work that arrived during the interval. */
  arrivedWork: number;
  arrivedRequests: number;
  /** Sum of the squares of the arrived requests' work (replica-seconds²), for their variability. */
  arrivedWorkSquares: number;
}

/**
 * The load of a trace, per minute, in replica-equivalents (replica-seconds
 * of work arriving per second).
 *
 * @public
 */
export interface LoadSummary {
  perMinute: number[];
  peak: number;
  mean: number;
  /** Mean over the first five minutes. */
  initial: number;
  /** Last arrival, seconds (the last minute may be partial). */
  last?: number;
}

/**
 * A scaling policy: how many replicas to run.
 *
 * @public
 */
export interface ScalingPolicy {
  readonly name: string;
  /** Replicas at the start (the service is warm when the replay starts). */
  start(load: LoadSummary, profile: ReplicaProfile): number;
  /** The replica count wanted now (starting + ready). */
  decide(observation: Observation): number;
}

/**
 * Options of {@link simulate}.
 *
 * @public
 */
export interface SimulationOptions {
  profile: ReplicaProfile;
  policy: ScalingPolicy;
  /** Requests in arrival order; called once per pass (the simulator reads the trace twice). */
  requests: () => Iterable<SimRequest>;
  slo?: SloSpec;
  /** Simulation step, seconds (default 0.1). */
  stepSeconds?: number;
  /** Seconds between policy decisions (default 15, the HPA sync period). */
  controlSeconds?: number;
  /** Seconds the replay may run past the last arrival to finish in-flight requests (default 1,800). */
  maxDrainSeconds?: number;
  /** Carbon: PUE, annual grid intensity and optionally hourly intensity. */
  pue?: number;
  gCo2ePerKwh?: number;
  /** Hourly intensity by hour index since the start of the trace (gCO2e/kWh); missing → annual. */
  hourlyGCo2ePerKwh?: (hourIndex: number) => number | undefined;
  /** Record replicas per minute in the result (default false). */
  timeline?: boolean;
}

/**
 * The outcome of replaying a trace under one policy.
 *
 * @public
 */
export interface SimulationResult {
  policy: string;
  profile: string;
  /** Seconds of the trace (first to last arrival) the costs cover. */
  durationSeconds: number;
  requests: number;
  completed: number;
  inputTokens: number;
  outputTokens: number;
  gpuHours: number;
  cost: number;
  meanReplicas: number;
  maxReplicas: number;
  scaleUps: number;
  scaleDowns: number;
  energyKwh: number;
  carbon: {
    operationalKg: number;
    embodiedKg: number;
    totalKg: number;
    gCo2ePerMillionTokens: number;
  };
  costPerMillionTokens: number;
  slo: {
    windows: number;
    violatedWindows: number;
    /** Share of one-minute windows whose p95 TTFT or TPOT broke the objective. */
    violationRate: number;
    /** Share of requests that broke either objective (unfinished ones count). */
    requestViolationRate: number;
    p50TtftSeconds: number;
    p95TtftSeconds: number;
    p95TpotSeconds: number;
    p95LatencySeconds: number;
  };
  /** Replicas (starting + ready) at the end of each minute, when asked for. */
  timeline?: number[];
  /** Indices of the SLO windows that were violated, when a timeline is asked for. */
  violatedWindowIndices?: number[];
}

interface Req {
  arrival: number;
  input: number;
  output: number;
  work: number;
  prefillLeft: number;
  firstToken: number;
}

/** Min-heap of decode finish clocks. */
class FinishHeap {
  keys: number[] = [];
  vals: Req[] = [];
  get size() {
    return this.keys.length;
  }
  get min() {
    return this.keys[0];
  }
  push(key: number, val: Req) {
    const k = this.keys;
    const v = this.vals;
    let i = k.length;
    k.push(key);
    v.push(val);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (k[p] <= key) break;
      k[i] = k[p];
      v[i] = v[p];
      i = p;
    }
    k[i] = key;
    v[i] = val;
  }
  pop(): Req {
    const k = this.keys;
    const v = this.vals;
    const top = v[0];
    const lastK = k.pop()!;
    const lastV = v.pop()!;
    const n = k.length;
    if (n) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && k[r] < k[l] ? r : l;
        if (k[c] >= lastK) break;
        k[i] = k[c];
        v[i] = v[c];
        i = c;
      }
      k[i] = lastK;
      v[i] = lastV;
    }
    return top;
  }
}

interface Replica {
  readyAt: number;
  draining: boolean;
  prefill: Req[];
  prefillHead: number;
  decoding: FinishHeap;
  clock: number;
  /** Work done (replica-seconds) since the last control tick, and in this step. */
  workInterval: number;
  /** Prefill tokens not yet computed. */
  pendingPrefill: number;
}

/** Log-spaced histogram for latency percentiles (1 % bins from 1 ms). */
class LatencyHistogram {
  private readonly bins = new Float64Array(1400);
  private count = 0;
  add(seconds: number) {
    const i =
      seconds <= 0.001
        ? 0
        : Math.min(1399, Math.ceil(Math.log(seconds / 0.001) / Math.log(1.01)));
    this.bins[i]++;
    this.count++;
  }
  quantile(q: number): number {
    if (!this.count) return 0;
    const target = q * this.count;
    let sum = 0;
    for (let i = 0; i < this.bins.length; i++) {
      sum += this.bins[i];
      if (sum >= target) return 0.001 * 1.01 ** i;
    }
    return Infinity;
  }
}

/**
 * One pass over a trace: its per-minute load (replica-equivalents of the
 * profile), first and last arrival and request count.
 *
 * @public
 */
export function summarizeLoad(
  requests: Iterable<SimRequest>,
  profile: ReplicaProfile,
): LoadSummary & { first: number; last: number; count: number } {
  const perMinute: number[] = [];
  let first = Infinity;
  let last = -Infinity;
  let count = 0;
  for (const r of requests) {
    first = Math.min(first, r.arrival);
    last = Math.max(last, r.arrival);
    const m = Math.floor(r.arrival / 60);
    if (!(m >= 0 && m <= SIMULATION_LIMITS.maxSpanSeconds / 60)) {
      throw new RangeError(
        `a request arrives at ${
          r.arrival
        } s; arrivals must lie within ${formatCount(
          SIMULATION_LIMITS.maxSpanSeconds,
        )} s (366 days) of the start`,
      );
    }
    while (perMinute.length <= m) perMinute.push(0);
    perMinute[m] += requestWork(profile, r) / 60;
    count++;
  }
  if (!count) throw new RangeError('the trace has no requests');
  // A loop, not Math.max(...perMinute): a long trace has more minutes than
  // the call stack has room for arguments.
  let peak = 0;
  for (const v of perMinute) if (v > peak) peak = v;
  const mean = perMinute.reduce((a, b) => a + b, 0) / perMinute.length;
  const head = perMinute.slice(0, 5);
  return {
    perMinute,
    peak,
    mean,
    initial: head.reduce((a, b) => a + b, 0) / head.length,
    first,
    last,
    count,
  };
}

/**
 * Replays a request trace through a pool of replicas under a scaling policy.
 *
 * Time advances in fixed steps. Arrivals join one FIFO queue; a request is
 * admitted to the ready replica with the fewest requests in flight while it
 * has fewer than `maxBatch`. Each replica runs continuous batching with
 * chunked prefill (see {@link ReplicaProfile}); a request's time to first
 * token ends with its prefill, its time per output token is its decode time
 * over its remaining tokens. Every `controlSeconds` the policy sets the
 * replica count: new replicas serve after `startupSeconds`; removed ones stop
 * taking requests and leave when empty. Replicas are billed from creation to
 * removal over the trace's span; GPU power follows the GPU's idle→max curve
 * at each replica's work utilisation (idle while starting).
 *
 * @public
 */
export function simulate(options: SimulationOptions): SimulationResult {
  const p = options.profile;
  const slo = options.slo ?? DEFAULT_SLO;
  const dt = options.stepSeconds ?? 0.1;
  const { minStepSeconds, maxStepSeconds } = SIMULATION_LIMITS;
  if (!(dt >= minStepSeconds && dt <= maxStepSeconds)) {
    throw new RangeError(
      `step ${dt} s: from ${minStepSeconds} to ${maxStepSeconds} seconds`,
    );
  }
  const control = options.controlSeconds ?? 15;
  const maxDrain = options.maxDrainSeconds ?? 1800;
  const { t0, t1 } = iterationTiming(p);
  const curve: PowerCurve = powerCurveOf(p.gpuModel) ?? {
    idleWatts: 0,
    maxWatts: 0,
  };
  const pue = options.pue ?? 1.135;
  const annual = options.gCo2ePerKwh ?? 392.78;
  const tpotTarget = tpotObjective(p, slo);

  const load = summarizeLoad(options.requests(), p);
  const end = load.last;

  const replicas: Replica[] = [];
  const newReplica = (readyAt: number): Replica => ({
    readyAt,
    draining: false,
    prefill: [],
    prefillHead: 0,
    decoding: new FinishHeap(),
    clock: 0,
    workInterval: 0,
    pendingPrefill: 0,
  });
  const initial = Math.max(1, Math.round(options.policy.start(load, p)));
  for (let i = 0; i < initial; i++) replicas.push(newReplica(0));

  // Queue: array with a moving head.
  const queue: Req[] = [];
  let qHead = 0;
  let queuedWork = 0;

  // Accounting.
  const windows = new Map<number, { n: number; ttft: number; tpot: number }>();
  const ttftHist = new LatencyHistogram();
  const tpotHist = new LatencyHistogram();
  const e2eHist = new LatencyHistogram();
  let completed = 0;
  let violatedRequests = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  let replicaSeconds = 0;
  let maxReplicas = initial;
  let scaleUps = 0;
  let scaleDowns = 0;
  let joules = 0;
  let operationalGrams = 0;
  let hourJoules = 0;
  let hourIndex = 0;
  const timeline: number[] = [];

  const flushHour = () => {
    const intensity = options.hourlyGCo2ePerKwh?.(hourIndex);
    const g = Number.isFinite(intensity) ? intensity! : annual;
    operationalGrams += (hourJoules / 3.6e6) * pue * g;
    hourJoules = 0;
  };

  const ttftObjective = (r: Req) =>
    slo.ttftSeconds +
    (slo.ttftPrefillFactor * r.input) / p.prefillTokensPerSecond;
  const finish = (r: Req, now: number) => {
    completed++;
    const ttft = r.firstToken - r.arrival;
    const tpot = r.output > 1 ? (now - r.firstToken) / (r.output - 1) : 0;
    const ttftTarget = ttftObjective(r);
    const w = Math.floor(r.arrival / slo.windowSeconds);
    let win = windows.get(w);
    if (!win) {
      win = { n: 0, ttft: 0, tpot: 0 };
      windows.set(w, win);
    }
    win.n++;
    const badTtft = ttft > ttftTarget;
    const badTpot = tpot > tpotTarget;
    if (badTtft) win.ttft++;
    if (badTpot) win.tpot++;
    if (badTtft || badTpot) violatedRequests++;
    ttftHist.add(ttft);
    if (r.output > 1) tpotHist.add(tpot);
    e2eHist.add(now - r.arrival);
  };

  const advance = (rep: Replica, start: number): number => {
    let budget = dt;
    let now = start;
    let work = 0;
    const heap = rep.decoding;
    for (let guard = 0; budget > 1e-12 && guard < 100_000; guard++) {
      const n = heap.size;
      const hasPrefill = rep.prefillHead < rep.prefill.length;
      if (!hasPrefill && n === 0) break;
      const decodeTime = n > 0 ? t0 + t1 * n : 0;
      const chunk = hasPrefill ? p.prefillChunkTokens : 0;
      const iter = decodeTime + chunk / p.prefillTokensPerSecond;
      let k = budget / iter;
      if (n > 0) k = Math.min(k, heap.min - rep.clock);
      const head = hasPrefill ? rep.prefill[rep.prefillHead] : undefined;
      if (head) k = Math.min(k, head.prefillLeft / chunk);
      k = Math.max(0, k);
      const used = k * iter;
      budget -= used;
      now += used;
      if (n > 0) {
        rep.clock += k;
        work += (k * n) / p.decodeTokensPerSecond;
      }
      if (head) {
        head.prefillLeft -= k * chunk;
        rep.pendingPrefill = Math.max(0, rep.pendingPrefill - k * chunk);
        work += (k * chunk) / p.prefillTokensPerSecond;
      }
      while (heap.size && heap.min <= rep.clock + 1e-9) finish(heap.pop(), now);
      if (head && head.prefillLeft <= 1e-6) {
        head.firstToken = now;
        rep.prefillHead++;
        if (
          rep.prefillHead > 1024 &&
          rep.prefillHead * 2 > rep.prefill.length
        ) {
          rep.prefill = rep.prefill.slice(rep.prefillHead);
          rep.prefillHead = 0;
        }
        if (head.output > 1) heap.push(rep.clock + (head.output - 1), head);
        else finish(head, now);
      }
    }
    rep.workInterval += work;
    return work;
  };

  const inFlight = (rep: Replica) =>
    rep.prefill.length - rep.prefillHead + rep.decoding.size;

  const iterator = options.requests()[Symbol.iterator]();
  let next = iterator.next();
  let arrivedWork = 0;
  let arrivedRequests = 0;
  let arrivedWorkSquares = 0;
  let lastControl = 0;
  const liveCount = () => replicas.filter(r => !r.draining).length;

  const steps = Math.ceil((end + maxDrain) / dt);
  if (!(steps <= SIMULATION_LIMITS.maxSteps)) {
    throw new RangeError(
      `step ${dt} s: replaying ${formatCount(
        end + maxDrain,
      )} s (trace and drain) takes ${formatCount(
        steps,
      )} steps; at most ${formatCount(SIMULATION_LIMITS.maxSteps)}`,
    );
  }
  for (let step = 0; step <= steps; step++) {
    const t = step * dt;
    // Arrivals up to now.
    while (!next.done && next.value.arrival <= t) {
      const r = next.value;
      const work = requestWork(p, r);
      queue.push({
        arrival: r.arrival,
        input: r.inputTokens,
        output: Math.max(1, r.outputTokens),
        work,
        prefillLeft: Math.max(1, r.inputTokens),
        firstToken: NaN,
      });
      queuedWork += work;
      arrivedWork += work;
      arrivedRequests++;
      arrivedWorkSquares += work * work;
      inputTokens += r.inputTokens;
      outputTokens += r.outputTokens;
      next = iterator.next();
    }
    const busy = qHead < queue.length || replicas.some(r => inFlight(r) > 0);
    if (next.done && !busy) break;

    // Policy.
    if (step > 0 && t - lastControl >= control - 1e-9) {
      const live = replicas.filter(r => !r.draining);
      const ready = live.filter(r => r.readyAt <= t);
      const interval = t - lastControl;
      const observation: Observation = {
        t,
        intervalSeconds: interval,
        replicas: live.length,
        ready: ready.length,
        starting: live.length - ready.length,
        readyUtilization: ready.map(r =>
          Math.min(1, r.workInterval / interval),
        ),
        waiting: queue.length - qHead,
        inFlight: replicas.reduce((a, r) => a + inFlight(r), 0),
        queuedWork,
        arrivedWork,
        arrivedRequests,
        arrivedWorkSquares,
      };
      for (const r of replicas) r.workInterval = 0;
      arrivedWork = 0;
      arrivedRequests = 0;
      arrivedWorkSquares = 0;
      lastControl = t;
      const desired = Math.max(
        1,
        Math.round(options.policy.decide(observation)),
      );
      if (desired > live.length) {
        scaleUps++;
        for (let i = live.length; i < desired; i++) {
          replicas.push(newReplica(t + p.startupSeconds));
        }
      } else if (desired < live.length) {
        scaleDowns++;
        // Cancel starting replicas first, then drain the least busy.
        let remove = live.length - desired;
        const starting = live
          .filter(r => r.readyAt > t)
          .sort((a, b) => b.readyAt - a.readyAt);
        for (const r of starting) {
          if (!remove) break;
          replicas.splice(replicas.indexOf(r), 1);
          remove--;
        }
        const readyNow = live
          .filter(r => r.readyAt <= t)
          .sort((a, b) => inFlight(a) - inFlight(b));
        for (const r of readyNow) {
          if (!remove) break;
          r.draining = true;
          remove--;
        }
      }
      maxReplicas = Math.max(maxReplicas, liveCount());
    }

    // Admission: FIFO to the ready replica with a free slot and the least
    // prefill waiting (then the fewest requests in flight), as load-aware
    // LLM routers do.
    if (qHead < queue.length) {
      const open = replicas.filter(r => !r.draining && r.readyAt <= t);
      while (qHead < queue.length && open.length) {
        let best: Replica | undefined;
        let bestLoad = Infinity;
        for (const r of open) {
          const f = inFlight(r);
          if (f >= p.maxBatch) continue;
          const score = r.pendingPrefill * 1e3 + f;
          if (score < bestLoad) {
            best = r;
            bestLoad = score;
          }
        }
        if (!best) break;
        const req = queue[qHead++];
        queuedWork -= req.work;
        best.prefill.push(req);
        best.pendingPrefill += req.prefillLeft;
      }
      if (qHead > 4096 && qHead * 2 > queue.length) {
        queue.splice(0, qHead);
        qHead = 0;
      }
    }

    // Serve, bill and meter.
    const billed = t < end;
    for (let i = replicas.length - 1; i >= 0; i--) {
      const rep = replicas[i];
      let utilization = 0;
      if (rep.readyAt <= t) utilization = Math.min(1, advance(rep, t) / dt);
      if (billed) {
        const stepSeconds = Math.min(dt, end - t);
        replicaSeconds += stepSeconds;
        const watts = p.gpusPerReplica * powerAt(curve, utilization);
        joules += watts * stepSeconds;
        const h = Math.floor(t / 3600);
        if (h !== hourIndex) {
          flushHour();
          hourIndex = h;
        }
        hourJoules += watts * stepSeconds;
      }
      if (rep.draining && inFlight(rep) === 0) replicas.splice(i, 1);
    }
    if (
      options.timeline &&
      Math.floor((t + dt) / 60) > Math.floor(t / 60) &&
      t < end
    ) {
      timeline.push(liveCount());
    }
  }
  flushHour();

  // Requests that never finished count as violations.
  const unfinished = load.count - completed;
  violatedRequests += unfinished;
  for (const rep of replicas) {
    for (let i = rep.prefillHead; i < rep.prefill.length; i++)
      markUnfinished(rep.prefill[i]);
    for (const r of rep.decoding.vals) markUnfinished(r);
  }
  for (let i = qHead; i < queue.length; i++) markUnfinished(queue[i]);
  function markUnfinished(r: Req) {
    const w = Math.floor(r.arrival / slo.windowSeconds);
    const win = windows.get(w) ?? { n: 0, ttft: 0, tpot: 0 };
    win.n++;
    win.ttft++;
    windows.set(w, win);
  }

  let violatedWindows = 0;
  const violatedIndices: number[] = [];
  for (const [index, win] of windows) {
    // p95 ≤ objective ⇔ at most 5 % of the window's requests break it.
    if (win.ttft > 0.05 * win.n || win.tpot > 0.05 * win.n) {
      violatedWindows++;
      violatedIndices.push(index);
    }
  }
  const gpuHours = (replicaSeconds * p.gpusPerReplica) / 3600;
  const cost = gpuHours * p.usdPerGpuHour;
  const embodiedGrams = gpuHours * embodiedGramsPerGpuHour(p.gpuModel);
  const tokens = inputTokens + outputTokens;
  const totalGrams = operationalGrams + embodiedGrams;
  return {
    policy: options.policy.name,
    profile: p.name,
    durationSeconds: end,
    requests: load.count,
    completed,
    inputTokens,
    outputTokens,
    gpuHours,
    cost,
    meanReplicas: end > 0 ? replicaSeconds / end : 0,
    maxReplicas,
    scaleUps,
    scaleDowns,
    energyKwh: joules / 3.6e6,
    carbon: {
      operationalKg: operationalGrams / 1000,
      embodiedKg: embodiedGrams / 1000,
      totalKg: totalGrams / 1000,
      gCo2ePerMillionTokens: tokens ? totalGrams / (tokens / 1e6) : 0,
    },
    costPerMillionTokens: tokens ? cost / (tokens / 1e6) : 0,
    slo: {
      windows: windows.size,
      violatedWindows,
      violationRate: windows.size ? violatedWindows / windows.size : 0,
      requestViolationRate: load.count ? violatedRequests / load.count : 0,
      p50TtftSeconds: ttftHist.quantile(0.5),
      p95TtftSeconds: ttftHist.quantile(0.95),
      p95TpotSeconds: tpotHist.quantile(0.95),
      p95LatencySeconds: e2eHist.quantile(0.95),
    },
    ...(options.timeline
      ? {
          timeline,
          violatedWindowIndices: violatedIndices.sort((a, b) => a - b),
        }
      : {}),
  };
}
