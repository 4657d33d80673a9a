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
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds, type HumanDuration } from '@backstage/types';
import type {
  FinopsNotificationLedger,
  FinopsStore,
} from '@ai-finops/backstage-plugin-finops-node';
import { startOfHour } from '@ai-finops/backstage-plugin-finops-node';

/** Facts older than this are deleted by default: a year and a month. */
const DEFAULT_RETENTION: HumanDuration = { days: 400 };

/**
 * Notification claims are kept this long: past it, their month has ended
 * and their anomalies are older than any lookback (31 days at most), so
 * nothing can be sent for them again.
 */
const NOTIFICATION_CLAIM_DAYS = 62;

/**
 * The id of the scheduled retention task.
 *
 * @internal
 */
export const RETENTION_TASK_ID = 'finops-retention';

/**
 * Deletes facts older than the retention period (`finops.retention`), once
 * a day.
 *
 * @internal
 */
export class FinopsRetention {
  readonly #logger: LoggerService;
  readonly #scheduler: SchedulerService;
  readonly #store: FinopsStore & Partial<FinopsNotificationLedger>;
  readonly #retention: HumanDuration;
  readonly #now: () => Date;

  static fromConfig(
    config: RootConfigService,
    options: {
      logger: LoggerService;
      scheduler: SchedulerService;
      store: FinopsStore & Partial<FinopsNotificationLedger>;
    },
  ): FinopsRetention {
    const retention = config.has('finops.retention')
      ? readDurationFromConfig(config, { key: 'finops.retention' })
      : DEFAULT_RETENTION;
    return new FinopsRetention({ ...options, retention });
  }

  constructor(options: {
    logger: LoggerService;
    scheduler: SchedulerService;
    store: FinopsStore & Partial<FinopsNotificationLedger>;
    retention?: HumanDuration;
    now?: () => Date;
  }) {
    this.#logger = options.logger;
    this.#scheduler = options.scheduler;
    this.#store = options.store;
    this.#retention = options.retention ?? DEFAULT_RETENTION;
    this.#now = options.now ?? (() => new Date());
  }

  async start(): Promise<void> {
    await this.#scheduler.scheduleTask({
      id: RETENTION_TASK_ID,
      frequency: { hours: 24 },
      timeout: { minutes: 30 },
      initialDelay: { minutes: 5 },
      scope: 'global',
      fn: async () => {
        await this.run();
      },
    });
  }

  /** Deletes what is older than the retention period; returns the cut-off. */
  async run(): Promise<Date> {
    const cutoff = startOfHour(
      new Date(this.#now().getTime() - durationToMilliseconds(this.#retention)),
    );
    const deleted = await this.#store.deleteFactsBefore(cutoff);
    const claims =
      (await this.#store.deleteNotificationsSentBefore?.(
        new Date(this.#now().getTime() - NOTIFICATION_CLAIM_DAYS * 86_400_000),
      )) ?? 0;
    this.#logger.info(
      `Deleted FinOps data before ${cutoff.toISOString()}: ${
        deleted.costRows
      } cost facts, ${deleted.usageRows} usage facts, ${
        deleted.runs
      } ingestion runs; ${claims} notification records older than ${NOTIFICATION_CLAIM_DAYS} days`,
    );
    return cutoff;
  }
}
