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
 * Pull requests opened for recommendations in the services' GitOps
 * repositories, one per entity and recommendation (the latest), with the
 * state last read from the SCM host: merging is the approval.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable(
    'finops_recommendation_pull_requests',
    table => {
      table.comment('Pull requests opened for recommendations (GitOps)');
      table
        .string('entity_ref', 255)
        .notNullable()
        .comment('The entity ref, lower case (component:default/chat-llm)');
      table
        .string('recommendation_id', 255)
        .notNullable()
        .comment('Stable id of the recommendation within the entity');
      table.string('provider', 16).notNullable().comment('SCM kind: github');
      table.string('host', 255).notNullable().comment('SCM host (github.com)');
      table
        .string('repository', 255)
        .notNullable()
        .comment('owner/repo of the GitOps repository');
      table.integer('number').notNullable().comment('Pull request number');
      table.text('url').notNullable().comment('Pull request web URL');
      table.string('branch', 255).notNullable().comment('Head branch');
      table.string('base_branch', 255).notNullable().comment('Base branch');
      table
        .string('state', 16)
        .notNullable()
        .comment('open, merged or closed, as last read from the host');
      table
        .double('monthly_savings')
        .nullable()
        .comment('The saving the pull request was opened with, per month');
      table
        .string('opened_by', 255)
        .nullable()
        .comment('User entity ref of whoever opened it');
      table
        .timestamp('opened_at', { useTz: true })
        .notNullable()
        .comment('When it was opened through the portal');
      table
        .timestamp('checked_at', { useTz: true })
        .notNullable()
        .comment('When its state was last read');
      table
        .timestamp('closed_at', { useTz: true })
        .nullable()
        .comment('When it was merged or closed');
      table.primary(['entity_ref', 'recommendation_id']);
      table.index(['state'], 'finops_rec_pull_requests_state_idx');
    },
  );
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('finops_recommendation_pull_requests');
};
