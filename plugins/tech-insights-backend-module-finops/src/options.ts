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

import { readDurationFromConfig, type Config } from '@backstage/config';

/**
 * How the FinOps fact retrievers read the catalog and the finops backend;
 * read from `techInsights.finops` in app-config by
 * {@link readFinopsFactRetrieverOptions}.
 *
 * @public
 */
export interface FinopsFactRetrieverOptions {
  /** The most catalog entities one run covers (default 5,000). */
  maxEntities: number;
  /** Entities whose finops data is fetched at once (default 4). */
  concurrency: number;
  /** How long one request to the finops backend may take, in ms (default 10,000). */
  requestTimeoutMs: number;
  /** The label (and billing tag) that names an entity's cost center (default `cost-center`). */
  costCenterLabel: string;
}

/** The defaults of {@link FinopsFactRetrieverOptions}. */
export const DEFAULT_FACT_RETRIEVER_OPTIONS: FinopsFactRetrieverOptions = {
  maxEntities: 5000,
  concurrency: 4,
  requestTimeoutMs: 10_000,
  costCenterLabel: 'cost-center',
};

const MS_PER = {
  years: 365 * 24 * 3_600_000,
  months: 30 * 24 * 3_600_000,
  weeks: 7 * 24 * 3_600_000,
  days: 24 * 3_600_000,
  hours: 3_600_000,
  minutes: 60_000,
  seconds: 1000,
  milliseconds: 1,
} as const;

function positiveInteger(config: Config, key: string, fallback: number) {
  const value = config.getOptionalNumber(key);
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(
      `Invalid techInsights.finops.${key} ${value}; expected a positive integer`,
    );
  }
  return value;
}

/**
 * Reads {@link FinopsFactRetrieverOptions} from `techInsights.finops`.
 *
 * @public
 */
export function readFinopsFactRetrieverOptions(
  config: Config,
): FinopsFactRetrieverOptions {
  const finops = config.getOptionalConfig('techInsights.finops');
  if (!finops) return { ...DEFAULT_FACT_RETRIEVER_OPTIONS };

  let requestTimeoutMs = DEFAULT_FACT_RETRIEVER_OPTIONS.requestTimeoutMs;
  if (finops.has('requestTimeout')) {
    const duration = readDurationFromConfig(finops, { key: 'requestTimeout' });
    requestTimeoutMs = Object.entries(duration).reduce(
      (ms, [unit, amount]) =>
        ms + (amount ?? 0) * MS_PER[unit as keyof typeof MS_PER],
      0,
    );
    if (!(requestTimeoutMs > 0)) {
      throw new Error(
        'Invalid techInsights.finops.requestTimeout; expected a positive duration',
      );
    }
  }

  const costCenterLabel =
    finops.getOptionalString('costCenterLabel') ??
    DEFAULT_FACT_RETRIEVER_OPTIONS.costCenterLabel;
  if (!costCenterLabel.trim()) {
    throw new Error('Invalid techInsights.finops.costCenterLabel: empty');
  }

  return {
    maxEntities: positiveInteger(
      finops,
      'maxEntities',
      DEFAULT_FACT_RETRIEVER_OPTIONS.maxEntities,
    ),
    concurrency: positiveInteger(
      finops,
      'concurrency',
      DEFAULT_FACT_RETRIEVER_OPTIONS.concurrency,
    ),
    requestTimeoutMs,
    costCenterLabel,
  };
}
