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

import { formatCount, SIMULATION_LIMITS } from './limits';
import { forecast, type ForecastResult } from '../forecast/forecast';
import { HpaController, type HpaMetricInput } from '../economics/scaling';
import type { ReplicaProfile } from './model';
import type { LoadSummary, Observation, ScalingPolicy } from './simulate';

/**
 * Static provisioning for the peak: the replicas the trace's busiest minute
 * needs at the target utilisation, all the time.
 *
 * @public
 */
export class StaticPeakPolicy implements ScalingPolicy {
  readonly name = 'static-peak';
  private replicas = 1;

  constructor(private readonly targetUtilization = 0.7) {}

  start(load: LoadSummary): number {
    this.replicas = Math.max(
      1,
      Math.ceil(load.peak / this.targetUtilization - 1e-9),
    );
    return this.replicas;
  }

  decide(): number {
    return this.replicas;
  }
}

/**
 * Options of {@link ReactiveHpaPolicy}.
 *
 * @public
 */
export interface ReactiveHpaOptions {
  /** Target work utilisation per pod (the CPU-utilisation analogue; default 0.7). */
  targetUtilization?: number;
  /**
   * Target requests in flight per pod, running + waiting (a KEDA trigger on
   * vllm:num_requests_running + vllm:num_requests_waiting, an AverageValue
   * external metric; default 0.7 × maxBatch; 0 disables).
   */
  targetConcurrencyPerPod?: number;
  minReplicas?: number;
  maxReplicas?: number;
  scaleDownStabilizationSeconds?: number;
}

/**
 * Reactive autoscaling with the Kubernetes HPA algorithm (see
 * `HpaController` in finops-common): a utilisation metric per ready pod
 * (starting pods count 0 on scale-up) and a queue-length metric per pod,
 * the larger proposal winning, 300 s scale-down stabilisation and the
 * default rate limits.
 *
 * @public
 */
export class ReactiveHpaPolicy implements ScalingPolicy {
  readonly name = 'reactive-hpa';
  private readonly controller: HpaController;
  private readonly target: number;
  private concurrencyTarget = 0;

  constructor(private readonly options: ReactiveHpaOptions = {}) {
    this.target = options.targetUtilization ?? 0.7;
    this.controller = new HpaController({
      minReplicas: options.minReplicas ?? 1,
      maxReplicas: options.maxReplicas ?? 1000,
      scaleDownStabilizationSeconds:
        options.scaleDownStabilizationSeconds ?? 300,
    });
  }

  start(load: LoadSummary, profile: ReplicaProfile): number {
    this.concurrencyTarget =
      this.options.targetConcurrencyPerPod ?? this.target * profile.maxBatch;
    return Math.max(1, Math.ceil(load.initial / this.target - 1e-9));
  }

  decide(o: Observation): number {
    const metrics: HpaMetricInput[] = [
      {
        readyPodValues: o.readyUtilization,
        target: this.target,
        unreadyPods: o.starting,
      },
    ];
    if (this.concurrencyTarget > 0 && o.replicas > 0) {
      // An external metric with an AverageValue target: the total over the
      // current replicas.
      const total = o.inFlight + o.waiting;
      metrics.push({
        readyPodValues: Array(o.replicas).fill(total / o.replicas),
        target: this.concurrencyTarget,
      });
    }
    return this.controller.sync(o.t, o.replicas, metrics);
  }
}

/**
 * Options of {@link PredictivePolicy}.
 *
 * @public
 */
