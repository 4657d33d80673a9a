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
  createExtensionPoint,
  type LoggerService,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { HumanDuration } from '@backstage/types';
import type {
  CostFact,
  UsageFact,
} from '@ai-finops/backstage-plugin-finops-common';
import type { FinopsBillingIngestion, FinopsStore } from './store/FinopsStore';

/**
 * A half-open time window `[start, end)` on whole hours.
 *
 * @public
 */
export interface FinopsWindow {
  start: Date;
  end: Date;
}

/**
 * One record a data source emits: a cost fact or a usage fact.
 *
 * @public
 */
export type FinopsRecord =
  | ({ type: 'cost' } & CostFact)
  | ({ type: 'usage' } & UsageFact);

/**
 * What a data source is given when asked for a window.
 *
 * @public
 */
export interface FinopsReadOptions {
  window: FinopsWindow;
  logger: LoggerService;
  /** Aborted when the ingestion task times out or the backend shuts down. */
  signal?: AbortSignal;
}

/**
 * A source of cost and usage: a billing export, OpenCost, Prometheus, a demo
 * generator. The backend ingests each source on a schedule, one window at a
 * time; re-reading a window must give the records that replace it.
 *
 * @public
 */
export interface FinopsDataSource {
  /**
   * Stable id, e.g. `focus`, `opencost`, `demo`. Stored with every fact and
   * ingestion run; a window is replaced per source.
   */
  readonly id: string;
  /**
   * How far back the first ingestion reaches when nothing is stored yet.
   * Defaults to the backend's `finops.ingestion.backfill` (7 days).
   */
  readonly backfill?: HumanDuration;
  /**
   * The longest window the backend asks for at once. A size in whole months
   * or years cuts at calendar months (UTC); any other size must be whole
   * hours and cuts at multiples of it since the Unix epoch. Default: one
   * day. Sources that read a whole file per window (billing exports) set a
   * larger size.
   */
  readonly windowSize?: HumanDuration;
  /**
   * How much of the recent past every run reads again, so that data which
   * arrives late (billing rows are often revised for days) replaces what was
   * stored. Defaults to the backend's `finops.ingestion.lookback` (2 days).
   */
  readonly lookback?: HumanDuration;
  /**
   * The schedule of this source's ingestion task. Defaults to the backend's
   * `finops.ingestion.schedule` (hourly); the scope defaults to `global`.
   */
  readonly schedule?: SchedulerServiceTaskScheduleDefinition;
  /**
   * Streams the records whose hour lies in the window. Records outside it
   * are rejected by the backend.
   */
  read(options: FinopsReadOptions): AsyncIterable<FinopsRecord>;
}

/**
 * What a billing-export source is given on each run of its task.
 *
 * @public
 */
export interface FinopsBillingExportIngestOptions {
  /** The backend's store; the source lands its export with `replaceBillingCharges`. */
  store: Pick<FinopsStore, 'replaceBillingCharges'>;
  logger: LoggerService;
  /** Aborted when the ingestion task times out or the backend shuts down. */
  signal?: AbortSignal;
}

/**
 * A source of FOCUS billing exports. Unlike a {@link FinopsDataSource} it is
 * not read one time window at a time: on every run of its task the backend
 * hands it the store, and the source stores the whole export with
 * `FinopsStore.replaceBillingCharges` (through `ingestFocusExport`, the same
 * code as `ai-finops ingest focus`). That replaces the billing periods the
 * export carries, keeps the FOCUS-native charges and derives the hourly
 * cost facts and their ingestion run from them.
 *
 * @public
 */
export interface FinopsBillingExportSource {
  /** Stable id: the billing source of the charges and of the derived facts. */
  readonly id: string;
  /** Tells this kind of source from a {@link FinopsDataSource}. */
  readonly kind: 'billing-export';
  /**
   * The schedule of this source's ingestion task. Defaults to the backend's
   * `finops.ingestion.schedule` (hourly); the scope defaults to `global`.
   */
  readonly schedule?: SchedulerServiceTaskScheduleDefinition;
  /**
   * Stores the export. Returns what was stored, or `undefined` when there
   * was nothing new to store (e.g. the files did not change since the last
   * run).
   */
  ingest(
    options: FinopsBillingExportIngestOptions,
  ): Promise<FinopsBillingIngestion | undefined>;
}

/**
 * Any source the data-source extension point takes.
 *
 * @public
 */
export type FinopsAnyDataSource = FinopsDataSource | FinopsBillingExportSource;

/**
 * Whether a registered source is a {@link FinopsBillingExportSource}.
 *
 * @public
 */
export function isFinopsBillingExportSource(
  source: FinopsAnyDataSource,
): source is FinopsBillingExportSource {
  return (
    (source as Partial<FinopsBillingExportSource>).kind === 'billing-export'
  );
}

/**
 * Registers data sources with the FinOps backend.
 *
 * @public
 */
export interface FinopsDataSourcesExtensionPoint {
  /**
   * Adds one or more sources: windowed {@link FinopsDataSource}s or
   * {@link FinopsBillingExportSource}s. Ids must be unique: a second source
   * with the same id fails the backend start.
   */
  addDataSource(
    ...sources: Array<FinopsAnyDataSource | FinopsAnyDataSource[]>
  ): void;
}

/**
 * Extension point for data sources; used by `finops-backend-module-*` modules.
 *
 * @public
 */
export const finopsDataSourcesExtensionPoint =
  createExtensionPoint<FinopsDataSourcesExtensionPoint>({
    id: 'finops.data-sources',
  });
