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
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import { aComponent } from '../../__fixtures__/summary';
import { FinopsResponsibleAiCard } from './FinopsResponsibleAiCard';
import { isFinopsResponsibleAiAvailable } from './isFinopsResponsibleAiAvailable';

const now = new Date('2026-12-07T12:00:00Z');
const COMPLETE = {
  'ai-finops.io/model-card':
    'https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct',
  'ai-finops.io/training-data': 'HuggingFaceFW/fineweb',
  'ai-finops.io/evaluation-status': 'passed',
  'ai-finops.io/evaluation-date': '2026-11-30',
  'ai-finops.io/bias-check-status': 'passed',
  'ai-finops.io/bias-check-date': '2026-12-01',
};

function renderCard(entity: Entity, maxAgeDays?: number) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <FinopsResponsibleAiCard now={now} maxAgeDays={maxAgeDays} />
    </EntityProvider>,
  );
}

describe('FinopsResponsibleAiCard', () => {
  it('shows the model card link, training data and both checks with their dates', async () => {
    await renderCard(aComponent(COMPLETE));
    expect(
      await screen.findByRole('heading', { name: 'Responsible AI' }),
    ).toBeInTheDocument();
    const card = screen.getByTestId('finops-rai-model-card');
    expect(card).toHaveAttribute(
      'href',
      'https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct',
    );
    expect(screen.getByTestId('finops-rai-training-data')).toHaveTextContent(
      'HuggingFaceFW/fineweb',
    );
    expect(
      screen.getByTestId('finops-rai-evaluation-status'),
    ).toHaveTextContent('Passed');
    expect(screen.getByTestId('finops-rai-evaluation-date')).toHaveTextContent(
      '2026-11-30 · 7 days ago',
    );
    expect(
      screen.getByTestId('finops-rai-bias-check-status'),
    ).toHaveTextContent('Passed');
    expect(screen.getByTestId('finops-rai-bias-check-date')).toHaveTextContent(
      '2026-12-01 · 6 days ago',
    );
    expect(screen.queryByText(/problem\(s\) with the annotations/)).toBeNull();
  });

  it('links training data given as a URL', async () => {
    await renderCard(
      aComponent({
        ...COMPLETE,
        'ai-finops.io/training-data': 'https://example.com/datasheets/c4',
      }),
    );
    expect(
      await screen.findByTestId('finops-rai-training-data'),
    ).toHaveAttribute('href', 'https://example.com/datasheets/c4');
  });

  it('shows incomplete, failed and stale metadata with its problems as warnings', async () => {
    await renderCard(
      aComponent({
        'ai-finops.io/model-card': 'see the wiki',
        'ai-finops.io/evaluation-status': 'failed',
        'ai-finops.io/evaluation-date': '2025-06-01',
        'ai-finops.io/bias-check-status': 'pending',
      }),
      180,
    );
    expect(
      await screen.findByTestId('finops-rai-evaluation-status'),
    ).toHaveTextContent('Failed');
    expect(
      screen.getByTestId('finops-rai-bias-check-status'),
    ).toHaveTextContent('Pending');
    expect(screen.getByTestId('finops-rai-bias-check-date')).toHaveTextContent(
      'no date',
    );
    expect(screen.queryByTestId('finops-rai-model-card')).toBeNull();
    const alert = screen.getByText('6 problem(s) with the annotations')
      .parentElement!.parentElement!;
    const problems = within(alert)
      .getAllByRole('listitem')
      .map(li => li.textContent);
    expect(problems).toEqual([
      "ai-finops.io/model-card 'see the wiki' is not a URL",
      'ai-finops.io/training-data is not set',
      'ai-finops.io/evaluation-status says the evaluation failed',
      'ai-finops.io/evaluation-date 2025-06-01 is 554 days old, more than 180',
      'ai-finops.io/bias-check-status says the bias check is pending',
      'ai-finops.io/bias-check-date is not set',
    ]);
  });

  it('says there is no metadata and how to add it when the entity has none', async () => {
    await renderCard(aComponent({ 'backstage.io/kubernetes-id': 'chat-llm' }));
    expect(
      await screen.findByText('No responsible-AI metadata'),
    ).toBeInTheDocument();
    expect(screen.getByText(/Add the ai-finops.io\/model-card/)).toBeVisible();
    expect(
      screen.getByRole('link', { name: 'How to add them' }),
    ).toHaveAttribute(
      'href',
      expect.stringMatching(/docs\/responsible-ai\.md$/),
    );
    expect(screen.queryByTestId('finops-rai-evaluation-status')).toBeNull();
  });
});

describe('isFinopsResponsibleAiAvailable', () => {
  it('is true for inference services and entities with a responsible-AI annotation', () => {
    const service = aComponent();
    expect(isFinopsResponsibleAiAvailable(service)).toBe(false);
    expect(
      isFinopsResponsibleAiAvailable({
        ...service,
        metadata: { ...service.metadata, tags: ['inference', 'vllm'] },
      }),
    ).toBe(true);
    expect(
      isFinopsResponsibleAiAvailable(
        aComponent({ 'ai-finops.io/model-card': 'https://example.com/card' }),
      ),
    ).toBe(true);
    expect(
      isFinopsResponsibleAiAvailable({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: { name: 'gpu-pool', tags: ['inference'] },
        spec: { type: 'service' },
      }),
    ).toBe(false);
  });
});
