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
 * When the backend first saw each Argo CD Application out of sync (Argo CD
 * reports the sync status, not since when); the row is deleted when the
 * Application is seen in sync again.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('finops_delivery_drift', table => {
    table.comment(
      'GitOps objects seen out of sync, with the first time they were seen so',
    );
    table
      .string('object_key', 512)
      .primary()
      .comment(
        'The object: tool, instance and name, e.g. argocd/prod/argocd/chat-llm-prod',
      );
    table
      .timestamp('first_seen_at', { useTz: true })
      .notNullable()
      .comment('When the object was first seen out of sync');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('finops_delivery_drift');
};
