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
 * Anomaly benchmark: prints figures, asserts nothing.
 *
 *   bash scripts/bench/anomaly.sh [--per-category]
 *   bash scripts/bench/anomaly.sh --loco [--grid SPEC] [--module PATH] [--jobs 2]
 *
 * --loco: leave-one-category-out (see anomalyLoco.ts): defaults chosen on
 * three categories, the fourth scored; the mean of the four held-out scores
 * beside the in-sample one and the windowed-Gaussian baseline.
 *
 * NAB v1.1 scores (standard, reward_low_FP_rate, reward_low_FN_rate) on the
 * NAB files in ../shared/data/nab, from the validated scorer in
 * ../shared/tools/nab (called, not copied). In the same run, on the same
 * input: our detector through the CLI (`ai-finops detect`, exactly as CI
 * scripts call it) and NAB's windowed-Gaussian baseline
 * (../shared/tools/nab/baselines/windowed-gaussian.mjs). Goal: standard
 * score well above the baseline, aim >= 65.
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sharedDataPath } from '@ai-finops/test-utils';
import { runLoco } from './anomalyLoco';

const root = path.resolve(__dirname, '../..');
const nab = sharedDataPath('..', 'tools', 'nab');
const work = mkdtempSync(path.join(tmpdir(), 'finops-nab-'));
const perCategory = process.argv.includes('--per-category');
const PROFILES = ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'];
const CATEGORIES = [
  'artificialNoAnomaly',
  'artificialWithAnomaly',
  'realAdExchange',
  'realTraffic',
  'realTweets',
];

const node = (args: string[], out?: string) => {
  const text = execFileSync(process.execPath, args, {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (out) writeFileSync(out, text);
  return text;
};

/** Runs a detector command, timing it; its CSV goes to `out`. */
function detect(name: string, args: string[]) {
  const out = path.join(work, `${name}.csv`);
  const started = Date.now();
  node(args, out);
  return { name, out, seconds: (Date.now() - started) / 1000 };
}

/** The scorer's per-profile lines → { profile: { score, windows, fp } }. */
function score(file: string, categories?: string) {
  const text = node([
    path.join(nab, 'nab-score.mjs'),
    file,
    ...(categories ? ['--categories', categories] : []),
  ]);
  const result: Record<string, { score: number; windows: string; fp: number }> =
    {};
  for (const profile of PROFILES) {
    const m = text.match(
      new RegExp(
        `^${profile}\\s+score\\s+(-?[\\d.]+).*windows detected (\\d+/\\d+)\\s+FP rows (\\d+)`,
        'm',
      ),
    );
    if (!m)
      throw new Error(`nab-score.mjs printed no ${profile} line:\n${text}`);
    result[profile] = { score: Number(m[1]), windows: m[2], fp: Number(m[3]) };
  }
  return result;
}

const cliDetect = (input: string) =>
  detect('ai-finops detect', [
    path.join(root, 'packages/cli/bin/ai-finops'),
    'detect',
    '--input',
    input,
    '--format',
    'csv',
  ]);

async function main() {
  const input = path.join(work, 'in.csv');
  node([path.join(nab, 'nab-input.mjs'), '--out', input]);
  if (process.argv.includes('--loco')) {
    await runLoco({
      root,
      nab,
      work,
      input,
      argv: process.argv,
      cli: () => {
        const s = score(cliDetect(input).out);
        return {
          standard: s.standard.score,
          low_fp: s.reward_low_FP_rate.score,
          low_fn: s.reward_low_FN_rate.score,
        };
      },
    });
    rmSync(work, { recursive: true, force: true });
    return;
  }
  const runs = [
    cliDetect(input),
    detect('windowed Gaussian (NAB baseline)', [
      path.join(nab, 'baselines/windowed-gaussian.mjs'),
      '--input',
      input,
    ]),
  ];
  console.log(
    'NAB v1.1 on ../shared/data/nab (34 files, 67 windows); scorer ../shared/tools/nab/nab-score.mjs',
  );
  console.log(
    [
      'detector',
      'standard',
      'low FP',
      'low FN',
      'windows (std)',
      'FP rows (std)',
      'seconds',
    ].join(' | '),
  );
  for (const run of runs) {
    const s = score(run.out);
    console.log(
      [
        run.name,
        ...PROFILES.map(p => s[p].score.toFixed(1)),
        s.standard.windows,
        s.standard.fp,
        run.seconds.toFixed(1),
      ].join(' | '),
    );
  }
  if (perCategory) {
    console.log('\nstandard profile, normalised per category:');
    console.log(['category', ...runs.map(r => r.name)].join(' | '));
    for (const category of CATEGORIES.filter(
      c => c !== 'artificialNoAnomaly',
    )) {
      console.log(
        [
          category,
          ...runs.map(r => score(r.out, category).standard.score.toFixed(1)),
        ].join(' | '),
      );
    }
  }
  rmSync(work, { recursive: true, force: true });
}

main().catch(error => {
  rmSync(work, { recursive: true, force: true });
  console.error(error);
  process.exitCode = 1;
});
