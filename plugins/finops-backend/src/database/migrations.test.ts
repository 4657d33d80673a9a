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

jest.setTimeout(60_000);

const migrationsDir = resolvePackagePath(
  '@ai-finops/backstage-plugin-finops-backend',
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
});
