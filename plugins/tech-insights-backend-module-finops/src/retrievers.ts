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

import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  FactRetriever,
  FactRetrieverContext,
  TechInsightFact,
} from '@backstage-community/plugin-tech-insights-node';
import {
  isFinopsAvailable,
  type EntityCostSummary,
  type EntityGpuEfficiency,
} from '@ai-finops/backstage-plugin-finops-common';
import {
  factEntity,
  hasCostCenter,
  hasMonthlyBudget,
  listFinopsEntities,
} from './entities';
import { FinopsEntityApi, type FinopsFetchResult } from './FinopsEntityApi';
import {
  DEFAULT_FACT_RETRIEVER_OPTIONS,
  type FinopsFactRetrieverOptions,
} from './options';

/**
 * Id of the retriever of the catalog facts `hasMonthlyBudget` and
 * `hasCostCenter`; a check's `factIds` and the key of
 * `techInsights.factRetrievers` name it.
 *
 * @public
 */
export const FINOPS_CATALOG_FACT_RETRIEVER_ID = 'finopsCatalogFactRetriever';

/**
 * Id of the retriever of the cost facts `gpuEfficiencyPercent`,
 * `costPerMillionTokens` and `monthToDateCost`.
 *
 * @public
 */
export const FINOPS_COST_FACT_RETRIEVER_ID = 'finopsCostFactRetriever';

/**
 * What the FinOps fact retrievers need: the catalog, and optionally other
 * {@link FinopsFactRetrieverOptions} than the defaults.
 *
 * @public
 */
export type FinopsFactRetrieverDeps = {
  catalog: CatalogService;
} & Partial<FinopsFactRetrieverOptions>;

/** Runs `fn` over `items`, at most `limit` at once, keeping order. */
async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return results;
}

async function finopsEntities(
  ctx: FactRetrieverContext,
  catalog: CatalogService,
  options: FinopsFactRetrieverOptions,
): Promise<Entity[]> {
  const { entities, totalItems } = await listFinopsEntities({
    catalog,
    credentials: await ctx.auth.getOwnServiceCredentials(),
    maxEntities: options.maxEntities,
  });
  if (totalItems > entities.length) {
    ctx.logger.warn(
      `${totalItems} catalog entities have FinOps annotations; this run covers the first ${entities.length} by name (techInsights.finops.maxEntities)`,
    );
  }
  return entities;
}

/**
 * A fact retriever of the FinOps hygiene of each catalog entity with FinOps
 * annotations, from the entity alone: `hasMonthlyBudget` (a valid
 * `ai-finops.io/monthly-budget`) and `hasCostCenter` (the cost-center label,
 * the `ai-finops.io/cost-center` annotation, or a cost-center billing tag).
 *
 * @public
 */
export function createFinopsCatalogFactRetriever(
  deps: FinopsFactRetrieverDeps,
): FactRetriever {
  const { catalog, ...overrides } = deps;
  const options = { ...DEFAULT_FACT_RETRIEVER_OPTIONS, ...overrides };
  return {
    id: FINOPS_CATALOG_FACT_RETRIEVER_ID,
    version: '0.1.0',
    title: 'FinOps catalog hygiene',
    description:
      'Whether entities with FinOps annotations set a monthly budget and name a cost center',
    schema: {
      hasMonthlyBudget: {
        type: 'boolean',
        description:
          'The entity sets a monthly budget (ai-finops.io/monthly-budget, a non-negative number)',
      },
      hasCostCenter: {
        type: 'boolean',
        description: `The entity names its cost center: the '${options.costCenterLabel}' label, the ai-finops.io/cost-center annotation or a '${options.costCenterLabel}' billing tag`,
      },
    },
    async handler(ctx) {
      const entities = await finopsEntities(ctx, catalog, options);
      const facts = entities.map(
        (entity): TechInsightFact => ({
          entity: factEntity(entity),
          facts: {
            hasMonthlyBudget: hasMonthlyBudget(entity),
            hasCostCenter: hasCostCenter(entity, options.costCenterLabel),
          },
        }),
      );
      const count = (fact: string) =>
        facts.filter(f => f.facts[fact] === true).length;
      ctx.logger.info(
        `FinOps catalog facts for ${facts.length} entities: ${count(
          'hasMonthlyBudget',
        )} with a monthly budget, ${count('hasCostCenter')} with a cost center`,
      );
      return facts;
    },
  };
}

function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value)
    ? value
    : undefined;
}

