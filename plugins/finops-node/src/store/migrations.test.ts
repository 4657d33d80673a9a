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

import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import type { Knex } from 'knex';
import { toDate } from './time';

jest.setTimeout(60_000);

const migrationsDir = resolvePackagePath(
  '@ai-finops/backstage-plugin-finops-node',
  'migrations',
);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const TABLES = [
  'finops_cost_facts_hourly',
  'finops_usage_facts_hourly',
  'finops_ingestion_runs',
];

async function migrateUpOnce(knex: Knex, name: string) {
  await knex.migrate.up({ directory: migrationsDir, name });
}

async function migrateDownOnce(knex: Knex, name: string) {
  await knex.migrate.down({ directory: migrationsDir, name });
}

describe('migrations folder', () => {
  it('holds timestamped JS migrations, each with up and down', () => {
    const files = fs.readdirSync(migrationsDir).filter(f => f.endsWith('.js'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(file).toMatch(/^\d{14}_[a-zA-Z0-9_]+\.js$/);
      const migration = require(`${migrationsDir}/${file}`);
      expect(typeof migration.up).toBe('function');
      expect(typeof migration.down).toBe('function');
    }
  });
});

describe.each(databases.eachSupportedId())('migrations (%s)', databaseId => {
  it('20261126000000_init.js creates and drops the fact and run tables', async () => {
    const knex = await databases.init(databaseId);

    await migrateUpOnce(knex, '20261126000000_init.js');
    for (const table of TABLES) {
      await expect(knex.schema.hasTable(table)).resolves.toBe(true);
    }

    const hour = new Date('2026-11-03T10:00:00Z');
    const dimensions = {
      source: 'focus',
      hour,
      kubernetes_id: 'chat',
      namespace: 'inference',
      workload: 'Deployment/chat-llm',
      region: 'us-east-1',
      gpu_model: 'NVIDIA-H100-80GB-HBM3',
      labels: '{"app":"chat"}',
      tags: '{}',
    };
    await knex('finops_cost_facts_hourly').insert({
      ...dimensions,
      category: 'gpu',
      billed_cost: 1.5,
      effective_cost: 1.25,
      list_cost: 2.75,
      currency: 'USD',
    });
    await knex('finops_usage_facts_hourly').insert({
      ...dimensions,
      metric: 'gpu_hours',
      value: 8,
    });
    await knex('finops_ingestion_runs').insert({
      source: 'focus',
      window_start: hour,
      window_end: new Date('2026-11-04T00:00:00Z'),
      status: 'succeeded',
      checksum: 'a'.repeat(64),
      started_at: new Date(),
    });

    await expect(
      knex('finops_cost_facts_hourly').select('id', 'effective_cost', 'labels'),
    ).resolves.toEqual([
      { id: 1, effective_cost: 1.25, labels: '{"app":"chat"}' },
    ]);
    await expect(
      knex('finops_usage_facts_hourly').select('metric', 'value'),
    ).resolves.toEqual([{ metric: 'gpu_hours', value: 8 }]);
    await expect(
      knex('finops_ingestion_runs').select('cost_rows', 'usage_rows', 'error'),
    ).resolves.toEqual([{ cost_rows: 0, usage_rows: 0, error: null }]);

    await migrateDownOnce(knex, '20261126000000_init.js');
    for (const table of TABLES) {
      await expect(knex.schema.hasTable(table)).resolves.toBe(false);
    }

    // And up again from scratch, all the way.
    await knex.migrate.latest({ directory: migrationsDir });
    for (const table of TABLES) {
      await expect(knex.schema.hasTable(table)).resolves.toBe(true);
    }
    await knex.migrate.rollback({ directory: migrationsDir }, true);
    for (const table of TABLES) {
      await expect(knex.schema.hasTable(table)).resolves.toBe(false);
    }
  });
  it('20261126120000_billing_charges.js creates and drops the billing charges table', async () => {
    const knex = await databases.init(databaseId);
    await migrateUpOnce(knex, '20261126000000_init.js');
    await migrateUpOnce(knex, '20261126120000_billing_charges.js');
    await expect(knex.schema.hasTable('finops_billing_charges')).resolves.toBe(
      true,
    );

    await knex('finops_billing_charges').insert({
      source: 'aws',
      run_id: '00000000-0000-4000-8000-000000000000',
      ingested_at: new Date(),
      billing_period_start: new Date('2024-09-01T00:00:00Z'),
      charge_period_start: new Date('2024-09-18T22:00:00Z'),
      charge_period_end: new Date('2024-09-18T23:00:00Z'),
      provider_name: 'AWS',
      resource_id: `arn:${'x'.repeat(2000)}`,
      billed_cost: 0.0000008,
      effective_cost: 0,
      tags: '{}',
    });
    await expect(
      knex('finops_billing_charges').select(
        'id',
        'billed_cost',
        'list_cost',
        'service_name',
      ),
    ).resolves.toEqual([
      { id: 1, billed_cost: 0.0000008, list_cost: null, service_name: null },
    ]);

    await migrateDownOnce(knex, '20261126120000_billing_charges.js');
    await expect(knex.schema.hasTable('finops_billing_charges')).resolves.toBe(
      false,
    );
    for (const table of TABLES) {
      await expect(knex.schema.hasTable(table)).resolves.toBe(true);
    }
  });

  it('20261127000000_daily_rollups.js adds the daily roll-ups, filled from the hourly facts', async () => {
    const knex = await databases.init(databaseId);
    await migrateUpOnce(knex, '20261126000000_init.js');
    await migrateUpOnce(knex, '20261126120000_billing_charges.js');

    // Facts stored before the roll-ups existed: two hours of 3 November,
    // one of the 4th, for one workload.
    const dimensions = {
      source: 'opencost',
      kubernetes_id: 'chat',
      namespace: 'inference',
      workload: 'Deployment/chat-llm',
      region: null,
      gpu_model: 'NVIDIA-H100-80GB-HBM3',
      labels: '{"app":"chat"}',
      tags: '{}',
    };
    const at = (hour: string) => ({
      ...dimensions,
      hour: new Date(hour),
    });
    const cost = (hour: string, amount: number) => ({
      ...at(hour),
      category: 'gpu',
      billed_cost: amount,
      effective_cost: amount / 2,
      list_cost: amount * 2,
      currency: 'USD',
    });
    await knex('finops_cost_facts_hourly').insert([
      cost('2026-11-03T10:00:00Z', 1.5),
      cost('2026-11-03T23:00:00Z', 2.5),
      cost('2026-11-04T00:00:00Z', 8),
    ]);
    const usage = (hour: string, metric: string, value: number) => ({
      ...at(hour),
      metric,
      value,
    });
    await knex('finops_usage_facts_hourly').insert([
      usage('2026-11-03T10:00:00Z', 'gpu_hours', 2),
      usage('2026-11-03T10:00:00Z', 'gpu_utilization', 0.5),
      usage('2026-11-03T10:00:00Z', 'gpu_utilization', 0.7),
      usage('2026-11-03T23:00:00Z', 'gpu_hours', 6),
    ]);

    await migrateUpOnce(knex, '20261127000000_daily_rollups.js');
    const costs = await knex('finops_cost_facts_daily')
      .select('day', 'kubernetes_id', 'labels', 'billed_cost', 'list_cost')
      .orderBy('day');
    expect(
      costs.map(row => ({ ...row, day: toDate(row.day).toISOString() })),
    ).toEqual([
      {
        day: '2026-11-03T00:00:00.000Z',
        kubernetes_id: 'chat',
        labels: '{"app":"chat"}',
        billed_cost: 4,
        list_cost: 8,
      },
      {
        day: '2026-11-04T00:00:00.000Z',
        kubernetes_id: 'chat',
        labels: '{"app":"chat"}',
        billed_cost: 8,
        list_cost: 16,
      },
    ]);
    const usageRows = await knex('finops_usage_facts_daily')
      .select(
        'metric',
        'value',
        'samples',
        'utilization_weighted_gpu_hours',
        'utilization_sampled_gpu_hours',
      )
      .orderBy('metric');
    expect(usageRows).toEqual([
      {
        metric: 'gpu_hours',
        value: 8,
        samples: 2,
        // Only 10:00 has utilisation: 2 GPU-hours at a mean of 0.6.
        utilization_weighted_gpu_hours: expect.closeTo(1.2, 12),
        utilization_sampled_gpu_hours: 2,
      },
      {
        metric: 'gpu_utilization',
        value: expect.closeTo(1.2, 12),
        samples: 2,
        utilization_weighted_gpu_hours: null,
        utilization_sampled_gpu_hours: null,
      },
    ]);

    await migrateDownOnce(knex, '20261127000000_daily_rollups.js');
    for (const table of [
      'finops_cost_facts_daily',
      'finops_usage_facts_daily',
    ]) {
      await expect(knex.schema.hasTable(table)).resolves.toBe(false);
    }
    await expect(
      knex('finops_cost_facts_hourly').count({ n: '*' }),
    ).resolves.toEqual([{ n: expect.anything() }]);
    const [{ n }] = await knex('finops_cost_facts_hourly').count({ n: '*' });
    expect(Number(n)).toBe(3);
  });

  it('20261207000000_money_in_nanos.js turns the money columns into nano-units and back, keeping indexes', async () => {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({
      directory: migrationsDir,
      loadExtensions: ['.js'],
    });
    await migrateDownOnce(knex, '20261207000000_money_in_nanos.js');

    await knex('finops_cost_facts_hourly').insert({
      source: 'opencost',
      hour: new Date('2026-11-03T10:00:00Z'),
      kubernetes_id: 'chat',
      labels: '{}',
      tags: '{}',
      category: 'gpu',
      billed_cost: 5401.99158552,
      effective_cost: 0.1,
      list_cost: -0.000000001,
      currency: 'USD',
    });
    await knex('finops_billing_charges').insert({
      source: 'aws',
      run_id: '00000000-0000-0000-0000-000000000000',
      ingested_at: new Date(),
      charge_period_start: new Date('2026-11-03T10:00:00Z'),
      charge_period_end: new Date('2026-11-03T11:00:00Z'),
      billed_cost: 0.0000008,
      effective_cost: 1e9,
      list_cost: null,
      contracted_cost: 2.25,
      tags: '{}',
    });

    await migrateUpOnce(knex, '20261207000000_money_in_nanos.js');
    const [fact] = await knex('finops_cost_facts_hourly').select('*');
    expect(fact.billed_cost).toBeUndefined();
    expect(
      ['billed_cost_nanos', 'effective_cost_nanos', 'list_cost_nanos'].map(c =>
        String(fact[c]),
      ),
    ).toEqual(['5401991585520', '100000000', '-1']);
    const [charge] = await knex('finops_billing_charges').select('*');
    expect(
      [
        'billed_cost_nanos',
        'effective_cost_nanos',
        'list_cost_nanos',
        'contracted_cost_nanos',
      ].map(c => (charge[c] === null ? null : String(charge[c]))),
    ).toEqual(['800', '1000000000000000000', null, '2250000000']);
    // The indexes the queries rely on survive the column changes (SQLite
    // rebuilds the table to drop a column).
    const index = 'finops_cost_facts_kubernetes_id_hour_idx';
    const indexes = databaseId.startsWith('SQLITE')
      ? await knex.raw(
          `SELECT name FROM sqlite_master WHERE type = 'index' AND name = ?`,
          [index],
        )
      : (
          await knex.raw(
            `SELECT indexname FROM pg_indexes WHERE indexname = ?`,
            [index],
          )
        ).rows;
    expect(indexes).toHaveLength(1);

    await migrateDownOnce(knex, '20261207000000_money_in_nanos.js');
    const [back] = await knex('finops_cost_facts_hourly').select(
      'billed_cost',
      'effective_cost',
      'list_cost',
    );
    expect(back).toEqual({
      billed_cost: 5401.99158552,
      effective_cost: 0.1,
      list_cost: -0.000000001,
    });
  });
});
