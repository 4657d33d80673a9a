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

import { startDataSourceModule } from '@ai-finops/test-utils';
import { PrometheusUsageSource } from './PrometheusUsageSource';
import { finopsModulePrometheus } from './module';

const start = (config: object) =>
  startDataSourceModule(finopsModulePrometheus, config);

describe('finopsModulePrometheus', () => {
  it('adds nothing without finops.prometheus.baseUrl', async () => {
    expect((await start({})).added).toEqual([]);
    expect(
      (await start({ finops: { prometheus: { step: '30s' } } })).added,
    ).toEqual([]);
  });

  it('adds the source with its defaults, and says so', async () => {
    const { added, logger } = await start({
      finops: { prometheus: { baseUrl: 'http://prometheus:9090/' } },
    });
    expect(added).toHaveLength(1);
    const source = added[0] as PrometheusUsageSource;
    expect(source).toBeInstanceOf(PrometheusUsageSource);
    expect(source.id).toBe('prometheus');
    expect(source.stepSeconds).toBe(60);
    expect(source.backfill).toBeUndefined();
    expect(source.queries.tokens_input).toEqual(['vllm:prompt_tokens_total']);
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining('http://prometheus:9090/ at a 60s step'),
    );
  });

  it('reads id, step, queries and backfill from config', async () => {
    const { added } = await start({
      finops: {
        prometheus: {
          baseUrl: 'http://thanos:10902',
          id: 'prometheus-eu',
          step: '2m',
          kubernetesIdLabel: 'label_app',
          headers: { 'X-Scope-OrgID': 'tenant-a' },
          backfill: { days: 14 },
          queries: {
            gpu_utilization:
              'avg_over_time(DCGM_FI_PROF_GR_ENGINE_ACTIVE[$step])',
            requests: [],
          },
        },
      },
    });
    const source = added[0] as PrometheusUsageSource;
    expect(source.id).toBe('prometheus-eu');
    expect(source.stepSeconds).toBe(120);
    expect(source.backfill).toEqual({ days: 14 });
    expect(source.queries.gpu_utilization).toEqual([
      'avg_over_time(DCGM_FI_PROF_GR_ENGINE_ACTIVE[$step])',
    ]);
    expect(source.queries.requests).toEqual([]);
    expect(source.queries.gpu_power_watts).toEqual([
      'avg_over_time(DCGM_FI_DEV_POWER_USAGE[$step])',
    ]);
  });

  it('fails the start on a step it cannot use', async () => {
    await expect(
      start({ finops: { prometheus: { baseUrl: 'http://p', step: 'soon' } } }),
    ).rejects.toThrow(/Invalid finops.prometheus.step 'soon'/);
  });
});
