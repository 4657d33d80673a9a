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

import type { FinopsRecord } from '@ai-finops/backstage-plugin-finops-node';
import {
  GPU_CALIBRATION,
  HOUR_OF_DAY_PROFILE,
  type DemoGpuModel,
} from './calibration';
import { findDemoAnomalies, generateDemoRecords } from './generator';
import { DEMO_SERVICES, DEMO_UNALLOCATED_KUBERNETES_ID } from './services';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const END = new Date('2026-07-01T00:00:00.000Z');

function window(days: number, end: Date = END) {
  return { start: new Date(end.getTime() - days * DAY), end };
}

type CostRecord = Extract<FinopsRecord, { type: 'cost' }>;
type UsageRecord = Extract<FinopsRecord, { type: 'usage' }>;

const isCost = (r: FinopsRecord): r is CostRecord => r.type === 'cost';
const isUsage = (r: FinopsRecord): r is UsageRecord => r.type === 'usage';

/** The component a record belongs to, by its kubernetes id or instance label. */
function serviceOf(record: FinopsRecord): string | undefined {
  return (
    record.kubernetesId ??
    (record.labels?.['app.kubernetes.io/instance'] === 'search-rag'
      ? 'search-rag-llm'
      : undefined) ??
    record.tags?.app
  );
}

