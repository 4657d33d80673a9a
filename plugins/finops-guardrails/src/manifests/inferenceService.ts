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

import { InputError } from '@backstage/errors';
import {
  FINOPS_BILLING_TAGS_ANNOTATION,
  FINOPS_GITOPS_REPO_ANNOTATION,
  FINOPS_GPU_MODEL_ANNOTATION,
  FINOPS_MONTHLY_BUDGET_ANNOTATION,
  FINOPS_REGION_ANNOTATION,
  KUBERNETES_ID_ANNOTATION,
} from '@ai-finops/backstage-plugin-finops-common';
import { parseImageReference } from '../policy/imageReference';
import {
  FINOPS_EXPECTED_REQUESTS_PER_SECOND_ANNOTATION,
  FINOPS_EXPECTED_TOKENS_PER_SECOND_ANNOTATION,
  GPU_PRODUCT_LABEL,
} from '../estimate/estimate';
import { stringify } from 'yaml';
import {
  checkSupplyChain,
  kserveModelSource,
  modelArtifactAnnotations,
  pinImage,
  renderSupplyChainFiles,
  type SupplyChainSpec,
  vllmRevisionArgs,
} from './supplyChain';
import {
  responsibleAiAnnotations,
  type ResponsibleAiSpec,
} from './responsibleAi';
import {
  applyCanaryRollout,
  isCanary,
  replicasOwnedByAutoscaler,
  rolloutTemplatePatch,
  scaleTargetOf,
  type InferenceServiceRollout,
} from './rollout';

/**
 * What `finops:manifests:generate` renders: one inference service, its
 * environments and how it is delivered.
 *
 * @public
 */
export interface InferenceServiceSpec {
  /** DNS-1123 name: the Deployment/InferenceService, app label and entity name. */
  name: string;
  description?: string;
  /** Entity ref of the owning group, e.g. `group:default/ml-platform`. */
  owner: string;
  /** Entity ref of the system, e.g. `system:default/chat`. */
  system?: string;
  /** Value of the `team` label; defaults to the owner's name. */
  team?: string;
  /** Value of the `cost-center` label. */
  costCenter: string;
  /** Base namespace; environments get `-dev` and `-prod`. Defaults to `name`. */
  namespace?: string;
  /** The model to serve: a Hugging Face id for vLLM and KServe, a model repository URI for Triton. */
  model: string;
  runtime: 'vllm' | 'kserve' | 'triton';
  /** Container image; defaults per runtime (KServe takes it from its ServingRuntime). */
  image?: string;
  /** GPU model as GPU Feature Discovery labels it (`NVIDIA-H100-80GB-HBM3`). */
  gpuType: string;
  /** MIG profile such as `1g.10gb`: the container asks for `nvidia.com/mig-<profile>`. */
  migProfile?: string;
  /** GPUs (or MIG slices) per container, i.e. per replica. */
  gpuCount: number;
  /** CPU cores per replica (a quantity); default 4 per GPU. */
  cpu?: string;
  /** Memory per replica (a quantity); default 32Gi per GPU. */
  memory?: string;
  minReplicas: number;
  maxReplicas: number;
  autoscaler: 'hpa' | 'keda';
  expectedRequestsPerSecond?: number;
  expectedTokensPerSecond?: number;
  latencySloMs?: number;
  /** Cloud region (`topology.kubernetes.io/region`) to pin the workload to. */
  region?: string;
  /** Monthly budget in USD (the `ai-finops.io/monthly-budget` annotation). */
  monthlyBudget?: number;
  /** The GitOps repository: `github.com?owner=o&repo=r` (RepoUrlPicker) or an https URL. */
  gitopsRepoUrl: string;
  /** Folder of the service inside the GitOps repository, e.g. `apps/chat`. */
  gitopsPath: string;
  /** Branch or tag Argo CD / Flux follow. Default `main`. */
  targetRevision?: string;
  delivery: 'argocd' | 'flux';
  /** Prometheus for KEDA's triggers and the canary analysis. */
  prometheusUrl?: string;
  /** Deployment (default) or an Argo Rollouts canary with a cost-per-token analysis. */
  rollout?: InferenceServiceRollout;
  /** Model card, training data, evaluation and bias check: annotations on the workload and the entity. */
  responsibleAi?: ResponsibleAiSpec;
  /** Image digest, model digest and provenance, the cluster's image verifier. */
  supplyChain?: SupplyChainSpec;
}

