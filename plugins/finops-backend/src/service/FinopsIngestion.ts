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
  isFinopsBillingExportSource,
  type FinopsAnyDataSource,
  type FinopsBillingExportSource,
} from '@ai-finops/backstage-plugin-finops-node';
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
import type {
  FinopsIngestionRun,
  FinopsStore,
} from '@ai-finops/backstage-plugin-finops-node';
import { startOfHour } from '@ai-finops/backstage-plugin-finops-node';

/** The default ingestion schedule: hourly, after a short start-up delay. */
const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { hours: 1 },
  timeout: { minutes: 30 },
  initialDelay: { seconds: 10 },
  scope: 'global',
};

/** How far back the first ingestion of a source reaches by default. */
const DEFAULT_BACKFILL: HumanDuration = { days: 7 };

/** How much of the recent past every run reads again, by default. */
const DEFAULT_LOOKBACK: HumanDuration = { days: 2 };

/** The default window size: one UTC day. */
const DEFAULT_WINDOW_SIZE: HumanDuration = { days: 1 };

const ONE_HOUR_MS = 60 * 60 * 1000;

/**
 * The id of the scheduled task that ingests a data source.
 *
 * @internal
 */
export function ingestionTaskId(sourceId: string): string {
  return `finops-ingest-${sourceId}`;
}

/**
 * How a window size cuts time: into calendar months (a size of whole months
 * or years), or into fixed spans of whole hours counted from the Unix epoch
 * (so a size of one day cuts at UTC midnight).
 *
 * @internal
 */
export type WindowGrid =
  | { kind: 'months'; months: number }
  | { kind: 'fixed'; ms: number };

/**
 * Checks a window size and returns the grid it cuts time into. Throws a
 * `TypeError` for an empty size, a size that mixes months with shorter
 * units, or one that is not a whole number of hours.
 *
 * @internal
 */
export function windowGrid(
  size: HumanDuration = DEFAULT_WINDOW_SIZE,
): WindowGrid {
  const { years = 0, months = 0, ...rest } = size;
  const describe = JSON.stringify(size);
  if (years !== 0 || months !== 0) {
    const total = years * 12 + months;
    const fixed = Object.values(rest).some(v => v !== undefined && v !== 0);
    if (fixed || !Number.isInteger(total) || total <= 0) {
      throw new TypeError(
        `Invalid window size ${describe}: a size in months or years must be a positive whole number of months and nothing else`,
      );
    }
    return { kind: 'months', months: total };
  }
  const ms = durationToMilliseconds(size);
  if (!(ms > 0) || ms % ONE_HOUR_MS !== 0) {
    throw new TypeError(
      `Invalid window size ${describe}: it must be a positive whole number of hours`,
    );
  }
  return { kind: 'fixed', ms };
}

/** The start of the grid cell that contains `date`. */
function cellStart(date: Date, grid: WindowGrid): Date {
  if (grid.kind === 'fixed') {
    return new Date(Math.floor(date.getTime() / grid.ms) * grid.ms);
  }
  const index = date.getUTCFullYear() * 12 + date.getUTCMonth();
  const start = Math.floor(index / grid.months) * grid.months;
  return new Date(Date.UTC(Math.floor(start / 12), start % 12, 1));
}

/** The first grid boundary after `date`. */
function nextBoundary(date: Date, grid: WindowGrid): Date {
  const start = cellStart(date, grid);
  if (grid.kind === 'fixed') {
    return new Date(start.getTime() + grid.ms);
  }
  return new Date(
    Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + grid.months, 1),
  );
}

/**
 * Splits `[from, to)` into windows that end on the boundaries of the window
 * size (default one UTC day): at most one size each, the first and the last
 * possibly shorter.
 *
 * @internal
 */
