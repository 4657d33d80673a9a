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

import { configure, screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { finopsApiRef, type FinopsApi } from '../../api';
import { aComponent } from '../../__fixtures__/summary';
import {
  aCarbon,
  aCostSeries,
  aForecast,
  anEfficiency,
  responseError,
  someAnomalies,
} from '../../__fixtures__/engine';
import {
  aDeliveryStatus,
  aDeployment,
  hoursAgo,
} from '../../__fixtures__/delivery';
import { FinopsEntityContent } from '../FinopsEntityContent';
import { FinopsDeliveryCard } from './FinopsDeliveryCard';
import { isFinopsDeliveryAvailable } from './isFinopsDeliveryAvailable';
import { formatRelativeTime, shortRevision } from './relativeTime';

// The FinOps tab test renders every chart: slow on a loaded 2-core machine.
configure({ asyncUtilTimeout: 5_000 });
jest.setTimeout(20_000);

const argocdEntity = aComponent({ 'argocd/app-name': 'chat-llm-prod' });

function renderCard(
  api: Partial<FinopsApi>,
  entity = argocdEntity,
  title?: string,
) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <FinopsDeliveryCard title={title} />
    </EntityProvider>,
    { apis: [[finopsApiRef, api]] },
  );
}

describe('FinopsDeliveryCard', () => {
  it('shows a synced, healthy deployment: short revision, when, chips and the Argo CD link', async () => {
    const getDeliveryStatus = jest.fn(async () => aDeliveryStatus());
    renderCard({ getDeliveryStatus });

    expect(
      await screen.findByTestId('finops-deployment-revision'),
    ).toHaveTextContent(/^abc1234$/);
    expect(getDeliveryStatus).toHaveBeenCalledWith(
      'component:default/chat-llm',
    );
    expect(screen.getByRole('heading', { name: 'Delivery' })).toBeVisible();
    expect(screen.getByText('chat-llm-prod')).toBeInTheDocument();
    expect(screen.getByText('Argo CD Application · demo')).toBeInTheDocument();
    expect(
      screen.getByTestId('finops-deployment-deployed-at'),
    ).toHaveTextContent(/^deployed 2 hours ago · .+ UTC$/);
    expect(screen.getByTestId('finops-deployment-sync')).toHaveTextContent(
      'Synced',
    );
    expect(screen.getByTestId('finops-deployment-health')).toHaveTextContent(
      'Healthy',
    );
    expect(
      screen.getByRole('link', { name: 'Open in Argo CD' }),
    ).toHaveAttribute(
      'href',
      'http://localhost:7190/applications/argocd/chat-llm-prod',
    );
    expect(screen.queryByTestId('finops-deployment-drift')).toBeNull();
    // The card leaves the history to the FinOps tab.
    expect(screen.queryByTestId('finops-deployment-history')).toBeNull();
  });

  it('shows drift since when with the out-of-sync resources, the first five', async () => {
    const outOfSync = [
      {
        kind: 'Deployment',
        namespace: 'chat-prod',
        name: 'chat-llm',
        status: 'OutOfSync',
      },
      {
        group: 'autoscaling',
        kind: 'HorizontalPodAutoscaler',
        namespace: 'chat-prod',
        name: 'chat-llm',
        status: 'OutOfSync',
      },
      {
        kind: 'ConfigMap',
        namespace: 'chat-prod',
        name: 'c1',
        status: 'OutOfSync',
      },
      {
        kind: 'ConfigMap',
        namespace: 'chat-prod',
        name: 'c2',
        status: 'OutOfSync',
      },
      {
        kind: 'ConfigMap',
        namespace: 'chat-prod',
        name: 'c3',
        status: 'OutOfSync',
      },
      { kind: 'Namespace', name: 'chat-prod', status: 'OutOfSync' },
    ];
    renderCard({
      getDeliveryStatus: async () =>
        aDeliveryStatus({
          deployments: [
            aDeployment({
              sync: 'OutOfSync',
              driftSince: hoursAgo(3),
              outOfSync,
            }),
          ],
        }),
    });

    const drift = await screen.findByTestId('finops-deployment-drift');
    expect(drift).toHaveTextContent(/^Drift since 3 hours ago · .+ UTC/);
    const resources = within(drift).getAllByRole('listitem');
    expect(resources.map(r => r.textContent)).toEqual([
      'Deployment chat-prod/chat-llm · OutOfSync',
      'HorizontalPodAutoscaler chat-prod/chat-llm · OutOfSync',
      'ConfigMap chat-prod/c1 · OutOfSync',
      'ConfigMap chat-prod/c2 · OutOfSync',
      'ConfigMap chat-prod/c3 · OutOfSync',
      'and 1 more',
    ]);
    expect(screen.getByTestId('finops-deployment-sync')).toHaveTextContent(
      'Out of sync',
    );
  });

  it('says the deployment drifts when the backend knows no start', async () => {
    renderCard({
      getDeliveryStatus: async () =>
        aDeliveryStatus({
          deployments: [aDeployment({ sync: 'OutOfSync' })],
        }),
    });
    expect(
      await screen.findByTestId('finops-deployment-drift'),
    ).toHaveTextContent('Drift: out of sync with Git');
  });

  it('shows a degraded deployment with its message', async () => {
    renderCard({
      getDeliveryStatus: async () =>
        aDeliveryStatus({
          deployments: [
            aDeployment({
              health: 'Degraded',
              message: 'Deployment chat-llm exceeded its progress deadline',
            }),
          ],
        }),
    });
    expect(
      await screen.findByTestId('finops-deployment-health'),
    ).toHaveTextContent('Degraded');
    expect(
      screen.getByText('Deployment chat-llm exceeded its progress deadline'),
    ).toBeInTheDocument();
  });

  it('shows a deployment that could not be read inline, and the others as usual', async () => {
    renderCard({
      getDeliveryStatus: async () =>
        aDeliveryStatus({
          deployments: [
            aDeployment({
              instance: 'eu',
              name: 'chat-llm-eu',
              url: undefined,
              sync: 'Unknown',
              health: 'Unknown',
              revision: undefined,
              deployedAt: undefined,
              history: [],
              error: 'Argo CD instance eu answered 401 Unauthorized',
            }),
            aDeployment(),
          ],
        }),
    });
    const failed = await screen.findByRole('article', { name: 'chat-llm-eu' });
    expect(
      within(failed).getByText('Could not read chat-llm-eu from eu'),
    ).toBeInTheDocument();
    expect(
      within(failed).getByText('Argo CD instance eu answered 401 Unauthorized'),
    ).toBeInTheDocument();
    expect(within(failed).queryByTestId('finops-deployment-sync')).toBeNull();
    const ok = screen.getByRole('article', { name: 'chat-llm-prod' });
    expect(
      within(ok).getByTestId('finops-deployment-revision'),
    ).toHaveTextContent('abc1234');
  });

  it('ties cost steps to the revision that caused them, with before and after', async () => {
    renderCard({
      getDeliveryStatus: async () =>
        aDeliveryStatus({
          costSteps: [
            ...aDeliveryStatus().costSteps,
            {
              revision: 'main@sha1:9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b',
              deployedAt: hoursAgo(24 * 20),
              metric: 'dailyCost',
              before: 1800,
              after: 1710,
              changePercent: -5,
            },
          ],
        }),
    });
    const steps = await screen.findAllByTestId('finops-cost-step');
    expect(steps.map(s => s.textContent)).toEqual([
      expect.stringMatching(
        /^Cost per 1M tokens \+18% since 0f1e2d32\.10 before → 2\.48 after · deployed .+ UTC$/,
      ),
      expect.stringMatching(
        /^Daily cost -5% since main@9a8b7c61,800 before → 1,710 after · deployed/,
      ),
    ]);
    expect(
      screen.getByText('Cost per 1M tokens +18% since 0f1e2d3'),
    ).toBeInTheDocument();
  });

  it('says so when no deployment is tied to a cost change', async () => {
    renderCard({
      getDeliveryStatus: async () => aDeliveryStatus({ costSteps: [] }),
    });
    expect(
      await screen.findByText('No cost change tied to a deployment yet.'),
    ).toBeInTheDocument();
  });

  it('shows the empty state when none of the named deployments exist', async () => {
    renderCard({
      getDeliveryStatus: async () =>
        aDeliveryStatus({ deployments: [], costSteps: [] }),
    });
    expect(await screen.findByText('No deployments found')).toBeInTheDocument();
  });

  it('shows the backend message on 404, and the error on a failure', async () => {
    const notFound = await responseError(
      404,
      'Entity component:default/chat-llm names no Argo CD Application or Flux object',
      'NotFoundError',
    );
    renderCard({ getDeliveryStatus: () => Promise.reject(notFound) });
    expect(await screen.findByText('No deployments found')).toBeInTheDocument();
    expect(
      screen.getByText(/names no Argo CD Application or Flux object/),
    ).toBeInTheDocument();
  });

  it('shows a failed request as an error', async () => {
    const failure = await responseError(502, 'Argo CD is unreachable');
    renderCard({ getDeliveryStatus: () => Promise.reject(failure) });
    expect(
      await screen.findByText('Could not load FinOps data'),
    ).toBeInTheDocument();
    expect(screen.getByText('Argo CD is unreachable')).toBeInTheDocument();
  });

  it('asks for the annotation on an entity that names no deployment, without a request', async () => {
    const getDeliveryStatus = jest.fn(async () => aDeliveryStatus());
    renderCard(
      { getDeliveryStatus },
      aComponent({ 'backstage.io/kubernetes-id': 'chat-llm' }),
      'Deployments',
    );
    expect(
      await screen.findByRole('heading', { name: 'Deployments' }),
    ).toBeInTheDocument();
    expect(
      (await screen.findAllByText(/argocd\/app-name/)).length,
    ).toBeGreaterThan(0);
    expect(getDeliveryStatus).not.toHaveBeenCalled();
  });
});

