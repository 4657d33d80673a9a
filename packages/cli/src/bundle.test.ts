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

import { focusGpuInstanceCsv } from '@ai-finops/test-utils';
import knexFactory from 'knex';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { version } from '../package.json';
import { createProgram } from './program';
import { writeInferenceService } from './__testUtils__/inferenceService';
import {
  expectBadInput,
  runAiFinops,
  type CliResult,
} from './__testUtils__/aiFinops';

// The published form of the CLI: scripts/build.mjs bundles it into a folder
// laid out like the package (bin/, dist/, package.json, no src/) outside the
// repository, so that nothing resolves from the repository's node_modules,
// and there it runs as `npx @ai-finops/cli` runs it. Every command must
// answer as the sources do (the other tests run the sources).

jest.setTimeout(180_000);

const PACKAGE_DIR = path.resolve(__dirname, '..');
const REPO_ROOT = path.resolve(PACKAGE_DIR, '../..');
const POLICIES = path.join(REPO_ROOT, 'policies');
// The ValidatingAdmissionPolicies of the shipped folder, as check counts them.
const POLICY_COUNT = fs
  .readdirSync(POLICIES)
  .filter(f => f.endsWith('.yaml'))
  .flatMap(f =>
    fs
      .readFileSync(path.join(POLICIES, f), 'utf8')
      .match(/^kind: ValidatingAdmissionPolicy$/gm),
  )
  .filter(Boolean).length;
const postgresUrl =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;

/** The package, as npm would unpack it. */
const installed = path.join(
  os.tmpdir(),
  `ai-finops-bundle-${crypto.randomBytes(6).toString('hex')}`,
);
/** The inputs. */
const work = path.join(installed, 'work');

beforeAll(() => {
  const build = spawnSync(
    process.execPath,
    [
      path.join(PACKAGE_DIR, 'scripts/build.mjs'),
      '--outdir',
      path.join(installed, 'dist'),
    ],
    { encoding: 'utf8', timeout: 150_000 },
  );
  if (build.status !== 0) {
    throw new Error(`scripts/build.mjs failed: ${build.stderr}`);
  }
  fs.mkdirSync(path.join(installed, 'bin'));
  fs.mkdirSync(work);
  for (const file of ['bin/ai-finops', 'package.json']) {
    fs.copyFileSync(path.join(PACKAGE_DIR, file), path.join(installed, file));
  }
});
afterAll(() => fs.rmSync(installed, { recursive: true, force: true }));

/** Runs the built package's bin, with nothing on NODE_PATH unless given. */
function bundled(args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  return runAiFinops(args, {
    bin: path.join(installed, 'bin/ai-finops'),
    cwd: work,
    env: { ...process.env, NODE_PATH: '', ...env },
  });
}

/** Runs the sources' bin, the reference. */
function source(args: string[]): CliResult {
  return runAiFinops(args, { cwd: work });
}

/** Both print the same, byte for byte, and exit alike. */
function expectSameAsSource(args: string[], env?: NodeJS.ProcessEnv) {
  const built = bundled(args, env);
  expect(built).toEqual(source(args));
  return built;
}

