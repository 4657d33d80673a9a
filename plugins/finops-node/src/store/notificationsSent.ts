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

const TABLE = 'finops_notifications_sent';

/** The longest notification key (the column's size). */
export const MAX_NOTIFICATION_KEY_LENGTH = 255;

/**
 * Which notifications were sent, so each is sent once: a notification is
 * claimed before it is sent and released if sending fails. Entity refs
 * compare case-insensitively.
 *
 * @public
 */
export interface FinopsNotificationLedger {
  /**
   * Records that the notification `key` of an entity is being sent; false
   * when it was claimed before (by this or another backend instance), in
   * which case it must not be sent again.
   */
  claimNotification(
    entityRef: string,
    key: string,
    sentAt: Date,
  ): Promise<boolean>;
  /** Forgets a claim whose notification could not be sent. */
  releaseNotification(entityRef: string, key: string): Promise<void>;
  /** Forgets claims sent before a time (retention); returns how many. */
  deleteNotificationsSentBefore(before: Date): Promise<number>;
}

function checkKey(entityRef: string, key: string) {
  if (entityRef.length === 0 || entityRef.length > 255) {
    throw new InputError(
      `Notification entity ref must be 1 to 255 characters, got ${entityRef.length}`,
    );
  }
  if (key.length === 0 || key.length > MAX_NOTIFICATION_KEY_LENGTH) {
    throw new InputError(
      `Notification key must be 1 to ${MAX_NOTIFICATION_KEY_LENGTH} characters, got ${key.length}`,
    );
  }
}

export async function claimNotification(
  db: Knex,
  entityRef: string,
  key: string,
  sentAt: Date,
): Promise<boolean> {
  checkKey(entityRef, key);
  // One statement, so that two instances racing for the same claim cannot
  // both win: the primary key keeps the second insert out.
  const inserted = await db(TABLE)
    .insert({
      entity_ref: entityRef.toLocaleLowerCase('en-US'),
      notification_key: key,
      sent_at: sentAt,
    })
    .onConflict(['entity_ref', 'notification_key'])
    .ignore()
    .returning('entity_ref');
  return inserted.length > 0;
}

export async function releaseNotification(
  db: Knex,
  entityRef: string,
  key: string,
): Promise<void> {
  await db(TABLE)
    .where({
      entity_ref: entityRef.toLocaleLowerCase('en-US'),
      notification_key: key,
    })
    .delete();
}

export async function deleteNotificationsSentBefore(
  db: Knex,
  before: Date,
): Promise<number> {
  return db(TABLE).where('sent_at', '<', before).delete();
}
