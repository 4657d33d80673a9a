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

import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { fetchJson } from '../util/fetchJson';
import { redactUrl } from '../util/redact';

const HOUR_MS = 3_600_000;

/** What an Electricity Maps error status means for the operator. */
const STATUS_HINTS: Record<number, string> = {
  401: '; the API token was rejected, check finops.carbon.electricityMaps.apiToken',
  403: "; the API token's plan does not include this endpoint or zone (the free tier has the last 24 hours only)",
  429: '; rate limited by Electricity Maps',
};

/** The public Electricity Maps API. @public */
export const ELECTRICITY_MAPS_BASE_URL = 'https://api.electricitymap.org';

/**
 * The longest range `/v3/carbon-intensity/past-range` answers at hourly
 * granularity: 10 days.
 *
 * @public
 */
export const ELECTRICITY_MAPS_PAST_RANGE_HOURS = 240;

/**
 * One hourly carbon intensity as Electricity Maps reports it
 * (`/v3/carbon-intensity/history` and `/past-range`).
 *
 * @public
 */
export interface ElectricityMapsIntensity {
  zone: string;
  /** gCO2eq/kWh. */
  carbonIntensity: number;
  /** Start of the hour, ISO-8601. */
  datetime: string;
  updatedAt?: string;
  emissionFactorType?: string;
  isEstimated?: boolean;
  estimationMethod?: string | null;
}

/**
 * Options of {@link ElectricityMapsClient}.
 *
 * @public
 */
export interface ElectricityMapsClientOptions {
  /** Sent as the `auth-token` header. */
  apiToken: string;
  /** Default `https://api.electricitymap.org`. */
  baseUrl?: string;
  /** `lifecycle` (the API's default) or `direct`. */
  emissionFactorType?: 'lifecycle' | 'direct';
  /** Tries per request for 429, 5xx and network errors. Default 4. */
  attempts?: number;
  /** Wait before the first retry, doubled before each further one; a 429's Retry-After wins when longer. Default 1000 ms. */
  retryDelayMs?: number;
  /** Timeout of one request. Default 30 s. */
  timeoutMs?: number;
}

/**
 * A client of the Electricity Maps carbon-intensity API: the last 24 hours
 * (`/v3/carbon-intensity/history`, free tier) and any past range
 * (`/v3/carbon-intensity/past-range`, commercial plans, asked in chunks of
 * at most 10 days). Retries 429, 5xx and network errors with exponential
 * backoff; a rejected token (401) or plan (403) fails at once with an
 * error that says so.
 *
 * @public
 */
export class ElectricityMapsClient {
  readonly baseUrl: string;
  readonly #token: string;
  readonly #emissionFactorType?: string;
  readonly #attempts: number;
  readonly #retryDelayMs: number;
  readonly #timeoutMs: number;

  constructor(options: ElectricityMapsClientOptions) {
    if (!options.apiToken?.trim()) {
      throw new InputError('Electricity Maps needs an API token');
    }
    const baseUrl = options.baseUrl ?? ELECTRICITY_MAPS_BASE_URL;
    if (!/^https?:\/\/[^/]/.test(baseUrl)) {
      throw new InputError(
        `Electricity Maps baseUrl must be an http(s) URL, got '${baseUrl}'`,
      );
    }
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.#token = options.apiToken;
    this.#emissionFactorType = options.emissionFactorType;
    this.#attempts = options.attempts ?? 4;
    if (!Number.isInteger(this.#attempts) || this.#attempts < 1) {
      throw new InputError(
        `Electricity Maps attempts must be a positive integer, got ${options.attempts}`,
      );
    }
    this.#retryDelayMs = options.retryDelayMs ?? 1000;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** The last 24 hours of a zone. */
  async history(
    zone: string,
    options: { signal?: AbortSignal; logger?: LoggerService } = {},
  ): Promise<ElectricityMapsIntensity[]> {
    const url = this.#url('/v3/carbon-intensity/history', { zone });
    const body = await this.#get(url, options);
    return parseIntensities(body, 'history', url);
  }

  /**
   * The hours of `[start, end)` of a zone, asked in chunks of at most 10
   * days.
   */
  async pastRange(
    zone: string,
    start: Date,
    end: Date,
    options: { signal?: AbortSignal; logger?: LoggerService } = {},
  ): Promise<ElectricityMapsIntensity[]> {
    const points: ElectricityMapsIntensity[] = [];
    const chunk = ELECTRICITY_MAPS_PAST_RANGE_HOURS * HOUR_MS;
    for (let from = start.getTime(); from < end.getTime(); from += chunk) {
      const to = Math.min(from + chunk, end.getTime());
      const url = this.#url('/v3/carbon-intensity/past-range', {
        zone,
        start: iso(from),
        end: iso(to),
      });
      const body = await this.#get(url, options);
      for (const point of parseIntensities(body, 'data', url)) {
        const t = Date.parse(point.datetime);
        if (t >= from && t < to) points.push(point);
      }
    }
    return points;
  }

