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
import { createFinopsDataSourceModule } from '@ai-finops/backstage-plugin-finops-node';
import {
  DEFAULT_PROMETHEUS_QUERIES,
  PrometheusUsageSource,
  type PrometheusQueryMetric,
  type PrometheusUsageSourceOptions,
} from './PrometheusUsageSource';

/**
 * Reads a step given as seconds (`60`) or a Prometheus duration (`30s`, `1m`).
 */
function readStepSeconds(config: Config): number | undefined {
  const step = config.getOptional<number | string>('step');
  if (step === undefined || typeof step === 'number') {
    return step;
  }
  const match = /^(\d+)(s|m|h)$/.exec(step.trim());
  if (!match) {
    throw new TypeError(
      `Invalid finops.prometheus.step '${step}': use seconds or a duration such as 30s, 1m`,
    );
  }
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as 's'];
}

/**
 * Reads `finops.prometheus` into the options of {@link PrometheusUsageSource}.
 *
 * @public
 */
export function readPrometheusUsageSourceOptions(
  config: Config,
): PrometheusUsageSourceOptions {
  const queries: Partial<Record<PrometheusQueryMetric, string[]>> = {};
  const queriesConfig = config.getOptionalConfig('queries');
  for (const metric of Object.keys(
    DEFAULT_PROMETHEUS_QUERIES,
  ) as PrometheusQueryMetric[]) {
    const value = queriesConfig?.getOptional<string | string[]>(metric);
    if (value !== undefined) {
      queries[metric] = (Array.isArray(value) ? value : [value]).filter(
        q => q.trim() !== '',
      );
    }
  }
  const headersConfig = config.getOptionalConfig('headers');
  const headers = headersConfig
    ? Object.fromEntries(
        headersConfig.keys().map(k => [k, headersConfig.getString(k)]),
      )
    : undefined;
  return {
    baseUrl: config.getString('baseUrl'),
    id: config.getOptionalString('id'),
    stepSeconds: readStepSeconds(config),
    queries,
    kubernetesIdLabel: config.getOptionalString('kubernetesIdLabel'),
    headers,
    backfill: config.has('backfill')
      ? readDurationFromConfig(config, { key: 'backfill' })
      : undefined,
  };
}

/**
 * The AI FinOps Prometheus module: when `finops.prometheus.baseUrl` is set,
 * adds a usage source that reads DCGM GPU metrics and vLLM / Triton
 * counters from Prometheus.
 *
 * @public
 */
export const finopsModulePrometheus = createFinopsDataSourceModule({
  moduleId: 'prometheus',
  async init({ config, logger, dataSources }) {
    const prometheus = config.getOptionalConfig('finops.prometheus');
    if (!prometheus?.has('baseUrl')) {
      logger.debug(
        'AI FinOps Prometheus source is off; set finops.prometheus.baseUrl to turn it on',
      );
      return;
    }
    const source = new PrometheusUsageSource(
      readPrometheusUsageSourceOptions(prometheus),
    );
    dataSources.addDataSource(source);
    logger.info(
      `AI FinOps Prometheus source '${
        source.id
      }' reads GPU and inference usage from ${prometheus.getString(
        'baseUrl',
      )} at a ${source.stepSeconds}s step`,
    );
  },
});
