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

import { mockServices } from '@backstage/backend-test-utils';
import type { FinopsRecord } from '@ai-finops/backstage-plugin-finops-node';
import { DemoDataSource } from './DemoDataSource';
import { generateDemoRecords } from './generator';

const DAY = 86_400_000;

async function collect(
  iterable: AsyncIterable<FinopsRecord>,
): Promise<FinopsRecord[]> {
  const records: FinopsRecord[] = [];
  for await (const record of iterable) {
    records.push(record);
  }
  return records;
}

describe('DemoDataSource', () => {
  const logger = mockServices.logger.mock();
  const window = {
    start: new Date('2026-03-01T00:00:00.000Z'),
    end: new Date('2026-03-02T00:00:00.000Z'),
  };

  it('is the `demo` source with 90 days of backfill and seed 42 by default', () => {
    const source = new DemoDataSource();
    expect(source.id).toBe('demo');
    expect(source.backfill).toEqual({ days: 90 });
    expect(source.seed).toBe(42);
  });

  it('streams the generated records of the window', async () => {
    const source = new DemoDataSource({ seed: 3 });
    const records = await collect(source.read({ window, logger }));
    expect(records.length).toBeGreaterThan(1000);
    expect(records).toEqual(generateDemoRecords({ seed: 3, window }));
  });

  it('replaces a window with the same records when read again, however it is cut', async () => {
    const source = new DemoDataSource({ seed: 42 });
    const twoDays = {
      start: window.start,
      end: new Date(window.start.getTime() + 2 * DAY),
    };
    const whole = await collect(source.read({ window: twoDays, logger }));
    const halves = [
      ...(await collect(source.read({ window, logger }))),
      ...(await collect(
        source.read({
          window: { start: window.end, end: twoDays.end },
          logger,
        }),
      )),
    ];
    expect(halves).toEqual(whole);
    expect(
      await collect(
        new DemoDataSource({ seed: 42 }).read({ window: twoDays, logger }),
      ),
    ).toEqual(whole);
  });

  it('yields nothing for an empty window', async () => {
    const source = new DemoDataSource();
    const records = await collect(
      source.read({
        window: { start: window.start, end: window.start },
        logger,
      }),
    );
    expect(records).toEqual([]);
  });

  it('stops when the signal is aborted', async () => {
    const source = new DemoDataSource();
    const controller = new AbortController();
    const seen: FinopsRecord[] = [];
    const reading = (async () => {
      for await (const record of source.read({
        window,
        logger,
        signal: controller.signal,
      })) {
        seen.push(record);
        if (seen.length === 10) {
          controller.abort(new Error('shutting down'));
        }
      }
    })();
    await expect(reading).rejects.toThrow('shutting down');
    expect(seen.length).toBeLessThan(200);
  });

  it('rejects a seed that is not an integer', () => {
    expect(() => new DemoDataSource({ seed: 1.5 })).toThrow(/integer/);
  });
});
