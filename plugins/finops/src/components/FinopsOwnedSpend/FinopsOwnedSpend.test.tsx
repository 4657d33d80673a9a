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

import { screen, within } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { identityApiRef } from '@backstage/core-plugin-api';
import { finopsApiRef, type FinopsOwnedSpend } from '../../api';
import { FinopsOwnedSpendContent, ownedSpendHref } from './FinopsOwnedSpend';

function ownedSpend(): FinopsOwnedSpend {
  const entity = (name: string, monthToDate: number, savings = 0) => ({
    entityRef: `component:default/${name}`,
    monthToDate,
    openMonthlySavings: savings,
    openRecommendations: savings ? 1 : 0,
  });
  return {
    currency: 'USD',
    month: '2026-12',
    owners: ['user:default/alice', 'group:default/team-a'],
    total: {
      monthToDate: 12345,
      forecast: 48200,
      forecastEntities: 5,
      openMonthlySavings: 2340,
      openRecommendations: 4,
    },
    entities: [
      {
        ...entity('chat-llm', 9000, 2000),
        title: 'Chat LLM',
        forecast: 36000,
        openRecommendations: 3,
      },
      entity('query-embedder', 2000, 340),
      entity('image-captioner', 800),
      entity('speech-transcriber', 400),
      entity('llm-gateway', 100),
      entity('assistant-web', 45),
    ],
    truncated: false,
    warnings: [],
    computedAt: '2026-12-07T06:00:00.000Z',
  };
}

function renderWidget(
  getOwnedSpend: jest.Mock,
  ownershipEntityRefs = ['user:default/alice', 'group:default/team-a'],
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [finopsApiRef, { getOwnedSpend }],
        [
          identityApiRef,
          mockApis.identity({
            userEntityRef: 'user:default/alice',
            ownershipEntityRefs,
          }),
        ],
      ]}
    >
      <FinopsOwnedSpendContent />
    </TestApiProvider>,
  );
}

describe('FinopsOwnedSpendContent', () => {
  it("shows the owned services' month to date, forecast and open savings with the top five linking to their FinOps tab", async () => {
    const getOwnedSpend = jest.fn(async () => ownedSpend());
    await renderWidget(getOwnedSpend);

    expect(
      await screen.findByTestId('finops-owned-month-to-date'),
    ).toHaveTextContent('$12,345');
    expect(screen.getByText(/Month to date · December 2026/)).toBeVisible();
    expect(screen.getByText('Services: 6')).toBeInTheDocument();
    // Every service has a forecast except one: the partial sum says so.
    expect(screen.getByTestId('finops-owned-forecast')).toHaveTextContent(
      '$48,200',
    );
    expect(screen.getByText('for 5 of 6 services')).toBeInTheDocument();
    expect(screen.getByTestId('finops-owned-savings')).toHaveTextContent(
      '$2,340/month',
    );
    expect(screen.getByText('Open recommendations: 4')).toBeInTheDocument();

    const rows = screen.getAllByTestId('finops-owned-service');
    expect(rows).toHaveLength(5);
    const chat = within(rows[0]).getByRole('link', { name: 'Chat LLM' });
    expect(chat).toHaveAttribute(
      'href',
      '/catalog/default/component/chat-llm/finops',
    );
    expect(rows[0]).toHaveTextContent('$9,000 this month · save $2,000/month');
    expect(
      within(rows[1]).getByRole('link', { name: 'query-embedder' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/query-embedder/finops',
    );
    expect(rows[4]).toHaveTextContent('llm-gateway$100 this month');
    expect(screen.queryByText('assistant-web')).toBeNull();
    expect(screen.getByText('and 1 more')).toBeInTheDocument();

    expect(getOwnedSpend).toHaveBeenCalledWith([
      'user:default/alice',
      'group:default/team-a',
    ]);
  });

  it('shows no forecast when the backend keeps none', async () => {
    const data = ownedSpend();
    delete data.total.forecast;
    data.total.forecastEntities = 0;
    await renderWidget(jest.fn(async () => data));
    expect(
      await screen.findByTestId('finops-owned-forecast'),
    ).toHaveTextContent('Not forecast yet');
  });

  it('shows an empty state when the user owns no service with cost data', async () => {
    const data: FinopsOwnedSpend = {
      ...ownedSpend(),
      total: {
        monthToDate: 0,
        forecastEntities: 0,
        openMonthlySavings: 0,
        openRecommendations: 0,
      },
      entities: [],
    };
    await renderWidget(jest.fn(async () => data));
    expect(
      await screen.findByText('No services with cost data'),
    ).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent(
      'backstage.io/kubernetes-id',
    );
    expect(screen.queryByTestId('finops-owned-month-to-date')).toBeNull();
  });

  it('does not call the backend when the user has no ownership refs', async () => {
    const getOwnedSpend = jest.fn();
    await renderWidget(getOwnedSpend, []);
    expect(
      await screen.findByText('No services with cost data'),
    ).toBeInTheDocument();
    expect(getOwnedSpend).not.toHaveBeenCalled();
  });

  it('shows the error the backend answered', async () => {
    await renderWidget(
      jest.fn(async () => {
        throw new Error('backend down');
      }),
    );
    expect(
      await screen.findByText('Could not load FinOps data'),
    ).toBeInTheDocument();
    expect(screen.getByText('backend down')).toBeInTheDocument();
  });

  it('links to the FinOps tab of any entity kind and namespace', () => {
    expect(ownedSpendHref('Resource:ml/GPU Pool')).toBe(
      '/catalog/ml/resource/GPU%20Pool/finops',
    );
  });
});
