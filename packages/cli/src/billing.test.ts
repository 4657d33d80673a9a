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

import { parse } from 'csv-parse/sync';
import knexFactory from 'knex';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sharedDataPath } from '@ai-finops/test-utils';
import { expectBadInput, runAiFinops } from './__testUtils__/aiFinops';

jest.setTimeout(120_000);

const sampleFile = sharedDataPath('focus-sample-data-1.0/focus_sample.csv');
const postgresUrl =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;

function aiFinops(...args: string[]) {
  return runAiFinops(args);
}

const COSTS = ['BilledCost', 'EffectiveCost', 'ListCost'] as const;

/** The same sums, computed from the raw file without the reader or the store. */
function expectedCosts(file: string): string[][] {
  const records = parse(fs.readFileSync(file), {
    columns: true,
    bom: true,
    skip_empty_lines: true,
  }) as Array<Record<string, string>>;
  const text = (value: string) => (value === 'NULL' ? '' : value);
  const amount = (value: string) =>
    value === 'NULL' || value === '' ? 0 : Number(value);
  const groups = new Map<string, { key: string[]; sums: number[] }>();
  for (const record of records) {
    const key = [
      text(record.ProviderName),
      text(record.ServiceCategory),
      record.ChargePeriodStart.slice(0, 10),
    ];
    const id = JSON.stringify(key);
    const group = groups.get(id) ?? { key, sums: [0, 0, 0] };
    COSTS.forEach((column, i) => {
      group.sums[i] += amount(record[column]);
    });
    groups.set(id, group);
  }
  const compare = (a: string[], b: string[]) => {
    for (let i = 0; i < a.length; i++) {
      if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    }
    return 0;
  };
  return [...groups.values()]
    .sort((a, b) => compare(a.key, b.key))
    .map(g => [...g.key, ...g.sums.map(String)]);
}

function expectCsvClose(actual: string, expected: string[][]) {
  const rows = parse(actual) as string[][];
  expect(rows[0]).toEqual([
    'ProviderName',
    'ServiceCategory',
    'ChargePeriodDay',
    'billed_cost',
    'effective_cost',
    'list_cost',
  ]);
  const data = rows.slice(1);
  expect(data.map(r => r.slice(0, 3))).toEqual(
    expected.map(r => r.slice(0, 3)),
  );
  data.forEach((row, i) => {
    for (let c = 3; c < 6; c++) {
      expect(Math.abs(Number(row[c]) - Number(expected[i][c]))).toBeLessThan(
        1e-6,
      );
    }
  });
}

interface Target {
  database: string;
  dispose(): Promise<void>;
}

