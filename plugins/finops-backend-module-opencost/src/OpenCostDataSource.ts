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
  FinopsWindow,
} from '@ai-finops/backstage-plugin-finops-node';
import { fetchJson, redactUrl } from '@ai-finops/backstage-plugin-finops-node';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { readDurationFromConfig, type Config } from '@backstage/config';
import { durationToMilliseconds, type HumanDuration } from '@backstage/types';
import { allocationsToRecords, findUnmappedCosts } from './records';
import {
  parseAllocationResponse,
  type OpenCostAllocationSet,
} from './response';

/** @public */
export const DEFAULT_OPENCOST_AGGREGATE = 'namespace,controllerKind,controller';
/** @public */
export const DEFAULT_OPENCOST_CURRENCY = 'USD';

const DEFAULT_ATTEMPTS = 3;
const DEFAULT_RETRY_DELAY: HumanDuration = { seconds: 1 };
const DEFAULT_TIMEOUT: HumanDuration = { minutes: 2 };

/**
 * Options of {@link OpenCostDataSource}.
 *
 * @public
 */
export interface OpenCostDataSourceOptions {
  /** The OpenCost API, e.g. `http://opencost.opencost:9003`. */
  baseUrl: string;
  /** OpenCost's `aggregate` parameter. Defaults to `namespace,controllerKind,controller`. */
  aggregate?: string;
  /** ISO 4217 code of the currency OpenCost's prices are in. Defaults to `USD`. */
  currency?: string;
  /** Extra request headers, e.g. `Authorization` for a proxy in front of OpenCost. */
  headers?: Record<string, string>;
  /** How far back the first ingestion reaches. Defaults to the backend's setting. */
  backfill?: HumanDuration;
  /** Tries per request for 5xx answers and network errors. Defaults to 3. */
  attempts?: number;
  /** Wait before the first retry; doubled before each further one. Defaults to 1 second. */
  retryDelay?: HumanDuration;
  /** Timeout of one request. Defaults to 2 minutes. */
  timeout?: HumanDuration;
}

/**
 * A FinOps data source that reads Kubernetes cost allocation from OpenCost's
 * `GET /allocation/compute`, one hourly step at a time, and emits cost facts
 * per category and the CPU, memory and GPU usage behind them.
 *
 * OpenCost prices allocations at list (on-demand) prices, so billed,
 * effective and list cost are the same amount.
 *
 * @public
 */
export class OpenCostDataSource implements FinopsDataSource {
  readonly id = 'opencost';
  readonly backfill?: HumanDuration;
  readonly baseUrl: string;
  readonly aggregate: string;
  readonly currency: string;
  readonly #headers: Record<string, string>;
  readonly #attempts: number;
  readonly #retryDelayMs: number;
  readonly #timeoutMs: number;

  /**
   * Reads `finops.opencost`; returns undefined when `baseUrl` is not set.
   */
  static fromConfig(config: Config): OpenCostDataSource | undefined {
    const opencost = config.getOptionalConfig('finops.opencost');
    const baseUrl = opencost?.getOptionalString('baseUrl');
    if (!opencost || !baseUrl) {
      return undefined;
    }
    const duration = (key: string) =>
      opencost.has(key) ? readDurationFromConfig(opencost, { key }) : undefined;
    return new OpenCostDataSource({
      baseUrl,
      aggregate: opencost.getOptionalString('aggregate'),
      currency: opencost.getOptionalString('currency'),
      headers: readHeaders(opencost),
      backfill: duration('backfill'),
      attempts: opencost.getOptionalNumber('retries.attempts'),
      retryDelay: duration('retries.delay'),
      timeout: duration('timeout'),
    });
  }

  constructor(options: OpenCostDataSourceOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new TypeError(
        `OpenCost baseUrl must be an absolute URL, got '${options.baseUrl}'`,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(
        `OpenCost baseUrl must be http or https, got '${options.baseUrl}'`,
      );
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.aggregate = options.aggregate?.trim() || DEFAULT_OPENCOST_AGGREGATE;
    const currency = options.currency ?? DEFAULT_OPENCOST_CURRENCY;
    if (!/^[A-Z]{3}$/.test(currency)) {
      throw new TypeError(
        `OpenCost currency must be an ISO 4217 code such as USD, got '${currency}'`,
      );
    }
    this.currency = currency;
    this.backfill = options.backfill;
    this.#headers = { ...options.headers };
    const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
    if (!Number.isInteger(attempts) || attempts < 1) {
      throw new TypeError(
        `OpenCost retries.attempts must be a positive integer, got ${attempts}`,
      );
    }
    this.#attempts = attempts;
    this.#retryDelayMs = durationToMilliseconds(
      options.retryDelay ?? DEFAULT_RETRY_DELAY,
    );
    this.#timeoutMs = durationToMilliseconds(
      options.timeout ?? DEFAULT_TIMEOUT,
    );
  }

  /** The allocation query for a window, as it is sent. */
  allocationUrl(window: FinopsWindow): string {
    const query = new URLSearchParams({
      window: `${rfc3339(window.start)},${rfc3339(window.end)}`,
      step: '1h',
      aggregate: this.aggregate,
      accumulate: 'false',
      includeIdle: 'true',
      shareIdle: 'false',
    });
    return `${this.baseUrl}/allocation/compute?${query}`;
  }

  async *read(options: FinopsReadOptions): AsyncIterable<FinopsRecord> {
    const { window, logger, signal } = options;
    const url = this.allocationUrl(window);
    logger.debug(
      `Reading OpenCost allocations: GET ${redactUrl(url, { query: true })}`,
    );
    const sets = await this.#fetchAllocations(url, logger, signal);
    const unmapped = findUnmappedCosts(sets);
    if (unmapped.length > 0) {
      const { key, totalCost, mapped } = unmapped[0];
      logger.warn(
        `${unmapped.length} OpenCost allocations have a totalCost that their cost fields do not add up to, e.g. '${key}': totalCost ${totalCost}, mapped ${mapped}; OpenCost may report a cost field this module does not read`,
      );
    }
    let count = 0;
    for (const record of allocationsToRecords({
      sets,
      window,
      currency: this.currency,
    })) {
      count++;
      yield record;
    }
    logger.debug(
      `OpenCost gave ${
        sets.length
      } steps and ${count} records for [${window.start.toISOString()}, ${window.end.toISOString()})`,
    );
  }

  async #fetchAllocations(
    url: string,
    logger: LoggerService,
    signal?: AbortSignal,
  ): Promise<OpenCostAllocationSet[]> {
    const describe = `OpenCost request GET ${redactUrl(url, { query: true })}`;
    const body = await fetchJson(url, {
      describe,
      headers: this.#headers,
      attempts: this.#attempts,
      retryDelayMs: this.#retryDelayMs,
      timeoutMs: this.#timeoutMs,
      signal,
      logger,
    });
    try {
      return parseAllocationResponse(body);
    } catch (error) {
      throw new Error(`${describe}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}

/** RFC 3339 without fractional seconds, as OpenCost's examples write it. */
function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function readHeaders(config: Config): Record<string, string> | undefined {
  const headers = config.getOptionalConfig('headers');
  if (!headers) {
    return undefined;
  }
  return Object.fromEntries(
    headers.keys().map(key => [key, headers.getString(key)]),
  );
}
