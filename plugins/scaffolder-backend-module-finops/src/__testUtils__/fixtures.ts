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

import path from 'node:path';
import {
  compliantResponsibleAi,
  pinnedSupplyChain,
} from '@ai-finops/test-utils';

/** The repository's guardrail policies. */
export const POLICIES_DIR = path.resolve(__dirname, '../../../../policies');

/** The embedded list price of an H100-hour: p5.48xlarge in us-east-1 ÷ 8. */
export const LIST_H100 = 55.04 / 8;

/** The template's values for a two-GPU H100 vLLM service. */
export const SERVICE = {
  name: 'chat',
  owner: 'group:default/ml-platform',
  costCenter: 'cc-4711',
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  runtime: 'vllm' as const,
  gpuType: 'NVIDIA-H100-80GB-HBM3',
  gpuCount: 2,
  minReplicas: 2,
  maxReplicas: 4,
  expectedTokensPerSecond: 2500,
  gitopsRepoUrl: 'github.com?owner=acme&repo=inference-deployments',
  gitopsPath: 'apps/chat',
  // What production admission requires: responsible-AI metadata, the image
  // pinned by digest, the model's digest and provenance.
  responsibleAi: compliantResponsibleAi,
  supplyChain: pinnedSupplyChain,
  targetPath: 'gitops',
};
