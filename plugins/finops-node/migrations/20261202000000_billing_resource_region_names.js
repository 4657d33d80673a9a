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
 * One landing for FOCUS: the hourly cost facts of a billing source are
 * derived from its stored charges alone, so the charges keep the two FOCUS
 * columns that derivation reads besides the ones stored already:
 * ResourceName (a possible fact workload) and RegionName (the fact region
 * when RegionId is empty). Both can be grouped by, like the other columns.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('finops_billing_charges', table => {
    table.text('resource_name').nullable().comment('FOCUS ResourceName');
    table.text('region_name').nullable().comment('FOCUS RegionName');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('finops_billing_charges', table => {
    table.dropColumn('resource_name');
    table.dropColumn('region_name');
  });
};
