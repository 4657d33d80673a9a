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
import { renderTestApp } from '@backstage/frontend-test-utils';
import { createTestEntityPage } from '@backstage/plugin-catalog-react/testUtils';
import { finopsApiRef } from './api';
import finopsPlugin from './alpha';
import { aComponent, aSummary } from './__fixtures__/summary';

const summary = aSummary();
const entityWith = aComponent;

describe('finops plugin (new frontend system)', () => {
  it('provides the API and the cost card extensions', () => {
    expect(finopsPlugin.pluginId).toBe('finops');
    expect(finopsPlugin.getExtension('api:finops')).toBeDefined();
    expect(finopsPlugin.getExtension('entity-card:finops/cost')).toBeDefined();
  });

  it.each([
    ['backstage.io/kubernetes-id', 'chat-llm'],
    ['backstage.io/kubernetes-label-selector', 'app=chat'],
    ['ai-finops.io/billing-tags', 'team=search'],
  ])(
    'renders the cost card for an entity annotated with %s',
    async (key, value) => {
      const getEntityCostSummary = jest.fn().mockResolvedValue(summary);
      renderTestApp({
        extensions: [
          createTestEntityPage({ entity: entityWith({ [key]: value }) }),
          finopsPlugin.getExtension('entity-card:finops/cost'),
        ],
        apis: [[finopsApiRef, { getEntityCostSummary }]],
      });

      expect(
        await screen.findByText('$12,345', {}, { timeout: 5000 }),
      ).toBeInTheDocument();
      expect(screen.getByRole('heading', { name: 'Cost' })).toBeInTheDocument();
      expect(getEntityCostSummary).toHaveBeenCalledWith(
        'component:default/chat-llm',
      );
    },
  );

  it('does not render the cost card for an entity without the annotations', async () => {
    const getEntityCostSummary = jest.fn().mockResolvedValue(summary);
    renderTestApp({
      extensions: [
        createTestEntityPage({
          entity: entityWith({ 'ai-finops.io/gpu-model': 'NVIDIA-L4' }),
        }),
        finopsPlugin.getExtension('entity-card:finops/cost'),
      ],
      apis: [[finopsApiRef, { getEntityCostSummary }]],
    });

    expect(
      await screen.findByTestId('empty-entity-page', {}, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Cost' })).toBeNull();
    await waitFor(() => expect(getEntityCostSummary).not.toHaveBeenCalled());
  });
});
