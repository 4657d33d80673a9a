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
  EntityCarbonFootprint,
  EntityCostAnomalies,
  EntityCostForecast,
  EntityGpuEfficiency,
  EntityRecommendations,
  RecommendationState,
} from '@ai-finops/backstage-plugin-finops-common';
import { formatDay, ONE_DAY_MS } from '@ai-finops/backstage-plugin-finops-node';
import type {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import {
  InputError,
  NotFoundError,
  NotImplementedError,
} from '@backstage/errors';
import type express from 'express';
import type { AllocationTarget } from '../engine/CostAllocator';
import type { DayRange, EntityEngine } from '../engine/EntityEngine';
import type { StoredResults } from '../engine/storedResults';
import { parseIsoTime, readChoice, readDay } from '../lib/params';
import { audited, FINOPS_AUDIT_EVENTS } from './audit';

/**
 * What the engine routes need from the router.
 *
 * @internal
 */
export interface EngineRouteOptions {
  engine: EntityEngine;
  httpAuth: HttpAuthService;
  /** Loads the entity with the caller's credentials and checks `finops.entity.read`. */
  resolveEntity(
    params: { kind: string; namespace: string; name: string },
    credentials: BackstageCredentials,
  ): Promise<{ entity: Entity; target: AllocationTarget }>;
  /**
   * Checks `finops.recommendation.apply` on the entity (or `finops.admin`)
   * before a dismiss, snooze or reopen; throws `NotAllowedError`.
   */
  authorizeApply?(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<void>;
  /**
   * Results kept between requests: the forecast, and the anomalies,
   * efficiency and carbon of the default ranges, and found recommendations.
   */
  storedResults?: StoredResults;
  /** Records each dismissal, snooze and reopening; without it nothing is audited. */
  auditor?: AuditorService;
}

const MAX_SNOOZE_DAYS = 365;

type EntityParams = { kind: string; namespace: string; name: string };

function entityParams(req: express.Request<any>): EntityParams {
  const { kind, namespace, name } = req.params as EntityParams;
  return { kind, namespace, name };
}

/** `from`/`to` (UTC days, inclusive); `to` defaults to today, `from` to `days` before. */
function readRange(
  query: Record<string, unknown>,
  now: Date,
  days: number,
  maxDays: number,
): DayRange {
  const to = readDay(query.to, 'to') ?? formatDay(now);
  const toMs = Date.parse(`${to}T00:00:00Z`);
  const from =
    readDay(query.from, 'from') ??
    formatDay(new Date(toMs - (days - 1) * ONE_DAY_MS));
  if (from > to) {
    throw new InputError(`Invalid range: from ${from} is after to ${to}`);
  }
  const span = (toMs - Date.parse(`${from}T00:00:00Z`)) / ONE_DAY_MS + 1;
  if (span > maxDays) {
    throw new InputError(
      `Invalid range: ${span} days from ${from} to ${to}; at most ${maxDays} days`,
    );
  }
  return { from, to };
}

function readReason(body: unknown): string {
  const reason = (body as { reason?: unknown } | undefined)?.reason;
  if (typeof reason !== 'string' || reason.trim().length === 0) {
    throw new InputError(
      "Dismissing a recommendation needs a 'reason' in the JSON body",
    );
  }
  if (reason.length > 1000) {
    throw new InputError("'reason' must be at most 1,000 characters");
  }
  return reason.trim();
}

function readSnoozeUntil(body: unknown, now: Date): string {
  const b = (body ?? {}) as { until?: unknown; days?: unknown };
  let until: Date;
  if (b.until !== undefined) {
    until = parseIsoTime(b.until, 'until');
  } else {
    const days = b.days ?? 7;
    if (
      typeof days !== 'number' ||
      !Number.isInteger(days) ||
      days < 1 ||
      days > MAX_SNOOZE_DAYS
    ) {
      throw new InputError(
        `Invalid 'days' ${JSON.stringify(
          days,
        )}; expected a whole number of days from 1 to ${MAX_SNOOZE_DAYS}`,
      );
    }
    until = new Date(now.getTime() + days * ONE_DAY_MS);
  }
  if (until <= now) {
    throw new InputError(`Snooze until ${until.toISOString()} is in the past`);
  }
  if (until.getTime() - now.getTime() > MAX_SNOOZE_DAYS * ONE_DAY_MS) {
    throw new InputError(`Snooze for at most ${MAX_SNOOZE_DAYS} days`);
  }
  return until.toISOString();
}

/**
 * The engine routes: forecast, anomalies, GPU efficiency, carbon and
 * recommendations of one entity, and the POST routes that dismiss, snooze,
 * reopen a recommendation or open its pull request. Every route checks
 * `finops.entity.read` on the entity through `resolveEntity`; dismiss,
 * snooze and reopen also need `finops.recommendation.apply` on it (or
 * `finops.admin`) through `authorizeApply`.
 *
 * @internal
 */
export function registerEngineRoutes(
  router: express.Router,
  options: EngineRouteOptions,
) {
  const { httpAuth, resolveEntity, engine, storedResults } = options;
  const now = () => engine.options.now();
  /**
   * The stored result of `kind` when the request asks for the defaults (no
   * range), else computed.
   */
  const storedIf = <T>(
    req: { query: Record<string, unknown> },
    kind: string,
    entityRef: string,
    compute: () => Promise<T>,
  ): Promise<T> =>
    storedResults && req.query.from === undefined && req.query.to === undefined
      ? storedResults.get(kind, entityRef, compute)
      : compute();
  const base = '/entities/:kind/:namespace/:name';

  router.get(`${base}/forecast`, async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { entity, target } = await resolveEntity(
      entityParams(req),
      credentials,
    );
    const body: EntityCostForecast = await storedIf(
      req,
      'forecast',
      target.entityRef,
      () => engine.forecast(entity, target),
    );
    res.json(body);
  });

  router.get(`${base}/anomalies`, async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const granularity = readChoice(
      req.query.granularity,
      'granularity',
      ['daily', 'hourly'] as const,
      'daily',
    );
    const range = readRange(
      req.query,
      now(),
      granularity === 'daily' ? 90 : 14,
      granularity === 'daily' ? 366 : 31,
    );
    const { target } = await resolveEntity(entityParams(req), credentials);
    const body: EntityCostAnomalies = await storedIf(
      req,
      `anomalies-${granularity}`,
      target.entityRef,
      () => engine.anomalies(target, range, granularity),
    );
    res.json(body);
  });

  router.get(`${base}/efficiency`, async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const range = readRange(req.query, now(), 30, 93);
    const { entity, target } = await resolveEntity(
      entityParams(req),
      credentials,
    );
    const body: EntityGpuEfficiency = await storedIf(
      req,
      'efficiency',
      target.entityRef,
      async () => (await engine.efficiency(entity, target, range)).result,
    );
    res.json(body);
  });

  router.get(`${base}/carbon`, async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const range = readRange(req.query, now(), 30, 93);
    const { entity, target } = await resolveEntity(
      entityParams(req),
      credentials,
    );
    const body: EntityCarbonFootprint = await storedIf(
      req,
      'carbon',
      target.entityRef,
      async () => (await engine.carbon(entity, target, range)).result,
    );
    res.json(body);
  });

  router.get(`${base}/recommendations`, async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { entity, target } = await resolveEntity(
      entityParams(req),
      credentials,
    );
    const body: EntityRecommendations = await engine.recommendations(
      entity,
      target,
      storedResults?.recommendations,
    );
    res.json(body);
  });

  const decide =
    (
      action: 'dismiss' | 'snooze' | 'reopen',
    ): express.RequestHandler<{
      kind: string;
      namespace: string;
      name: string;
      id: string;
    }> =>
    async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      const { entity, target } = await resolveEntity(
        entityParams(req),
        credentials,
      );
      await options.authorizeApply?.(target.entityRef, credentials);
      const id = req.params.id;
      // Read the body before anything is stored; then only a recommendation
      // the entity has (shown or hidden) may be dismissed or snoozed.
      // Reopening an id that no longer exists forgets its stale decision.
      const reason = action === 'dismiss' ? readReason(req.body) : undefined;
      const until =
        action === 'snooze' ? readSnoozeUntil(req.body, now()) : undefined;
      if (action !== 'reopen') {
        const { items, hidden } = await engine.recommendations(entity, target);
        if (!items.some(r => r.id === id) && !hidden.some(r => r.id === id)) {
          throw new NotFoundError(
            `No recommendation '${id}' for ${target.entityRef}`,
          );
        }
      }
      const by =
        credentials.principal &&
        (credentials.principal as { type?: string }).type === 'user'
          ? (credentials.principal as { userEntityRef: string }).userEntityRef
          : undefined;
      const at = now().toISOString();
      let state: RecommendationState;
      if (action === 'dismiss') {
        state = {
          status: 'dismissed',
          reason: reason!,
          at,
          ...(by ? { by } : {}),
        };
      } else if (action === 'snooze') {
        state = { status: 'snoozed', until: until!, at, ...(by ? { by } : {}) };
      } else {
        state = { status: 'open' };
      }
      await audited(
        options.auditor,
        {
          eventId: FINOPS_AUDIT_EVENTS.recommendationDecision,
          severityLevel: 'medium',
          request: req,
          meta: {
            entityRef: target.entityRef,
            recommendationId: id,
            action,
            ...(reason !== undefined ? { reason } : {}),
            ...(until !== undefined ? { until } : {}),
          },
        },
        () =>
          engine.decide(
            target,
            id,
            state.status === 'open' ? undefined : state,
          ),
      );
      res.json({ entityRef: target.entityRef, id, state });
    };

  router.post(`${base}/recommendations/:id/dismiss`, decide('dismiss'));
  router.post(`${base}/recommendations/:id/snooze`, decide('snooze'));
  router.post(`${base}/recommendations/:id/reopen`, decide('reopen'));

  // Without GitOps, reading a recommendation's pull request answers the
  // same JSON 501 as opening one, not the router's empty 404.
  router.get(
    `${base}/recommendations/:id/pull-request`,
    async (req: express.Request<{ id: string } & EntityParams>, _res) => {
      const credentials = await httpAuth.credentials(req);
      const { target } = await resolveEntity(entityParams(req), credentials);
      throw new NotImplementedError(
        `Pull requests are not available: GitOps is not configured (the GitOps integration needs integrations.github). No pull request is tracked for '${req.params.id}' on ${target.entityRef}.`,
      );
    },
  );

  router.post(
    `${base}/recommendations/:id/pull-request`,
    async (req: express.Request<{ id: string } & EntityParams>, _res) => {
      const credentials = await httpAuth.credentials(req);
      const { target } = await resolveEntity(entityParams(req), credentials);
      throw new NotImplementedError(
        `Opening pull requests is not available: GitOps is not configured (the GitOps integration needs integrations.github). Apply the manifest changes of '${req.params.id}' on ${target.entityRef} by hand in the meantime.`,
      );
    },
  );
}
