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
  compliantResponsibleAi,
  pinnedSupplyChain,
} from '@ai-finops/test-utils';

/**
 * What the inference-service template form holds once filled: one L4 in
 * us-east-1, with `overrides`.
 */
export function templateForm(overrides: Record<string, unknown> = {}) {
  return {
    name: 'chat',
    owner: 'group:default/ml-platform',
    costCenter: 'cc-42',
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    runtime: 'vllm',
    gpuType: 'NVIDIA-L4',
    migProfile: '',
    gpuCount: 1,
    minReplicas: 1,
    maxReplicas: 1,
    autoscaler: 'keda',
    region: 'us-east-1',
    expectedTokensPerSecond: 1000,
    repoUrl: 'github.com?owner=acme&repo=gitops',
    delivery: 'argocd',
    ...compliantResponsibleAi,
    ...pinnedSupplyChain,
    ...overrides,
  };
}
