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

import {
  createBackendModule,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { EntityCostSummary } from '@ai-finops/backstage-plugin-finops-common';
import {
  createCarbonAwareRecommender,
  createCpuMemoryRightsizingRecommender,
  createGpuRightsizingRecommender,
  createReplicaBoundsRecommender,
  createSpotRecommender,
  finopsRecommendersExtensionPoint,
  type FinopsRecommender,
  type FinopsRecommenderContext,
} from './recommenders';

const HOUR = 3_600_000;
const GIB = 2 ** 30;
const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'chat', namespace: 'default' },
  spec: {},
};
const context: FinopsRecommenderContext = {
  entity,
  summary: { entityRef: 'component:default/chat' } as EntityCostSummary,
};
const workload = { kind: 'Deployment', name: 'chat', namespace: 'ml' };

describe('engine recommenders', () => {
  it('turn CPU/memory usage into request changes with saving, carbon, risk and confidence', async () => {
    const cpu = Array.from({ length: 8 * 24 }, (_, h) => ({
      timestamp: h * HOUR,
      cores: 0.4,
    }));
    const memory = cpu.map(s => ({ timestamp: s.timestamp, bytes: GIB }));
    const seen: FinopsRecommenderContext[] = [];
    const recommender = createCpuMemoryRightsizingRecommender({
      inputs: async ctx => {
        seen.push(ctx);
        return [
          {
            workload,
            replicas: 2,
            containers: [
              {
                container: 'server',
                cpu,
                memory,
                current: { cpuRequestCores: 2, memoryRequestBytes: 8 * GIB },
              },
            ],
            usdPerCoreHour: 0.03,
            usdPerGibHour: 0.004,
          },
        ];
      },
    });
    const [rec] = await recommender.recommend(context);
    expect(seen[0].entity).toBe(entity);
    expect(rec).toMatchObject({
      id: 'rightsize-cpu-memory:ml/Deployment/chat',
      recommenderId: 'rightsize-cpu-memory',
      entityRef: 'component:default/chat',
      kind: 'rightsize-cpu-memory',
      risk: 'medium',
      workload,
    });
    expect(rec.monthlySavings).toBeGreaterThan(
      2 * 730 * (1.4 * 0.03 + 6 * 0.004),
    );
    expect(rec.monthlyCarbonSavingKg).toBeGreaterThan(0);
    expect(rec.confidence).toBeCloseTo(1, 1);
    expect(rec.changes!.map(c => c.path)).toEqual([
      '/spec/template/spec/containers/0/resources/requests/cpu',
      '/spec/template/spec/containers/0/resources/requests/memory',
    ]);
  });

  it('rank GPU options and skip workloads with nothing to change', async () => {
    const recommender = createGpuRightsizingRecommender({
      inputs: async () => [
        {
          workload,
          replicas: 2,
          gpuModel: 'NVIDIA-A100-SXM4-80GB',
          gpusPerReplica: 1,
          peakFbUsedMiB: 70 * 1024,
          activityP95: 0.9,
          usdPerGpuHour: () => 5,
        },
        {
          workload: { ...workload, name: 'embed' },
          replicas: 2,
          gpuModel: 'NVIDIA-A100-SXM4-80GB',
          gpusPerReplica: 1,
          peakFbUsedMiB: 5 * 1024,
          activityP95: 0.05,
          usdPerGpuHour: m => (m === 'NVIDIA-A100-SXM4-80GB' ? 5 : undefined),
        },
      ],
    });
    const recs = await recommender.recommend(context);
    expect(recs).toHaveLength(1);
    expect(recs[0].id).toBe('rightsize-gpu:ml/Deployment/embed');
    expect(recs[0].changes![1].path).toMatch(/nvidia\.com~1mig-1g\.10gb$/);
  });

  it('combine cleaner regions and cleaner hours, most carbon first', async () => {
    const recommender = createCarbonAwareRecommender({
      regions: async () => [
        {
          workload,
          current: { provider: 'aws', region: 'us-east-1', usdPerHour: 4 },
          candidates: [
            { provider: 'aws', region: 'eu-north-1', usdPerHour: 4 },
          ],
          monthlyEnergyKwh: 500,
        },
      ],
      timeShifts: async () => [
        {
          workload: { kind: 'CronJob', name: 'reindex', namespace: 'ml' },
          schedule: '0 1 * * *',
          hourlyIntensity: Array.from({ length: 24 }, (_, h) =>
            h === 5 ? 100 : 400,
          ),
          durationHours: 1,
          slackHours: 8,
          energyKwhPerRun: 10,
          runsPerMonth: 30,
          pue: 1.1,
        },
      ],
    });
    const recs = await recommender.recommend(context);
    expect(recs.map(r => r.kind)).toEqual([
      'carbon-region',
      'carbon-time-shift',
    ]);
    expect(recs.every(r => r.recommenderId === 'carbon-aware')).toBe(true);
    expect(recs[1].changes![0]).toMatchObject({
      oldValue: '0 1 * * *',
      newValue: '0 5 * * *',
    });
  });

  it('register through the extension point of a running backend', async () => {
    const collected: FinopsRecommender[] = [];
    const host = createBackendPlugin({
      pluginId: 'finops',
      register(env) {
        env.registerExtensionPoint(finopsRecommendersExtensionPoint, {
          addRecommender: (...r) => collected.push(...r.flat()),
        });
        env.registerInit({ deps: {}, async init() {} });
      },
    });
    const module = createBackendModule({
      pluginId: 'finops',
      moduleId: 'engine-recommenders',
      register(reg) {
        reg.registerInit({
          deps: { recommenders: finopsRecommendersExtensionPoint },
          async init({ recommenders }) {
            recommenders.addRecommender(
              createSpotRecommender({
                inputs: async () => [
                  {
                    workload,
                    interruptionTolerant: true,
                    onDemandUsdPerHour: 2,
                    spotUsdPerHour: 0.8,
                  },
                ],
              }),
              [
                createReplicaBoundsRecommender({ inputs: async () => [] }),
                createCarbonAwareRecommender({}),
              ],
            );
          },
        });
      },
    });
    const backend = await startTestBackend({ features: [host, module] });
    expect(collected.map(r => r.id)).toEqual([
      'spot',
      'replica-bounds',
      'carbon-aware',
    ]);
    const [spot] = await collected[0].recommend(context);
    expect(spot.monthlySavings).toBeCloseTo(1.2 * 730, 9);
    expect(await collected[1].recommend(context)).toEqual([]);
    await backend.stop();
  });
});
