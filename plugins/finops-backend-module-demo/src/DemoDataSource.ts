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
  FinopsDataSource,
  FinopsReadOptions,
  FinopsRecord,
} from '@ai-finops/backstage-plugin-finops-node';
import { generateDemoHour, windowHours } from './generator';

/**
 * The seed used when none is configured.
 *
 * @public
 */
export const DEFAULT_DEMO_SEED = 42;

/**
 * Options of {@link DemoDataSource}.
 *
 * @public
 */
export interface DemoDataSourceOptions {
  /** Seed of the generator; the same seed always gives the same data. Defaults to 42. */
  seed?: number;
}

/**
 * A data source that generates calibrated, seeded hourly cost and usage for
 * the demo fleet in `examples/entities.yaml`: six GPU inference services, a
 * CPU-only gateway and an unallocated notebook server.
 *
 * `read` is a pure function of the seed and the window, so re-reading a
 * window replaces it with identical records, however windows are cut.
 *
 * @public
 */
export class DemoDataSource implements FinopsDataSource {
  readonly id = 'demo';
  readonly backfill: FinopsDataSource['backfill'] = { days: 90 };
  readonly seed: number;

  constructor(options: DemoDataSourceOptions = {}) {
    const seed = options.seed ?? DEFAULT_DEMO_SEED;
    if (!Number.isSafeInteger(seed)) {
      throw new TypeError(`Demo seed must be an integer, got ${seed}`);
    }
    this.seed = seed;
  }

  async *read(options: FinopsReadOptions): AsyncIterable<FinopsRecord> {
    const { window, logger, signal } = options;
    const { first, end } = windowHours(window);
    logger.debug(
      `Generating demo data for ${window.start.toISOString()} to ${window.end.toISOString()} (seed ${
        this.seed
      })`,
    );
    for (let hour = first; hour < end; hour++) {
      signal?.throwIfAborted();
      const batch: FinopsRecord[] = [];
      generateDemoHour(this.seed, hour, record => {
        batch.push(record);
      });
      yield* batch;
    }
  }
}
