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
  mkdirSync,
  mkdtempSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  DatabaseFinopsStore,
  FOCUS_LABELS,
  listFocusFiles,
  type FocusFileRef,
} from '@ai-finops/backstage-plugin-finops-node';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { csvQuote, FOCUS_1_0_TEST_HEADER } from '@ai-finops/test-utils';
import type { Knex } from 'knex';
import { FocusDataSource } from './FocusDataSource';

jest.setTimeout(60_000);

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

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

async function setup() {
  const knex = await databases.init('SQLITE_3');
  const store = await DatabaseFinopsStore.create({
    database: mockServices.database({ knex }),
  });
  const logger = mockServices.logger.mock();
  return { knex, store, logger };
}

/** The source's hourly cost facts: [hour, billed, effective, list]. */
async function facts(knex: Knex, source = 'focus') {
  const rows = await knex('finops_cost_facts_hourly')
    .where({ source })
    .orderBy('hour');
  return rows.map(r => [
    new Date(
      typeof r.hour === 'string' && /^\d+$/.test(r.hour)
        ? Number(r.hour)
        : r.hour,
    )
      .toISOString()
      .slice(11, 13),
    Number(r.billed_cost_nanos) / 1e9,
    Number(r.effective_cost_nanos) / 1e9,
    Number(r.list_cost_nanos) / 1e9,
  ]);
}

async function billedTotal(store: DatabaseFinopsStore) {
  const [total] = await store.queryBillingCosts({ groupBy: [] });
  return total?.billedCost;
}

