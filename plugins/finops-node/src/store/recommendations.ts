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

import type { Knex } from 'knex';
import { InputError } from '@backstage/errors';
import type { RecommendationState } from '@ai-finops/backstage-plugin-finops-common';
import { toDate } from './time';

const TABLE = 'finops_recommendation_states';

/**
 * What users decided about the recommendations of catalog entities:
 * dismissed with a reason, or snoozed until a time. Entity refs compare
 * case-insensitively.
 *
 * @public
 */
export interface FinopsRecommendationStateStore {
  /**
   * The decisions about an entity's recommendations, by recommendation id.
   * A snooze that has run out by `now` reads as open (and is left out).
   */
  getRecommendationStates(
    entityRef: string,
    now?: Date,
  ): Promise<Map<string, RecommendationState>>;

  /**
   * {@link FinopsRecommendationStateStore.getRecommendationStates} of many
   * entities in a few queries, by lower-case entity ref; entities without
   * decisions are left out.
   */
  getRecommendationStatesOf(
    entityRefs: readonly string[],
    now?: Date,
  ): Promise<Map<string, Map<string, RecommendationState>>>;

  /** Records a decision, replacing any earlier one. */
  setRecommendationState(
    entityRef: string,
    recommendationId: string,
    state: Exclude<RecommendationState, { status: 'open' }>,
  ): Promise<void>;

  /** Forgets the decision: the recommendation is open again. */
  clearRecommendationState(
    entityRef: string,
    recommendationId: string,
  ): Promise<void>;
}

interface DbRecommendationStateRow {
  entity_ref: string;
  recommendation_id: string;
  status: string;
  reason: string | null;
  snoozed_until: string | Date | null;
  updated_by: string | null;
  updated_at: string | Date;
}

function refKey(entityRef: string): string {
  return entityRef.toLocaleLowerCase('en-US');
}

function checkId(recommendationId: string) {
  if (recommendationId.length === 0 || recommendationId.length > 255) {
    throw new InputError(
      `Invalid recommendation id '${recommendationId}'; expected 1 to 255 characters`,
    );
  }
}

/** {@link FinopsRecommendationStateStore.getRecommendationStates} on a knex client. */
export async function getRecommendationStates(
  db: Knex,
  entityRef: string,
  now: Date = new Date(),
): Promise<Map<string, RecommendationState>> {
  const of = await getRecommendationStatesOf(db, [entityRef], now);
  return of.get(refKey(entityRef)) ?? new Map();
}

/** Entity refs per `whereIn` query. */
const REFS_PER_QUERY = 500;

/** {@link FinopsRecommendationStateStore.getRecommendationStatesOf} on a knex client. */
export async function getRecommendationStatesOf(
  db: Knex,
  entityRefs: readonly string[],
  now: Date = new Date(),
): Promise<Map<string, Map<string, RecommendationState>>> {
  const keys = [...new Set(entityRefs.map(refKey))];
  const out = new Map<string, Map<string, RecommendationState>>();
  for (let i = 0; i < keys.length; i += REFS_PER_QUERY) {
    const rows = await db<DbRecommendationStateRow>(TABLE)
      .whereIn('entity_ref', keys.slice(i, i + REFS_PER_QUERY))
      .select();
    for (const row of rows) {
      let states = out.get(row.entity_ref);
      if (!states) out.set(row.entity_ref, (states = new Map()));
      const at = toDate(row.updated_at).toISOString();
      const by = row.updated_by ?? undefined;
      if (row.status === 'dismissed') {
        states.set(row.recommendation_id, {
          status: 'dismissed',
          reason: row.reason ?? '',
          at,
          ...(by ? { by } : {}),
        });
      } else if (row.status === 'snoozed' && row.snoozed_until) {
        const until = toDate(row.snoozed_until);
        if (until > now) {
          states.set(row.recommendation_id, {
            status: 'snoozed',
            until: until.toISOString(),
            at,
            ...(by ? { by } : {}),
          });
        }
      }
    }
  }
  for (const [key, states] of out) if (states.size === 0) out.delete(key);
  return out;
}

/** {@link FinopsRecommendationStateStore.setRecommendationState} on a knex client. */
export async function setRecommendationState(
  db: Knex,
  entityRef: string,
  recommendationId: string,
  state: Exclude<RecommendationState, { status: 'open' }>,
): Promise<void> {
  checkId(recommendationId);
  const row: DbRecommendationStateRow = {
    entity_ref: refKey(entityRef),
    recommendation_id: recommendationId,
    status: state.status,
    reason: state.status === 'dismissed' ? state.reason : null,
    snoozed_until: state.status === 'snoozed' ? new Date(state.until) : null,
    updated_by: state.by ?? null,
    updated_at: new Date(state.at),
  };
  await db<DbRecommendationStateRow>(TABLE)
    .insert(row)
    .onConflict(['entity_ref', 'recommendation_id'])
    .merge();
}

/** {@link FinopsRecommendationStateStore.clearRecommendationState} on a knex client. */
export async function clearRecommendationState(
  db: Knex,
  entityRef: string,
  recommendationId: string,
): Promise<void> {
  await db<DbRecommendationStateRow>(TABLE)
    .where({
      entity_ref: refKey(entityRef),
      recommendation_id: recommendationId,
    })
    .delete();
}
