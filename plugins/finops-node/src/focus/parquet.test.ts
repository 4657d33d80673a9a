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

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { parse } from 'csv-parse/sync';
import {
  asyncBufferFromFile,
  parquetMetadata,
  parquetMetadataAsync,
} from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
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
  type FocusValidationReport,
} from './FocusReader';
import { listFocusFiles } from './locations';
import { PARQUET_ROW_WINDOW, readPageHeader } from './parquet';
import { FOCUS_TEST_ROW } from './__testUtils__/focusTestRows';

const dir = mkdtempSync(path.join(tmpdir(), 'focus-parquet-'));

type Cell = string | number | Date | null | Record<string, unknown>;
interface Column {
  name: string;
  data: Cell[];
  type: 'STRING' | 'DOUBLE' | 'TIMESTAMP' | 'JSON';
}

/** Writes a real Parquet file with hyparquet-writer. */
async function writeParquet(
  name: string,
  columns: Column[],
  options: {
    rowGroupSize?: number;
    codec?: 'SNAPPY' | 'GZIP' | 'ZSTD';
    pageSize?: number;
    encoding?: 'PLAIN';
  } = {},
): Promise<string> {
  const compressors = {
    GZIP: (input: Uint8Array) => new Uint8Array(zlib.gzipSync(input)),
    ZSTD: (input: Uint8Array) =>
      new Uint8Array((zlib as any).zstdCompressSync(input)),
  };
  const buffer = parquetWriteBuffer({
    columnData: columns.map(c => ({
      ...c,
      nullable: true,
      encoding: options.encoding,
    })) as any,
    rowGroupSize: options.rowGroupSize,
    pageSize: options.pageSize,
    codec: options.codec,
    compressors,
  });
  const target = path.join(dir, name);
  writeFileSync(target, Buffer.from(buffer));
  return target;
}

async function readAll(reader: FocusReader, source: any): Promise<FocusRow[]> {
  const rows: FocusRow[] = [];
  for await (const row of reader.read(source)) rows.push(row);
  return rows;
}

const withoutFile = (report: FocusValidationReport) => ({
  ...report,
  file: undefined,
});

const goodRow: Record<string, string> = { ...FOCUS_TEST_ROW };

/** The same rows as a CSV file and as a Parquet file of text columns. */
async function sameRowsBothWays(
  name: string,
  rows: Array<Record<string, string>>,
  header: readonly string[] = FOCUS_1_0_TEST_HEADER,
) {
  const csv = path.join(dir, `${name}.csv`);
  writeFileSync(
    csv,
    [
      header.map(csvQuote).join(','),
      ...rows.map(r => header.map(h => csvQuote(r[h] ?? '')).join(',')),
    ].join('\n'),
  );
  const parquet = await writeParquet(
    `${name}.parquet`,
    header.map(h => ({
      name: h,
      type: 'STRING',
      data: rows.map(r => r[h] ?? ''),
    })),
  );
  return { csv, parquet };
}

