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

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeWithSharedData, sharedDataPath } from '@ai-finops/test-utils';
import { expectBadInput, runAiFinops } from '../__testUtils__/aiFinops';

jest.setTimeout(120_000);

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-finops-simulate-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function aiFinops(...args: string[]) {
  return runAiFinops(args, { timeoutMs: 110_000 });
}

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** A Mooncake-format trace: 10 minutes at 2 requests/s, then 10 at 6. */
function mooncake(): string {
  const times = [
    ...Array.from({ length: 1200 }, (_, i) => i / 2),
    ...Array.from({ length: 3600 }, (_, i) => 600 + i / 6),
  ];
  const lines = times.map(t =>
    JSON.stringify({
      timestamp: Math.round(t * 1000),
      input_length: 800,
      output_length: 120,
      hash_ids: [],
    }),
  );
  return write('trace.jsonl', `${lines.join('\n')}\n`);
}

describe('ai-finops simulate', () => {
  it('prints one CSV row per policy and the ratios on stderr', () => {
    const result = aiFinops(
      'simulate',
      '--trace',
      mooncake(),
      '--replica',
      'l4-llama8b',
    );
    expect(result.code).toBe(0);
    const [header, ...rows] = result.stdout.trim().split('\n');
    expect(header).toBe(
      'trace,policy,replica,requests,gpu_hours,cost_usd,mean_replicas,max_replicas,slo_violation_rate,request_violation_rate,p95_ttft_s,p95_tpot_s,energy_kwh,carbon_kg,gco2e_per_1m_tokens,cost_per_1m_tokens',
    );
    expect(rows.map(r => r.split(',').slice(0, 4))).toEqual([
      ['trace', 'static-peak', 'l4-llama8b', '4800'],
      ['trace', 'reactive-hpa', 'l4-llama8b', '4800'],
      ['trace', 'predictive', 'l4-llama8b', '4800'],
    ]);
    const gpuHours = rows.map(r => Number(r.split(',')[4]));
    // Static peak: 6/s × (800/4000 + 120/1400) replica-s = 1.71 → 3 replicas for 1,200 s.
    expect(gpuHours[0]).toBeCloseTo((3 * 1200) / 3600, 2);
    // Both autoscalers start at one replica for the first ten minutes.
    expect(gpuHours[1]).toBeGreaterThan(0);
    expect(gpuHours[2]).toBeLessThan(gpuHours[0]);
    expect(result.stderr).toMatch(
      /^trace: predictive GPU-hours [\d.]+× static peak, [\d.]+× reactive HPA; SLO-violation rate -?[\d.]+ points vs HPA\n$/,
    );
  });

  it('prints JSON with the results, ratios and goals, for chosen policies and prices', () => {
    const result = aiFinops(
      'simulate',
      '--trace',
      mooncake(),
      '--policy',
      'static-peak',
      '--gpu-price',
      '2',
      '--format',
      'json',
    );
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.results).toHaveLength(1);
    expect(out.results[0].policy).toBe('static-peak');
    expect(out.results[0].cost).toBeCloseTo(out.results[0].gpuHours * 2, 9);
    expect(out.ratios).toBeUndefined();
    expect(result.stderr).toBe('');
  });

  it('turns bad input into one line and exit 2', () => {
    expect(
      expectBadInput(
        aiFinops('simulate', '--trace', mooncake(), '--policy', 'magic'),
      ),
    ).toMatch(/--policy: unknown policy 'magic'/);
    expect(
      expectBadInput(
        aiFinops('simulate', '--trace', path.join(dir, 'missing.jsonl')),
      ),
    ).toMatch(/missing\.jsonl: cannot read the trace/);
    expect(
      expectBadInput(
        aiFinops(
          'simulate',
          '--trace',
          write(
            'bad.jsonl',
            '{"timestamp":1,"input_length":"x","output_length":2}\n',
          ),
        ),
      ),
    ).toMatch(
      /bad\.jsonl: row 1, column input_length: 'x' is not a non-negative number/,
    );
    expect(
      expectBadInput(
        aiFinops('simulate', '--trace', mooncake(), '--gpu-price', '-1'),
      ),
    ).toMatch(/--gpu-price -1: more than 0$/);
    expect(
      expectBadInput(
        aiFinops('simulate', '--trace', mooncake(), '--replica', 'tpu'),
      ),
    ).toMatch(/--replica.*tpu/);
    expect(expectBadInput(aiFinops('simulate'))).toMatch(/--trace/);
  });
});

describeWithSharedData(
  'sustaindc-workload-hourly',
  'ai-finops simulate on an hourly series',
  () => {
    it('replays the last hours of a SustainDC series with the history before them', () => {
      const result = aiFinops(
        'simulate',
        '--trace',
        sharedDataPath(
          'sustaindc-workload-hourly',
          'GoogleClusteData_CPU_Data_Hourly_1.csv',
        ),
        '--hours',
        '6',
        '--mean-rps',
        '3',
        '--policy',
        'static-peak,predictive',
        '--step',
        '1',
      );
      expect(result.code).toBe(0);
      const rows = result.stdout.trim().split('\n').slice(1);
      expect(rows.map(r => r.split(',')[1])).toEqual([
        'static-peak',
        'predictive',
      ]);
      const requests = Number(rows[0].split(',')[3]);
      expect(requests / (6 * 3600)).toBeGreaterThan(2.8);
      expect(requests / (6 * 3600)).toBeLessThan(3.2);
    });
  },
);
