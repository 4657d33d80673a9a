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

import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

/** Examples of `finops:manifests:generate`. */
export const examples: TemplateExample[] = [
  {
    description:
      'A vLLM service on two H100s per replica, scaled by KEDA, delivered by Argo CD',
    example: stringify({
      steps: [
        {
          id: 'render',
          action: 'finops:manifests:generate',
          name: 'Render the GitOps manifests',
          input: {
            name: 'chat',
            owner: 'group:default/ml-platform',
            system: 'system:default/assistant',
            costCenter: 'cc-4711',
            model: 'meta-llama/Llama-3.1-8B-Instruct',
            runtime: 'vllm',
            gpuType: 'NVIDIA-H100-80GB-HBM3',
            gpuCount: 2,
            minReplicas: 1,
            maxReplicas: 4,
            autoscaler: 'keda',
            expectedTokensPerSecond: 2500,
            expectedRequestsPerSecond: 6,
            latencySloMs: 800,
            region: 'us-east-1',
            monthlyBudget: 30000,
            gitopsRepoUrl: 'github.com?owner=acme&repo=inference-deployments',
            gitopsPath: 'apps/chat',
            responsibleAi: {
              modelCardUrl:
                'https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct',
              trainingData: 'HuggingFaceFW/fineweb',
              evaluationStatus: 'passed',
              evaluationDate: '2026-11-30',
              biasCheckStatus: 'passed',
              biasCheckDate: '2026-12-01',
            },
            supplyChain: {
              imageDigest:
                'sha256:5f0c9b8a27d1e4c65f0c9b8a27d1e4c65f0c9b8a27d1e4c65f0c9b8a27d1e4c6',
              modelDigest: '0e9e39f249a16976918f6564b8830bc894c89659',
              modelProvenance:
                'https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct/attestations/provenance.intoto.jsonl',
              imageVerifier: 'kyverno',
            },
            // The service under apps/chat, the image workflow under the
            // repository root's .github/workflows (published from gitops).
            targetPath: 'gitops/apps/chat',
            repositoryRootPath: 'gitops',
          },
        },
      ],
    }),
  },
  {
    description:
      'A KServe InferenceService on one MIG slice of an A100, delivered by Flux',
    example: stringify({
      steps: [
        {
          id: 'render',
          action: 'finops:manifests:generate',
          name: 'Render the GitOps manifests',
          input: {
            name: 'embeddings',
            owner: 'group:default/search',
            costCenter: 'cc-1200',
            model: 'BAAI/bge-large-en-v1.5',
            runtime: 'kserve',
            gpuType: 'NVIDIA-A100-SXM4-80GB',
            migProfile: '3g.40gb',
            gpuCount: 1,
            minReplicas: 1,
            maxReplicas: 3,
            autoscaler: 'keda',
            delivery: 'flux',
            gitopsRepoUrl: 'https://github.com/acme/inference-deployments.git',
            gitopsPath: 'apps/embeddings',
            responsibleAi: {
              modelCardUrl: 'https://huggingface.co/BAAI/bge-large-en-v1.5',
              trainingData: 'https://arxiv.org/abs/2309.07597',
              evaluationStatus: 'passed',
              evaluationDate: '2026-11-20',
              biasCheckStatus: 'passed',
              biasCheckDate: '2026-11-24',
            },
            supplyChain: {
              modelDigest:
                'sha256:c4a5b1e07d2f9836c4a5b1e07d2f9836c4a5b1e07d2f9836c4a5b1e07d2f9836',
              modelProvenance:
                'https://github.com/acme/models/attestations/bge-large-en-v1.5.intoto.jsonl',
              imageVerifier: 'policy-controller',
            },
          },
        },
      ],
    }),
  },
];