function write(rel: string, content: string): string {
  const file = path.join(work, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

/** The inference-service template's manifests under `work/<folder>`. */
function renderTemplate(folder: string, gpuCount: number, maxReplicas: number) {
  writeInferenceService(path.join(work, folder), { gpuCount, maxReplicas });
  return path.join(work, folder);
}

describe('the built package', () => {
  it('prints the version of its package.json', () => {
    const result = bundled(['--version']);
    expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('lists every command in --help, and each answers --help', () => {
    const commands = createProgram().commands.map(c => c.name());
    expect(commands.length).toBeGreaterThanOrEqual(7);
    const help = expectSameAsSource(['--help']);
    expect(help.code).toBe(0);
    for (const name of commands) {
      expect(help.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
      const own = expectSameAsSource([name, '--help']);
      expect(own.code).toBe(0);
      expect(own.stdout).toContain(`Usage: ai-finops ${name}`);
    }
    expect(expectSameAsSource(['ingest', 'focus', '--help']).code).toBe(0);
  });

  it('rejects a bad flag or choice with one line and exit code 2', () => {
    expect(expectBadInput(expectSameAsSource(['--no-such-flag']))).toContain(
      "unknown option '--no-such-flag'",
    );
    expect(
      expectBadInput(
        expectSameAsSource(['simulate', '--trace', 'x.csv', '--replica', 'x']),
      ),
    ).toContain(
      'Allowed choices are l4-llama8b, h100-llama8b, h100x4-llama70b',
    );
  });

  it('checks and estimates the inference-service template as the sources do', () => {
    const passing = renderTemplate('template', 2, 3);
    const check = expectSameAsSource([
      'check',
      passing,
      '--policies',
      POLICIES,
    ]);
    expect(check.code).toBe(0);
    expect(POLICY_COUNT).toBeGreaterThanOrEqual(13);
    expect(check.stdout).toMatch(
      new RegExp(
        `^passed: 15 objects \\(kustomizations overlays/dev, overlays/prod\\), ${POLICY_COUNT} policies, \\d+ checks: 0 denied, 0 warnings`,
      ),
    );
    expectSameAsSource([
      'check',
      passing,
      '--policies',
      POLICIES,
      '--format',
      'junit',
    ]);
    const estimate = expectSameAsSource([
      'estimate',
      passing,
      '--format',
      'json',
    ]);
    expect(JSON.parse(estimate.stdout).monthlyCost).toBeGreaterThan(0);

    // A deny rule fails: exit code 1 (the action's verdict reaches the
    // program, a bundle of its own).
    const denied = expectSameAsSource([
      'check',
      renderTemplate('eight', 8, 1),
      '--policies',
      POLICIES,
    ]);
    expect(denied.code).toBe(1);
    expect(denied.stdout).toContain(
      'DENY ai-finops-max-gpus-per-container: Deployment chat-prod/chat',
    );
  });

  it('forecasts, detects and simulates as the sources do', () => {
    const hour = 3_600_000;
    const lines = ['series_id,timestamp,value'];
    for (let t = 0; t < 24 * 14; t++) {
      const stamp = new Date(Date.UTC(2024, 0, 1) + t * hour).toISOString();
      lines.push(`gpu,${stamp},${100 + 20 * Math.sin((2 * Math.PI * t) / 24)}`);
    }
    const series = write('series.csv', `${lines.join('\n')}\n`);
    const forecast = expectSameAsSource([
      'forecast',
      '--input',
      series,
      '--horizon',
      '12',
    ]);
    expect(forecast.code).toBe(0);
    expect(forecast.stdout.trim().split('\n')).toHaveLength(13);
    expect(expectSameAsSource(['detect', '--input', series]).code).toBe(0);
    // On worker threads (dist/seriesWorker.cjs), as on the main thread.
    const threaded = ['--workers', '2'];
    expect(
      expectSameAsSource([
        'forecast',
        '--input',
        series,
        '--horizon',
        '12',
        ...threaded,
      ]),
    ).toEqual(forecast);
    expect(
      expectSameAsSource(['detect', '--input', series, ...threaded]).code,
    ).toBe(0);

    const trace = write(
      'trace.jsonl',
      `${Array.from({ length: 600 }, (_, i) =>
        JSON.stringify({
          timestamp: i * 500,
          input_length: 800,
          output_length: 120,
        }),
      ).join('\n')}\n`,
    );
    const simulate = expectSameAsSource(['simulate', '--trace', trace]);
    expect(simulate.code).toBe(0);
    expect(simulate.stdout.trim().split('\n')).toHaveLength(4);
  });

  it('asks for better-sqlite3, naming it, when a SQLite --database is given without it', () => {
    const csv = write(
      'bill.csv',
      focusGpuInstanceCsv({
        instanceType: 'p5.48xlarge',
        usdPerHour: 40,
        hours: 10,
      }),
    );
    const line = expectBadInput(
      bundled([
        'ingest',
        'focus',
        csv,
        '--database',
        path.join(work, 'x.sqlite'),
      ]),
    );
    expect(line).toContain('needs the better-sqlite3 package');
    expect(line).toContain('npm install -g @ai-finops/cli better-sqlite3');
    // The command still works without a database.
    expect(bundled(['estimate', path.join(work, 'template')]).code).toBe(0);
  });
});

interface Target {
  database: string;
  /** What the bundle needs to reach it (better-sqlite3 beside it for SQLite). */
  env: NodeJS.ProcessEnv;
  dispose(): Promise<void>;
}

const targets: Array<[string, (() => Promise<Target>) | undefined]> = [
  [
    'SQLite, better-sqlite3 installed beside it',
    async () => ({
      database: path.join(
        work,
        `${crypto.randomBytes(4).toString('hex')}.sqlite`,
      ),
      env: { NODE_PATH: path.join(REPO_ROOT, 'node_modules') },
      dispose: async () => {},
    }),
  ],
  [
    'PostgreSQL (pg is bundled)',
    postgresUrl
      ? async () => {
          const name = `ai_finops_bundle_${crypto
            .randomBytes(6)
            .toString('hex')}`;
          const admin = knexFactory({ client: 'pg', connection: postgresUrl });
          await admin.raw('create database ??', [name]);
          const url = new URL(postgresUrl);
          url.pathname = `/${name}`;
          return {
            database: url.toString(),
            env: {},
            dispose: async () => {
              await admin.raw('drop database if exists ?? with (force)', [
                name,
              ]);
              await admin.destroy();
            },
          };
        }
      : undefined,
  ],
];

for (const [name, open] of targets) {
  (open ? describe : describe.skip)(
    open
      ? `the built package's store on ${name}`
      : `the built package's store on ${name}: skipped, BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set`,
    () => {
      let target: Target;
      beforeAll(async () => {
        target = await open!();
      });
      afterAll(async () => {
        await target?.dispose();
      });

      it('ingests FOCUS charges (migrations included), sums them and prices GPUs with them', () => {
        const csv = write(
          'gpu.csv',
          focusGpuInstanceCsv({
            instanceType: 'p5.48xlarge',
            usdPerHour: 40,
            hours: 10,
          }),
        );
        const ingest = bundled(
          ['ingest', 'focus', csv, '--database', target.database],
          target.env,
        );
        expect(ingest.stderr).toContain('stored: 1 rows');
        expect(ingest.code).toBe(0);
        const costs = bundled(
          [
            'costs',
            '--database',
            target.database,
            '--group-by',
            'ProviderName',
          ],
          target.env,
        );
        expect(costs).toEqual({
          code: 0,
          stdout:
            'ProviderName,billed_cost,effective_cost,list_cost\nAWS,400,400,800\n',
          stderr: '',
        });
        const args = [
          'estimate',
          path.join(work, 'template'),
          '--database',
          target.database,
          '--format',
          'json',
        ];
        const estimate = bundled(args, target.env);
        expect(estimate.stderr).toBe('');
        expect(estimate.code).toBe(0);
        // \$40 an hour for the 8 H100s of a p5.48xlarge: \$5 per GPU-hour.
        for (const workload of JSON.parse(estimate.stdout).workloads) {
          expect(workload).toMatchObject({
            usdPerGpuHour: 5,
            priceSource: expect.stringContaining('FOCUS'),
          });
        }
        expect(estimate).toEqual(source(args));
      });
    },
  );
}
