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

import { screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import type { EntityCostSummary } from '@ai-finops/backstage-plugin-finops-common';
import { finopsApiRef, type FinopsApi } from '../../api';
import { FinopsCostCard } from './FinopsCostCard';
import { aSummary } from '../../__fixtures__/summary';
import { aForecast } from '../../__fixtures__/engine';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'chat-llm',
    annotations: { 'backstage.io/kubernetes-id': 'chat-llm' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
};

const days = Array.from({ length: 30 }, (_, i) => ({
  date: `2026-10-${String(16 + i).padStart(2, '0')}`,
  cost: 400,
}));
days[3].cost = 120;
days[10].cost = 900;
days[29].cost = 800;

const summary: EntityCostSummary = aSummary({
  monthlyBudget: 25000,
  dailyCosts: days,
  topDrivers: [
    {
      category: 'gpu',
      workload: 'Deployment/chat-llm',
      gpuModel: 'NVIDIA-H100-80GB-HBM3',
      cost: 9000,
      share: 0.729,
    },
    {
      category: 'storage',
      workload: 'PersistentVolumeClaim/models',
      cost: 2000,
      share: 0.162,
    },
    { category: 'network', cost: 1345, share: 0.109 },
  ],
  usage: {
    gpuHours: 320,
    gpuUtilization: 0.634,
    tokens: 29_000_000_000,
    requests: 1_000_000,
    costPerMillionTokens: 0.42,
  },
});

function renderCard(api: Partial<FinopsApi>, e: Entity = entity) {
  return renderInTestApp(
    <EntityProvider entity={e}>
      <FinopsCostCard />
    </EntityProvider>,
    { apis: [[finopsApiRef, api]] },
  );
}

async function notFoundError(message: string) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'NotFoundError', message },
        response: { statusCode: 404 },
      }),
      {
        status: 404,
        statusText: 'Not Found',
        headers: { 'Content-Type': 'application/json' },
      },
    ),
  );
}

