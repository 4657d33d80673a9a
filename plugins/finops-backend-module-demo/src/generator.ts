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

import type {
  CostCategory,
  FactDimensions,
  UsageMetric,
} from '@ai-finops/backstage-plugin-finops-common';
import type {
  FinopsRecord,
  FinopsWindow,
} from '@ai-finops/backstage-plugin-finops-node';
import {
  CPU_MEMORY_RATES,
  DAY_OF_WEEK_PROFILE,
  GPU_CALIBRATION,
  HOUR_OF_DAY_PROFILE,
  STORAGE_NETWORK_RATES,
  gpuPowerWatts,
} from './calibration';
import { gaussian, hashInts, hashString, randomFor } from './random';
import { DEMO_SERVICES, type DemoService } from './services';

// Math functions as module constants: global lookups are slow inside the
// vm contexts that test runners use, and this code runs per record.
const { round, min, max, floor, ceil, exp, sin, PI } = Math;

const HOUR_MS = 3_600_000;

/** 1970-01-01 was a Thursday; weekdays count from Sunday = 0. */
const EPOCH_WEEKDAY = 4;

/** The recurring anomaly: a 2-day request spike on one service every 19 days. */
const ANOMALY_PERIOD_DAYS = 19;
const ANOMALY_LENGTH_DAYS = 2;
const ANOMALY_FACTOR = 3;

/** Noise: log-normal sigma of the hour-to-hour and day-to-day variation. */
const HOUR_NOISE_SIGMA = 0.07;
const DAY_NOISE_SIGMA = 0.05;

// Streams of the seeded generator, so that draws for different purposes
// never share a key.
const STREAM_DAY = 1;
const STREAM_HOUR = 2;
const STREAM_DRIFT = 3;
const STREAM_ANOMALY = 4;
const STREAM_ROTATION = 5;
const STREAM_MEASURE = 6;

const CURRENCY = 'USD';

/**
 * One occurrence of the demo's deliberate anomaly.
 *
 * @public
 */
export interface DemoAnomaly {
  /** The affected service (its `DEMO_SERVICES` id). */
  serviceId: string;
  /** First hour of the spike (UTC midnight). */
  start: Date;
  /** End of the spike, exclusive. */
  end: Date;
  /** Multiplier applied to the service's request rate. */
  factor: number;
}

interface PreparedService {
  service: DemoService;
  key: number;
  driftPhases: [number, number];
  mainDims: FactDimensions;
  sidecarDims?: FactDimensions;
  billingDims: Array<{
    dims: FactDimensions;
    gib: number;
    category: CostCategory;
  }>;
}

interface Context {
  seed: number;
  services: PreparedService[];
  byId: Map<string, number>;
  anomalyOffset: number;
  anomalyRotation: string[];
}

const contexts = new Map<number, Context>();

function mod(value: number, modulus: number): number {
  return ((value % modulus) + modulus) % modulus;
}

function roundTo(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return round(value * f) / f;
}

function freezeDims(dims: FactDimensions): FactDimensions {
  for (const key of Object.keys(dims) as Array<keyof FactDimensions>) {
    if (dims[key] === undefined) {
      delete dims[key];
    }
  }
  return dims;
}

function prepare(seed: number): Context {
  const cached = contexts.get(seed);
  if (cached) {
    return cached;
  }
  const services = DEMO_SERVICES.map(service => {
    const key = hashString(service.id);
    const drift = randomFor(seed, key, STREAM_DRIFT);
    return {
      service,
      key,
      driftPhases: [drift(), drift()] as [number, number],
      mainDims: freezeDims({
        kubernetesId: service.kubernetesId,
        namespace: service.main.namespace,
        workload: service.main.workload,
        labels: service.main.labels,
        region: service.region,
        gpuModel: service.gpu?.model,
      }),
      sidecarDims: service.sidecar
        ? freezeDims({
            kubernetesId: service.kubernetesId,
            namespace: service.sidecar.namespace,
            workload: service.sidecar.workload,
            labels: service.sidecar.labels,
            region: service.region,
          })
        : undefined,
      billingDims: (service.billing ?? []).map(line => ({
        dims: freezeDims({
          workload: line.resource,
          tags: line.tags,
          region: service.region,
        }),
        gib: line.gib,
        category: line.category,
      })),
    };
  });
  const rotation = DEMO_SERVICES.filter(s => s.anomalyCandidate).map(s => s.id);
  const shuffle = randomFor(seed, STREAM_ROTATION);
  for (let i = rotation.length - 1; i > 0; i--) {
    const j = floor(shuffle() * (i + 1));
    [rotation[i], rotation[j]] = [rotation[j], rotation[i]];
  }
  const context: Context = {
    seed,
    services,
    byId: new Map(services.map((s, i) => [s.service.id, i])),
    anomalyOffset: hashInts(seed, STREAM_ANOMALY) % ANOMALY_PERIOD_DAYS,
    anomalyRotation: rotation,
  };
  contexts.set(seed, context);
  return context;
}

