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

import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '@backstage/errors';
import { formatCount, SIMULATION_LIMITS } from './limits';
import { requestWork, type ReplicaProfile, type SimRequest } from './model';

/**
 * A trace ready to replay.
 *
 * @public
 */
export interface SimTrace {
  name: string;
  /** `requests`: one row per request; `hourly`: an hourly load series turned into requests. */
  kind: 'requests' | 'hourly';
  /** Requests in arrival order (seconds from the start); a fresh iterable per call. */
  requests: () => Iterable<SimRequest>;
  /** Load before the replay, for forecasts: per step, replica-equivalents of a profile. */
  history?: {
    stepSeconds: number;
    load: (profile: ReplicaProfile) => number[];
  };
  /** Start of the replay (ms since the epoch), when the trace knows it. */
  startMs?: number;
  /** Seconds from the first to the last arrival (hourly: the hours replayed), when known. */
  spanSeconds?: number;
}

function readLines(file: string): string[] {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > SIMULATION_LIMITS.maxTraceBytes) {
      throw new InputError(
        `${file}: ${formatCount(
          size,
        )} bytes; a trace may have at most ${formatCount(
          SIMULATION_LIMITS.maxTraceBytes,
        )} (256 MiB)`,
      );
    }
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(
      `${file}: cannot read the trace (${(e as Error).message})`,
    );
  }
  return text.replace(/^\uFEFF/, '').split(/\r?\n/);
}

function intOf(
  file: string,
  row: number,
  column: string,
  raw: string | undefined,
  max: number = SIMULATION_LIMITS.maxTokensPerRequest,
): number {
  const v = Number(raw?.trim());
  if (raw === undefined || raw.trim() === '' || !Number.isFinite(v) || v < 0) {
    throw new InputError(
      `${file}: row ${row}, column ${column}: '${
        raw ?? ''
      }' is not a non-negative number`,
    );
  }
  if (v > max) {
    throw new InputError(
      `${file}: row ${row}, column ${column}: '${raw.trim()}' is more than ${formatCount(
        max,
      )}, the limit`,
    );
  }
  return v;
}

type Row = { t: number; input: number; output: number; row: number };

function pushRow(file: string, rows: Row[], row: Row) {
  if (rows.length >= SIMULATION_LIMITS.maxRequests) {
    throw new InputError(
      `${file}: row ${row.row}: more than ${formatCount(
        SIMULATION_LIMITS.maxRequests,
      )} requests, the limit of a trace`,
    );
  }
  rows.push(row);
}

/**
 * The Azure LLM inference trace 2023 (`TIMESTAMP,ContextTokens,GeneratedTokens`,
 * timestamps `2023-11-16 18:15:46.6805900`, UTC, no zone).
 *
 * @public
 */
export function readAzureLlmTrace(file: string): SimTrace {
  const lines = readLines(file);
  const header = (lines[0] ?? '').split(',').map(h => h.trim());
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) {
      throw new InputError(
        `${file}: row 1: missing column '${name}' (columns: ${header.join(
          ', ',
        )})`,
      );
    }
    return i;
  };
  const [ts, ctx, gen] = [
    col('TIMESTAMP'),
    col('ContextTokens'),
    col('GeneratedTokens'),
  ];
  const rows: Row[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    const f = lines[i].split(',');
    const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?/.exec(
      f[ts]?.trim() ?? '',
    );
    const ms = m
      ? Date.parse(`${m[1]}T${m[2]}Z`) + Number(`0${m[3] ?? ''}`) * 1000
      : NaN;
    if (!Number.isFinite(ms)) {
      throw new InputError(
        `${file}: row ${i + 1}, column TIMESTAMP: '${
          f[ts] ?? ''
        }' is not a timestamp like 2023-11-16 18:15:46.6805900`,
      );
    }
    pushRow(file, rows, {
      t: ms,
      input: intOf(file, i + 1, 'ContextTokens', f[ctx]),
      output: intOf(file, i + 1, 'GeneratedTokens', f[gen]),
      row: i + 1,
    });
  }
  return fromRows(file, rows);
}

