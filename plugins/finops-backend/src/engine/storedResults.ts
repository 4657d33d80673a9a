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

import type {
  AuthService,
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import { createHash } from 'node:crypto';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  formatDay,
  ONE_DAY_MS,
  type FinopsEntityResultStore,
} from '@ai-finops/backstage-plugin-finops-node';
import type { CostAllocator } from './CostAllocator';
import type { FoundRecommendationsCache } from './EntityEngine';
import { ANNOTATED_ENTITY_FILTER } from './matching';

/** The kind under which found recommendations are stored. */
export const RECOMMENDATIONS_RESULT = 'recommendations';

/**
 * The kind the precompute pass alone stores, once it has handed an entity's
 * results to `onComputed`: a route may have computed and stored the results
 * of the current data version first, and the pass must still see them once.
 */
export const PRECOMPUTED_RESULT = 'precomputed';

/**
 * A short digest of the `finops` configuration (prices, allocation,
 * currency…): results computed under other settings are stale.
 *
 * @internal
 */
export function settingsFingerprint(config: Config): string {
  const finops = config.getOptional('finops') ?? {};
  return createHash('sha256')
    .update(JSON.stringify(finops))
    .digest('hex')
    .slice(0, 16);
}

/**
 * The `days` UTC days up to today, the range an entity route serves when
 * asked without one.
 *
 * @internal
 */
export function defaultRange(
  days: number,
  now: Date = new Date(),
): { from: string; to: string } {
  return {
    from: formatDay(new Date(now.getTime() - (days - 1) * ONE_DAY_MS)),
    to: formatDay(now),
  };
}

/** How long the store's data version is reused before it is read again. */
const VERSION_TTL_MS = 1000;

/**
 * Engine results kept in the store (shared by every replica), each valid
 * while the data version, the UTC day and the engine's settings are those
 * it was computed with; a stale or missing result is computed, stored and
 * served. Concurrent callers for the same entity and kind share one
 * computation.
 *
 * @internal
 */
export interface StoredResults {
  /** The result of `kind` for the entity: stored, or computed and stored. */
  get<T>(
    kind: string,
    entityRef: string,
    compute: () => Promise<T>,
  ): Promise<T>;
  /**
   * The stored results of `kind` for these entities, by lower-case ref:
   * those of the current version, and older ones too (`stale: true`) when
   * a scheduled pass refreshes them; the others are left out.
   */
  readMany<T>(
    kind: string,
    entityRefs: readonly string[],
  ): Promise<Map<string, { result: T; stale: boolean }>>;
  /**
   * Stores a result computed for data `version` (a version read before the
   * computation began, so data that arrived meanwhile leaves it stale).
   */
  put(
    kind: string,
    entityRef: string,
    version: string,
    result: unknown,
  ): Promise<void>;
  /** Found recommendations through {@link StoredResults.get}. */
  recommendations: FoundRecommendationsCache;
  /** The version results are computed for now. */
  version(): Promise<string>;
}

/** @internal */
export function createStoredResults(options: {
  store: FinopsEntityResultStore;
  /** What else the results depend on (settings), in the version. */
  settings: string;
  now: () => Date;
  logger: LoggerService;
  /**
   * A scheduled pass recomputes stale results, so reads of many may serve
   * them stale meanwhile instead of computing them all at once.
   */
  refreshedAhead?: boolean;
}): StoredResults {
  const { store, settings, now, logger } = options;
  let cached: { at: number; value: Promise<string> } | undefined;
  const version = () => {
    const t = Date.now();
    if (!cached || t - cached.at > VERSION_TTL_MS) {
      cached = {
        at: t,
        value: store
          .getDataVersion()
          .then(data => `${data}|${formatDay(now())}|${settings}`),
      };
    }
    return cached.value;
  };
  const inFlight = new Map<string, Promise<unknown>>();
  const lookUp = async <T>(
    kind: string,
    ref: string,
    compute: () => Promise<T>,
  ): Promise<T> => {
    const dataVersion = await version();
    const stored = await store.getEntityResult<T>(ref, kind);
    if (stored?.dataVersion === dataVersion) return stored.result;
    const result = await compute();
    try {
      await store.putEntityResult(ref, kind, { dataVersion, result });
    } catch (error) {
      logger.warn(`FinOps could not store the ${kind} of ${ref}: ${error}`);
    }
    return result;
  };
  const get = <T>(
    kind: string,
    entityRef: string,
    compute: () => Promise<T>,
  ): Promise<T> => {
    const ref = entityRef.toLocaleLowerCase('en-US');
    const key = `${kind} ${ref}`;
    let running = inFlight.get(key) as Promise<T> | undefined;
    if (!running) {
      const started = lookUp(kind, ref, compute);
      running = started;
      inFlight.set(key, started);
      started
        .catch(() => undefined)
        .then(() => {
          if (inFlight.get(key) === started) inFlight.delete(key);
        });
    }
    return running;
  };
  const readMany = async <T>(kind: string, entityRefs: readonly string[]) => {
    const dataVersion = await version();
    const out = new Map<string, { result: T; stale: boolean }>();
    for (const [ref, stored] of await store.getEntityResults<T>(
      kind,
      entityRefs,
    )) {
      const stale = stored.dataVersion !== dataVersion;
      if (!stale || options.refreshedAhead) {
        out.set(ref, { result: stored.result, stale });
      }
    }
    return out;
  };
  return {
    get,
    readMany,
    put: (kind, entityRef, dataVersion, result) =>
      store.putEntityResult(entityRef.toLocaleLowerCase('en-US'), kind, {
        dataVersion,
        result,
      }),
    recommendations: (entityRef, compute) =>
      get(RECOMMENDATIONS_RESULT, entityRef, compute),
    version,
  };
}

