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
 * The instance type and GPU count a FOCUS billing row is for, read from its
 * SkuPriceDetails or ChargeDescription at ingestion, so that prices per
 * GPU-hour can be learned from the stored charges.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('finops_billing_charges', table => {
    table
      .text('instance_type')
      .nullable()
      .comment(
        'Instance type of the row (SkuPriceDetails InstanceType, or named in ChargeDescription)',
      );
    table
      .double('gpu_count')
      .nullable()
      .comment('GPUs per instance (SkuPriceDetails GpuCount), when declared');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('finops_billing_charges', table => {
    table.dropColumn('instance_type');
    table.dropColumn('gpu_count');
  });
};
