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
 * Hourly usage facts by metric and hour: region-wide metrics (grid carbon
 * intensity) are read for a range without a Kubernetes id, which scanned
 * every workload's facts (2–6 s at 2,000 services × 90 days).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('finops_usage_facts_hourly', table => {
    table.index(['metric', 'hour'], 'finops_usage_facts_metric_hour_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('finops_usage_facts_hourly', table => {
    table.dropIndex(['metric', 'hour'], 'finops_usage_facts_metric_hour_idx');
  });
};
