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
  DatabaseFinopsStore,
  ingestFocusExport,
} from '@ai-finops/backstage-plugin-finops-node';
import { describeWithSharedData, sharedDataPath } from '@ai-finops/test-utils';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import fs from 'node:fs';
import request from 'supertest';
import { component, startFinopsBackend } from '../__testUtils__/backend';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** RFC 4180 fields of a CSV text (quoted fields may hold commas). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Plain sums of the sample's cost columns, optionally of some rows only. */
function csvSums(file: string, keep: (row: Record<string, string>) => boolean) {
  const [header, ...rows] = parseCsv(fs.readFileSync(file, 'utf8'));
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
      'the REST totals, the entity card and the CLI query agree with a plain CSV sum (%p)',
      async databaseId => {
        const knex = await databases.init(databaseId);
        // The CLI's code path (`ai-finops ingest focus`), twice: re-ingesting
        // replaces, nothing doubles.
        const store = await DatabaseFinopsStore.create({
          database: {
            getClient: async () => knex,
            migrations: { skip: false },
          },
        });
        for (let i = 0; i < 2; i++) {
          const { stored } = await ingestFocusExport(store, {
            source: 'focus',
            files: [sample],
          });
          expect(stored.rows).toBe(1000);
        }

        const backend = await startFinopsBackend({
          knex,
          entities: [
            component('bright-path', {
              'ai-finops.io/billing-tags': `${TAG.key}=${TAG.value}`,
            }),
          ],
        });
        try {
          const expected = all();
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

          // The same groups and sums as `ai-finops costs --group-by`.
          const cli = await store.queryBillingCosts({
            groupBy: ['ProviderName', 'ServiceCategory'],
          });
          expect(rest.body.items).toEqual(
            cli.map(row => ({
              ...row.group,
              billed_cost: row.billedCost,
              effective_cost: row.effectiveCost,
              list_cost: row.listCost,
            })),
          );

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
      expect(empty.body).toEqual({
        columns: ['billed_cost', 'effective_cost', 'list_cost'],
        items: [],
      });
    } finally {
      await allowed.stop();
    }
  });
});
