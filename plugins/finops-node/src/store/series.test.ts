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

import type { FinopsRecord } from '../dataSources';
import { TestDatabases } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { aCostRecord, aUsageRecord, HOUR } from '@ai-finops/test-utils';
import { DatabaseFinopsStore } from './DatabaseFinopsStore';
import type { FinopsCostGroup, FinopsFactMatcher } from './FinopsStore';
import { initTestStore } from './__testUtils__/testStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const NOV_3 = Date.parse('2026-11-03T00:00:00Z');
const NOV_4 = NOV_3 + 24 * HOUR;
const NOV_5 = NOV_4 + 24 * HOUR;
const at = (t: number) => new Date(t).toISOString();

const chat = {
  kubernetesId: 'chat',
  namespace: 'ml',
  region: 'us-east-1',
  gpuModel: 'NVIDIA-H100-80GB-HBM3',
  labels: { app: 'chat', tier: 'inference' },
  tags: { team: 'search' },
};
const embed = {
  kubernetesId: 'embed',
  namespace: 'ml',
  region: 'eu-west-1',
  workload: 'Deployment/embed',
  labels: { app: 'embed' },
  // A LIKE wildcard and upper case: matching must take both literally.
  tags: { team: 'Search%' },
};
const orphan = {
  kubernetesId: undefined,
  namespace: 'kube-system',
  workload: 'DaemonSet/dcgm-exporter',
};

function day3(): FinopsRecord[] {
  const records: FinopsRecord[] = [];
  for (let h = 0; h < 24; h++) {
    records.push(
      aCostRecord(at(NOV_3 + h * HOUR), {
        ...chat,
        billedCost: 2,
        effectiveCost: 1.5,
        listCost: 3,
      }),
    );
  }
  for (let h = 0; h < 12; h++) {
    records.push(
      aCostRecord(at(NOV_3 + h * HOUR), {
        ...embed,
        category: 'cpu',
        billedCost: 0.5,
        effectiveCost: 0.5,
        listCost: 0.5,
      }),
    );
  }
  records.push(
    aCostRecord(at(NOV_3 + 5 * HOUR), { ...orphan, category: 'network' }),
    aCostRecord(at(NOV_3 + 6 * HOUR), {
      ...orphan,
      category: 'network',
      currency: 'EUR',
      billedCost: 100,
      effectiveCost: 100,
      listCost: 100,
    }),
    // GPU-hours and utilisation: chat 2 GPU-h at 0.5 then 1 GPU-h at 0.8;
    // embed 1 GPU-h at 0.2.
    aUsageRecord(at(NOV_3), 'gpu_hours', 2, chat),
    aUsageRecord(at(NOV_3), 'gpu_utilization', 0.5, chat),
    aUsageRecord(at(NOV_3 + HOUR), 'gpu_hours', 1, chat),
    aUsageRecord(at(NOV_3 + HOUR), 'gpu_utilization', 0.8, chat),
    aUsageRecord(at(NOV_3), 'gpu_hours', 1, embed),
    aUsageRecord(at(NOV_3), 'gpu_utilization', 0.2, embed),
    aUsageRecord(at(NOV_3), 'tokens_output', 1000, chat),
    aUsageRecord(at(NOV_3 + HOUR), 'tokens_output', 500, chat),
    // A gauge sample without GPU-hours: averaged, not weighted.
    aUsageRecord(at(NOV_3 + 2 * HOUR), 'gpu_power_watts', 300, orphan),
    aUsageRecord(at(NOV_3 + 3 * HOUR), 'gpu_power_watts', 500, orphan),
  );
  return records;
}

function day4(): FinopsRecord[] {
  const records: FinopsRecord[] = [];
  for (let h = 0; h < 24; h++) {
    records.push(
      aCostRecord(at(NOV_4 + h * HOUR), {
        ...chat,
        billedCost: 2,
        effectiveCost: 1.5,
        listCost: 3,
      }),
    );
  }
  records.push(aUsageRecord(at(NOV_4), 'tokens_output', 250, chat));
  return records;
}

const total = (groups: FinopsCostGroup[], field: keyof FinopsCostGroup) =>
  groups.reduce((sum, g) => sum + Number(g[field]), 0);

