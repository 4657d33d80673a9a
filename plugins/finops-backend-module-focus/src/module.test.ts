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
  readCsvRecords,
  sharedDataPath,
  startDataSourceModule,
} from '@ai-finops/test-utils';
// The test runs this module inside the real backend plugin and reads its store.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import finopsPlugin from '@ai-finops/backstage-plugin-finops-backend';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import {
  DatabaseFinopsStore,
  FOCUS_LABELS,
} from '@ai-finops/backstage-plugin-finops-node';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { FocusDataSource } from './FocusDataSource';
import { finopsModuleFocus } from './module';

const start = (config: object) =>
  startDataSourceModule(finopsModuleFocus, config);

describe('finopsModuleFocus', () => {
  it('adds nothing without finops.focus.exports', async () => {
    expect((await start({})).added).toEqual([]);
    expect((await start({ finops: { focus: { exports: [] } } })).added).toEqual(
      [],
    );
  });

  it('adds one source per export, with its settings', async () => {
    const { added, logger } = await start({
      finops: {
        focus: {
          exports: [
            {
              location: 's3://billing/focus/',
              s3: { region: 'eu-west-1' },
              schedule: { frequency: { hours: 6 }, timeout: { hours: 1 } },
              windowSize: { months: 1 },
              lookback: '5d',
            },
            {
              id: 'azure',
              location: '/exports/azure/*.csv.gz',
              mode: 'strict',
              workload: 'ResourceId',
            },
            { location: 'https://billing.example.com/focus.csv' },
          ],
        },
      },
    });
    expect(added.map(s => s.id)).toEqual(['focus', 'azure', 'focus-3']);
    expect(added[0]).toBeInstanceOf(FocusDataSource);
    expect(added[0]).toMatchObject({
      kind: 'billing-export',
      location: 's3://billing/focus/',
      mode: 'lenient',
      schedule: { frequency: { hours: 6 }, timeout: { hours: 1 } },
      workload: 'ServiceName',
    });
    expect(added[1]).toMatchObject({
      mode: 'strict',
      workload: 'ResourceId',
    });
    expect(logger.info).toHaveBeenCalledWith(
      "AI FinOps FOCUS source 'azure' reads /exports/azure/*.csv.gz (strict)",
    );
    // The windowed source's settings no longer apply: the whole export is
    // stored on every run.
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^finops\.focus\.exports\[0\]\.windowSize is ignored/,
      ),
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^finops\.focus\.exports\[0\]\.lookback is ignored/,
      ),
    );
  });

  it('hands the S3 settings to the location listing', async () => {
    const listFiles = jest.fn().mockResolvedValue([]);
    const [source] = FocusDataSource.fromConfig(
      new ConfigReader({
        finops: {
          focus: {
            exports: [
              {
                location: 's3://billing/focus/',
                s3: {
                  region: 'eu-west-1',
                  endpoint: 'http://127.0.0.1:9000',
                  forcePathStyle: true,
                  credentials: { accessKeyId: 'AKIA', secretAccessKey: 'shh' },
                },
              },
            ],
          },
        },
      }),
      { listFiles },
    );
    const store = { replaceBillingCharges: jest.fn() };
    // Nothing listed, and no version to compare: the empty export is stored.
    store.replaceBillingCharges.mockResolvedValue({
      rows: 0,
      billingPeriods: [],
      costFacts: 0,
    });
    await source.ingest({ store, logger: mockServices.logger.mock() });
    expect(listFiles).toHaveBeenCalledWith('s3://billing/focus/', {
      s3: {
        region: 'eu-west-1',
        endpoint: 'http://127.0.0.1:9000',
        forcePathStyle: true,
        credentials: {
          accessKeyId: 'AKIA',
          secretAccessKey: 'shh',
          sessionToken: undefined,
        },
      },
      signal: undefined,
      onSkip: expect.any(Function),
    });
  });

  it('fails the start on an invalid setting, naming it', async () => {
    await expect(
      start({
        finops: { focus: { exports: [{ location: 'x.csv', mode: 'loose' }] } },
      }),
    ).rejects.toThrow(
      "finops.focus.exports[0].mode must be 'lenient' or 'strict', got 'loose'",
    );
    await expect(
      start({
        finops: {
          focus: {
            exports: [
              { location: 'x.csv' },
              { location: 'y.csv', workload: 'Team' },
            ],
          },
        },
      }),
    ).rejects.toThrow(
      /finops.focus.exports\[1\].workload must be one of ServiceName, ResourceId, ResourceName, none, got 'Team'/,
    );
    await expect(
      start({ finops: { focus: { exports: [{ mode: 'strict' }] } } }),
    ).rejects.toThrow(/location/);
  });
});