describe('the FinOps tab', () => {
  const tabApi = (overrides: Partial<FinopsApi> = {}): Partial<FinopsApi> => ({
    getEntityCosts: async (_ref, options) =>
      aCostSeries(options!.from!, options!.to!, 30),
    getEntityForecast: async () => aForecast(),
    getEntityAnomalies: async () => someAnomalies(),
    getEntityEfficiency: async () => anEfficiency(),
    getEntityCarbon: async () => aCarbon(),
    ...overrides,
  });

  it('has a delivery section with every deployment’s history and the cost steps', async () => {
    renderInTestApp(
      <EntityProvider
        entity={aComponent({
          'backstage.io/kubernetes-id': 'chat-llm',
          'argocd/app-name': 'chat-llm-prod',
        })}
      >
        <FinopsEntityContent />
      </EntityProvider>,
      {
        apis: [
          [
            finopsApiRef,
            tabApi({ getDeliveryStatus: async () => aDeliveryStatus() }),
          ],
        ],
      },
    );
    const section = await screen.findByRole('region', {
      name: 'Delivery and cost steps',
    });
    const history = await within(section).findByTestId(
      'finops-deployment-history',
    );
    expect(
      within(history)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual([
      expect.stringMatching(/^abc1234 deployed 2 hours ago/),
      expect.stringMatching(/^0f1e2d3 deployed last week/),
    ]);
    expect(
      within(section).getByText('Cost per 1M tokens +18% since 0f1e2d3'),
    ).toBeInTheDocument();
  });

  it('has no delivery section for an entity that names no deployment', async () => {
    const getDeliveryStatus = jest.fn(async () => aDeliveryStatus());
    renderInTestApp(
      <EntityProvider
        entity={aComponent({ 'backstage.io/kubernetes-id': 'chat-llm' })}
      >
        <FinopsEntityContent />
      </EntityProvider>,
      { apis: [[finopsApiRef, tabApi({ getDeliveryStatus })]] },
    );
    expect(await screen.findByTestId('finops-cost-chart')).toBeInTheDocument();
    expect(
      screen.queryByRole('region', { name: 'Delivery and cost steps' }),
    ).toBeNull();
    expect(getDeliveryStatus).not.toHaveBeenCalled();
  });
});

describe('isFinopsDeliveryAvailable', () => {
  it.each([
    ['argocd/app-name', 'chat-llm-prod'],
    ['argocd/app-selector', 'app=chat-llm'],
    ['ai-finops.io/flux-kustomization', 'prod/flux-system/chat-llm'],
    ['ai-finops.io/flux-helmrelease', 'prod/chat/chat-llm'],
  ])('is true with %s', (key, value) => {
    expect(isFinopsDeliveryAvailable(aComponent({ [key]: value }))).toBe(true);
  });

  it('is false without them, or with only the instance name', () => {
    expect(isFinopsDeliveryAvailable(aComponent())).toBe(false);
    expect(
      isFinopsDeliveryAvailable(
        aComponent({
          'backstage.io/kubernetes-id': 'chat-llm',
          'argocd/instance-name': 'demo',
        }),
      ),
    ).toBe(false);
  });
});

describe('formatting', () => {
  const now = Date.parse('2026-12-07T20:00:00Z');
  it.each([
    ['2026-12-07T19:59:30Z', '30 seconds ago'],
    ['2026-12-07T17:10:00Z', '3 hours ago'],
    ['2026-12-06T18:00:00Z', 'yesterday'],
    ['2026-11-16T20:00:00Z', '3 weeks ago'],
    ['2026-12-07T21:00:00Z', 'in 1 hour'],
  ])('%s is %s', (iso, text) => {
    expect(formatRelativeTime(iso, now, 'en-US')).toBe(text);
  });

  it('leaves a time that does not parse', () => {
    expect(formatRelativeTime('yesterday-ish', now, 'en-US')).toBeUndefined();
  });

  it.each([
    ['abc1234def5678901234567890abcdef12345678', 'abc1234'],
    ['main@sha1:abc1234def5678901234567890abcdef12345678', 'main@abc1234'],
    [
      'sha256:2cd1d97f893f70cee86a38b7160c30e5750f3ed6ad86c598884ca9c6a563a501',
      'sha256:2cd1d97',
    ],
    ['1.4.2', '1.4.2'],
    ['v1.4.2@sha256:2cd1d97f893f70cee86a38b7160c30e5', 'v1.4.2@2cd1d97'],
  ])('shortens %s to %s', (revision, short) => {
    expect(shortRevision(revision)).toBe(short);
  });
});
