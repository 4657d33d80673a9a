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
import { ResponseError } from '@backstage/errors';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { finopsApiRef, type FinopsApi, type FinopsEstimate } from '../../api';
import {
  FinopsCostPreview,
  type FinopsCostPreviewProps,
} from './FinopsCostPreview';

const PRICE = 0.98;

function anEstimate(overrides: Partial<FinopsEstimate> = {}): FinopsEstimate {
  return {
    currency: 'USD',
    hoursPerMonth: 730,
    monthlyCost: 2 * PRICE * 730,
    maxMonthlyCost: 3 * PRICE * 730,
    usdPerMillionTokens: 0.2,
    budget: {
      monthlyBudget: 5000,
      withinBudget: true,
      withinBudgetAtMaxReplicas: true,
    },
    services: [],
    workloads: [],
    guardrails: {
      configured: true,
      passed: true,
      checks: 40,
      policies: 9,
      denied: [],
      warnings: [],
    },
    notes: [],
    ...overrides,
  };
}

const denyGpus = (namespace: string) => ({
  policy: 'ai-finops-max-gpus-per-container',
  action: 'Deny' as const,
  message:
    'container vllm requests 8 GPUs; at most 4 GPUs per container are allowed (GuardrailParams default)',
  object: { kind: 'Deployment', name: 'chat', namespace },
  location: `overlays/${namespace.endsWith('dev') ? 'dev' : 'prod'}`,
});

const form = {
  name: 'chat',
  gpuType: 'NVIDIA-L4',
  gpuCount: 1,
  minReplicas: 1,
  maxReplicas: 2,
  monthlyBudget: 5000,
  owner: 'group:default/ml',
};

function props(
  formData: Record<string, unknown>,
  extra: Partial<FinopsCostPreviewProps> = {},
): FinopsCostPreviewProps {
  return {
    name: 'costPreview',
    schema: { title: 'Cost and guardrails', type: 'object' },
    uiSchema: { 'ui:options': { debounceMs: 0 } },
    formContext: { formData: { ...formData, costPreview: { monthlyCost: 1 } } },
    onChange: jest.fn(),
    idSchema: { $id: 'root_costPreview' },
    ...extra,
  } as unknown as FinopsCostPreviewProps;
}

async function renderPreview(
  api: Partial<FinopsApi>,
  p: FinopsCostPreviewProps,
) {
  return renderInTestApp(
    <TestApiProvider apis={[[finopsApiRef, api]]}>
      <FinopsCostPreview {...p} />
    </TestApiProvider>,
  );
}

