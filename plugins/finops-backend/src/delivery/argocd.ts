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
import { getJson, type DeliveryEndpoint } from './http';

/** The most revisions of a deployment's history returned (newest first). */
export const MAX_HISTORY = 20;

/** The most out-of-sync resources listed per deployment. */
export const MAX_OUT_OF_SYNC = 50;

/**
 * The parts of Argo CD's `v1alpha1Application` (the `/api/v1/applications`
 * answer) read here.
 */
export interface ArgoApplication {
  metadata: { name: string; namespace?: string };
  status?: {
    sync?: { status?: string; revision?: string; revisions?: string[] };
    health?: { status?: string; message?: string };
    history?: Array<{
      id: number;
      revision?: string;
      revisions?: string[];
      deployedAt: string;
    }>;
    resources?: Array<{
      group?: string;
      kind?: string;
      namespace?: string;
      name?: string;
      status?: string;
    }>;
    conditions?: Array<{ type: string; message: string }>;
    operationState?: { phase?: string; message?: string; finishedAt?: string };
  };
}

const SYNC = new Set(['Synced', 'OutOfSync']);
const HEALTH = new Set([
  'Healthy',
  'Progressing',
  'Degraded',
  'Suspended',
  'Missing',
]);

/** A multi-source Application's revisions, joined (one per source). */
function revisionOf(entry: { revision?: string; revisions?: string[] }) {
  return entry.revision || entry.revisions?.filter(Boolean).join(', ');
}

/**
 * An Application as a deployment of the entity: sync and health as Argo CD
 * reports them, the out-of-sync resources (the drift), the revision synced
 * and the history Argo CD keeps (`status.history`, oldest first there,
 * newest first here; `revisionHistoryLimit` entries, 10 by default).
 */
export function toDeployment(
  instance: DeliveryEndpoint,
  app: ArgoApplication,
): FinopsDeployment {
  const status = app.status ?? {};
  const sync = status.sync?.status ?? '';
  const health = status.health?.status ?? '';
  const history = [...(status.history ?? [])]
    .sort((a, b) => b.id - a.id)
    .flatMap(h => {
      const revision = revisionOf(h);
      return revision && h.deployedAt
        ? [{ revision, deployedAt: h.deployedAt }]
        : [];
    })
    .slice(0, MAX_HISTORY);
  const revision = status.sync ? revisionOf(status.sync) : undefined;
  // When the synced revision was deployed: its latest history entry.
  const deployedAt = history.find(h => h.revision === revision)?.deployedAt;
  const outOfSync = (status.resources ?? [])
    .filter(r => r.status === 'OutOfSync')
    .slice(0, MAX_OUT_OF_SYNC)
    .map(r => ({
      ...(r.group ? { group: r.group } : {}),
      kind: r.kind ?? '',
      ...(r.namespace ? { namespace: r.namespace } : {}),
      name: r.name ?? '',
      status: r.status ?? '',
    }));
  const failedOperation =
    status.operationState?.phase === 'Failed' ||
    status.operationState?.phase === 'Error'
      ? status.operationState.message
      : undefined;
  const message =
    status.conditions?.map(c => `${c.type}: ${c.message}`).join('; ') ||
    failedOperation ||
    status.health?.message;
  const namespace = app.metadata.namespace;
  return {
    tool: 'argocd',
    instance: instance.name,
    kind: 'Application',
    name: app.metadata.name,
    url: `${instance.url}/applications/${
      namespace ? `${encodeURIComponent(namespace)}/` : ''
    }${encodeURIComponent(app.metadata.name)}`,
    sync: SYNC.has(sync) ? (sync as FinopsDeployment['sync']) : 'Unknown',
    health: HEALTH.has(health)
      ? (health as FinopsDeployment['health'])
      : 'Unknown',
    ...(revision ? { revision } : {}),
    ...(deployedAt ? { deployedAt } : {}),
    outOfSync,
    history,
    ...(message ? { message } : {}),
  };
}

/** Reads Applications from one Argo CD instance's REST API. */
export class ArgoCdClient {
  constructor(readonly instance: DeliveryEndpoint) {}

  /** `GET /api/v1/applications/{name}`. */
  async getApplication(
    name: string,
    appNamespace?: string,
  ): Promise<ArgoApplication> {
    const query = appNamespace
      ? `?appNamespace=${encodeURIComponent(appNamespace)}`
      : '';
    return getJson<ArgoApplication>(
      this.instance,
      `/api/v1/applications/${encodeURIComponent(name)}${query}`,
      `Argo CD instance '${this.instance.name}', Application '${name}'`,
    );
  }

  /** `GET /api/v1/applications?selector=…`: the Applications a label selector matches. */
  async listApplications(
    selector: string,
    appNamespace?: string,
  ): Promise<ArgoApplication[]> {
    const query = new URLSearchParams({ selector });
    if (appNamespace) query.set('appNamespace', appNamespace);
    const list = await getJson<{ items?: ArgoApplication[] | null }>(
      this.instance,
      `/api/v1/applications?${query}`,
      `Argo CD instance '${this.instance.name}', Applications '${selector}'`,
    );
    return list.items ?? [];
  }
}