/** The service whose requests spike on a UTC day, if any. */
function anomalousServiceOn(context: Context, day: number): string | undefined {
  const shifted = day - context.anomalyOffset;
  if (mod(shifted, ANOMALY_PERIOD_DAYS) >= ANOMALY_LENGTH_DAYS) {
    return undefined;
  }
  const occurrence = floor(shifted / ANOMALY_PERIOD_DAYS);
  const rotation = context.anomalyRotation;
  return rotation[mod(occurrence, rotation.length)];
}

/** Requests per hour of a cycle-driven service, before anomalies. */
function cycleDemand(
  context: Context,
  prepared: PreparedService,
  hour: number,
): number {
  const { service, key, driftPhases } = prepared;
  if (service.demand.kind !== 'cycle') {
    throw new Error(`Service ${service.id} has no demand cycle`);
  }
  const { meanRequestsPerHour, dailyStrength, weeklyStrength } = service.demand;
  const localHour = hour + service.utcOffsetHours;
  const hourOfDay = mod(localHour, 24);
  const weekday = mod(floor(localHour / 24) + EPOCH_WEEKDAY, 7);
  const daily = max(
    0.05,
    1 + dailyStrength * (HOUR_OF_DAY_PROFILE[hourOfDay] - 1),
  );
  const weekly = max(
    0.05,
    1 + weeklyStrength * (DAY_OF_WEEK_PROFILE[weekday] - 1),
  );

  const day = floor(hour / 24);
  const drift =
    1 +
    0.06 * sin(2 * PI * (day / 37 + driftPhases[0])) +
    0.03 * sin(2 * PI * (day / 11 + driftPhases[1]));
  const dayNoise = exp(
    DAY_NOISE_SIGMA * gaussian(randomFor(context.seed, key, day, STREAM_DAY)) -
      DAY_NOISE_SIGMA ** 2 / 2,
  );
  const hourNoise = exp(
    HOUR_NOISE_SIGMA *
      gaussian(randomFor(context.seed, key, hour, STREAM_HOUR)) -
      HOUR_NOISE_SIGMA ** 2 / 2,
  );
  return meanRequestsPerHour * daily * weekly * drift * dayNoise * hourNoise;
}

/** Requests per hour of every service, anomalies included. */
function demands(context: Context, hour: number): number[] {
  const anomalous = anomalousServiceOn(context, floor(hour / 24));
  const result = context.services.map(prepared => {
    if (prepared.service.demand.kind !== 'cycle') {
      return 0;
    }
    const factor = prepared.service.id === anomalous ? ANOMALY_FACTOR : 1;
    return cycleDemand(context, prepared, hour) * factor;
  });
  context.services.forEach((prepared, i) => {
    const demand = prepared.service.demand;
    if (demand.kind === 'sum') {
      let total = 0;
      for (const id of demand.of) {
        total += result[context.byId.get(id)!];
      }
      result[i] = total * (1 + demand.overhead);
    }
  });
  return result;
}

function replicasFor(
  requests: number,
  perReplica: number,
  target: number,
  minReplicas: number,
  maxReplicas: number,
): number {
  return min(
    maxReplicas,
    max(minReplicas, ceil(requests / (perReplica * target))),
  );
}

type Emit = (record: FinopsRecord) => void;

/**
 * Copies the dimensions onto a record, always in the same order, so that
 * records share hidden classes (object spread is several times slower here).
 */
function withDims<T extends object>(
  record: T,
  dims: FactDimensions,
): T & FactDimensions {
  const r = record as T & FactDimensions;
  if (dims.kubernetesId !== undefined) r.kubernetesId = dims.kubernetesId;
  if (dims.namespace !== undefined) r.namespace = dims.namespace;
  if (dims.workload !== undefined) r.workload = dims.workload;
  if (dims.labels !== undefined) r.labels = dims.labels;
  if (dims.tags !== undefined) r.tags = dims.tags;
  if (dims.region !== undefined) r.region = dims.region;
  if (dims.gpuModel !== undefined) r.gpuModel = dims.gpuModel;
  return r;
}

