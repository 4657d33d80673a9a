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

import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  listFocusFiles,
  type FinopsRecord,
  type FocusFileRef,
} from '@ai-finops/backstage-plugin-finops-node';
import { mockServices } from '@backstage/backend-test-utils';
import { csvQuote, FOCUS_1_0_TEST_HEADER } from '@ai-finops/test-utils';
import { FocusDataSource } from './FocusDataSource';

const dir = mkdtempSync(path.join(tmpdir(), 'focus-source-'));
const HEADER = [...FOCUS_1_0_TEST_HEADER, 'SkuId'];

function charge(values: Record<string, string>): Record<string, string> {
  return {
    BilledCost: '6',
    BillingAccountId: 'acct-1',
    BillingAccountName: 'Acme',
    BillingCurrency: 'USD',
    BillingPeriodEnd: '2026-12-01T00:00:00Z',
    BillingPeriodStart: '2026-11-01T00:00:00Z',
    ChargeCategory: 'Usage',
    ChargeClass: '',
    ChargeDescription: '$1.624 per On Demand Linux g5.4xlarge Instance Hour',
    ChargeFrequency: 'Usage-Based',
    ChargePeriodStart: '2026-11-02T00:00:00Z',
    ChargePeriodEnd: '2026-11-02T06:00:00Z',
    ContractedCost: '6',
    EffectiveCost: '3',
    InvoiceIssuerName: 'AWS',
    ListCost: '12',
    PricingQuantity: '6',
    PricingUnit: 'Hours',
    ProviderName: 'AWS',
    PublisherName: 'AWS',
    ServiceCategory: 'Compute',
    ServiceName: 'Amazon EC2',
    Tags: '{"app":"chat-llm"}',
    SkuId: 'G5-4XL',
    ...values,
  };
}

let mtime = 1_700_000_000;
function writeExport(name: string, rows: Array<Record<string, string>>) {
  const target = path.join(dir, name);
  writeFileSync(
    target,
    [
      HEADER.map(csvQuote).join(','),
      ...rows.map(r => HEADER.map(h => csvQuote(r[h] ?? '')).join(',')),
    ].join('\n'),
  );
  // A new modification time per write: the file's version.
  mtime += 60;
  utimesSync(target, mtime, mtime);
  return target;
}

/** listFocusFiles, counting how often each file is opened. */
function countingList() {
  const opened: string[] = [];
  const listFiles = async (location: string, options: object) =>
    (await listFocusFiles(location, options)).map(
      (ref): FocusFileRef => ({
        ...ref,
        open: signal => {
          opened.push(path.basename(ref.uri));
          return ref.open(signal);
        },
      }),
    );
  return { opened, listFiles };
}

async function readWindow(source: FocusDataSource, start: string, end: string) {
  const records: FinopsRecord[] = [];
  for await (const record of source.read({
    window: { start: new Date(start), end: new Date(end) },
    logger: mockServices.logger.mock(),
  })) {
    records.push(record);
  }
  return records;
}

const amounts = (records: FinopsRecord[]) =>
  records.map(r =>
    r.type === 'cost'
      ? [r.hour.slice(11, 13), r.billedCost, r.effectiveCost, r.listCost]
      : [],
  );

