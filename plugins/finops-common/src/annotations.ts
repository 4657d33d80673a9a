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

import type { Entity } from '@backstage/catalog-model';

/**
 * The Kubernetes plugin's annotation: workloads labelled
 * `backstage.io/kubernetes-id: <value>` belong to the entity.
 *
 * @public
 */
export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';

/**
 * The Kubernetes plugin's annotation: a label selector such as
 * `app.kubernetes.io/name=chat,tier=inference` whose workloads belong to the entity.
 *
 * @public
 */
export const KUBERNETES_LABEL_SELECTOR_ANNOTATION =
  'backstage.io/kubernetes-label-selector';

/**
 * A tag selector over billing rows (FOCUS `Tags`), in label-selector syntax:
 * `team=search,app=ranker`. Every listed tag must match.
 *
 * @public
 */
export const FINOPS_BILLING_TAGS_ANNOTATION = 'ai-finops.io/billing-tags';

/**
 * The GPU model an inference service runs on, as the GPU Feature Discovery
 * label `nvidia.com/gpu.product` spells it (e.g. `NVIDIA-H100-80GB-HBM3`).
 *
 * @public
 */
export const FINOPS_GPU_MODEL_ANNOTATION = 'ai-finops.io/gpu-model';

/**
 * The entity's monthly budget in USD (a plain number, e.g. `25000`).
 *
 * @public
 */
export const FINOPS_MONTHLY_BUDGET_ANNOTATION = 'ai-finops.io/monthly-budget';

/**
 * The cloud region the service runs in (e.g. `us-east-1`), used for carbon
 * intensity and price lookups.
 *
 * @public
 */
export const FINOPS_REGION_ANNOTATION = 'ai-finops.io/region';

/**
 * The GitOps repository whose manifests deploy the service
 * (e.g. `github.com/acme/inference-deployments/apps/chat`); recommendations
 * open pull requests there.
 *
 * @public
 */
export const FINOPS_GITOPS_REPO_ANNOTATION = 'ai-finops.io/gitops-repo';

/**
 * The service's folder in its GitOps repository (e.g. `apps/chat`), when
 * `ai-finops.io/gitops-repo` names only the repository.
 *
 * @public
 */
export const FINOPS_GITOPS_PATH_ANNOTATION = 'ai-finops.io/gitops-path';

/**
 * Parses a label- or tag-selector annotation value (`k1=v1,k2=v2`).
 * Only equality terms are supported; an empty or malformed term throws.
 *
 * @public
 */
export function parseSelector(value: string): Record<string, string> {
  const selector: Record<string, string> = {};
  for (const rawTerm of value.split(',')) {
    const term = rawTerm.trim();
    const match = /^([^=!\s]+)\s*==?\s*([^=!\s]*)$/.exec(term);
    if (!match) {
      throw new TypeError(
        `Invalid selector term '${term}' in '${value}'; expected key=value`,
      );
    }
    selector[match[1]] = match[2];
  }
  return selector;
}

/**
 * How an entity's costs and usage are found: the keys the backend matches
 * ingested facts against.
 *
 * @public
 */
export interface CostAllocationKeys {
  /** Values of the `backstage.io/kubernetes-id` workload label. */
  kubernetesId?: string;
  /** Workload labels that must all match. */
  labelSelector?: Record<string, string>;
  /** Billing tags that must all match. */
  billingTags?: Record<string, string>;
}

/**
 * Reads the cost allocation keys from an entity's annotations, or returns
 * `undefined` when the entity carries none (its costs cannot be found).
 *
 * @public
 */
export function getCostAllocationKeys(
  entity: Entity,
): CostAllocationKeys | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const keys: CostAllocationKeys = {};
  if (annotations[KUBERNETES_ID_ANNOTATION]) {
    keys.kubernetesId = annotations[KUBERNETES_ID_ANNOTATION];
  }
  if (annotations[KUBERNETES_LABEL_SELECTOR_ANNOTATION]) {
    keys.labelSelector = parseSelector(
      annotations[KUBERNETES_LABEL_SELECTOR_ANNOTATION],
    );
  }
  if (annotations[FINOPS_BILLING_TAGS_ANNOTATION]) {
    keys.billingTags = parseSelector(
      annotations[FINOPS_BILLING_TAGS_ANNOTATION],
    );
  }
  return Object.keys(keys).length > 0 ? keys : undefined;
}

/**
 * Whether the suite can attribute costs to the entity.
 *
 * @public
 */
