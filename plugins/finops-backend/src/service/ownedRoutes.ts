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
  finopsEntityReadPermission,
  type EntityCostForecast,
  type FinopsOwnedEntitySpend,
  type FinopsOwnedSpend,
} from '@ai-finops/backstage-plugin-finops-common';
import type {
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type express from 'express';
import type { EntityEngine } from '../engine/EntityEngine';
import { ANNOTATED_ENTITY_FILTER } from '../engine/matching';
import {
  RECOMMENDATIONS_RESULT,
  type StoredResults,
} from '../engine/storedResults';
import {
  recommendationsFromStored,
  resolveAllocated,
} from '../engine/manyEntities';
import { mapLimit } from '../lib/mapLimit';
import { readOptionalString } from '../lib/params';

/** The most owned entities one request sums; more are left out (`truncated`). */
export const MAX_OWNED_ENTITIES = 50;

/** The most ownership refs one request may name. */
export const MAX_OWNERS = 20;

/** Entities summed at once. */
const CONCURRENCY = 4;

/** What the owned-spend route needs from the router. @internal */
export interface OwnedRouteOptions {
  engine: EntityEngine;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  logger: LoggerService;
  storedResults?: StoredResults;
}

/** `owner`: comma-separated ownership refs, normalised. */
function readOwners(value: unknown): string[] {
  const text = readOptionalString(value, 'owner');
  if (text === undefined) {
    throw new InputError(
      "Query parameter 'owner' is required: the ownership refs (user and groups) whose entities to sum, separated by commas",
    );
  }
  const owners = new Set<string>();
  for (const raw of text.split(',')) {
    const ref = raw.trim();
    if (!ref) continue;
    let parsed;
    try {
      parsed = parseEntityRef(ref);
    } catch {
      throw new InputError(
        `Invalid owner '${ref}'; expected kind:namespace/name`,
      );
    }
    owners.add(stringifyEntityRef(parsed).toLocaleLowerCase('en-US'));
  }
  if (owners.size === 0) {
    throw new InputError("Query parameter 'owner' names no entity ref");
  }
  if (owners.size > MAX_OWNERS) {
    throw new InputError(
      `Too many owners: ${owners.size} refs in 'owner'; at most ${MAX_OWNERS} per request`,
    );
  }
  return [...owners];
}

/**
 * `GET /owned/summary?owner=user:default/alice,group:default/team-a`: the
 * month-to-date spend, the kept month-end forecast and the open savings of
 * the annotated catalog entities owned by any of `owner` (at most
 * {@link MAX_OWNED_ENTITIES}), for the home page. The catalog is read with
 * the caller's credentials and each entity needs `finops.entity.read` (its
 * owners and the admins, under the FinOps policy): others are left out, so
 * naming another team's group shows nothing of theirs.
 *
 * @internal
 */
export function registerOwnedRoutes(
  router: express.Router,
  options: OwnedRouteOptions,
) {
  const { engine, httpAuth, permissions, catalog, logger } = options;
  const stored = options.storedResults;

  router.get('/owned/summary', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const owners = readOwners(req.query.owner);
    const now = engine.options.now();
    const month = now.toISOString().slice(0, 7);

    // The ownership filter last: the in-memory catalog of the tests stops
    // at the first key with several values.
    const { items } = await catalog.getEntities(
      {
        filter: ANNOTATED_ENTITY_FILTER.map(f => ({
          ...f,
          'relations.ownedBy': owners,
        })),
        order: { field: 'metadata.name', order: 'asc' },
        limit: MAX_OWNED_ENTITIES + 1,
      },
      { credentials },
    );
    const truncated = items.length > MAX_OWNED_ENTITIES;
    const candidates = items.slice(0, MAX_OWNED_ENTITIES);

    const decisions = candidates.length
      ? await permissions.authorize(
          candidates.map(entity => ({
            permission: finopsEntityReadPermission,
            resourceRef: stringifyEntityRef(entity),
          })),
          { credentials },
        )
      : [];
    const readable = candidates.filter(
      (_, i) => decisions[i]?.result === AuthorizeResult.ALLOW,
    );

    const warnings: string[] = [];
    const failed = (ref: string, error: unknown) => {
      logger.warn(`FinOps owned spend of ${ref} failed: ${error}`);
      warnings.push(`${ref}: ${(error as Error)?.message ?? error}`);
    };
    const { targets, entityOf } = await resolveAllocated(
      engine,
      readable,
      credentials,
      failed,
      CONCURRENCY,
    );
    const refs = targets.map(t => t.entityRef);

    // Forecasts only as kept by the scheduled pass: no model is fitted here.
    const [forecasts, found] = await Promise.all([
      stored?.readMany<EntityCostForecast>('forecast', refs),
      stored?.readMany<
        Awaited<ReturnType<EntityEngine['findRecommendations']>>
      >(RECOMMENDATIONS_RESULT, refs),
    ]);
    const [summaries, recommendations] = await Promise.all([
      mapLimit(targets, CONCURRENCY, target =>
        engine
          .summary(entityOf.get(target)!, target, month)
          .catch((error: unknown) =>
            error instanceof Error ? error : new Error(String(error)),
          ),
      ),
      recommendationsFromStored({
        engine,
        stored,
        found,
        targets,
        entityOf,
        concurrency: CONCURRENCY,
      }),
    ]);

    const body: FinopsOwnedSpend = {
      currency: engine.options.currency,
      month,
      owners,
      total: {
        monthToDate: 0,
        forecastEntities: 0,
        openMonthlySavings: 0,
        openRecommendations: 0,
      },
      entities: [],
      truncated,
      warnings,
      computedAt: now.toISOString(),
    };
    targets.forEach((target, i) => {
      const summary = summaries[i];
      if (summary instanceof Error) {
        failed(target.entityRef, summary);
        return;
      }
      const entity = entityOf.get(target)!;
      const recs = recommendations[i];
      if (recs instanceof Error) failed(target.entityRef, recs);
      const open =
        recs instanceof Error
          ? []
          : recs.items.filter(r => r.pullRequest?.state !== 'merged');
      const forecast = forecasts?.get(
        target.entityRef.toLocaleLowerCase('en-US'),
      )?.result;
      const item: FinopsOwnedEntitySpend = {
        entityRef: target.entityRef,
        ...(entity.metadata.title ? { title: entity.metadata.title } : {}),
        monthToDate: summary.monthToDate.effectiveCost,
        ...(forecast?.month === month
          ? { forecast: forecast.monthEnd.mean }
          : {}),
        ...(summary.monthlyBudget !== undefined
          ? { monthlyBudget: summary.monthlyBudget }
          : {}),
        openMonthlySavings: open.reduce(
          (s, r) => s + Math.max(0, r.monthlySavings),
          0,
        ),
        openRecommendations: open.length,
      };
      body.entities.push(item);
      body.total.monthToDate += item.monthToDate;
      body.total.openMonthlySavings += item.openMonthlySavings;
      body.total.openRecommendations += item.openRecommendations;
      if (item.forecast !== undefined) {
        body.total.forecast = (body.total.forecast ?? 0) + item.forecast;
        body.total.forecastEntities += 1;
      }
    });
    body.entities.sort(
      (a, b) =>
        b.monthToDate - a.monthToDate ||
        b.openMonthlySavings - a.openMonthlySavings ||
        (a.entityRef < b.entityRef ? -1 : 1),
    );
    res.json(body);
  });
}
