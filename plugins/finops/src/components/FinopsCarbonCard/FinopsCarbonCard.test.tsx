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
import { finopsApiRef, type FinopsApi } from '../../api';
import { aComponent } from '../../__fixtures__/summary';
import { aCarbon, responseError } from '../../__fixtures__/engine';
import { FinopsCarbonCard } from './FinopsCarbonCard';

function renderCard(api: Partial<FinopsApi>) {
  return renderInTestApp(
    <EntityProvider
      entity={aComponent({ 'backstage.io/kubernetes-id': 'chat-llm' })}
    >
      <FinopsCarbonCard />
    </EntityProvider>,
    { apis: [[finopsApiRef, api]] },
  );
}

describe('FinopsCarbonCard', () => {
  it('shows kgCO2e, gCO2e per 1M tokens, grid intensity and the greener option', async () => {
    renderCard({ getEntityCarbon: async () => aCarbon() });

    expect(await screen.findByText('1,110 kgCO2e')).toBeInTheDocument();
    expect(
      screen.getByTestId('finops-carbon-per-million-tokens'),
    ).toHaveTextContent('734.8');
    expect(screen.getByTestId('finops-grid-intensity')).toHaveTextContent(
      '379 gCO2e/kWh · us-east-1',
    );
    expect(screen.getByText('annual average')).toBeInTheDocument();
    expect(screen.getByTestId('finops-greener')).toHaveTextContent(
      'Move to us-west-1: 15% less, 163 kgCO2e a month saved',
    );
    expect(
      screen.getByRole('img', { name: /Daily kgCO2e over 2 days/ }),
    ).toBeInTheDocument();
  });

  it('says when the region is already the cleanest, and marks hourly intensity', async () => {
    renderCard({
      getEntityCarbon: async () =>
        aCarbon({
          greenerOption: undefined,
          gridIntensity: {
            mean: 41,
            annual: 45,
            source: 'hourly',
            exact: true,
          },
          region: 'swedencentral',
        }),
    });
    expect(
      await screen.findByText(
        'Already in the cleanest region of its geography.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('hourly, measured')).toBeInTheDocument();
  });

  it('shows the backend message as the empty state on 404', async () => {
    const error = await responseError(
      404,
      'Entity component:default/chat-llm has no cost allocation annotation; set backstage.io/kubernetes-id',
      'NotFoundError',
    );
    renderCard({ getEntityCarbon: () => Promise.reject(error) });
    expect(await screen.findByText('No data yet')).toBeInTheDocument();
    expect(
      screen.getByText(/has no cost allocation annotation/),
    ).toBeInTheDocument();
  });
});
