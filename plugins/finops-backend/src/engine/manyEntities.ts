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

import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { mapLimit } from '../lib/mapLimit';
import type { AllocationTarget, CostAllocator } from './CostAllocator';
import type { EntityEngine } from './EntityEngine';
import type { StoredResults } from './storedResults';

type FoundRecommendations = Awaited<
  ReturnType<EntityEngine['findRecommendations']>
>;

/**
 * Resolves many entities to their allocation targets, `concurrency` at a
 * time, for the routes that sum over entities. Entities that match no data
 * are left out; one that fails to resolve is reported to `failed` and left
 * out.
 *
 * @internal
 */
export async function resolveAllocated(
  allocator: Pick<CostAllocator, 'resolve'>,
  entities: Entity[],
  credentials: BackstageCredentials,
  failed: (entityRef: string, error: unknown) => void,
  concurrency: number,
): Promise<{
  targets: AllocationTarget[];
  entityOf: Map<AllocationTarget, Entity>;
}> {
  const resolved = await mapLimit(entities, concurrency, async entity =>
    allocator.resolve(entity, credentials).then(
      target => ({ entity, target }),
      error => {
        failed(stringifyEntityRef(entity), error);
        return undefined;
      },
    ),
  );
  const allocated = resolved.filter(
    (r): r is { entity: Entity; target: AllocationTarget } =>
      !!r && (r.target.matchers.length > 0 || r.target.shared.length > 0),
  );
  return {
    targets: allocated.map(r => r.target),
    entityOf: new Map(allocated.map(r => [r.target, r.entity])),
  };
}

/**
 * The open recommendations of many targets from their stored found ones
 * (`found`, as read with `stored.readMany`), computing and storing only
 * those with none stored; `onStale` is called for each stored result that
 * came from older data.
 *
 * @internal
 */
export function recommendationsFromStored(options: {
  engine: Pick<EntityEngine, 'findRecommendations' | 'recommendationsOfMany'>;
  stored?: Pick<StoredResults, 'recommendations'>;
  found?: Awaited<ReturnType<StoredResults['readMany']>>;
  targets: AllocationTarget[];
  entityOf: Map<AllocationTarget, Entity>;
  concurrency: number;
  onStale?: () => void;
}) {
  const { engine, stored, found, entityOf } = options;
  return engine.recommendationsOfMany(
    options.targets,
    async target => {
      const kept = found?.get(target.entityRef.toLocaleLowerCase('en-US'));
      if (kept) {
        if (kept.stale) options.onStale?.();
        return kept.result as FoundRecommendations;
      }
      const compute = () =>
        engine.findRecommendations(entityOf.get(target)!, target);
      return stored
        ? stored.recommendations(target.entityRef, compute)
        : compute();
    },
    options.concurrency,
  );
}
