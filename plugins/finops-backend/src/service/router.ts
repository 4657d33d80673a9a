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
  FINOPS_BILLING_TAGS_ANNOTATION,
  FINOPS_MONTHLY_BUDGET_ANNOTATION,
  finopsAdminPermission,
  finopsEntityReadPermission,
  finopsOrganizationReadPermission,
  getCostAllocationKeys,
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  type CostAllocationKeys,
  type EntityCostSummary,
} from '@ai-finops/backstage-plugin-finops-common';
import type {
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  type AuthorizePermissionRequest,
} from '@backstage/plugin-permission-common';
import express from 'express';
import Router from 'express-promise-router';
import type { FinopsIngestionRun, FinopsStore } from '../database';
import { parseMonth } from '../lib/time';
import type { FinopsIngestion } from './FinopsIngestion';

/**
 * What the router needs.
 *
 * @internal
 */
export interface RouterOptions {
  store: FinopsStore;
  ingestion: Pick<FinopsIngestion, 'hasSource' | 'trigger'>;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  logger: LoggerService;
  /** The currency summaries are in (`finops.currency`). */
  currency: string;
}

const MAX_RUNS = 1000;

/**
 * The FinOps REST API. Every route but `/health` requires credentials (the
 * plugin registers the auth policy).
 *
 * @internal
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { store, ingestion, httpAuth, permissions, catalog, logger, currency } =
    options;

  const router = Router();
  router.use(express.json());

  async function authorize(
    request: AuthorizePermissionRequest,
    credentials: BackstageCredentials,
  ) {
    const [decision] = await permissions.authorize([request], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Permission '${request.permission.name}' was denied`,
      );
    }
  }

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/entities/:kind/:namespace/:name/summary', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const month = readOptionalMonth(req.query.month);

    const { kind, namespace, name } = req.params;
    const entity = await catalog.getEntityByRef(
      { kind, namespace, name },
      { credentials },
    );
    if (!entity) {
      throw new NotFoundError(`Entity ${kind}:${namespace}/${name} not found`);
    }
    const entityRef = stringifyEntityRef(entity);

    await authorize(
      { permission: finopsEntityReadPermission, resourceRef: entityRef },
      credentials,
    );

    const keys = readAllocationKeys(entity, entityRef);
    const summary = await store.getCostSummary({ keys, month, currency });
    const monthlyBudget = readMonthlyBudget(entity, entityRef, logger);

    const body: EntityCostSummary = {
      entityRef,
      ...summary,
      ...(monthlyBudget !== undefined ? { monthlyBudget } : {}),
    };
    res.json(body);
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
    await ingestion.trigger(source);
    res.status(202).json({ source, status: 'triggered' });
  });

  return router;
}

function readOptionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'string' || value.length === 0) {
    throw new InputError(
      `Query parameter '${name}' must be a single, non-empty value`,
    );
  }
  return value;
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

function readAllocationKeys(
  entity: Entity,
  entityRef: string,
): CostAllocationKeys {
  let keys: CostAllocationKeys | undefined;
  try {
    keys = getCostAllocationKeys(entity);
  } catch (error) {
    throw new InputError(
      `Entity ${entityRef} has an invalid cost allocation annotation: ${
        (error as Error).message
      }`,
    );
  }
  if (!keys) {
    throw new NotFoundError(
      `Entity ${entityRef} has no cost allocation annotation; set ${KUBERNETES_ID_ANNOTATION}, ${KUBERNETES_LABEL_SELECTOR_ANNOTATION} or ${FINOPS_BILLING_TAGS_ANNOTATION}`,
    );
  }
  return keys;
}

function readMonthlyBudget(
  entity: Entity,
  entityRef: string,
  logger: LoggerService,
): number | undefined {
  const value = entity.metadata.annotations?.[FINOPS_MONTHLY_BUDGET_ANNOTATION];
  if (value === undefined || value.trim() === '') {
    return undefined;
  }
  const budget = Number(value);
  if (!Number.isFinite(budget) || budget < 0) {
    logger.warn(
      `Ignoring ${FINOPS_MONTHLY_BUDGET_ANNOTATION} '${value}' on ${entityRef}: not a non-negative number`,
    );
    return undefined;
  }
  return budget;
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
    checksum: run.checksum,
    error: run.error,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString(),
  };
}
