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
import { parquetWriteBuffer } from 'hyparquet-writer';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { FOCUS_1_0_TEST_HEADER, csvQuote } from '@ai-finops/test-utils';
import { expectBadInput, runAiFinops } from '../__testUtils__/aiFinops';

jest.setTimeout(120_000);

function aiFinops(...args: string[]) {
  return runAiFinops(args, {
    // Credentials for s3:// locations come from the SDK's chain: give it
    // some, so that it never asks an instance metadata service.
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'AKIDTEST',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  });
}

/** One FOCUS row of the January 2025 billing period, as CSV fields. */
const fields = (billedCost: string, day: string): string[] => [
  billedCost,
  '123',
  'Acme',
  'USD',
  '2025-02-01T00:00:00Z',
  '2025-01-01T00:00:00Z',
  'Usage',
  '',
  'GPU hours',
  'Usage-Based',
  `${day}T01:00:00Z`,
  `${day}T00:00:00Z`,
  '1',
  billedCost,
  'Acme, Inc.',
  '2',
  '1',
  'Hours',
  'Acme',
  'Acme',
  'AI and Machine Learning',
  'GPU',
  '{"team":"search"}',
];

const csv = (...rows: string[][]) =>
  `${[FOCUS_1_0_TEST_HEADER, ...rows]
    .map(r => r.map(csvQuote).join(','))
    .join('\n')}\n`;

describe('ai-finops ingest focus: Parquet, folders and globs', () => {
  let dir: string;
  let database: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-finops-ingest-'));
    database = path.join(dir, 'finops.sqlite');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: string | Buffer) => {
    const full = path.join(dir, name);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
    return full;
  };
  const costsByDay = () => {
    const result = aiFinops(
      'costs',
      '--database',
      database,
      '--group-by',
      'ChargePeriodDay',
    );
    expect(result.stderr).toBe('');
    return parse(result.stdout) as string[][];
  };

  it('ingests a Parquet export like the same CSV', () => {
    const rows = [fields('1.5', '2025-01-02'), fields('4', '2025-01-03')];
    const parquet = write(
      'export.parquet',
      Buffer.from(
        parquetWriteBuffer({
          columnData: FOCUS_1_0_TEST_HEADER.map((name, i) =>
            /Cost$|Quantity$/.test(name)
              ? { name, type: 'DOUBLE', data: rows.map(r => Number(r[i])) }
              : { name, type: 'STRING', data: rows.map(r => r[i]) },
          ),
        }),
      ),
    );
    const ingest = aiFinops(
      'ingest',
      'focus',
      parquet,
      '--database',
      database,
      '--source',
      'parquet',
    );
    expect(ingest.stderr).toContain(`${parquet}: FOCUS 1.0, 2 rows read`);
    expect(ingest.stderr).toContain(
      "stored: 2 rows for source 'parquet', billing periods 2025-01-01",
    );
    expect(ingest.code).toBe(0);

    const asCsv = write('export.csv', csv(...rows));
    const other = path.join(dir, 'other.sqlite');
    expect(aiFinops('ingest', 'focus', asCsv, '--database', other).code).toBe(
      0,
    );
    const fromCsv = aiFinops(
      'costs',
      '--database',
      other,
      '--group-by',
      'ChargePeriodDay',
    );
    expect(costsByDay()).toEqual(parse(fromCsv.stdout));
    expect(costsByDay()).toEqual([
      ['ChargePeriodDay', 'billed_cost', 'effective_cost', 'list_cost'],
      ['2025-01-02', '1.5', '1.5', '2'],
      ['2025-01-03', '4', '4', '2'],
    ]);
  });

  it('ingests every part of a split export, by glob or folder, in one transaction', () => {
    // Two parts of the same billing period: neither replaces the other.
    write('parts/part-0.csv.gz', gzipSync(csv(fields('1', '2025-01-05'))));
    write(
      'parts/part-1.csv',
      csv(fields('2', '2025-01-05'), fields('3', '2025-01-06')),
    );
    write('parts/manifest.json', '{}');
    for (const location of [
      path.join(dir, 'parts/*.csv*'),
      path.join(dir, 'parts'),
    ]) {
      const ingest = aiFinops(
        'ingest',
        'focus',
        location,
        '--database',
        database,
        '--source',
        'parts',
      );
      expect(ingest.code).toBe(0);
      expect(ingest.stderr).toContain('part-0.csv.gz: FOCUS 1.0, 1 rows read');
      expect(ingest.stderr).toContain('part-1.csv: FOCUS 1.0, 2 rows read');
      expect(ingest.stderr).toContain(
        "stored: 3 rows from 2 files for source 'parts', billing periods 2025-01-01",
      );
      const days = costsByDay();
      expect(days.find(d => d[0] === '2025-01-05')?.[1]).toBe('3');
      expect(days.find(d => d[0] === '2025-01-06')?.[1]).toBe('3');
    }
  });

  it('stores nothing when one part is invalid, and names that file', () => {
    const before = costsByDay();
    write('bad/part-0.csv', csv(fields('10', '2025-01-05')));
    const bad = write('bad/part-1.csv', csv(fields('lots', '2025-01-05')));
    const line = expectBadInput(
      aiFinops(
        'ingest',
        'focus',
        path.join(dir, 'bad/*.csv'),
        '--database',
        database,
        '--source',
        'parts',
      ),
    );
    expect(line).toBe(
      `ai-finops: ${bad}: row 1, column BilledCost: 'lots' is not a decimal number`,
    );
    expect(costsByDay()).toEqual(before);
  });

  it('names the location when nothing matches or cannot be read', () => {
    const glob = path.join(dir, 'nothing/**/*.parquet');
    expect(
      expectBadInput(aiFinops('ingest', 'focus', glob, '--database', database)),
    ).toBe(
      `ai-finops: ${glob}: no FOCUS export (.csv, .csv.gz, .parquet) matches`,
    );

    const broken = write('broken.parquet', 'PAR1 not really PAR1');
    expect(
      expectBadInput(
        aiFinops('ingest', 'focus', broken, '--database', database),
      ),
    ).toMatch(
      new RegExp(
        `^ai-finops: ${broken.replace(
          /[.]/g,
          '\\.',
        )}: row 0: not readable as Parquet: `,
      ),
    );

    // Nothing listens on port 9 of the loopback: the SDK gives up and the
    // error names the bucket location.
    expect(
      expectBadInput(
        aiFinops(
          'ingest',
          'focus',
          's3://billing/focus/',
          '--database',
          database,
          '--s3-endpoint',
          'http://127.0.0.1:9',
          '--s3-force-path-style',
        ),
      ),
    ).toMatch(/^ai-finops: s3:\/\/billing\/focus\/: S3 request failed: /);
  });
});