export function isFinopsAvailable(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return Boolean(
    annotations[KUBERNETES_ID_ANNOTATION] ||
      annotations[KUBERNETES_LABEL_SELECTOR_ANNOTATION] ||
      annotations[FINOPS_BILLING_TAGS_ANNOTATION],
  );
}

/**
 * The Argo CD Application name(s) of the entity, comma-separated; the same
 * annotation the community Argo CD plugin reads.
 *
 * @public
 */
export const ARGOCD_APP_NAME_ANNOTATION = 'argocd/app-name';

/**
 * A label selector (`key=value`) choosing the entity's Argo CD Applications;
 * the same annotation the community Argo CD plugin reads.
 *
 * @public
 */
export const ARGOCD_APP_SELECTOR_ANNOTATION = 'argocd/app-selector';

/**
 * The namespace of the entity's Argo CD Applications when they live outside
 * the control plane's namespace (Argo CD's `appNamespace`).
 *
 * @public
 */
export const ARGOCD_APP_NAMESPACE_ANNOTATION = 'argocd/app-namespace';

/**
 * The name of the configured Argo CD instance holding the entity's
 * Applications; the first configured instance when absent.
 *
 * @public
 */
export const ARGOCD_INSTANCE_NAME_ANNOTATION = 'argocd/instance-name';

/**
 * The entity's Flux Kustomizations, comma-separated
 * `<cluster>/<namespace>/<name>`, the cluster being a configured
 * `finops.delivery.flux.clusters` name.
 *
 * @public
 */
export const FLUX_KUSTOMIZATION_ANNOTATION = 'ai-finops.io/flux-kustomization';

/**
 * The entity's Flux HelmReleases, comma-separated
 * `<cluster>/<namespace>/<name>`.
 *
 * @public
 */
export const FLUX_HELMRELEASE_ANNOTATION = 'ai-finops.io/flux-helmrelease';

/**
 * The model card of the model an inference service serves: an `https://` URL
 * (e.g. `https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct`).
 *
 * @public
 */
export const FINOPS_MODEL_CARD_ANNOTATION = 'ai-finops.io/model-card';

/**
 * Where the model's training data comes from: a URL of its datasheet or a
 * dataset id (e.g. `HuggingFaceFW/fineweb`).
 *
 * @public
 */
export const FINOPS_TRAINING_DATA_ANNOTATION = 'ai-finops.io/training-data';

/**
 * The outcome of the model's latest evaluation: `passed`, `failed` or
 * `pending`.
 *
 * @public
 */
export const FINOPS_EVALUATION_STATUS_ANNOTATION =
  'ai-finops.io/evaluation-status';

/**
 * The day of the model's latest evaluation, an ISO date (`2026-11-30`).
 *
 * @public
 */
export const FINOPS_EVALUATION_DATE_ANNOTATION = 'ai-finops.io/evaluation-date';

/**
 * The outcome of the model's latest bias check: `passed`, `failed` or
 * `pending`.
 *
 * @public
 */
export const FINOPS_BIAS_CHECK_STATUS_ANNOTATION =
  'ai-finops.io/bias-check-status';

/**
 * The day of the model's latest bias check, an ISO date (`2026-11-30`).
 *
 * @public
 */
export const FINOPS_BIAS_CHECK_DATE_ANNOTATION = 'ai-finops.io/bias-check-date';

/**
 * The digest of the model artifact a workload serves: `sha256:<64 hex>` of
 * the artifact, or the 40-hex revision commit of a Hugging Face model.
 * Required in production by the `ai-finops-supply-chain` policy.
 *
 * @public
 */
export const FINOPS_MODEL_DIGEST_ANNOTATION = 'ai-finops.io/model-digest';

/**
 * The https URL of the model artifact's provenance attestation (e.g. a
 * SLSA provenance or model-signing bundle). Required in production by the
 * `ai-finops-supply-chain` policy.
 *
 * @public
 */
export const FINOPS_MODEL_PROVENANCE_ANNOTATION =
  'ai-finops.io/model-provenance';

/**
 * The annotations that name an entity's deployments (Argo CD Applications,
 * Flux Kustomizations and HelmReleases); any one of them suffices for the
 * delivery status to be read.
 *
 * @public
 */
export const DELIVERY_ANNOTATIONS = [
  ARGOCD_APP_NAME_ANNOTATION,
  ARGOCD_APP_SELECTOR_ANNOTATION,
  FLUX_KUSTOMIZATION_ANNOTATION,
  FLUX_HELMRELEASE_ANNOTATION,
] as const;
