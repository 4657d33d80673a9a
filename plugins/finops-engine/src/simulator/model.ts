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

import { gpuHourPrice } from '../prices';

/**
 * One request of a trace.
 *
 * @public
 */
export interface SimRequest {
  /** Arrival, seconds from the start of the trace. */
  arrival: number;
  inputTokens: number;
  outputTokens: number;
}

/**
 * A serving replica: one model server on `gpusPerReplica` GPUs, with
 * continuous batching and chunked prefill.
 *
 * A decode iteration over n sequences takes t(n) = t₀ + t₁·n seconds, so one
 * sequence alone decodes at `singleStreamTokensPerSecond` and a full batch
 * of `maxBatch` at `decodeTokensPerSecond` in total (memory-bound decode:
 * the weights are read once per iteration, the KV cache once per sequence).
 * Prefill runs `prefillTokensPerSecond`, `prefillChunkTokens` at a time,
 * inside decode iterations (vLLM's chunked prefill), FIFO over requests.
 *
 * @public
 */
export interface ReplicaProfile {
  name: string;
  gpuModel: string;
  gpusPerReplica: number;
  /** USD per GPU-hour (default: the embedded catalog's cheapest list price). */
  usdPerGpuHour: number;
  prefillTokensPerSecond: number;
  /** Decode tokens per second of a full batch. */
  decodeTokensPerSecond: number;
  /** Decode tokens per second of one sequence alone. */
  singleStreamTokensPerSecond: number;
  /** Most sequences in flight per replica (max_num_seqs). */
  maxBatch: number;
  /** Seconds from scale-up to serving (pod start, image, weights). */
  startupSeconds: number;
  /** Prefill tokens per iteration. */
  prefillChunkTokens: number;
}

function catalogPrice(gpuModel: string): number {
  const p = gpuHourPrice(gpuModel);
  if (!p) throw new Error(`no catalog price for ${gpuModel}`);
  return p.usdPerGpuHour;
}

/**
 * Replica profiles for common serving set-ups. Rates are public anchors, not
 * our measurements: Llama-3.1-8B at batch 32 on an H100 serves about 2,460
 * tokens/s (Koyeb benchmarks, via aihardwareindex.com); on an L4 about 1,400
 * tokens/s aggregate with vLLM (fra-vps.com); Llama-3-70B FP8 on 4×H100
 * about 850 tokens/s per GPU (kshirol-dev learnAI notes). Single-stream
 * rates follow memory bandwidth / weight bytes; prefill rates assume about
 * half the dense FP16 peak. Start-up covers pod scheduling on a warm node
 * and loading weights. Prices are the embedded catalog's list prices.
 *
 * @public
 */
export const REPLICA_PROFILES: Readonly<Record<string, ReplicaProfile>> = {
  'l4-llama8b': {
    name: 'l4-llama8b',
    gpuModel: 'NVIDIA-L4',
    gpusPerReplica: 1,
    usdPerGpuHour: catalogPrice('NVIDIA-L4'),
    prefillTokensPerSecond: 4000,
    decodeTokensPerSecond: 1400,
    singleStreamTokensPerSecond: 40,
    maxBatch: 48,
    startupSeconds: 120,
    prefillChunkTokens: 512,
  },
  'h100-llama8b': {
    name: 'h100-llama8b',
    gpuModel: 'NVIDIA-H100-80GB-HBM3',
    gpusPerReplica: 1,
    usdPerGpuHour: catalogPrice('NVIDIA-H100-80GB-HBM3'),
    prefillTokensPerSecond: 16000,
    decodeTokensPerSecond: 2460,
    singleStreamTokensPerSecond: 110,
    maxBatch: 32,
    startupSeconds: 180,
    prefillChunkTokens: 2048,
  },
  'h100x4-llama70b': {
    name: 'h100x4-llama70b',
    gpuModel: 'NVIDIA-H100-80GB-HBM3',
    gpusPerReplica: 4,
    usdPerGpuHour: catalogPrice('NVIDIA-H100-80GB-HBM3'),
    prefillTokensPerSecond: 6000,
    decodeTokensPerSecond: 3400,
    singleStreamTokensPerSecond: 35,
    maxBatch: 128,
    startupSeconds: 300,
    prefillChunkTokens: 1024,
  },
};

/**
 * Decode iteration time t(n) = t₀ + t₁·n of a profile.
 *
 * @public
 */
export function iterationTiming(p: ReplicaProfile): { t0: number; t1: number } {
  const single = 1 / p.singleStreamTokensPerSecond;
  const full = p.maxBatch / p.decodeTokensPerSecond;
  if (p.maxBatch < 2 || full <= single) {
    throw new RangeError(
      `profile ${p.name}: a full batch (${p.maxBatch} at ${p.decodeTokensPerSecond} tokens/s) must take longer per iteration than one sequence (${p.singleStreamTokensPerSecond} tokens/s)`,
    );
  }
  const t1 = (full - single) / (p.maxBatch - 1);
  return { t0: single - t1, t1 };
}

/**
 * Replica-seconds of work a request takes at full efficiency: its prefill
 * at the prefill rate plus its decode at the full-batch rate.
 *
 * @public
 */
export function requestWork(p: ReplicaProfile, r: SimRequest): number {
  return (
    r.inputTokens / p.prefillTokensPerSecond +
    r.outputTokens / p.decodeTokensPerSecond
  );
}

/**
 * The latency objective of each request, relative to what the replica does
 * unloaded (the Splitwise way of stating LLM SLOs): time to first token ≤
 * `ttftSeconds` + `ttftPrefillFactor` × the request's unloaded prefill time,
 * and mean time per output token ≤ `tpotFactor` × the time of a full decode
 * iteration that carries a prefill chunk (the slowest iteration continuous
 * batching with chunked prefill runs when it is busy). A one-minute window
 * (by arrival) violates the SLO when the p95 of either ratio exceeds 1.
 *
 * @public
 */
export interface SloSpec {
  ttftSeconds: number;
  ttftPrefillFactor: number;
  /** Absolute TPOT objective, seconds; overrides `tpotFactor`. */
  tpotSeconds?: number;
  tpotFactor: number;
  windowSeconds: number;
}

/** @public */
export const DEFAULT_SLO: SloSpec = {
  ttftSeconds: 2,
  ttftPrefillFactor: 3,
  tpotFactor: 1.5,
  windowSeconds: 60,
};

/**
 * The TPOT objective of a profile under an SLO, seconds.
 *
 * @public
 */
export function tpotObjective(p: ReplicaProfile, slo: SloSpec): number {
  if (slo.tpotSeconds !== undefined) return slo.tpotSeconds;
  const { t0, t1 } = iterationTiming(p);
  return (
    slo.tpotFactor *
    (t0 + t1 * p.maxBatch + p.prefillChunkTokens / p.prefillTokensPerSecond)
  );
}