describe('generateDemoRecords', () => {
  // 90 days, the source's backfill, generated once for the read-only checks.
  const ninetyDays = window(90);
  let records: FinopsRecord[];
  let elapsedMs: number;
  beforeAll(() => {
    const started = performance.now();
    records = generateDemoRecords({ seed: 42, window: ninetyDays });
    elapsedMs = performance.now() - started;
  });

  it('generates 90 days for the whole fleet well under 2 seconds', () => {
    expect(records.length).toBeGreaterThan(100_000);
    expect(elapsedMs).toBeLessThan(2000);
  });

  describe('determinism', () => {
    it('gives identical records for the same window', () => {
      const w = window(2);
      expect(generateDemoRecords({ seed: 42, window: w })).toEqual(
        generateDemoRecords({ seed: 42, window: w }),
      );
    });

    it('gives the same records however the window is cut', () => {
      const twoDays = generateDemoRecords({ seed: 7, window: window(2) });
      const firstDay = generateDemoRecords({
        seed: 7,
        window: {
          start: new Date(END.getTime() - 2 * DAY),
          end: new Date(END.getTime() - DAY),
        },
      });
      const secondDay = generateDemoRecords({ seed: 7, window: window(1) });
      expect(firstDay.length).toBeGreaterThan(0);
      expect(twoDays).toEqual([...firstDay, ...secondDay]);

      // one hour on its own equals that hour inside the 90-day run
      const hourStart = new Date(END.getTime() - 17 * DAY + 5 * HOUR);
      const single = generateDemoRecords({
        seed: 42,
        window: { start: hourStart, end: new Date(hourStart.getTime() + HOUR) },
      });
      const iso = hourStart.toISOString();
      expect(single).toEqual(records.filter(r => r.hour === iso));
    });

    it('depends on the seed', () => {
      const a = generateDemoRecords({ seed: 1, window: window(1) });
      const b = generateDemoRecords({ seed: 2, window: window(1) });
      expect(a.length).toBe(b.length);
      expect(a).not.toEqual(b);
    });

    it('treats a window with a partial first hour as starting at the next whole hour', () => {
      const w = window(1);
      const shifted = { start: new Date(w.start.getTime() + 1), end: w.end };
      const result = generateDemoRecords({ seed: 42, window: shifted });
      expect(result[0].hour).toBe(
        new Date(w.start.getTime() + HOUR).toISOString(),
      );
    });
  });

  it('keeps every record inside the window, on whole hours, with finite non-negative numbers', () => {
    const start = ninetyDays.start.getTime();
    const end = ninetyDays.end.getTime();
    const hours = new Set<string>();
    const problems: string[] = [];
    for (const r of records) {
      const t = Date.parse(r.hour);
      if (t % HOUR !== 0 || new Date(t).toISOString() !== r.hour) {
        problems.push(`not a whole ISO hour: ${r.hour}`);
      }
      if (t < start || t >= end) {
        problems.push(`outside the window: ${r.hour}`);
      }
      hours.add(r.hour);
      const numbers = isCost(r)
        ? [r.billedCost, r.effectiveCost, r.listCost]
        : [r.value];
      if (numbers.some(n => !Number.isFinite(n) || n < 0)) {
        problems.push(`bad number in ${JSON.stringify(r)}`);
      }
      if (
        isCost(r) &&
        (r.currency !== 'USD' ||
          r.billedCost > r.effectiveCost ||
          r.effectiveCost > r.listCost)
      ) {
        problems.push(`inconsistent amounts in ${JSON.stringify(r)}`);
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(hours.size).toBe(90 * 24);
  });

  it('emits every cost category but other, and every usage metric', () => {
    const categories = new Set(records.filter(isCost).map(r => r.category));
    expect([...categories].sort()).toEqual([
      'cpu',
      'gpu',
      'memory',
      'network',
      'storage',
    ]);
    const metrics = new Set(records.filter(isUsage).map(r => r.metric));
    expect([...metrics].sort()).toEqual([
      'cpu_core_hours',
      'gpu_energy_kwh',
      'gpu_hours',
      'gpu_power_watts',
      'gpu_utilization',
      'memory_gib_hours',
      'requests',
      'tokens_input',
      'tokens_output',
    ]);
  });

  it('carries the dimensions the catalog annotations match on', () => {
    const problems: string[] = [];
    for (const r of records) {
      if (!r.region) {
        problems.push(`no region: ${JSON.stringify(r)}`);
      }
      if (r.tags) {
        // billing-side line: tags only
        if (r.kubernetesId || r.labels || r.namespace) {
          problems.push(
            `billing line with cluster dimensions: ${JSON.stringify(r)}`,
          );
        }
        continue;
      }
      if (
        !r.namespace ||
        !/^(Deployment|StatefulSet)\/[a-z0-9-]+$/.test(r.workload ?? '') ||
        !r.labels?.['app.kubernetes.io/name'] ||
        r.labels['backstage.io/kubernetes-id'] !== r.kubernetesId
      ) {
        problems.push(`bad workload dimensions: ${JSON.stringify(r)}`);
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(records.some(r => r.tags)).toBe(true);
    const models = new Set(records.map(r => r.gpuModel).filter(Boolean));
    expect([...models].sort()).toEqual(Object.keys(GPU_CALIBRATION).sort());
  });

  it('shows the daily and weekly cycles', () => {
    // four anomaly-free weeks of chat-llm (UTC-5): the profile's peak and
    // trough hours, on weekdays
    const w = window(28);
    const anomalies = findDemoAnomalies({ seed: 42, window: w });
    const normal = (r: FinopsRecord) =>
      !anomalies.some(
        a =>
          a.serviceId === serviceOf(r) &&
          Date.parse(r.hour) >= a.start.getTime() &&
          Date.parse(r.hour) < a.end.getTime(),
      );
    const generated = generateDemoRecords({ seed: 42, window: w }).filter(
      normal,
    );
    const chat = generated.filter(
      (r): r is UsageRecord =>
        isUsage(r) && r.kubernetesId === 'chat-llm' && r.metric === 'requests',
    );
    const peakLocal = HOUR_OF_DAY_PROFILE.indexOf(
      Math.max(...HOUR_OF_DAY_PROFILE),
    );
    const troughLocal = HOUR_OF_DAY_PROFILE.indexOf(
      Math.min(...HOUR_OF_DAY_PROFILE),
    );
    const local = (r: UsageRecord) => new Date(Date.parse(r.hour) - 5 * HOUR);
    const weekday = (r: UsageRecord) => ![0, 6].includes(local(r).getUTCDay());
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const peak = mean(
      chat
        .filter(r => weekday(r) && local(r).getUTCHours() === peakLocal)
        .map(r => r.value),
    );
    const night = mean(
      chat
        .filter(r => local(r).getUTCHours() === troughLocal)
        .map(r => r.value),
    );
    expect(peak).toBeGreaterThan(1.3 * night);

    // weekly: code completion is a working-week service
    const code = generated.filter(
      (r): r is UsageRecord =>
        isUsage(r) &&
        r.kubernetesId === 'code-completion' &&
        r.metric === 'requests',
    );
    const midweek = mean(
      code
        .filter(r => [2, 3, 4].includes(local(r).getUTCDay()))
        .map(r => r.value),
    );
    const weekend = mean(
      code.filter(r => [0, 6].includes(local(r).getUTCDay())).map(r => r.value),
    );
    expect(midweek).toBeGreaterThan(1.3 * weekend);
  });

  it('scales replicas with load between the configured bounds', () => {
    const autoscaled = DEMO_SERVICES.filter(
      s => s.gpu && s.scaling.maxReplicas > s.scaling.minReplicas,
    );
    expect(autoscaled.length).toBeGreaterThanOrEqual(6);
    for (const service of autoscaled) {
      const gpuHours = records
        .filter(
          (r): r is UsageRecord =>
            isUsage(r) &&
            r.metric === 'gpu_hours' &&
            r.workload === service.main.workload,
        )
        .map(r => r.value / service.gpu!.gpusPerReplica);
      expect(Math.min(...gpuHours)).toBeGreaterThanOrEqual(
        service.scaling.minReplicas,
      );
      expect(Math.max(...gpuHours)).toBeLessThanOrEqual(
        service.scaling.maxReplicas,
      );
      expect(new Set(gpuHours).size).toBeGreaterThan(2);
    }
  });

  it("keeps GPU power between the model's idle and full-utilisation power, rising with utilisation", () => {
    const power = records.filter(
      (r): r is UsageRecord => isUsage(r) && r.metric === 'gpu_power_watts',
    );
    expect(power.length).toBeGreaterThan(0);
    const outOfRange = power.filter(r => {
      const { idleWatts, maxWatts } =
        GPU_CALIBRATION[r.gpuModel as DemoGpuModel];
      return r.value < idleWatts - 0.01 || r.value > maxWatts + 0.01;
    });
    expect(outOfRange.slice(0, 5)).toEqual([]);
    const util = new Map(
      records
        .filter(
          (r): r is UsageRecord => isUsage(r) && r.metric === 'gpu_utilization',
        )
        .map(r => [`${r.hour}|${r.workload}`, r.value]),
    );
    const h200 = power.filter(r => r.gpuModel === 'NVIDIA-H200');
    const busiest = h200.reduce((a, b) =>
      util.get(`${a.hour}|${a.workload}`)! >
      util.get(`${b.hour}|${b.workload}`)!
        ? a
        : b,
    );
    const quietest = h200.reduce((a, b) =>
      util.get(`${a.hour}|${a.workload}`)! <
      util.get(`${b.hour}|${b.workload}`)!
        ? a
        : b,
    );
    expect(busiest.value).toBeGreaterThan(quietest.value + 100);

    // energy = GPU-hours × mean power
    const gpuHours = new Map(
      records
        .filter((r): r is UsageRecord => isUsage(r) && r.metric === 'gpu_hours')
        .map(r => [`${r.hour}|${r.workload}`, r.value]),
    );
    const energy = records.filter(
      (r): r is UsageRecord => isUsage(r) && r.metric === 'gpu_energy_kwh',
    );
    const watts = new Map(power.map(r => [`${r.hour}|${r.workload}`, r.value]));
    expect(energy.length).toBe(power.length);
    const wrongEnergy = energy.filter(r => {
      const key = `${r.hour}|${r.workload}`;
      return (
        Math.abs(r.value - (gpuHours.get(key)! * watts.get(key)!) / 1000) > 1e-5
      );
    });
    expect(wrongEnergy.slice(0, 5)).toEqual([]);
  });

  it('prices GPU-hours at the calibrated list price per GPU model', () => {
    expect(
      Object.fromEntries(
        Object.entries(GPU_CALIBRATION).map(([model, c]) => [
          model,
          c.pricePerGpuHour,
        ]),
      ),
    ).toEqual({
      'NVIDIA-H100-80GB-HBM3': 6.88,
      'NVIDIA-H200': 7.912,
      'NVIDIA-A100-SXM4-80GB': 3.43088125,
      'NVIDIA-L4': 0.8048,
      'NVIDIA-L40S': 1.861,
      'Tesla-T4': 0.558,
    });
    const gpuHours = new Map(
      records
        .filter((r): r is UsageRecord => isUsage(r) && r.metric === 'gpu_hours')
        .map(r => [`${r.hour}|${r.workload}`, r.value]),
    );
    const gpuCosts = records.filter(
      (r): r is CostRecord => isCost(r) && r.category === 'gpu',
    );
    expect(gpuCosts.length).toBe(gpuHours.size);
    const wrongPrice = gpuCosts.filter(r => {
      const hours = gpuHours.get(`${r.hour}|${r.workload}`)!;
      const price = GPU_CALIBRATION[r.gpuModel as DemoGpuModel].pricePerGpuHour;
      return !(Math.abs(r.listCost / hours - price) < 1e-5);
    });
    expect(wrongPrice.slice(0, 5)).toEqual([]);
  });

  it('applies each service commitment to effective and billed cost', () => {
    const compute = (id: string) =>
      records.filter(
        (r): r is CostRecord =>
          isCost(r) &&
          serviceOf(r) === id &&
          ['gpu', 'cpu', 'memory'].includes(r.category),
      );
    const close = (a: number, b: number) => Math.abs(a - b) < 1e-5;
    const chat = compute('chat-llm');
    const rag = compute('search-rag-llm');
    const code = compute('code-completion');
    expect(chat.length * rag.length * code.length).toBeGreaterThan(0);
    expect(
      chat.filter(
        r =>
          !close(r.effectiveCost, r.listCost * 0.72) ||
          r.billedCost !== r.effectiveCost,
      ),
    ).toEqual([]);
    expect(
      rag.filter(
        r =>
          !close(r.effectiveCost, r.listCost * 0.65) ||
          !close(r.billedCost, r.effectiveCost * 0.5),
      ),
    ).toEqual([]);
    expect(
      code.filter(
        r => r.effectiveCost !== r.listCost || r.billedCost !== r.listCost,
      ),
    ).toEqual([]);
  });

  describe('the deliberate anomaly', () => {
    it('puts a 2-day spike in the last three weeks, whatever the day', () => {
      for (let d = 0; d < 120; d++) {
        const end = new Date(END.getTime() + d * DAY);
        const recent = findDemoAnomalies({
          seed: 42,
          window: window(21, end),
        }).filter(
          a => a.start.getTime() >= end.getTime() - 21 * DAY && a.end <= end,
        );
        expect(recent.length).toBeGreaterThanOrEqual(1);
      }
    });

    it('never hits a service twice within 90 days', () => {
      const anomalies = findDemoAnomalies({ seed: 42, window: window(90) });
      expect(anomalies.length).toBeGreaterThanOrEqual(4);
      const ids = anomalies.map(a => a.serviceId);
      expect(new Set(ids).size).toBe(ids.length);
      for (const a of anomalies) {
        expect(a.end.getTime() - a.start.getTime()).toBe(2 * DAY);
      }
    });

    it('shows in the daily cost of the affected service', () => {
      const w = window(21);
      const [anomaly] = findDemoAnomalies({ seed: 42, window: w }).filter(
        a => a.start >= w.start && a.end <= w.end,
      );
      const daily = new Map<string, number>();
      for (const r of records) {
        if (
          isCost(r) &&
          serviceOf(r) === anomaly.serviceId &&
          Date.parse(r.hour) >= w.start.getTime()
        ) {
          const day = r.hour.slice(0, 10);
          daily.set(day, (daily.get(day) ?? 0) + r.effectiveCost);
        }
      }
      const spikeDays = [0, 1].map(i =>
        new Date(anomaly.start.getTime() + i * DAY).toISOString().slice(0, 10),
      );
      const normal = [...daily.entries()]
        .filter(([day]) => !spikeDays.includes(day))
        .map(([, cost]) => cost)
        .sort((a, b) => a - b);
      const median = normal[Math.floor(normal.length / 2)];
      for (const day of spikeDays) {
        expect(daily.get(day)!).toBeGreaterThan(1.8 * median);
      }
      // and no other day of the three weeks comes close
      expect(normal[normal.length - 1]).toBeLessThan(1.6 * median);
    });
  });

  it('includes a small share of spend with no matching entity', () => {
    const effective = (rs: FinopsRecord[]) =>
      rs.filter(isCost).reduce((sum, r) => sum + r.effectiveCost, 0);
    const unallocated = records.filter(
      r => r.kubernetesId === DEMO_UNALLOCATED_KUBERNETES_ID,
    );
    expect(unallocated.some(isCost)).toBe(true);
    expect(unallocated.some(isUsage)).toBe(true);
    const share = effective(unallocated) / effective(records);
    expect(share).toBeGreaterThan(0.01);
    expect(share).toBeLessThan(0.15);
  });
});
