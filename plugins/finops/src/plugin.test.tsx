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

import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { EntityCostSummary } from '@ai-finops/backstage-plugin-finops-common';
import { finopsApiRef } from './api';
import { EntityFinopsCostCard, finopsPlugin } from './plugin';

describe('finopsPlugin (legacy frontend system)', () => {
  it('has the finops id and provides the API factory', () => {
    expect(finopsPlugin.getId()).toBe('finops');
    expect([...finopsPlugin.getApis()].map(f => f.api.id)).toEqual([
      'plugin.finops.service',
    ]);
  });

  it('renders EntityFinopsCostCard with a custom title', async () => {
    const summary: EntityCostSummary = {
      entityRef: 'component:default/chat-llm',
      currency: 'EUR',
      dataUntil: '2026-11-14T13:00:00.000Z',
      month: '2026-11',
      monthToDate: { billedCost: 0, effectiveCost: 4321, listCost: 0 },
      previousMonthToDate: { billedCost: 0, effectiveCost: 0, listCost: 0 },
      dailyCosts: [{ date: '2026-11-14', cost: 300 }],
      topDrivers: [],
      usage: { gpuHours: 0, tokens: 0, requests: 0 },
    };
    renderInTestApp(
      <EntityProvider
        entity={{
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: 'chat-llm',
            annotations: { 'ai-finops.io/billing-tags': 'app=chat' },
          },
        }}
      >
        <EntityFinopsCostCard title="Cloud cost" />
      </EntityProvider>,
      { apis: [[finopsApiRef, { getEntityCostSummary: async () => summary }]] },
    );

    expect(
      await screen.findByText('€4,321', {}, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'Cloud cost' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('No spend in the same days last month'),
    ).toBeInTheDocument();
  });
});
