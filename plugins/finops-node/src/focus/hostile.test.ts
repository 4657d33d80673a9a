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

// The findings of a hostile-but-fair test of `ai-finops ingest focus`
// (ingestFocusExport, listFocusFiles, FocusReader), each one reproduced with
// inputs small enough that the test fails in seconds, never hangs, before
// the fix.

import {
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { csvQuote, FOCUS_1_0_TEST_HEADER } from '@ai-finops/test-utils';
import {
  FOCUS_READ_LIMITS,
  FocusReader,
  FocusValidationError,
  type FocusReaderOptions,
  type FocusRow,
} from './FocusReader';
import { ingestFocusExport } from './ingestFocusExport';
import { listFocusFiles, type FocusSkippedPath } from './locations';
import { FOCUS_TEST_ROW_2024 } from './__testUtils__/focusTestRows';

const dir = mkdtempSync(path.join(tmpdir(), 'focus-hostile-'));

const goodRow: Record<string, string> = { ...FOCUS_TEST_ROW_2024 };

const headerLine = FOCUS_1_0_TEST_HEADER.map(csvQuote).join(',');
const line = (row: Record<string, string>) =>
  FOCUS_1_0_TEST_HEADER.map(h => csvQuote(row[h] ?? '')).join(',');
const csv = (rows: Array<Record<string, string>>) =>
  `${[headerLine, ...rows.map(line)].join('\n')}\n`;

function write(name: string, content: string | Buffer): string {
  const target = path.join(dir, name);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, content);
  return target;
}

async function readAll(
  source: string | Readable,
  options: FocusReaderOptions = {},
): Promise<{ rows: FocusRow[]; reader: FocusReader }> {
  const reader = new FocusReader(options);
  const rows: FocusRow[] = [];
  for await (const row of reader.read(source)) rows.push(row);
  return { rows, reader };
}

/**
 * CPU milliseconds of this process since `since` (a `process.cpuUsage()`):
 * time bounds hold on a loaded machine, where wall-clock time does not.
 */
function cpuMs(since: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
}

/** The error a read ends with, and the CPU time it took. */
async function failure(
  source: string | Readable,
  options: FocusReaderOptions = {},
): Promise<{ error: FocusValidationError; ms: number }> {
  const start = process.cpuUsage();
  try {
    await readAll(source, options);
  } catch (error) {
    if (!(error instanceof FocusValidationError)) throw error;
    return { error, ms: cpuMs(start) };
  }
  throw new Error(`the read succeeded in ${Math.round(cpuMs(start))} ms CPU`);
}

/** A store that sums what it is given, as replaceBillingCharges would store it. */
function summingStore() {
  const totals = { rows: 0, billed: 0 };
  return {
    totals,
    async replaceBillingCharges(
      _source: string,
      rows: AsyncIterable<FocusRow>,
    ) {
      for await (const row of rows) {
        totals.rows += 1;
        totals.billed += row.values.BilledCost as number;
      }
      return {
        rows: totals.rows,
        billingPeriods: [],
        costFacts: 0,
      } as any;
    },
  };
}

