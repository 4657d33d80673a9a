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

import type { FinopsDeployment } from '@ai-finops/backstage-plugin-finops-common';
import { MAX_HISTORY } from './argocd';
import { getJson, type DeliveryEndpoint } from './http';

/** A Kubernetes `metav1.Condition`, as Flux objects report them. */
interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/**
 * The parts of a `kustomize.toolkit.fluxcd.io/v1` Kustomization or a
 * `helm.toolkit.fluxcd.io/v2` HelmRelease read here.
 */
export interface FluxObject {
  kind?: string;
  metadata: { name: string; namespace?: string };
  spec?: {
    suspend?: boolean;
    /** HelmRelease: `enabled` corrects drift, `warn` only reports it. */
    driftDetection?: { mode?: string };
  };
  status?: {
    conditions?: Condition[];
    /** Kustomization: the source revision applied, e.g. `main@sha1:…`. */
    lastAppliedRevision?: string;
    lastAttemptedRevision?: string;
    /**
     * Kustomization: snapshots of the reconciliations (`meta.History`);
     * HelmRelease: the Helm releases (`Snapshots`), newest first.
     */
    history?: Array<{
      // Kustomization snapshot
      digest?: string;
      firstReconciled?: string;
      metadata?: Record<string, string>;
      // HelmRelease snapshot
      version?: number;
      chartName?: string;
      chartVersion?: string;
      lastDeployed?: string;
      status?: string;
    }>;
  };
}

/** The Flux kinds read, with their API paths. */
export const FLUX_KINDS = {
  Kustomization: {
    path: '/apis/kustomize.toolkit.fluxcd.io/v1',
    plural: 'kustomizations',
  },
  HelmRelease: {
    path: '/apis/helm.toolkit.fluxcd.io/v2',
    plural: 'helmreleases',
  },
} as const;

/** A Flux kind this module reads. */
export type FluxKind = keyof typeof FLUX_KINDS;

const condition = (o: FluxObject, type: string) =>
  o.status?.conditions?.find(c => c.type === type);

/**
 * A Flux object as a deployment. Health from the kstatus conditions:
 * Stalled → Degraded, Reconciling → Progressing, Ready True → Healthy,
 * Ready False → Degraded; `spec.suspend` → Suspended. In sync when Ready is
 * True and (Kustomization) the last attempted revision is the one applied;
 * out of sync otherwise when Ready is False, since Ready's
 * `lastTransitionTime`. helm-controller reports the drift it detects in a
 * HelmRelease's cluster objects as Kubernetes events, not in the status, and
 * in `enabled` mode corrects it (Reconciling while it does): the message
 * names the drift detection mode so the reader knows which applies.
 */
export function toFluxDeployment(
  cluster: DeliveryEndpoint,
  kind: FluxKind,
  object: FluxObject,
): FinopsDeployment {
  const status = object.status ?? {};
  const ready = condition(object, 'Ready');
  const reconciling = condition(object, 'Reconciling');
  const stalled = condition(object, 'Stalled');

  let health: FinopsDeployment['health'] = 'Unknown';
  if (object.spec?.suspend) health = 'Suspended';
  else if (stalled?.status === 'True') health = 'Degraded';
  else if (reconciling?.status === 'True') health = 'Progressing';
  else if (ready?.status === 'True') health = 'Healthy';
  else if (ready?.status === 'False') health = 'Degraded';

  const pendingRevision =
    kind === 'Kustomization' &&
    status.lastAttemptedRevision !== undefined &&
    status.lastAttemptedRevision !== status.lastAppliedRevision;
  let sync: FinopsDeployment['sync'] = 'Unknown';
  if (ready?.status === 'False' || pendingRevision) {
    sync = 'OutOfSync';
  } else if (ready?.status === 'True') sync = 'Synced';

  const history =
    kind === 'HelmRelease'
      ? [...(status.history ?? [])]
          .sort((a, b) => (b.version ?? 0) - (a.version ?? 0))
          .flatMap(h =>
            h.chartVersion && h.lastDeployed
              ? [{ revision: h.chartVersion, deployedAt: h.lastDeployed }]
              : [],
          )
      : [...(status.history ?? [])]
          .sort((a, b) =>
            (b.firstReconciled ?? '').localeCompare(a.firstReconciled ?? ''),
          )
          .flatMap(h => {
            const revision = h.metadata?.revision ?? h.digest;
            return revision && h.firstReconciled
              ? [{ revision, deployedAt: h.firstReconciled }]
              : [];
          });
  const revision =
    kind === 'HelmRelease'
      ? history[0]?.revision ?? status.lastAttemptedRevision
      : status.lastAppliedRevision;
  const deployedAt = history.find(h => h.revision === revision)?.deployedAt;
  const driftMode =
    kind === 'HelmRelease' ? object.spec?.driftDetection?.mode : undefined;
  const message =
    [
      ready?.message ?? stalled?.message,
      driftMode ? `drift detection: ${driftMode}` : undefined,
    ]
      .filter(Boolean)
      .join('; ') || undefined;
  const namespace = object.metadata.namespace ?? '';
  return {
    tool: 'flux',
    instance: cluster.name,
    kind,
    name: `${namespace}/${object.metadata.name}`,
    sync,
    health,
    ...(revision ? { revision } : {}),
    ...(deployedAt ? { deployedAt } : {}),
    // Ready went False then; a revision merely pending has no such time.
    ...(ready?.status === 'False' && ready.lastTransitionTime
      ? { driftSince: ready.lastTransitionTime }
      : {}),
    outOfSync: [],
    history: history.slice(0, MAX_HISTORY),
    ...(message ? { message } : {}),
  };
}

/** Reads Flux objects through one cluster's Kubernetes API. */
export class FluxClient {
  constructor(readonly cluster: DeliveryEndpoint) {}

  async get(kind: FluxKind, namespace: string, name: string) {
    const { path, plural } = FLUX_KINDS[kind];
    return getJson<FluxObject>(
      this.cluster,
      `${path}/namespaces/${encodeURIComponent(
        namespace,
      )}/${plural}/${encodeURIComponent(name)}`,
      `Flux cluster '${this.cluster.name}', ${kind} '${namespace}/${name}'`,
    );
  }
}