describe('FocusReader on Parquet', () => {
  it('reads text columns as the CSV path reads the same text, quirks and all', async () => {
    const { csv, parquet } = await sameRowsBothWays('quirks', [
      goodRow,
      {
        ...goodRow,
        ChargeClass: 'NULL',
        ChargeFrequency: 'usage-based',
        ChargePeriodStart: '2026-11-02 00:00:00',
        ListCost: '$1,013.50 ',
      },
    ]);
    const fromCsv = new FocusReader();
    const fromParquet = new FocusReader();
    const csvRows = await readAll(fromCsv, csv);
    expect(await readAll(fromParquet, parquet)).toEqual(csvRows);
    expect(csvRows[1].values.ListCost).toBe(1013.5);
    expect(withoutFile(fromParquet.report)).toEqual(
      withoutFile(fromCsv.report),
    );
    expect(fromParquet.report.file).toBe(parquet);
    expect(fromParquet.report.fixed).toEqual({
      'null-literal': 1,
      'enum-case': 1,
      'datetime-format': 1,
      'number-format': 1,
    });
  });

  it('reads typed columns (DOUBLE, TIMESTAMP, JSON, nulls) to the same values, in every codec and row group', async () => {
    const { csv } = await sameRowsBothWays('typed', [
      goodRow,
      { ...goodRow, BilledCost: '-1.25e1', ChargeClass: 'Correction' },
      { ...goodRow, Tags: '{}', ChargeDescription: '' },
    ]);
    const csvRows = await readAll(new FocusReader(), csv);
    const columns: Column[] = FOCUS_1_0_TEST_HEADER.map(name => {
      const data = csvRows.map(r => r.values[name]);
      if (/Cost$|Quantity$/.test(name)) return { name, type: 'DOUBLE', data };
      if (name === 'Tags') {
        return {
          name,
          type: 'JSON',
          data: data.map(v => JSON.parse(String(v))),
        };
      }
      if (/Period(Start|End)$/.test(name)) {
        return {
          name,
          type: 'TIMESTAMP',
          data: data.map(v => (v === null ? null : new Date(String(v)))),
        };
      }
      return { name, type: 'STRING', data };
    });
    for (const codec of ['SNAPPY', 'GZIP', 'ZSTD'] as const) {
      const parquet = await writeParquet(`typed-${codec}.parquet`, columns, {
        codec,
        rowGroupSize: 2,
      });
      const reader = new FocusReader({ mode: 'strict' });
      expect(await readAll(reader, parquet)).toEqual(csvRows);
      expect(reader.report).toMatchObject({ rows: 3, issues: [], fixed: {} });
    }
  });

  it('reads a large row group a window of rows at a time through its offset indexes', async () => {
    const count = 2 * PARQUET_ROW_WINDOW + 100;
    const hour = (i: number) =>
      new Date(Date.UTC(2026, 10, 1) + (i % 720) * 3_600_000)
        .toISOString()
        .replace('.000', '');
    const rows: Array<Record<string, string>> = Array.from(
      { length: count },
      (_, i) => ({
        ...goodRow,
        BilledCost: String((i % 1000) / 8),
        ChargePeriodStart: hour(i),
        ChargePeriodEnd: hour(i + 1),
        ChargeDescription: `instance ${i}`,
        ChargeClass: i % 7 === 0 ? 'Correction' : '',
      }),
    );
    const csv = path.join(dir, 'windows.csv');
    writeFileSync(
      csv,
      [
        FOCUS_1_0_TEST_HEADER.map(csvQuote).join(','),
        ...rows.map(r =>
          FOCUS_1_0_TEST_HEADER.map(h => csvQuote(r[h] ?? '')).join(','),
        ),
      ].join('\n'),
    );
    // Plain encoding and small pages: every column chunk has several pages,
    // and so an offset index.
    const parquet = await writeParquet(
      'windows.parquet',
      FOCUS_1_0_TEST_HEADER.map(h => ({
        name: h,
        type: 'STRING',
        data: rows.map(r => r[h] ?? ''),
      })),
      { rowGroupSize: count, pageSize: 16_384, encoding: 'PLAIN' },
    );
    const metadata = await parquetMetadataAsync(
      await asyncBufferFromFile(parquet),
    );
    expect(metadata.row_groups).toHaveLength(1);
    expect(
      metadata.row_groups[0].columns.every(c => c.offset_index_length),
    ).toBe(true);
    const fromParquet = new FocusReader();
    const parquetRows = await readAll(fromParquet, parquet);
    expect(parquetRows).toHaveLength(count);
    expect(parquetRows).toEqual(await readAll(new FocusReader(), csv));
  }, 60_000);

  it('reports nulls in non-nullable columns as the CSV path does', async () => {
    const columns: Column[] = FOCUS_1_0_TEST_HEADER.map(name => ({
      name,
      type: 'STRING',
      data: [name === 'BillingCurrency' ? null : goodRow[name]],
    }));
    const parquet = await writeParquet('null-key.parquet', columns);
    await expect(readAll(new FocusReader(), parquet)).rejects.toThrow(
      `${parquet}: row 1, column BillingCurrency: BillingCurrency must not be null`,
    );
  });

  it('names the file when it is not Parquet or is cut short', async () => {
    const { parquet } = await sameRowsBothWays('whole', [goodRow]);
    const bytes = readFileSync(parquet);

    const truncated = path.join(dir, 'truncated.parquet');
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 20));
    const reader = new FocusReader();
    await expect(readAll(reader, truncated)).rejects.toThrow(
      `${truncated}: row 0: not a Parquet file: it does not end with the magic number PAR1`,
    );
    expect(reader.report.issues).toMatchObject([
      { row: 0, rule: 'not-parquet', fixed: false },
    ]);

    const csvText = path.join(dir, 'text.parquet');
    writeFileSync(csvText, 'BilledCost\n1\n');
    await expect(readAll(new FocusReader(), csvText)).rejects.toThrow(
      /text\.parquet: row 0: not a Parquet file: it does not start with the magic number PAR1$/,
    );
    // The footer cut, both magic numbers in place.
    const footless = path.join(dir, 'footless.parquet');
    writeFileSync(
      footless,
      Buffer.concat([bytes.subarray(0, 4), bytes.subarray(bytes.length - 20)]),
    );
    await expect(readAll(new FocusReader(), footless)).rejects.toThrow(
      /footless\.parquet: row 0: not readable as Parquet: /,
    );

    const missing = path.join(dir, 'missing.parquet');
    await expect(readAll(new FocusReader(), missing)).rejects.toThrow(
      /missing\.parquet: row 0: cannot be read: ENOENT/,
    );
  });

  it('refuses pages whose headers or runs declare more values than their column chunk holds', async () => {
    // hyparquet trusts both: a data page header declaring a billion values,
    // or a run of a billion values in a few bytes of levels, made it fill
    // arrays that long, synchronously (found by FocusReader.fuzz.test.ts).
    const { parquet } = await sameRowsBothWays('pages', [goodRow, goodRow]);
    const bytes = readFileSync(parquet);
    const metadata = parquetMetadata(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
    );
    const chunk = metadata.row_groups[0].columns.find(
      c => c.meta_data?.path_in_schema[0] === 'BilledCost',
    )!.meta_data!;
    const page = Number(chunk.data_page_offset);
    const header = readPageHeader(bytes, page);
    expect(header).toMatchObject({ numValues: 2, definitionBytes: 2 });
    // The definition levels: one bit-packed group of 8 (header 1 << 1 | 1),
    // bits 11.
    const levels = page + header.length;
    expect([...bytes.subarray(levels, levels + 2)]).toEqual([3, 3]);

    const longRun = Buffer.from(bytes);
    longRun[levels] = 63 << 1; // a run of 63 levels of 1, in the same 2 bytes
    longRun[levels + 1] = 1;
    const runFile = path.join(dir, 'long-run.parquet');
    writeFileSync(runFile, longRun);
    await expect(readAll(new FocusReader(), runFile)).rejects.toThrow(
      `${runFile}: row 1: not readable as Parquet: column BilledCost: a data page with a run of 63 values, more than the 2 left`,
    );

    // num_values is the first field of data_page_header_v2: 2 → 63.
    const values = Buffer.from(bytes);
    const at = values.indexOf(Buffer.from([0x15, 0x04]), page);
    expect(at).toBeGreaterThan(page);
    expect(at).toBeLessThan(levels);
    values[at + 1] = 0x7e;
    const valuesFile = path.join(dir, 'many-values.parquet');
    writeFileSync(valuesFile, values);
    await expect(readAll(new FocusReader(), valuesFile)).rejects.toThrow(
      `${valuesFile}: row 1: not readable as Parquet: column BilledCost: a data page declares 63 values, more than the 2 of its column chunk`,
    );
  });

  it('reads Parquet over HTTP by ranges, without ranges, and from a stream', async () => {
    const { csv, parquet } = await sameRowsBothWays('remote', [
      goodRow,
      { ...goodRow, BilledCost: '3' },
    ]);
    const csvRows = await readAll(new FocusReader(), csv);
    const bytes = readFileSync(parquet);
    const ranges: string[] = [];
    let acceptRanges = true;
    const server: Server = createServer((req, res) => {
      const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
      if (range && acceptRanges) {
        ranges.push(req.headers.range!);
        const [start, end] = [Number(range[1]), Number(range[2])];
        res.writeHead(206, {
          'accept-ranges': 'bytes',
          'content-range': `bytes ${start}-${end}/${bytes.length}`,
        });
        res.end(bytes.subarray(start, end + 1));
        return;
      }
      res.writeHead(200, {
        'content-length': bytes.length,
        ...(acceptRanges ? { 'accept-ranges': 'bytes' } : {}),
      });
      res.end(req.method === 'HEAD' ? undefined : bytes);
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    const url = `http://127.0.0.1:${port}/exports/focus.parquet`;
    try {
      expect(await readAll(new FocusReader(), url)).toEqual(csvRows);
      expect(ranges.length).toBeGreaterThan(0);

      acceptRanges = false;
      const [ref] = await listFocusFiles(url);
      expect(ref.readRange).toBeUndefined();
      expect(await readAll(new FocusReader(), ref)).toEqual(csvRows);
    } finally {
      server.closeAllConnections();
      server.close();
    }
    // A stream has no name to go by: the PAR1 magic number tells.
    expect(
      await readAll(
        new FocusReader(),
        Readable.from([bytes.subarray(0, 2), bytes.subarray(2)]),
      ),
    ).toEqual(csvRows);
  });
});

