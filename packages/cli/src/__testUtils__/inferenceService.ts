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

import fs from 'node:fs';
import path from 'node:path';
import {
  knownGpuModels,
  renderInferenceService,
  type InferenceServiceSpec,
} from '@ai-finops/backstage-plugin-finops-guardrails';
import {
  compliantResponsibleAi,
  pinnedSupplyChain,
} from '@ai-finops/test-utils';

/**
 * Writes the inference-service template's manifests, as its dry run renders
 * them (2 H100s, KEDA 1–3 replicas, Argo CD unless overridden), under `dir`;
 * returns their paths relative to `dir`. Used by the bundle test, the image
 * check test and the start-up benchmark.
 */
export function writeInferenceService(
  dir: string,
  overrides: Partial<InferenceServiceSpec> = {},
): string[] {
  const files = renderInferenceService(
    {
      name: 'chat',
      description: 'The assistant chat model',
      owner: 'group:default/ml-platform',
      costCenter: 'cc-4711',
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      runtime: 'vllm',
      gpuType: 'NVIDIA-H100-80GB-HBM3',
      gpuCount: 2,
      minReplicas: 1,
      maxReplicas: 3,
      autoscaler: 'keda',
      expectedRequestsPerSecond: 5,
      expectedTokensPerSecond: 2000,
      latencySloMs: 800,
      region: 'us-east-1',
      monthlyBudget: 40000,
      gitopsRepoUrl: 'github.com?owner=acme&repo=inference-deployments',
      gitopsPath: 'apps/chat',
      delivery: 'argocd',
      responsibleAi: compliantResponsibleAi,
      supplyChain: pinnedSupplyChain,
      ...overrides,
    },
    knownGpuModels(),
  );
  for (const file of files) {
    const target = path.join(dir, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.content);
  }
  return files.map(f => f.path);
}
