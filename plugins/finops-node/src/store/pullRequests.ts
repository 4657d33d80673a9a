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
import { toDate } from './time';

const TABLE = 'finops_recommendation_pull_requests';

/**
 * The state of a recommendation's pull request.
 *
 * @public
 */
export type RecommendationPullRequestState = 'open' | 'merged' | 'closed';

/**
 * A pull request opened for a recommendation, as stored.
 *
 * @public
 */
export interface StoredRecommendationPullRequest {
  entityRef: string;
  recommendationId: string;
  provider: 'github';
  host: string;
  /** `owner/repo`. */
  repository: string;
  number: number;
  url: string;
  branch: string;
  baseBranch: string;
  state: RecommendationPullRequestState;
  monthlySavings?: number;
  openedBy?: string;
  /** ISO-8601. */
  openedAt: string;
  /** When the state was last read from the host, ISO-8601. */
  checkedAt: string;
  /** When it was merged or closed, ISO-8601. */
  closedAt?: string;
}

/**
 * A pull request's state as last read from the host.
 *
 * @public
 */
export interface RecommendationPullRequestStateUpdate {
  state: RecommendationPullRequestState;
  checkedAt: string;
  closedAt?: string;
}

/**
 * Where recommendations' pull requests are tracked. Entity refs compare
 * case-insensitively.
 *
 * @public
 */
export interface FinopsPullRequestStore {
  getRecommendationPullRequest(
    entityRef: string,
    recommendationId: string,
  ): Promise<StoredRecommendationPullRequest | undefined>;
  /** The pull requests of an entity's recommendations, by recommendation id. */
  getRecommendationPullRequests(
    entityRef: string,
  ): Promise<Map<string, StoredRecommendationPullRequest>>;
  /**
   * The pull requests of many entities in a few queries, by lower-case
   * entity ref, then by recommendation id; entities without any are left out.
   */
  getRecommendationPullRequestsOf(
    entityRefs: readonly string[],
  ): Promise<Map<string, Map<string, StoredRecommendationPullRequest>>>;
  /** Records a pull request, replacing the recommendation's earlier one. */
  saveRecommendationPullRequest(
    pr: StoredRecommendationPullRequest,
  ): Promise<void>;
  /** Open pull requests checked longest ago first, for the refresh task. */
  listOpenRecommendationPullRequests(
    limit?: number,
  ): Promise<StoredRecommendationPullRequest[]>;
  /** Records a state read from the host. */
  updateRecommendationPullRequestState(
    entityRef: string,
    recommendationId: string,
    update: RecommendationPullRequestStateUpdate,
  ): Promise<void>;
}

interface DbPullRequestRow {
  entity_ref: string;
  recommendation_id: string;
  provider: string;
  host: string;
  repository: string;
  number: number;
  url: string;
  branch: string;
  base_branch: string;
  state: string;
  monthly_savings: number | string | null;
  opened_by: string | null;
  opened_at: string | Date;
  checked_at: string | Date;
  closed_at: string | Date | null;
}

const STATES = new Set(['open', 'merged', 'closed']);

function refKey(entityRef: string): string {
  return entityRef.toLocaleLowerCase('en-US');
}

function fromRow(row: DbPullRequestRow): StoredRecommendationPullRequest {
  return {
    entityRef: row.entity_ref,
    recommendationId: row.recommendation_id,
    provider: row.provider as 'github',
    host: row.host,
    repository: row.repository,
    number: Number(row.number),
    url: row.url,
    branch: row.branch,
    baseBranch: row.base_branch,
    state: row.state as RecommendationPullRequestState,
    ...(row.monthly_savings !== null
      ? { monthlySavings: Number(row.monthly_savings) }
      : {}),
    ...(row.opened_by ? { openedBy: row.opened_by } : {}),
    openedAt: toDate(row.opened_at).toISOString(),
    checkedAt: toDate(row.checked_at).toISOString(),
    ...(row.closed_at ? { closedAt: toDate(row.closed_at).toISOString() } : {}),
  };
}

function check(pr: StoredRecommendationPullRequest) {
  const id = pr.recommendationId;
  if (id.length === 0 || id.length > 255) {
    throw new InputError(
      `Invalid recommendation id '${id}'; expected 1 to 255 characters`,
    );
  }
  if (!STATES.has(pr.state)) {
    throw new InputError(
      `Invalid pull request state '${pr.state}'; expected open, merged or closed`,
    );
  }
  if (!Number.isInteger(pr.number) || pr.number < 1) {
    throw new InputError(`Invalid pull request number '${pr.number}'`);
  }
}

