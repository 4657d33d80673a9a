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
import {
  AuthenticationError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { delay } from './delay';
import { redactUrl } from './redact';

/** How much of an error body a message quotes. */
const MESSAGE_LIMIT = 500;
/** The longest Retry-After that is waited for. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;

/**
 * A non-2xx answer, for {@link FetchJsonOptions.httpErrorMessage}.
 *
 * @public
 */
export interface FetchJsonFailure {
  /** How messages name the request. */
  describe: string;
  status: number;
  statusText: string;
  /** The body, parsed, when it is JSON. */
  body?: unknown;
  /** The service's own message: `message` or `error` of a JSON body, or the text, shortened. */
  detail: string;
}

/**
 * Options of {@link fetchJson}.
 *
 * @public
 */
export interface FetchJsonOptions {
  /**
   * How messages name the request, e.g. `OpenCost request GET …`. Defaults to
   * `GET` and the URL without credentials or query string. Do not put
   * secrets in it.
   */
  describe?: string;
  /** Request headers; `accept: application/json` is added. */
  headers?: Record<string, string>;
  /** Tries in all for network errors, timeouts, 429 and 5xx answers. Defaults to 3. */
  attempts?: number;
  /** Wait before the first retry, doubled before each further one; a longer Retry-After wins. Defaults to 1000 ms. */
  retryDelayMs?: number;
  /** Timeout of one try, body included. Defaults to 30 seconds. */
  timeoutMs?: number;
  /** Stops the request and the waits between tries; rejects with its reason. */
  signal?: AbortSignal;
  /** Told about each retry. */
  logger?: Pick<LoggerService, 'warn'>;
  /**
   * The message of a non-2xx answer. Defaults to
   * `<describe> failed with HTTP <status> <statusText>: <detail>`.
   */
  httpErrorMessage?: (failure: FetchJsonFailure) => string;
  /**
   * The message of a request that got no answer. Defaults to
   * `<describe> failed: <what went wrong>`.
   */
  networkErrorMessage?: (failure: {
    describe: string;
    reason: string;
  }) => string;
}

/**
 * GETs `url` and returns its JSON body. Network errors, timeouts, 429 and
 * 5xx answers are retried with exponential backoff (a Retry-After header
 * wins when longer); the last one fails with `(gave up after N tries)`. A
 * non-2xx answer is an error of `@backstage/errors` chosen by its status
 * (401 `AuthenticationError`, 403 `NotAllowedError`, 404 `NotFoundError`,
 * other 4xx `InputError`, 429 and 5xx
 * `ServiceUnavailableError`) whose message names the request and quotes the
 * service's own message. User info in `url` is sent as basic
 * authentication; messages never show it, nor the query string unless
 * `describe` does.
 *
 * @public
 */
export async function fetchJson<T = unknown>(
  url: string,
  options: FetchJsonOptions = {},
): Promise<T> {
  const { signal, logger } = options;
  const attempts = options.attempts ?? 3;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new TypeError(`attempts must be a positive integer, got ${attempts}`);
  }
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const describe = options.describe ?? `GET ${redactUrl(url)}`;
  const { target, headers } = withoutUserInfo(url, {
    accept: 'application/json',
    ...options.headers,
  });

  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    let retryable: Error;
    let waitMs = retryDelayMs * 2 ** (attempt - 1);
    try {
      const timeout = AbortSignal.timeout(timeoutMs);
      const response = await fetch(target, {
        headers,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      const text = await response.text();
      if (response.ok) {
        try {
          return JSON.parse(text) as T;
        } catch {
          throw new Error(
            `${describe} returned a body that is not JSON: ${truncate(text)}`,
          );
        }
      }
      const failure = httpFailure(describe, response, text);
      const error = httpError(
        response.status,
        options.httpErrorMessage?.(failure) ?? defaultHttpMessage(failure),
      );
      if (response.status !== 429 && response.status < 500) throw error;
      retryable = error;
      waitMs = Math.max(waitMs, retryAfterMs(response.headers));
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (!isNetworkError(error)) throw error;
      const failure = { describe, reason: describeError(error) };
      retryable = new ServiceUnavailableError(
        options.networkErrorMessage?.(failure) ??
          `${describe} failed: ${failure.reason}`,
      );
    }
    if (attempt >= attempts) {
      retryable.message += ` (gave up after ${attempt} ${
        attempt === 1 ? 'try' : 'tries'
      })`;
      throw retryable;
    }
    logger?.warn(
      `${retryable.message}; retrying in ${waitMs} ms (try ${attempt} of ${attempts})`,
    );
    await delay(waitMs, signal);
  }
}

/** fetch cannot send user info in a URL: it goes as basic authentication. */
export function withoutUserInfo(
  url: string,
  headers: Record<string, string>,
): { target: string; headers: Record<string, string> } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`Not an absolute URL: ${redactUrl(url)}`);
  }
  if (!parsed.username && !parsed.password) return { target: url, headers };
  const credentials = Buffer.from(
    `${decodeURIComponent(parsed.username)}:${decodeURIComponent(
      parsed.password,
    )}`,
  ).toString('base64');
  parsed.username = '';
  parsed.password = '';
  const hasAuthorization = Object.keys(headers).some(
    h => h.toLowerCase() === 'authorization',
  );
  return {
    target: parsed.toString(),
    headers: hasAuthorization
      ? headers
      : { ...headers, authorization: `Basic ${credentials}` },
  };
}

function httpFailure(
  describe: string,
  response: Response,
  text: string,
): FetchJsonFailure {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const record = (body ?? {}) as { message?: unknown; error?: unknown };
  const message = record.message ?? record.error;
  let detail: string;
  if (typeof message === 'string') detail = truncate(message);
  else detail = text.trim() ? truncate(text.trim()) : 'empty body';
  return {
    describe,
    status: response.status,
    statusText: response.statusText,
    body,
    detail,
  };
}

function defaultHttpMessage(failure: FetchJsonFailure): string {
  const statusText = failure.statusText ? ` ${failure.statusText}` : '';
  return `${failure.describe} failed with HTTP ${failure.status}${statusText}: ${failure.detail}`;
}

function httpError(status: number, message: string): Error {
  switch (status) {
    case 401:
      return new AuthenticationError(message);
    case 403:
      return new NotAllowedError(message);
    case 404:
      return new NotFoundError(message);
    default:
      if (status === 429 || status >= 500) {
        return new ServiceUnavailableError(message);
      }
      return status >= 400 ? new InputError(message) : new Error(message);
  }
}

/** Retry-After in seconds or as an HTTP date; 0 when absent. */
function retryAfterMs(headers: Headers): number {
  const value = headers.get('retry-after');
  if (!value) return 0;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds)
    ? seconds * 1000
    : Date.parse(value) - Date.now();
  return Number.isFinite(ms)
    ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS)
    : 0;
}

/** fetch rejects with a TypeError for connection, DNS and socket failures. */
function isNetworkError(error: unknown): boolean {
  // Compared by name: fetch's errors may come from another realm.
  const name = (error as Error | undefined)?.name;
  return (
    name === 'TypeError' || name === 'TimeoutError' || name === 'AbortError'
  );
}

function describeError(error: unknown): string {
  const { message, cause } = error as { message?: unknown; cause?: unknown };
  const causeMessage = (cause as { message?: unknown } | undefined)?.message;
  return typeof causeMessage === 'string'
    ? `${message}: ${causeMessage}`
    : String(message ?? error);
}

function truncate(text: string): string {
  return text.length > MESSAGE_LIMIT
    ? `${text.slice(0, MESSAGE_LIMIT)}…`
    : text;
}