/**
 * A rendered file, relative to the output folder.
 *
 * @public
 */
export interface RenderedFile {
  path: string;
  content: string;
  /**
   * `repository`: a file of the GitOps repository's root (the image workflow
   * under `.github/workflows/`), `path` relative to that root; otherwise
   * relative to the service folder (`gitopsPath`).
   */
  scope?: 'repository';
}

const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MIG_PROFILE = /^(\d)g\.(\d+)gb$/;
const QUANTITY = /^\d+(\.\d+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/;

const DEFAULT_IMAGES = {
  vllm: 'docker.io/vllm/vllm-openai:v0.6.3',
  triton: 'nvcr.io/nvidia/tritonserver:24.08-trtllm-python-py3',
} as const;

const PORTS = { vllm: 8000, triton: 8000, kserve: 8080 } as const;

/**
 * `github.com?owner=o&repo=r` → `https://github.com/o/r.git`; URLs pass.
 *
 * @public
 */
export function gitopsCloneUrl(repoUrl: string): string {
  if (/^https?:\/\//.test(repoUrl)) return repoUrl;
  const [host, query = ''] = repoUrl.split('?');
  const params = new URLSearchParams(query);
  const owner = params.get('owner');
  const repo = params.get('repo');
  if (!host || !owner || !repo) {
    throw new InputError(
      `input.gitopsRepoUrl: '${repoUrl}' is neither an https URL nor host?owner=…&repo=…`,
    );
  }
  return `https://${host}/${owner}/${repo}.git`;
}

function check(spec: InferenceServiceSpec, knownGpuModels: readonly string[]) {
  const bad = (field: string, why: string) =>
    new InputError(`input.${field}: ${why}`);
  if (!DNS1123.test(spec.name) || spec.name.length > 40) {
    throw bad(
      'name',
      `'${spec.name}' must be a DNS-1123 label of at most 40 characters (a-z, 0-9, -)`,
    );
  }
  if (
    spec.namespace !== undefined &&
    (!DNS1123.test(spec.namespace) || spec.namespace.length > 57)
  ) {
    throw bad(
      'namespace',
      `'${spec.namespace}' must be a DNS-1123 label of at most 57 characters`,
    );
  }
  if (!spec.model.trim()) throw bad('model', 'is empty');
  if (spec.image) {
    try {
      parseImageReference(spec.image);
    } catch (e) {
      throw bad('image', (e as Error).message);
    }
  }
  if (!spec.costCenter.trim()) throw bad('costCenter', 'is empty');
  const gpu = spec.gpuType.replace(/-MIG-.*$/i, '');
  if (!knownGpuModels.some(m => m.toUpperCase() === gpu.toUpperCase())) {
    throw bad(
      'gpuType',
      `'${
        spec.gpuType
      }' is not a GPU model the price catalog knows (${knownGpuModels.join(
        ', ',
      )})`,
    );
  }
  if (spec.migProfile !== undefined && spec.migProfile !== '') {
    if (!MIG_PROFILE.test(spec.migProfile)) {
      throw bad(
        'migProfile',
        `'${spec.migProfile}' is not a MIG profile such as 1g.10gb or 3g.40gb`,
      );
    }
    if (spec.gpuCount !== 1) {
      throw bad(
        'gpuCount',
        'a MIG slice is one device: serve a model from one slice per replica (gpuCount 1)',
      );
    }
  }
  if (!Number.isInteger(spec.gpuCount) || spec.gpuCount < 1) {
    throw bad('gpuCount', `${spec.gpuCount} is not a whole number of GPUs ≥ 1`);
  }
  if (!Number.isInteger(spec.minReplicas) || spec.minReplicas < 0) {
    throw bad('minReplicas', `${spec.minReplicas} is not a whole number ≥ 0`);
  }
  if (
    !Number.isInteger(spec.maxReplicas) ||
    spec.maxReplicas < Math.max(1, spec.minReplicas)
  ) {
    throw bad(
      'maxReplicas',
      `${spec.maxReplicas} must be a whole number ≥ minReplicas (${spec.minReplicas}) and ≥ 1`,
    );
  }
  if (spec.minReplicas === 0 && spec.autoscaler === 'hpa') {
    throw bad(
      'minReplicas',
      'an HPA cannot scale to zero; use the keda autoscaler or minReplicas ≥ 1',
    );
  }
  for (const field of ['cpu', 'memory'] as const) {
    const v = spec[field];
    if (v !== undefined && !QUANTITY.test(v))
      throw bad(field, `'${v}' is not a Kubernetes quantity`);
  }
  for (const field of [
    'expectedRequestsPerSecond',
    'expectedTokensPerSecond',
    'latencySloMs',
    'monthlyBudget',
  ] as const) {
    const v = spec[field];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0))
      throw bad(field, `${v} is not a number ≥ 0`);
  }
}

