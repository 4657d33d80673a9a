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

import { delay } from '@ai-finops/backstage-plugin-finops-node';

/**
 * One series of a Prometheus range query: its labels and its `[unix seconds,
 * "value"]` points, as `/api/v1/query_range` returns them.
 *
 * @public
 */
export interface PrometheusSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

/**
 * Options of {@link PrometheusClient}.
 *
 * @public
 */
export interface PrometheusClientOptions {
  /** Prometheus (or Thanos, Mimir, VictoriaMetrics) base URL, e.g. `http://prometheus:9090`. */
  baseUrl: string;
  /** Extra request headers, e.g. `Authorization` or `X-Scope-OrgID`. */
  headers?: Record<string, string>;
  /** Attempts after the first on a 5xx answer or a network error. Defaults to 3. */
  retries?: number;
  /** Delay before the first retry, doubled on each further one. Defaults to 1000 ms. */
  retryDelayMs?: number;
}

/** A range query: the PromQL, a name for error messages, and its span. */
export interface RangeQuery {
  /** Names the query in errors, e.g. `tokens_input`. */
  name: string;
  query: string;
  /** Unix seconds. */
  start: number;
  /** Unix seconds, inclusive. */
  end: number;
  /** Seconds. */
  step: number;
  signal?: AbortSignal;
}

interface PrometheusResponse {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

class RetryableError extends Error {}

/**
 * A minimal client of the Prometheus HTTP API (`GET /api/v1/query_range`),
 * built on the global `fetch`. It retries 5xx answers and network errors
 * with exponential backoff, and fails with the query's name, the HTTP status
 * and Prometheus' own `error` otherwise.
 *
 * @public
 */
export class PrometheusClient {
  readonly baseUrl: string;
  readonly #headers: Record<string, string>;
  readonly #retries: number;
  readonly #retryDelayMs: number;

  constructor(options: PrometheusClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#headers = { accept: 'application/json', ...options.headers };
    this.#retries = options.retries ?? 3;
    this.#retryDelayMs = options.retryDelayMs ?? 1000;
  }

  /** Runs a range query and returns its matrix. */
  async queryRange(query: RangeQuery): Promise<PrometheusSeries[]> {
    const params = new URLSearchParams({
      query: query.query,
      start: String(query.start),
      end: String(query.end),
      step: `${query.step}s`,
    });
    const url = `${this.baseUrl}/api/v1/query_range?${params}`;
    for (let attempt = 0; ; attempt++) {
      query.signal?.throwIfAborted();
      try {
        return await this.#fetchMatrix(url, query);
      } catch (error) {
        if (!(error instanceof RetryableError) || attempt >= this.#retries) {
          throw error;
        }
        await delay(this.#retryDelayMs * 2 ** attempt, query.signal);
      }
    }
  }

  async #fetchMatrix(
    url: string,
    query: RangeQuery,
  ): Promise<PrometheusSeries[]> {
    const what = `Prometheus query '${query.name}' (${query.query})`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: this.#headers,
        signal: query.signal,
      });
    } catch (error) {
      if (query.signal?.aborted) {
        throw error;
      }
      throw new RetryableError(
        `${what} failed: could not reach ${this.baseUrl}: ${
          (error as Error).cause ?? (error as Error).message
        }`,
      );
    }
    const text = await response.text();
    let body: PrometheusResponse | undefined;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok || body?.status !== 'success') {
      const detail = body?.error
        ? `${body.errorType ?? 'error'}: ${body.error}`
        : text.slice(0, 200) || response.statusText;
      const message = `${what} failed: HTTP ${response.status}, ${detail}`;
      throw response.status >= 500
        ? new RetryableError(message)
        : new Error(message);
    }
    if (
      body.data?.resultType !== 'matrix' ||
      !Array.isArray(body.data.result)
    ) {
      throw new Error(
        `${what} failed: expected a matrix, got ${
          body.data?.resultType ?? 'no data'
        }`,
      );
    }
    return body.data.result as PrometheusSeries[];
  }
}
