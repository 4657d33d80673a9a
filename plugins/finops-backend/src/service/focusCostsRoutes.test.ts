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

import {
  describeWithSharedData,
  parseCsvText,
  sharedDataPath,
} from '@ai-finops/test-utils';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Knex } from 'knex';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { component, startFinopsBackend } from '../__testUtils__/backend';

jest.setTimeout(300_000);

/** The repository's `ai-finops` program, run from its sources as a pipeline would. */
const AI_FINOPS = path.resolve(
  __dirname,
  '../../../../packages/cli/bin/ai-finops',
);

/** Runs `ai-finops` in a child process; fails on a non-zero exit. Returns stdout. */
function aiFinops(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [AI_FINOPS, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    child.stderr.on('data', chunk => (stderr += chunk));
    child.on('error', reject);
    child.on('close', code =>
      code === 0
        ? resolve(stdout)
        : reject(
            new Error(`ai-finops ${args[0]} exited with ${code}: ${stderr}`),
          ),
    );
  });
}

/** A `postgresql://` URL of the test database the knex instance is on. */
function postgresUrl(knex: Knex): string {
  const connection = (knex.client as { config: Knex.Config }).config
    .connection as Knex.PgConnectionConfig | string;
  if (typeof connection === 'string') return connection;
  const auth = `${encodeURIComponent(connection.user ?? 'postgres')}${
    connection.password
      ? `:${encodeURIComponent(String(connection.password))}`
      : ''
  }@`;
  return `postgresql://${auth}${connection.host ?? '127.0.0.1'}:${
    connection.port ?? 5432
  }/${connection.database}`;
}

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** `ai-finops costs --format csv` output as objects, amounts as numbers. */
function parseCostsCsv(text: string) {
  const [header, ...rows] = parseCsvText(text);
  const amounts = new Set(['billed_cost', 'effective_cost', 'list_cost']);
  return {
    columns: header,
    items: rows.map(values =>
      Object.fromEntries(
        header.map((h, i) => {
          // The CSV prints a null group value as an empty field.
          if (amounts.has(h)) return [h, Number(values[i])];
          return [h, values[i] === '' ? null : values[i]];
        }),
      ),
    ),
  };
}

/**
 * The REST answer and the CLI's CSV hold the same groups in the same order,
 * with the same amounts (the CSV prints 15 significant digits).
 */
function expectSameCosts(
  rest: { columns: string[]; items: Array<Record<string, unknown>> },
  cli: { columns: string[]; items: Array<Record<string, unknown>> },
) {
  expect(cli.columns).toEqual(rest.columns);
  expect(cli.items).toHaveLength(rest.items.length);
  rest.items.forEach((item, i) => {
    for (const column of rest.columns) {
      if (typeof item[column] === 'number') {
        expect(cli.items[i][column]).toBeCloseTo(item[column] as number, 9);
      } else {
        expect(cli.items[i][column]).toEqual(item[column]);
      }
    }
  });
}

/** Plain sums of the sample's cost columns, optionally of some rows only. */
function csvSums(file: string, keep: (row: Record<string, string>) => boolean) {
  const [header, ...rows] = parseCsvText(fs.readFileSync(file, 'utf8'));
  const sums = { billed: 0, effective: 0, list: 0, rows: 0 };
  const num = (v: string) => (v === 'NULL' || v === '' ? 0 : Number(v));
  for (const values of rows) {
    const row = Object.fromEntries(header.map((h, i) => [h, values[i]]));
    if (!keep(row)) continue;
    sums.billed += num(row.BilledCost);
    sums.effective += num(row.EffectiveCost);
    sums.list += num(row.ListCost);
    sums.rows += 1;
  }
  return sums;
}

const TAG = { key: 'application', value: 'BrightPathMatrix' };

