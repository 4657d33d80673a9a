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

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Test-only helpers (a real Prometheus); not part of the isomorphic package.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import {
  createBlocks,
  describeUnlessMissing,
  findOnPath,
  startPrometheus,
  type RunningPrometheus,
} from '@ai-finops/test-utils';
import { parse } from 'yaml';
import { knownGpuModels } from '../estimate/prices';
import {
  renderInferenceService,
  type InferenceServiceSpec,
} from './inferenceService';

const missing = ['prometheus', 'promtool'].filter(b => !findOnPath(b));

const spec: InferenceServiceSpec = {
  name: 'chat',
  owner: 'group:default/ml-platform',
  costCenter: 'cc-42',
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  runtime: 'vllm',
  gpuType: 'NVIDIA-H100-80GB-HBM3',
  gpuCount: 2,
  minReplicas: 2,
  maxReplicas: 4,
  autoscaler: 'hpa',
  latencySloMs: 800,
  gitopsRepoUrl: 'github.com?owner=acme&repo=gitops',
  gitopsPath: 'apps/chat',
  delivery: 'argocd',
  // A round price, so that the expected figures are easy to check.
  rollout: { strategy: 'canary', gpuHourPriceUsd: 4 },
};
/** 2 GPUs × $4 per GPU-hour. */
const POD_HOUR_USD = 8;

const rendered = renderInferenceService(spec, knownGpuModels());
const yamlOf = (path: string) =>
  parse(rendered.find(f => f.path === path)!.content);
const analysis = yamlOf('base/analysistemplate.yaml');
const rollout = yamlOf('base/rollout.yaml');

/** Latency histogram: the share of requests at or under each bound (s). */
type Latencies = Array<[le: string, share: number]>;
const FAST: Latencies = [
  ['0.3', 0.5],
  ['0.5', 0.9],
  ['0.8', 0.97],
  ['1', 0.99],
  ['2.5', 1],
  ['5', 1],
  ['+Inf', 1],
];
const SLOW: Latencies = [
  ['0.3', 0.1],
  ['0.5', 0.3],
  ['0.8', 0.5],
  ['1', 0.6],
  ['2.5', 0.9],
  ['5', 1],
  ['+Inf', 1],
];

/** One revision: its pods, each serving these tokens and requests per second. */
interface Revision {
  hash: string;
  pods: number;
  promptTokensPerSecond: number;
  generatedTokensPerSecond: number;
  requestsPerSecond: number;
  latencies: Latencies;
}

interface Case {
  namespace: string;
  stable: Revision;
  canary: Revision;
  /** Expected verdict of each metric. */
  expected: Record<string, 'Successful' | 'Failed'>;
}

const stable = (hash: string): Revision => ({
  hash,
  pods: 2,
  promptTokensPerSecond: 600,
  generatedTokensPerSecond: 400,
  requestsPerSecond: 4,
  latencies: FAST,
});

const CASES: Record<string, Case> = {
  // 1 canary pod serves 1,200 tokens/s, a stable pod 1,000: 1/1.2 ≈ 0.833.
  'the canary is cheaper per token': {
    namespace: 'chat-cheaper',
    stable: stable('6d4f9b7c8d'),
    canary: {
      hash: '7b9c5d6f4e',
      pods: 1,
      promptTokensPerSecond: 700,
      generatedTokensPerSecond: 500,
      requestsPerSecond: 4,
      latencies: FAST,
    },
    expected: {
      'cost-per-million-tokens-ratio': 'Successful',
      'p95-latency-seconds': 'Successful',
    },
  },
  // 800 tokens/s for the same GPUs: 1.25 × the stable's cost per token.
  'the canary costs 25 % more per token': {
    namespace: 'chat-pricier',
    stable: stable('5c8d7e6f9a'),
    canary: {
      hash: '8e7f6a5b4c',
      pods: 1,
      promptTokensPerSecond: 500,
      generatedTokensPerSecond: 300,
      requestsPerSecond: 4,
      latencies: FAST,
    },
    expected: {
      'cost-per-million-tokens-ratio': 'Failed',
      'p95-latency-seconds': 'Successful',
    },
  },
  // Same cost per token, but the p95 is 3.75 s against an 0.8 s SLO.
  'the canary breaks the latency SLO': {
    namespace: 'chat-slow',
    stable: stable('4b7c6d5e8f'),
    canary: {
      hash: '9f8e7d6c5b',
      pods: 1,
      promptTokensPerSecond: 600,
      generatedTokensPerSecond: 400,
      requestsPerSecond: 4,
      latencies: SLOW,
    },
    expected: {
      'cost-per-million-tokens-ratio': 'Successful',
      'p95-latency-seconds': 'Failed',
    },
  },
};

