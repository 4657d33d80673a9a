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

import { ConfigReader } from '@backstage/config';
import { DEFAULT_FINOPS_CHECK_TARGETS, getFinopsChecks } from './checks';
import { readFinopsFactRetrieverOptions } from './options';
import {
  FINOPS_CATALOG_FACT_RETRIEVER_ID,
  FINOPS_COST_FACT_RETRIEVER_ID,
} from './retrievers';

describe('readFinopsFactRetrieverOptions', () => {
  it('has defaults', () => {
    expect(readFinopsFactRetrieverOptions(new ConfigReader({}))).toEqual({
      maxEntities: 5000,
      concurrency: 4,
      requestTimeoutMs: 10_000,
      costCenterLabel: 'cost-center',
    });
  });

  it('reads techInsights.finops', () => {
    const read = (finops: object) =>
      readFinopsFactRetrieverOptions(
        new ConfigReader({ techInsights: { finops } }),
      );
    expect(
      read({
        maxEntities: 200,
        concurrency: 8,
        requestTimeout: { seconds: 30 },
        costCenterLabel: 'costcenter',
      }),
    ).toEqual({
      maxEntities: 200,
      concurrency: 8,
      requestTimeoutMs: 30_000,
      costCenterLabel: 'costcenter',
    });
    expect(read({ requestTimeout: '2.5s' }).requestTimeoutMs).toBe(2500);
    expect(read({ requestTimeout: 'PT1M' }).requestTimeoutMs).toBe(60_000);
  });

  it('rejects invalid values', () => {
    const read = (finops: object) => () =>
      readFinopsFactRetrieverOptions(
        new ConfigReader({ techInsights: { finops } }),
      );
    expect(read({ maxEntities: 0 })).toThrow(
      'Invalid techInsights.finops.maxEntities 0; expected a positive integer',
    );
    expect(read({ concurrency: 1.5 })).toThrow(/concurrency 1.5/);
    expect(read({ requestTimeout: { seconds: 0 } })).toThrow(
      /expected a positive duration/,
    );
    expect(read({ costCenterLabel: ' ' })).toThrow(/costCenterLabel/);
  });
});

describe('getFinopsChecks', () => {
  it('gives the four recommended checks with the default targets', () => {
    const checks = getFinopsChecks();
    expect(Object.keys(checks)).toEqual([
      'finopsGpuEfficiency',
      'finopsMonthlyBudget',
      'finopsCostCenter',
      'finopsCostPerMillionTokens',
    ]);
    expect(checks.finopsGpuEfficiency.factIds).toEqual([
      FINOPS_COST_FACT_RETRIEVER_ID,
    ]);
    expect(checks.finopsGpuEfficiency.rule.conditions.all).toEqual([
      {
        fact: 'gpuEfficiencyPercent',
        operator: 'greaterThanInclusive',
        value: 60,
      },
    ]);
    expect(checks.finopsMonthlyBudget.factIds).toEqual([
      FINOPS_CATALOG_FACT_RETRIEVER_ID,
    ]);
    expect(checks.finopsCostPerMillionTokens.rule.conditions.all).toEqual([
      { fact: 'costPerMillionTokens', operator: 'lessThanInclusive', value: 2 },
    ]);
    expect(checks.finopsCostPerMillionTokens.description).toBe(
      'Cost per million tokens of the last 30 days is at most 2.00 USD',
    );
    expect(DEFAULT_FINOPS_CHECK_TARGETS).toEqual({
      gpuEfficiencyPercent: 60,
      costPerMillionTokens: 2,
    });
  });

  it('takes other targets', () => {
    const checks = getFinopsChecks({
      gpuEfficiencyPercent: 75,
      costPerMillionTokens: 0.5,
    });
    expect(checks.finopsGpuEfficiency.rule.conditions.all[0].value).toBe(75);
    expect(checks.finopsGpuEfficiency.description).toBe(
      'GPU efficiency of the last 30 days is at least 75 %',
    );
    expect(checks.finopsCostPerMillionTokens.rule.conditions.all[0].value).toBe(
      0.5,
    );
  });
});