function emitUsage(
  emit: Emit,
  hourIso: string,
  dims: FactDimensions,
  metric: UsageMetric,
  value: number,
) {
  emit(
    withDims({ type: 'usage' as const, hour: hourIso, metric, value }, dims),
  );
}

function emitCost(
  emit: Emit,
  hourIso: string,
  dims: FactDimensions,
  category: CostCategory,
  listCost: number,
  commitment: DemoService['commitment'] | undefined,
) {
  let effectiveCost = listCost;
  let billedCost = listCost;
  if (commitment && commitment.kind !== 'on-demand') {
    effectiveCost = listCost * (1 - commitment.discount);
    billedCost =
      commitment.kind === 'reserved'
        ? effectiveCost * (1 - commitment.upfrontShare)
        : effectiveCost;
  }
  emit(
    withDims(
      {
        type: 'cost' as const,
        hour: hourIso,
        category,
        billedCost: roundTo(billedCost, 6),
        effectiveCost: roundTo(effectiveCost, 6),
        listCost: roundTo(listCost, 6),
        currency: CURRENCY,
      },
      dims,
    ),
  );
}

/**
 * The core-hours and GiB-hours of `replicas` pods of one shape, and their
 * CPU and memory cost.
 */
function emitCpuAndMemory(
  emit: Emit,
  hourIso: string,
  dims: FactDimensions,
  options: {
    replicas: number;
    pod: { coresPerReplica: number; memoryGibPerReplica: number };
    rates: { perVcpuHour: number; perGibHour: number };
    commitment: DemoService['commitment'] | undefined;
  },
) {
  const { replicas, pod, rates, commitment } = options;
  const coreHours = replicas * pod.coresPerReplica;
  const gibHours = replicas * pod.memoryGibPerReplica;
  emitUsage(emit, hourIso, dims, 'cpu_core_hours', coreHours);
  emitUsage(emit, hourIso, dims, 'memory_gib_hours', gibHours);
  emitCost(
    emit,
    hourIso,
    dims,
    'cpu',
    coreHours * rates.perVcpuHour,
    commitment,
  );
  emitCost(
    emit,
    hourIso,
    dims,
    'memory',
    gibHours * rates.perGibHour,
    commitment,
  );
}

function generateHour(context: Context, hour: number, emit: Emit): void {
  const hourIso = new Date(hour * HOUR_MS).toISOString();
  const requestRates = demands(context, hour);

  context.services.forEach((prepared, index) => {
    const { service, mainDims } = prepared;
    const { scaling } = service;
    const measure = randomFor(context.seed, prepared.key, hour, STREAM_MEASURE);
    const noise = [
      gaussian(measure),
      gaussian(measure),
      gaussian(measure),
      gaussian(measure),
    ];

    const demand = requestRates[index];
    const replicas = replicasFor(
      demand,
      scaling.requestsPerReplicaHour,
      scaling.targetUtilization,
      scaling.minReplicas,
      scaling.maxReplicas,
    );
    const requests = round(demand);
    const load = demand / (replicas * scaling.requestsPerReplicaHour);
    const cpuRates = CPU_MEMORY_RATES[service.region];
    const storageNetwork = STORAGE_NETWORK_RATES[service.provider];

    if (service.gpu) {
      const calibration = GPU_CALIBRATION[service.gpu.model];
      const gpuHours = replicas * service.gpu.gpusPerReplica;
      const utilization = roundTo(
        min(0.97, max(0.005, load * (1 + 0.03 * noise[0]))),
        4,
      );
      const watts = roundTo(
        min(
          calibration.maxWatts,
          max(
            calibration.idleWatts,
            gpuPowerWatts(service.gpu.model, utilization) *
              (1 + 0.01 * noise[1]),
          ),
        ),
        2,
      );
      emitUsage(emit, hourIso, mainDims, 'gpu_hours', gpuHours);
      emitUsage(emit, hourIso, mainDims, 'gpu_utilization', utilization);
      emitUsage(emit, hourIso, mainDims, 'gpu_power_watts', watts);
      emitUsage(
        emit,
        hourIso,
        mainDims,
        'gpu_energy_kwh',
        roundTo((gpuHours * watts) / 1000, 6),
      );
      emitCost(
        emit,
        hourIso,
        mainDims,
        'gpu',
        gpuHours * calibration.pricePerGpuHour,
        service.commitment,
      );
    }
    if (service.cpu) {
      emitCpuAndMemory(emit, hourIso, mainDims, {
        replicas,
        pod: service.cpu,
        rates: cpuRates,
        commitment: service.commitment,
      });
    }

    const tokens = service.tokensPerRequest;
    if (tokens) {
      emitUsage(emit, hourIso, mainDims, 'requests', requests);
      if (tokens.input) {
        emitUsage(
          emit,
          hourIso,
          mainDims,
          'tokens_input',
          round(requests * tokens.input * (1 + 0.04 * noise[2])),
        );
      }
      if (tokens.output) {
        emitUsage(
          emit,
          hourIso,
          mainDims,
          'tokens_output',
          round(requests * tokens.output * (1 + 0.04 * noise[3])),
        );
      }
    } else if (service.cpu) {
      emitUsage(emit, hourIso, mainDims, 'requests', requests);
    }

    if (service.storageGibPerReplica) {
      const gib = replicas * service.storageGibPerReplica;
      emitCost(
        emit,
        hourIso,
        mainDims,
        'storage',
        gib * storageNetwork.storagePerGibHour,
        undefined,
      );
    }
    if (service.network) {
      const gib = (requests * service.network.kibPerRequest) / (1024 * 1024);
      const rate =
        service.network.to === 'internet'
          ? storageNetwork.internetEgressPerGib
          : storageNetwork.zoneEgressPerGib;
      emitCost(emit, hourIso, mainDims, 'network', gib * rate, undefined);
    }

    const sidecar = service.sidecar;
    if (sidecar && prepared.sidecarDims) {
      const sidecarReplicas = max(
        sidecar.minReplicas,
        ceil(demand / sidecar.requestsPerReplicaHour),
      );
      emitCpuAndMemory(emit, hourIso, prepared.sidecarDims, {
        replicas: sidecarReplicas,
        pod: sidecar,
        rates: cpuRates,
        commitment: service.commitment,
      });
    }

    for (const line of prepared.billingDims) {
      const rate =
        line.category === 'storage'
          ? storageNetwork.storagePerGibHour
          : storageNetwork.internetEgressPerGib;
      emitCost(
        emit,
        hourIso,
        line.dims,
        line.category,
        line.gib * rate,
        undefined,
      );
    }
  });
}

