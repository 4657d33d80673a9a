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
  finopsAdminPermission,
  finopsOrganizationReadPermission,
  type CostGranularity,
  type CostGroupBy,
  type UsageGranularity,
} from '@ai-finops/backstage-plugin-finops-common';
import type {
  AuditorService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import express from 'express';
import type {
  FinopsIngestionRun,
  FinopsStore,
  PriceCatalog,
} from '@ai-finops/backstage-plugin-finops-node';
import { readChoice, readDay, readOptionalString } from '../lib/params';
import {
  formatDay,
  ONE_DAY_MS,
  parseMonth,
} from '@ai-finops/backstage-plugin-finops-node';
import { createOpenApiRouter } from '../schema/openapi';
import type { EntityEngine } from '../engine/EntityEngine';
import type { StoredResults } from '../engine/storedResults';
import type { FinopsIngestion } from './FinopsIngestion';
import { registerEngineRoutes } from './engineRoutes';
import { registerEstimateRoutes } from './estimateRoutes';
import { registerFocusCostsRoutes } from './focusCostsRoutes';
import { registerSavingsRoutes } from './savingsRoutes';
import { registerOwnedRoutes } from './ownedRoutes';
import { registerDeliveryRoutes } from './deliveryRoutes';
import type { DeliveryStatusService } from '../delivery/DeliveryStatusService';
import { audited, FINOPS_AUDIT_EVENTS } from './audit';
import { createEntityAccess } from './entityAccess';
import {
  authorizeRecommendationApply,
  registerPullRequestRoutes,
  type PullRequestRouteOptions,
} from './pullRequestRoutes';

/**
 * What the router needs.
 *
 * @internal
 */
export interface RouterOptions {
  /** The entity engine, built once in `plugin.ts`. */
  engine: EntityEngine;
  store: FinopsStore;
  ingestion: Pick<FinopsIngestion, 'hasSource' | 'trigger'>;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  logger: LoggerService;
  /** The price catalog, for `POST /estimate`. */
  prices?: () => Promise<PriceCatalog>;
  /** `finops.guardrails.policies` and `.prices`, for `POST /estimate`. */
  guardrails?: { policiesDir?: string; pricesFile?: string };
  /** GitOps pull requests for recommendations; without it the route answers 501. */
  pullRequests?: Pick<PullRequestRouteOptions, 'store' | 'gitops'>;
  /**
   * Results kept between requests (the stored results the precompute task
   * fills); without it the entity routes compute on each request.
   */
  storedResults?: StoredResults;
  /**
   * Records decisions, pull requests opened and ingestion triggers
   * (`coreServices.auditor`); without it nothing is audited.
   */
  auditor?: AuditorService;
  /** The Argo CD and Flux reader behind `GET /delivery`. */
  delivery: DeliveryStatusService;
}

const MAX_RUNS = 1000;

/** The longest range each granularity serves, in days. */
const MAX_DAYS: Record<CostGranularity | UsageGranularity, number> = {
  hourly: 93,
  daily: 732,
  monthly: 3660,
};

const COST_GROUP_BY = [
  'source',
  'category',
  'region',
  'gpuModel',
  'namespace',
  'workload',
];

const METRIC_NAME = /^[A-Za-z_:][A-Za-z0-9_:.]*$/;

/**
 * The most metric names one usage request may ask for. The data sources
 * emit about a dozen (GPU-hours, utilisation, power, tokens, requests...);
 * each name asked for is one more series to aggregate and return.
 */
export const MAX_USAGE_METRICS = 50;

/**
 * The largest JSON body a route reads. The bodies are form values, a reason
 * or an overlay name: a few KB.
 */
export const MAX_JSON_BODY = '100kb';

/**
 * The body parser's errors as the status they carry. The OpenAPI router
 * turns every error that reaches its validator's error handler into a 400,
 * so a body over {@link MAX_JSON_BODY} would answer 400 instead of 413:
 * answer here, in Backstage's error shape (never with a stack).
 */
const bodyErrors: express.ErrorRequestHandler = (error, req, res, next) => {
  const e = error as { type?: unknown; status?: unknown };
  if (e?.type === 'entity.too.large') {
    const statusCode = 413;
    res.status(statusCode).json({
      error: {
        name: 'PayloadTooLargeError',
        message: `Request body too large: a JSON body may be at most ${MAX_JSON_BODY}`,
      },
      request: { method: req.method, url: req.originalUrl },
      response: { statusCode },
    });
    return;
  }
  if (typeof e?.type === 'string' && e.status === 400) {
    // Malformed JSON and the like: a 400 without the parser's stack.
    next(new InputError(`Invalid JSON body: ${(error as Error).message}`));
    return;
  }
  next(error);
};

/**
 * The FinOps REST API, validated against `src/schema/openapi.yaml`. Every
 * route but `/health` requires credentials (the plugin registers the auth
 * policy) and checks a permission.
 *
 * @internal
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { engine, store, ingestion, httpAuth, permissions, catalog, logger } =
    options;
  const { currency } = engine.options;
  const now = () => engine.options.now();

  const router = await createOpenApiRouter({
    middleware: [
      express.json({ limit: MAX_JSON_BODY }),
      bodyErrors as unknown as express.RequestHandler,
    ],
  });

  const { authorize, readableEntity, resolveEntity } = createEntityAccess({
    catalog,
    permissions,
    engine,
  });

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/entities/:kind/:namespace/:name/summary', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const month = readOptionalMonth(req.query.month);
    const { entity, target } = await resolveEntity(req.params, credentials);
    res.json(await engine.summary(entity, target, month));
  });

  router.get('/entities/:kind/:namespace/:name/costs', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const granularity = readChoice(
      req.query.granularity,
      'granularity',
      ['daily', 'monthly'] as const,
      'daily',
    );
    const groupBy = readGroupBy(req.query.groupBy);
    const { from, to } = readDayRange(req.query, granularity, now());
    const { target } = await resolveEntity(req.params, credentials);

    res.json(await engine.costs(target, { from, to, granularity, groupBy }));
  });

  router.get('/entities/:kind/:namespace/:name/usage', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const granularity = readChoice(
      req.query.granularity,
      'granularity',
      ['hourly', 'daily'] as const,
      'daily',
    );
    const metrics = readMetrics(req.query.metric);
    const { from, to } = readDayRange(req.query, granularity, now());
    const { target } = await resolveEntity(req.params, credentials);

    res.json(await engine.usage(target, { from, to, granularity, metrics }));
  });

  router.get('/allocation', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { from, to } = readDayRange(req.query, 'allocation', now());
    await authorize(
      { permission: finopsOrganizationReadPermission },
      credentials,
    );

    res.json(await engine.allocation({ from, to }, credentials));
  });

  router.get('/ingestion/runs', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const source = readOptionalString(req.query.source, 'source');
    const limit = readOptionalLimit(req.query.limit);
    await authorize(
      { permission: finopsOrganizationReadPermission },
      credentials,
    );

    const runs = await store.listIngestionRuns({ sourceId: source, limit });
    res.json({ items: runs.map(serializeRun) });
  });

  router.post('/ingestion/:source/trigger', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    await authorize({ permission: finopsAdminPermission }, credentials);

    const { source } = req.params;
    if (!ingestion.hasSource(source)) {
      throw new NotFoundError(`No FinOps data source with id '${source}'`);
    }
    await audited(
      options.auditor,
      {
        eventId: FINOPS_AUDIT_EVENTS.ingestionTrigger,
        severityLevel: 'medium',
        request: req,
        meta: { source },
      },
      () => ingestion.trigger(source),
    );
    res.status(202).json({ source, status: 'triggered' as const });
  });

  // The scaffolder form's live cost and guardrail preview.
  registerEstimateRoutes(router as unknown as express.Router, {
    httpAuth,
    logger,
    authorize,
    ...options.guardrails,
    prices: options.prices,
  });

  // Recommendation pull requests (before the engine routes' 501 fallback).
  if (options.pullRequests) {
    registerPullRequestRoutes(router as unknown as express.Router, {
      ...options.pullRequests,
      recommendations: (entity, target) =>
        engine.recommendations(entity, target),
      httpAuth,
      permissions,
      logger,
      currency,
      now,
      resolveEntity,
      auditor: options.auditor,
    });
  }

  // Forecast, anomalies, efficiency, carbon and recommendations.
  registerEngineRoutes(router as unknown as express.Router, {
    engine,
    storedResults: options.storedResults,
    httpAuth,
    resolveEntity,
    authorizeApply: (entityRef, credentials) =>
      authorizeRecommendationApply(permissions, entityRef, credentials),
    auditor: options.auditor,
  });

  // The FOCUS-native billing view, as `ai-finops costs` reads it.
  registerFocusCostsRoutes(router as unknown as express.Router, {
    httpAuth,
    store,
    authorize,
  });

  // Savings found and realised across the organisation.
  registerSavingsRoutes(router as unknown as express.Router, {
    httpAuth,
    catalog,
    allocator: engine,
    logger,
    currency,
    now,
    authorize,
    engine,
    pullRequests: options.pullRequests?.store,
    storedResults: options.storedResults,
  });

  // The spend of the entities some owners own, for the home page.
  registerOwnedRoutes(router as unknown as express.Router, options);

  registerDeliveryRoutes(router as unknown as express.Router, {
    httpAuth,
    engine,
    delivery: options.delivery,
    readableEntity,
  });

  // A path or method no route serves: a JSON 404 in Backstage's error shape,
  // not the root router's empty one.
  (router as unknown as express.Router).use((req, _res, next) => {
    next(new NotFoundError(`No route for ${req.method} ${req.path}`));
  });

  return router as unknown as express.Router;
}

function readGroupBy(value: unknown): CostGroupBy | undefined {
  const groupBy = readOptionalString(value, 'groupBy');
  if (groupBy === undefined) return undefined;
  if (COST_GROUP_BY.includes(groupBy)) return groupBy as CostGroupBy;
  if (groupBy.startsWith('tag:') && groupBy.length > 'tag:'.length) {
    return groupBy as CostGroupBy;
  }
  throw new InputError(
    `Invalid groupBy '${groupBy}'; expected one of ${COST_GROUP_BY.join(
      ', ',
    )} or tag:<key>`,
  );
}

function readMetrics(value: unknown): string[] | undefined {
  const text = readOptionalString(value, 'metric');
  if (text === undefined) return undefined;
  const metrics = [...new Set(text.split(',').map(m => m.trim()))];
  if (metrics.length > MAX_USAGE_METRICS) {
    throw new InputError(
      `Too many metrics: ${metrics.length} names in 'metric'; at most ${MAX_USAGE_METRICS} per request`,
    );
  }
  for (const metric of metrics) {
    if (!METRIC_NAME.test(metric)) {
      throw new InputError(
        `Invalid metric '${metric}'; expected metric names such as gpu_utilization, separated by commas`,
      );
    }
  }
  return metrics;
}

/**
 * Reads `from` and `to` (UTC days, both inclusive). `to` defaults to today;
 * `from` to 30 days (daily), 12 months (monthly), 2 days (hourly) back, or
 * the first day of `to`'s month (allocation).
 */
function readDayRange(
  query: Record<string, unknown>,
  kind: CostGranularity | UsageGranularity | 'allocation',
  now: Date,
): { from: string; to: string } {
  const to = readDay(query.to, 'to') ?? formatDay(now);
  let from = readDay(query.from, 'from');
  const toTime = Date.parse(`${to}T00:00:00Z`);
  if (from === undefined) {
    if (kind === 'monthly') {
      const d = new Date(toTime);
      from = formatDay(
        new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 11, 1)),
      );
    } else if (kind === 'allocation') {
      from = `${to.slice(0, 7)}-01`;
    } else {
      from = formatDay(
        new Date(toTime - (kind === 'hourly' ? 1 : 29) * ONE_DAY_MS),
      );
    }
  }
  if (from > to) {
    throw new InputError(`Invalid range: from ${from} is after to ${to}`);
  }
  const days = (toTime - Date.parse(`${from}T00:00:00Z`)) / ONE_DAY_MS + 1;
  const max = MAX_DAYS[kind === 'allocation' ? 'monthly' : kind];
  if (days > max) {
    throw new InputError(
      `Invalid range: ${days} days from ${from} to ${to}; ${
        kind === 'allocation' ? 'the allocation report' : `${kind} granularity`
      } serves at most ${max} days`,
    );
  }
  return { from, to };
}