/**
 * One pass over the catalog's annotated entities: computes and stores the
 * results of each that this pass has not yet done for the current data
 * version (even when a route already stored its recommendations for it),
 * `concurrency` at a time. `compute` returns an entity's results by kind
 * (the found recommendations under {@link RECOMMENDATIONS_RESULT}), all
 * from one look at its data. Returns what it did.
 *
 * @internal
 */
export async function precomputeResults(options: {
  catalog: CatalogService;
  auth: AuthService;
  allocator: Pick<CostAllocator, 'resolve'>;
  compute: (
    entity: Parameters<CostAllocator['resolve']>[0],
    target: Awaited<ReturnType<CostAllocator['resolve']>>,
  ) => Promise<Record<string, unknown>>;
  stored: StoredResults;
  store: FinopsEntityResultStore;
  logger: LoggerService;
  concurrency?: number;
  signal?: AbortSignal;
  /** Called with an entity's results once they are stored (notifications). */
  onComputed?: (
    entityRef: string,
    byKind: Record<string, unknown>,
  ) => Promise<void>;
}): Promise<{ entities: number; computed: number; failed: number }> {
  const { catalog, auth, allocator, stored: results, store, logger } = options;
  const credentials = await auth.getOwnServiceCredentials();
  const { items } = await catalog.getEntities(
    { filter: ANNOTATED_ENTITY_FILTER },
    { credentials },
  );
  const version = await results.version();
  const stored = await store.getEntityResults(
    PRECOMPUTED_RESULT,
    items.map(e => stringifyEntityRef(e)),
  );
  const stale = items.filter(
    e =>
      stored.get(stringifyEntityRef(e).toLocaleLowerCase('en-US'))
        ?.dataVersion !== version,
  );
  let next = 0;
  let computed = 0;
  let failed = 0;
  const worker = async () => {
    while (next < stale.length && !options.signal?.aborted) {
      const entity = stale[next++];
      const ref = stringifyEntityRef(entity);
      try {
        const target = await allocator.resolve(entity, credentials);
        if (target.matchers.length === 0 && target.shared.length === 0) {
          continue;
        }
        const byKind = await options.compute(entity, target);
        // The recommendations last: an entity counts as done once they are.
        const kinds = Object.keys(byKind).sort(
          (a, b) =>
            Number(a === RECOMMENDATIONS_RESULT) -
            Number(b === RECOMMENDATIONS_RESULT),
        );
        for (const kind of kinds) {
          await results.put(kind, ref, version, byKind[kind]);
        }
        computed += 1;
        await options.onComputed?.(ref, byKind);
        await results.put(PRECOMPUTED_RESULT, ref, version, {});
      } catch (error) {
        failed += 1;
        logger.warn(`FinOps precompute of ${ref} failed: ${error}`);
      }
    }
  };
  await Promise.all(
    Array.from(
      { length: Math.max(1, Math.min(options.concurrency ?? 2, 16)) },
      worker,
    ),
  );
  return { entities: items.length, computed, failed };
}

/**
 * Schedules {@link precomputeResults} once across replicas: every
 * `frequency` it recomputes what new data or a new day made stale, so
 * routes read stored results.
 *
 * @internal
 */
export async function scheduleResultsPrecompute(
  options: Parameters<typeof precomputeResults>[0] & {
    scheduler: SchedulerService;
    frequency?: SchedulerServiceTaskScheduleDefinition['frequency'];
  },
) {
  await options.scheduler.scheduleTask({
    id: 'finops-precompute-results',
    frequency: options.frequency ?? { minutes: 5 },
    timeout: { hours: 1 },
    initialDelay: { seconds: 30 },
    scope: 'global',
    fn: async signal => {
      const started = Date.now();
      const result = await precomputeResults({
        ...options,
        signal: signal as AbortSignal | undefined,
      });
      if (result.computed > 0 || result.failed > 0) {
        options.logger.info(
          `FinOps results precomputed: ${result.computed} of ${
            result.entities
          } entities recomputed, ${result.failed} failed, in ${
            Date.now() - started
          } ms`,
        );
      }
    },
  });
}
