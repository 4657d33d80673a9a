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
import {
  createExtensionTester,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import finopsPlugin from '../alpha';
import { finopsApiRef, type FinopsEstimate } from '../api';
import { FinopsCostPreview } from '../components/FinopsCostPreview';
import { FinopsCostPreviewFieldExtension } from '../plugin';
import { finopsCostPreviewFormField } from './formFields';

const estimate: FinopsEstimate = {
  currency: 'USD',
  hoursPerMonth: 730,
  monthlyCost: 1430.8,
  maxMonthlyCost: 1430.8,
  services: [],
  workloads: [],
  guardrails: {
    configured: true,
    passed: false,
    checks: 12,
    policies: 9,
    denied: [
      {
        policy: 'ai-finops-max-gpus-per-container',
        action: 'Deny',
        message:
          'container vllm requests 8 GPUs; at most 4 GPUs per container are allowed (GuardrailParams default)',
        object: { kind: 'Deployment', name: 'chat', namespace: 'chat-prod' },
        location: 'base/deployment.yaml:1',
      },
    ],
    warnings: [],
  },
  notes: [],
};

describe('the FinopsCostPreview scaffolder field', () => {
  it('is an extension of the new-system plugin', () => {
    expect(
      finopsPlugin.getExtension('scaffolder-form-field:finops/cost-preview'),
    ).toBeDefined();
  });

  it('loads a form field named FinopsCostPreview that renders the preview', async () => {
    const loader = createExtensionTester(finopsCostPreviewFormField).get(
      FormFieldBlueprint.dataRefs.formFieldLoader,
    );
    const field = (await loader()) as unknown as {
      $$type: string;
      name: string;
      component: typeof FinopsCostPreview;
    };
    expect(field.$$type).toBe('@backstage/scaffolder/FormField');
    expect(field.name).toBe('FinopsCostPreview');

    const Field = field.component;
    await renderInTestApp(
      <TestApiProvider
        apis={[[finopsApiRef, { estimate: async () => estimate }]]}
      >
        <Field
          {...({
            name: 'costPreview',
            schema: { title: 'Cost and guardrails' },
            uiSchema: { 'ui:options': { debounceMs: 0 } },
            formContext: { formData: { gpuType: 'NVIDIA-L4', gpuCount: 8 } },
            onChange: () => {},
          } as any)}
        />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('Denied: ai-finops-max-gpus-per-container'),
    ).toBeInTheDocument();
  });

  it('is exported for the legacy app as FinopsCostPreviewFieldExtension', () => {
    expect(FinopsCostPreviewFieldExtension).toBeDefined();
    expect(typeof FinopsCostPreviewFieldExtension).toBe('function');
  });
});
