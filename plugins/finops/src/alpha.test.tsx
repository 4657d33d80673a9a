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
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { renderTestApp } from '@backstage/frontend-test-utils';
import { createTestEntityPage } from '@backstage/plugin-catalog-react/testUtils';
import { finopsApiRef } from './api';
import finopsPlugin from './alpha';
import { aComponent, aSummary } from './__fixtures__/summary';
import {
  aCarbon,
  aCostSeries,
  aForecast,
  anAllocation,
  anEfficiency,
  someAnomalies,
  someRecommendations,
} from './__fixtures__/engine';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  entityFinopsCarbonCard,
  entityFinopsEfficiencyCard,
  entityFinopsRecommendationsCard,
} from './alpha/entityCards';
import { entityFinopsContent, finopsPage } from './alpha/pages';

const summary = aSummary();
const entityWith = aComponent;

describe('finops plugin (new frontend system)', () => {
  it('provides the API and the cost card extensions', () => {
    expect(finopsPlugin.pluginId).toBe('finops');
    expect(finopsPlugin.getExtension('api:finops')).toBeDefined();
    expect(finopsPlugin.getExtension('entity-card:finops/cost')).toBeDefined();
    for (const id of [
      'entity-card:finops/gpu-efficiency',
      'entity-card:finops/carbon',
      'entity-card:finops/recommendations',
      'entity-content:finops/finops',
      'page:finops',
    ]) {
      expect(finopsPlugin.getExtension(id as any)).toBeDefined();
    }
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

  const fullApi = {
    getEntityCostSummary: async () => summary,
    getEntityForecast: async () => aForecast(),
    getEntityEfficiency: async () => anEfficiency(),
    getEntityCarbon: async () => aCarbon(),
    getEntityRecommendations: async () => someRecommendations(),
    getEntityAnomalies: async () => someAnomalies(),
    getEntityCosts: async () => aCostSeries('2026-10-16', '2026-11-14', 30),
    getCostAllocation: async () => anAllocation(),
  };

  it.each([
    ['entity-card:finops/gpu-efficiency', 'GPU efficiency', '62 / 100'],
    ['entity-card:finops/carbon', 'Carbon', '1,110 kgCO2e'],
    [
      'entity-card:finops/recommendations',
      'Recommendations',
      '$8,123 a month in open savings',
    ],
  ])(
    'renders %s on an annotated entity and not on a plain one',
    async (id, title, text) => {
      const extension = finopsPlugin.getExtension(id as any);
      renderTestApp({
        extensions: [
          createTestEntityPage({
            entity: entityWith({ 'backstage.io/kubernetes-id': 'chat-llm' }),
          }),
          extension,
        ],
        apis: [[finopsApiRef, fullApi]],
      });
      expect(
        await screen.findByText(text, {}, { timeout: 5000 }),
      ).toBeInTheDocument();
      expect(screen.getByRole('heading', { name: title })).toBeInTheDocument();
    },
  );

  it.each([
    ['entity-card:finops/gpu-efficiency', 'GPU efficiency'],
    ['entity-card:finops/carbon', 'Carbon'],
    ['entity-card:finops/recommendations', 'Recommendations'],
  ])('leaves %s off an entity without the annotations', async (id, title) => {
    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: entityWith({}) }),
        finopsPlugin.getExtension(id as any),
      ],
      apis: [[finopsApiRef, fullApi]],
    });
    expect(
      await screen.findByTestId('empty-entity-page', {}, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: title })).toBeNull();
  });

  it.each([
    ['efficiency', entityFinopsEfficiencyCard, '62 / 100'],
    ['carbon', entityFinopsCarbonCard, '1,110 kgCO2e'],
    ['recommendations', entityFinopsRecommendationsCard, '$8,123/month'],
    ['FinOps tab', entityFinopsContent, 'Cost over time'],
  ])(
    'the %s extension renders on its own (createExtensionTester)',
    async (_name, extension, text) => {
      await renderInTestApp(
        <EntityProvider
          entity={entityWith({ 'backstage.io/kubernetes-id': 'chat-llm' })}
        >
          {createExtensionTester(extension as any).reactElement()}
        </EntityProvider>,
        { apis: [[finopsApiRef, fullApi]] },
      );
      expect(
        await screen.findByText(text, {}, { timeout: 5000 }),
      ).toBeInTheDocument();
    },
  );

  it('the page extension mounts the organisation page at /finops', async () => {
    const tester = createExtensionTester(finopsPage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/finops');
    await renderInTestApp(tester.reactElement(), {
      apis: [[finopsApiRef, fullApi]],
    });
    expect(
      await screen.findByTestId('finops-org-total', {}, { timeout: 5000 }),
    ).toHaveTextContent('$100,000');
  });
});
