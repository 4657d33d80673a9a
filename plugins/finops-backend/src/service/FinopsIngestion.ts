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

import type { FinopsDataSource } from '@ai-finops/backstage-plugin-finops-node';
import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type LoggerService,
  type RootConfigService,
  type SchedulerService,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import { ForwardedError, NotFoundError } from '@backstage/errors';
import { durationToMilliseconds, type HumanDuration } from '@backstage/types';
import type { FinopsIngestionRun, FinopsStore } from '../database';
import { ONE_DAY_MS, startOfDay, startOfHour } from '../lib/time';

/** The default ingestion schedule: hourly, after a short start-up delay. */
const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { hours: 1 },
  timeout: { minutes: 30 },
  initialDelay: { seconds: 10 },
  scope: 'global',
};

/** How far back the first ingestion of a source reaches by default. */
const DEFAULT_BACKFILL: HumanDuration = { days: 7 };

/**
 * The id of the scheduled task that ingests a data source.
 *
 * @internal
 */
export function ingestionTaskId(sourceId: string): string {
  return `finops-ingest-${sourceId}`;
}

/**
 * Splits `[from, to)` into windows that end on UTC day boundaries: at most
 * one day each, the first and the last possibly shorter.
 *
 * @internal
 */
export function planWindows(
  from: Date,
  to: Date,
): Array<{ start: Date; end: Date }> {
  const windows: Array<{ start: Date; end: Date }> = [];
  let start = from;
  while (start < to) {
    const nextDay = new Date(startOfDay(start).getTime() + ONE_DAY_MS);
    const end = nextDay < to ? nextDay : to;
    windows.push({ start, end });
    start = end;
  }
  return windows;
}

/**
 * Options for {@link FinopsIngestion}.
 *
 * @internal
 */
export interface FinopsIngestionOptions {
  logger: LoggerService;
  scheduler: SchedulerService;
  store: FinopsStore;
  dataSources: FinopsDataSource[];
  schedule?: SchedulerServiceTaskScheduleDefinition;
  /** Used for sources that do not set their own `backfill`. */
  backfill?: HumanDuration;
  /** The clock; tests set it. */
  now?: () => Date;
}

/**
 * Schedules and runs the ingestion of every registered data source.
 *
 * Each source gets its own global task, `finops-ingest-<sourceId>`. A run
 * reads from the end of the last successful window (or `backfill` ago) up to
 * the start of the current hour, one UTC day at a time, and replaces each
 * window in the store. It stops at the first failing window, so the next run
 * starts there again.
 *
 * @internal
 */
export class FinopsIngestion {
  readonly #logger: LoggerService;
  readonly #scheduler: SchedulerService;
  readonly #store: FinopsStore;
  readonly #sources: Map<string, FinopsDataSource>;
  readonly #schedule: SchedulerServiceTaskScheduleDefinition;
  readonly #backfill: HumanDuration;
  readonly #now: () => Date;

  /**
   * Reads `finops.ingestion.schedule` and `finops.ingestion.backfill`.
   */
  static fromConfig(
    config: RootConfigService,
    options: Omit<FinopsIngestionOptions, 'schedule' | 'backfill'>,
  ): FinopsIngestion {
    const scheduleConfig = config.getOptionalConfig(
      'finops.ingestion.schedule',
    );
    const schedule = scheduleConfig
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig)
      : DEFAULT_SCHEDULE;
    const backfill = config.has('finops.ingestion.backfill')
      ? readDurationFromConfig(config, { key: 'finops.ingestion.backfill' })
      : DEFAULT_BACKFILL;
    return new FinopsIngestion({ ...options, schedule, backfill });
  }

  constructor(options: FinopsIngestionOptions) {
    this.#logger = options.logger;
    this.#scheduler = options.scheduler;
    this.#store = options.store;
    this.#sources = new Map();
    for (const source of options.dataSources) {
      if (this.#sources.has(source.id)) {
        throw new Error(
          `Duplicate FinOps data source id '${source.id}'; ids must be unique`,
        );
      }
      this.#sources.set(source.id, source);
    }
    this.#schedule = {
      ...(options.schedule ?? DEFAULT_SCHEDULE),
      scope: options.schedule?.scope ?? 'global',
    };
    this.#backfill = options.backfill ?? DEFAULT_BACKFILL;
    this.#now = options.now ?? (() => new Date());
  }

  /** Schedules one ingestion task per data source. */
  async start(): Promise<void> {
    if (this.#sources.size === 0) {
      this.#logger.warn(
        'No FinOps data sources are installed; nothing will be ingested. Add a finops-backend-module that provides one.',
      );
    }
    for (const source of this.#sources.values()) {
      await this.#scheduler.scheduleTask({
        ...this.#schedule,
        id: ingestionTaskId(source.id),
        fn: async (signal?: AbortSignal) => {
          await this.ingest(source.id, { signal });
        },
      });
    }
  }

  /** The ids of the registered data sources. */
  get sourceIds(): string[] {
    return Array.from(this.#sources.keys());
  }

  /** Whether a data source with this id is registered. */
  hasSource(sourceId: string): boolean {
    return this.#sources.has(sourceId);
  }

  /**
   * Asks the scheduler to run a source's ingestion task now. Throws a
   * `NotFoundError` for an unknown source, and passes on the scheduler's
   * `ConflictError` when the task is already running.
   */
  async trigger(sourceId: string): Promise<void> {
    if (!this.#sources.has(sourceId)) {
      throw new NotFoundError(`No FinOps data source with id '${sourceId}'`);
    }
    await this.#scheduler.triggerTask(ingestionTaskId(sourceId));
  }

  /**
   * Ingests a source from where it stopped up to the current hour. Returns
   * the runs, one per window.
   */
  async ingest(
    sourceId: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<FinopsIngestionRun[]> {
    const source = this.#sources.get(sourceId);
    if (!source) {
      throw new NotFoundError(`No FinOps data source with id '${sourceId}'`);
    }
    const { signal } = options;
    const logger = this.#logger.child({ dataSource: sourceId });

    const now = this.#now();
    const to = startOfHour(now);
    const lastEnd = await this.#store.getLastSuccessfulWindowEnd(sourceId);
    const from =
      lastEnd ??
      startOfHour(
        new Date(
          now.getTime() -
            durationToMilliseconds(source.backfill ?? this.#backfill),
        ),
      );

    const windows = planWindows(from, to);
    if (windows.length === 0) {
      logger.debug(
        `Nothing to ingest; data is complete up to ${from.toISOString()}`,
      );
      return [];
    }

    const runs: FinopsIngestionRun[] = [];
    for (const window of windows) {
      if (signal?.aborted) {
        logger.warn('Ingestion aborted');
        break;
      }
      const span = `[${window.start.toISOString()}, ${window.end.toISOString()})`;
      try {
        const run = await this.#store.replaceWindow(
          sourceId,
          window,
          source.read({ window, logger, signal }),
        );
        logger.info(
          `Ingested ${span}: ${run.costRows} cost and ${run.usageRows} usage facts`,
        );
        runs.push(run);
      } catch (error) {
        throw new ForwardedError(
          `Ingestion of FinOps data source '${sourceId}' failed for window ${span}`,
          error,
        );
      }
    }
    return runs;
  }
}
