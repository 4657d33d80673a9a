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

// @ts-check

/*
 * Notifications the plugin has sent, by what they are about (entity, topic,
 * threshold, period), so that each is sent once however often the data is
 * ingested and the results recomputed.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('finops_notifications_sent', table => {
    table.comment(
      'Notifications sent, one row per entity and what the notification was about',
    );
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('The entity ref, lower case (component:default/chat-llm)');
    table
      .string('notification_key', 255)
      .notNullable()
      .comment(
        'What it was about, e.g. budget:100:2026-12 or anomaly:2026-12-06',
      );
    table
      .timestamp('sent_at', { useTz: true })
      .notNullable()
      .comment('When it was sent');
    table.primary(['entity_ref', 'notification_key']);
    table.index(['sent_at'], 'finops_notifications_sent_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('finops_notifications_sent');
};