const SAMPLE = sharedDataPath('focus-sample-data-1.0', 'focus_sample.csv');
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
jest.setTimeout(180_000);

/** The CSV read independently: amounts per provider, service category and UTC day. */
function expectedTotals() {
  const HOUR = 3_600_000;
  const totals = {
    provider: new Map<string, number[]>(),
    serviceCategory: new Map<string, number[]>(),
    day: new Map<string, number[]>(),
    tag: new Map<string, number[]>(),
  };
  const add = (map: Map<string, number[]>, key: string, amounts: number[]) => {
    const sum = map.get(key) ?? [0, 0, 0];
    amounts.forEach((a, i) => (sum[i] += a));
    map.set(key, sum);
  };
  const utc = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);
  const num = (text: string) =>
    text === 'NULL' || text === '' ? 0 : Number(text);
  for (const r of readCsvRecords(SAMPLE)) {
    const amounts = [num(r.BilledCost), num(r.EffectiveCost), num(r.ListCost)];
    add(totals.provider, r.ProviderName, amounts);
    add(totals.serviceCategory, r.ServiceCategory, amounts);
    if (
      r.Tags !== 'NULL' &&
      JSON.parse(r.Tags).application === 'BrightPathMatrix'
    ) {
      add(totals.tag, 'BrightPathMatrix', amounts);
    }
    // Spread evenly over the hours of the charge period, then by day.
    const from = utc(r.ChargePeriodStart);
    const to = utc(r.ChargePeriodEnd);
    const hours = Math.max(1, (to - from) / HOUR);
    for (let h = from; h < Math.max(to, from + 1); h += HOUR) {
      add(
        totals.day,
        new Date(h).toISOString().slice(0, 10),
        amounts.map(a => a / hours),
      );
    }
  }
  return totals;
}

