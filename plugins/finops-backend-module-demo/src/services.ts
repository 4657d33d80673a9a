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
  H200_SWEEP_BATCH_128,
  TOKEN_MIX,
  type DemoGpuModel,
} from './calibration';

/**
 * How a service's compute is paid for.
 *
 * - `on-demand`: list price; billed = effective = list.
 * - `savings-plan`: a no-upfront commitment; billed = effective =
 *   list × (1 − discount).
 * - `reserved`: a partial-upfront reservation; effective = list × (1 − discount)
 *   amortises the upfront payment, billed is the hourly recurring part,
 *   effective × (1 − upfrontShare).
 *
 * Commitments apply to GPU, CPU and memory lines; storage and network are
 * always on-demand.
 *
 * @public
 */
export type DemoCommitment =
  | { kind: 'on-demand' }
  | { kind: 'savings-plan'; discount: number }
  | { kind: 'reserved'; discount: number; upfrontShare: number };

/**
 * A Kubernetes workload the demo reports on.
 *
 * @public
 */
export interface DemoWorkload {
  namespace: string;
  /** `Kind/name`, e.g. `Deployment/chat-llm`. */
  workload: string;
  labels: Readonly<Record<string, string>>;
}

/**
 * A billing-side line (a cloud resource outside the cluster) found only by
 * its tags.
 *
 * @public
 */
export interface DemoBillingLine {
  /** Cloud resource id. */
  resource: string;
  category: 'storage' | 'network';
  /** Size billed every hour, GiB. */
  gib: number;
  tags: Readonly<Record<string, string>>;
}

/**
 * One service of the demo fleet and the assumptions it is generated from.
 *
 * @public
 */
export interface DemoService {
  /** Stable id; the catalog Component name when there is one. */
  id: string;
  /** The catalog Component the records belong to, or undefined for unallocated spend. */
  component?: string;
  /** Value of the `backstage.io/kubernetes-id` label, when the workloads carry one. */
  kubernetesId?: string;
  /** What runs, for people reading the data. */
  summary: string;
  provider: 'AWS' | 'Azure';
  region: string;
  /** Offset of the users' local time from UTC, hours (no daylight saving). */
  utcOffsetHours: number;
  /** The model server, or the service itself when it runs on CPU only. */
  main: DemoWorkload;
  /** GPUs of the main workload; absent for CPU-only services. */
  gpu?: { model: DemoGpuModel; gpusPerReplica: number };
  /** CPU and memory requested per replica of a CPU-only main workload. */
  cpu?: { coresPerReplica: number; memoryGibPerReplica: number };
  /** Horizontal autoscaling of the main workload. */
  scaling: {
    minReplicas: number;
    maxReplicas: number;
    /** Requests one replica serves in an hour at 100 % utilisation (an assumption unless stated). */
    requestsPerReplicaHour: number;
    /** Utilisation the autoscaler aims for. */
    targetUtilization: number;
  };
  /** Where the request rate comes from. */
  demand:
    | {
        kind: 'cycle';
        /** Mean requests per hour before anomalies. */
        meanRequestsPerHour: number;
        /** How strongly the daily profile is applied (1 = as measured). */
        dailyStrength: number;
        /** How strongly the weekly profile is applied (1 = as measured). */
        weeklyStrength: number;
      }
    | {
        kind: 'sum';
        /** Services whose requests pass through this one. */
        of: string[];
        /** Extra share of requests (retries, rejected calls). */
        overhead: number;
      };
  /** Mean tokens per request; a side absent or 0 is not reported. */
  tokensPerRequest?: { input?: number; output?: number };
  /** CPU pods next to the model server (router, pre-processing). */
  sidecar?: DemoWorkload & {
    coresPerReplica: number;
    memoryGibPerReplica: number;
    requestsPerReplicaHour: number;
    minReplicas: number;
  };
  /** Persistent volume per main replica (model cache), GiB. */
  storageGibPerReplica?: number;
  /** Traffic per request, KiB, and where it goes. */
  network?: { kibPerRequest: number; to: 'zone' | 'internet' };
  commitment: DemoCommitment;
  /** Billing-side lines matched by tags only. */
  billing?: readonly DemoBillingLine[];
  /** Whether the demo's recurring 2-day spike may hit this service. */
  anomalyCandidate: boolean;
}