describe('FocusDataSource', () => {
  it('spreads each charge over its hours and emits those inside the window', async () => {
    const folder = path.join(dir, 'spread');
    require('node:fs').mkdirSync(folder);
    writeExport('spread/a.csv', [charge({})]);
    writeExport('spread/b.csv', [
      charge({
        BilledCost: '1',
        EffectiveCost: '1',
        ListCost: '1',
        PricingQuantity: '1',
        ChargePeriodStart: '2026-11-02T03:00:00Z',
        ChargePeriodEnd: '2026-11-02T04:00:00Z',
      }),
    ]);
    const source = new FocusDataSource({ location: folder });
    const records = await readWindow(
      source,
      '2026-11-02T02:00:00Z',
      '2026-11-02T05:00:00Z',
    );
    // Both files' charges for 03:00 land in the same fact.
    expect(amounts(records)).toEqual([
      ['02', 1, 0.5, 2],
      ['03', 2, 1.5, 3],
      ['04', 1, 0.5, 2],
    ]);
    expect(records[0]).toEqual({
      type: 'cost',
      hour: '2026-11-02T02:00:00.000Z',
      category: 'gpu',
      gpuModel: 'NVIDIA-A10G',
      workload: 'Amazon EC2',
      currency: 'USD',
      tags: { app: 'chat-llm' },
      labels: {
        'focus.ai-finops.io/provider': 'AWS',
        'focus.ai-finops.io/service-category': 'Compute',
        'focus.ai-finops.io/charge-category': 'Usage',
      },
      billedCost: 1,
      effectiveCost: 0.5,
      listCost: 2,
    });
    expect(source.lastRead).toEqual({
      read: 2,
      cached: 0,
      skipped: 0,
      rows: 2,
    });
  });

  it('reads a file version once: later windows come from its cached facts, a new version is read again', async () => {
    const file = writeExport('cached.csv', [
      charge({
        ChargePeriodStart: '2026-11-02T00:00:00Z',
        ChargePeriodEnd: '2026-11-04T00:00:00Z',
        BilledCost: '48',
      }),
    ]);
    const { opened, listFiles } = countingList();
    const source = new FocusDataSource({ location: file, listFiles });

    expect(
      await readWindow(source, '2026-11-02T00:00:00Z', '2026-11-03T00:00:00Z'),
    ).toHaveLength(24);
    const second = await readWindow(
      source,
      '2026-11-03T00:00:00Z',
      '2026-11-04T00:00:00Z',
    );
    expect(second).toHaveLength(24);
    expect(second.every(r => r.type === 'cost' && r.billedCost === 1)).toBe(
      true,
    );
    expect(source.lastRead).toMatchObject({ read: 0, cached: 1 });
    expect(opened).toEqual(['cached.csv']);

    // The provider rewrites the export: the new version is read.
    writeExport('cached.csv', [
      charge({
        ChargePeriodStart: '2026-11-02T00:00:00Z',
        ChargePeriodEnd: '2026-11-04T00:00:00Z',
        BilledCost: '96',
      }),
    ]);
    const revised = await readWindow(
      source,
      '2026-11-03T00:00:00Z',
      '2026-11-04T00:00:00Z',
    );
    expect(revised.every(r => r.type === 'cost' && r.billedCost === 2)).toBe(
      true,
    );
    expect(opened).toEqual(['cached.csv', 'cached.csv']);
  });

  it('skips a known file version whose charges lie outside the window, even without the fact cache', async () => {
    const file = writeExport('range.csv', [charge({})]);
    const { opened, listFiles } = countingList();
    const source = new FocusDataSource({
      location: file,
      listFiles,
      cacheFacts: 0,
    });

    await readWindow(source, '2026-11-02T00:00:00Z', '2026-11-03T00:00:00Z');
    expect(
      await readWindow(source, '2026-11-05T00:00:00Z', '2026-11-06T00:00:00Z'),
    ).toEqual([]);
    expect(source.lastRead).toMatchObject({ read: 0, skipped: 1 });
    expect(
      await readWindow(source, '2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z'),
    ).toEqual([]);
    // Overlapping again, and nothing cached: read again.
    expect(
      await readWindow(source, '2026-11-02T05:00:00Z', '2026-11-02T06:00:00Z'),
    ).toHaveLength(1);
    expect(opened).toEqual(['range.csv', 'range.csv']);
  });

  it("keeps only the window's hours of a file whose facts exceed the cache", async () => {
    const file = writeExport('big.csv', [charge({})]);
    const { opened, listFiles } = countingList();
    const source = new FocusDataSource({
      location: file,
      listFiles,
      cacheFacts: 2,
    });
    expect(
      amounts(
        await readWindow(
          source,
          '2026-11-02T01:00:00Z',
          '2026-11-02T03:00:00Z',
        ),
      ),
    ).toEqual([
      ['01', 1, 0.5, 2],
      ['02', 1, 0.5, 2],
    ]);
    expect(
      amounts(
        await readWindow(
          source,
          '2026-11-02T03:00:00Z',
          '2026-11-02T04:00:00Z',
        ),
      ),
    ).toEqual([['03', 1, 0.5, 2]]);
    expect(opened).toEqual(['big.csv', 'big.csv']);
  });

  it('logs what the lenient validator fixed, and keeps the report', async () => {
    const file = writeExport('quirks.csv', [
      charge({
        ChargeClass: 'NULL',
        ChargePeriodStart: '2026-11-02 00:00:00',
        ChargeCategory: 'usage',
      }),
    ]);
    const source = new FocusDataSource({ location: file });
    const logger = mockServices.logger.mock();
    for await (const _ of source.read({
      window: {
        start: new Date('2026-11-02T00:00:00Z'),
        end: new Date('2026-11-03T00:00:00Z'),
      },
      logger,
    })) {
      // drain
    }
    expect(logger.info).toHaveBeenCalledWith(
      `${file}: FOCUS 1.0, 1 rows, lenient; fixed: datetime-format 1, enum-case 1, null-literal 1`,
    );
    expect(source.reports.get(file)).toMatchObject({
      rows: 1,
      fixed: { 'null-literal': 1 },
    });
  });

  it('fails in strict mode at the first quirk, naming the file, row and column', async () => {
    const file = writeExport('strict.csv', [
      charge({}),
      charge({ ChargeClass: 'NULL' }),
    ]);
    const source = new FocusDataSource({ location: file, mode: 'strict' });
    await expect(
      readWindow(source, '2026-11-02T00:00:00Z', '2026-11-03T00:00:00Z'),
    ).rejects.toThrow(
      `${file}: row 2, column ChargeClass: literal 'NULL' read as null (rejected in strict mode)`,
    );
  });

  it('fails naming the file and row when a charge ends before it starts', async () => {
    const file = writeExport('backwards.csv', [
      charge({}),
      charge({ ChargePeriodEnd: '2026-11-01T00:00:00Z' }),
    ]);
    const source = new FocusDataSource({ location: file });
    await expect(
      readWindow(source, '2026-11-02T00:00:00Z', '2026-11-03T00:00:00Z'),
    ).rejects.toThrow(
      `${file}: row 2, column ChargePeriodEnd: ChargePeriodEnd 2026-11-01T00:00:00.000Z is before ChargePeriodStart 2026-11-02T00:00:00.000Z`,
    );
  });

  it('fails naming the location when it holds no export', async () => {
    const source = new FocusDataSource({
      location: path.join(dir, 'nowhere', '*.csv'),
    });
    await expect(
      readWindow(source, '2026-11-02T00:00:00Z', '2026-11-03T00:00:00Z'),
    ).rejects.toThrow(/nowhere/);
  });
});
