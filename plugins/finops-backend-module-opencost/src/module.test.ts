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
import { OpenCostDataSource } from './OpenCostDataSource';
import { finopsModuleOpencost } from './module';

const start = (config: object) =>
  startDataSourceModule(finopsModuleOpencost, config);

describe('finopsModuleOpencost', () => {
  it('adds nothing when finops.opencost.baseUrl is not set', async () => {
    expect((await start({})).added).toEqual([]);
    expect(
      (await start({ finops: { opencost: { aggregate: 'namespace' } } })).added,
    ).toEqual([]);
  });

  it('adds the opencost source when baseUrl is set, and says so', async () => {
    const { added, logger } = await start({
      finops: {
        opencost: {
          baseUrl: 'http://opencost.opencost:9003',
          aggregate: 'namespace,label:app',
          currency: 'EUR',
          backfill: { days: 14 },
        },
      },
    });
    expect(added).toHaveLength(1);
    expect(added[0]).toBeInstanceOf(OpenCostDataSource);
    expect(added[0]).toMatchObject({
      id: 'opencost',
      baseUrl: 'http://opencost.opencost:9003',
      aggregate: 'namespace,label:app',
      currency: 'EUR',
      backfill: { days: 14 },
    });
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining('OpenCost source is on'),
    );
  });

  it('fails the start on an invalid setting', async () => {
    await expect(
      start({
        finops: {
          opencost: { baseUrl: 'http://opencost:9003', currency: 'dollars' },
        },
      }),
    ).rejects.toThrow(/ISO 4217/);
  });
});
