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
 * Results the engine computed for an entity ahead of requests (its found
 * recommendations, …), each with the version of the data it came from, so
 * that routes serve them without recomputing and recompute only what is
 * stale.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('finops_entity_results', table => {
    table.comment(
      'Engine results per catalog entity and kind, with the data version they came from',
    );
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('The entity ref, lower case (component:default/chat-llm)');
    table
      .string('kind', 64)
      .notNullable()
      .comment('What the result is, e.g. recommendations');
    table
      .string('data_version', 255)
      .notNullable()
      .comment(
        'The version of the stored data and settings it was computed from',
      );
    table
      .timestamp('computed_at', { useTz: true })
      .notNullable()
      .comment('When it was computed');
    table.text('result').notNullable().comment('The result, as JSON');
    table.primary(['entity_ref', 'kind']);
    table.index(['kind'], 'finops_entity_results_kind_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('finops_entity_results');
};