interface CostFactsOutcome {
  fact?: TechInsightFact;
  /** Some value was stored (`data`), none because there is none (`none`), or none because every request failed. */
  outcome: 'data' | 'none' | 'failed';
  errors: string[];
}

async function costFacts(
  api: FinopsEntityApi,
  entity: Entity,
): Promise<CostFactsOutcome> {
  const ref = factEntity(entity);
  // One request at a time, so `concurrency` bounds the requests in flight.
  const efficiency = await api.get<EntityGpuEfficiency>(ref, 'efficiency');
  const summary = await api.get<EntityCostSummary>(ref, 'summary');
  const results: FinopsFetchResult<unknown>[] = [efficiency, summary];

  const facts: TechInsightFact['facts'] = {};
  if (efficiency.status === 'ok') {
    const score = finiteNumber(efficiency.body.score);
    const perMillion = finiteNumber(efficiency.body.costPerMillionTokens);
    if (score !== undefined) facts.gpuEfficiencyPercent = score;
    if (perMillion !== undefined) facts.costPerMillionTokens = perMillion;
  }
  if (summary.status === 'ok' && summary.body.dataUntil) {
    const cost = finiteNumber(summary.body.monthToDate?.effectiveCost);
    if (cost !== undefined) facts.monthToDateCost = cost;
  }

  const errors = results.flatMap(r => (r.status === 'failed' ? [r.error] : []));
  if (results.every(r => r.status === 'failed')) {
    // Nothing is known: store no row, so the last values stay the latest.
    return { outcome: 'failed', errors };
  }
  return {
    fact: { entity: ref, facts },
    outcome: Object.keys(facts).length > 0 ? 'data' : 'none',
    errors,
  };
}

function logCostSummary(
  logger: LoggerService,
  annotated: number,
  outcomes: CostFactsOutcome[],
) {
  const count = (o: CostFactsOutcome['outcome']) =>
    outcomes.filter(r => r.outcome === o).length;
  const errors = outcomes.flatMap(r => r.errors);
  const message = `FinOps cost facts for ${
    outcomes.length
  } entities with cost allocation annotations (of ${annotated} with FinOps annotations): ${count(
    'data',
  )} with data, ${count('none')} without (not found or no usage), ${count(
    'failed',
  )} failed; ${errors.length} failed requests${
    errors.length ? ` (first: ${errors.slice(0, 3).join('; ')})` : ''
  }`;
  if (errors.length > 0) logger.warn(message);
  else logger.info(message);
}

/**
 * A fact retriever of the FinOps figures of each catalog entity whose costs
 * the suite can allocate, from the finops backend's REST API:
 * `gpuEfficiencyPercent` and `costPerMillionTokens` (the efficiency route,
 * last 30 days) and `monthToDateCost` (the summary route). A figure the
 * backend does not have (404, no usage) is left out of the entity's facts;
 * an entity whose requests all fail gets no row this run.
 *
 * @public
 */
export function createFinopsCostFactRetriever(
  deps: FinopsFactRetrieverDeps,
): FactRetriever {
  const { catalog, ...overrides } = deps;
  const options = { ...DEFAULT_FACT_RETRIEVER_OPTIONS, ...overrides };
  return {
    id: FINOPS_COST_FACT_RETRIEVER_ID,
    version: '0.1.0',
    title: 'FinOps cost and efficiency',
    description:
      'GPU efficiency, $ per 1M tokens and month-to-date cost of entities with FinOps cost allocation annotations',
    schema: {
      gpuEfficiencyPercent: {
        type: 'float',
        description:
          'GPU efficiency score of the last 30 days, 0 to 100; absent without GPU samples',
      },
      costPerMillionTokens: {
        type: 'float',
        description:
          'Effective cost per million tokens (input + output) of the last 30 days, in the FinOps currency (USD by default); absent without token counts',
      },
      monthToDateCost: {
        type: 'float',
        description:
          'Effective cost of the month to date, in the FinOps currency (USD by default); absent without cost data',
      },
    },
    async handler(ctx) {
      const annotated = await finopsEntities(ctx, catalog, options);
      const costed = annotated.filter(isFinopsAvailable);
      const api = new FinopsEntityApi({
        baseUrl: await ctx.discovery.getBaseUrl('finops'),
        auth: ctx.auth,
        timeoutMs: options.requestTimeoutMs,
      });
      const outcomes = await mapLimit(costed, options.concurrency, entity =>
        costFacts(api, entity),
      );
      logCostSummary(ctx.logger, annotated.length, outcomes);
      return outcomes.flatMap(r => (r.fact ? [r.fact] : []));
    },
  };
}
