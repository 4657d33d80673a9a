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

import type { Config } from '@backstage/config';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { DeliveryEndpoint } from './http';

/** The threshold of a reported cost step when none is configured, in %. */
export const DEFAULT_COST_STEP_THRESHOLD_PERCENT = 10;

/** How long a read Application or Flux object is served from the cache. */
export const DEFAULT_CACHE_TTL_SECONDS = 30;

/** The most Argo CD instances or Flux clusters read from config. */
export const MAX_ENDPOINTS = 50;

/** `finops.delivery`, read once at startup. */
export interface DeliverySettings {
  argocd: DeliveryEndpoint[];
  flux: DeliveryEndpoint[];
  costStepThresholdPercent: number;
  cacheTtlSeconds: number;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** A PEM CA from `caData`: base64 as in a kubeconfig, or PEM as is. */
function readCa(value: string | undefined, where: string) {
  if (!value) return undefined;
  if (value.includes('-----BEGIN')) return value;
  const pem = Buffer.from(value, 'base64').toString('utf8');
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new Error(
      `${where}.caData is neither a PEM certificate nor base64 of one`,
    );
  }
  return pem;
}

function readEndpoints(
  config: Config,
  key: string,
  tokenKey: 'token' | 'serviceAccountToken',
  logger: LoggerService,
): DeliveryEndpoint[] {
  const entries = config.getOptionalConfigArray(key) ?? [];
  if (entries.length > MAX_ENDPOINTS) {
    throw new Error(
      `${key} lists ${entries.length} entries; at most ${MAX_ENDPOINTS}`,
    );
  }
  const endpoints: DeliveryEndpoint[] = [];
  entries.forEach((entry, i) => {
    const where = `${key}[${i}]`;
    const name = entry.getString('name');
    if (!NAME.test(name)) {
      throw new Error(
        `${where}.name '${name}' must be 1 to 63 letters, digits, '.', '_' or '-'`,
      );
    }
    if (endpoints.some(e => e.name === name)) {
      throw new Error(`${where}.name '${name}' is listed twice`);
    }
    const url = entry.getString('url');
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`${where}.url '${url}' is not a URL`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new Error(`${where}.url '${url}' must be http(s)`);
    }
    // A token from a missing environment variable is undefined: skip the
    // entry with one warning instead of failing the backend's startup.
    const token = entry.getOptionalString(tokenKey);
    if (!token) {
      logger.warn(
        `${where} (${name}) has no ${tokenKey}; it is skipped: delivery status from ${name} is not shown`,
      );
      return;
    }
    endpoints.push({
      name,
      url: url.replace(/\/+$/, ''),
      token,
      ca: readCa(entry.getOptionalString('caData'), where),
      skipTLSVerify: entry.getOptionalBoolean('skipTLSVerify') ?? false,
    });
  });
  return endpoints;
}

/** Reads `finops.delivery`; throws naming the key when it is wrong. */
export function readDeliverySettings(
  config: Config,
  logger: LoggerService,
): DeliverySettings {
  const threshold =
    config.getOptionalNumber('finops.delivery.costStepThresholdPercent') ??
    DEFAULT_COST_STEP_THRESHOLD_PERCENT;
  if (!(threshold > 0 && threshold <= 1000)) {
    throw new Error(
      `finops.delivery.costStepThresholdPercent must be above 0 and at most 1000, got ${threshold}`,
    );
  }
  const ttl =
    config.getOptionalNumber('finops.delivery.cacheTtlSeconds') ??
    DEFAULT_CACHE_TTL_SECONDS;
  if (!(ttl >= 0 && ttl <= 3600)) {
    throw new Error(
      `finops.delivery.cacheTtlSeconds must be 0 to 3600, got ${ttl}`,
    );
  }
  return {
    argocd: readEndpoints(
      config,
      'finops.delivery.argocd.instances',
      'token',
      logger,
    ),
    flux: readEndpoints(
      config,
      'finops.delivery.flux.clusters',
      'serviceAccountToken',
      logger,
    ),
    costStepThresholdPercent: threshold,
    cacheTtlSeconds: ttl,
  };
}