/**
 * A Mooncake (FAST'25) trace: JSON lines with `timestamp` (ms from the
 * start), `input_length` and `output_length`.
 *
 * @public
 */
export function readMooncakeTrace(file: string): SimTrace {
  const lines = readLines(file);
  const rows: Row[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let o: any;
    try {
      o = JSON.parse(line);
    } catch {
      throw new InputError(`${file}: row ${i + 1}: not a JSON object`);
    }
    pushRow(file, rows, {
      t: intOf(
        file,
        i + 1,
        'timestamp',
        String(o?.timestamp),
        Number.MAX_SAFE_INTEGER,
      ),
      input: intOf(file, i + 1, 'input_length', String(o?.input_length)),
      output: intOf(file, i + 1, 'output_length', String(o?.output_length)),
      row: i + 1,
    });
  });
  return fromRows(file, rows, false);
}

function fromRows(file: string, rows: Row[], epoch = true): SimTrace {
  const name = path.basename(file, path.extname(file));
  if (!rows.length) throw new InputError(`${file}: the trace has no requests`);
  // Rows may come in any order: sort them (an iterative sort, no recursion).
  rows.sort((a, b) => a.t - b.t || a.row - b.row);
  const t0 = rows[0].t;
  const last = rows[rows.length - 1];
  const spanSeconds = (last.t - t0) / 1000;
  if (spanSeconds > SIMULATION_LIMITS.maxSpanSeconds) {
    throw new InputError(
      `${file}: rows ${rows[0].row} and ${last.row}: the trace spans ${(
        spanSeconds / 86_400
      ).toFixed(1)} days; at most ${
        SIMULATION_LIMITS.maxSpanSeconds / 86_400
      } days`,
    );
  }
  const requests: SimRequest[] = rows.map(r => ({
    arrival: (r.t - t0) / 1000,
    inputTokens: r.input,
    outputTokens: r.output,
  }));
  return {
    name,
    kind: 'requests',
    requests: () => requests,
    spanSeconds,
    ...(epoch ? { startMs: t0 } : {}),
  };
}

/**
 * An hourly series from a CSV whose last column is the value (SustainDC's
 * `,cpu_load` files: an unnamed index, then the load).
 *
 * @public
 */
export function readHourlySeries(file: string): number[] {
  const lines = readLines(file).filter(l => l.trim());
  if (!lines.length) throw new InputError(`${file}: the file is empty`);
  const header = lines[0].split(',');
  const values: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].split(',');
    const v = Number(f[f.length - 1]);
    if (!Number.isFinite(v) || v < 0) {
      throw new InputError(
        `${file}: row ${i + 1}, column ${
          header[header.length - 1] || header.length
        }: '${f[f.length - 1]}' is not a non-negative number`,
      );
    }
    values.push(v);
  }
  if (!values.length)
    throw new InputError(`${file}: no values after the header row`);
  return values;
}

/**
 * Seeded uniform [0, 1) (mulberry32).
 *
 * @public
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The token mix of the Azure LLM conversation trace (19,366 requests): mean
 * context 1,154.7 and generated 211.1 tokens; used when no mix is given.
 *
 * @public
 */
export const AZURE_CONV_MEAN_TOKENS = { inputTokens: 1155, outputTokens: 211 };

/**
 * Options of {@link hourlyTrace}.
 *
 * @public
 */
export interface HourlyTraceOptions {
  name: string;
  /** The hourly series (any unit: it is scaled). */
  hourly: readonly number[];
  /** Hours replayed: the last `hours` of the series (default 168). */
  hours?: number;
  /** Mean requests per second over the replayed hours (default 5). */
  meanRequestsPerSecond?: number;
  /** Token sizes drawn at random from these requests (default the Azure conversation means). */
  tokenMix?: ReadonlyArray<{ inputTokens: number; outputTokens: number }>;
  seed?: number;
}

/**
 * Turns an hourly load series into a request trace: the last `hours` are
 * replayed as a Poisson process whose rate follows the series (linear
 * between hours), scaled to `meanRequestsPerSecond`, with token sizes drawn
 * from `tokenMix`; the hours before are the forecast history.
 *
 * @public
 */