function k8sLabels(options: {
  kubernetesId?: string;
  name: string;
  instance: string;
  component: string;
  partOf: string;
}): Readonly<Record<string, string>> {
  const labels: Record<string, string> = {};
  if (options.kubernetesId) {
    labels['backstage.io/kubernetes-id'] = options.kubernetesId;
  }
  labels['app.kubernetes.io/name'] = options.name;
  labels['app.kubernetes.io/instance'] = options.instance;
  labels['app.kubernetes.io/component'] = options.component;
  labels['app.kubernetes.io/part-of'] = options.partOf;
  return Object.freeze(labels);
}

// Serving capacity of the H200 code-completion replicas, derived from the
// measured sweep: (8,184.9 generated + 32,739.5 prompt) tok/s at batch 128 and
// 52.81 % NVML utilisation, extrapolated linearly to 100 %, scaled by
// parameters from the measured 1.10 B model to deepseek-coder-1.3b (1.35 B),
// divided by the Azure code trace's 2,075.7 tokens per request:
// about 109,500 requests per GPU-hour.
const CODE_COMPLETION_PARAMS = 1.35e9;
const CODE_COMPLETION_REQUESTS_PER_GPU_HOUR =
  (((H200_SWEEP_BATCH_128.generatedTokensPerSecond +
    H200_SWEEP_BATCH_128.promptTokensPerSecond) /
    H200_SWEEP_BATCH_128.utilization) *
    (H200_SWEEP_BATCH_128.modelParams / CODE_COMPLETION_PARAMS) *
    3600) /
  (TOKEN_MIX.code.inputTokens + TOKEN_MIX.code.outputTokens);

/**
 * The id the unallocated workload carries: no catalog entity has it.
 *
 * @public
 */
export const DEMO_UNALLOCATED_KUBERNETES_ID = 'llm-playground';

/**
 * The demo fleet. Components, owners and annotations are in
 * `examples/entities.yaml`; the tests check they agree.
 *
 * Throughputs other than the H200's, discounts, request rates and sizes are
 * illustrative assumptions, chosen to give a plausible fleet; calibrated
 * figures come from `calibration.ts`.
 *
 * @public
 */
