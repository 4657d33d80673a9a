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
 * What users decided about recommendations: dismissed with a reason, or
 * snoozed until a time. Recommendations themselves are recomputed from the
 * facts on every request; only the decision is kept, keyed by the entity and
 * the recommendation's stable id.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('finops_recommendation_states', table => {
    table.comment('Dismissed and snoozed recommendations per catalog entity');
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('The entity ref, lower case (component:default/chat-llm)');
    table
      .string('recommendation_id', 255)
      .notNullable()
      .comment('Stable id of the recommendation within the entity');
    table.string('status', 16).notNullable().comment('dismissed or snoozed');
    table
      .text('reason')
      .nullable()
      .comment('Why it was dismissed, in the user’s words');
    table
      .timestamp('snoozed_until', { useTz: true })
      .nullable()
      .comment('Hidden until this time (snoozed)');
    table
      .string('updated_by', 255)
      .nullable()
      .comment('User entity ref of whoever decided');
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .comment('When it was decided');
    table.primary(['entity_ref', 'recommendation_id']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('finops_recommendation_states');
};