describeWithSharedData(
  'focus-sample-data-1.0',
  'FocusReader on the FOCUS sample as Parquet',
  () => {
    it('gives the same rows and report as the CSV', async () => {
      const sample = path.join(
        sharedDataPath(),
        'focus-sample-data-1.0',
        'focus_sample.csv',
      );
      const [header, ...records]: string[][] = parse(readFileSync(sample), {
        bom: true,
      });
      const parquet = await writeParquet(
        'focus_sample.parquet',
        header.map((name, i) => ({
          name,
          type: 'STRING',
          data: records.map(r => r[i]),
        })),
        { rowGroupSize: 300 },
      );
      const fromCsv = new FocusReader();
      const fromParquet = new FocusReader();
      const csvRows = await readAll(fromCsv, sample);
      const parquetRows = await readAll(fromParquet, parquet);
      expect(parquetRows).toHaveLength(1000);
      expect(parquetRows).toEqual(csvRows);
      expect(withoutFile(fromParquet.report)).toEqual(
        withoutFile(fromCsv.report),
      );
      expect(fromParquet.report.fixed['datetime-format']).toBe(4000);

      await expect(
        readAll(new FocusReader({ mode: 'strict' }), parquet),
      ).rejects.toBeInstanceOf(FocusValidationError);
    });
  },
);