/**
 * The probes of a model server on its `http` port: startup allows 15
 * minutes for the model to load, then readiness every 10 s and liveness
 * every 30 s.
 */
function httpProbes(paths: { ready: string; live: string }) {
  return {
    startupProbe: {
      httpGet: { path: paths.ready, port: 'http' },
      periodSeconds: 10,
      failureThreshold: 90,
    },
    readinessProbe: {
      httpGet: { path: paths.ready, port: 'http' },
      periodSeconds: 10,
    },
    livenessProbe: {
      httpGet: { path: paths.live, port: 'http' },
      periodSeconds: 30,
    },
  };
}

const yamlDoc = (value: unknown) => stringify(value, { lineWidth: 0 });
const yamlDocs = (values: unknown[]) => values.map(yamlDoc).join('---\n');

/**
 * Renders the GitOps files of an inference service: a Kustomize base
 * (workload with GPU requests = limits, node selector and tolerations for the
 * GPU, Service, PodDisruptionBudget, NetworkPolicy, ServiceMonitor), dev and
 * prod overlays (namespace, replicas, HPA or KEDA ScaledObject, the finops
 * annotations), an Argo CD Application per environment (or Flux
 * GitRepository + Kustomizations) and the entity's `catalog-info.yaml`. Pure:
 * everything is checked before anything is returned.
 *
 * @public
 */