export interface PredictiveOptions {
  /** Utilisation to provision the forecast load at (default 0.9). */
  targetUtilization?: number;
  /**
   * Short-term variability headroom: replicas for `burstZ` standard
   * deviations of the 15-s load around its minute mean (default 1).
   */
  burstZ?: number;
  /** Minutes of 15-s deviations remembered for that (default 120). */
  burstMemoryMinutes?: number;
  /** Utilisation used before the first forecast, as a reactive autoscaler would (default 0.7). */
  warmUpUtilization?: number;
  /** Step of the load series the forecast sees, seconds (default 60). */
  forecastStepSeconds?: number;
  /** Seconds between refits (default one forecast step). */
  refitSeconds?: number;
  /** Forecast steps (default: enough to cover start-up plus one control period, at least 2). */
  horizon?: number;
  /** Load (replica-equivalents) per forecast step before the replay starts, oldest first. */
  history?: number[];
  /** Seconds a lower replica count must persist before scaling down (default 60). */
  scaleDownDelaySeconds?: number;
  /** Scale down only to a count that keeps this share of slack (default 0.1, HPA's tolerance). */
  tolerance?: number;
  /** Queued work is drained within this many seconds by extra replicas (default 60). */
  drainSeconds?: number;
  /** Seconds of observed load the reactive floor averages (default 60). */
  observeSeconds?: number;
  /** Forecast steps of history kept for fitting (default 2,400). */
  maxHistory?: number;
  /** Forecast interval level (default 0.8). */
  level?: number;
}

/**
 * Forecast-driven scaling. The engine's ensemble forecast of the load
 * (replica-equivalents per step, refitted every step as the replay goes)
 * gives the highest upper bound of its 80 % interval over the next start-up
 * + control period; the load observed over the last minute is a floor (a
 * forecast miss is caught as a reactive autoscaler would). Forecasts are of
 * means, and traffic moves within a minute, so the policy adds `burstZ`
 * standard deviations of the 15-s load around its minute mean (measured
 * causally over the last two hours), then provisions at the target
 * utilisation; queued work adds replicas to drain it within a minute.
 * Scale-down waits 60 s instead of HPA's 300 s because the forecast already
 * covers the time a new replica takes to start. Before it can forecast
 * (8 steps of history) it provisions at the warm-up utilisation and never
 * scales down.
 *
 * @public
 */
export class PredictivePolicy implements ScalingPolicy {
  readonly name = 'predictive';
  private readonly target: number;
  private readonly step: number;
  private readonly refit: number;
  private readonly level: number;
  private horizon = 2;
  private lead = 0;
  private readonly history: number[];
  /** Steps of history before the replay. */
  private readonly offset: number;
  private bucket = 0;
  private bucketEnd: number;
  private lastFit = -Infinity;
  private fit?: { startStep: number; result: ForecastResult };
  private readonly recent: Array<{ t: number; work: number; seconds: number }> =
    [];
  private readonly proposals: Array<{ t: number; replicas: number }> = [];
  private minute = { index: 0, work: 0, seconds: 0, loads: [] as number[] };
  private readonly deviations: number[] = [];
  /** Forecasts made, for reporting. */
  fits = 0;

  constructor(private readonly options: PredictiveOptions = {}) {
    this.target = options.targetUtilization ?? 0.9;
    this.step = options.forecastStepSeconds ?? 60;
    this.refit = options.refitSeconds ?? this.step;
    this.level = options.level ?? 0.8;
    this.history = [...(options.history ?? [])];
    this.offset = this.history.length;
    this.bucketEnd = this.step;
  }

  start(load: LoadSummary, profile: ReplicaProfile): number {
    const fits = Math.ceil((load.perMinute.length * 60) / this.refit);
    if (fits > SIMULATION_LIMITS.maxForecastFits) {
      throw new RangeError(
        `predictive policy: a trace of ${(load.perMinute.length / 1440).toFixed(
          1,
        )} days refits its forecast about ${formatCount(fits)} times (every ${
          this.refit
        } s); at most ${formatCount(SIMULATION_LIMITS.maxForecastFits)}`,
      );
    }
    this.lead = profile.startupSeconds + 15;
    this.horizon = Math.max(
      2,
      this.options.horizon ?? Math.ceil(this.lead / this.step) + 1,
    );
    this.fitNow(0);
    if (this.fit) {
      return Math.max(
        1,
        Math.ceil(
          Math.max(load.initial, this.predicted(0)) / this.target - 1e-9,
        ),
      );
    }
    const warmUp = this.options.warmUpUtilization ?? 0.7;
    return Math.max(1, Math.ceil(load.initial / warmUp - 1e-9));
  }