function readOptionalMonth(value: unknown): string | undefined {
  const month = readOptionalString(value, 'month');
  if (month !== undefined && !parseMonth(month)) {
    throw new InputError(
      `Invalid month '${month}'; expected a calendar month as YYYY-MM`,
    );
  }
  return month;
}

function readOptionalLimit(value: unknown): number | undefined {
  const limit = readOptionalString(value, 'limit');
  if (limit === undefined) {
    return undefined;
  }
  const parsed = /^\d+$/.test(limit) ? Number(limit) : NaN;
  if (!(parsed >= 1 && parsed <= MAX_RUNS)) {
    throw new InputError(
      `Invalid limit '${limit}'; expected an integer from 1 to ${MAX_RUNS}`,
    );
  }
  return parsed;
}

function serializeRun(run: FinopsIngestionRun) {
  return {
    id: run.id,
    source: run.sourceId,
    windowStart: run.windowStart.toISOString(),
    windowEnd: run.windowEnd.toISOString(),
    status: run.status,
    costRows: run.costRows,
    usageRows: run.usageRows,
    ...(run.checksum ? { checksum: run.checksum } : {}),
    ...(run.error ? { error: run.error } : {}),
    startedAt: run.startedAt.toISOString(),
    ...(run.finishedAt ? { finishedAt: run.finishedAt.toISOString() } : {}),
  };
}
