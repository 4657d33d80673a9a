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
import { DemoDataSource } from './DemoDataSource';
import { finopsModuleDemo } from './module';

const start = (config: object) =>
  startDataSourceModule(finopsModuleDemo, config);

describe('finopsModuleDemo', () => {
  it('adds nothing when demo data is not enabled', async () => {
    expect((await start({})).added).toEqual([]);
    expect(
      (await start({ finops: { demo: { enabled: false, seed: 1 } } })).added,
    ).toEqual([]);
  });

  it('adds the demo source with the configured seed, and says so', async () => {
    const { added, logger } = await start({
      finops: { demo: { enabled: true, seed: 7 } },
    });
    expect(added).toHaveLength(1);
    expect(added[0]).toBeInstanceOf(DemoDataSource);
    expect(added[0].id).toBe('demo');
    expect((added[0] as DemoDataSource).seed).toBe(7);
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining('demo data is on'),
    );
  });

  it('defaults the seed to 42', async () => {
    const { added } = await start({ finops: { demo: { enabled: true } } });
    expect((added[0] as DemoDataSource).seed).toBe(42);
  });
});
