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

import { screen, waitFor } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import { finopsApiRef, type FinopsApi } from '../../api';
import { aComponent } from '../../__fixtures__/summary';
import { anEfficiency, responseError } from '../../__fixtures__/engine';
import { FinopsEfficiencyCard } from './FinopsEfficiencyCard';

const entity = aComponent({ 'backstage.io/kubernetes-id': 'chat-llm' });

function renderCard(api: Partial<FinopsApi>, e: Entity = entity) {
  return renderInTestApp(
    <EntityProvider entity={e}>
      <FinopsEfficiencyCard />
    </EntityProvider>,
    { apis: [[finopsApiRef, api]] },
  );
}

describe('FinopsEfficiencyCard', () => {
  it('shows the score, idle GPU-hours and dollars, GPUs, tokens/s and $ per 1M tokens', async () => {
    const getEntityEfficiency = jest.fn().mockResolvedValue(anEfficiency());
    renderCard({ getEntityEfficiency });

    expect(await screen.findByText('62 / 100')).toBeInTheDocument();
    expect(getEntityEfficiency).toHaveBeenCalledWith(
      'component:default/chat-llm',
    );
    expect(screen.getByTestId('finops-idle-gpu-hours')).toHaveTextContent(
      '1,862 GPU-h',
    );
    expect(screen.getByText('$12,813 of GPU time unused')).toBeInTheDocument();
    expect(screen.getByText('NVIDIA-H100-80GB-HBM3 × 8')).toBeInTheDocument();
    expect(screen.getByText('7.4 on average · whole GPUs')).toBeInTheDocument();
    expect(screen.getByTestId('finops-tokens-per-second')).toHaveTextContent(
      '79',
    );
    expect(
      screen.getByTestId('finops-cost-per-million-tokens'),
    ).toHaveTextContent('$25.25');
    expect(screen.getByText('in $15.10 · out $64.20')).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', { name: 'Efficiency score' }),
    ).toHaveAttribute('aria-valuenow', '62');
  });

  it('notes MIG or shared GPUs', async () => {
    renderCard({
      getEntityEfficiency: async () =>
        anEfficiency({
          sharing: 'fractional',
          gpuCount: { mean: 0.5, peak: 1, latest: 0.5 },
        }),
    });
    expect(
      await screen.findByText(/MIG slices or shared GPUs/),
    ).toBeInTheDocument();
  });

  it('says so when the entity used no GPU', async () => {
    renderCard({
      getEntityEfficiency: async () =>
        anEfficiency({
          gpuHours: 0,
          notes: ['No GPU-hours recorded for this entity in the range.'],
        }),
    });
    expect(
      await screen.findByText(
        'No GPU-hours recorded for this entity in the range.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/\/ 100/)).not.toBeInTheDocument();
  });

  it('shows permission denied on 403', async () => {
    const error = await responseError(403, 'denied', 'NotAllowedError');
    renderCard({ getEntityEfficiency: () => Promise.reject(error) });
    expect(await screen.findByText('Permission denied')).toBeInTheDocument();
  });

  it('shows the backend message on other errors', async () => {
    const error = await responseError(500, 'The store is down');
    renderCard({ getEntityEfficiency: () => Promise.reject(error) });
    expect(
      await screen.findByText('Could not load FinOps data'),
    ).toBeInTheDocument();
    expect(screen.getByText('The store is down')).toBeInTheDocument();
  });

  it('shows a skeleton while loading', async () => {
    renderCard({ getEntityEfficiency: () => new Promise(() => {}) });
    expect(
      await screen.findByRole('progressbar', { name: 'Loading' }),
    ).toBeInTheDocument();
  });

  it('asks for the annotation without calling the backend', async () => {
    const getEntityEfficiency = jest.fn();
    renderCard({ getEntityEfficiency }, aComponent());
    expect(
      (await screen.findAllByText(/backstage\.io\/kubernetes-id/)).length,
    ).toBeGreaterThan(0);
    await waitFor(() => expect(getEntityEfficiency).not.toHaveBeenCalled());
  });
});