export function renderInferenceService(
  spec: InferenceServiceSpec,
  knownGpuModels: readonly string[],
): RenderedFile[] {
  check(spec, knownGpuModels);
  const responsibleAi = responsibleAiAnnotations(spec.responsibleAi);
  checkSupplyChain(spec.supplyChain);
  const imageDigest = spec.supplyChain?.imageDigest;
  const name = spec.name;
  const ns = spec.namespace ?? name;
  const ownerName = spec.owner.replace(/^.*[:/]/, '');
  const team = spec.team ?? ownerName;
  const cloneUrl = gitopsCloneUrl(spec.gitopsRepoUrl);
  const revision = spec.targetRevision ?? 'main';
  const gitopsPath = spec.gitopsPath.replace(/^\/+|\/+$/g, '');
  const port = PORTS[spec.runtime];
  const mig = spec.migProfile ? `nvidia.com/mig-${spec.migProfile}` : undefined;
  const gpuResource = mig ?? 'nvidia.com/gpu';
  const gpus = String(spec.gpuCount);
  const perGpuScale = mig ? 1 : spec.gpuCount;
  const cpu = spec.cpu ?? String(Math.max(2, 4 * perGpuScale));
  const memory = spec.memory ?? `${Math.max(16, 32 * perGpuScale)}Gi`;
  const labels = {
    app: name,
    team,
    'cost-center': spec.costCenter,
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/component': 'inference',
    ...(spec.system
      ? { 'app.kubernetes.io/part-of': spec.system.replace(/^.*[:/]/, '') }
      : {}),
    'backstage.io/kubernetes-id': name,
  };
  const selectorLabels =
    spec.runtime === 'kserve'
      ? { 'serving.kserve.io/inferenceservice': name }
      : { app: name };
  const nodeSelector = {
    [GPU_PRODUCT_LABEL]: spec.gpuType,
    ...(spec.region ? { 'topology.kubernetes.io/region': spec.region } : {}),
  };
  const tolerations = [
    { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
  ];
  const podSecurityContext = {
    runAsNonRoot: true,
    runAsUser: 1000,
    runAsGroup: 1000,
    fsGroup: 1000,
    seccompProfile: { type: 'RuntimeDefault' },
  };
  const containerSecurityContext = {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
  };
  const resources = {
    requests: { cpu, memory, [gpuResource]: gpus },
    limits: { memory, [gpuResource]: gpus },
  };
  const workloadAnnotations = {
    'ai-finops.io/model': spec.model,
    'ai-finops.io/serving-runtime': spec.runtime,
    ...responsibleAi,
    ...modelArtifactAnnotations(spec.supplyChain),
    ...(spec.latencySloMs !== undefined
      ? { 'ai-finops.io/latency-slo-ms': String(spec.latencySloMs) }
      : {}),
  };

  const base: Record<string, unknown> = {};
  let workloadFile: string;
  let workloadKind: string;
  if (spec.runtime === 'kserve') {
    workloadKind = 'InferenceService';
    workloadFile = 'base/inferenceservice.yaml';
    base[workloadFile] = {
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: {
        name,
        labels,
        annotations: {
          ...workloadAnnotations,
          'serving.kserve.io/deploymentMode': 'RawDeployment',
          'serving.kserve.io/autoscalerClass': spec.autoscaler,
          'serving.kserve.io/enable-prometheus-scraping': 'true',
        },
      },
      spec: {
        predictor: {
          minReplicas: spec.minReplicas,
          maxReplicas: spec.maxReplicas,
          ...(spec.autoscaler === 'hpa'
            ? { scaleMetric: 'cpu', scaleTarget: 80 }
            : {}),
          nodeSelector,
          tolerations,
          securityContext: podSecurityContext,
          model: {
            modelFormat: { name: 'huggingface' },
            ...kserveModelSource(spec.model, name, spec.supplyChain),
            env: [
              {
                name: 'HF_TOKEN',
                valueFrom: {
                  secretKeyRef: {
                    name: `${name}-hf-token`,
                    key: 'token',
                    optional: true,
                  },
                },
              },
            ],
            resources,
            securityContext: containerSecurityContext,
          },
        },
      },
    };
  } else {
    workloadKind = 'Deployment';
    workloadFile = 'base/deployment.yaml';
    const isVllm = spec.runtime === 'vllm';
    const container = isVllm
      ? {
          name: 'vllm',
          image: pinImage(spec.image ?? DEFAULT_IMAGES.vllm, imageDigest),
          args: [
            '--model',
            spec.model,
            '--served-model-name',
            name,
            '--port',
            String(port),
            ...(mig ? [] : ['--tensor-parallel-size', gpus]),
            ...vllmRevisionArgs(spec.supplyChain),
          ],
          env: [
            { name: 'HF_HOME', value: '/cache/huggingface' },
            {
              name: 'HUGGING_FACE_HUB_TOKEN',
              valueFrom: {
                secretKeyRef: {
                  name: `${name}-hf-token`,
                  key: 'token',
                  optional: true,
                },
              },
            },
          ],
          ports: [{ name: 'http', containerPort: port }],
          resources,
          securityContext: containerSecurityContext,
          ...httpProbes({ ready: '/health', live: '/health' }),
          volumeMounts: [
            { name: 'dshm', mountPath: '/dev/shm' },
            { name: 'cache', mountPath: '/cache' },
          ],
        }
      : {
          name: 'triton',
          image: pinImage(spec.image ?? DEFAULT_IMAGES.triton, imageDigest),
          args: [
            'tritonserver',
            `--model-repository=${spec.model}`,
            '--http-port=8000',
            '--grpc-port=8001',
            '--metrics-port=8002',
          ],
          ports: [
            { name: 'http', containerPort: 8000 },
            { name: 'grpc', containerPort: 8001 },
            { name: 'metrics', containerPort: 8002 },
          ],
          resources,
          securityContext: containerSecurityContext,
          ...httpProbes({ ready: '/v2/health/ready', live: '/v2/health/live' }),
          volumeMounts: [{ name: 'dshm', mountPath: '/dev/shm' }],
        };
    base[workloadFile] = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, labels, annotations: workloadAnnotations },
      spec: {
        replicas: Math.max(spec.minReplicas, 1),
        selector: { matchLabels: selectorLabels },
        template: {
          metadata: { labels },
          spec: {
            securityContext: podSecurityContext,
            nodeSelector,
            tolerations,
            containers: [container],
            volumes: [
              {
                name: 'dshm',
                emptyDir: { medium: 'Memory', sizeLimit: '16Gi' },
              },
              ...(isVllm ? [{ name: 'cache', emptyDir: {} }] : []),
            ],
          },
        },
      },
    };
    base['base/service.yaml'] = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, labels },
      spec: {
        selector: selectorLabels,
        ports: [
          { name: 'http', port: 80, targetPort: 'http' },
          ...(isVllm
            ? []
            : [
                { name: 'grpc', port: 8001, targetPort: 'grpc' },
                { name: 'metrics', port: 8002, targetPort: 'metrics' },
              ]),
        ],
      },
    };
  }
  base['base/poddisruptionbudget.yaml'] = {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, labels },
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels } },
  };
  const metricsPort = spec.runtime === 'triton' ? 8002 : port;
  base['base/networkpolicy.yaml'] = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, labels },
    spec: {
      podSelector: { matchLabels: selectorLabels },
      policyTypes: ['Ingress'],
      ingress: [
        // Clients in the service's namespace and in namespaces that opt in.
        {
          from: [
            { podSelector: {} },
            {
              namespaceSelector: {
                matchLabels: { 'ai-finops.io/inference-clients': 'true' },
              },
            },
          ],
          ports: [{ protocol: 'TCP', port }],
        },
        // Prometheus scraping the serving metrics.
        {
          from: [
            {
              namespaceSelector: {
                matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' },
              },
            },
          ],
          ports: [{ protocol: 'TCP', port: metricsPort }],
        },
      ],
    },
  };
  base['base/servicemonitor.yaml'] = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name, labels },
    spec: {
      selector: {
        matchLabels: spec.runtime === 'kserve' ? selectorLabels : { app: name },
      },
      endpoints: [
        {
          ...(spec.runtime === 'kserve'
            ? { targetPort: port }
            : { port: spec.runtime === 'triton' ? 'metrics' : 'http' }),
          path: '/metrics',
          interval: '30s',
        },
      ],
    },
  };
  if (isCanary(spec)) {
    ({ workloadFile, workloadKind } = applyCanaryRollout(
      base,
      workloadFile,
      spec,
    ));
  }
  const baseFiles = Object.keys(base).map(p => p.replace(/^base\//, ''));
  const files: RenderedFile[] = Object.entries(base).map(([path, value]) => ({
    path,
    content: yamlDoc(value),
  }));
  files.push({
    path: 'base/kustomization.yaml',
    content: yamlDoc({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: baseFiles,
    }),
  });

  const environments = [
    {
      env: 'dev',
      min: Math.min(spec.minReplicas, 1),
      max: Math.min(spec.maxReplicas, 2),
    },
    { env: 'prod', min: spec.minReplicas, max: spec.maxReplicas },
  ];
  for (const { env, min, max } of environments) {
    const namespace = `${ns}-${env}`;
    const overlay = `overlays/${env}`;
    // Throughput and budget describe production traffic; dev serves none.
    const envAnnotations =
      env === 'prod'
        ? {
            ...(spec.expectedTokensPerSecond !== undefined
              ? {
                  [FINOPS_EXPECTED_TOKENS_PER_SECOND_ANNOTATION]: String(
                    spec.expectedTokensPerSecond,
                  ),
                }
              : {}),
            ...(spec.expectedRequestsPerSecond !== undefined
              ? {
                  [FINOPS_EXPECTED_REQUESTS_PER_SECOND_ANNOTATION]: String(
                    spec.expectedRequestsPerSecond,
                  ),
                }
              : {}),
            ...(spec.monthlyBudget !== undefined
              ? {
                  [FINOPS_MONTHLY_BUDGET_ANNOTATION]: String(
                    spec.monthlyBudget,
                  ),
                }
              : {}),
          }
        : {};
    const patch: Record<string, any> = {
      apiVersion: (base[workloadFile] as { apiVersion: string }).apiVersion,
      kind: workloadKind,
      metadata: {
        name,
        ...(Object.keys(envAnnotations).length
          ? { annotations: envAnnotations }
          : {}),
      },
      spec:
        workloadKind !== 'InferenceService'
          ? {
              replicas: Math.max(min, 1),
              ...rolloutTemplatePatch(workloadKind, { env }),
            }
          : { predictor: { minReplicas: min, maxReplicas: max } },
    };
    const overlayResources = ['../../base'];
    if (workloadKind !== 'InferenceService') {
      overlayResources.push('autoscaler.yaml');
      files.push({
        path: `${overlay}/autoscaler.yaml`,
        content: yamlDoc(
          spec.autoscaler === 'keda'
            ? scaledObject(spec, namespace, min, max)
            : horizontalPodAutoscaler(spec, min, max),
        ),
      });
    } else if (spec.autoscaler === 'keda') {
      patch.spec.predictor.autoScaling = {
        metrics: [
          {
            type: 'External',
            external: {
              metric: {
                backend: 'prometheus',
                serverAddress:
                  spec.prometheusUrl ??
                  'http://prometheus-operated.monitoring.svc:9090',
                query: `sum(vllm:num_requests_waiting{namespace="${namespace}",model_name="${name}"})`,
              },
              target: { type: 'Value', value: '8' },
            },
          },
        ],
      };
    }
    files.push(
      { path: `${overlay}/workload-patch.yaml`, content: yamlDoc(patch) },
      {
        path: `${overlay}/kustomization.yaml`,
        content: yamlDoc({
          apiVersion: 'kustomize.config.k8s.io/v1beta1',
          kind: 'Kustomization',
          namespace,
          resources: overlayResources,
          labels: [
            { pairs: { env }, includeSelectors: false, includeTemplates: true },
          ],
          patches: [{ path: 'workload-patch.yaml' }],
        }),
      },
    );
  }

  const deliveryLabels = { app: name, team, 'cost-center': spec.costCenter };
  if (spec.delivery === 'argocd') {
    for (const { env } of environments) {
      files.push({
        path: `deploy/argocd/${name}-${env}.yaml`,
        content: yamlDoc({
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Application',
          metadata: {
            name: `${name}-${env}`,
            namespace: 'argocd',
            labels: { ...deliveryLabels, env },
            finalizers: ['resources-finalizer.argocd.argoproj.io'],
          },
          spec: {
            project: 'default',
            source: {
              repoURL: cloneUrl,
              targetRevision: revision,
              path: `${gitopsPath}/overlays/${env}`,
            },
            destination: {
              server: 'https://kubernetes.default.svc',
              namespace: `${ns}-${env}`,
            },
            syncPolicy: {
              automated: { prune: true, selfHeal: true },
              syncOptions: ['CreateNamespace=true'],
            },
            // The autoscaler owns the replicas.
            ignoreDifferences: [
              {
                ...replicasOwnedByAutoscaler(spec),
                jsonPointers: ['/spec/replicas'],
              },
            ],
          },
        }),
      });
    }
  } else {
    files.push({
      path: 'deploy/flux/source.yaml',
      content: yamlDoc({
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        metadata: { name, namespace: 'flux-system', labels: deliveryLabels },
        spec: { interval: '5m', url: cloneUrl, ref: { branch: revision } },
      }),
    });
    for (const { env } of environments) {
      files.push({
        path: `deploy/flux/${name}-${env}.yaml`,
        content: yamlDocs([
          {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: {
              name: `${ns}-${env}`,
              labels: { ...deliveryLabels, env },
            },
          },
          {
            apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
            kind: 'Kustomization',
            metadata: {
              name: `${name}-${env}`,
              namespace: 'flux-system',
              labels: { ...deliveryLabels, env },
            },
            spec: {
              interval: '10m',
              retryInterval: '2m',
              timeout: '10m',
              sourceRef: { kind: 'GitRepository', name },
              path: `./${gitopsPath}/overlays/${env}`,
              prune: true,
              wait: true,
              targetNamespace: `${ns}-${env}`,
            },
          },
        ]),
      });
    }
  }

  files.push(
    ...renderSupplyChainFiles(spec.supplyChain, {
      name,
      prodNamespace: `${ns}-prod`,
      cloneUrl,
      gitopsPath,
      revision,
      baseImage:
        spec.runtime === 'kserve'
          ? undefined
          : spec.image ?? DEFAULT_IMAGES[spec.runtime],
      labels: deliveryLabels,
    }),
  );
  const repo = new URL(cloneUrl.replace(/\.git$/, ''));
  files.push({
    path: 'catalog-info.yaml',
    content: yamlDoc({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        ...(spec.description ? { description: spec.description } : {}),
        annotations: {
          [KUBERNETES_ID_ANNOTATION]: name,
          [FINOPS_BILLING_TAGS_ANNOTATION]: `app=${name}`,
          [FINOPS_GPU_MODEL_ANNOTATION]: spec.gpuType,
          ...(spec.monthlyBudget !== undefined
            ? { [FINOPS_MONTHLY_BUDGET_ANNOTATION]: String(spec.monthlyBudget) }
            : {}),
          ...(spec.region ? { [FINOPS_REGION_ANNOTATION]: spec.region } : {}),
          [FINOPS_GITOPS_REPO_ANNOTATION]: `${repo.host}${repo.pathname}/${gitopsPath}`,
          ...responsibleAi,
          'backstage.io/source-location': `url:${repo.origin}${repo.pathname}/tree/${revision}/${gitopsPath}`,
        },
        tags: ['inference', spec.runtime, 'gpu'],
        labels: { team, 'cost-center': spec.costCenter },
      },
      spec: {
        type: 'service',
        lifecycle: 'experimental',
        owner: spec.owner,
        ...(spec.system ? { system: spec.system } : {}),
      },
    }),
  });
  return files;
}

