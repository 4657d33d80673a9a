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

import { configure, fireEvent, screen, waitFor } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { finopsApiRef, type FinopsApi } from '../../api';
import { aComponent } from '../../__fixtures__/summary';
import {
  aCarbon,
  aCostSeries,
  aForecast,
  anEfficiency,
  someAnomalies,
} from '../../__fixtures__/engine';
import { FinopsEntityContent } from './FinopsEntityContent';
import { clampRange, presetRange, validateRange } from './timeRange';

// The tab renders several charts: on a loaded 2-core CI machine that takes
// seconds, so wait up to 5 s for what a test finds (1 s by default) and 20 s
// per test (5 s).
configure({ asyncUtilTimeout: 5_000 });
jest.setTimeout(20_000);

function api(overrides: Partial<FinopsApi> = {}): Partial<FinopsApi> {
  return {
    getEntityCosts: jest.fn(async (_ref, options) => {
      const days =
        (Date.parse(options!.to!) - Date.parse(options!.from!)) / 86_400_000 +
        1;
      return aCostSeries(options!.from!, options!.to!, days);
    }),
    getEntityForecast: jest.fn(async () => aForecast()),
    getEntityAnomalies: jest.fn(async () => someAnomalies()),
    getEntityEfficiency: jest.fn(async () => anEfficiency()),
    getEntityCarbon: jest.fn(async () => aCarbon()),
    ...overrides,
  };
}

function renderTab(mock: Partial<FinopsApi>) {
  return renderInTestApp(
    <EntityProvider
      entity={aComponent({ 'backstage.io/kubernetes-id': 'chat-llm' })}
    >
      <FinopsEntityContent />
    </EntityProvider>,
    { apis: [[finopsApiRef, mock]] },
  );
}

describe('FinopsEntityContent', () => {
  it('draws every chart with an accessible summary', async () => {
    renderTab(api());
    const cost = await screen.findByTestId('finops-cost-chart');
    expect(cost).toHaveAttribute(
      'aria-label',
      expect.stringMatching(
        /^Cost by category, daily, .* total \$27,000 across 30 days; largest gpu$/,
      ),
    );
    expect(await screen.findByTestId('finops-forecast-chart')).toHaveAttribute(
      'aria-label',
      '2026-11: $24,150 forecast (80% interval $22,010 – $26,480); $10,400 spent in 13 of 30 days',
    );
    expect(await screen.findByTestId('finops-anomaly-chart')).toHaveAttribute(
      'aria-label',
      expect.stringMatching(/^1 cost anomaly/),
    );
    expect(screen.getByTestId('finops-anomaly')).toHaveTextContent(
      'critical · +$1,100 Cost $1,900 against $800 expected.',
    );
    expect(
      await screen.findByTestId('finops-efficiency-chart'),
    ).toHaveAttribute(
      'aria-label',
      expect.stringContaining('efficiency score 62 / 100'),
    );
    expect(screen.getByTestId('finops-unit-economics-chart')).toHaveAttribute(
      'aria-label',
      expect.stringContaining('$25.25 per 1M tokens'),
    );
    expect(await screen.findByTestId('finops-carbon-chart')).toHaveAttribute(
      'aria-label',
      expect.stringContaining('grid 379 gCO2e/kWh in us-east-1 (annual)'),
    );
  });

  it('reloads the cost chart when the range, granularity or split changes', async () => {
    const mock = api();
    renderTab(mock);
    await screen.findByTestId('finops-cost-chart');

    fireEvent.change(screen.getByLabelText('Time range'), {
      target: { value: '90d' },
    });
    await waitFor(() =>
      expect(screen.getByTestId('finops-cost-chart')).toHaveAttribute(
        'aria-label',
        expect.stringContaining('across 90 days'),
      ),
    );
    const range90 = presetRange('90d');
    expect(mock.getEntityCosts).toHaveBeenLastCalledWith(
      'component:default/chat-llm',
      { ...range90, granularity: 'daily', groupBy: 'category' },
    );
    expect(mock.getEntityEfficiency).toHaveBeenLastCalledWith(
      'component:default/chat-llm',
      { from: range90.from, to: range90.to },
    );

    fireEvent.change(screen.getByLabelText('Split by'), {
      target: { value: 'gpuModel' },
    });
    await waitFor(() =>
      expect(mock.getEntityCosts).toHaveBeenLastCalledWith(
        'component:default/chat-llm',
        expect.objectContaining({ groupBy: 'gpuModel' }),
      ),
    );

    fireEvent.change(screen.getByLabelText('Time range'), {
      target: { value: 'custom' },
    });
    fireEvent.change(screen.getByLabelText('From'), {
      target: { value: '2026-11-10' },
    });
    fireEvent.change(screen.getByLabelText('To'), {
      target: { value: '2026-11-01' },
    });
    expect(screen.getByText('The start is after the end.')).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('To'), {
      target: { value: '2026-11-14' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() =>
      expect(mock.getEntityCosts).toHaveBeenLastCalledWith(
        'component:default/chat-llm',
        {
          from: '2026-11-10',
          to: '2026-11-14',
          granularity: 'daily',
          groupBy: 'gpuModel',
        },
      ),
    );
  });

  it('shows each section’s own error', async () => {
    renderTab(
      api({
        getEntityCarbon: () => Promise.reject(new Error('carbon is down')),
      }),
    );
    expect(await screen.findByText('carbon is down')).toBeInTheDocument();
    expect(await screen.findByTestId('finops-cost-chart')).toBeInTheDocument();
  });

  it('asks for the annotation on an entity without one', async () => {
    const mock = api();
    renderInTestApp(
      <EntityProvider entity={aComponent()}>
        <FinopsEntityContent />
      </EntityProvider>,
      { apis: [[finopsApiRef, mock]] },
    );
    expect(
      (await screen.findAllByText(/backstage\.io\/kubernetes-id/)).length,
    ).toBeGreaterThan(0);
    expect(mock.getEntityCosts).not.toHaveBeenCalled();
  });
});

describe('time ranges', () => {
  const now = new Date('2026-11-14T15:00:00Z');
  it('computes presets ending today (UTC)', () => {
    expect(presetRange('7d', now)).toEqual({
      from: '2026-11-08',
      to: '2026-11-14',
    });
    expect(presetRange('mtd', now)).toEqual({
      from: '2026-11-01',
      to: '2026-11-14',
    });
    expect(presetRange('12m', now)).toEqual({
      from: '2025-12-01',
      to: '2026-11-14',
    });
  });

  it('clamps to the last days and validates custom ranges', () => {
    expect(clampRange({ from: '2026-01-01', to: '2026-11-14' }, 93)).toEqual({
      from: '2026-08-14',
      to: '2026-11-14',
      clamped: true,
    });
    expect(validateRange({ from: '2026-11-01', to: '2026-11-14' })).toBe(
      undefined,
    );
    expect(validateRange({ from: '2026-11-01', to: '' })).toMatch(/YYYY-MM-DD/);
  });
});
