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

import type {
  CostAllocationReport,
  EntityCarbonFootprint,
  EntityCostAnomalies,
  EntityCostForecast,
  EntityCostSeries,
  EntityGpuEfficiency,
  EntityRecommendations,
} from '@ai-finops/backstage-plugin-finops-common';
import { ResponseError } from '@backstage/errors';

const REF = 'component:default/chat-llm';

/** A ResponseError as the client throws it for an error answer. */
export async function responseError(
  status: number,
  message: string,
  name = 'Error',
): Promise<ResponseError> {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name, message },
        response: { statusCode: status },
      }),
      {
        status,
        statusText: String(status),
        headers: { 'Content-Type': 'application/json' },
      },
    ),
  );
}

export function aForecast(
  overrides: Partial<EntityCostForecast> = {},
): EntityCostForecast {
  return {
    entityRef: REF,
    currency: 'USD',
    month: '2026-11',
    asOf: '2026-11-13',
    daysElapsed: 13,
    daysInMonth: 30,
    actual: 10400,
    monthEnd: { mean: 24150, lower: 22010, upper: 26480, level: 0.8 },
    previousMonth: { month: '2026-10', cost: 21000 },
    history: [
      { date: '2026-11-12', cost: 800 },
      { date: '2026-11-13', cost: 810 },
    ],
    daily: [{ date: '2026-11-14', mean: 805, lower: 700, upper: 900 }],
    accuracy: {
      smape: 4.2,
      mase: 0.61,
      coverage: 0.8,
      origins: 10,
      horizon: 17,
    },
    models: [{ model: 'mstl-ets', weight: 1 }],
    notes: [],
    ...overrides,
  };
}

export function anEfficiency(
  overrides: Partial<EntityGpuEfficiency> = {},
): EntityGpuEfficiency {
  return {
    entityRef: REF,
    currency: 'USD',
    from: '2026-10-16',
    to: '2026-11-14',
    gpuModel: 'NVIDIA-H100-80GB-HBM3',
    gpuCount: { mean: 7.4, peak: 12, latest: 8 },
    sharing: 'whole',
    gpuHours: 5328,
    gpuCost: 36657,
    costPerGpuHour: 6.88,
    score: 61.7,
    activitySource: 'gpu_util',
    activity: 0.52,
    idleGpuHours: 0,
    unusedGpuHours: 1862.4,
    unusedCost: 12813.3,
    energyKwh: 2480,
    tokens: { input: 1.2e9, output: 3.1e8 },
    requests: 1_500_000,
    tokensPerSecondPerGpu: 78.7,
    outputTokensPerSecondPerGpu: 16.2,
    cost: 38120,
    costPerMillionTokens: 25.25,
    costPerMillionInputTokens: 15.1,
    costPerMillionOutputTokens: 64.2,
    costPerRequest: 0.0254,
    daily: [
      {
        date: '2026-11-13',
        gpuHours: 180,
        utilization: 0.5,
        score: 60,
        tokens: 5e7,
        requests: 50000,
        cost: 1270,
        costPerMillionTokens: 25.4,
      },
      {
        date: '2026-11-14',
        gpuHours: 170,
        utilization: 0.55,
        score: 63,
        tokens: 5.2e7,
        requests: 52000,
        cost: 1250,
        costPerMillionTokens: 24.0,
      },
    ],
    notes: [],
    ...overrides,
  };
}

export function aCarbon(
  overrides: Partial<EntityCarbonFootprint> = {},
): EntityCarbonFootprint {
  return {
    entityRef: REF,
    from: '2026-10-16',
    to: '2026-11-14',
    region: 'us-east-1',
    provider: 'aws',
    totalKg: 1109.6,
    operationalKg: 1067.1,
    embodiedKg: 42.5,
    energyKwh: 2480,
    measuredEnergyShare: 1,
    pue: 1.135,
    gridIntensity: {
      mean: 379.069,
      annual: 379.069,
      source: 'annual',
      exact: true,
    },
    gCo2ePerMillionTokens: 734.8,
    tokens: 1.51e9,
    greenerOption: {
      region: 'us-west-1',
      gCo2ePerKwh: 322.167,
      monthlyKgSaved: 163.4,
      percentLess: 15.01,
      monthlyCostDelta: 0,
      note: 'Same provider and geography; GPU price assumed equal there.',
    },
    daily: [
      { date: '2026-11-13', kg: 37, energyKwh: 82, intensity: 379 },
      { date: '2026-11-14', kg: 36, energyKwh: 80, intensity: 379 },
    ],
    notes: [],
    ...overrides,
  };
}

