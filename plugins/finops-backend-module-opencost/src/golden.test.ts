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

import { existsSync, readFileSync } from 'node:fs';
import type { FinopsWindow } from '@ai-finops/backstage-plugin-finops-node';
import { sharedDataPath } from '@ai-finops/test-utils';
import {
  collect,
  costs,
  startServer,
  sum,
  usages,
  type TestServer,
} from './__testUtils__/server';
import { OpenCostDataSource } from './OpenCostDataSource';

// The real response from OpenCost's documentation
// (opencost/opencost-website static/allocation-example-output.json), read in
// place from the shared data folder next to the repository.
const EXAMPLE = sharedDataPath('opencost', 'allocation-example-output.json');

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Whole-hour windows covering [from, to), cut at UTC days like the backend does. */
function dayWindows(from: number, to: number): FinopsWindow[] {
  const windows: FinopsWindow[] = [];
  for (let start = from; start < to; ) {
    const end = Math.min(to, Math.floor(start / DAY) * DAY + DAY);
    windows.push({ start: new Date(start), end: new Date(end) });
    start = end;
  }
  return windows;
}

type Json = Record<string, any>;

const hasExample = existsSync(EXAMPLE);

(hasExample ? describe : describe.skip)(
  hasExample
    ? 'OpenCostDataSource on the real allocation example'
    : `OpenCost golden test skipped: ${EXAMPLE} not found (the shared data folder lives next to the repository)`,
  () => {
    let server: TestServer;
    let example: Json;
    let allocations: Array<[string, Json]>;

    beforeAll(async () => {
      const text = readFileSync(EXAMPLE, 'utf8');
      example = JSON.parse(text);
      allocations = (example.data as Json[]).flatMap(set =>
        Object.entries(set),
      );
      // Serve the file byte for byte, whatever the query.
      server = await startServer(() => ({ body: JSON.parse(text) }));
    });
    afterAll(() => server.close());

    async function readAll() {
      const starts = allocations.map(([, a]) => Date.parse(a.start));
      const ends = allocations.map(([, a]) => Date.parse(a.end));
      const from = Math.floor(Math.min(...starts) / HOUR) * HOUR;
      const to = Math.ceil(Math.max(...ends) / HOUR) * HOUR;
      const source = new OpenCostDataSource({ baseUrl: server.baseUrl });
      const windows = dayWindows(from, to);
      const records = [];
      for (const window of windows) {
        const read = await collect(source, window);
        for (const record of read) {
          expect(Date.parse(record.hour)).toBeGreaterThanOrEqual(
            window.start.getTime(),
          );
          expect(Date.parse(record.hour)).toBeLessThan(window.end.getTime());
        }
        records.push(...read);
      }
      return { records, windows };
    }

    it('is the file this test expects', () => {
      expect(example.code).toBe(200);
      expect(allocations.map(([key]) => key)).toEqual([
        'kube-system',
        'opencost',
        'prometheus',
      ]);
    });

    it('spreads the 7-day allocations over their hours, keeping every dollar', async () => {
      const { records, windows } = await readAll();
      expect(windows.length).toBe(8);

      // Category totals computed here from the JSON, field by field.
      const field = (name: string) =>
        sum(allocations.map(([, a]) => (a[name] as number | undefined) ?? 0));
      const expected: Record<string, number> = {
        cpu: field('cpuCost') + field('cpuCostAdjustment'),
        memory: field('ramCost') + field('ramCostAdjustment'),
        gpu: field('gpuCost') + field('gpuCostAdjustment'),
        storage: field('pvCost') + field('pvCostAdjustment'),
        network:
          field('networkCost') +
          field('networkCostAdjustment') +
          field('loadBalancerCost') +
          field('loadBalancerCostAdjustment'),
        other: field('sharedCost') + field('externalCost'),
      };
      const cost = costs(records);
      for (const [category, total] of Object.entries(expected)) {
        expect(
          sum(cost.filter(r => r.category === category).map(r => r.listCost)),
        ).toBeCloseTo(total, 9);
      }
      expect(sum(cost.map(r => r.effectiveCost))).toBeCloseTo(
        field('totalCost'),
        4,
      );
      expect(
        cost.every(
          r =>
            r.billedCost === r.effectiveCost &&
            r.listCost === r.effectiveCost &&
            r.currency === 'USD',
        ),
      ).toBe(true);

      const usage = usages(records);
      const metric = (name: string) =>
        sum(usage.filter(r => r.metric === name).map(r => r.value));
      expect(metric('cpu_core_hours')).toBeCloseTo(field('cpuCoreHours'), 6);
      expect(metric('memory_gib_hours')).toBeCloseTo(
        field('ramByteHours') / 2 ** 30,
        6,
      );
      expect(metric('gpu_hours')).toBe(0);
    });

    it('keeps every allocation, its namespace and its workload', async () => {
      const { records } = await readAll();
      const namespaces = new Set(records.map(r => r.namespace));
      expect([...namespaces].sort()).toEqual(
        allocations.map(([, a]) => a.properties.namespace).sort(),
      );
      // Per allocation, nothing is lost to the hourly split.
      for (const [, a] of allocations) {
        const own = costs(records).filter(
          r => r.namespace === a.properties.namespace,
        );
        expect(sum(own.map(r => r.effectiveCost))).toBeCloseTo(a.totalCost, 4);
      }
      expect(
        new Set(
          records.filter(r => r.namespace === 'opencost').map(r => r.workload),
        ),
      ).toEqual(new Set(['Deployment/opencost']));
      // Aggregated by namespace, kube-system has no single controller.
      expect(
        records.filter(r => r.namespace === 'kube-system')[0].workload,
      ).toBeUndefined();
      // The example was made without includeIdle, so there is no __idle__ to
      // keep here; the idle tests use OpenCost-shaped responses instead.
      expect(allocations.some(([key]) => key.includes('__idle__'))).toBe(false);
      expect(records.every(r => r.kubernetesId === undefined)).toBe(true);
    });

    it('gives each hour its share of the allocation', async () => {
      const { records } = await readAll();
      const [, a] = allocations.find(([key]) => key === 'opencost')!;
      const span = Date.parse(a.end) - Date.parse(a.start);
      const cpu = costs(records).filter(
        r =>
          r.namespace === 'opencost' &&
          r.category === 'cpu' &&
          r.hour === '2023-07-15T06:00:00.000Z',
      );
      expect(cpu).toHaveLength(1);
      expect(cpu[0].effectiveCost).toBeCloseTo((a.cpuCost * HOUR) / span, 12);
    });
  },
);
