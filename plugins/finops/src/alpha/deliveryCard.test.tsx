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
import finopsPlugin from '../alpha';
import { finopsApiRef } from '../api';
import { aComponent } from '../__fixtures__/summary';
import { aDeliveryStatus } from '../__fixtures__/delivery';

// Each test renders a whole app (new frontend system) and waits up to 5 s for
// the card: the test itself needs more than Jest's default 5 s on a loaded
// machine, as the package's other app-rendering tests allow.
jest.setTimeout(20_000);

describe('the delivery card extension (new frontend system)', () => {
  const card = () => finopsPlugin.getExtension('entity-card:finops/delivery');

  it('is an extension of the plugin', () => {
    expect(card()).toBeDefined();
  });

  it.each([
    ['argocd/app-name', 'chat-llm-prod'],
    ['argocd/app-selector', 'app.kubernetes.io/instance=chat-llm'],
    ['ai-finops.io/flux-kustomization', 'prod/flux-system/chat-llm'],
    ['ai-finops.io/flux-helmrelease', 'prod/chat/chat-llm'],
  ])('renders on an entity annotated with %s', async (key, value) => {
    const getDeliveryStatus = jest.fn(async () => aDeliveryStatus());
    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: aComponent({ [key]: value }) }),
        card(),
      ],
      apis: [[finopsApiRef, { getDeliveryStatus }]],
    });
    expect(
      await screen.findByTestId(
        'finops-deployment-revision',
        {},
        { timeout: 5000 },
      ),
    ).toHaveTextContent('abc1234');
    expect(screen.getByRole('heading', { name: 'Delivery' })).toBeVisible();
    expect(getDeliveryStatus).toHaveBeenCalledWith(
      'component:default/chat-llm',
    );
  });

  it('is left off an entity with cost annotations only', async () => {
    const getDeliveryStatus = jest.fn(async () => aDeliveryStatus());
    renderTestApp({
      extensions: [
        createTestEntityPage({
          entity: aComponent({
            'backstage.io/kubernetes-id': 'chat-llm',
            'argocd/instance-name': 'demo',
          }),
        }),
        card(),
      ],
      apis: [[finopsApiRef, { getDeliveryStatus }]],
    });
    expect(
      await screen.findByTestId('empty-entity-page', {}, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Delivery' })).toBeNull();
    await waitFor(() => expect(getDeliveryStatus).not.toHaveBeenCalled());
  });
});
