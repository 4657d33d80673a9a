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
  type FinopsCostStep,
  type FinopsDeliveryStatus,
  type FinopsDeployment,
} from '@ai-finops/backstage-plugin-finops-common';
import type {
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type express from 'express';
import type { EntityEngine } from '../engine/EntityEngine';
import {
  findCostSteps,
  WINDOW_DAYS,
  type DeliveryDay,
} from '../delivery/costSteps';
import type { DeliveryStatusService } from '../delivery/DeliveryStatusService';
import { readOptionalString } from '../lib/params';

/** The oldest deployment whose cost step is looked for, in days. */
export const MAX_COST_STEP_AGE_DAYS = 90;

const DAY_MS = 86_400_000;

/** What the delivery route needs from the router. @internal */
export interface DeliveryRouteOptions {
  httpAuth: HttpAuthService;
  engine: Pick<EntityEngine, 'resolve' | 'costs' | 'usage' | 'options'>;
  delivery: DeliveryStatusService;
  /** Loads an entity the caller may read (`finops.entity.read`), see entityAccess. */
  readableEntity(
    ref: { kind: string; namespace: string; name: string },
    credentials: BackstageCredentials,
  ): Promise<Entity>;
}

function readEntityRef(value: unknown) {
  const text = readOptionalString(value, 'entityRef');
  if (!text) {
    throw new InputError(
      "Query parameter 'entityRef' is required, e.g. component:default/chat-llm",
    );
  }
  try {
    return parseEntityRef(text);
  } catch {
    throw new InputError(
      `Invalid entityRef '${text}'; expected kind:namespace/name`,
    );
  }
}

/**
 * The entity's daily cost and tokens over the days the deployments' cost
 * steps compare, from the same allocation as its cost routes.
 */
async function costSteps(
  options: DeliveryRouteOptions,
  entity: Entity,
  deployments: FinopsDeployment[],
  credentials: BackstageCredentials,
): Promise<FinopsCostStep[]> {
  const { engine, delivery } = options;
  const now = engine.options.now();
  const oldest = now.getTime() - MAX_COST_STEP_AGE_DAYS * DAY_MS;
  const deployed = deployments
    .flatMap(d => d.history)
    .filter(h => Date.parse(h.deployedAt) >= oldest);
  if (deployed.length === 0) return [];
  const target = await engine.resolve(entity, credentials);
  if (target.matchers.length === 0 && target.shared.length === 0) return [];

  const times = deployed.map(h => Date.parse(h.deployedAt));
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  const from = day(Math.min(...times) - (WINDOW_DAYS + 1) * DAY_MS);
  const to = day(
    Math.min(Math.max(...times) + (WINDOW_DAYS + 1) * DAY_MS, now.getTime()),
  );
  const [costs, usage] = await Promise.all([
    engine.costs(target, { from, to, granularity: 'daily' }),
    engine.usage(target, {
      from,
      to,
      granularity: 'daily',
      metrics: ['tokens_input', 'tokens_output'],
    }),
  ]);
  const days: DeliveryDay[] = costs.buckets.map((bucket, i) => ({
    date: bucket.slice(0, 10),
    cost: costs.series.reduce((s, line) => s + line.points[i].effectiveCost, 0),
    tokens: usage.series.reduce(
      (s, line) => s + (line.points[i]?.value ?? 0),
      0,
    ),
  }));
  return findCostSteps({
    days,
    deployments: deployed,
    thresholdPercent: delivery.settings.costStepThresholdPercent,
    now,
  });
}

/**
 * `GET /delivery?entityRef=…`: the sync and health of the Argo CD
 * Applications and Flux objects the entity's annotations name, their drift
 * and history, and the cost steps their deployments caused. Needs
 * `finops.entity.read` on the entity. An instance that cannot be read gives
 * its deployments an `error`; the route still answers.
 *
 * @internal
 */
export function registerDeliveryRoutes(
  router: express.Router,
  options: DeliveryRouteOptions,
) {
  const { httpAuth, readableEntity, delivery } = options;

  router.get('/delivery', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const entity = await readableEntity(
      readEntityRef(req.query.entityRef),
      credentials,
    );
    const entityRef = stringifyEntityRef(entity);
    const deployments = await delivery.deployments(entity);
    const body: FinopsDeliveryStatus = {
      entityRef,
      deployments,
      costSteps: await costSteps(options, entity, deployments, credentials),
    };
    res.json(body);
  });
}