describe('FinopsCostCard', () => {
  it('shows month-to-date spend, trend, budget, sparkline, unit economics and drivers', async () => {
    const getEntityCostSummary = jest.fn().mockResolvedValue(summary);
    renderCard({ getEntityCostSummary });

    expect(await screen.findByText('$12,345')).toBeInTheDocument();
    expect(getEntityCostSummary).toHaveBeenCalledWith(
      'component:default/chat-llm',
    );
    expect(screen.getByRole('heading', { name: 'Cost' })).toBeInTheDocument();
    expect(
      screen.getByText('Month to date · November 2026'),
    ).toBeInTheDocument();
    expect(screen.getByTestId('finops-cost-trend')).toHaveTextContent(
      '▲ Up 23.5% vs the same days last month',
    );

    // Budget
    expect(screen.getByText('Monthly budget $25,000')).toBeInTheDocument();
    expect(screen.getByText('49% used')).toBeInTheDocument();
    const meter = screen.getByRole('progressbar', {
      name: 'Monthly budget used',
    });
    expect(meter).toHaveAttribute('aria-valuenow', '49');
    expect(meter).toHaveAttribute('data-over-budget', 'false');
    expect(screen.queryByText(/Over budget/)).not.toBeInTheDocument();

    // Sparkline
    expect(
      screen.getByRole('img', {
        name: 'Daily cost over the last 30 days: min $120, max $900, last $800',
      }),
    ).toBeInTheDocument();
    // dataUntil is 13:00 UTC: today is partial, so its segment is dashed.
    expect(
      screen.getByText('Last 30 days (today so far, dashed)'),
    ).toBeInTheDocument();
    expect(screen.getByTestId('sparkline-partial')).toBeInTheDocument();

    // Unit economics
    expect(screen.getByText('Cost per 1M tokens')).toBeInTheDocument();
    expect(screen.getByText('$0.42')).toBeInTheDocument();
    expect(screen.getByText('GPU utilisation')).toBeInTheDocument();
    expect(screen.getByText('63%')).toBeInTheDocument();

    // Drivers
    const table = screen.getByRole('grid');
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(4);
    expect(rows[0]).toHaveTextContent(/Category.*Workload.*Cost.*Share/);
    expect(rows[1]).toHaveTextContent(
      /GPU.*NVIDIA-H100-80GB-HBM3.*Deployment\/chat-llm.*\$9,000.*73%/,
    );
    expect(rows[2]).toHaveTextContent(
      /Storage.*PersistentVolumeClaim\/models.*\$2,000.*16%/,
    );
    expect(rows[3]).toHaveTextContent(/Network.*—.*\$1,345.*11%/);

    // Footnote
    expect(
      screen.getByText('Effective cost · data until Nov 14, 2026, 1:00 PM UTC'),
    ).toBeInTheDocument();
  });

  it('warns when the budget is exceeded and shows a decrease', async () => {
    renderCard({
      getEntityCostSummary: async () => ({
        ...summary,
        monthToDate: { ...summary.monthToDate, effectiveCost: 30000 },
        previousMonthToDate: {
          ...summary.previousMonthToDate,
          effectiveCost: 40000,
        },
        usage: { gpuHours: 0, tokens: 0, requests: 0 },
        topDrivers: [],
      }),
    });

    expect(await screen.findByText('$30,000')).toBeInTheDocument();
    expect(screen.getByText('120% used')).toBeInTheDocument();
    expect(screen.getByText('Over budget by $5,000')).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', { name: 'Monthly budget used' }),
    ).toHaveAttribute('data-over-budget', 'true');
    expect(screen.getByTestId('finops-cost-trend')).toHaveTextContent(
      '▼ Down 25% vs the same days last month',
    );
    expect(screen.queryByText('Cost per 1M tokens')).not.toBeInTheDocument();
    expect(screen.queryByText('GPU utilisation')).not.toBeInTheDocument();
    expect(screen.queryByText('Top cost drivers')).not.toBeInTheDocument();
  });

  it('leaves out the budget when none is set', async () => {
    renderCard({
      getEntityCostSummary: async () => ({
        ...summary,
        monthlyBudget: undefined,
      }),
    });

    expect(await screen.findByText('$12,345')).toBeInTheDocument();
    expect(screen.queryByText(/Monthly budget/)).not.toBeInTheDocument();
    expect(
      screen.queryByRole('progressbar', { name: 'Monthly budget used' }),
    ).not.toBeInTheDocument();
  });

  it('shows an empty state when there is no cost data', async () => {
    renderCard({
      getEntityCostSummary: async () => ({
        ...summary,
        dataUntil: undefined,
        monthToDate: { billedCost: 0, effectiveCost: 0, listCost: 0 },
        previousMonthToDate: { billedCost: 0, effectiveCost: 0, listCost: 0 },
        dailyCosts: days.map(day => ({ ...day, cost: 0 })),
        topDrivers: [],
      }),
    });

    expect(await screen.findByText('No cost data yet')).toBeInTheDocument();
    expect(screen.queryByText('$0')).not.toBeInTheDocument();
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
    expect(screen.queryByText(/data until/)).not.toBeInTheDocument();
  });

  it('shows an empty state with the backend message on 404', async () => {
    const error = await notFoundError(
      'No cost data for component:default/chat-llm',
    );
    renderCard({ getEntityCostSummary: () => Promise.reject(error) });

    expect(await screen.findByText('No cost data yet')).toBeInTheDocument();
    expect(
      screen.getByText('No cost data for component:default/chat-llm'),
    ).toBeInTheDocument();
  });

  it('shows an error panel with the message when loading fails', async () => {
    renderCard({
      getEntityCostSummary: () =>
        Promise.reject(new Error('The cost store is unavailable')),
    });

    expect(await screen.findByText('Could not load costs')).toBeInTheDocument();
    expect(
      screen.getByText('The cost store is unavailable'),
    ).toBeInTheDocument();
    expect(screen.queryByText('No cost data yet')).not.toBeInTheDocument();
  });

  it('shows progress while loading', async () => {
    renderCard({ getEntityCostSummary: () => new Promise(() => {}) });

    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    expect(screen.queryByText('No cost data yet')).not.toBeInTheDocument();
  });

  it('asks for the annotation when the entity has none, without calling the backend', async () => {
    const getEntityCostSummary = jest.fn();
    renderCard(
      { getEntityCostSummary },
      { ...entity, metadata: { name: 'plain' } },
    );

    expect(
      (await screen.findAllByText(/backstage\.io\/kubernetes-id/)).length,
    ).toBeGreaterThan(0);
    expect(screen.getByRole('heading', { name: 'Cost' })).toBeInTheDocument();
    await waitFor(() => expect(getEntityCostSummary).not.toHaveBeenCalled());
  });

  it('shows the month-end forecast with its interval and the change vs last month', async () => {
    const getEntityForecast = jest.fn().mockResolvedValue(aForecast());
    renderCard({
      getEntityCostSummary: async () => summary,
      getEntityForecast,
    });

    expect(await screen.findByTestId('finops-forecast-mean')).toHaveTextContent(
      '$24,150',
    );
    const block = screen.getByTestId('finops-forecast');
    expect(block).toHaveTextContent('80% interval $22,010 – $26,480');
    expect(block).toHaveTextContent('+15% vs October 2026 ($21,000)');
    expect(getEntityForecast).toHaveBeenCalledWith(
      'component:default/chat-llm',
    );
  });

  it('still shows the costs when the forecast fails, with the reason', async () => {
    renderCard({
      getEntityCostSummary: async () => summary,
      getEntityForecast: async () =>
        Promise.reject(
          await notFoundError(
            'component:default/chat-llm has 1 day(s) of costs; a forecast needs at least two',
          ),
        ),
    });
    expect(await screen.findByText('$12,345')).toBeInTheDocument();
    expect(
      await screen.findByText(/No forecast: .* a forecast needs at least two/),
    ).toBeInTheDocument();
  });
});
