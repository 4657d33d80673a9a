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

/*
 * Start-up of the built `ai-finops` (the published package's bin and dist/):
 * prints figures, asserts nothing.
 *
 *   bash scripts/bench/cli-startup.sh [--runs 30] [--source-runs 5] [--json out.json]
 *   bash scripts/bench/cli-startup.sh --render <dir>   (only writes the manifests below)
 *
 * packages/cli/scripts/build.mjs builds the package into a temporary folder
 * laid out as npm unpacks it (bin/, dist/, package.json; no src/, so the bin
 * runs dist/), and the inference-service template is rendered there with the
 * renderer of its scaffolder action (the values of its dry-run test: 2 H100s,
 * KEDA 1–3 replicas, Argo CD). Then, interleaved run by run, each a fresh
 * process timed with process.hrtime from spawn to exit:
 *   - node -e 0, Node's own start-up, the unit of the ratios;
 *   - ai-finops --version;
 *   - ai-finops check <template manifests> --policies policies;
 *   - both again with Node's compile cache off (NODE_DISABLE_COMPILE_CACHE=1):
 *     the first start after an install, or a Node without the cache;
 * the built runs use a compile cache of their own, filled by a warm-up run.
 * Then, fewer times (it is slow), the same two commands from the TypeScript
 * sources through the Backstage CLI's transform (packages/cli/bin/ai-finops
 * in this repository), as the CLI started before it was built. Median and
 * p90 in ms, and the medians as multiples of node -e 0's.
 */

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeInferenceService } from '../../packages/cli/src/__testUtils__/inferenceService';

const ROOT = path.resolve(__dirname, '../..');
const CLI_DIR = path.join(ROOT, 'packages/cli');
const POLICIES = path.join(ROOT, 'policies');

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const RUNS = Number(arg('runs', '30'));
const SOURCE_RUNS = Number(arg('source-runs', '5'));
const jsonOut = arg('json', '');
const renderOnly = arg('render', '');

/** The inference-service template's manifests, written under `dir`. */
const renderTemplate = (dir: string) => writeInferenceService(dir);

if (renderOnly) {
  const files = renderTemplate(path.resolve(renderOnly));
  process.stdout.write(
    `${files.length} files of the inference-service template in ${renderOnly}\n`,
  );
  process.exit(0);
}

interface Case {
  name: string;
  argv: string[];
  env?: NodeJS.ProcessEnv;
  runs: number;
  times: number[];
}

function run(c: Case): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, c.argv, {
    env: { ...process.env, ...c.env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) {
    throw new Error(
      `${c.name} exited with ${result.status}: ${
        result.stderr || result.stdout
      }`,
    );
  }
  return ms;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-finops-cli-startup-'));
  try {
    const installed = path.join(tmp, 'package');
    const build = spawnSync(
      process.execPath,
      [
        path.join(CLI_DIR, 'scripts/build.mjs'),
        '--outdir',
        path.join(installed, 'dist'),
      ],
      { encoding: 'utf8' },
    );
    if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
    fs.mkdirSync(path.join(installed, 'bin'));
    for (const file of ['bin/ai-finops', 'package.json']) {
      fs.copyFileSync(path.join(CLI_DIR, file), path.join(installed, file));
    }
    const manifests = path.join(tmp, 'manifests');
    const rendered = renderTemplate(manifests);

    const built = path.join(installed, 'bin/ai-finops');
    const source = path.join(CLI_DIR, 'bin/ai-finops');
    const check = ['check', manifests, '--policies', POLICIES];
    const cache = { NODE_COMPILE_CACHE: path.join(tmp, 'compile-cache') };
    const noCache = { NODE_DISABLE_COMPILE_CACHE: '1' };
    const cases: Case[] = [
      { name: 'node -e 0', argv: ['-e', '0'], runs: RUNS, times: [] },
      {
        name: 'ai-finops --version',
        argv: [built, '--version'],
        env: cache,
        runs: RUNS,
        times: [],
      },
      {
        name: 'ai-finops check',
        argv: [built, ...check],
        env: cache,
        runs: RUNS,
        times: [],
      },
      {
        name: 'ai-finops --version (no compile cache)',
        argv: [built, '--version'],
        env: noCache,
        runs: RUNS,
        times: [],
      },
      {
        name: 'ai-finops check (no compile cache)',
        argv: [built, ...check],
        env: noCache,
        runs: RUNS,
        times: [],
      },
      {
        name: 'sources: ai-finops --version',
        argv: [source, '--version'],
        runs: SOURCE_RUNS,
        times: [],
      },
      {
        name: 'sources: ai-finops check',
        argv: [source, ...check],
        runs: SOURCE_RUNS,
        times: [],
      },
    ];

    // Warm-up: the file cache, and the built runs' compile cache.
    for (const c of cases) run(c);
    const rounds = Math.max(...cases.map(c => c.runs));
    for (let i = 0; i < rounds; i++) {
      for (const c of cases) if (i < c.runs) c.times.push(run(c));
    }

    const rows = cases.map(c => {
      const sorted = [...c.times].sort((a, b) => a - b);
      return {
        name: c.name,
        runs: c.runs,
        medianMs: quantile(sorted, 0.5),
        p90Ms: quantile(sorted, 0.9),
      };
    });
    const node = rows[0].medianMs;
    const size = (dir: string): number =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .reduce(
          (sum, e) =>
            sum +
            (e.isDirectory()
              ? size(path.join(dir, e.name))
              : fs.statSync(path.join(dir, e.name)).size),
          0,
        );
    process.stdout.write(
      `node ${process.version}, ${os.cpus().length} CPUs, load average ${os
        .loadavg()
        .map(l => l.toFixed(2))
        .join(
          ' ',
        )}; ${RUNS} runs each (sources: ${SOURCE_RUNS}), interleaved\n`,
    );
    process.stdout.write(
      `built package: ${(size(installed) / 1024 / 1024).toFixed(
        1,
      )} MiB unpacked; check: the inference-service template (${
        rendered.length
      } files) against ${path.relative(ROOT, POLICIES)}/\n\n`,
    );
    process.stdout.write(
      `${'case'.padEnd(42)}${'median ms'.padStart(10)}${'p90 ms'.padStart(
        10,
      )}${'× node'.padStart(9)}\n`,
    );
    for (const r of rows) {
      process.stdout.write(
        `${r.name.padEnd(42)}${r.medianMs.toFixed(1).padStart(10)}${r.p90Ms
          .toFixed(1)
          .padStart(10)}${(r.medianMs / node).toFixed(2).padStart(9)}\n`,
      );
    }
    const version = rows[1].medianMs / node;
    process.stdout.write(
      `\nai-finops --version: ${version.toFixed(2)}× node -e 0 (goal ≤ 3: ${
        version <= 3 ? 'met' : 'not met'
      }); check ${(rows[2].medianMs / node).toFixed(2)}×; from the sources ${(
        rows[5].medianMs / node
      ).toFixed(1)}× and ${(rows[6].medianMs / node).toFixed(1)}×\n`,
    );
    if (jsonOut) {
      fs.writeFileSync(
        jsonOut,
        `${JSON.stringify(
          {
            node: process.version,
            cpus: os.cpus().length,
            loadavg: os.loadavg(),
            runs: RUNS,
            cases: rows.map(r => ({ ...r, ratioToNode: r.medianMs / node })),
          },
          null,
          2,
        )}\n`,
      );
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