export function planWindows(
  from: Date,
  to: Date,
  size?: HumanDuration | WindowGrid,
): Array<{ start: Date; end: Date }> {
  const grid = size && 'kind' in size ? (size as WindowGrid) : windowGrid(size);
  const windows: Array<{ start: Date; end: Date }> = [];
  let start = from;
  while (start < to) {
    const boundary = nextBoundary(start, grid);
    const end = boundary < to ? boundary : to;
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
  /** Windowed data sources and billing-export sources. */
  dataSources: FinopsAnyDataSource[];
  schedule?: SchedulerServiceTaskScheduleDefinition;
  /** Used for sources that do not set their own `backfill`. */
  backfill?: HumanDuration;
  /**
   * How much of the recent past every run reads again, for sources that do
   * not set their own `lookback`. Default: 2 days.
   */
  lookback?: HumanDuration;
  /** The clock; tests set it. */
  now?: () => Date;
}

/**
 * Schedules and runs the ingestion of every registered data source.
 *
 * Each source gets its own global task, `finops-ingest-<sourceId>`, on the
 * source's own schedule or the configured one. A run reads from the end of
 * the last successful window (or `backfill` ago) up to the start of the
 * current hour, one window at a time (the source's `windowSize`, default a
 * UTC day), and replaces each window in the store. It also reads the last
 * `lookback` again (from the start of the window it falls in), so billing
 * rows that arrive late replace what was stored before; re-reading a window
 * is idempotent. A run stops at the first failing window, so the next run
 * starts there again.
 *
 * @internal
 */
export class FinopsIngestion {
  readonly #logger: LoggerService;
  readonly #scheduler: SchedulerService;
  readonly #store: FinopsStore;
  readonly #sources: Map<string, FinopsAnyDataSource>;
  readonly #schedule: SchedulerServiceTaskScheduleDefinition;
  readonly #backfill: HumanDuration;
  readonly #lookback: HumanDuration;
  readonly #grids: Map<string, WindowGrid>;
  readonly #now: () => Date;

  /**
   * Reads `finops.ingestion.schedule`, `finops.ingestion.backfill` and
   * `finops.ingestion.lookback`.
   */
  static fromConfig(
    config: RootConfigService,
    options: Omit<FinopsIngestionOptions, 'schedule' | 'backfill' | 'lookback'>,
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
    const lookback = config.has('finops.ingestion.lookback')
      ? readDurationFromConfig(config, { key: 'finops.ingestion.lookback' })
      : DEFAULT_LOOKBACK;
    return new FinopsIngestion({ ...options, schedule, backfill, lookback });
  }

  constructor(options: FinopsIngestionOptions) {
    this.#logger = options.logger;
    this.#scheduler = options.scheduler;
    this.#store = options.store;
    this.#sources = new Map();
    this.#grids = new Map();
    for (const source of options.dataSources) {
      if (this.#sources.has(source.id)) {
        throw new Error(
          `Duplicate FinOps data source id '${source.id}'; ids must be unique`,
        );
      }
      try {
        if (!isFinopsBillingExportSource(source)) {
          this.#grids.set(source.id, windowGrid(source.windowSize));
        }
      } catch (error) {
        throw new Error(
          `FinOps data source '${source.id}': ${(error as Error).message}`,
        );
      }
      this.#sources.set(source.id, source);
    }
    this.#schedule = {
      ...(options.schedule ?? DEFAULT_SCHEDULE),
      scope: options.schedule?.scope ?? 'global',
    };
    this.#backfill = options.backfill ?? DEFAULT_BACKFILL;
    this.#lookback = options.lookback ?? DEFAULT_LOOKBACK;
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
      const schedule = source.schedule
        ? { ...source.schedule, scope: source.schedule.scope ?? 'global' }
        : this.#schedule;
      await this.#scheduler.scheduleTask({
        ...schedule,
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
   * Ingests a source from where it stopped (or from the start of the window
   * that holds `now - lookback`, whichever is earlier) up to the current
   * hour. Returns the runs, one per window.
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
    if (isFinopsBillingExportSource(source)) {
      return this.#ingestBillingExport(source, logger, signal);
    }

    const now = this.#now();
    const to = startOfHour(now);
    const grid = this.#grids.get(sourceId)!;
    const lastEnd = await this.#store.getLastSuccessfulWindowEnd(sourceId);
    let from: Date;
    if (lastEnd) {
      // Read the lookback again, from the start of the window it begins in,
      // so that the same windows are replaced as on earlier runs.
      const lookbackMs = durationToMilliseconds(
        source.lookback ?? this.#lookback,
      );
      const lookbackStart =
        lookbackMs > 0
          ? cellStart(startOfHour(new Date(now.getTime() - lookbackMs)), grid)
          : to;
      from = lookbackStart < lastEnd ? lookbackStart : lastEnd;
    } else {
      from = startOfHour(
        new Date(
          now.getTime() -
            durationToMilliseconds(source.backfill ?? this.#backfill),
        ),
      );
    }

    const windows = planWindows(from, to, grid);
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

  /**
   * A billing-export source stores its whole export through the store's
   * `replaceBillingCharges`, which records the run over the hours it
   * derived facts for; that run is returned (none when nothing changed).
   */
  async #ingestBillingExport(
    source: FinopsBillingExportSource,
    logger: LoggerService,
    signal?: AbortSignal,
  ): Promise<FinopsIngestionRun[]> {
    let stored;
    try {
      stored = await source.ingest({ store: this.#store, logger, signal });
    } catch (error) {
      throw new ForwardedError(
        `Ingestion of FinOps billing export '${source.id}' failed`,
        error,
      );
    }
    if (!stored?.hours) return [];
    const [run] = await this.#store.listIngestionRuns({
      sourceId: source.id,
      limit: 1,
    });
    return run ? [run] : [];
  }
}
