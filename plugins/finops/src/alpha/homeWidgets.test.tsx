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
import { identityApiRef } from '@backstage/core-plugin-api';
import {
  createExtensionTester,
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import finopsPlugin from '../alpha';
import { finopsApiRef } from '../api';
import { finopsOwnedSpendHomeWidget } from './homeWidgets';

describe('the owned-spend home page widget', () => {
  it('is an extension of the new-system plugin, attached to the home page', () => {
    const extension = finopsPlugin.getExtension(
      'home-page-widget:finops/owned-spend',
    );
    expect(extension).toBeDefined();
    expect((extension as any).attachTo).toEqual({
      id: 'page:home',
      input: 'widgets',
    });
  });

  it('renders a card titled "My services\' spend" with the owned spend', async () => {
    const widget = createExtensionTester(finopsOwnedSpendHomeWidget).get(
      HomePageWidgetBlueprint.dataRefs.widget,
    );
    expect(widget.name).toBe('FinopsOwnedSpend');
    expect(widget.title).toBe("My services' spend");

    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            finopsApiRef,
            {
              getOwnedSpend: async () => ({
                currency: 'USD',
                month: '2026-12',
                owners: ['group:default/team-a'],
                total: {
                  monthToDate: 420,
                  forecastEntities: 0,
                  openMonthlySavings: 0,
                  openRecommendations: 0,
                },
                entities: [
                  {
                    entityRef: 'component:default/chat-llm',
                    monthToDate: 420,
                    openMonthlySavings: 0,
                    openRecommendations: 0,
                  },
                ],
                truncated: false,
                warnings: [],
                computedAt: '2026-12-07T06:00:00.000Z',
              }),
            },
          ],
          [
            identityApiRef,
            mockApis.identity({
              ownershipEntityRefs: ['group:default/team-a'],
            }),
          ],
        ]}
      >
        {widget.component}
      </TestApiProvider>,
    );
    expect(
      await screen.findByText("My services' spend", {}, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(
      await screen.findByTestId('finops-owned-month-to-date'),
    ).toHaveTextContent('$420');
  });
});
