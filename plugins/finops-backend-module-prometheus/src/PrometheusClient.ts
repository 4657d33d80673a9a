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

import { fetchJson, redactUrl } from '@ai-finops/backstage-plugin-finops-node';

/**
 * One series of a Prometheus range query: its labels and its
 * `[unix seconds, "value"]` points, as `/api/v1/query_range` returns them.
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
  /** Timeout of one request. Defaults to 2 minutes. */
  timeoutMs?: number;
}

/**
 * A range query: the PromQL, a name for error messages, and its span.
 *
 * @public
 */
export interface PrometheusRangeQuery {
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

/**
 * A minimal client of the Prometheus HTTP API (`GET /api/v1/query_range`),
 * built on `fetchJson`. It retries 429 and 5xx answers and network errors
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
  readonly #timeoutMs: number;

  constructor(options: PrometheusClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#headers = { ...options.headers };
    this.#retries = options.retries ?? 3;
    this.#retryDelayMs = options.retryDelayMs ?? 1000;
    this.#timeoutMs = options.timeoutMs ?? 120_000;
  }

  /** Runs a range query and returns its matrix. */
  async queryRange(query: PrometheusRangeQuery): Promise<PrometheusSeries[]> {
    const params = new URLSearchParams({
      query: query.query,
      start: String(query.start),
      end: String(query.end),
      step: `${query.step}s`,
    });
    const url = `${this.baseUrl}/api/v1/query_range?${params}`;
    const what = `Prometheus query '${query.name}' (${query.query})`;
    const body = await fetchJson<PrometheusResponse>(url, {
      describe: what,
      headers: this.#headers,
      attempts: this.#retries + 1,
      retryDelayMs: this.#retryDelayMs,
      timeoutMs: this.#timeoutMs,
      signal: query.signal,
      httpErrorMessage: failure =>
        `${what} failed: HTTP ${failure.status}, ${prometheusError(
          failure.body,
          failure.detail,
        )}`,
      networkErrorMessage: ({ reason }) =>
        `${what} failed: could not reach ${redactUrl(this.baseUrl).replace(
          /\/+$/,
          '',
        )}: ${reason}`,
    });
    if (body?.status !== 'success') {
      throw new Error(
        `${what} failed: HTTP 200, ${prometheusError(
          body,
          JSON.stringify(body).slice(0, 200),
        )}`,
      );
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

/** Prometheus' own `errorType: error` from an answer, or `fallback`. */
function prometheusError(body: unknown, fallback: string): string {
  const answer = body as PrometheusResponse | undefined;
  return answer?.error
    ? `${answer.errorType ?? 'error'}: ${answer.error}`
    : fallback;
}
