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
  ARGOCD_APP_NAME_ANNOTATION,
  ARGOCD_APP_NAMESPACE_ANNOTATION,
  ARGOCD_APP_SELECTOR_ANNOTATION,
  ARGOCD_INSTANCE_NAME_ANNOTATION,
  FLUX_HELMRELEASE_ANNOTATION,
  FLUX_KUSTOMIZATION_ANNOTATION,
  type FinopsDeployment,
} from '@ai-finops/backstage-plugin-finops-common';
import type { FinopsDeliveryDriftStore } from '@ai-finops/backstage-plugin-finops-node';
import type {
  CacheService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { JsonValue } from '@backstage/types';
import { ArgoCdClient, toDeployment } from './argocd';
import type { DeliverySettings } from './config';
import { FluxClient, toFluxDeployment, type FluxKind } from './flux';

/** The most Argo CD Applications and Flux objects read for one entity. */
export const MAX_DEPLOYMENTS_PER_ENTITY = 20;

/** What an entity's annotations name, before it is read. */
interface DeploymentRef {
  tool: FinopsDeployment['tool'];
  instance: string;
  kind: FinopsDeployment['kind'];
  name: string;
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);

/** A deployment that could not be read: the reason, and no status. */
function failed(ref: DeploymentRef, error: string): FinopsDeployment {
  return {
    ...ref,
    sync: 'Unknown',
    health: 'Unknown',
    outOfSync: [],
    history: [],
    error,
  };
}

/**
 * Reads the Argo CD Applications and Flux objects an entity's annotations
 * name, through the configured instances and clusters. Answers are kept
 * `cacheTtlSeconds` (errors too, so an instance that is down is not asked
 * on every view); each object that cannot be read carries `error` and the
 * others are still returned.
 */
export class DeliveryStatusService {
  readonly #settings: DeliverySettings;
  readonly #cache?: CacheService;
  readonly #drift?: FinopsDeliveryDriftStore;
  readonly #logger: LoggerService;
  readonly #now: () => Date;

  constructor(options: {
    settings: DeliverySettings;
    cache?: CacheService;
    drift?: FinopsDeliveryDriftStore;
    logger: LoggerService;
    now?: () => Date;
  }) {
    this.#settings = options.settings;
    this.#cache = options.cache;
    this.#drift = options.drift;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
  }

  get settings() {
    return this.#settings;
  }

  /** The entity's deployments, at most {@link MAX_DEPLOYMENTS_PER_ENTITY}. */
  async deployments(entity: Entity): Promise<FinopsDeployment[]> {
    const tasks = [...this.#argoTasks(entity), ...this.#fluxTasks(entity)];
    // Each task reads one object or one selector's list: no more are run
    // than deployments are kept.
    const results = (
      await Promise.all(
        tasks.slice(0, MAX_DEPLOYMENTS_PER_ENTITY).map(task => task()),
      )
    ).flat();
    const deployments = results.slice(0, MAX_DEPLOYMENTS_PER_ENTITY);
    const named = Math.max(tasks.length, results.length);
    if (named > deployments.length) {
      this.#logger.warn(
        `Delivery status of ${entity.metadata.name}: ${named} deployments named, only the first ${MAX_DEPLOYMENTS_PER_ENTITY} are read`,
      );
    }
    return deployments;
  }

  #argoTasks(entity: Entity): Array<() => Promise<FinopsDeployment[]>> {
    const a = entity.metadata.annotations ?? {};
    const names = list(a[ARGOCD_APP_NAME_ANNOTATION]);
    const selector = a[ARGOCD_APP_SELECTOR_ANNOTATION]?.trim();
    if (names.length === 0 && !selector) return [];
    const appNamespace =
      a[ARGOCD_APP_NAMESPACE_ANNOTATION]?.trim() || undefined;
    const wanted = a[ARGOCD_INSTANCE_NAME_ANNOTATION]?.trim();
    const instance = wanted
      ? this.#settings.argocd.find(i => i.name === wanted)
      : this.#settings.argocd[0];
    const refs = (names.length ? names : [selector!]).map(name => ({
      tool: 'argocd' as const,
      instance: wanted ?? instance?.name ?? '',
      kind: 'Application' as const,
      name,
    }));
    if (!instance) {
      const error = wanted
        ? `Argo CD instance '${wanted}' (${ARGOCD_INSTANCE_NAME_ANNOTATION}) is not configured in finops.delivery.argocd.instances`
        : 'No Argo CD instance is configured (finops.delivery.argocd.instances)';
      return refs.map(ref => async () => [failed(ref, error)]);
    }
    const client = new ArgoCdClient(instance);
    const namespaceKey = appNamespace ?? '';
    if (names.length) {
      return refs.map(
        ref => () =>
          this.#cached(
            `argocd:${instance.name}:${namespaceKey}:app:${ref.name}`,
            ref,
            async () => [
              toDeployment(
                instance,
                await client.getApplication(ref.name, appNamespace),
              ),
            ],
          ),
      );
    }
    return [
      () =>
        this.#cached(
          `argocd:${instance.name}:${namespaceKey}:selector:${selector}`,
          refs[0],
          async () =>
            (await client.listApplications(selector!, appNamespace))
              .sort((x, y) => x.metadata.name.localeCompare(y.metadata.name))
              .slice(0, MAX_DEPLOYMENTS_PER_ENTITY)
              .map(app => toDeployment(instance, app)),
        ),
    ];
  }

  #fluxTasks(entity: Entity): Array<() => Promise<FinopsDeployment[]>> {
    const a = entity.metadata.annotations ?? {};
    const named: Array<[FluxKind, string, string]> = [
      ...list(a[FLUX_KUSTOMIZATION_ANNOTATION]).map(
        (v): [FluxKind, string, string] => [
          'Kustomization',
          v,
          FLUX_KUSTOMIZATION_ANNOTATION,
        ],
      ),
      ...list(a[FLUX_HELMRELEASE_ANNOTATION]).map(
        (v): [FluxKind, string, string] => [
          'HelmRelease',
          v,
          FLUX_HELMRELEASE_ANNOTATION,
        ],
      ),
    ];
    return named.map(([kind, value, annotation]) => {
      const parts = value.split('/');
      const [clusterName, namespace, name] = parts;
      const ref = {
        tool: 'flux' as const,
        instance: clusterName ?? '',
        kind,
        name: parts.length === 3 ? `${namespace}/${name}` : value,
      };
      if (parts.length !== 3 || parts.some(p => !p)) {
        return async () => [
          failed(
            ref,
            `${annotation} entry '${value}' must be <cluster>/<namespace>/<name>`,
          ),
        ];
      }
      const cluster = this.#settings.flux.find(c => c.name === clusterName);
      if (!cluster) {
        return async () => [
          failed(
            ref,
            `Flux cluster '${clusterName}' is not configured in finops.delivery.flux.clusters`,
          ),
        ];
      }
      const client = new FluxClient(cluster);
      return () =>
        this.#cached(
          `flux:${clusterName}:${kind}:${ref.name}`,
          ref,
          async () => [
            toFluxDeployment(
              cluster,
              kind,
              await client.get(kind, namespace, name),
            ),
          ],
        );
    });
  }

  /** Reads through the cache; a failure becomes the deployment's `error`. */
  async #cached(
    key: string,
    ref: DeploymentRef,
    read: () => Promise<FinopsDeployment[]>,
  ): Promise<FinopsDeployment[]> {
    const cacheKey = `delivery:${key}`;
    const ttl = this.#settings.cacheTtlSeconds * 1000;
    if (this.#cache && ttl > 0) {
      const hit = await this.#cache.get(cacheKey);
      if (hit) return hit as unknown as FinopsDeployment[];
    }
    let value: FinopsDeployment[];
    try {
      value = await read();
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      this.#logger.warn(`Delivery status: ${message}`);
      value = [failed(ref, message)];
    }
    // Drift is kept with the answer, so the store is written once per read
    // of Argo CD, not on every view.
    value = await Promise.all(value.map(d => this.#withDrift(d)));
    if (this.#cache && ttl > 0) {
      await this.#cache.set(cacheKey, value as unknown as JsonValue, { ttl });
    }
    return value;
  }

  /**
   * Since when an Argo CD Application is out of sync: the first time this
   * backend saw it so (kept in the store, forgotten once it is in sync).
   * Flux objects carry it already (Ready's lastTransitionTime).
   */
  async #withDrift(d: FinopsDeployment): Promise<FinopsDeployment> {
    if (d.tool !== 'argocd' || d.error || !this.#drift) return d;
    // The UI link names the instance, the app's namespace and its name.
    const key = `argocd:${d.url ?? `${d.instance}/${d.name}`}`;
    if (d.sync === 'OutOfSync') {
      const since = await this.#drift.markOutOfSync(key, this.#now());
      return { ...d, driftSince: since.toISOString() };
    }
    if (d.sync === 'Synced') await this.#drift.markInSync(key);
    return d;
  }
}
