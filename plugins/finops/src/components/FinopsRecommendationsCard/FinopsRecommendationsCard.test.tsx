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

import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { finopsApiRef, type FinopsApi } from '../../api';
import { aComponent } from '../../__fixtures__/summary';
import { responseError, someRecommendations } from '../../__fixtures__/engine';
import { FinopsRecommendationsCard } from './FinopsRecommendationsCard';

const REF = 'component:default/chat-llm';
const ID = 'replica-bounds:/HorizontalPodAutoscaler/chat-llm';

function renderCard(api: Partial<FinopsApi>) {
  return renderInTestApp(
    <EntityProvider
      entity={aComponent({ 'backstage.io/kubernetes-id': 'chat-llm' })}
    >
      <FinopsRecommendationsCard />
    </EntityProvider>,
    { apis: [[finopsApiRef, api]] },
  );
}

describe('FinopsRecommendationsCard', () => {
  it('lists recommendations in the order given (ranked by saving) with evidence and risk', async () => {
    renderCard({ getEntityRecommendations: async () => someRecommendations() });

    expect(
      await screen.findByText('$8,123 a month in open savings'),
    ).toBeInTheDocument();
    const items = screen.getAllByTestId('finops-recommendation');
    expect(items).toHaveLength(2);
    expect(within(items[0]).getByRole('heading')).toHaveTextContent(
      'Set chat-llm to 1–3 replicas',
    );
    expect(within(items[0]).getByText('$8,123/month')).toBeInTheDocument();
    expect(within(items[0]).getByText('medium risk')).toBeInTheDocument();
    expect(
      within(items[0]).getByText(
        'GPU utilisation: mean 52 %, P95 81 % (hourly).',
      ),
    ).toBeInTheDocument();
    expect(
      within(items[0]).getByText(
        'HorizontalPodAutoscaler/chat-llm /spec/minReplicas: 2 → 1',
      ),
    ).toBeInTheDocument();
    expect(within(items[1]).getByRole('heading')).toHaveTextContent(
      'Move chat-llm to us-west-1',
    );
  });

  it('shows the backend message when opening a pull request is not available (501)', async () => {
    const error = await responseError(
      501,
      'Opening pull requests is not available yet: the GitOps integration is not installed.',
      'NotImplementedError',
    );
    const openRecommendationPullRequest = jest.fn().mockRejectedValue(error);
    renderCard({
      getEntityRecommendations: async () => someRecommendations(),
      openRecommendationPullRequest,
    });
    const [first] = await screen.findAllByTestId('finops-recommendation');
    await userEvent.click(
      within(first).getByRole('button', { name: 'Open pull request' }),
    );
    expect(
      await within(first).findByText('Could not open a pull request'),
    ).toBeInTheDocument();
    expect(
      within(first).getByText(/GitOps integration is not installed/),
    ).toBeInTheDocument();
    expect(openRecommendationPullRequest).toHaveBeenCalledWith(REF, ID);
  });

  it('shows the backend message when the recommendation has no manifest change (409)', async () => {
    const error = await responseError(
      409,
      `Recommendation '${ID}' of ${REF} carries no manifest change to put in a pull request`,
      'ConflictError',
    );
    renderCard({
      getEntityRecommendations: async () => someRecommendations(),
      openRecommendationPullRequest: jest.fn().mockRejectedValue(error),
    });
    const [first] = await screen.findAllByTestId('finops-recommendation');
    await userEvent.click(
      within(first).getByRole('button', { name: 'Open pull request' }),
    );
    expect(
      await within(first).findByText('Could not open a pull request'),
    ).toBeInTheDocument();
    expect(
      within(first).getByText(/carries no manifest change/),
    ).toBeInTheDocument();
    // Still offered: nothing was opened.
    expect(
      within(first).getByRole('button', { name: 'Open pull request' }),
    ).toBeInTheDocument();
  });

  it('links the pull request it opened and reloads to show its state', async () => {
    const before = someRecommendations();
    const [item, other] = before.items;
    const after = someRecommendations({
      items: [
        {
          ...item,
          pullRequest: {
            url: 'https://github.com/acme/gitops/pull/42',
            number: 42,
            state: 'open',
            updatedAt: '2026-11-14T10:00:00Z',
          },
        },
        other,
      ],
    });
    const getEntityRecommendations = jest
      .fn()
      .mockResolvedValueOnce(before)
      .mockResolvedValue(after);
    const openRecommendationPullRequest = jest.fn().mockResolvedValue({
      entityRef: REF,
      id: ID,
      pullRequest: {
        provider: 'github',
        repository: 'acme/gitops',
        number: 42,
        url: 'https://github.com/acme/gitops/pull/42',
        state: 'open',
        created: true,
      },
    });
    renderCard({ getEntityRecommendations, openRecommendationPullRequest });
    const [first] = await screen.findAllByTestId('finops-recommendation');
    await userEvent.click(
      within(first).getByRole('button', { name: 'Open pull request' }),
    );
    expect(
      await within(first).findByText('Pull request opened'),
    ).toBeInTheDocument();
    expect(
      within(first).getByRole('link', { name: 'acme/gitops#42 (open)' }),
    ).toHaveAttribute('href', 'https://github.com/acme/gitops/pull/42');
    // The reloaded list carries the pull request: its state is shown and
    // the button is gone.
    expect(
      await within(first).findByRole('link', {
        name: 'Pull request #42: open, awaiting review',
      }),
    ).toHaveAttribute('href', 'https://github.com/acme/gitops/pull/42');
    expect(
      within(first).queryByRole('button', { name: 'Open pull request' }),
    ).not.toBeInTheDocument();
    expect(getEntityRecommendations).toHaveBeenCalledTimes(2);
    expect(openRecommendationPullRequest).toHaveBeenCalledWith(REF, ID);
  });

  it.each([
    ['merged', 'Pull request #7: merged', false],
    ['closed', 'Pull request #7: closed without merging', true],
  ] as const)(
    'shows a %s pull request from the list (button offered again: %s)',
    async (state, name, offered) => {
      const data = someRecommendations();
      data.items[0] = {
        ...data.items[0],
        pullRequest: {
          url: 'https://github.com/acme/gitops/pull/7',
          number: 7,
          state,
          updatedAt: '2026-11-20T09:30:00Z',
        },
      };
      renderCard({ getEntityRecommendations: async () => data });
      const [first, second] = await screen.findAllByTestId(
        'finops-recommendation',
      );
      expect(within(first).getByRole('link', { name })).toHaveAttribute(
        'href',
        'https://github.com/acme/gitops/pull/7',
      );
      expect(
        within(first).queryByRole('button', { name: 'Open pull request' }) !==
          null,
      ).toBe(offered);
      // The other recommendation has none: no link, the button.
      expect(
        within(second).queryByTestId('finops-recommendation-pull-request'),
      ).not.toBeInTheDocument();
      expect(
        within(second).getByRole('button', { name: 'Open pull request' }),
      ).toBeInTheDocument();
    },
  );

  it('dismisses with a reason and reloads', async () => {
    const dismissed = someRecommendations();
    const [item, other] = dismissed.items;
    const after = someRecommendations({
      items: [other],
      hidden: [
        {
          ...item,
          state: {
            status: 'dismissed',
            reason: 'Peak traffic needs 2',
            at: '2026-11-14T10:00:00Z',
          },
        },
      ],
      totalMonthlySavings: 0,
    });
    const getEntityRecommendations = jest
      .fn()
      .mockResolvedValueOnce(dismissed)
      .mockResolvedValue(after);
    const dismissRecommendation = jest.fn().mockResolvedValue({});
    renderCard({ getEntityRecommendations, dismissRecommendation });

    const [first] = await screen.findAllByTestId('finops-recommendation');
    await userEvent.click(
      within(first).getByRole('button', { name: 'Dismiss' }),
    );
    const confirm = within(first).getByRole('button', {
      name: 'Dismiss with this reason',
    });
    expect(confirm).toBeDisabled();
    await userEvent.type(
      within(first).getByLabelText('Why dismiss it?'),
      'Peak traffic needs 2',
    );
    await userEvent.click(confirm);

    await waitFor(() =>
      expect(dismissRecommendation).toHaveBeenCalledWith(
        REF,
        ID,
        'Peak traffic needs 2',
      ),
    );
    expect(
      await screen.findByText('Dismissed or snoozed (1)'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Dismissed: Peak traffic needs 2'),
    ).toBeInTheDocument();
    expect(getEntityRecommendations).toHaveBeenCalledTimes(2);
  });

  it('snoozes for 7 days', async () => {
    const snoozeRecommendation = jest.fn().mockResolvedValue({});
    renderCard({
      getEntityRecommendations: async () => someRecommendations(),
      snoozeRecommendation,
    });
    const [first] = await screen.findAllByTestId('finops-recommendation');
    await userEvent.click(
      within(first).getByRole('button', { name: 'Snooze 7 days' }),
    );
    await waitFor(() =>
      expect(snoozeRecommendation).toHaveBeenCalledWith(REF, ID, { days: 7 }),
    );
  });

  it('says when there is nothing to recommend', async () => {
    renderCard({
      getEntityRecommendations: async () =>
        someRecommendations({ items: [], totalMonthlySavings: 0 }),
    });
    expect(
      await screen.findByText(
        'No open recommendations: nothing to change right now.',
      ),
    ).toBeInTheDocument();
  });

  it('shows permission denied on 403', async () => {
    const error = await responseError(403, 'denied', 'NotAllowedError');
    renderCard({ getEntityRecommendations: () => Promise.reject(error) });
    expect(await screen.findByText('Permission denied')).toBeInTheDocument();
  });
});
