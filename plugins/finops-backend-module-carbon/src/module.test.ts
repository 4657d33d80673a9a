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

import { startDataSourceModule } from '@ai-finops/test-utils';
// The test runs this module inside the real backend plugin.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import finopsPlugin from '@ai-finops/backstage-plugin-finops-backend';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CsvCarbonSource } from './CsvCarbonSource';
import { ElectricityMapsCarbonSource } from './ElectricityMapsCarbonSource';
import { finopsModuleCarbon } from './module';
import {
  intensityOf,
  startElectricityMapsServer,
} from './__testUtils__/electricityMapsServer';

const start = (config: object) =>
  startDataSourceModule(finopsModuleCarbon, config);

describe('finopsModuleCarbon', () => {
  it('adds nothing without finops.carbon', async () => {
    expect((await start({})).added).toEqual([]);
  });

  it('adds the Electricity Maps source with zones from the CCF map and from config', async () => {
    const { added, logger } = await start({
      finops: {
        carbon: {
          electricityMaps: {
            apiToken: 'token',
            regions: ['us-east-1', 'europe-west4'],
            zones: { 'us-west-2': 'US-NW-BPAT', 'europe-west4': 'NL' },
            retries: { attempts: 2, delay: '2s' },
            backfill: '3d',
          },
        },
      },
    });
    expect(added).toHaveLength(1);
    expect(added[0]).toBeInstanceOf(ElectricityMapsCarbonSource);
    expect(added[0]).toMatchObject({
      id: 'carbon-electricitymaps',
      zones: {
        'us-east-1': 'US-MIDA-PJM',
        'europe-west4': 'NL',
        'us-west-2': 'US-NW-BPAT',
      },
      endpoint: 'auto',
      backfill: { days: 3 },
    });
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining(
        'https://api.electricitymap.org for us-east-1 (US-MIDA-PJM)',
      ),
    );
  });

  it('adds the CSV source', async () => {
    const { added } = await start({
      finops: {
        carbon: {
          csv: {
            backfill: { days: 1500 },
            files: [
              { path: '/data/CISO_NG_avgCI_2022.csv', regions: ['us-west-1'] },
            ],
          },
        },
      },
    });
    expect(added).toHaveLength(1);
    expect(added[0]).toBeInstanceOf(CsvCarbonSource);
    expect(added[0]).toMatchObject({
      id: 'carbon-csv',
      backfill: { days: 1500 },
      windowSize: { days: 30 },
    });
  });

  it('fails the start on a region without a known zone, or a bad setting', async () => {
    await expect(
      start({
        finops: {
          carbon: { electricityMaps: { apiToken: 't', regions: ['mars-1'] } },
        },
      }),
    ).rejects.toThrow(
      "finops.carbon.electricityMaps.regions: no Electricity Maps zone is known for 'mars-1'; name it under finops.carbon.electricityMaps.zones",
    );
    await expect(
      start({
        finops: { carbon: { electricityMaps: { apiToken: 't', zones: {} } } },
      }),
    ).rejects.toThrow(/needs at least one region/);
    await expect(
      start({
        finops: {
          carbon: {
            electricityMaps: {
              apiToken: 't',
              regions: ['us-east-1'],
              endpoint: 'latest',
            },
          },
        },
      }),
    ).rejects.toThrow(
      "finops.carbon.electricityMaps.endpoint must be auto, history or past-range, got 'latest'",
    );
    await expect(
      start({
        finops: {
          carbon: { csv: { files: [{ path: 'x.csv', regions: [] }] } },
        },
      }),
    ).rejects.toThrow(
      'finops.carbon.csv.files[0].regions must name at least one cloud region',
    );
  });
});

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
jest.setTimeout(120_000);

describe('Electricity Maps intensities through a real backend', () => {
  it.each(databases.eachSupportedId())(
    'are stored per region and hour on %s',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const server = await startElectricityMapsServer({
        token: 'em-token',
        now: () => new Date(),
      });
      const backend = await startTestBackend({
        features: [
          finopsPlugin,
          finopsModuleCarbon,
          mockServices.rootConfig.factory({
            data: {
              finops: {
                carbon: {
                  electricityMaps: {
                    apiToken: 'em-token',
                    baseUrl: server.baseUrl,
                    regions: ['us-east-1', 'us-west-1'],
                  },
                },
              },
            },
          }),
          mockServices.database.factory({ knex }),
          // Runs every task once at start-up, and waits for it.
          mockServices.scheduler.factory({
            includeInitialDelayedTasksOnStartup: true,
          }),
          catalogServiceMock.factory({ entities: [] }),
        ],
      });
      try {
        const runs = await knex('finops_ingestion_runs').where({
          source: 'carbon-electricitymaps',
        });
        expect(runs.length).toBeGreaterThan(0);
        expect(runs.filter(r => r.status !== 'succeeded')).toEqual([]);

        const facts = await knex('finops_usage_facts_hourly')
          .where({ source: 'carbon-electricitymaps' })
          .orderBy(['hour', 'region']);
        // The default backfill is one day: 24 hours per region.
        expect(facts).toHaveLength(48);
        for (const fact of facts) {
          const zone =
            fact.region === 'us-east-1' ? 'US-MIDA-PJM' : 'US-CAL-CISO';
          expect({
            metric: fact.metric,
            value: Number(fact.value),
            labels: JSON.parse(fact.labels),
          }).toEqual({
            metric: 'grid_carbon_intensity_gco2_per_kwh',
            value: intensityOf(zone, new Date(fact.hour).getTime()),
            labels: { 'carbon.ai-finops.io/zone': zone },
          });
        }
        expect(new Set(server.requests.map(r => r.path))).toEqual(
          new Set([
            '/v3/carbon-intensity/past-range',
            '/v3/carbon-intensity/history',
          ]),
        );
      } finally {
        await backend.stop();
        await server.close();
      }
    },
  );
});
