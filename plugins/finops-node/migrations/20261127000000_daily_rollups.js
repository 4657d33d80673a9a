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
 * Daily roll-ups of the hourly cost and usage facts: one row per source, UTC
 * day and the full set of dimensions the hourly tables carry, so that every
 * query the hourly tables answer over whole days has the same answer here,
 * from about 24 times fewer rows. The store maintains them in the
 * transaction that replaces a window of hourly facts and prunes them with
 * the retention; this migration fills them from the facts already stored.
 */

const DIMENSIONS = [
  'source',
  'kubernetes_id',
  'namespace',
  'workload',
  'region',
  'gpu_model',
  'labels',
  'tags',
];

/**
 * Adds the columns both roll-ups share with the hourly facts, `day` in
 * place of `hour`.
 *
 * @param {import('knex').Knex.CreateTableBuilder} table
 */
function addDimensions(table) {
  table.increments('id').comment('Surrogate key');
  table
    .string('source', 255)
    .notNullable()
    .comment('Id of the data source that produced the facts');
  table
    .timestamp('day', { useTz: true })
    .notNullable()
    .comment('Start of the UTC day the facts cover');
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
 * The UTC day of the `hour` column, as the column type stores it.
 *
 * @param {import('knex').Knex} knex
 */
function dayOfHour(knex) {
  return String(knex.client.config.client).includes('sqlite')
    ? '(hour - hour % 86400000)'
    : "(date_trunc('day', hour AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')";
}

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('finops_cost_facts_daily', table => {
    table.comment(
      'Daily sums of finops_cost_facts_hourly per source, day and dimensions',
    );
    addDimensions(table);
    table
      .string('category', 32)
      .notNullable()
      .comment(
        'What the cost pays for: gpu, cpu, memory, storage, network, other',
      );
    table
      .string('currency', 3)
      .notNullable()
      .comment('ISO 4217 currency code of the amounts');
    table
      .double('billed_cost')
      .notNullable()
      .comment('Sum of the hourly FOCUS BilledCost');
    table
      .double('effective_cost')
      .notNullable()
      .comment('Sum of the hourly FOCUS EffectiveCost');
    table
      .double('list_cost')
      .notNullable()
      .comment('Sum of the hourly FOCUS ListCost');
    table.index(['source', 'day'], 'finops_cost_daily_source_day_idx');
    table.index(
      ['kubernetes_id', 'day'],
      'finops_cost_daily_kubernetes_id_day_idx',
    );
    table.index(['day'], 'finops_cost_daily_day_idx');
  });

  await knex.schema.createTable('finops_usage_facts_daily', table => {
    table.comment(
      'Daily sums of finops_usage_facts_hourly per source, day, dimensions and metric',
    );
    addDimensions(table);
    table
      .string('metric', 255)
      .notNullable()
      .comment('Unit-bearing metric name, e.g. gpu_hours or tokens_output');
    table
      .double('value')
      .notNullable()
      .comment('Sum of the hourly values (divide by samples for a mean)');
    table.integer('samples').notNullable().comment('Hourly facts summed');
    table
      .double('utilization_weighted_gpu_hours')
      .nullable()
      .comment(
        'gpu_hours rows only: sum over hours of GPU-hours × mean gpu_utilization of the same hour and dimensions',
      );
    table
      .double('utilization_sampled_gpu_hours')
      .nullable()
      .comment(
        'gpu_hours rows only: GPU-hours of the hours that have a gpu_utilization sample',
      );
    table.index(['source', 'day'], 'finops_usage_daily_source_day_idx');
    table.index(
      ['kubernetes_id', 'day'],
      'finops_usage_daily_kubernetes_id_day_idx',
    );
    table.index(['day'], 'finops_usage_daily_day_idx');
  });

  // Fill both from the hourly facts already stored.
  const day = dayOfHour(knex);
  const dims = DIMENSIONS.filter(d => d !== 'source').join(', ');
  await knex.raw(`
    INSERT INTO finops_cost_facts_daily
      (source, day, ${dims}, category, currency, billed_cost, effective_cost, list_cost)
    SELECT source, ${day}, ${dims}, category, currency,
      sum(billed_cost), sum(effective_cost), sum(list_cost)
    FROM finops_cost_facts_hourly
    GROUP BY source, ${day}, ${dims}, category, currency`);
  await knex.raw(`
    INSERT INTO finops_usage_facts_daily
      (source, day, ${dims}, metric, value, samples,
       utilization_weighted_gpu_hours, utilization_sampled_gpu_hours)
    SELECT source, ${day}, ${dims}, metric, sum(value), count(*),
      CASE WHEN metric = 'gpu_hours'
        THEN coalesce(sum(value * hour_utilization), 0) END,
      CASE WHEN metric = 'gpu_hours'
        THEN sum(CASE WHEN hour_utilization IS NULL THEN 0 ELSE value END) END
    FROM (
      SELECT source, hour, ${dims}, metric, value,
        avg(CASE WHEN metric = 'gpu_utilization' THEN value END)
          OVER (PARTITION BY source, hour, ${dims}) AS hour_utilization
      FROM finops_usage_facts_hourly
    ) per_hour
    GROUP BY source, ${day}, ${dims}, metric`);
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('finops_usage_facts_daily');
  await knex.schema.dropTable('finops_cost_facts_daily');
};