async function sqliteTarget(): Promise<Target> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-finops-cli-'));
  return {
    database: path.join(dir, 'finops.sqlite'),
    dispose: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

async function postgresTarget(): Promise<Target> {
  const name = `ai_finops_cli_${crypto.randomBytes(6).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: postgresUrl });
  await admin.raw('create database ??', [name]);
  const url = new URL(postgresUrl!);
  url.pathname = `/${name}`;
  return {
    database: url.toString(),
    dispose: async () => {
      await admin.raw('drop database if exists ?? with (force)', [name]);
      await admin.destroy();
    },
  };
}

const targets: Array<[string, (() => Promise<Target>) | undefined]> = [
  ['SQLite', sqliteTarget],
  ['PostgreSQL', postgresUrl ? postgresTarget : undefined],
];

for (const [name, open] of targets) {
  (open ? describe : describe.skip)(
    open
      ? `ai-finops billing commands on ${name}`
      : `ai-finops billing commands on ${name}: skipped, BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set`,
    () => {
      let target: Target;
      beforeAll(async () => {
        target = await open!();
      });
      afterAll(async () => {
        await target?.dispose();
      });

      (fs.existsSync(sampleFile) ? describe : describe.skip)(
        `the FOCUS 1.0 sample (${sampleFile}; skipped when absent)`,
        () => {
          const costs = () =>
            aiFinops(
              'costs',
              '--database',
              target.database,
              '--group-by',
              'ProviderName,ServiceCategory,ChargePeriodDay',
              '--format',
              'csv',
            );

          it('ingests it and sums costs like an independent computation, twice', () => {
            const ingest = aiFinops(
              'ingest',
              'focus',
              sampleFile,
              '--database',
              target.database,
            );
            expect(ingest.stderr).toContain('FOCUS 1.0, 1000 rows read');
            expect(ingest.stderr).toContain('null-literal 8973');
            expect(ingest.stderr).toContain('extra columns (ignored): Id');
            expect(ingest.code).toBe(0);
            expect(ingest.stdout).toBe('');

            const expected = expectedCosts(sampleFile);
            expect(expected.length).toBeGreaterThan(100);
            const first = costs();
            expect(first.stderr).toBe('');
            expect(first.code).toBe(0);
            expectCsvClose(first.stdout, expected);

            // Ingesting the same export again replaces it: the same totals.
            expect(
              aiFinops(
                'ingest',
                'focus',
                sampleFile,
                '--database',
                target.database,
              ).code,
            ).toBe(0);
            const second = costs();
            expect(second.code).toBe(0);
            expect(second.stdout).toBe(first.stdout);
          });
        },
      );

      describe('with a small inline export', () => {
        let dir: string;
        beforeAll(() => {
          dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-finops-focus-'));
        });
        afterAll(() => {
          fs.rmSync(dir, { recursive: true, force: true });
        });

        const HEADER =
          'BilledCost,BillingAccountId,BillingAccountName,BillingCurrency,BillingPeriodEnd,BillingPeriodStart,ChargeCategory,ChargeClass,ChargeDescription,ChargeFrequency,ChargePeriodEnd,ChargePeriodStart,ContractedCost,EffectiveCost,InvoiceIssuerName,ListCost,PricingQuantity,PricingUnit,ProviderName,PublisherName,ServiceCategory,ServiceName,Tags';
        const row = (billedCost: string, day: string, chargeClass = '') =>
          `${billedCost},123,Acme,USD,2025-02-01T00:00:00Z,2025-01-01T00:00:00Z,Usage,${chargeClass},GPU hours,Usage-Based,${day}T01:00:00Z,${day}T00:00:00Z,1,${billedCost},"Acme, Inc.",2,1,Hours,Acme,Acme,AI and Machine Learning,GPU,"{""team"":""search""}"`;
        const write = (file: string, ...rows: string[]) => {
          const full = path.join(dir, file);
          fs.writeFileSync(full, `${[HEADER, ...rows].join('\n')}\n`);
          return full;
        };

        it('ingests it and prints the costs CSV, filtered by day', () => {
          const file = write(
            'good.csv',
            row('1.5', '2025-01-02'),
            row('2.25', '2025-01-02'),
            row('4', '2025-01-03'),
          );
          const ingest = aiFinops(
            'ingest',
            'focus',
            file,
            '--database',
            target.database,
            '--source',
            'inline',
          );
          expect(ingest.code).toBe(0);
          expect(ingest.stderr).toContain(`${file}: FOCUS 1.0, 3 rows read`);
          expect(ingest.stderr).toContain(
            "stored: 3 rows for source 'inline', billing periods 2025-01-01",
          );

          const result = aiFinops(
            'costs',
            '--database',
            target.database,
            '--group-by',
            'InvoiceIssuerName,ChargePeriodDay',
            '--from',
            '2025-01-01',
            '--to',
            '2025-01-31',
          );
          expect(result.stderr).toBe('');
          expect(result.code).toBe(0);
          expect(result.stdout).toBe(
            [
              'InvoiceIssuerName,ChargePeriodDay,billed_cost,effective_cost,list_cost',
              '"Acme, Inc.",2025-01-02,3.75,3.75,4',
              '"Acme, Inc.",2025-01-03,4,4,2',
              '',
            ].join('\n'),
          );
        });

        it('rejects a non-numeric BilledCost naming the file, row and column', () => {
          const file = write(
            'bad-number.csv',
            row('1', '2025-01-02'),
            row('lots', '2025-01-02'),
          );
          const line = expectBadInput(
            aiFinops('ingest', 'focus', file, '--database', target.database),
          );
          expect(line).toBe(
            `ai-finops: ${file}: row 2, column BilledCost: 'lots' is not a decimal number`,
          );
        });

        it('rejects a NULL literal in strict mode only', () => {
          const file = write('null.csv', row('1', '2025-01-04', 'NULL'));
          const line = expectBadInput(
            aiFinops(
              'ingest',
              'focus',
              file,
              '--database',
              target.database,
              '--mode',
              'strict',
              '--source',
              'null',
            ),
          );
          expect(line).toBe(
            `ai-finops: ${file}: row 1, column ChargeClass: literal 'NULL' read as null (rejected in strict mode)`,
          );
          const lenient = aiFinops(
            'ingest',
            'focus',
            file,
            '--database',
            target.database,
            '--source',
            'null',
          );
          expect(lenient.code).toBe(0);
          expect(lenient.stderr).toContain('fixed: null-literal 1');
        });

        it('rejects an unreadable file, an unknown group-by column and a missing --database', () => {
          const missing = path.join(dir, 'missing.csv.gz');
          expect(
            expectBadInput(
              aiFinops(
                'ingest',
                'focus',
                missing,
                '--database',
                target.database,
              ),
            ),
          ).toBe(`ai-finops: ${missing}: cannot read the file (no such file)`);

          expect(
            expectBadInput(
              aiFinops(
                'costs',
                '--database',
                target.database,
                '--group-by',
                'ProviderName,Colour',
              ),
            ),
          ).toMatch(
            /^ai-finops: Unknown group-by column 'Colour'; expected one of ProviderName, .*ChargePeriodDay$/,
          );

          const noStore = path.join(dir, 'none.sqlite');
          expect(
            expectBadInput(
              aiFinops('costs', '--database', noStore, '--group-by', 'SkuId'),
            ),
          ).toBe(
            `ai-finops: --database ${noStore}: no such SQLite file (ingest something first)`,
          );
          expect(fs.existsSync(noStore)).toBe(false);

          expect(
            expectBadInput(aiFinops('costs', '--group-by', 'ProviderName')),
          ).toBe("error: required option '--database <target>' not specified");
          expect(
            expectBadInput(
              aiFinops(
                'ingest',
                'focus',
                write('x.csv'),
                '--database',
                target.database,
                '--datbase',
                'x',
              ),
            ),
          ).toBe(
            "error: unknown option '--datbase' (Did you mean --database?)",
          );
          expect(
            expectBadInput(
              aiFinops(
                'costs',
                '--database',
                target.database,
                '--group-by',
                'ProviderName',
                '--from',
                '2025-13-01',
              ),
            ),
          ).toBe(
            "ai-finops: Invalid from day '2025-13-01'; expected YYYY-MM-DD",
          );
        });
      });
    },
  );
}
