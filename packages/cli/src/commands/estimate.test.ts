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
import { focusGpuInstanceCsv } from '@ai-finops/test-utils';
import { expectBadInput, runAiFinops } from '../__testUtils__/aiFinops';
import { h100Deployment } from '../__testUtils__/manifests';

jest.setTimeout(120_000);

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-finops-estimate-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function aiFinops(...args: string[]) {
  return runAiFinops(args, { cwd: dir });
}

function write(rel: string, content: string): string {
  const file = path.join(dir, rel);
  fs.writeFileSync(file, content);
  return file;
}

/** 3 replicas of 2 H100s. */
const DEPLOYMENT = h100Deployment();

describe('ai-finops estimate <folder>', () => {
  it('counts a manifest with a hard link and a symbolic link once, and says which names it skipped', () => {
    const folder = path.join(dir, 'linked');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'deployment.yaml'), DEPLOYMENT);
    fs.linkSync(
      path.join(folder, 'deployment.yaml'),
      path.join(folder, 'hard.yaml'),
    );
    fs.symlinkSync('deployment.yaml', path.join(folder, 'alias.yaml'));
    fs.symlinkSync('.', path.join(folder, 'loop'));
    const once = JSON.parse(
      aiFinops('estimate', write('once.yaml', DEPLOYMENT), '--format', 'json')
        .stdout,
    );
    const result = aiFinops('estimate', 'linked', '--format', 'json');
    expect(result.stderr).toBe(
      [
        'skipped linked/hard.yaml: the same file as linked/deployment.yaml',
        'skipped linked/alias.yaml: the same file as linked/deployment.yaml',
        'skipped linked/loop: a link to a folder already read (linked, a link loop)',
        '',
      ].join('\n'),
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.workloads).toHaveLength(1);
    expect(report.monthlyCost).toBe(once.monthlyCost);
  });
});

describe('ai-finops estimate --database', () => {
  it('prices GPUs at what the stored FOCUS charges show was paid; --prices still wins', () => {
    const manifest = write('deployment.yaml', DEPLOYMENT);
    const listed = JSON.parse(
      aiFinops('estimate', manifest, '--format', 'json').stdout,
    );
    // p5.48xlarge holds 8 H100s: $32 an hour is $4 per GPU-hour.
    const focus = write(
      'focus.csv',
      focusGpuInstanceCsv({
        instanceType: 'p5.48xlarge',
        usdPerHour: 32,
        hours: 10,
      }),
    );
    const database = path.join(dir, 'finops.sqlite');
    const ingest = aiFinops('ingest', 'focus', focus, '--database', database);
    expect(ingest.code).toBe(0);

    const learned = aiFinops(
      'estimate',
      manifest,
      '--database',
      database,
      '--format',
      'json',
    );
    expect(learned.stderr).toBe('');
    expect(learned.code).toBe(0);
    const report = JSON.parse(learned.stdout);
    expect(report.monthlyCost).toBeCloseTo(3 * 2 * 4 * 730, 6);
    expect(report.monthlyCost).not.toBeCloseTo(listed.monthlyCost, 0);
    expect(report.workloads[0]).toMatchObject({
      usdPerGpuHour: 4,
      priceSource: expect.stringContaining('FOCUS'),
    });

    const overridden = aiFinops(
      'estimate',
      manifest,
      '--database',
      database,
      '--prices',
      write(
        'prices.csv',
        'resource,usd_per_unit_hour\ngpu:NVIDIA-H100-80GB-HBM3,3\n',
      ),
      '--format',
      'json',
    );
    expect(overridden.code).toBe(0);
    expect(JSON.parse(overridden.stdout).monthlyCost).toBeCloseTo(
      3 * 2 * 3 * 730,
      6,
    );
  });

  it('names a --database that does not exist', () => {
    const manifest = write('deployment.yaml', DEPLOYMENT);
    expect(
      expectBadInput(
        aiFinops('estimate', manifest, '--database', 'missing.sqlite'),
      ),
    ).toBe(
      'ai-finops: --database missing.sqlite: no such SQLite file (ingest something first)',
    );
  });
});