describe('finding 1: file discovery visits each real file once', () => {
  it('does not follow a directory link loop, and says what it skipped', async () => {
    const root = path.join(dir, 'loop');
    write('loop/d/focus.csv', csv([goodRow]));
    symlinkSync('.', path.join(root, 'd/loop'));
    symlinkSync('..', path.join(root, 'd/up'));
    const skipped: FocusSkippedPath[] = [];
    const files = await listFocusFiles(root, { onSkip: s => skipped.push(s) });
    expect(files.map(f => path.relative(root, f.uri))).toEqual(['d/focus.csv']);
    expect(skipped.map(s => path.relative(root, s.path)).sort()).toEqual([
      'd/loop',
      'd/up',
    ]);
    expect(skipped[0].reason).toMatch(/link to a folder already listed/);

    const store = summingStore();
    const { stored } = await ingestFocusExport(store, {
      source: 'focus',
      files,
    });
    expect(stored.rows).toBe(1);
    expect(store.totals.billed).toBe(12.5);
  }, 30_000);

  it('lists a file reached through a file link or a hard link once', async () => {
    const root = path.join(dir, 'aliases');
    const real = write('aliases/a.csv', csv([goodRow]));
    symlinkSync('a.csv', path.join(root, 'b.csv'));
    linkSync(real, path.join(root, 'c.csv'));
    symlinkSync('missing.csv', path.join(root, 'dangling.csv'));
    const skipped: FocusSkippedPath[] = [];
    const files = await listFocusFiles(root, { onSkip: s => skipped.push(s) });
    expect(files.map(f => path.basename(f.uri))).toEqual(['a.csv']);
    expect(
      skipped.map(s => `${path.basename(s.path)}: ${s.reason}`).sort(),
    ).toEqual([
      expect.stringMatching(/^b\.csv: the same file as .*a\.csv$/),
      expect.stringMatching(/^c\.csv: the same file as .*a\.csv$/),
      expect.stringMatching(/^dangling\.csv: a broken link/),
    ]);
  });

  it('lists each real file once through a glob that reaches it twice', async () => {
    const root = path.join(dir, 'glob');
    write('glob/x/focus.csv', csv([goodRow]));
    symlinkSync('x', path.join(root, 'y'));
    symlinkSync('x/focus.csv', path.join(root, 'alias.csv'));
    for (const pattern of ['{x,y}/*.csv', '**/*.csv']) {
      const skipped: FocusSkippedPath[] = [];
      const files = await listFocusFiles(path.join(root, pattern), {
        onSkip: s => skipped.push(s),
      });
      expect(files.map(f => path.relative(root, f.uri))).toEqual([
        'x/focus.csv',
      ]);
      expect(skipped.length).toBeGreaterThan(0);
      for (const s of skipped) {
        expect(s.reason).toMatch(/^the same file as .*x\/focus\.csv$/);
      }
    }
  });

  it('refuses the same file twice in one ingestion', async () => {
    const file = write('twice.csv', csv([goodRow]));
    await expect(
      ingestFocusExport(summingStore(), {
        source: 'focus',
        files: [file, path.join(dir, '.', 'twice.csv')],
      }),
    ).rejects.toThrow(/twice\.csv.*is listed twice/);
  });
});

