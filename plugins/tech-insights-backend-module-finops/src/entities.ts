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
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  FINOPS_BILLING_TAGS_ANNOTATION,
  FINOPS_MONTHLY_BUDGET_ANNOTATION,
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  parseSelector,
} from '@ai-finops/backstage-plugin-finops-common';

/**
 * The annotation naming an entity's cost center (e.g. `cc-4711`), for
 * entities whose workloads do not carry the cost-center label.
 *
 * @public
 */
export const FINOPS_COST_CENTER_ANNOTATION = 'ai-finops.io/cost-center';

/** The annotations that make an entity one the FinOps facts cover. */
const FINOPS_ENTITY_ANNOTATIONS = [
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  FINOPS_BILLING_TAGS_ANNOTATION,
  FINOPS_MONTHLY_BUDGET_ANNOTATION,
  FINOPS_COST_CENTER_ANNOTATION,
];

/** Entities carrying any of them (the catalog ORs the filter objects). */
const FINOPS_ENTITY_FILTER = FINOPS_ENTITY_ANNOTATIONS.map(annotation => ({
  [`metadata.annotations.${annotation}`]: CATALOG_FILTER_EXISTS,
}));

const FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.annotations',
  'metadata.labels',
];

const PAGE_SIZE = 500;

/**
 * Lists the catalog entities with FinOps annotations, at most `maxEntities`
 * of them, in pages, sorted by name so a capped run covers the same ones
 * each time.
 */
export async function listFinopsEntities(options: {
  catalog: CatalogService;
  credentials: BackstageCredentials;
  maxEntities: number;
}): Promise<{ entities: Entity[]; totalItems: number }> {
  const { catalog, credentials, maxEntities } = options;
  const entities: Entity[] = [];
  let cursor: string | undefined;
  let totalItems = 0;
  do {
    const limit = Math.min(PAGE_SIZE, maxEntities - entities.length);
    const page = cursor
      ? await catalog.queryEntities(
          { cursor, limit, fields: FIELDS },
          { credentials },
        )
      : await catalog.queryEntities(
          {
            filter: FINOPS_ENTITY_FILTER,
            orderFields: { field: 'metadata.name', order: 'asc' },
            limit,
            fields: FIELDS,
          },
          { credentials },
        );
    totalItems = page.totalItems;
    entities.push(...page.items.slice(0, limit));
    cursor = page.pageInfo.nextCursor;
  } while (cursor && entities.length < maxEntities);
  return { entities, totalItems };
}

/** The entity as a tech-insights fact row names it. */
export function factEntity(entity: Entity) {
  return {
    kind: entity.kind,
    namespace: entity.metadata.namespace ?? 'default',
    name: entity.metadata.name,
  };
}

/**
 * Whether `ai-finops.io/monthly-budget` holds a budget the finops backend
 * accepts: a non-negative number.
 */
export function hasMonthlyBudget(entity: Entity): boolean {
  const value =
    entity.metadata.annotations?.[FINOPS_MONTHLY_BUDGET_ANNOTATION]?.trim();
  if (!value) return false;
  const budget = Number(value);
  return Number.isFinite(budget) && budget >= 0;
}

/**
 * Whether the entity names its cost center: a non-empty `cost-center` label
 * on the entity, the `ai-finops.io/cost-center` annotation, or a
 * `cost-center` term in its `ai-finops.io/billing-tags` (its billing rows are
 * then allocated by cost center).
 */
export function hasCostCenter(entity: Entity, label: string): boolean {
  const { labels = {}, annotations = {} } = entity.metadata;
  if (
    labels[label]?.trim() ||
    annotations[FINOPS_COST_CENTER_ANNOTATION]?.trim()
  )
    return true;
  const tags = annotations[FINOPS_BILLING_TAGS_ANNOTATION];
  if (!tags) return false;
  try {
    return Boolean(parseSelector(tags)[label]);
  } catch {
    return false;
  }
}
