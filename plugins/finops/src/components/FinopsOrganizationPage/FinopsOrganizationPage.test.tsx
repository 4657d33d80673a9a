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

import { fireEvent, screen, waitFor } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { finopsApiRef, type FinopsApi } from '../../api';
import {
  aForecast,
  anAllocation,
  responseError,
  someAnomalies,
} from '../../__fixtures__/engine';
import { FinopsOrganizationPage, orgRanges } from './FinopsOrganizationPage';

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
