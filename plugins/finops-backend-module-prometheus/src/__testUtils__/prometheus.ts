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
import { sharedDataPath } from '@ai-finops/test-utils';
import { join } from 'node:path';

// The Prometheus server helpers live in test-utils, shared with the
// guardrails' canary analysis test.
export {
  createBlocks,
  describeUnlessMissing,
  findOnPath,
  startPrometheus,
  type RunningPrometheus,
} from '@ai-finops/test-utils';

/** `<monorepo root>/../shared/data/gpu-telemetry-h200`, when it exists. */
export function findH200TelemetryDir(): string | undefined {
  const dir = sharedDataPath('gpu-telemetry-h200');
  return existsSync(join(dir, 'nvml_samples.csv')) ? dir : undefined;
}

function readCsv(file: string): Array<Record<string, string>> {
  const [header, ...rows] = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const columns = header.split(',');
  return rows.map(row => {
    const cells = row.split(',');
    return Object.fromEntries(columns.map((c, i) => [c, cells[i]]));
  });
}

/** What the test expects, computed from the CSVs alone. */
export interface H200Expectations {
  /** Mean of `gpu_util_pct` / 100 over all samples. */
  utilization: number;
  /** Mean of `power_w`. */
  powerWatts: number;
  /** First to last sample, seconds. */
  durationSeconds: number;
  /** Δ `energy_mj`, in kWh: what NVML's energy counter measured. */
  energyCounterKwh: number;
  tokensInput: number;
  tokensOutput: number;
  requests: number;
  /** The NVML samples, `t` in seconds since the recording start. */
  samples: Array<{ t: number; utilization: number; powerWatts: number }>;
}

const format = (labels: Record<string, string>) =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/["\\]/g, c => `\\${c}`)}"`)
    .join(',')}}`;

/**
 * Turns the H200 recording into an OpenMetrics file as dcgm-exporter and
 * vLLM would have exposed it, the recording starting at `startMs`: DCGM
 * gauges at every NVML sample, and vLLM counters (cumulative sums of
 * `requests.csv`, a request counted when its batch ends) at the same times.
 */
export function h200OpenMetrics(
  dir: string,
  startMs: number,
  labels: {
    dcgm: Record<string, string>;
    vllm: Record<string, string>;
    /** kube-state-metrics' `kube_pod_labels` of the pod, every 15 s. */
    kubePod: Record<string, string>;
  },
): { text: string; expected: H200Expectations } {
  const samples = readCsv(join(dir, 'nvml_samples.csv'));
  const served = readCsv(join(dir, 'requests.csv'))
    .map(r => ({
      end: Number(r.end_s),
      input: Number(r.context_tokens),
      output: Number(r.generated_tokens),
    }))
    .sort((a, b) => a.end - b.end);
  const at = (t: string) => ((startMs + Number(t) * 1000) / 1000).toFixed(3);

  const lines: string[] = [];
  const gauge = (name: string, help: string, column: string) => {
    lines.push(`# TYPE ${name} gauge`, `# HELP ${name} ${help}`);
    for (const sample of samples) {
      lines.push(
        `${name}${format(labels.dcgm)} ${sample[column]} ${at(sample.t_s)}`,
      );
    }
  };
  gauge('DCGM_FI_DEV_GPU_UTIL', 'GPU utilization (in %).', 'gpu_util_pct');
  gauge('DCGM_FI_DEV_POWER_USAGE', 'Power draw (in W).', 'power_w');
  gauge(
    'DCGM_FI_DEV_FB_USED',
    'Framebuffer memory used (in MiB).',
    'fb_used_mib',
  );

  const counter = (
    family: string,
    sample: string,
    value: (r: (typeof served)[number]) => number,
    type = 'counter',
  ) => {
    lines.push(`# TYPE ${family} ${type}`);
    let total = 0;
    let next = 0;
    for (const { t_s } of samples) {
      while (next < served.length && served[next].end <= Number(t_s)) {
        total += value(served[next++]);
      }
      lines.push(`${sample}${format(labels.vllm)} ${total} ${at(t_s)}`);
    }
  };
  counter('vllm:prompt_tokens', 'vllm:prompt_tokens_total', r => r.input);
  counter(
    'vllm:generation_tokens',
    'vllm:generation_tokens_total',
    r => r.output,
  );
  // The count of vLLM's latency histogram, without its buckets.
  counter(
    'vllm:e2e_request_latency_seconds_count',
    'vllm:e2e_request_latency_seconds_count',
    () => 1,
    'unknown',
  );
  lines.push('# TYPE kube_pod_labels gauge');
  const end = Number(samples[samples.length - 1].t_s);
  for (let t = 0; t <= end + 15; t += 15) {
    lines.push(`kube_pod_labels${format(labels.kubePod)} 1 ${at(String(t))}`);
  }
  lines.push('# EOF');

  const mean = (column: string) =>
    samples.reduce((sum, r) => sum + Number(r[column]), 0) / samples.length;
  const first = samples[0];
  const last = samples[samples.length - 1];
  return {
    text: `${lines.join('\n')}\n`,
    expected: {
      utilization: mean('gpu_util_pct') / 100,
      powerWatts: mean('power_w'),
      durationSeconds: Number(last.t_s) - Number(first.t_s),
      energyCounterKwh:
        (Number(last.energy_mj) - Number(first.energy_mj)) / 3.6e9,
      tokensInput: served.reduce((sum, r) => sum + r.input, 0),
      tokensOutput: served.reduce((sum, r) => sum + r.output, 0),
      requests: served.length,
      samples: samples.map(r => ({
        t: Number(r.t_s),
        utilization: Number(r.gpu_util_pct) / 100,
        powerWatts: Number(r.power_w),
      })),
    },
  };
}
