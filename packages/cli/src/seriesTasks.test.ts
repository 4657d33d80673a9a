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

import os from 'node:os';
import {
  poolSize,
  runSeriesTasks,
  type DetectTask,
  type ForecastTask,
  type ForecastTaskResult,
} from './seriesTasks';

jest.setTimeout(120_000);

const HOUR = 3_600_000;

describe('poolSize', () => {
  it('runs small inputs on the main thread and large ones on a worker per core, never more workers than series', () => {
    const cores = Math.min(os.availableParallelism(), 64);
    expect(poolSize({ count: 10, points: 1_000, workers: 'auto' })).toBe(1);
    expect(poolSize({ count: 1000, points: 2_160_000, workers: 'auto' })).toBe(
      Math.min(cores, 1000),
    );
    expect(poolSize({ count: 2, points: 2_160_000, workers: 8 })).toBe(2);
    expect(poolSize({ count: 100, points: 10, workers: 3 })).toBe(3);
    expect(poolSize({ count: 0, points: 0, workers: 4 })).toBe(1);
  });
});

describe('runSeriesTasks', () => {
  /** Seven hourly series of a week, one with a spike. */
  const detectTasks = (): DetectTask[] =>
    Array.from({ length: 7 }, (_, k) => {
      const n = 24 * 7;
      const timestamps = Float64Array.from({ length: n }, (__, t) => t * HOUR);
      const values = Float64Array.from(
        { length: n },
        (__, t) =>
          100 +
          10 * Math.sin((2 * Math.PI * (t + k)) / 24) +
          (t === 150 ? 80 : 0),
      );
      return { kind: 'detect', timestamps, values };
    });

  const collect = async <T extends DetectTask | ForecastTask, R>(
    tasks: T[],
    workers: number,
  ) => {
    const results: R[] = [];
    const order: number[] = [];
    await runSeriesTasks<T, R>(
      tasks[Symbol.iterator](),
      { count: tasks.length, points: 0, workers },
      (result, k) => {
        results[k] = result;
        order.push(k);
      },
    );
    return { results, order };
  };

  it('gives each result with the index of its task, the same on worker threads as on this one', async () => {
    const here = await collect<DetectTask, Float64Array>(detectTasks(), 1);
    const pooled = await collect<DetectTask, Float64Array>(detectTasks(), 3);
    expect(here.results).toHaveLength(7);
    expect(here.order).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect([...pooled.order].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(pooled.results.map(r => Array.from(r))).toEqual(
      here.results.map(r => Array.from(r)),
    );
    // The spike is the top score of every series.
    for (const scores of pooled.results) {
      expect(scores.indexOf(Math.max(...scores))).toBe(150);
    }
  });

  it('forecasts on worker threads as on this one', async () => {
    const task = (id: string): ForecastTask => ({
      kind: 'forecast',
      id,
      first: 0,
      stepMs: HOUR,
      values: Float64Array.from({ length: 24 * 21 }, (_, t) =>
        t === 40 ? NaN : 50 + 5 * Math.sin((2 * Math.PI * t) / 24),
      ),
      shared: id === 'b' ? 2 : 0,
      horizon: 6,
      seasons: 'auto',
    });
    const tasks = () => ['a', 'b', 'c'].map(task);
    const here = await collect<ForecastTask, ForecastTaskResult>(tasks(), 1);
    const pooled = await collect<ForecastTask, ForecastTaskResult>(tasks(), 2);
    expect(pooled.results).toEqual(here.results);
    expect(here.results[1].csv.split('\n')[0]).toMatch(
      /^b,1970-01-22T00:00:00Z,[\d.]+,[\d.]+,[\d.]+$/,
    );
    expect(here.results[1].summary).toContain(
      '2 rows shared a time step with another row and were averaged',
    );
  });

  it('rejects with the message of a task that throws in a worker, and stops', async () => {
    const bad: ForecastTask = {
      kind: 'forecast',
      id: 'x',
      first: 0,
      stepMs: HOUR,
      values: Float64Array.from([1, 2, 3]),
      shared: 0,
      horizon: 0,
      seasons: 'auto',
    };
    await expect(
      collect<DetectTask | ForecastTask, unknown>(
        [...detectTasks(), bad, ...detectTasks()],
        2,
      ),
    ).rejects.toThrow('horizon must be at least 1');
  });
});