  private fitNow(t: number) {
    const maxHistory = this.options.maxHistory ?? 2400;
    const h = this.history.slice(-maxHistory);
    if (h.length < 8) return;
    this.fit = {
      startStep: this.history.length,
      result: forecast(h, {
        horizon: this.horizon,
        stepMs: this.step * 1000,
        level: this.level,
        nonNegative: true,
      }),
    };
    this.lastFit = t;
    this.fits++;
  }

  /** Highest upper bound over (t, t + lead], replica-equivalents. */
  private predicted(t: number): number {
    if (!this.fit) return 0;
    const first = this.offset + Math.floor(t / this.step);
    const last = this.offset + Math.floor((t + this.lead) / this.step);
    const u = this.fit.result.upper;
    let best = 0;
    for (let s = first; s <= last; s++) {
      const j = s - this.fit.startStep;
      best = Math.max(best, u[Math.min(u.length - 1, Math.max(0, j))]);
    }
    return best;
  }

  /** Remembers the 15-s loads' deviations from their minute's mean. */
  private observeVariability(o: Observation) {
    const index = Math.floor((o.t - 1e-9) / 60);
    if (index !== this.minute.index) {
      const m = this.minute;
      if (m.seconds > 0) {
        const mean = m.work / m.seconds;
        for (const l of m.loads) this.deviations.push(l - mean);
        const keep = (this.options.burstMemoryMinutes ?? 120) * 4;
        if (this.deviations.length > keep)
          this.deviations.splice(0, this.deviations.length - keep);
      }
      this.minute = { index, work: 0, seconds: 0, loads: [] };
    }
    this.minute.work += o.arrivedWork;
    this.minute.seconds += o.intervalSeconds;
    this.minute.loads.push(o.arrivedWork / o.intervalSeconds);
  }

  private sigma(): number {
    if (!this.deviations.length) return 0;
    return Math.sqrt(
      this.deviations.reduce((a, d) => a + d * d, 0) / this.deviations.length,
    );
  }

  decide(o: Observation): number {
    // Load series for the forecast.
    this.bucket += o.arrivedWork;
    while (o.t >= this.bucketEnd - 1e-9) {
      this.history.push(this.bucket / this.step);
      this.bucket = 0;
      this.bucketEnd += this.step;
    }
    if (o.t - this.lastFit >= this.refit - 1e-9) this.fitNow(o.t);
    this.observeVariability(o);

    // Reactive floor: the load of the last minute.
    this.recent.push({
      t: o.t,
      work: o.arrivedWork,
      seconds: o.intervalSeconds,
    });
    const window = this.options.observeSeconds ?? 60;
    while (this.recent.length && this.recent[0].t <= o.t - window)
      this.recent.shift();
    const seconds = this.recent.reduce((a, r) => a + r.seconds, 0);
    const observed = seconds
      ? this.recent.reduce((a, r) => a + r.work, 0) / seconds
      : 0;
    const drain = o.queuedWork / (this.options.drainSeconds ?? 60);

    if (!this.fit) {
      const warmUp = this.options.warmUpUtilization ?? 0.7;
      return Math.max(o.replicas, Math.ceil(observed / warmUp + drain - 1e-9));
    }
    const z = this.options.burstZ ?? 1;
    const need =
      (Math.max(this.predicted(o.t), observed) + z * this.sigma()) /
        this.target +
      drain;
    const proposal = Math.max(1, Math.ceil(need - 1e-9));
    if (proposal >= o.replicas) {
      this.proposals.push({ t: o.t, replicas: proposal });
      return proposal;
    }
    // Scale down with hysteresis (the lower count must keep the tolerance
    // as slack) and only after it has held for the delay.
    const tolerance = this.options.tolerance ?? 0.1;
    const lower = Math.max(1, Math.ceil(need * (1 + tolerance) - 1e-9));
    const delay = this.options.scaleDownDelaySeconds ?? 60;
    this.proposals.push({ t: o.t, replicas: lower });
    while (this.proposals.length && this.proposals[0].t < o.t - delay) {
      this.proposals.shift();
    }
    const held = Math.max(...this.proposals.map(r => r.replicas));
    return Math.min(o.replicas, held);
  }
}