describe('FocusDataSource', () => {
  it('is a billing-export source', () => {
    expect(new FocusDataSource({ location: '/x.csv' }).kind).toBe(
      'billing-export',
    );
  });

  it('stores the charges of all files and derives the hourly facts from them', async () => {
    const folder = path.join(dir, 'spread');
    mkdirSync(folder);
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
    const { knex, store, logger } = await setup();
    const source = new FocusDataSource({ location: folder });
    const stored = await source.ingest({ store, logger });

    expect(stored).toMatchObject({
      rows: 2,
      billingPeriods: ['2026-11-01T00:00:00.000Z'],
      costFacts: 6,
    });
    // The FOCUS-native view keeps each charge.
    await expect(
      store.queryBillingCosts({ groupBy: ['ChargePeriodStart'] }),
    ).resolves.toEqual([
      {
        group: { ChargePeriodStart: '2026-11-02T00:00:00.000Z' },
        billedCost: 6,
        effectiveCost: 3,
        listCost: 12,
      },
      {
        group: { ChargePeriodStart: '2026-11-02T03:00:00.000Z' },
        billedCost: 1,
        effectiveCost: 1,
        listCost: 1,
      },
    ]);
    // Each charge is spread over the hours of its period; both files'
    // charges for 03:00 land in the same fact.
    expect(await facts(knex)).toEqual([
      ['00', 1, 0.5, 2],
      ['01', 1, 0.5, 2],
      ['02', 1, 0.5, 2],
      ['03', 2, 1.5, 3],
      ['04', 1, 0.5, 2],
      ['05', 1, 0.5, 2],
    ]);
    const [first] = await knex('finops_cost_facts_hourly')
      .where({ source: 'focus' })
      .orderBy('hour')
      .limit(1);
    expect({
      ...first,
      labels: JSON.parse(first.labels),
      tags: JSON.parse(first.tags),
    }).toMatchObject({
      category: 'gpu',
      gpu_model: 'NVIDIA-A10G',
      workload: 'Amazon EC2',
      currency: 'USD',
      tags: { app: 'chat-llm' },
      labels: {
        [FOCUS_LABELS.provider]: 'AWS',
        [FOCUS_LABELS.serviceCategory]: 'Compute',
        [FOCUS_LABELS.chargeCategory]: 'Usage',
      },
    });
    // The run over the hours whose facts were derived.
    await expect(
      store.listIngestionRuns({ sourceId: 'focus' }),
    ).resolves.toEqual([
      expect.objectContaining({
        status: 'succeeded',
        windowStart: new Date('2026-11-02T00:00:00Z'),
        windowEnd: new Date('2026-11-02T06:00:00Z'),
        costRows: 6,
      }),
    ]);
    expect(source.lastIngest).toEqual({
      files: 2,
      unchanged: false,
      stored,
    });
  });

  it('reads unchanged files once; a new version replaces the billing period it carries', async () => {
    const file = writeExport('versions.csv', [
      charge({
        ChargePeriodStart: '2026-11-02T00:00:00Z',
        ChargePeriodEnd: '2026-11-04T00:00:00Z',
        BilledCost: '48',
      }),
    ]);
    const { opened, listFiles } = countingList();
    const { knex, store, logger } = await setup();
    const source = new FocusDataSource({ location: file, listFiles });

    await source.ingest({ store, logger });
    await expect(source.ingest({ store, logger })).resolves.toBeUndefined();
    expect(source.lastIngest).toEqual({ files: 1, unchanged: true });
    expect(opened).toEqual(['versions.csv']);
    expect(await billedTotal(store)).toBe(48);

    // The provider rewrites the export: the new version replaces the old.
    writeExport('versions.csv', [
      charge({
        ChargePeriodStart: '2026-11-02T00:00:00Z',
        ChargePeriodEnd: '2026-11-04T00:00:00Z',
        BilledCost: '96',
      }),
    ]);
    await source.ingest({ store, logger });
    expect(opened).toEqual(['versions.csv', 'versions.csv']);
    expect(await billedTotal(store)).toBe(96);
    const hourly = await facts(knex);
    expect(hourly).toHaveLength(48);
    expect(hourly.every(([, billed]) => billed === 2)).toBe(true);
  });

  it('logs what the lenient validator fixed, and keeps the report', async () => {
    const file = writeExport('quirks.csv', [
      charge({
        ChargeClass: 'NULL',
        ChargePeriodStart: '2026-11-02 00:00:00',
        ChargeCategory: 'usage',
      }),
    ]);
    const { store, logger } = await setup();
    const source = new FocusDataSource({ location: file });
    await source.ingest({ store, logger });
    expect(logger.info).toHaveBeenCalledWith(
      `${file}: FOCUS 1.0, 1 rows, lenient; fixed: datetime-format 1, enum-case 1, null-literal 1`,
    );
    expect(source.reports.get(file)).toMatchObject({
      rows: 1,
      fixed: { 'null-literal': 1 },
    });
  });

  it('fails in strict mode at the first quirk, naming the file, row and column, and stores nothing', async () => {
    const file = writeExport('strict.csv', [
      charge({}),
      charge({ ChargeClass: 'NULL' }),
    ]);
    const { knex, store, logger } = await setup();
    const source = new FocusDataSource({ location: file, mode: 'strict' });
    await expect(source.ingest({ store, logger })).rejects.toThrow(
      `${file}: row 2, column ChargeClass: literal 'NULL' read as null (rejected in strict mode)`,
    );
    expect(await billedTotal(store)).toBe(0);
    expect(await facts(knex)).toEqual([]);
  });

  it('fails naming the row when a charge ends before it starts, and stores nothing', async () => {
    const file = writeExport('backwards.csv', [
      charge({}),
      charge({ ChargePeriodEnd: '2026-11-01T00:00:00Z' }),
    ]);
    const { store, logger } = await setup();
    const source = new FocusDataSource({ location: file });
    await expect(source.ingest({ store, logger })).rejects.toThrow(
      'row 2, column ChargePeriodEnd: ChargePeriodEnd 2026-11-01T00:00:00.000Z is before ChargePeriodStart 2026-11-02T00:00:00.000Z',
    );
    expect(await billedTotal(store)).toBe(0);
  });

  it('fails naming the location when it holds no export', async () => {
    const { store, logger } = await setup();
    const source = new FocusDataSource({
      location: path.join(dir, 'nowhere', '*.csv'),
    });
    await expect(source.ingest({ store, logger })).rejects.toThrow(/nowhere/);
  });

  it('stores a folder with a link loop once and warns about what it skipped', async () => {
    const folder = path.join(dir, 'looped');
    mkdirSync(folder);
    writeExport('looped/a.csv', [charge({})]);
    symlinkSync('.', path.join(folder, 'loop'));
    const { store, logger } = await setup();
    const source = new FocusDataSource({ location: folder });
    expect(await source.ingest({ store, logger })).toMatchObject({ rows: 1 });
    expect(await billedTotal(store)).toBe(6);
    expect(logger.warn).toHaveBeenCalledWith(
      `FOCUS source 'focus': skipped ${path.join(
        folder,
        'loop',
      )} at ${folder}: a link to a folder already listed (${folder}, a link loop)`,
    );
  });

  it('reads limits from config and refuses input past them', async () => {
    const file = writeExport('limited.csv', [charge({}), charge({})]);
    const config = (limits: object) =>
      new ConfigReader({
        finops: { focus: { exports: [{ location: file, limits }] } },
      });
    const [source] = FocusDataSource.fromConfig(config({ maxRows: 1 }));
    expect(source.limits).toEqual({ maxRows: 1 });
    const { store, logger } = await setup();
    await expect(source.ingest({ store, logger })).rejects.toThrow(
      `${file}: row 2: more than 1 data rows (limit maxRows)`,
    );
    expect(await billedTotal(store)).toBe(0);
    expect(() => FocusDataSource.fromConfig(config({ maxRow: 1 }))).toThrow(
      /finops\.focus\.exports\[0\]\.limits\.maxRow is not a FOCUS reader limit; use one of maxRecordChars, /,
    );
    expect(() => FocusDataSource.fromConfig(config({ maxRows: 0 }))).toThrow(
      'finops.focus.exports[0].limits.maxRows must be a positive number, got 0',
    );
  });

  it('keeps credentials in its location out of logs and errors', async () => {
    const { store, logger } = await setup();
    const source = new FocusDataSource({
      location: 'http://alice:s3cret@127.0.0.1:1/focus.csv?X-Amz-Signature=abc',
      listFiles: async () => [],
    });
    await source.ingest({ store, logger }).catch(() => undefined);
    const logged = JSON.stringify([
      logger.info.mock.calls,
      logger.warn.mock.calls,
    ]);
    expect(logged).toContain('http://***@127.0.0.1:1/focus.csv');
    expect(logged).not.toMatch(/alice|s3cret|=abc/);

    const direct = new FocusDataSource({
      location: 'http://alice:s3cret@127.0.0.1:1/focus.csv?X-Amz-Signature=abc',
    });
    const error = await direct.ingest({ store, logger }).catch(e => e);
    expect(error.message).toMatch(
      /^http:\/\/\*\*\*@127\.0\.0\.1:1\/focus\.csv/,
    );
    expect(error.message).not.toMatch(/alice|s3cret|=abc/);
  });

  it('stores nothing once its task is aborted', async () => {
    const file = writeExport('aborted.csv', [charge({})]);
    const { store, logger } = await setup();
    const source = new FocusDataSource({ location: file });
    const controller = new AbortController();
    controller.abort();
    await expect(
      source.ingest({ store, logger, signal: controller.signal }),
    ).rejects.toThrow();
    expect(await billedTotal(store)).toBe(0);
  });
});