const HOUR = 3_600_000;
// Two hours back: inside retention, and clear of the empty head block.
const T = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
const SCRAPE_MS = 15_000;
const SPAN_MS = 30 * 60_000;

const labelText = (labels: Record<string, string>) =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;

/** vLLM's series of every pod of every case, as Prometheus would scrape them. */
function openMetrics(): string {
  const families = new Map<string, { type: string; lines: string[] }>();
  const sample = (
    family: string,
    type: string,
    name: string,
    labels: Record<string, string>,
    value: (seconds: number) => number,
  ) => {
    let f = families.get(family);
    if (!f) families.set(family, (f = { type, lines: [] }));
    for (let t = T - SPAN_MS; t <= T; t += SCRAPE_MS) {
      // Counters that started long before the window.
      const seconds = (t - (T - SPAN_MS)) / 1000 + 3600;
      f.lines.push(
        `${name}${labelText(labels)} ${value(seconds)} ${(t / 1000).toFixed(
          3,
        )}`,
      );
    }
  };
  for (const c of Object.values(CASES)) {
    for (const r of [c.stable, c.canary]) {
      for (let i = 0; i < r.pods; i++) {
        const labels = {
          namespace: c.namespace,
          pod: `chat-${r.hash}-pod${i}`,
          container: 'vllm',
          model_name: 'chat',
          rollouts_pod_template_hash: r.hash,
        };
        sample(
          'vllm:prompt_tokens',
          'counter',
          'vllm:prompt_tokens_total',
          labels,
          s => r.promptTokensPerSecond * s,
        );
        sample(
          'vllm:generation_tokens',
          'counter',
          'vllm:generation_tokens_total',
          labels,
          s => r.generatedTokensPerSecond * s,
        );
        for (const [le, share] of r.latencies) {
          sample(
            'vllm:e2e_request_latency_seconds_bucket',
            'unknown',
            'vllm:e2e_request_latency_seconds_bucket',
            { ...labels, le },
            s => Math.round(r.requestsPerSecond * s * share),
          );
        }
      }
    }
  }
  const out: string[] = [];
  for (const [family, { type, lines }] of families) {
    out.push(`# TYPE ${family} ${type}`, ...lines);
  }
  return `${out.join('\n')}\n# EOF\n`;
}

/**
 * The arguments Argo Rollouts passes to the analysis step of the rendered
 * Rollout: `fieldRef` from the Rollout's metadata, `podTemplateHashValue`
 * Latest (the canary's hash) and Stable.
 */
function analysisArgs(c: Case): Record<string, string> {
  const step = rollout.spec.strategy.canary.steps.find(
    (s: any) => s.analysis,
  ).analysis;
  const args: Record<string, string> = {};
  for (const a of step.args) {
    const from = a.valueFrom;
    if (from?.fieldRef?.fieldPath === 'metadata.namespace') {
      args[a.name] = c.namespace;
    } else if (from?.podTemplateHashValue === 'Latest') {
      args[a.name] = c.canary.hash;
    } else if (from?.podTemplateHashValue === 'Stable') {
      args[a.name] = c.stable.hash;
    } else {
      throw new Error(
        `analysis arg ${a.name}: unexpected ${JSON.stringify(a)}`,
      );
    }
  }
  return args;
}

/** `{{args.name}}` replaced as Argo Rollouts does; an unknown name is an error. */
function substitute(query: string, args: Record<string, string>): string {
  return query.replace(/\{\{\s*args\.([\w-]+)\s*\}\}/g, (_, name) => {
    if (!(name in args)) throw new Error(`no analysis arg ${name}`);
    return args[name];
  });
}

/**
 * Argo Rollouts evaluates `successCondition` with the expr language over
 * `result`, the values of the Prometheus vector. The renderer emits only
 * `result[0] <op> <number>`; this evaluator accepts exactly that and fails
 * on anything else. A missing `result[0]` is an error, as in expr.
 */
function evaluateCondition(condition: string, result: number[]): boolean {
  const m = /^result\[0\] (<=|>=|<|>) (-?\d+(?:\.\d+)?)$/.exec(condition);
  if (!m) throw new Error(`condition not understood: ${condition}`);
  if (result.length === 0) throw new Error('result[0]: empty result');
  const [value, bound] = [result[0], Number(m[2])];
  switch (m[1]) {
    case '<=':
      return value <= bound;
    case '>=':
      return value >= bound;
    case '<':
      return value < bound;
    default:
      return value > bound;
  }
}