describeWithSharedData(
  'focus-sample-data-1.0/focus_sample.csv',
  'one landing for FOCUS: CLI ingestion, REST, entity cards',
  () => {
    const sample = sharedDataPath('focus-sample-data-1.0', 'focus_sample.csv');
    const all = () => csvSums(sample, () => true);
    const tagged = () =>
      csvSums(sample, row => {
        if (!row.Tags || row.Tags === 'NULL') return false;
        const tags = JSON.parse(row.Tags);
        return (
          tags[TAG.key] === TAG.value &&
          row.ChargePeriodStart.startsWith('2024-09') &&
          row.ChargePeriodEnd <= '2024-10-01 00:00:00'
        );
      });

    it.each(databases.eachSupportedId())(
      'ai-finops ingests it into the database the backend then opens; REST totals, the entity card and ai-finops costs agree with a plain CSV sum (%p)',
      async databaseId => {
        // The store the CLI writes and the backend reads: a SQLite file the
        // backend opens through Backstage's database service, or a
        // PostgreSQL database reached by URL.
        let target: string;
        let knex: Knex | undefined;
        let backendConfig = {};
        let tmp: string | undefined;
        if (databaseId === 'SQLITE_3') {
          tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'finops-focus-'));
          // With connection.directory, Backstage gives the finops plugin
          // the file <directory>/finops.sqlite.
          target = path.join(tmp, 'finops.sqlite');
          backendConfig = {
            backend: {
              database: {
                client: 'better-sqlite3',
                connection: { directory: tmp },
              },
            },
          };
        } else {
          knex = await databases.init(databaseId);
          target = postgresUrl(knex);
        }

        // `ai-finops ingest focus`, twice: re-ingesting replaces, nothing
        // doubles.
        for (let i = 0; i < 2; i++) {
          await aiFinops(['ingest', 'focus', sample, '--database', target]);
        }
        expect(
          await aiFinops([
            'costs',
            '--database',
            target,
            '--group-by',
            'ProviderName',
          ]),
        ).toMatch(/^ProviderName,billed_cost,effective_cost,list_cost\n/);

        const backend = await startFinopsBackend({
          knex,
          config: backendConfig,
          entities: [
            component('bright-path', {
              'ai-finops.io/billing-tags': `${TAG.key}=${TAG.value}`,
            }),
          ],
        });
        try {
          const expected = all();
          expect(expected.rows).toBe(1000);
          const rest = await request(backend.server)
            .get('/api/finops/costs/focus?groupBy=ProviderName,ServiceCategory')
            .set('Authorization', mockCredentials.user.header());
          expect(rest.status).toBe(200);
          expect(rest.body.columns).toEqual([
            'ProviderName',
            'ServiceCategory',
            'billed_cost',
            'effective_cost',
            'list_cost',
          ]);
          const sum = (column: string) =>
            rest.body.items.reduce(
              (total: number, item: Record<string, number>) =>
                total + item[column],
              0,
            );
          expect(sum('billed_cost')).toBeCloseTo(expected.billed, 6);
          expect(sum('effective_cost')).toBeCloseTo(expected.effective, 6);
          expect(sum('list_cost')).toBeCloseTo(expected.list, 6);

          // The same groups and sums as `ai-finops costs --group-by` prints.
          expectSameCosts(
            rest.body,
            parseCostsCsv(
              await aiFinops([
                'costs',
                '--database',
                target,
                '--group-by',
                'ProviderName,ServiceCategory',
                '--format',
                'csv',
              ]),
            ),
          );

          // A day range: REST, CLI and the CSV's rows whose
          // ChargePeriodStart falls on those UTC days.
          const days = await request(backend.server)
            .get(
              '/api/finops/costs/focus?groupBy=ChargePeriodDay&from=2024-09-10&to=2024-09-12',
            )
            .set('Authorization', mockCredentials.user.header());
          expect(days.status).toBe(200);
          expect(
            days.body.items.map(
              (i: Record<string, string>) => i.ChargePeriodDay,
            ),
          ).toEqual(['2024-09-10', '2024-09-11', '2024-09-12']);
          expectSameCosts(
            days.body,
            parseCostsCsv(
              await aiFinops([
                'costs',
                '--database',
                target,
                '--group-by',
                'ChargePeriodDay',
                '--from',
                '2024-09-10',
                '--to',
                '2024-09-12',
              ]),
            ),
          );
          const inRange = csvSums(sample, row => {
            const day = row.ChargePeriodStart.slice(0, 10);
            return day >= '2024-09-10' && day <= '2024-09-12';
          });
          expect(inRange.rows).toBeGreaterThan(0);
          const daySum = (column: string) =>
            days.body.items.reduce(
              (total: number, item: Record<string, number>) =>
                total + item[column],
              0,
            );
          expect(daySum('billed_cost')).toBeCloseTo(inRange.billed, 6);
          expect(daySum('effective_cost')).toBeCloseTo(inRange.effective, 6);
          expect(daySum('list_cost')).toBeCloseTo(inRange.list, 6);

          // The entity card: facts derived from the charges, mapped by tags.
          const want = tagged();
          expect(want.rows).toBeGreaterThan(0);
          const summary = await request(backend.server)
            .get(
              '/api/finops/entities/component/default/bright-path/summary?month=2024-09',
            )
            .set('Authorization', mockCredentials.user.header());
          expect(summary.status).toBe(200);
          expect(summary.body.monthToDate.billedCost).toBeCloseTo(
            want.billed,
            6,
          );
          expect(summary.body.monthToDate.effectiveCost).toBeCloseTo(
            want.effective,
            6,
          );
        } finally {
          await backend.stop();
          if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
        }
      },
    );
  },
);

describe('GET /costs/focus', () => {
  it('answers 401 without credentials, 403 without permission, 400 on a bad column', async () => {
    const denied = await startFinopsBackend({
      permissions: AuthorizeResult.DENY,
    });
    try {
      await request(denied.server)
        .get('/api/finops/costs/focus?groupBy=ProviderName')
        .expect(401);
      await request(denied.server)
        .get('/api/finops/costs/focus?groupBy=ProviderName')
        .set('Authorization', mockCredentials.user.header())
        .expect(403);
    } finally {
      await denied.stop();
    }
    const allowed = await startFinopsBackend();
    try {
      const bad = await request(allowed.server)
        .get('/api/finops/costs/focus?groupBy=ProviderName,Nope')
        .set('Authorization', mockCredentials.user.header());
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/Unknown group-by column 'Nope'/);
      const badDay = await request(allowed.server)
        .get('/api/finops/costs/focus?from=2024-13-01')
        .set('Authorization', mockCredentials.user.header());
      expect(badDay.status).toBe(400);
      const empty = await request(allowed.server)
        .get('/api/finops/costs/focus')
        .set('Authorization', mockCredentials.user.header());
      expect(empty.status).toBe(200);
      // No group-by columns: one total, zero on an empty store.
      expect(empty.body).toEqual({
        columns: ['billed_cost', 'effective_cost', 'list_cost'],
        items: [{ billed_cost: 0, effective_cost: 0, list_cost: 0 }],
      });
    } finally {
      await allowed.stop();
    }
  });
});