describe.each(databases.eachSupportedId())('series (%s)', databaseId => {
  let store: DatabaseFinopsStore;

  beforeAll(async () => {
    ({ store } = await initTestStore(databases, databaseId));
    await store.replaceWindow(
      'test',
      { start: new Date(NOV_3), end: new Date(NOV_4) },
      day3(),
    );
    await store.replaceWindow(
      'test',
      { start: new Date(NOV_4), end: new Date(NOV_5) },
      day4(),
    );
  });

  const costs = (
    options: Partial<Parameters<DatabaseFinopsStore['queryCostGroups']>[0]>,
  ) =>
    store.queryCostGroups({
      from: new Date(NOV_3),
      to: new Date(NOV_5),
      currency: 'USD',
      ...options,
    });

  describe('queryCostGroups', () => {
    it('sums per allocation dimensions, in one currency, with labels and tags parsed', async () => {
      const groups = await costs({});
      expect(groups).toHaveLength(3);
      const byId = new Map(groups.map(g => [g.kubernetesId, g]));
      expect(byId.get('chat')).toEqual({
        kubernetesId: 'chat',
        namespace: 'ml',
        region: 'us-east-1',
        labels: { app: 'chat', tier: 'inference' },
        tags: { team: 'search' },
        billedCost: 96,
        effectiveCost: 72,
        listCost: 144,
      });
      expect(byId.get('embed')).toMatchObject({ effectiveCost: 6 });
      expect(byId.get(null)).toEqual({
        kubernetesId: null,
        namespace: 'kube-system',
        region: null,
        labels: {},
        tags: {},
        billedCost: 1,
        effectiveCost: 1,
        listCost: 1,
      });
      const euros = await costs({ currency: 'EUR' });
      expect(total(euros, 'effectiveCost')).toBe(100);
    });

    it('keeps to [from, to)', async () => {
      const groups = await costs({
        from: new Date(NOV_3 + 6 * HOUR),
        to: new Date(NOV_3 + 10 * HOUR),
      });
      // chat 4 h × 1.5, embed 4 h × 0.5; the orphan's hour 5 is outside.
      expect(total(groups, 'effectiveCost')).toBe(8);
      expect(groups.map(g => g.kubernetesId).sort()).toEqual(['chat', 'embed']);
    });

    it('splits by day, month and hour buckets (UTC)', async () => {
      const daily = await costs({ bucket: 'day' });
      const perDay = new Map<string, number>();
      for (const g of daily) {
        perDay.set(g.bucket!, (perDay.get(g.bucket!) ?? 0) + g.effectiveCost);
      }
      expect(Object.fromEntries(perDay)).toEqual({
        '2026-11-03': 36 + 6 + 1,
        '2026-11-04': 36,
      });

      const monthly = await costs({ bucket: 'month' });
      expect(new Set(monthly.map(g => g.bucket))).toEqual(new Set(['2026-11']));
      expect(total(monthly, 'effectiveCost')).toBe(79);

      const hourly = await costs({
        bucket: 'hour',
        filter: [{ kubernetesId: 'chat' }],
        from: new Date(NOV_4 - 2 * HOUR),
        to: new Date(NOV_4 + HOUR),
      });
      expect(hourly.map(g => g.bucket).sort()).toEqual([
        '2026-11-03T22:00:00.000Z',
        '2026-11-03T23:00:00.000Z',
        '2026-11-04T00:00:00.000Z',
      ]);
    });

    it('gives the same sums from the daily roll-up as from the hourly facts', async () => {
      // Whole days come from the roll-up; a cut at 01:00 forces hourly facts.
      const cut = new Date(NOV_4 + HOUR);
      const whole = await costs({ dimensions: ['category', 'gpuModel'] });
      const parts = [
        ...(await costs({ to: cut, dimensions: ['category', 'gpuModel'] })),
        ...(await costs({ from: cut, dimensions: ['category', 'gpuModel'] })),
      ];
      const fold = (groups: FinopsCostGroup[]) => {
        const sums = new Map<string, number[]>();
        for (const g of groups) {
          const key = JSON.stringify([
            g.kubernetesId,
            g.namespace,
            g.region,
            g.labels,
            g.tags,
            g.category,
            g.gpuModel,
          ]);
          const s = sums.get(key) ?? [0, 0, 0];
          sums.set(key, [
            s[0] + g.billedCost,
            s[1] + g.effectiveCost,
            s[2] + g.listCost,
          ]);
        }
        return Object.fromEntries([...sums].sort());
      };
      expect(fold(whole)).toEqual(fold(parts));
      expect(total(whole, 'effectiveCost')).toBe(79);
    });

    it('splits by extra dimensions, keeping nulls', async () => {
      const groups = await costs({
        dimensions: ['category', 'workload', 'gpuModel', 'source'],
      });
      const rows = groups
        .map(g => [g.category, g.workload, g.gpuModel, g.source])
        .sort();
      expect(rows).toEqual([
        ['cpu', 'Deployment/embed', null, 'test'],
        ['gpu', 'Deployment/chat-llm', 'NVIDIA-H100-80GB-HBM3', 'test'],
        ['network', 'DaemonSet/dcgm-exporter', null, 'test'],
      ]);
    });

    it('rejects an unknown dimension and a reversed range', async () => {
      await expect(
        costs({ dimensions: ['colour' as 'source'] }),
      ).rejects.toThrow(
        "Unknown cost dimension 'colour'; expected one of source, category, workload, gpuModel",
      );
      await expect(
        costs({ from: new Date(NOV_5), to: new Date(NOV_3) }),
      ).rejects.toBeInstanceOf(InputError);
    });
  });

  describe('filters', () => {
    const idsFor = async (filter: FinopsFactMatcher[]) =>
      (await costs({ filter })).map(g => g.kubernetesId ?? '(none)').sort();

    it.each<[string, FinopsFactMatcher[], string[]]>([
      ['kubernetes id', [{ kubernetesId: 'chat' }], ['chat']],
      ['namespace', [{ namespace: 'ml' }], ['chat', 'embed']],
      ['region', [{ region: 'eu-west-1' }], ['embed']],
      [
        'all labels',
        [{ labels: { app: 'chat', tier: 'inference' } }],
        ['chat'],
      ],
      ['a label that differs', [{ labels: { app: 'chat', tier: 'x' } }], []],
      [
        'AND across fields',
        [{ namespace: 'ml', region: 'us-east-1' }],
        ['chat'],
      ],
      [
        'OR across matchers',
        [{ kubernetesId: 'chat' }, { namespace: 'kube-system' }],
        ['(none)', 'chat'],
      ],
      ['a tag, case-sensitively', [{ tags: { team: 'search' } }], ['chat']],
      [
        'a tag with a LIKE wildcard, literally',
        [{ tags: { team: 'Search%' } }],
        ['embed'],
      ],
      ['a wildcard that must not match', [{ tags: { team: 'S%' } }], []],
      ['a tag differing only in case', [{ tags: { team: 'search%' } }], []],
      ['nothing for an empty list', [], []],
    ])('matches by %s', async (_name, filter, expected) => {
      expect(await idsFor(filter)).toEqual(expected);
    });

    it('refuses a matcher without conditions', async () => {
      await expect(costs({ filter: [{}] })).rejects.toThrow(
        /needs at least one of kubernetesId, namespace, region, labels or tags/,
      );
    });
  });

  describe('queryUsageGroups', () => {
    it('sums counters per bucket', async () => {
      const groups = await store.queryUsageGroups({
        metric: 'tokens_output',
        from: new Date(NOV_3),
        to: new Date(NOV_5),
        bucket: 'day',
      });
      expect(
        groups.map(g => [g.kubernetesId, g.bucket, g.sum, g.samples]).sort(),
      ).toEqual([
        ['chat', '2026-11-03', 1500, 2],
        ['chat', '2026-11-04', 250, 1],
      ]);
    });

    it('weights gauges by the GPU-hours of the same workload and hour', async () => {
      const groups = await store.queryUsageGroups({
        metric: 'gpu_utilization',
        from: new Date(NOV_3),
        to: new Date(NOV_4),
      });
      const chatGroup = groups.find(g => g.kubernetesId === 'chat')!;
      expect(chatGroup.weightedSum).toBeCloseTo(2 * 0.5 + 1 * 0.8, 12);
      expect(chatGroup.weight).toBe(3);
      expect(chatGroup.samples).toBe(2);
      const all = groups.reduce(
        (acc, g) => ({
          w: acc.w + g.weightedSum,
          h: acc.h + g.weight,
        }),
        { w: 0, h: 0 },
      );
      expect(all.w / all.h).toBeCloseTo(0.5, 12);

      const hourly = await store.queryUsageGroups({
        metric: 'gpu_utilization',
        from: new Date(NOV_3),
        to: new Date(NOV_4),
        bucket: 'hour',
        filter: [{ kubernetesId: 'chat' }],
      });
      expect(
        hourly
          .map(g => [g.bucket, g.weightedSum / g.weight])
          .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      ).toEqual([
        ['2026-11-03T00:00:00.000Z', 0.5],
        ['2026-11-03T01:00:00.000Z', 0.8],
      ]);
    });

    it('reads only the metric asked for when not weighted, with the same sums', async () => {
      const options = {
        metric: 'gpu_utilization',
        from: new Date(NOV_3),
        to: new Date(NOV_4),
        bucket: 'hour' as const,
      };
      const weighted = await store.queryUsageGroups(options);
      const plain = await store.queryUsageGroups({
        ...options,
        weighted: false,
      });
      const key = (g: { kubernetesId: string | null; bucket?: string }) =>
        `${g.kubernetesId} ${g.bucket}`;
      expect(plain.map(g => [key(g), g.sum, g.samples]).sort()).toEqual(
        weighted.map(g => [key(g), g.sum, g.samples]).sort(),
      );
      expect(weighted.some(g => g.weight > 0)).toBe(true);
      expect(plain.every(g => g.weight === 0 && g.weightedSum === 0)).toBe(
        true,
      );
    });

    it('leaves a gauge without GPU-hours unweighted', async () => {
      const [group] = await store.queryUsageGroups({
        metric: 'gpu_power_watts',
        from: new Date(NOV_3),
        to: new Date(NOV_5),
      });
      expect(group).toMatchObject({
        namespace: 'kube-system',
        sum: 800,
        samples: 2,
        weight: 0,
      });
    });

    it('aggregates several metrics in one query, each group as its own query gives it', async () => {
      const metrics = [
        'gpu_utilization',
        'tokens_output',
        'gpu_power_watts',
        'gpu_hours',
        'not_stored',
      ];
      for (const bucket of [undefined, 'hour', 'day'] as const) {
        const options = {
          from: new Date(NOV_3),
          to: new Date(NOV_5),
          bucket,
        };
        const key = (g: { metric: string; bucket?: string }) =>
          JSON.stringify(g);
        const together = await store.queryUsageGroups({ ...options, metrics });
        const apart = [];
        for (const metric of metrics) {
          apart.push(...(await store.queryUsageGroups({ ...options, metric })));
        }
        expect(together.map(key).sort()).toEqual(apart.map(key).sort());
        expect(new Set(together.map(g => g.metric))).toEqual(
          new Set(metrics.slice(0, 4)),
        );
      }
      await expect(
        store.queryUsageGroups({
          from: new Date(NOV_3),
          to: new Date(NOV_5),
          metrics: Array.from({ length: 101 }, (_, i) => `m${i}`),
        }),
      ).rejects.toThrow('Too many usage metrics: 101; at most 100 per query');
    });
  });

  it('lists the stored usage metrics of the matching facts', async () => {
    expect(await store.listUsageMetrics({})).toEqual([
      'gpu_hours',
      'gpu_power_watts',
      'gpu_utilization',
      'tokens_output',
    ]);
    expect(
      await store.listUsageMetrics({
        filter: [{ kubernetesId: 'embed' }],
      }),
    ).toEqual(['gpu_hours', 'gpu_utilization']);
    expect(
      await store.listUsageMetrics({
        filter: [{ kubernetesId: 'chat' }],
        from: new Date(NOV_4),
      }),
    ).toEqual(['tokens_output']);
  });

  it('finds the latest hour with matching costs', async () => {
    expect(await store.getLatestCostHour({ currency: 'USD' })).toEqual(
      new Date(NOV_5 - HOUR),
    );
    expect(
      await store.getLatestCostHour({
        currency: 'USD',
        filter: [{ kubernetesId: 'embed' }],
      }),
    ).toEqual(new Date(NOV_3 + 11 * HOUR));
    expect(
      await store.getLatestCostHour({
        currency: 'USD',
        filter: [{ kubernetesId: 'chat' }],
        before: new Date(NOV_4),
      }),
    ).toEqual(new Date(NOV_4 - HOUR));
    expect(
      await store.getLatestCostHour({
        currency: 'USD',
        filter: [{ kubernetesId: 'nope' }],
      }),
    ).toBeUndefined();
  });
});
