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

import http from 'node:http';
import https from 'node:https';

/** How long one request to Argo CD or a Kubernetes API may take. */
export const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The largest response body read. An Argo CD Application with its resource
 * tree summary and a few hundred resources is some hundred KB; a list of
 * Applications matching a selector is capped by
 * {@link MAX_DEPLOYMENTS_PER_ENTITY} after it is read.
 */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** Where and how to connect: a configured Argo CD instance or Flux cluster. */
export interface DeliveryEndpoint {
  /** The configured name, used in errors. */
  name: string;
  /** Base URL, without a trailing slash. */
  url: string;
  /** The bearer token; never logged or returned. */
  token: string;
  /** PEM certificate(s) of the CA that signed the server's certificate. */
  ca?: string;
  skipTLSVerify?: boolean;
}

/**
 * GETs `path` (with its query) from the endpoint with the bearer token and
 * parses the JSON answer, within `timeoutMs` (of inactivity) and
 * {@link MAX_RESPONSE_BYTES}. Errors name the endpoint by its configured
 * name and the path, never the token.
 */
export function getJson<T>(
  endpoint: DeliveryEndpoint,
  path: string,
  what: string,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<T> {
  const url = new URL(endpoint.url.replace(/\/+$/, '') + path);
  const isHttps = url.protocol === 'https:';
  if (!isHttps && url.protocol !== 'http:') {
    return Promise.reject(
      new Error(`${what}: unsupported URL scheme ${url.protocol}`),
    );
  }
  const options: https.RequestOptions = {
    method: 'GET',
    headers: {
      Authorization: `Bearer ${endpoint.token}`,
      Accept: 'application/json',
    },
    timeout: timeoutMs,
    ...(isHttps
      ? {
          ...(endpoint.ca ? { ca: endpoint.ca } : {}),
          rejectUnauthorized: !endpoint.skipTLSVerify,
        }
      : {}),
  };
  // A server may echo what it was sent: keep the token out of every error.
  const redact = (message: string) =>
    endpoint.token ? message.split(endpoint.token).join('<redacted>') : message;
  return new Promise<T>((resolve, reject) => {
    const fail = (message: string) =>
      reject(new Error(redact(`${what}: ${message}`)));
    const req = (isHttps ? https : http).request(url, options, res => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) {
          res.destroy();
          fail(
            `response larger than ${MAX_RESPONSE_BYTES} bytes from ${url.pathname}`,
          );
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', error => fail(error.message));
      res.on('end', () => {
        if (size > MAX_RESPONSE_BYTES) return;
        const body = Buffer.concat(chunks).toString('utf8');
        if (status < 200 || status >= 300) {
          fail(`HTTP ${status} from ${url.pathname}${describeError(body)}`);
          return;
        }
        try {
          resolve(JSON.parse(body) as T);
        } catch {
          fail(`the answer from ${url.pathname} is not JSON`);
        }
      });
    });
    req.on('timeout', () => {
      req.destroy();
      fail(`no answer within ${timeoutMs / 1000} s`);
    });
    req.on('error', error => {
      const code = (error as NodeJS.ErrnoException).code;
      fail(code ? `${code} (${error.message})` : error.message);
    });
    req.end();
  });
}

/** The server's own message (Argo CD's `message`, a Kubernetes Status'). */
function describeError(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string' && parsed.message) {
      return `: ${parsed.message.slice(0, 300)}`;
    }
  } catch {
    // not JSON: no message to add
  }
  return '';
}
