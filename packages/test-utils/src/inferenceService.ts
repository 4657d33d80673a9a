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

/**
 * The responsible-AI metadata an inference service needs to be admitted in
 * production, in the spelling of the template's `responsibleAi` input (the
 * form's fields have the same names): a model card URL, a training-data
 * dataset id, and passed evaluation and bias checks dated 2026-11-30 and
 * 2026-12-01.
 */
export const compliantResponsibleAi = {
  modelCardUrl: 'https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct',
  trainingData: 'HuggingFaceFW/fineweb',
  evaluationStatus: 'passed',
  evaluationDate: '2026-11-30',
  biasCheckStatus: 'passed',
  biasCheckDate: '2026-12-01',
};

/**
 * A pinned supply chain, in the spelling of the template's `supplyChain` input
 * (the form's fields have the same names): the serving image's sha256 digest,
 * the model's 40-hex revision and the URL of its provenance attestation.
 */
export const pinnedSupplyChain = {
  imageDigest:
    'sha256:5f0c9b8a27d1e4c65f0c9b8a27d1e4c65f0c9b8a27d1e4c65f0c9b8a27d1e4c6',
  modelDigest: '0e9e39f249a16976918f6564b8830bc894c89659',
  modelProvenance:
    'https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct/attestations/provenance.intoto.jsonl',
};

/**
 * The inference-service template's input for one H100 serving
 * Llama-3.1-8B-Instruct with vLLM, scaled by KEDA to two replicas and
 * delivered by Argo CD, without responsible-AI metadata or a pinned supply
 * chain. Typed `as const` so that it fits the renderer's spec type.
 */
export const minimalInferenceService = {
  name: 'chat',
  owner: 'group:default/ml-platform',
  costCenter: 'cc-4711',
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  runtime: 'vllm',
  gpuType: 'NVIDIA-H100-80GB-HBM3',
  gpuCount: 1,
  minReplicas: 1,
  maxReplicas: 2,
  autoscaler: 'keda',
  gitopsRepoUrl: 'github.com?owner=acme&repo=inference-deployments',
  gitopsPath: 'apps/chat',
  delivery: 'argocd',
} as const;
