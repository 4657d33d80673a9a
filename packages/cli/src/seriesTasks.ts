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
  forecast,
  scoreSeries,
} from '@ai-finops/backstage-plugin-finops-engine';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

// The work of `ai-finops forecast` and `ai-finops detect`, one series at a
// time, and the pool of worker threads that runs it (src/actions/seriesWorker.ts
// is a worker's entry point). The main thread reads and checks the input,
// hands the series out and puts the results back in input order.

/** Epoch ms as ISO-8601 UTC, without milliseconds when they are 0. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** A number for CSV output: at most 10 significant digits, no exponent noise. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '';
  return String(Number(value.toPrecision(10)));
}

/** Quotes a CSV field when it needs it. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One series to forecast, on its regular grid (gaps NaN). */
export interface ForecastTask {
  kind: 'forecast';
  id: string;
  /** Epoch ms of values[0]. */
  first: number;
  stepMs: number;
  values: Float64Array;
  /** Rows that shared a time step with another row (averaged). */
  shared: number;
  horizon: number;
  seasons: 'auto' | number[];
}

/** The CSV rows of one forecast series and its line for stderr. */
export interface ForecastTaskResult {
  csv: string;
  summary: string;
}

/** One series to score, its rows in timestamp order. */
export interface DetectTask {
  kind: 'detect';
  timestamps: Float64Array;
  values: Float64Array;
}

export type SeriesTask = ForecastTask | DetectTask;

/** Forecasts one series: its output rows (each ending in a line break) and summary. */
export function forecastTask(task: ForecastTask): ForecastTaskResult {
  const { id, first, stepMs, values, horizon, seasons } = task;
  const result = forecast(values, { horizon, seasons, stepMs });
  const last = first + (values.length - 1) * stepMs;
  const field = csvField(id);
  let csv = '';
  for (let j = 0; j < horizon; j++) {
    csv += `${field},${formatTimestamp(last + (j + 1) * stepMs)},${formatNumber(
      result.mean[j],
    )},${formatNumber(result.lower[j])},${formatNumber(result.upper[j])}\n`;
  }
  const accuracy = result.accuracy
    ? `backtest sMAPE ${result.accuracy.smape.toFixed(
        2,
      )} MASE ${result.accuracy.mase.toFixed(3)} over ${
        result.accuracy.origins
      } origins ${result.accuracy.horizon} steps ahead`
    : 'no backtest';
  const models = result.models
    .filter(m => m.weight > 0)
    .map(m => `${m.model} ${m.weight.toFixed(2)}`)
    .join(', ');
  if (task.shared) {
    result.notes.push(
      `${task.shared} rows shared a time step with another row and were averaged`,
    );
  }
  const summary = `${id}: seasons ${
    result.seasons.join(',') || 'none'
  }; ${accuracy}; ensemble ${models}${
    result.notes.length ? `; ${result.notes.join('; ')}` : ''
  }\n`;
  return { csv, summary };
}

/** Scores every row of one series (timestamp order). */
export function detectTask(task: DetectTask): Float64Array {
  const points = scoreSeries(task.timestamps, task.values);
  return Float64Array.from(points, p => p.score);
}

/** Runs one task. */
export function runTask(task: SeriesTask): ForecastTaskResult | Float64Array {
  return task.kind === 'forecast' ? forecastTask(task) : detectTask(task);
}

/** Inputs with fewer time steps than this run on the main thread ('auto'). */
export const MIN_POINTS_FOR_WORKERS = 50_000;
/** Bytes of CSV a time step takes, about (to size a pool before reading). */
export const BYTES_PER_POINT = 40;
/** Most worker threads. */
export const MAX_WORKERS = 64;

/** How many tasks, how big, and the `--workers` option. */
export interface PoolPlan {
  /** Tasks (series). */
  count: number;
  /** Time steps of all series together. */
  points: number;
  /** `--workers`: a number, or 'auto' (one per core for large inputs). */
  workers: number | 'auto';
}

/**
 * Threads to run `plan` on: with 'auto', os.availableParallelism() when the
 * input has at least MIN_POINTS_FOR_WORKERS steps (a worker costs tens of
 * milliseconds to start), else 1; never more than there are series. 1 means
 * the main thread.
 */
export function poolSize(plan: PoolPlan): number {
  let wanted = plan.workers;
  if (wanted === 'auto') {
    wanted =
      plan.points >= MIN_POINTS_FOR_WORKERS ? os.availableParallelism() : 1;
  }
  return Math.max(1, Math.min(wanted, plan.count, MAX_WORKERS));
}

/**
 * The pool for an input file read by forecast or detect, sized before it
 * is read (so that the workers start, and can take series, while it is):
 * its time steps are estimated from its size; a pipe has none, and runs on
 * the main thread unless `--workers` says otherwise.
 */
export function poolForFile(file: string, workers: number | 'auto') {
  let bytes = 0;
  try {
    const stat = fs.statSync(file);
    if (stat.isFile()) bytes = stat.size;
  } catch {
    // Reading the file reports it.
  }
  return startSeriesPool(
    poolSize({
      count: Infinity,
      points: Math.round(bytes / BYTES_PER_POINT),
      workers,
    }),
  );
}