describe('finding 2: bounded records, fields, headers and decompression', () => {
  it('refuses a long unquoted field fast, naming the limit, file and row', async () => {
    // 8 MiB: 5 s before the fix (each 64 KiB chunk re-scanned the record);
    // the same field as 50 MiB took minutes.
    const file = write(
      'long-field.csv',
      csv([goodRow, { ...goodRow, ChargeDescription: 'x'.repeat(8 << 20) }]),
    );
    const { error, ms } = await failure(file);
    expect(error.message).toBe(
      `${file}: row 2: a field is longer than ${FOCUS_READ_LIMITS.maxFieldChars} characters (limit maxFieldChars)`,
    );
    expect(error.issue).toMatchObject({ row: 2, rule: 'limit-exceeded' });
    expect(ms).toBeLessThan(1500);
  });

  it('refuses a long quoted record fast', async () => {
    const file = write(
      'long-record.csv',
      csv([{ ...goodRow, ChargeDescription: 'y,'.repeat(4 << 20) }]),
    );
    const { error, ms } = await failure(file, {
      limits: { maxFieldChars: 64 << 20 },
    });
    expect(error.message).toMatch(
      /long-record\.csv: row 1: the record is longer than 1048576 characters \(limit maxRecordChars\)$/,
    );
    expect(ms).toBeLessThan(1500);
  });

  it('parses a long record within raised limits in linear time', async () => {
    // Before the fix: 8 MiB unquoted 5 s, 16 MiB 19 s (quadratic); 16 MiB
    // quoted 2.9 s.
    const limits = { maxFieldChars: 32 << 20, maxRecordChars: 32 << 20 };
    const unquoted = 'z'.repeat(8 << 20);
    const quoted = 'q'.repeat(16 << 20);
    const files = [
      write(
        'big-unquoted.csv',
        `${headerLine}\n${FOCUS_1_0_TEST_HEADER.map(h =>
          h === 'ChargeDescription' ? unquoted : csvQuote(goodRow[h] ?? ''),
        ).join(',')}\n`,
      ),
      write('big-quoted.csv', csv([{ ...goodRow, ChargeDescription: quoted }])),
    ];
    for (const [file, expected] of [
      [files[0], unquoted.length],
      [files[1], quoted.length],
    ] as const) {
      const start = process.cpuUsage();
      const { rows } = await readAll(file, { limits });
      expect(cpuMs(start)).toBeLessThan(1500);
      expect((rows[0].values.ChargeDescription as string).length).toBe(
        expected,
      );
    }
  }, 30_000);

  it('refuses a huge header without echoing it', async () => {
    const file = write(
      'huge-header.csv',
      `${'H'.repeat(8 << 20)},${headerLine}\n${line(goodRow)}\n`,
    );
    const { error, ms } = await failure(file);
    expect(error.message).toBe(
      `${file}: row 0: the header is longer than ${FOCUS_READ_LIMITS.maxHeaderChars} characters (limit maxHeaderChars)`,
    );
    expect(ms).toBeLessThan(1500);
  });

  it('shortens long input echoed in messages and in the report', async () => {
    const long = `${'E'.repeat(500)}\n\u001b[31m`;
    const header = `${headerLine},${csvQuote(long)}`;
    const file = write(
      'echo.csv',
      `${header}\n${line({
        ...goodRow,
        BilledCost: `${'9'.repeat(300)}$`,
      })},x\n`,
    );
    const { error } = await failure(file);
    expect(error.message).toMatch(
      /: row 1, column BilledCost: '9{80}…' is not a decimal number$/,
    );
    expect(error.message).not.toContain('\n');
    expect(error.report.extraColumns[0]).toBe(`${'E'.repeat(80)}…`);
    for (const issue of error.report.issues) {
      expect(issue.message.length).toBeLessThan(300);
      expect(issue.message).not.toContain('\n');
      expect(issue.message).not.toContain('\u001b');
      expect((issue.value ?? '').length).toBeLessThanOrEqual(81);
    }
  });

  it('stops a gzip bomb early, by ratio and by size', async () => {
    // 256 MiB of rows in ~300 KiB: 6 s and 1.5 million rows before the fix.
    const block = Buffer.from(`${line(goodRow)}\n`.repeat(16_000));
    const member = gzipSync(block, { level: 9 });
    const members = Math.ceil((256 << 20) / block.length);
    const bomb = Buffer.concat([
      gzipSync(`${headerLine}\n`),
      ...new Array(members).fill(member),
    ]);
    const file = write('bomb.csv.gz', bomb);
    const byRatio = await failure(file);
    const match = new RegExp(
      `^${file.replace(/[.]/g, '\\.')}: row (\\d+): decompresses to more than ${
        FOCUS_READ_LIMITS.maxCompressionRatio
      } times its compressed size \\(limit maxCompressionRatio\\)$`,
    ).exec(byRatio.error.message);
    expect(match).not.toBeNull();
    // Stopped soon after the 16 MiB the ratio is checked after (the reader
    // counts the text it has decoded, which lags what zlib has put out), not
    // after the 256 MiB.
    const rowBytes = Buffer.byteLength(`${line(goodRow)}\n`);
    expect(Number(match![1])).toBeLessThan((64 << 20) / rowBytes);
    expect(byRatio.ms).toBeLessThan(5000);

    const bySize = await failure(file, {
      limits: { maxCompressionRatio: 10_000, maxDecompressedBytes: 8 << 20 },
    });
    expect(bySize.error.message).toMatch(
      /bomb\.csv\.gz: row \d+: more than 8388608 bytes of CSV text \(limit maxDecompressedBytes\)$/,
    );
    expect(bySize.error.issue.rule).toBe('limit-exceeded');
  }, 30_000);

  it('refuses more rows than maxRows', async () => {
    const file = write('rows.csv', csv([goodRow, goodRow, goodRow]));
    const { error } = await failure(file, { limits: { maxRows: 2 } });
    expect(error.message).toBe(
      `${file}: row 3: more than 2 data rows (limit maxRows)`,
    );
  });

  it('checks its limits', () => {
    expect(() => new FocusReader({ limits: { maxRows: -1 } })).toThrow(
      /limits\.maxRows must be a positive number, got -1/,
    );
  });

  it('reads a long run of digits in a decimal column in linear time', async () => {
    // The DECIMAL pattern backtracked quadratically: 40k digits took 4 s,
    // a 256 KiB field minutes.
    const file = write(
      'digits.csv',
      csv([{ ...goodRow, BilledCost: `${'1'.repeat(40_000)}x` }]),
    );
    const { error, ms } = await failure(file);
    expect(error.issue).toMatchObject({
      row: 1,
      column: 'BilledCost',
      rule: 'not-numeric',
    });
    expect(ms).toBeLessThan(500);
  }, 30_000);

  it('refuses Tags nested too deeply instead of overflowing the stack', async () => {
    const deep = `{"a":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    const file = write('deep-tags.csv', csv([{ ...goodRow, Tags: deep }]));
    const { error } = await failure(file);
    expect(error.issue).toMatchObject({
      row: 1,
      column: 'Tags',
      rule: 'not-json',
    });
    expect(error.message).toMatch(/nests deeper than 64 levels$/);
  });
});

describe('finding 3: impossible or absurd values are refused', () => {
  it.each(['lenient', 'strict'] as const)(
    'refuses impossible calendar dates (%s)',
    async mode => {
      for (const [value, why] of [
        ['2024-02-30T00:00:00Z', 'February 2024 has 29 days'],
        ['2023-02-29 00:00:00', 'February 2023 has 28 days'],
        ['2024-04-31T10:00:00Z', 'April 2024 has 30 days'],
        ['2024-13-01T00:00:00Z', 'there is no month 13'],
        ['2024-01-01T25:00:00Z', 'there is no hour 25'],
        ['2024-01-01T23:60:00Z', 'there is no minute 60'],
        ['2024-01-01T23:59:61Z', 'there is no second 61'],
        ['2024-01-01T00:00:00+24:00', 'there is no UTC offset +24:00'],
      ]) {
        const file = write(
          `calendar-${mode}.csv`,
          csv([goodRow, { ...goodRow, ChargePeriodStart: value }]),
        );
        const { error } = await failure(file, { mode });
        expect(error.message).toBe(
          `${file}: row 2, column ChargePeriodStart: '${value}' is not a calendar date-time: ${why}`,
        );
        expect(error.issue.rule).toBe('not-datetime');
      }
      // Leap days that exist, and the end of a day as 24:00, are read.
      const file = write(
        `leap-${mode}.csv`,
        csv([
          {
            ...goodRow,
            ChargePeriodStart: '2024-02-29T00:00:00Z',
            ChargePeriodEnd: '2024-02-29T24:00:00Z',
          },
        ]),
      );
      const { rows } = await readAll(file, { mode });
      expect(rows[0].values.ChargePeriodStart).toBe('2024-02-29T00:00:00.000Z');
      expect(rows[0].values.ChargePeriodEnd).toBe('2024-03-01T00:00:00.000Z');
    },
  );

  it('checks BillingCurrency against ISO 4217', async () => {
    for (const mode of ['lenient', 'strict'] as const) {
      for (const bad of ['XXXX', 'US', 'U$D', '€']) {
        const file = write(
          'currency.csv',
          csv([{ ...goodRow, BillingCurrency: bad }]),
        );
        const { error } = await failure(file, { mode });
        expect(error.message).toBe(
          `${file}: row 1, column BillingCurrency: '${bad}' is not an ISO 4217 currency code (three letters)`,
        );
        expect(error.issue.rule).toBe('not-currency');
      }
    }
    // A well-formed code that is not an active one: kept and counted when
    // lenient (the list may lag a new currency), refused when strict.
    const unknown = write(
      'currency-unknown.csv',
      csv([{ ...goodRow, BillingCurrency: 'XYZ' }]),
    );
    const { reader } = await readAll(unknown);
    expect(reader.report.tolerated).toEqual({ 'unknown-currency': 1 });
    const strict = await failure(unknown, { mode: 'strict' });
    expect(strict.error.message).toMatch(
      /column BillingCurrency: 'XYZ' is not an active ISO 4217 currency code$/,
    );
    const lower = write(
      'currency-lower.csv',
      csv([{ ...goodRow, BillingCurrency: 'eur' }]),
    );
    const read = await readAll(lower);
    expect(read.rows[0].values.BillingCurrency).toBe('EUR');
    expect(read.reader.report.fixed).toEqual({ 'enum-case': 1 });
  });

  it('refuses non-finite and absurd amounts, naming row and column', async () => {
    for (const [value, message] of [
      ['1e308', `'1e308' is beyond ±1e+15 (limit maxAbsAmount)`],
      ['-2e15', `'-2e15' is beyond ±1e+15 (limit maxAbsAmount)`],
      ['1e999', `'1e999' is not a finite number`],
    ]) {
      const file = write(
        'amounts.csv',
        csv([goodRow, goodRow, { ...goodRow, EffectiveCost: value }]),
      );
      for (const mode of ['lenient', 'strict'] as const) {
        const { error } = await failure(file, { mode });
        expect(error.message).toBe(
          `${file}: row 3, column EffectiveCost: ${message}`,
        );
        expect(error.issue.rule).toBe('out-of-range');
      }
    }
    const quantity = write(
      'quantity.csv',
      csv([{ ...goodRow, PricingQuantity: '1e300' }]),
    );
    expect((await failure(quantity)).error.message).toMatch(
      /column PricingQuantity: '1e300' is beyond ±1e\+18 \(limit maxAbsQuantity\)$/,
    );
  });

  it('refuses a Parquet file whose leading or trailing magic number is wrong', async () => {
    const buffer = Buffer.from(
      parquetWriteBuffer({
        columnData: FOCUS_1_0_TEST_HEADER.map(name => ({
          name,
          type: 'STRING',
          data: [goodRow[name] ?? ''],
          nullable: true,
        })) as any,
      }),
    );
    expect((await readAll(write('good.parquet', buffer))).rows).toHaveLength(1);
    const head = Buffer.from(buffer);
    head.write('PAR0', 0);
    const badHead = write('bad-head.parquet', head);
    const { error } = await failure(badHead);
    expect(error.message).toBe(
      `${badHead}: row 0: not a Parquet file: it does not start with the magic number PAR1`,
    );
    expect(error.issue.rule).toBe('not-parquet');
    const tail = Buffer.from(buffer);
    tail.write('XXXX', tail.length - 4);
    const badTail = write('bad-tail.parquet', tail);
    expect((await failure(badTail)).error.message).toBe(
      `${badTail}: row 0: not a Parquet file: it does not end with the magic number PAR1`,
    );
  });
});

describe('finding 4: secrets stay out of messages', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const body = readFileSync(write('served.csv', csv([goodRow])));
    server = createServer((req, res) => {
      if (req.url?.startsWith('/ok.csv')) res.end(body);
      else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    base = `http://alice:s3cret-pw@127.0.0.1:${port}`;
  });
  afterAll(() => new Promise(r => server.close(r)));

  const signed =
    '?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20240101%2Fus-east-1%2Fs3%2Faws4_request' +
    '&X-Amz-Date=20240101T000000Z&X-Amz-Expires=3600&X-Amz-Security-Token=FQoGZXIvYXdzE-token' +
    '&X-Amz-SignedHeaders=host&X-Amz-Signature=0123456789abcdef0123456789abcdef';
  const secrets = [
    's3cret-pw',
    'alice',
    'AKIAEXAMPLE',
    'FQoGZXIvYXdzE-token',
    '0123456789abcdef',
  ];
  const expectNoSecret = (text: string) => {
    for (const secret of secrets) expect(text).not.toContain(secret);
  };

  it('keeps user info and signatures out of reports and errors', async () => {
    const { reader } = await readAll(`${base}/ok.csv${signed}`);
    expectNoSecret(reader.report.file);
    expect(reader.report.file).toMatch(
      /^http:\/\/\*\*\*@127\.0\.0\.1:\d+\/ok\.csv\?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=\*\*\*&.*X-Amz-Signature=\*\*\*$/,
    );

    const missing = `${base}/missing.csv${signed}`;
    const { error } = await failure(missing);
    expectNoSecret(error.message);
    expect(error.message).toMatch(/missing\.csv.*404/);

    const listed = await listFocusFiles(missing).catch(e => e as Error);
    expect(listed).toBeInstanceOf(Error);
    expectNoSecret((listed as Error).message);
    const parquet = await listFocusFiles(
      `${base}/missing.parquet${signed}`,
    ).catch(e => e as Error);
    expectNoSecret((parquet as Error).message);
  });
});
