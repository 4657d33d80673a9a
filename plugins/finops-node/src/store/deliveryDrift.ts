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

const TABLE = 'finops_delivery_drift';

/** The longest object key (the column's size). */
export const MAX_DRIFT_KEY_LENGTH = 512;

/**
 * Since when GitOps objects are out of sync, for tools that report the
 * sync status but not since when (Argo CD): the first time the backend saw
 * each object out of sync, forgotten when it is seen in sync again.
 *
 * @public
 */
export interface FinopsDeliveryDriftStore {
  /**
   * Records that the object was seen out of sync at `seenAt`, unless it
   * already was; returns the first time it was seen so.
   */
  markOutOfSync(objectKey: string, seenAt: Date): Promise<Date>;
  /** Forgets the object's drift: it is in sync again. */
  markInSync(objectKey: string): Promise<void>;
}

function checkKey(objectKey: string) {
  if (objectKey.length === 0 || objectKey.length > MAX_DRIFT_KEY_LENGTH) {
    throw new InputError(
      `Delivery drift key must be 1 to ${MAX_DRIFT_KEY_LENGTH} characters, got ${objectKey.length}`,
    );
  }
}

export async function markOutOfSync(
  db: Knex,
  objectKey: string,
  seenAt: Date,
): Promise<Date> {
  checkKey(objectKey);
  // Insert-or-keep in one statement, so that concurrent requests and
  // backend instances keep the earliest first sighting.
  await db(TABLE)
    .insert({ object_key: objectKey, first_seen_at: seenAt })
    .onConflict('object_key')
    .ignore();
  const row = await db(TABLE)
    .where({ object_key: objectKey })
    .first('first_seen_at');
  return row ? new Date(row.first_seen_at) : seenAt;
}

export async function markInSync(db: Knex, objectKey: string): Promise<void> {
  checkKey(objectKey);
  await db(TABLE).where({ object_key: objectKey }).delete();
}