describe('FinopsCostPreview', () => {
  it('shows the monthly cost, $ per 1M tokens, budget fit and passed guardrails', async () => {
    const estimate = jest.fn().mockResolvedValue(anEstimate());
    const onChange = jest.fn();
    await renderPreview({ estimate }, props(form, { onChange }));

    expect(
      await screen.findByTestId('finops-preview-monthly-cost'),
    ).toHaveTextContent('$1,431');
    expect(
      screen.getByTestId('finops-preview-cost-per-million-tokens'),
    ).toHaveTextContent('$0.20');
    expect(screen.getByText('Up to $2,146 at maximum replicas')).toBeVisible();
    expect(screen.getByTestId('finops-preview-budget')).toHaveTextContent(
      'Within the $5,000 monthly budget',
    );
    expect(
      screen.getByText('Guardrails passed: 40 checks of 9 policies'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('region', { name: 'Cost and guardrails' }),
    ).toBeInTheDocument();
    // The form values without the field's own value or objects.
    expect(estimate).toHaveBeenCalledTimes(1);
    expect(estimate).toHaveBeenCalledWith(form);
    expect(onChange).toHaveBeenCalledWith({
      monthlyCost: 2 * PRICE * 730,
      maxMonthlyCost: 3 * PRICE * 730,
      usdPerMillionTokens: 0.2,
      guardrailsPassed: true,
    });
  });

  it('lists each denied guardrail with the policy message, once per message', async () => {
    const estimate = jest.fn().mockResolvedValue(
      anEstimate({
        budget: {
          monthlyBudget: 1000,
          withinBudget: false,
          withinBudgetAtMaxReplicas: false,
        },
        guardrails: {
          configured: true,
          passed: false,
          checks: 40,
          policies: 9,
          denied: [denyGpus('chat-dev'), denyGpus('chat-prod')],
          warnings: [
            {
              policy: 'ai-finops-max-replicas',
              action: 'Warn',
              message: 'maxReplicas 20 is above 16',
              object: { kind: 'ScaledObject', name: 'chat' },
              location: 'overlays/prod/scaledobject.yaml:1',
            },
          ],
        },
      }),
    );
    await renderPreview({ estimate }, props({ ...form, gpuCount: 8 }));

    const denied = await screen.findByRole('list', {
      name: 'Denied by the guardrails',
    });
    const items = within(denied).getAllByRole('listitem');
    expect(items).toHaveLength(1);
    expect(items[0]).toHaveTextContent(
      'Denied: ai-finops-max-gpus-per-container',
    );
    expect(items[0]).toHaveTextContent(
      'container vllm requests 8 GPUs; at most 4 GPUs per container are allowed',
    );
    expect(items[0]).toHaveTextContent(
      'Deployment chat-dev/chat, Deployment chat-prod/chat',
    );
    const warnings = screen.getByRole('list', { name: 'Guardrail warnings' });
    expect(warnings).toHaveTextContent('maxReplicas 20 is above 16');
    expect(screen.queryByText(/Guardrails passed/)).toBeNull();
    expect(screen.getByTestId('finops-preview-budget')).toHaveTextContent(
      'Over the $1,000 monthly budget by $431',
    );
  });

  it('asks for a GPU type before estimating', async () => {
    const estimate = jest.fn();
    await renderPreview({ estimate }, props({ name: 'chat' }));
    expect(await screen.findByText('No estimate yet')).toBeInTheDocument();
    expect(estimate).not.toHaveBeenCalled();
  });

  it('shows a loading state, then the backend error message', async () => {
    let reject: (e: Error) => void = () => {};
    const estimate = jest.fn(
      () =>
        new Promise<FinopsEstimate>((_, r) => {
          reject = r;
        }),
    );
    await renderPreview({ estimate }, props(form));
    expect(
      await screen.findByRole('progressbar', { name: 'Estimating the cost' }),
    ).toBeInTheDocument();
    await waitFor(() => expect(estimate).toHaveBeenCalled());
    reject(
      await ResponseError.fromResponse(
        new Response(
          JSON.stringify({
            error: {
              name: 'InputError',
              message:
                'input.maxReplicas: 1 must be a whole number ≥ minReplicas (3) and ≥ 1',
            },
            response: { statusCode: 400 },
          }),
          {
            status: 400,
            statusText: 'Bad Request',
            headers: { 'Content-Type': 'application/json' },
          },
        ),
      ),
    );
    expect(await screen.findByText('The estimate failed')).toBeInTheDocument();
    expect(
      screen.getByText(
        'input.maxReplicas: 1 must be a whole number ≥ minReplicas (3) and ≥ 1',
      ),
    ).toBeInTheDocument();
  });

  it('debounces: quick edits send one request with the last values', async () => {
    const estimate = jest.fn().mockResolvedValue(anEstimate());
    const p = (gpuCount: number) =>
      props({ ...form, gpuCount }, {
        uiSchema: { 'ui:options': { debounceMs: 150 } },
      } as any);
    const { rerender } = await renderPreview({ estimate }, p(1));
    for (const n of [2, 3, 4]) {
      rerender(
        <TestApiProvider apis={[[finopsApiRef, { estimate }]]}>
          <FinopsCostPreview {...p(n)} />
        </TestApiProvider>,
      );
    }
    await screen.findByTestId('finops-preview-monthly-cost');
    await new Promise(r => setTimeout(r, 300));
    expect(estimate).toHaveBeenCalledTimes(1);
    expect(estimate).toHaveBeenCalledWith({ ...form, gpuCount: 4 });
  });
});
