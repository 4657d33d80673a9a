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
 * Money as 64-bit integer nano-units (10^-9 of the currency unit) in place
 * of double precision: sums of doubles depend on the order rows are added
 * in, which PostgreSQL does not fix (a parallel aggregate printed three
 * different totals for the same data), and drift from the decimal the
 * export said. Each `<amount>` column becomes `<amount>_nanos`, converted
 * from the stored value rounded to the nearest nano-unit.
 */

/**
 * Tables and their money columns: [name, nullable, what it holds].
 *
 * @type {Record<string, Array<[string, boolean, string]>>}
 */
const MONEY_COLUMNS = {
  finops_cost_facts_hourly: [
    ['billed_cost', false, 'FOCUS BilledCost: what the invoice says'],
    [
      'effective_cost',
      false,
      'FOCUS EffectiveCost: amortised commitments and discounts',
    ],
    ['list_cost', false, 'FOCUS ListCost: the public on-demand price'],
  ],
  finops_cost_facts_daily: [
    ['billed_cost', false, 'Sum of the hourly FOCUS BilledCost'],
    ['effective_cost', false, 'Sum of the hourly FOCUS EffectiveCost'],
    ['list_cost', false, 'Sum of the hourly FOCUS ListCost'],
  ],
  finops_billing_charges: [
    ['billed_cost', false, 'FOCUS BilledCost: what the invoice says'],
    [
      'effective_cost',
      false,
      'FOCUS EffectiveCost: amortised commitments and discounts',
    ],
    ['list_cost', true, 'FOCUS ListCost: the public on-demand price'],
    ['contracted_cost', true, 'FOCUS ContractedCost: at the negotiated price'],
  ],
};

/** @param {import('knex').Knex} knex */
function isSqlite(knex) {
  return String(knex.client.config.client).includes('sqlite');
}

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const sqlite = isSqlite(knex);
  for (const [tableName, columns] of Object.entries(MONEY_COLUMNS)) {
    await knex.schema.alterTable(tableName, table => {
      for (const [column, nullable, comment] of columns) {
        const added = table
          .bigInteger(`${column}_nanos`)
          .comment(`${comment}, in nano-units (10^-9) of the currency`);
        if (nullable) added.nullable();
        else added.notNullable().defaultTo(0);
      }
    });
    const update = Object.fromEntries(
      columns.map(([column]) => [
        `${column}_nanos`,
        knex.raw(
          sqlite
            ? 'CAST(round(?? * 1000000000) AS INTEGER)'
            : 'round(??::numeric * 1000000000)::bigint',
          [column],
        ),
      ]),
    );
    await knex(tableName).update(update);
    await knex.schema.alterTable(tableName, table => {
      for (const [column] of columns) table.dropColumn(column);
    });
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  for (const [tableName, columns] of Object.entries(MONEY_COLUMNS)) {
    await knex.schema.alterTable(tableName, table => {
      for (const [column, nullable, comment] of columns) {
        const added = table.double(column).comment(comment);
        if (nullable) added.nullable();
        else added.notNullable().defaultTo(0);
      }
    });
    await knex(tableName).update(
      Object.fromEntries(
        columns.map(([column]) => [
          column,
          knex.raw('?? / 1000000000.0', [`${column}_nanos`]),
        ]),
      ),
    );
    await knex.schema.alterTable(tableName, table => {
      for (const [column] of columns) table.dropColumn(`${column}_nanos`);
    });
  }
};
