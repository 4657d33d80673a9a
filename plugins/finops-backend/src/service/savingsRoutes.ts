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
  finopsOrganizationReadPermission,
  type EntityRecommendations,
  type FinopsEntitySavings,
  type FinopsRealisedSaving,
  type FinopsSavings,
} from '@ai-finops/backstage-plugin-finops-common';
import type {
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { AuthorizePermissionRequest } from '@backstage/plugin-permission-common';
import type express from 'express';
import type {
  FinopsPullRequestStore,
  StoredRecommendationPullRequest,
} from '@ai-finops/backstage-plugin-finops-node';
import type { AllocationTarget, CostAllocator } from '../engine/CostAllocator';
import type { EntityEngine } from '../engine/EntityEngine';
import { ANNOTATED_ENTITY_FILTER } from '../engine/matching';
import {
  recommendationsFromStored,
  resolveAllocated,
} from '../engine/manyEntities';
import {
  RECOMMENDATIONS_RESULT,
  type StoredResults,
} from '../engine/storedResults';

/** Entities whose recommendations are computed at once. */
const CONCURRENCY = 4;

/** What the savings route needs from the router. @internal */
export interface SavingsRouteOptions {
  httpAuth: HttpAuthService;
  catalog: CatalogService;
  allocator: Pick<CostAllocator, 'resolve'>;
  logger: LoggerService;
  currency: string;
  now: () => Date;
  authorize(
    request: AuthorizePermissionRequest,
    credentials: BackstageCredentials,
  ): Promise<void>;
  /** The engine, whose recommendations the per-entity route serves. */
  engine: Pick<EntityEngine, 'recommendationsOfMany' | 'findRecommendations'>;
  /** Tracked pull requests; without them nothing is realised. */
  pullRequests?: Pick<
    FinopsPullRequestStore,
    'getRecommendationPullRequestsOf'
  >;
  /** Found recommendations kept between requests; without them they are computed on each. */
  storedResults?: Pick<StoredResults, 'readMany' | 'recommendations'>;
}

/**
 * `GET /savings`: savings found (open recommendations) and realised
 * (recommendations whose pull request was merged) over the catalog
 * entities with cost allocation annotations visible to the caller. Needs
 * `finops.organization.read`.
 *
 * Found recommendations come from the stored results, read for all
 * entities at once; while the scheduled pass recomputes those that new
 * data made stale, the older ones are served (a warning says how many).
 * Only entities with none stored are computed here. Decisions and pull
 * requests are read fresh, in a few queries.
 *
 * @internal
 */
export function registerSavingsRoutes(
  router: express.Router,
  options: SavingsRouteOptions,
) {
  const { httpAuth, catalog, allocator, authorize, logger, currency, engine } =
    options;
  const stored = options.storedResults;

  router.get('/savings', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    await authorize(
      { permission: finopsOrganizationReadPermission },
      credentials,
    );

    const { items } = await catalog.getEntities(
      {
        filter: ANNOTATED_ENTITY_FILTER,
      },
      { credentials },
    );
    const entities = [...items].sort((a, b) =>
      stringifyEntityRef(a) < stringifyEntityRef(b) ? -1 : 1,
    );

    const warnings: string[] = [];
    const failed = (ref: string, error: unknown) => {
      logger.warn(`FinOps savings of ${ref} failed: ${error}`);
      warnings.push(`${ref}: ${(error as Error).message ?? error}`);
    };
    const { targets, entityOf } = await resolveAllocated(
      allocator,
      entities,
      credentials,
      failed,
      CONCURRENCY,
    );
    const refs = targets.map(t => t.entityRef);

    const [found, pullRequests] = await Promise.all([
      stored?.readMany<
        Awaited<ReturnType<EntityEngine['findRecommendations']>>
      >(RECOMMENDATIONS_RESULT, refs),
      options.pullRequests?.getRecommendationPullRequestsOf(refs),
    ]);
    let staleCount = 0;
    const recommendations = await recommendationsFromStored({
      engine,
      stored,
      found,
      targets,
      entityOf,
      concurrency: CONCURRENCY,
      onStale: () => {
        staleCount += 1;
      },
    });
    if (staleCount > 0) {
      warnings.push(
        `${staleCount} of ${targets.length} entities' found savings come from data before the latest ingestion; they are being recomputed.`,
      );
    }

    const body: FinopsSavings = {
      currency,
      found: { monthlySavings: 0, count: 0, entities: 0 },
      realised: { monthlySavings: 0, count: 0 },
      entities: [],
      realisedItems: [],
      warnings,
      computedAt: options.now().toISOString(),
    };
    targets.forEach((target, i) => {
      const recs = recommendations[i];
      if (recs instanceof Error) {
        failed(target.entityRef, recs);
        return;
      }
      const { entity, realisedItems } = savingsOf(
        entityOf.get(target)!,
        target,
        recs,
        pullRequests?.get(target.entityRef.toLocaleLowerCase('en-US')),
      );
      body.found.monthlySavings += entity.found.monthlySavings;
      body.found.count += entity.found.count;
      if (entity.found.count > 0) body.found.entities += 1;
      body.realised.monthlySavings += entity.realised.monthlySavings;
      body.realised.count += entity.realised.count;
      body.realisedItems.push(...realisedItems);
      if (entity.found.count > 0 || entity.realised.count > 0) {
        body.entities.push(entity);
      }
    });
    body.entities.sort(
      (a, b) =>
        b.found.monthlySavings - a.found.monthlySavings ||
        b.realised.monthlySavings - a.realised.monthlySavings ||
        (a.entityRef < b.entityRef ? -1 : 1),
    );
    body.realisedItems.sort(
      (a, b) =>
        Date.parse(b.mergedAt) - Date.parse(a.mergedAt) ||
        b.monthlySavings - a.monthlySavings,
    );
    res.json(body);
  });
}

/** One entity's savings: its open recommendations and merged pull requests. */
function savingsOf(
  entity: Entity,
  target: AllocationTarget,
  recs: EntityRecommendations,
  prs: Map<string, StoredRecommendationPullRequest> | undefined,
): { entity: FinopsEntitySavings; realisedItems: FinopsRealisedSaving[] } {
  // Open recommendations: not dismissed or snoozed, and not already
  // applied through a merged pull request.
  const open = recs.items.filter(r => r.pullRequest?.state !== 'merged');
  const foundSaving = open.reduce(
    (s, r) => s + Math.max(0, r.monthlySavings),
    0,
  );
  const byId = new Map(
    [...recs.items, ...recs.hidden].map(r => [r.id, r] as const),
  );
  const realisedItems: FinopsRealisedSaving[] = [];
  for (const pr of prs?.values() ?? []) {
    if (pr.state !== 'merged') continue;
    // The saving the pull request was opened with; the recommendation's
    // current one when it was not stored.
    const saving =
      pr.monthlySavings ?? byId.get(pr.recommendationId)?.monthlySavings;
    realisedItems.push({
      entityRef: target.entityRef,
      recommendationId: pr.recommendationId,
      monthlySavings: Math.max(0, saving ?? 0),
      url: pr.url,
      number: pr.number,
      mergedAt: pr.closedAt ?? pr.checkedAt,
    });
  }
  return {
    entity: {
      entityRef: target.entityRef,
      ...(entity.metadata.title ? { title: entity.metadata.title } : {}),
      found: { monthlySavings: foundSaving, count: open.length },
      realised: {
        monthlySavings: realisedItems.reduce((s, r) => s + r.monthlySavings, 0),
        count: realisedItems.length,
      },
    },
    realisedItems,
  };
}
