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

import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { finopsApiRef, type FinopsApi, type FinopsSavings } from '../../api';
import {
  aForecast,
  anAllocation,
  responseError,
  someAnomalies,
} from '../../__fixtures__/engine';
import { FinopsOrganizationPage, orgRanges } from './FinopsOrganizationPage';

function someSavings(): FinopsSavings {
  return {
    currency: 'USD',
    found: { monthlySavings: 5340, count: 4, entities: 2 },
    realised: { monthlySavings: 1200, count: 1 },
    entities: [
      {
        entityRef: 'component:default/chat-llm',
        title: 'Chat LLM',
        found: { monthlySavings: 5000, count: 3 },
        realised: { monthlySavings: 1200, count: 1 },
      },
      {
        entityRef: 'component:default/query-embedder',
        found: { monthlySavings: 340, count: 1 },
        realised: { monthlySavings: 0, count: 0 },
      },
    ],
    realisedItems: [
      {
        entityRef: 'component:default/chat-llm',
        recommendationId: 'engine:gpu-rightsizing',
        monthlySavings: 1200,
        url: 'https://github.com/acme/deployments/pull/7',
        number: 7,
        mergedAt: '2026-11-21T09:30:00.000Z',
      },
    ],
    warnings: ['component:default/broken: no data'],
    computedAt: '2026-11-26T06:00:00.000Z',
  };
}

function api(overrides: Partial<FinopsApi> = {}): Partial<FinopsApi> {
  const previous = anAllocation({
    entities: [
      {
        entityRef: 'component:default/chat-llm',
        direct: { billedCost: 40000, effectiveCost: 40000, listCost: 40000 },
        shared: { billedCost: 0, effectiveCost: 0, listCost: 0 },
        total: { billedCost: 40000, effectiveCost: 40000, listCost: 40000 },
      },
    ],
  });
  return {
    getCostAllocation: jest.fn(async options =>
      options?.from === orgRanges('mtd').current.from
        ? anAllocation()
        : previous,
    ),
    getSavings: jest.fn(async () => someSavings()),
    getEntityAnomalies: jest.fn(async () => someAnomalies()),
    getEntityForecast: jest.fn(async ref =>
      ref === 'component:default/chat-llm'
        ? aForecast({
            budget: {
              budget: 55000,
              status: 'over',
              actualShare: 1.1,
              projectedShare: 1.12,
              burnRatePerDay: 2000,
              allowedRatePerDay: 0,
              alerts: [],
            },
          })
        : aForecast(),
    ),
    ...overrides,
  };
}

describe('FinopsOrganizationPage', () => {
  it('shows the total, roll-ups, top movers, anomalies, budgets and unallocated cost', async () => {
    const mock = api();
    renderInTestApp(<FinopsOrganizationPage />, {
      apis: [[finopsApiRef, mock]],
    });

    expect(await screen.findByTestId('finops-org-total')).toHaveTextContent(
      '$100,000 from',
    );
    expect(screen.getByTestId('finops-org-groups')).toHaveAttribute(
      'aria-label',
      '2 owner groups; largest assistant at $60,000',
    );
    expect(screen.getByTestId('finops-org-systems')).toHaveAttribute(
      'aria-label',
      '1 systems; largest assistant at $95,000',
    );
    // Top movers: query-embedder is new (+35,000), chat-llm +20,000.
    expect(screen.getByText('+$35,000')).toBeInTheDocument();
    expect(screen.getByText('+$20,000')).toBeInTheDocument();
    expect(screen.getByTestId('finops-unallocated')).toHaveTextContent(
      '$5,000 unallocated (5% of $100,000)',
    );
    expect(
      screen.getByText(
        'Add backstage.io/kubernetes-id: llm-playground to the entity that owns it',
      ),
    ).toBeInTheDocument();
    expect(
      await screen.findAllByText(/chat-llm · critical · \+\$1,100/),
    ).not.toHaveLength(0);
    expect(await screen.findByText('over')).toBeInTheDocument();
    expect(screen.getByText('$55,000')).toBeInTheDocument();
  });

  it('shows savings found and realised with the entities that have most to save', async () => {
    const mock = api();
    renderInTestApp(<FinopsOrganizationPage />, {
      apis: [[finopsApiRef, mock]],
    });
    expect(await screen.findByTestId('finops-savings-found')).toHaveTextContent(
      '$5,340 per month found in 4 open recommendations on 2 entities',
    );
    expect(screen.getByTestId('finops-savings-realised')).toHaveTextContent(
      /^\$1,200 per month realised through 1 merged pull request, latest Nov 21, 2026$/,
    );
    expect(screen.getByRole('link', { name: 'Chat LLM' })).toHaveAttribute(
      'href',
      '/catalog/default/component/chat-llm',
    );
    expect(
      screen.getByRole('link', { name: 'query-embedder' }),
    ).toHaveAttribute('href', '/catalog/default/component/query-embedder');
    const savings = within(screen.getByTestId('finops-savings'));
    expect(savings.getByText('$5,000')).toBeInTheDocument();
    expect(savings.getByText('3 recommendations')).toBeInTheDocument();
    expect(savings.getAllByText('$1,200')).toHaveLength(2);
    expect(screen.getByTestId('finops-savings-warnings')).toHaveTextContent(
      'Not counted: component:default/broken: no data',
    );
    expect(mock.getSavings).toHaveBeenCalledTimes(1);
  });

  it('shows the savings error on its own panel', async () => {
    const error = await responseError(
      500,
      'The FinOps database is unavailable',
      'Error',
    );
    renderInTestApp(<FinopsOrganizationPage />, {
      apis: [[finopsApiRef, api({ getSavings: () => Promise.reject(error) })]],
    });
    expect(
      await screen.findByText(/The FinOps database is unavailable/),
    ).toBeInTheDocument();
    // The rest of the page still shows.
    expect(screen.getByTestId('finops-org-total')).toHaveTextContent(
      '$100,000 from',
    );
    expect(screen.queryByTestId('finops-savings')).not.toBeInTheDocument();
  });

  it('loads another period', async () => {
    const mock = api();
    renderInTestApp(<FinopsOrganizationPage />, {
      apis: [[finopsApiRef, mock]],
    });
    await screen.findByTestId('finops-org-total');
    fireEvent.change(screen.getByLabelText('Period'), {
      target: { value: 'previous' },
    });
    await waitFor(() =>
      expect(mock.getCostAllocation).toHaveBeenCalledWith(
        orgRanges('previous').current,
      ),
    );
  });

  it('shows permission denied without finops.organization.read', async () => {
    const error = await responseError(
      403,
      "Permission 'finops.organization.read' was denied",
      'NotAllowedError',
    );
    renderInTestApp(<FinopsOrganizationPage />, {
      apis: [
        [finopsApiRef, api({ getCostAllocation: () => Promise.reject(error) })],
      ],
    });
    expect(await screen.findByText('Permission denied')).toBeInTheDocument();
  });
});