/** {@link FinopsPullRequestStore.getRecommendationPullRequest} on a knex client. */
export async function getRecommendationPullRequest(
  db: Knex,
  entityRef: string,
  recommendationId: string,
): Promise<StoredRecommendationPullRequest | undefined> {
  const row = await db<DbPullRequestRow>(TABLE)
    .where({
      entity_ref: refKey(entityRef),
      recommendation_id: recommendationId,
    })
    .first();
  return row ? fromRow(row) : undefined;
}

/** {@link FinopsPullRequestStore.getRecommendationPullRequests} on a knex client. */
export async function getRecommendationPullRequests(
  db: Knex,
  entityRef: string,
): Promise<Map<string, StoredRecommendationPullRequest>> {
  const of = await getRecommendationPullRequestsOf(db, [entityRef]);
  return of.get(refKey(entityRef)) ?? new Map();
}

/** Entity refs per `whereIn` query. */
const REFS_PER_QUERY = 500;

/** {@link FinopsPullRequestStore.getRecommendationPullRequestsOf} on a knex client. */
export async function getRecommendationPullRequestsOf(
  db: Knex,
  entityRefs: readonly string[],
): Promise<Map<string, Map<string, StoredRecommendationPullRequest>>> {
  const keys = [...new Set(entityRefs.map(refKey))];
  const out = new Map<string, Map<string, StoredRecommendationPullRequest>>();
  for (let i = 0; i < keys.length; i += REFS_PER_QUERY) {
    const rows = await db<DbPullRequestRow>(TABLE)
      .whereIn('entity_ref', keys.slice(i, i + REFS_PER_QUERY))
      .select();
    for (const row of rows) {
      let prs = out.get(row.entity_ref);
      if (!prs) out.set(row.entity_ref, (prs = new Map()));
      prs.set(row.recommendation_id, fromRow(row));
    }
  }
  return out;
}

/** {@link FinopsPullRequestStore.saveRecommendationPullRequest} on a knex client. */
export async function saveRecommendationPullRequest(
  db: Knex,
  pr: StoredRecommendationPullRequest,
): Promise<void> {
  check(pr);
  const row: DbPullRequestRow = {
    entity_ref: refKey(pr.entityRef),
    recommendation_id: pr.recommendationId,
    provider: pr.provider,
    host: pr.host,
    repository: pr.repository,
    number: pr.number,
    url: pr.url,
    branch: pr.branch,
    base_branch: pr.baseBranch,
    state: pr.state,
    monthly_savings: pr.monthlySavings ?? null,
    opened_by: pr.openedBy ?? null,
    opened_at: new Date(pr.openedAt),
    checked_at: new Date(pr.checkedAt),
    closed_at: pr.closedAt ? new Date(pr.closedAt) : null,
  };
  await db<DbPullRequestRow>(TABLE)
    .insert(row)
    .onConflict(['entity_ref', 'recommendation_id'])
    .merge();
}

/** {@link FinopsPullRequestStore.listOpenRecommendationPullRequests} on a knex client. */
export async function listOpenRecommendationPullRequests(
  db: Knex,
  limit: number = 100,
): Promise<StoredRecommendationPullRequest[]> {
  const rows = await db<DbPullRequestRow>(TABLE)
    .where({ state: 'open' })
    .orderBy([
      { column: 'checked_at', order: 'asc' },
      { column: 'entity_ref', order: 'asc' },
      { column: 'recommendation_id', order: 'asc' },
    ])
    .limit(limit)
    .select();
  return rows.map(fromRow);
}

/** {@link FinopsPullRequestStore.updateRecommendationPullRequestState} on a knex client. */
export async function updateRecommendationPullRequestState(
  db: Knex,
  entityRef: string,
  recommendationId: string,
  update: RecommendationPullRequestStateUpdate,
): Promise<void> {
  if (!STATES.has(update.state)) {
    throw new InputError(
      `Invalid pull request state '${update.state}'; expected open, merged or closed`,
    );
  }
  await db<DbPullRequestRow>(TABLE)
    .where({
      entity_ref: refKey(entityRef),
      recommendation_id: recommendationId,
    })
    .update({
      state: update.state,
      checked_at: new Date(update.checkedAt),
      closed_at: update.closedAt ? new Date(update.closedAt) : null,
    });
}
