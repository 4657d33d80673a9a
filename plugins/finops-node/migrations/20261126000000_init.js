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

/**
 * Adds the columns every hourly fact table shares: where the fact comes
 * from and which workload it belongs to.
 *
 * @param {import('knex').Knex.CreateTableBuilder} table
 */
function addFactDimensions(table) {
  table.increments('id').comment('Surrogate key');
  table
    .string('source', 255)
    .notNullable()
    .comment('Id of the data source that produced the fact');
  table
    .timestamp('hour', { useTz: true })
    .notNullable()
    .comment('Start of the hour the fact covers (UTC)');
  table
    .string('kubernetes_id', 255)
    .nullable()
    .comment('The workload label backstage.io/kubernetes-id, when present');
  table.string('namespace', 255).nullable().comment('Kubernetes namespace');
  table
    .string('workload', 1024)
    .nullable()
    .comment('Workload or cloud resource, e.g. Deployment/chat-llm');
  table.string('region', 255).nullable().comment('Cloud region id');
  table
    .string('gpu_model', 255)
    .nullable()
    .comment('GPU model as GPU Feature Discovery names it');
  table
    .text('labels')
    .notNullable()
    .comment('Workload labels: canonical JSON object with sorted keys');
  table
    .text('tags')
    .notNullable()
    .comment('Billing tags: canonical JSON object with sorted keys');
}

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('finops_cost_facts_hourly', table => {
    table.comment(
      'One hour of cost for one workload and category, per data source',
    );
    addFactDimensions(table);
    table
      .string('category', 32)
      .notNullable()
      .comment(
        'What the cost pays for: gpu, cpu, memory, storage, network, other',
      );
    table
      .double('billed_cost')
      .notNullable()
      .comment('FOCUS BilledCost: what the invoice says');
    table
      .double('effective_cost')
      .notNullable()
      .comment('FOCUS EffectiveCost: amortised commitments and discounts');
    table
      .double('list_cost')
      .notNullable()
      .comment('FOCUS ListCost: the public on-demand price');
    table
      .string('currency', 3)
      .notNullable()
      .comment('ISO 4217 currency code of the amounts');
    table.index(['source', 'hour'], 'finops_cost_facts_source_hour_idx');
    table.index(
      ['kubernetes_id', 'hour'],
      'finops_cost_facts_kubernetes_id_hour_idx',
    );
  });

  await knex.schema.createTable('finops_usage_facts_hourly', table => {
    table.comment(
      'One hour of one usage metric for one workload, per data source',
    );
    addFactDimensions(table);
    table
      .string('metric', 255)
      .notNullable()
      .comment('Unit-bearing metric name, e.g. gpu_hours or tokens_output');
    table
      .double('value')
      .notNullable()
      .comment('The metric value for the hour');
    table.index(['source', 'hour'], 'finops_usage_facts_source_hour_idx');
    table.index(
      ['kubernetes_id', 'hour'],
      'finops_usage_facts_kubernetes_id_hour_idx',
    );
  });

  await knex.schema.createTable('finops_ingestion_runs', table => {
    table.comment(
      'Every ingestion of one window of one data source, successful or not',
    );
    table.increments('id').comment('Surrogate key');
    table
      .string('source', 255)
      .notNullable()
      .comment('Id of the data source that was read');
    table
      .timestamp('window_start', { useTz: true })
      .notNullable()
      .comment('Start of the ingested window (inclusive)');
    table
      .timestamp('window_end', { useTz: true })
      .notNullable()
      .comment('End of the ingested window (exclusive)');
    table
      .string('status', 16)
      .notNullable()
      .comment('running, succeeded or failed');
    table
      .integer('cost_rows')
      .notNullable()
      .defaultTo(0)
      .comment('Cost facts stored for the window');
    table
      .integer('usage_rows')
      .notNullable()
      .defaultTo(0)
      .comment('Usage facts stored for the window');
    table
      .string('checksum', 64)
      .nullable()
      .comment('Hex SHA-256 over the canonical records, in the order read');
    table.text('error').nullable().comment('Why the run failed');
    table
      .timestamp('started_at', { useTz: true })
      .notNullable()
      .comment('When the run started');
    table
      .timestamp('finished_at', { useTz: true })
      .nullable()
      .comment('When the run succeeded or failed');
    table.index(
      ['source', 'window_end'],
      'finops_ingestion_runs_source_window_end_idx',
    );
    table.index(['started_at'], 'finops_ingestion_runs_started_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('finops_ingestion_runs');
  await knex.schema.dropTable('finops_usage_facts_hourly');
  await knex.schema.dropTable('finops_cost_facts_hourly');
};
