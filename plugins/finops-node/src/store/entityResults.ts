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
import { INGESTION_RUNS_TABLE } from './tables';
import { toDate } from './time';

const TABLE = 'finops_entity_results';

/** The largest result stored, as JSON text: 1 MiB. @public */
export const MAX_ENTITY_RESULT_CHARS = 1 << 20;

/** Entity refs read in one query by `getEntityResults`. */
const REFS_PER_QUERY = 500;

/**
 * A result the engine computed for an entity, with the version of the data
 * it came from.
 *
 * @public
 */
export interface StoredEntityResult<T = unknown> {
  dataVersion: string;
  computedAt: Date;
  result: T;
}

/**
 * Engine results computed ahead of requests, per entity and kind (e.g.
 * `recommendations`), each with the data version it came from: a reader
 * compares that with {@link FinopsEntityResultStore.getDataVersion} and
 * recomputes only what is stale. Entity refs compare case-insensitively.
 *
 * @public
 */
export interface FinopsEntityResultStore {
  /**
   * The version of the stored data: changes with every successful
   * ingestion (of any source) and every retention run that pruned runs.
   */
  getDataVersion(): Promise<string>;

  getEntityResult<T = unknown>(
    entityRef: string,
    kind: string,
  ): Promise<StoredEntityResult<T> | undefined>;

  /** The stored results of `kind` for these entities, by lower-case ref. */
  getEntityResults<T = unknown>(
    kind: string,
    entityRefs: readonly string[],
  ): Promise<Map<string, StoredEntityResult<T>>>;

  /** Stores a result, replacing the entity's earlier one of that kind. */
  putEntityResult(
    entityRef: string,
    kind: string,
    value: { dataVersion: string; result: unknown; computedAt?: Date },
  ): Promise<void>;
}

interface DbEntityResultRow {
  entity_ref: string;
  kind: string;
  data_version: string;
  computed_at: string | number | Date;
  result: string;
}

function refKey(entityRef: string): string {
  return entityRef.toLocaleLowerCase('en-US');
}

function checkKey(entityRef: string, kind: string) {
  if (entityRef.length === 0 || entityRef.length > 255) {
    throw new InputError(
      `Invalid entity ref '${entityRef.slice(
        0,
        80,
      )}'; expected 1 to 255 characters`,
    );
  }
  if (!/^[a-z][a-z0-9-]{0,63}$/.test(kind)) {
    throw new InputError(
      `Invalid result kind '${kind.slice(
        0,
        80,
      )}'; expected a lower-case name of at most 64 characters`,
    );
  }
}

function fromRow<T>(row: DbEntityResultRow): StoredEntityResult<T> {
  return {
    dataVersion: row.data_version,
    computedAt: toDate(row.computed_at),
    result: JSON.parse(row.result) as T,
  };
}

/**
 * {@link FinopsEntityResultStore.getDataVersion} on a knex client: the
 * newest successful ingestion run and how many there are (retention deletes
 * the runs of the windows it prunes).
 *
 * @internal
 */
export async function getDataVersion(db: Knex): Promise<string> {
  const [row] = (await db(INGESTION_RUNS_TABLE)
    .where('status', 'succeeded')
    .max({ id: 'id' })
    .count({ runs: '*' })) as Array<{
    id: number | string | null;
    runs: number | string;
  }>;
  return `runs:${Number(row?.id ?? 0)}/${Number(row?.runs ?? 0)}`;
}

/** {@link FinopsEntityResultStore.getEntityResult} on a knex client. @internal */
export async function getEntityResult<T>(
  db: Knex,
  entityRef: string,
  kind: string,
): Promise<StoredEntityResult<T> | undefined> {
  checkKey(entityRef, kind);
  const row = (await db(TABLE)
    .where({ entity_ref: refKey(entityRef), kind })
    .first()) as DbEntityResultRow | undefined;
  return row ? fromRow<T>(row) : undefined;
}

/** {@link FinopsEntityResultStore.getEntityResults} on a knex client. @internal */
export async function getEntityResults<T>(
  db: Knex,
  kind: string,
  entityRefs: readonly string[],
): Promise<Map<string, StoredEntityResult<T>>> {
  const keys = [...new Set(entityRefs.map(refKey))];
  for (const key of keys) checkKey(key, kind);
  const out = new Map<string, StoredEntityResult<T>>();
  for (let i = 0; i < keys.length; i += REFS_PER_QUERY) {
    const rows = (await db(TABLE)
      .where('kind', kind)
      .whereIn(
        'entity_ref',
        keys.slice(i, i + REFS_PER_QUERY),
      )) as DbEntityResultRow[];
    for (const row of rows) out.set(row.entity_ref, fromRow<T>(row));
  }
  return out;
}

/** {@link FinopsEntityResultStore.putEntityResult} on a knex client. @internal */
export async function putEntityResult(
  db: Knex,
  entityRef: string,
  kind: string,
  value: { dataVersion: string; result: unknown; computedAt?: Date },
): Promise<void> {
  checkKey(entityRef, kind);
  if (value.dataVersion.length === 0 || value.dataVersion.length > 255) {
    throw new InputError(
      `Invalid data version for ${entityRef} ${kind}; expected 1 to 255 characters`,
    );
  }
  const result = JSON.stringify(value.result);
  if (result === undefined) {
    throw new InputError(`The ${kind} result of ${entityRef} is not JSON`);
  }
  if (result.length > MAX_ENTITY_RESULT_CHARS) {
    throw new InputError(
      `The ${kind} result of ${entityRef} is ${result.length} characters of JSON; at most ${MAX_ENTITY_RESULT_CHARS} are stored`,
    );
  }
  await db(TABLE)
    .insert({
      entity_ref: refKey(entityRef),
      kind,
      data_version: value.dataVersion,
      computed_at: value.computedAt ?? new Date(),
      result,
    })
    .onConflict(['entity_ref', 'kind'])
    .merge(['data_version', 'computed_at', 'result']);
}