function scaledObject(
  spec: InferenceServiceSpec,
  namespace: string,
  min: number,
  max: number,
) {
  const query =
    spec.runtime === 'triton'
      ? `sum(nv_inference_pending_request_count{namespace="${namespace}"})`
      : `sum(vllm:num_requests_waiting{namespace="${namespace}",model_name="${spec.name}"})`;
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: spec.name, labels: { app: spec.name } },
    spec: {
      scaleTargetRef: scaleTargetOf(spec, spec.name),
      pollingInterval: 30,
      // GPUs are slow to come back: scale down after 10 quiet minutes.
      cooldownPeriod: 600,
      minReplicaCount: min,
      maxReplicaCount: max,
      triggers: [
        {
          type: 'prometheus',
          metadata: {
            serverAddress:
              spec.prometheusUrl ??
              'http://prometheus-operated.monitoring.svc:9090',
            query,
            // Queued requests per replica before another replica starts.
            threshold: '8',
            activationThreshold: '1',
          },
        },
      ],
    },
  };
}

function horizontalPodAutoscaler(
  spec: InferenceServiceSpec,
  min: number,
  max: number,
) {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: spec.name, labels: { app: spec.name } },
    spec: {
      scaleTargetRef: scaleTargetOf(spec, spec.name),
      minReplicas: Math.max(min, 1),
      maxReplicas: max,
      // Queued requests per pod, through prometheus-adapter.
      metrics: [
        {
          type: 'Pods',
          pods: {
            metric: {
              name:
                spec.runtime === 'triton'
                  ? 'nv_inference_pending_request_count'
                  : 'vllm_num_requests_waiting',
            },
            target: { type: 'AverageValue', averageValue: '8' },
          },
        },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 600 } },
    },
  };
}