/** The whole hours `[first, end)` of a window, as hour indexes since the epoch. */
export function windowHours(window: FinopsWindow): {
  first: number;
  end: number;
} {
  return {
    first: ceil(window.start.getTime() / HOUR_MS),
    end: ceil(window.end.getTime() / HOUR_MS),
  };
}

/**
 * Generates the demo records of one hour, given as hours since the Unix epoch.
 *
 * @internal
 */
export function generateDemoHour(
  seed: number,
  hour: number,
  emit: (record: FinopsRecord) => void,
): void {
  generateHour(prepare(seed), hour, emit);
}

/**
 * Generates the demo records whose hour lies in `[window.start, window.end)`,
 * ordered by hour. A pure function of the seed and the window: an hour always
 * gives the same records.
 *
 * @public
 */
export function generateDemoRecords(options: {
  seed: number;
  window: FinopsWindow;
}): FinopsRecord[] {
  const context = prepare(options.seed);
  const { first, end } = windowHours(options.window);
  const records: FinopsRecord[] = [];
  const emit = (record: FinopsRecord) => {
    records.push(record);
  };
  for (let hour = first; hour < end; hour++) {
    generateHour(context, hour, emit);
  }
  return records;
}

/**
 * The occurrences of the demo's deliberate anomaly that overlap a window: a
 * 2-day, 3× request spike on one service, recurring every 19 days and
 * rotating over the GPU services, so that the last three weeks always hold
 * one and no service spikes twice within 90 days.
 *
 * @public
 */
export function findDemoAnomalies(options: {
  seed: number;
  window: FinopsWindow;
}): DemoAnomaly[] {
  const context = prepare(options.seed);
  const { first, end } = windowHours(options.window);
  const anomalies: DemoAnomaly[] = [];
  const firstDay = floor(first / 24) - ANOMALY_LENGTH_DAYS;
  const lastDay = floor((end - 1) / 24);
  for (let day = firstDay; day <= lastDay; day++) {
    const serviceId = anomalousServiceOn(context, day);
    const startsHere =
      serviceId !== undefined &&
      mod(day - context.anomalyOffset, ANOMALY_PERIOD_DAYS) === 0;
    if (!startsHere) {
      continue;
    }
    const start = day * 24;
    const stop = start + ANOMALY_LENGTH_DAYS * 24;
    if (stop > first && start < end) {
      anomalies.push({
        serviceId,
        start: new Date(start * HOUR_MS),
        end: new Date(stop * HOUR_MS),
        factor: ANOMALY_FACTOR,
      });
    }
  }
  return anomalies;
}