  #url(path: string, query: Record<string, string>): string {
    const params = new URLSearchParams(query);
    if (this.#emissionFactorType) {
      params.set('emissionFactorType', this.#emissionFactorType);
    }
    return `${this.baseUrl}${path}?${params}`;
  }

  #get(
    url: string,
    options: { signal?: AbortSignal; logger?: LoggerService },
  ): Promise<unknown> {
    return fetchJson(url, {
      ...options,
      describe: `Electricity Maps GET ${redactUrl(url, { query: true })}`,
      headers: { 'auth-token': this.#token },
      attempts: this.#attempts,
      retryDelayMs: this.#retryDelayMs,
      timeoutMs: this.#timeoutMs,
      httpErrorMessage: ({ describe, status, detail }) =>
        `${describe} failed with HTTP ${status}: ${detail}${
          STATUS_HINTS[status] ?? ''
        }`,
    });
  }
}

/**
 * Checks an Electricity Maps response and returns its intensities; points
 * whose `carbonIntensity` is null (no data for the hour) are left out.
 * Throws an error naming the field for a malformed body.
 *
 * @public
 */
export function parseIntensities(
  body: unknown,
  key: 'history' | 'data',
  url = 'Electricity Maps response',
): ElectricityMapsIntensity[] {
  const fail = (problem: string): never => {
    throw new Error(`${url}: ${problem}`);
  };
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return fail('the body is not a JSON object');
  }
  const record = body as Record<string, unknown>;
  // history answers { zone, history: [...] }, past-range { zone, data: [...] }.
  const items = record[key] ?? record[key === 'data' ? 'history' : 'data'];
  if (!Array.isArray(items)) {
    return fail(`'${key}' must be an array, got ${typeOf(items)}`);
  }
  const points: ElectricityMapsIntensity[] = [];
  items.forEach((item, index) => {
    const where = `${key}[${index}]`;
    if (!item || typeof item !== 'object') {
      fail(`${where} must be an object, got ${typeOf(item)}`);
    }
    const p = item as Record<string, unknown>;
    if (
      typeof p.datetime !== 'string' ||
      Number.isNaN(Date.parse(p.datetime))
    ) {
      fail(
        `${where}.datetime must be an ISO-8601 date-time, got ${typeOf(
          p.datetime,
        )}`,
      );
    }
    if (p.carbonIntensity === null || p.carbonIntensity === undefined) return;
    if (
      typeof p.carbonIntensity !== 'number' ||
      !Number.isFinite(p.carbonIntensity) ||
      p.carbonIntensity < 0
    ) {
      fail(
        `${where}.carbonIntensity must be a non-negative number, got ${typeOf(
          p.carbonIntensity,
        )}`,
      );
    }
    const zone = typeof p.zone === 'string' ? p.zone : record.zone;
    points.push({
      zone: typeof zone === 'string' ? zone : '',
      carbonIntensity: p.carbonIntensity as number,
      datetime: new Date(p.datetime as string).toISOString(),
      ...(typeof p.updatedAt === 'string' && { updatedAt: p.updatedAt }),
      ...(typeof p.emissionFactorType === 'string' && {
        emissionFactorType: p.emissionFactorType,
      }),
      ...(typeof p.isEstimated === 'boolean' && { isEstimated: p.isEstimated }),
      ...((typeof p.estimationMethod === 'string' ||
        p.estimationMethod === null) && {
        estimationMethod: p.estimationMethod as string | null,
      }),
    });
  });
  return points;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 60));
  return typeof value === 'object'
    ? 'an object'
    : `${typeof value} ${String(value)}`;
}
