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

import { mkdtempSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import {
  csvQuote,
  describeWithSharedData,
  FOCUS_1_0_TEST_HEADER,
  sharedDataPath,
} from '@ai-finops/test-utils';
import {
  FocusReader,
  FocusValidationError,
  type FocusRow,
} from './FocusReader';
import type { FocusFileRef } from './locations';
import { FOCUS_TEST_ROW } from './__testUtils__/focusTestRows';

function csvLine(values: Record<string, string>): string {
  return FOCUS_1_0_TEST_HEADER.map(h => csvQuote(values[h] ?? '')).join(',');
}

const goodRow: Record<string, string> = { ...FOCUS_TEST_ROW };

const dir = mkdtempSync(path.join(tmpdir(), 'focus-'));
function file(
  name: string,
  rows: Array<Record<string, string>>,
  header = FOCUS_1_0_TEST_HEADER,
) {
  const text = [header.map(csvQuote).join(','), ...rows.map(csvLine)].join(
    '\n',
  );
  const target = path.join(dir, name);
  writeFileSync(target, name.endsWith('.gz') ? gzipSync(text) : text);
  return target;
}

async function readAll(
  reader: FocusReader,
  source: string | FocusFileRef,
): Promise<FocusRow[]> {
  const rows: FocusRow[] = [];
  for await (const row of reader.read(source)) rows.push(row);
  return rows;
}

describe('FocusReader', () => {
  it('reads a clean FOCUS 1.0 file with typed values and tags', async () => {
    const reader = new FocusReader({ mode: 'strict' });
    const rows = await readAll(
      reader,
      file('clean.csv', [goodRow, { ...goodRow, BilledCost: '-1.25e1' }]),
    );
    expect(rows).toHaveLength(2);
    expect(rows[0].values.BilledCost).toBe(12.5);
    expect(rows[1].values.BilledCost).toBe(-12.5);
    expect(rows[0].values.ChargePeriodStart).toBe('2026-11-02T00:00:00.000Z');
    expect(rows[0].values.ChargeClass).toBeNull();
    expect(rows[0].tags).toEqual({ app: 'chat-llm', team: 'assistant' });
    expect(reader.report).toMatchObject({
      version: '1.0',
      rows: 2,
      issues: [],
      extraColumns: [],
    });
  });

  it('reads gzip by extension and by content, and over HTTP', async () => {
    const gz = file('clean.csv.gz', [goodRow]);
    expect(await readAll(new FocusReader(), gz)).toHaveLength(1);
    const disguised = path.join(dir, 'disguised.csv');
    writeFileSync(disguised, readFileSync(gz));
    expect(await readAll(new FocusReader(), disguised)).toHaveLength(1);

    const server = createServer((_req, res) => res.end(readFileSync(gz)));
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    try {
      const rows = await readAll(
        new FocusReader(),
        `http://127.0.0.1:${port}/export/focus.csv.gz`,
      );
      expect(rows[0].values.ServiceName).toBe('Amazon EC2');
    } finally {
      server.close();
    }
  });

  it('fixes quirks in lenient mode and counts them', async () => {
    const reader = new FocusReader();
    const rows = await readAll(
      reader,
      file('quirks.csv', [
        {
          ...goodRow,
          ChargeClass: 'NULL',
          ChargeFrequency: 'usage-based',
          ChargePeriodStart: '2026-11-02 00:00:00',
          ListCost: '$1,013.50 ',
        },
      ]),
    );
    expect(rows[0].values).toMatchObject({
      ChargeClass: null,
      ChargeFrequency: 'Usage-Based',
      ChargePeriodStart: '2026-11-02T00:00:00.000Z',
      ListCost: 1013.5,
    });
    expect(reader.report.fixed).toEqual({
      'null-literal': 1,
      'enum-case': 1,
      'datetime-format': 1,
      'number-format': 1,
    });
    expect(reader.report.issues.map(i => [i.row, i.column, i.rule])).toEqual([
      [1, 'ChargeClass', 'null-literal'],
      [1, 'ChargeFrequency', 'enum-case'],
      [1, 'ChargePeriodStart', 'datetime-format'],
      [1, 'ListCost', 'number-format'],
    ]);
  });

  it('rejects the same quirks in strict mode, naming file, row and column', async () => {
    const target = file('strict.csv', [
      goodRow,
      { ...goodRow, ChargeFrequency: 'usage-based' },
    ]);
    await expect(
      readAll(new FocusReader({ mode: 'strict' }), target),
    ).rejects.toThrow(
      `${target}: row 2, column ChargeFrequency: 'usage-based' read as 'Usage-Based' (rejected in strict mode)`,
    );
  });

  it.each([
    [
      'BilledCost',
      'twelve',
      /row 1, column BilledCost: 'twelve' is not a decimal number/,
    ],
    [
      'ChargePeriodStart',
      'yesterday',
      /row 1, column ChargePeriodStart: 'yesterday' is not a date-time/,
    ],
    [
      'ChargeCategory',
      'Gift',
      /row 1, column ChargeCategory: 'Gift' is not an allowed ChargeCategory/,
    ],
    ['Tags', '{app:', /row 1, column Tags: '\{app:' is not valid JSON/],
    [
      'BillingCurrency',
      'NULL',
      /row 1, column BillingCurrency: BillingCurrency must not be null/,
    ],
  ])(
    'rejects an unfixable %s even when lenient',
    async (column, value, message) => {
      const reader = new FocusReader();
      await expect(
        readAll(
          reader,
          file(`bad-${column}.csv`, [{ ...goodRow, [column]: value }]),
        ),
      ).rejects.toThrow(message);
      expect(reader.report.issues.at(-1)).toMatchObject({
        row: 1,
        column,
        fixed: false,
      });
    },
  );

  it('rejects a file missing mandatory columns, and an empty file', async () => {
    const header = FOCUS_1_0_TEST_HEADER.filter(
      h => h !== 'EffectiveCost' && h !== 'ServiceName',
    );
    await expect(
      readAll(new FocusReader(), file('missing.csv', [], header)),
    ).rejects.toThrow(
      /row 0, column EffectiveCost: missing mandatory FOCUS 1.0 column\(s\): EffectiveCost, ServiceName/,
    );
    const empty = path.join(dir, 'empty.csv');
    writeFileSync(empty, '');
    await expect(readAll(new FocusReader(), empty)).rejects.toBeInstanceOf(
      FocusValidationError,
    );
  });

  it('names the file when it cannot be read, compressed or not', async () => {
    for (const missing of ['nope.csv', 'nope.csv.gz']) {
      const target = path.join(dir, missing);
      const reader = new FocusReader();
      await expect(readAll(reader, target)).rejects.toThrow(
        new RegExp(
          `^${target.replace(/[.]/g, '\\.')}: row 0: cannot be read: ENOENT`,
        ),
      );
    }
    const notGzip = path.join(dir, 'plain.csv.gz');
    writeFileSync(notGzip, 'not gzip at all');
    await expect(readAll(new FocusReader(), notGzip)).rejects.toThrow(
      /plain\.csv\.gz: row 0: cannot be read: incorrect header check/,
    );
  });

  it('closes its source when it stops early, plain or gzip', async () => {
    const text = [
      FOCUS_1_0_TEST_HEADER.map(csvQuote).join(','),
      csvLine({ ...goodRow, BilledCost: 'twelve' }),
      // Random descriptions, so that gzip leaves most of the bytes.
      ...Array.from({ length: 2000 }, () =>
        csvLine({
          ...goodRow,
          ChargeDescription: randomBytes(200).toString('base64'),
        }),
      ),
    ].join('\n');
    for (const compress of [false, true]) {
      const bytes = compress ? gzipSync(text) : Buffer.from(text);
      let closed = false;
      const source = Readable.from(
        (async function* chunks() {
          try {
            for (let at = 0; at < bytes.length; at += 1024) {
              yield bytes.subarray(at, at + 1024);
            }
          } finally {
            closed = true;
          }
        })(),
      );
      const ref: FocusFileRef = {
        uri: `memory://focus.csv${compress ? '.gz' : ''}`,
        format: compress ? 'csv.gz' : 'csv',
        open: async () => source,
      };
      const reader = new FocusReader();
      await expect(readAll(reader, ref)).rejects.toThrow(
        /row 1, column BilledCost: 'twelve' is not a decimal number/,
      );
      await new Promise(resolve => setImmediate(resolve));
      expect({ compress, closed }).toEqual({ compress, closed: true });
    }
  });

  it('rejects a row with the wrong number of fields', async () => {
    const target = path.join(dir, 'ragged.csv');
    writeFileSync(target, `${FOCUS_1_0_TEST_HEADER.join(',')}\n1,2,3\n`);
    await expect(readAll(new FocusReader(), target)).rejects.toThrow(
      /not readable as CSV/,
    );
  });

  it('detects FOCUS 1.2 by its columns', async () => {
    const header = [
      ...FOCUS_1_0_TEST_HEADER,
      'PricingCurrency',
      'ServiceSubcategory',
    ];
    const reader = new FocusReader();
    await readAll(reader, file('v12.csv', [], header));
    expect(reader.report.version).toBe('1.2');
  });
});

// Real FOCUS data beside the repository (see shared/data/README.md).
const SHARED_DATA = sharedDataPath();

describeWithSharedData(
  'focus-sample-data-1.0',
  'FocusReader on real exports',
  () => {
    const sample = path.join(
      SHARED_DATA,
      'focus-sample-data-1.0',
      'focus_sample.csv',
    );

    it('reports the quirks of the FOCUS 1.0 sample and keeps its totals', async () => {
      const reader = new FocusReader();
      const totals = new Map<string, number>();
      for await (const row of reader.read(sample)) {
        const key = `${row.values.ProviderName}|${
          row.values.ServiceCategory
        }|${String(row.values.ChargePeriodStart).slice(0, 10)}`;
        totals.set(key, (totals.get(key) ?? 0) + Number(row.values.BilledCost));
      }
      const { report } = reader;
      expect(report.rows).toBe(1000);
      expect(report.extraColumns).toEqual(['Id']);
      expect(report.fixed['null-literal']).toBeGreaterThan(1000);
      expect(report.fixed['datetime-format']).toBe(4000);
      expect(report.fixed['enum-case']).toBe(7); // 'Usage-based'
      // Nulls in mandatory non-key columns are reported and kept as null.
      expect(
        report.issues
          .filter(i => i.rule === 'missing-value')
          .map(i => i.column),
      ).toContain('ContractedCost');

      // Independent computation straight from the CSV text.
      const raw: Array<Record<string, string>> = parse(readFileSync(sample), {
        columns: true,
      });
      const expected = new Map<string, number>();
      for (const r of raw) {
        const key = `${r.ProviderName}|${
          r.ServiceCategory
        }|${r.ChargePeriodStart.slice(0, 10)}`;
        expected.set(key, (expected.get(key) ?? 0) + Number(r.BilledCost));
      }
      expect(totals.size).toBe(expected.size);
      for (const [key, value] of expected)
        expect(totals.get(key)).toBeCloseTo(value, 9);
    });

    it('rejects the sample in strict mode at its first quirk', async () => {
      await expect(
        readAll(new FocusReader({ mode: 'strict' }), sample),
      ).rejects.toThrow(
        /focus_sample\.csv: row 0, column Id: 'Id' is not a FOCUS 1.0 column/,
      );
    });

    it('reads the official FOCUS 1.2 examples, naming what it cannot read', async () => {
      // The examples illustrate scenarios: some carry only a subset of columns,
      // some were saved from a spreadsheet ("$10,000.00 " amounts, which the
      // lenient mode fixes, and "4/1/25" dates, which are ambiguous and rejected).
      const root = path.join(SHARED_DATA, 'focus-spec-v1.2', 'data');
      const files = readdirSync(root, {
        recursive: true,
        encoding: 'utf8',
      }).filter(f => f.endsWith('.csv'));
      expect(files.length).toBeGreaterThan(10);
      const unexpected: unknown[] = [];
      let read = 0;
      for (const f of files) {
        try {
          await readAll(new FocusReader(), path.join(root, f));
          read += 1;
        } catch (error) {
          const { issue } = error as FocusValidationError;
          const explained =
            (issue.rule === 'missing-column' && issue.row === 0) ||
            (issue.rule === 'not-datetime' &&
              /^\d{1,2}\/\d{1,2}\/\d{2}$/.test(issue.value ?? ''));
          if (!explained) unexpected.push({ file: f, issue });
        }
      }
      expect(unexpected).toEqual([]);
      // None of the examples is a complete export today.
      expect(read).toBe(0);
    });
  },
);