export function hourlyTrace(options: HourlyTraceOptions): SimTrace {
  const L = SIMULATION_LIMITS;
  if (
    options.hours !== undefined &&
    !(options.hours >= 1 && options.hours <= L.maxHours)
  ) {
    throw new InputError(
      `hours ${options.hours}: from 1 to ${formatCount(L.maxHours)} (31 days)`,
    );
  }
  const rps = options.meanRequestsPerSecond ?? 5;
  if (!(rps > 0 && rps <= L.maxMeanRequestsPerSecond)) {
    throw new InputError(
      `mean requests per second ${rps}: more than 0 and at most ${formatCount(
        L.maxMeanRequestsPerSecond,
      )}`,
    );
  }
  const hours = Math.min(options.hours ?? 168, options.hourly.length);
  if (hours < 1) throw new InputError(`${options.name}: no hours to replay`);
  if (rps * hours * 3600 > L.maxRequests) {
    throw new InputError(
      `mean requests per second ${rps} over ${hours} hours: about ${formatCount(
        rps * hours * 3600,
      )} requests; at most ${formatCount(L.maxRequests)}`,
    );
  }
  const replay = options.hourly.slice(options.hourly.length - hours);
  const before = options.hourly.slice(0, options.hourly.length - hours);
  const mean = replay.reduce((a, b) => a + b, 0) / replay.length;
  if (!(mean > 0))
    throw new InputError(`${options.name}: the replayed hours are all zero`);
  const scale = rps / mean;
  const mix = options.tokenMix?.length
    ? options.tokenMix
    : [AZURE_CONV_MEAN_TOKENS];
  const seed = options.seed ?? 1;
  const rateAt = (t: number) => {
    const h = Math.min(hours - 1, Math.floor(t / 3600));
    const next = Math.min(hours - 1, h + 1);
    const f = t / 3600 - h;
    return scale * (replay[h] + (replay[next] - replay[h]) * Math.min(1, f));
  };
  function* generate(): Iterable<SimRequest> {
    const random = seededRandom(seed);
    for (let s = 0; s < hours * 3600; s++) {
      const lambda = rateAt(s + 0.5);
      // Poisson count by inversion, then uniform times within the second.
      let n = 0;
      let p = Math.exp(-lambda);
      let cdf = p;
      const u = random();
      while (u > cdf && n < 10_000) {
        n++;
        p *= lambda / n;
        cdf += p;
      }
      const offsets = Array.from({ length: n }, () => random()).sort(
        (a, b) => a - b,
      );
      for (const o of offsets) {
        const m = mix[Math.floor(random() * mix.length)];
        yield {
          arrival: s + o,
          inputTokens: m.inputTokens,
          outputTokens: m.outputTokens,
        };
      }
    }
  }
  const meanWork = (profile: ReplicaProfile) =>
    mix.reduce((a, m) => a + requestWork(profile, { arrival: 0, ...m }), 0) /
    mix.length;
  return {
    name: options.name,
    kind: 'hourly',
    requests: generate,
    spanSeconds: hours * 3600,
    history: {
      stepSeconds: 3600,
      load: profile => before.map(v => v * scale * meanWork(profile)),
    },
  };
}

/**
 * Reads a trace by its shape: `.jsonl` is Mooncake, a CSV with `TIMESTAMP`
 * is the Azure trace, any other CSV an hourly series.
 *
 * @public
 */
export function readTrace(
  file: string,
  hourly: Omit<HourlyTraceOptions, 'name' | 'hourly'> = {},
): SimTrace {
  if (/\.jsonl$/i.test(file)) return readMooncakeTrace(file);
  const first = readLines(file)[0] ?? '';
  if (/TIMESTAMP/.test(first)) return readAzureLlmTrace(file);
  if (!/\.csv$/i.test(file)) {
    throw new InputError(
      `${file}: unknown trace format (expected a Mooncake .jsonl, the Azure LLM .csv or an hourly series .csv)`,
    );
  }
  return hourlyTrace({
    name: path.basename(file, path.extname(file)),
    hourly: readHourlySeries(file),
    ...hourly,
  });
}