export function someRecommendations(
  overrides: Partial<EntityRecommendations> = {},
): EntityRecommendations {
  return {
    entityRef: REF,
    currency: 'USD',
    items: [
      {
        id: 'replica-bounds:/HorizontalPodAutoscaler/chat-llm',
        source: 'engine:replica-bounds',
        kind: 'replica-bounds',
        title: 'Set chat-llm to 1–3 replicas',
        description: 'Forecast of demand over the next 168 h.',
        monthlySavings: 8123,
        monthlyCarbonSavingKg: 120,
        risk: 'medium',
        riskReason: 'fewer replicas at the floor',
        confidence: 0.8,
        evidence: ['GPU utilisation: mean 52 %, P95 81 % (hourly).'],
        changes: [
          {
            kind: 'HorizontalPodAutoscaler',
            name: 'chat-llm',
            path: '/spec/minReplicas',
            op: 'replace',
            oldValue: 2,
            newValue: 1,
          },
        ],
        state: { status: 'open' },
      },
      {
        id: 'carbon-region:/Deployment/chat-llm',
        source: 'engine:carbon-region',
        kind: 'carbon-region',
        title: 'Move chat-llm to us-west-1 for 15 % less carbon',
        description: 'Grid intensity 379 → 322 gCO2e/kWh.',
        monthlySavings: 0,
        monthlyCarbonSavingKg: 163,
        risk: 'medium',
        riskReason: 'a region move changes latency',
        confidence: 0.7,
        evidence: ['Grid intensity of us-east-1: 379 gCO2e/kWh (annual).'],
        changes: [],
        state: { status: 'open' },
      },
    ],
    hidden: [],
    totalMonthlySavings: 8123,
    notes: [],
    ...overrides,
  };
}

export function someAnomalies(
  overrides: Partial<EntityCostAnomalies> = {},
): EntityCostAnomalies {
  return {
    entityRef: REF,
    currency: 'USD',
    from: '2026-10-16',
    to: '2026-11-14',
    granularity: 'daily',
    dollarFloor: 40,
    points: [
      { bucket: '2026-11-12', actual: 800, expected: 790, upper: 850 },
      { bucket: '2026-11-13', actual: 1900, expected: 800, upper: 860 },
    ],
    anomalies: [
      {
        bucket: '2026-11-13',
        actual: 1900,
        expected: 800,
        upper: 860,
        impact: 1100,
        percentOver: 137.5,
        severity: 'critical',
        explanation:
          'Cost $1,900 against $800 expected. Deployment/chat-llm moved most.',
        contributors: [],
      },
    ],
    notes: [],
    ...overrides,
  };
}

export function aCostSeries(
  from: string,
  to: string,
  days: number,
): EntityCostSeries {
  const buckets = Array.from({ length: days }, (_, i) =>
    new Date(Date.parse(from) + i * 86_400_000).toISOString().slice(0, 10),
  );
  const line = (key: string, cost: number) => ({
    key,
    total: {
      billedCost: cost * days,
      effectiveCost: cost * days,
      listCost: cost * days,
    },
    points: buckets.map(bucket => ({
      bucket,
      billedCost: cost,
      effectiveCost: cost,
      listCost: cost,
    })),
  });
  return {
    entityRef: REF,
    currency: 'USD',
    from,
    to,
    granularity: 'daily',
    groupBy: 'category',
    members: [REF],
    buckets,
    total: {
      billedCost: 900 * days,
      effectiveCost: 900 * days,
      listCost: 900 * days,
    },
    sharedCost: { billedCost: 0, effectiveCost: 0, listCost: 0 },
    series: [line('gpu', 800), line('storage', 100)],
    warnings: [],
  };
}

export function anAllocation(
  overrides: Partial<CostAllocationReport> = {},
): CostAllocationReport {
  const amounts = (v: number) => ({
    billedCost: v,
    effectiveCost: v,
    listCost: v,
  });
  return {
    currency: 'USD',
    from: '2026-11-01',
    to: '2026-11-14',
    total: amounts(100000),
    allocated: amounts(95000),
    unallocated: {
      ...amounts(5000),
      share: 0.05,
      topGroups: [
        {
          ...amounts(5000),
          kubernetesId: 'llm-playground',
          workload: 'Deployment/llm-playground',
          labels: {},
          tags: {},
          hint: 'Add backstage.io/kubernetes-id: llm-playground to the entity that owns it',
        },
      ],
    },
    entities: [
      {
        entityRef: REF,
        direct: amounts(60000),
        shared: amounts(0),
        total: amounts(60000),
      },
      {
        entityRef: 'component:default/query-embedder',
        direct: amounts(35000),
        shared: amounts(0),
        total: amounts(35000),
      },
    ],
    owners: [
      { entityRef: 'group:default/assistant', total: amounts(60000) },
      { entityRef: 'group:default/search-ai', total: amounts(35000) },
    ],
    systems: [{ entityRef: 'system:default/assistant', total: amounts(95000) }],
    sharedCosts: [],
    overlaps: [],
    warnings: [],
    ...overrides,
  };
}
