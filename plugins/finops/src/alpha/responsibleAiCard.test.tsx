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
import { renderTestApp } from '@backstage/frontend-test-utils';
import { createTestEntityPage } from '@backstage/plugin-catalog-react/testUtils';
import finopsPlugin from '../alpha';
import { aComponent } from '../__fixtures__/summary';

// Each test renders a whole app (new frontend system) and waits up to 5 s for
// the card: the test itself needs more than Jest's default 5 s on a loaded
// machine, as the package's other app-rendering tests allow.
jest.setTimeout(20_000);

describe('the responsible-AI card extension (new frontend system)', () => {
  const card = () =>
    finopsPlugin.getExtension('entity-card:finops/responsible-ai');

  it('renders on an inference service without metadata, saying how to add it', async () => {
    const entity = aComponent({ 'backstage.io/kubernetes-id': 'chat-llm' });
    entity.metadata.tags = ['inference', 'vllm', 'gpu'];
    renderTestApp({
      extensions: [createTestEntityPage({ entity }), card()],
    });
    expect(
      await screen.findByText(
        'No responsible-AI metadata',
        {},
        { timeout: 5000 },
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'Responsible AI' }),
    ).toBeVisible();
  });

  it('renders on any entity with a responsible-AI annotation', async () => {
    renderTestApp({
      extensions: [
        createTestEntityPage({
          entity: aComponent({ 'ai-finops.io/evaluation-status': 'pending' }),
        }),
        card(),
      ],
    });
    expect(
      await screen.findByTestId(
        'finops-rai-evaluation-status',
        {},
        { timeout: 5000 },
      ),
    ).toHaveTextContent('Pending');
  });

  it('is left off a service that serves no model and has no annotation', async () => {
    renderTestApp({
      extensions: [
        createTestEntityPage({
          entity: aComponent({ 'backstage.io/kubernetes-id': 'web' }),
        }),
        card(),
      ],
    });
    expect(
      await screen.findByTestId('empty-entity-page', {}, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('heading', { name: 'Responsible AI' }),
    ).toBeNull();
  });
});