async function instantQuery(url: string, query: string): Promise<number[]> {
  const response = await fetch(
    `${url}/api/v1/query?${new URLSearchParams({
      query,
      time: String(T / 1000),
    })}`,
  );
  const body: any = await response.json();
  if (body.status !== 'success') {
    throw new Error(`${query}: ${body.errorType}: ${body.error}`);
  }
  expect(body.data.resultType).toBe('vector');
  return body.data.result.map((r: any) => Number(r.value[1]));
}

describeUnlessMissing(
  missing,
  'the canary AnalysisTemplate against a real Prometheus',
  () => {
    let workDir: string;
    let prometheus: RunningPrometheus | undefined;

    beforeAll(async () => {
      workDir = mkdtempSync(join(tmpdir(), 'finops-canary-'));
      const file = join(workDir, 'vllm.om.txt');
      writeFileSync(file, openMetrics());
      const tsdb = join(workDir, 'tsdb');
      createBlocks(file, tsdb);
      prometheus = await startPrometheus(tsdb, workDir);
    }, 60_000);

    afterAll(async () => {
      await prometheus?.stop();
      if (workDir) rmSync(workDir, { recursive: true, force: true });
    });

    const metrics = Object.fromEntries(
      analysis.spec.metrics.map((m: any) => [m.name, m]),
    );

    it.each(Object.entries(CASES))('%s', async (_, c) => {
      const args = analysisArgs(c);
      const values: Record<string, number[]> = {};
      const verdicts: Record<string, string> = {};
      for (const [name, metric] of Object.entries<any>(metrics)) {
        const query = substitute(metric.provider.prometheus.query, args);
        values[name] = await instantQuery(prometheus!.url, query);
        verdicts[name] = evaluateCondition(
          metric.successCondition,
          values[name],
        )
          ? 'Successful'
          : 'Failed';
      }
      expect(verdicts).toEqual({
        ...c.expected,
        // Recorded only (dryRun): a cost is never negative.
        'canary-usd-per-million-tokens': 'Successful',
        'stable-usd-per-million-tokens': 'Successful',
      });

      // The figures, from the series' rates alone:
      // pods × $ per pod-hour / 3600 ÷ tokens per second × 1e6.
      const usdPerMillion = (r: Revision) =>
        ((r.pods * POD_HOUR_USD) /
          3600 /
          (r.pods * (r.promptTokensPerSecond + r.generatedTokensPerSecond))) *
        1e6;
      expect(values['canary-usd-per-million-tokens']).toHaveLength(1);
      expect(values['canary-usd-per-million-tokens'][0]).toBeCloseTo(
        usdPerMillion(c.canary),
        6,
      );
      expect(values['stable-usd-per-million-tokens'][0]).toBeCloseTo(
        usdPerMillion(c.stable),
        6,
      );
      expect(values['cost-per-million-tokens-ratio'][0]).toBeCloseTo(
        usdPerMillion(c.canary) / usdPerMillion(c.stable),
        6,
      );
    });

    it('reads p95 latency from the histogram as histogram_quantile interpolates', async () => {
      const p95 = async (c: Case) =>
        (
          await instantQuery(
            prometheus!.url,
            substitute(
              metrics['p95-latency-seconds'].provider.prometheus.query,
              analysisArgs(c),
            ),
          )
        )[0];
      // FAST: 90 % ≤ 0.5 s, 97 % ≤ 0.8 s → 0.5 + (0.05 / 0.07) × 0.3.
      expect(await p95(CASES['the canary is cheaper per token'])).toBeCloseTo(
        0.5 + (0.05 / 0.07) * 0.3,
        6,
      );
      // SLOW: 90 % ≤ 2.5 s, 100 % ≤ 5 s → 2.5 + 0.5 × 2.5.
      expect(await p95(CASES['the canary breaks the latency SLO'])).toBeCloseTo(
        3.75,
        6,
      );
    });

    it('fails the ratio when no canary series exist (the analysis cannot vouch for it)', async () => {
      const c = CASES['the canary is cheaper per token'];
      const query = substitute(
        metrics['cost-per-million-tokens-ratio'].provider.prometheus.query,
        { ...analysisArgs(c), 'canary-hash': 'no-such-hash' },
      );
      const result = await instantQuery(prometheus!.url, query);
      expect(result).toEqual([]);
      expect(() =>
        evaluateCondition(
          metrics['cost-per-million-tokens-ratio'].successCondition,
          result,
        ),
      ).toThrow('result[0]: empty result');
    });
  },
);