describeWithSharedData(
  'focus-sample-data-1.0/focus_sample.csv',
  'the FOCUS sample through a real backend',
  () => {
    it.each(databases.eachSupportedId())(
      'ingests it on %s with the totals an independent reading gives',
      async databaseId => {
        const knex = await databases.init(databaseId);
        const logger = mockServices.logger.mock();
        // Child loggers (one per data source) report to the same mock.
        logger.child.mockImplementation(() => logger);
        const backend = await startTestBackend({
          features: [
            finopsPlugin,
            finopsModuleFocus,
            mockServices.rootConfig.factory({
              data: {
                finops: {
                  // Keep 2024's facts: retention runs at start-up too.
                  retention: { days: 5000 },
                  focus: { exports: [{ location: SAMPLE }] },
                },
              },
            }),
            mockServices.database.factory({ knex }),
            // Runs every task once at start-up, and waits for it.
            mockServices.scheduler.factory({
              includeInitialDelayedTasksOnStartup: true,
            }),
            catalogServiceMock.factory({ entities: [] }),
            logger.factory,
          ],
        });
        try {
          const runs = await knex('finops_ingestion_runs').where({
            source: 'focus',
          });
          // One run: the whole export, stored as charges, with the facts
          // derived over the hours its billing periods cover.
          expect(runs).toHaveLength(1);
          expect(runs[0].status).toBe('succeeded');
          const stored = logger.info.mock.calls
            .map(([message]) => String(message))
            .filter(message => message.startsWith("FOCUS source 'focus'"));
          expect(stored).toEqual([
            expect.stringMatching(
              /: 1 file\(s\) at .*, 1000 charges stored for billing period\(s\) /,
            ),
          ]);

          const facts = await knex('finops_cost_facts_hourly').where({
            source: 'focus',
          });
          const got = {
            provider: new Map<string, number[]>(),
            serviceCategory: new Map<string, number[]>(),
            day: new Map<string, number[]>(),
          };
          const add = (map: Map<string, number[]>, key: string, f: any) => {
            const sum = map.get(key) ?? [0, 0, 0];
            sum[0] += Number(f.billed_cost_nanos) / 1e9;
            sum[1] += Number(f.effective_cost_nanos) / 1e9;
            sum[2] += Number(f.list_cost_nanos) / 1e9;
            map.set(key, sum);
          };
          for (const f of facts) {
            const labels = JSON.parse(f.labels);
            add(got.provider, labels[FOCUS_LABELS.provider], f);
            add(got.serviceCategory, labels[FOCUS_LABELS.serviceCategory], f);
            add(got.day, new Date(f.hour).toISOString().slice(0, 10), f);
          }

          const expected = expectedTotals();
          for (const dimension of [
            'provider',
            'serviceCategory',
            'day',
          ] as const) {
            expect([...got[dimension].keys()].sort()).toEqual(
              [...expected[dimension].keys()].sort(),
            );
            for (const [key, sums] of expected[dimension]) {
              const actual = got[dimension].get(key)!;
              sums.forEach((sum, i) => {
                expect({ dimension, key, i, value: actual[i] }).toEqual({
                  dimension,
                  key,
                  i,
                  // The store keeps each amount to the nearest nano-unit
                  // (the sample has up to 11 decimals).
                  value: expect.closeTo(sum, 6),
                });
              });
            }
          }
          // The FOCUS-native view: the charges as the export has them.
          const store = await DatabaseFinopsStore.create({
            database: mockServices.database({ knex }),
          });
          const byProvider = await store.queryBillingCosts({
            groupBy: ['ProviderName'],
          });
          expect(byProvider.map(r => r.group.ProviderName)).toEqual(
            [...expected.provider.keys()].sort(),
          );
          for (const row of byProvider) {
            const sums = expected.provider.get(row.group.ProviderName!)!;
            expect(row.billedCost).toBeCloseTo(sums[0], 6);
            expect(row.effectiveCost).toBeCloseTo(sums[1], 6);
            expect(row.listCost).toBeCloseTo(sums[2], 6);
          }

          // The README's figures for the whole sample.
          const total = [...expected.provider.values()].reduce(
            (a, b) => a + b[0],
            0,
          );
          expect(total).toBeCloseTo(20.5202, 4);
          expect(expected.provider.get('AWS')).toBeDefined();
          expect(expected.day.size).toBe(30);

          // Tags are matched as the billing-tags annotation matches them.
          const [group, ...more] = await store
            .queryCostGroups({
              from: new Date('2024-09-01T00:00:00Z'),
              to: new Date('2024-10-02T00:00:00Z'),
              currency: 'USD',
              dimensions: ['source'],
              filter: [{ tags: { application: 'BrightPathMatrix' } }],
            })
            .then(groups => {
              const sum = groups.reduce(
                (acc, g) => [
                  acc[0] + g.billedCost,
                  acc[1] + g.effectiveCost,
                  acc[2] + g.listCost,
                ],
                [0, 0, 0],
              );
              return [sum, groups.length] as const;
            });
          expect(more[0]).toBeGreaterThan(0);
          const tagged = expected.tag.get('BrightPathMatrix')!;
          group.forEach((sum, i) => expect(sum).toBeCloseTo(tagged[i], 6));
        } finally {
          await backend.stop();
        }
      },
    );
  },
);
