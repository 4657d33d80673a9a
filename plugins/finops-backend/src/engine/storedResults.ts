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
  type FinopsEntityResultStore,
} from '@ai-finops/backstage-plugin-finops-node';
import type { CostAllocator } from './CostAllocator';
import type {
  FoundRecommendations,
  FoundRecommendationsCache,
} from './EntityEngine';
import { ANNOTATED_ENTITY_FILTER } from './matching';

/** The kind under which found recommendations are stored. */
export const RECOMMENDATIONS_RESULT = 'recommendations';

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

/** How long the store's data version is reused before it is read again. */
const VERSION_TTL_MS = 1000;

/**
 * Found recommendations kept in the store (shared by every replica), valid
 * while the data version, the UTC day and the engine's settings are those
 * they were computed with; a stale or missing result is computed, stored
 * and served. Concurrent callers for the same entity share one computation.
 *
 * @internal
 */
export function createStoredRecommendationsCache(options: {
  store: FinopsEntityResultStore;
  /** What else the result depends on (settings), in the version. */
  settings: string;
  now: () => Date;
  logger: LoggerService;
}): FoundRecommendationsCache & { version(): Promise<string> } {
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
  const inFlight = new Map<string, Promise<FoundRecommendations>>();
  const lookUp = async (
    key: string,
    entityRef: string,
    compute: () => Promise<FoundRecommendations>,
  ): Promise<FoundRecommendations> => {
    const dataVersion = await version();
    const stored = await store.getEntityResult<FoundRecommendations>(
      key,
      RECOMMENDATIONS_RESULT,
    );
    if (stored?.dataVersion === dataVersion) return stored.result;
    const result = await compute();
    try {
      await store.putEntityResult(key, RECOMMENDATIONS_RESULT, {
        dataVersion,
        result,
      });
    } catch (error) {
      logger.warn(
        `FinOps could not store the recommendations of ${entityRef}: ${error}`,
      );
    }
    return result;
  };
  const cache = async (
    entityRef: string,
    compute: () => Promise<FoundRecommendations>,
  ): Promise<FoundRecommendations> => {
    const key = entityRef.toLocaleLowerCase('en-US');
    let running = inFlight.get(key);
    if (!running) {
      running = lookUp(key, entityRef, compute);
      inFlight.set(key, running);
      const settled = running;
      settled
        .catch(() => undefined)
        .then(() => {
          if (inFlight.get(key) === settled) inFlight.delete(key);
        });
    }
    return running;
  };
  return Object.assign(cache, { version });
}

/**
 * One pass over the catalog's annotated entities: computes and stores the
 * found recommendations of each whose stored ones are stale, `concurrency`
 * at a time. Returns what it did.
 *
 * @internal
 */
export async function precomputeRecommendations(options: {
  catalog: CatalogService;
  auth: AuthService;
  allocator: Pick<CostAllocator, 'resolve'>;
  findRecommendations: (
    ...args: Parameters<FoundRecommendationsFinder>
  ) => Promise<FoundRecommendations>;
  cache: ReturnType<typeof createStoredRecommendationsCache>;
  store: FinopsEntityResultStore;
  logger: LoggerService;
  concurrency?: number;
  signal?: AbortSignal;
}): Promise<{ entities: number; computed: number; failed: number }> {
  const { catalog, auth, allocator, cache, store, logger } = options;
  const credentials = await auth.getOwnServiceCredentials();
  const { items } = await catalog.getEntities(
    { filter: ANNOTATED_ENTITY_FILTER },
    { credentials },
  );
  const version = await cache.version();
  const stored = await store.getEntityResults(
    RECOMMENDATIONS_RESULT,
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
        await cache(ref, () => options.findRecommendations(entity, target));
        computed += 1;
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

type FoundRecommendationsFinder = (
  entity: Parameters<CostAllocator['resolve']>[0],
  target: Awaited<ReturnType<CostAllocator['resolve']>>,
) => Promise<FoundRecommendations>;

/**
 * Schedules {@link precomputeRecommendations} once across replicas: every
 * `frequency` it recomputes what new data or a new day made stale, so
 * routes read stored results.
 *
 * @internal
 */
export async function scheduleResultsPrecompute(
  options: Parameters<typeof precomputeRecommendations>[0] & {
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
      const result = await precomputeRecommendations({
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