/** Starts a worker running src/actions/seriesWorker (sources or bundle). */
function startWorker(): Worker {
  if (__filename.endsWith('.ts')) {
    // The sources: the worker registers the TypeScript transform, as bin/ai-finops does.
    const transform = createRequire(__filename).resolve(
      '@backstage/cli/config/nodeTransform.cjs',
    );
    // Both layouts are handled here, and bundle.test.ts runs the bundle's.
    // eslint-disable-next-line no-restricted-syntax
    const entry = path.join(__dirname, 'actions', 'seriesWorker.ts');
    return new Worker(
      `require(${JSON.stringify(transform)});\nrequire(${JSON.stringify(
        entry,
      )});`,
      { eval: true },
    );
  }
  // The bundle (scripts/build.mjs): dist/seriesWorker.cjs beside this file.
  // eslint-disable-next-line no-restricted-syntax
  return new Worker(path.join(__dirname, 'seriesWorker.cjs'));
}

/** Tasks in flight per worker: one running, one waiting, so none idles. */
const IN_FLIGHT = 2;

/** Runs tasks on worker threads, or on this thread when its size is 1. */
export interface SeriesPool {
  /** Threads that run the tasks (1: this one). */
  size: number;
  /**
   * Queues a task; resolves to its result, or rejects with the message of
   * what it threw (or with the error of a worker that died).
   */
  submit<R>(task: SeriesTask): Promise<R>;
  /** Stops the workers; tasks not done are dropped. */
  close(): Promise<void>;
}

interface Pending {
  task: SeriesTask;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * A pool of `size` worker threads (src/actions/seriesWorker.ts), each sent
 * at most IN_FLIGHT tasks at a time from one queue, in submission order;
 * with size 1, tasks run on this thread when submitted. The main thread
 * must yield now and then (an await) for results to come in and queued
 * tasks to go out.
 */
export function startSeriesPool(size: number): SeriesPool {
  if (size <= 1) {
    return {
      size: 1,
      submit: <R>(task: SeriesTask) => {
        try {
          return Promise.resolve(runTask(task) as R);
        } catch (error) {
          return Promise.reject(error);
        }
      },
      close: async () => {},
    };
  }
  const queue: Pending[] = [];
  let broken: Error | undefined;
  let closed = false;
  let nextId = 0;
  const workers = Array.from({ length: size }, () => {
    const worker = startWorker();
    const running = new Map<number, Pending>();
    const state = { worker, running };
    worker.on(
      'message',
      (message: { k: number; result?: unknown; error?: string }) => {
        const pending = running.get(message.k);
        running.delete(message.k);
        if (message.error !== undefined)
          pending?.reject(new Error(message.error));
        else pending?.resolve(message.result);
        feed(state);
      },
    );
    const die = (error: Error) => {
      if (closed) return;
      broken ??= error;
      for (const p of [...running.values(), ...queue.splice(0)])
        p.reject(broken);
      running.clear();
    };
    worker.on('error', (error: unknown) =>
      die(error instanceof Error ? error : new Error(String(error))),
    );
    worker.on('exit', code =>
      die(new Error(`a worker thread exited (code ${code})`)),
    );
    return state;
  });
  function feed(state: (typeof workers)[number]) {
    while (!broken && state.running.size < IN_FLIGHT && queue.length) {
      const pending = queue.shift()!;
      const k = nextId++;
      state.running.set(k, pending);
      // Copied (structured clone), not transferred: the caller keeps its arrays.
      state.worker.postMessage({ k, task: pending.task });
    }
  }
  return {
    size,
    submit: <R>(task: SeriesTask) =>
      new Promise<R>((resolve, reject) => {
        if (broken) {
          reject(broken);
          return;
        }
        queue.push({
          task,
          resolve: resolve as (result: unknown) => void,
          reject,
        });
        // The least busy worker takes it.
        const idle = workers.reduce((a, b) =>
          b.running.size < a.running.size ? b : a,
        );
        feed(idle);
      }),
    close: async () => {
      closed = true;
      queue.length = 0;
      await Promise.all(workers.map(w => w.worker.terminate()));
    },
  };
}

/**
 * Runs the tasks on a pool of poolSize(plan) threads and calls
 * `onResult(result, k)` for the k-th task (0-based, in the order the
 * iterator gives them) as each finishes, in any order. Rejects on the first
 * task that throws, with its message.
 */
export async function runSeriesTasks<T extends SeriesTask, R>(
  tasks: Iterator<T>,
  plan: PoolPlan,
  onResult: (result: R, k: number) => void,
): Promise<void> {
  const pool = startSeriesPool(poolSize(plan));
  try {
    const all: Promise<void>[] = [];
    let k = 0;
    for (let it = tasks.next(); !it.done; it = tasks.next()) {
      const index = k++;
      const done = pool
        .submit<R>(it.value)
        .then(result => onResult(result, index));
      // Handled by Promise.all below; no unhandled rejection meanwhile.
      done.catch(() => {});
      all.push(done);
    }
    await Promise.all(all);
  } finally {
    await pool.close();
  }
}
