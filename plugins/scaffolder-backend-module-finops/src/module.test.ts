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

import {
  createMockDirectory,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  scaffolderActionsExtensionPoint,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { JsonObject } from '@backstage/types';
import { createGenerateManifestsAction } from './actions';
import { scaffolderModule } from './module';
import {
  LIST_H100,
  POLICIES_DIR,
  SERVICE as service,
} from './__testUtils__/fixtures';

const NEGOTIATED_H100 = 3.1;

/** The module's actions, installed in a backend with this finops config. */
async function actionsWith(finops: JsonObject) {
  const actions: TemplateAction<any, any, any>[] = [];
  await startTestBackend({
    extensionPoints: [
      [
        scaffolderActionsExtensionPoint,
        { addActions: (...added: any[]) => actions.push(...added) },
      ],
    ],
    features: [
      scaffolderModule,
      mockServices.rootConfig.factory({ data: { finops } }),
    ],
  });
  const byId = (id: string) => actions.find(a => a.id === id)!;
  return {
    estimate: byId('finops:cost:estimate'),
    evaluate: byId('finops:policy:evaluate'),
  };
}

describe('scaffolderModule', () => {
  const workspace = createMockDirectory();

  beforeAll(async () => {
    await createGenerateManifestsAction().handler(
      createMockActionContext({
        input: service as any,
        workspacePath: workspace.path,
      }) as any,
    );
  });

  async function monthlyCost(action: TemplateAction<any, any, any>) {
    const ctx = createMockActionContext({
      input: { path: 'gitops' } as any,
      workspacePath: workspace.path,
    });
    await action.handler(ctx as any);
    return (ctx.output as jest.Mock).mock.calls.find(
      ([name]) => name === 'monthlyCost',
    )?.[1];
  }

  // dev: 1 replica; prod: 2 replicas (KEDA minimum); 2 H100s each.
  const gpuHours = (1 + 2) * 2 * 730;

  it('prices GPUs from finops.prices.overrides before the list prices', async () => {
    const listed = await actionsWith({});
    expect(await monthlyCost(listed.estimate)).toBeCloseTo(
      gpuHours * LIST_H100,
      6,
    );

    const negotiated = await actionsWith({
      guardrails: { policies: POLICIES_DIR },
      prices: {
        overrides: [
          { gpuModel: 'NVIDIA-H100-80GB-HBM3', usdPerGpuHour: NEGOTIATED_H100 },
        ],
      },
    });
    expect(await monthlyCost(negotiated.estimate)).toBeCloseTo(
      gpuHours * NEGOTIATED_H100,
      6,
    );

    // The guardrail check runs on the same catalog.
    const ctx = createMockActionContext({
      input: { path: 'gitops' } as any,
      workspacePath: workspace.path,
    });
    await negotiated.evaluate.handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('passed', true);
  });
});