export const DEMO_SERVICES: readonly DemoService[] = Object.freeze([
  {
    id: 'chat-llm',
    component: 'chat-llm',
    kubernetesId: 'chat-llm',
    summary: 'Llama-3.1-70B-Instruct (FP8) on vLLM, tensor parallel 4 on H100',
    provider: 'AWS',
    region: 'us-east-1',
    utcOffsetHours: -5,
    main: {
      namespace: 'assistant',
      workload: 'Deployment/chat-llm',
      labels: k8sLabels({
        kubernetesId: 'chat-llm',
        name: 'chat-llm',
        instance: 'chat-llm',
        component: 'model-server',
        partOf: 'conversational-ai',
      }),
    },
    gpu: { model: 'NVIDIA-H100-80GB-HBM3', gpusPerReplica: 4 },
    scaling: {
      minReplicas: 2,
      maxReplicas: 8,
      // Assumption: 3,000 generated tok/s per TP-4 replica under the latency
      // SLO, at the Azure conv trace's 211.13 generated tokens per request.
      requestsPerReplicaHour: (3000 * 3600) / TOKEN_MIX.conv.outputTokens,
      targetUtilization: 0.65,
    },
    demand: {
      kind: 'cycle',
      meanRequestsPerHour: 120_000,
      dailyStrength: 5,
      weeklyStrength: 1.5,
    },
    tokensPerRequest: {
      input: TOKEN_MIX.conv.inputTokens,
      output: TOKEN_MIX.conv.outputTokens,
    },
    sidecar: {
      namespace: 'assistant',
      workload: 'Deployment/chat-llm-router',
      labels: k8sLabels({
        kubernetesId: 'chat-llm',
        name: 'chat-llm-router',
        instance: 'chat-llm',
        component: 'router',
        partOf: 'conversational-ai',
      }),
      coresPerReplica: 2,
      memoryGibPerReplica: 4,
      requestsPerReplicaHour: 30_000,
      minReplicas: 2,
    },
    storageGibPerReplica: 300,
    network: { kibPerRequest: 24, to: 'zone' },
    // Assumption: 1-year Compute Savings Plan, no upfront.
    commitment: { kind: 'savings-plan', discount: 0.28 },
    anomalyCandidate: true,
  },
  {
    id: 'code-completion',
    component: 'code-completion',
    kubernetesId: 'code-completion',
    summary:
      'deepseek-coder-1.3b-base fill-in-the-middle completions on vLLM, one H200 per replica',
    provider: 'AWS',
    region: 'us-east-1',
    utcOffsetHours: -5,
    main: {
      namespace: 'assistant',
      workload: 'Deployment/code-completion',
      labels: k8sLabels({
        kubernetesId: 'code-completion',
        name: 'code-completion',
        instance: 'code-completion',
        component: 'model-server',
        partOf: 'coding-assistant',
      }),
    },
    gpu: { model: 'NVIDIA-H200', gpusPerReplica: 1 },
    scaling: {
      minReplicas: 2,
      maxReplicas: 10,
      requestsPerReplicaHour: CODE_COMPLETION_REQUESTS_PER_GPU_HOUR,
      targetUtilization: 0.65,
    },
    demand: {
      kind: 'cycle',
      meanRequestsPerHour: 110_000,
      dailyStrength: 7,
      weeklyStrength: 3.5,
    },
    tokensPerRequest: {
      input: TOKEN_MIX.code.inputTokens,
      output: TOKEN_MIX.code.outputTokens,
    },
    storageGibPerReplica: 50,
    network: { kibPerRequest: 12, to: 'zone' },
    commitment: { kind: 'on-demand' },
    anomalyCandidate: true,
  },
  {
    id: 'search-rag-llm',
    component: 'search-rag-llm',
    // Found through `backstage.io/kubernetes-label-selector`, not an id label.
    summary:
      'Mixtral-8x7B-Instruct answer generation for search (RAG) on vLLM, tensor parallel 2 on A100 80GB',
    provider: 'AWS',
    region: 'us-east-1',
    utcOffsetHours: -5,
    main: {
      namespace: 'search',
      workload: 'Deployment/search-rag-llm',
      labels: k8sLabels({
        name: 'search-rag-llm',
        instance: 'search-rag',
        component: 'model-server',
        partOf: 'search-relevance',
      }),
    },
    gpu: { model: 'NVIDIA-A100-SXM4-80GB', gpusPerReplica: 2 },
    scaling: {
      minReplicas: 2,
      maxReplicas: 8,
      // Assumption: 1,400 generated tok/s per TP-2 replica.
      requestsPerReplicaHour: (1400 * 3600) / TOKEN_MIX.conv.outputTokens,
      targetUtilization: 0.65,
    },
    demand: {
      kind: 'cycle',
      meanRequestsPerHour: 45_000,
      dailyStrength: 4,
      weeklyStrength: 2,
    },
    tokensPerRequest: {
      input: TOKEN_MIX.conv.inputTokens,
      output: TOKEN_MIX.conv.outputTokens,
    },
    sidecar: {
      namespace: 'search',
      workload: 'Deployment/search-rag-router',
      labels: k8sLabels({
        name: 'search-rag-router',
        instance: 'search-rag',
        component: 'router',
        partOf: 'search-relevance',
      }),
      coresPerReplica: 2,
      memoryGibPerReplica: 4,
      requestsPerReplicaHour: 20_000,
      minReplicas: 2,
    },
    storageGibPerReplica: 200,
    network: { kibPerRequest: 24, to: 'zone' },
    // Assumption: 1-year partial-upfront reserved instances.
    commitment: { kind: 'reserved', discount: 0.35, upfrontShare: 0.5 },
    anomalyCandidate: true,
  },
  {
    id: 'query-embedder',
    component: 'query-embedder',
    kubernetesId: 'query-embedder',
    summary:
      'bge-large-en-v1.5 query and passage embeddings on Text Embeddings Inference, one L4 per replica',
    provider: 'AWS',
    region: 'us-east-1',
    utcOffsetHours: -5,
    main: {
      namespace: 'search',
      workload: 'Deployment/query-embedder',
      labels: k8sLabels({
        kubernetesId: 'query-embedder',
        name: 'query-embedder',
        instance: 'query-embedder',
        component: 'model-server',
        partOf: 'search-relevance',
      }),
    },
    gpu: { model: 'NVIDIA-L4', gpusPerReplica: 1 },
    scaling: {
      minReplicas: 2,
      maxReplicas: 10,
      // Assumption: 25,000 tok/s per L4 at 96 tokens per request.
      requestsPerReplicaHour: (25_000 * 3600) / 96,
      targetUtilization: 0.65,
    },
    demand: {
      kind: 'cycle',
      meanRequestsPerHour: 1_600_000,
      dailyStrength: 4,
      weeklyStrength: 2,
    },
    tokensPerRequest: { input: 96 },
    storageGibPerReplica: 20,
    network: { kibPerRequest: 4, to: 'zone' },
    commitment: { kind: 'on-demand' },
    anomalyCandidate: true,
  },
  {
    id: 'image-captioner',
    component: 'image-captioner',
    kubernetesId: 'image-captioner',
    summary:
      'Llama-3.2-11B-Vision-Instruct captions and alt text on vLLM, one L40S per replica',
    provider: 'AWS',
    region: 'us-east-1',
    utcOffsetHours: -5,
    main: {
      namespace: 'vision',
      workload: 'Deployment/image-captioner',
      labels: k8sLabels({
        kubernetesId: 'image-captioner',
        name: 'image-captioner',
        instance: 'image-captioner',
        component: 'model-server',
        partOf: 'media-understanding',
      }),
    },
    gpu: { model: 'NVIDIA-L40S', gpusPerReplica: 1 },
    scaling: {
      minReplicas: 1,
      maxReplicas: 8,
      // Assumption: 1.5 images per second per L40S.
      requestsPerReplicaHour: 1.5 * 3600,
      targetUtilization: 0.65,
    },
    demand: {
      kind: 'cycle',
      meanRequestsPerHour: 9_000,
      dailyStrength: 2,
      weeklyStrength: 1,
    },
    // Assumption: one 560×560 image tile (~1,600 tokens) plus the prompt; short captions.
    tokensPerRequest: { input: 1650, output: 48 },
    sidecar: {
      namespace: 'vision',
      workload: 'Deployment/image-captioner-worker',
      labels: k8sLabels({
        kubernetesId: 'image-captioner',
        name: 'image-captioner-worker',
        instance: 'image-captioner',
        component: 'preprocessor',
        partOf: 'media-understanding',
      }),
      coresPerReplica: 2,
      memoryGibPerReplica: 4,
      requestsPerReplicaHour: 3_000,
      minReplicas: 1,
    },
    storageGibPerReplica: 60,
    network: { kibPerRequest: 300, to: 'zone' },
    commitment: { kind: 'on-demand' },
    anomalyCandidate: true,
  },
  {
    id: 'speech-transcriber',
    component: 'speech-transcriber',
    kubernetesId: 'speech-transcriber',
    summary:
      'Whisper large-v3 (faster-whisper, CTranslate2) on T4 in Azure Sweden Central',
    provider: 'Azure',
    region: 'swedencentral',
    utcOffsetHours: 1,
    main: {
      namespace: 'speech',
      workload: 'Deployment/speech-transcriber',
      labels: k8sLabels({
        kubernetesId: 'speech-transcriber',
        name: 'speech-transcriber',
        instance: 'speech-transcriber',
        component: 'model-server',
        partOf: 'media-understanding',
      }),
    },
    gpu: { model: 'Tesla-T4', gpusPerReplica: 1 },
    scaling: {
      minReplicas: 2,
      maxReplicas: 16,
      // Assumption: 30× real time per T4, 42 s of audio per request.
      requestsPerReplicaHour: (30 * 3600) / 42,
      targetUtilization: 0.65,
    },
    demand: {
      kind: 'cycle',
      meanRequestsPerHour: 9_000,
      dailyStrength: 5,
      weeklyStrength: 2.5,
    },
    // Transcript tokens only; audio input is not counted in tokens.
    tokensPerRequest: { output: 140 },
    sidecar: {
      namespace: 'speech',
      workload: 'Deployment/speech-transcriber-vad',
      labels: k8sLabels({
        kubernetesId: 'speech-transcriber',
        name: 'speech-transcriber-vad',
        instance: 'speech-transcriber',
        component: 'preprocessor',
        partOf: 'media-understanding',
      }),
      coresPerReplica: 4,
      memoryGibPerReplica: 8,
      requestsPerReplicaHour: 6_000,
      minReplicas: 2,
    },
    storageGibPerReplica: 20,
    network: { kibPerRequest: 1300, to: 'zone' },
    // Assumption: 1-year Azure savings plan for compute.
    commitment: { kind: 'savings-plan', discount: 0.2 },
    billing: [
      {
        resource:
          '/subscriptions/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d/resourceGroups/rg-speech-prod/providers/Microsoft.Storage/storageAccounts/stspeechaudioprod',
        category: 'storage',
        gib: 12_288,
        tags: Object.freeze({
          app: 'speech-transcriber',
          team: 'speech',
          env: 'prod',
          'cost-center': 'cc-4410',
        }),
      },
    ],
    anomalyCandidate: true,
  },
  {
    id: 'llm-gateway',
    component: 'llm-gateway',
    kubernetesId: 'llm-gateway',
    summary:
      'OpenAI-compatible LLM gateway (LiteLLM proxy): authentication, routing, rate limits and token metering, CPU only',
    provider: 'AWS',
    region: 'us-east-1',
    utcOffsetHours: -5,
    main: {
      namespace: 'inference-gateway',
      workload: 'Deployment/llm-gateway',
      labels: k8sLabels({
        kubernetesId: 'llm-gateway',
        name: 'llm-gateway',
        instance: 'llm-gateway',
        component: 'gateway',
        partOf: 'inference-platform',
      }),
    },
    cpu: { coresPerReplica: 4, memoryGibPerReplica: 8 },
    scaling: {
      minReplicas: 3,
      maxReplicas: 24,
      requestsPerReplicaHour: 45_000,
      targetUtilization: 0.65,
    },
    demand: {
      kind: 'sum',
      of: ['chat-llm', 'code-completion', 'search-rag-llm'],
      overhead: 0.02,
    },
    network: { kibPerRequest: 8, to: 'internet' },
    commitment: { kind: 'savings-plan', discount: 0.28 },
    anomalyCandidate: false,
  },
  {
    id: DEMO_UNALLOCATED_KUBERNETES_ID,
    // No component: a research notebook server nobody registered in the catalog.
    kubernetesId: DEMO_UNALLOCATED_KUBERNETES_ID,
    summary:
      'Shared JupyterHub notebook with two A100 80GB GPUs, kept running between experiments',
    provider: 'AWS',
    region: 'us-east-1',
    utcOffsetHours: -5,
    main: {
      namespace: 'ml-research',
      workload: 'StatefulSet/llm-playground',
      labels: k8sLabels({
        kubernetesId: DEMO_UNALLOCATED_KUBERNETES_ID,
        name: 'llm-playground',
        instance: 'llm-playground',
        component: 'notebook',
        partOf: 'ml-research',
      }),
    },
    gpu: { model: 'NVIDIA-A100-SXM4-80GB', gpusPerReplica: 2 },
    scaling: {
      minReplicas: 1,
      maxReplicas: 1,
      requestsPerReplicaHour: 600,
      targetUtilization: 0.65,
    },
    demand: {
      kind: 'cycle',
      meanRequestsPerHour: 40,
      dailyStrength: 12,
      weeklyStrength: 4,
    },
    storageGibPerReplica: 1000,
    commitment: { kind: 'on-demand' },
    anomalyCandidate: false,
  },
] satisfies DemoService[]);
