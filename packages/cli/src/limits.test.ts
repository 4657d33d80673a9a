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
import { expectBadInput, runAiFinops } from './__testUtils__/aiFinops';
import { h100Deployment } from './__testUtils__/manifests';

// Each hostile input of the reliability review, run with a time and heap
// limit so that a regression fails fast instead of hanging or swapping:
// before the limits these ran out of memory (exit 134), past 60 s, or ended
// with a bare JavaScript error.

jest.setTimeout(120_000);

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-finops-limits-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** The CLI with a 256 MB heap and 20 s. */
function bounded(...args: string[]) {
  return runAiFinops(args, {
    nodeArgs: ['--max-old-space-size=256'],
    timeoutMs: 20_000,
  });
}

const AZURE = 'TIMESTAMP,ContextTokens,GeneratedTokens\n';
const hourly = () =>
  write(
    'hourly.csv',
    `,cpu_load\n${Array.from(
      { length: 24 },
      (_, i) => `${i},${(i % 5) + 1}`,
    ).join('\n')}\n`,
  );
const series48 = () =>
  write(
    'series.csv',
    `series_id,timestamp,value\n${Array.from({ length: 48 }, (_, i) => {
      const t = new Date(Date.UTC(2024, 0, 1, i)).toISOString();
      return `a,${t},${(i % 7) + 3}`;
    }).join('\n')}\n`,
  );

/** A Deployment of 3 replicas of 2 H100s, named `chat<i>`. */
const deployment = (i: number) => h100Deployment(`chat${i}`);
/** 60,000 Deployments: 25.6 MB of YAML. */
const manyDeployments = () =>
  Array.from({ length: 60_000 }, (_, i) => deployment(i)).join('---\n');
const POLICIES = path.resolve(__dirname, '../../../policies');

describe('limits: every number that drives work is bounded', () => {
  it('refuses a trace row with 1e308 tokens (was: heap out of memory, exit 134)', () => {
    const trace = write(
      'tokens.csv',
      `${AZURE}2023-11-16 18:15:46.1,100,20\n2023-11-16 18:15:47.1,1e308,1e308\n`,
    );
    expect(expectBadInput(bounded('simulate', '--trace', trace))).toBe(
      `ai-finops: ${trace}: row 3, column ContextTokens: '1e308' is more than 10,000,000, the limit`,
    );
  });

  it('refuses --horizon 100000000 (was: past 7.9 GB)', () => {
    expect(
      expectBadInput(
        bounded('forecast', '--input', series48(), '--horizon', '100000000'),
      ),
    ).toBe('ai-finops: --horizon 100000000: at most 8,760 (one year of hours)');
  });

  it('refuses eleven --season periods (was: 60 s on 48 points)', () => {
    const line = expectBadInput(
      bounded(
        'forecast',
        '--input',
        series48(),
        '--horizon',
        '24',
        '--season',
        '2,3,5,7,11,13,17,19,23,29,31',
      ),
    );
    expect(line).toBe(
      'ai-finops: --season 2,3,5,7,11,13,17,19,23,29,31: at most 3 periods (11 given)',
    );
  });

  it.each([
    ['--step', '1e-9', 'at least 0.001'],
    ['--step', '1e308', 'at most 60'],
    ['--mean-rps', '1e9', 'at most 10,000'],
    ['--hours', '100000000', 'at most 744 (31 days)'],
    ['--pue', 'Infinity', 'not a number'],
    ['--gpu-price', '-1', 'more than 0'],
  ])('refuses simulate %s %s (was: past 60 s or 2 GB)', (flag, value, why) => {
    expect(
      expectBadInput(bounded('simulate', '--trace', hourly(), flag, value)),
    ).toBe(`ai-finops: ${flag} ${value}: ${why}`);
  });

  it('refuses --mean-rps × --hours past 10,000,000 requests', () => {
    expect(
      expectBadInput(
        bounded(
          'simulate',
          '--trace',
          hourly(),
          '--mean-rps',
          '5000',
          '--hours',
          '24',
        ),
      ),
    ).toBe(
      'ai-finops: --mean-rps 5000: over --hours 24 that is about 432,000,000 requests; at most 10,000,000',
    );
  });

  it('refuses a step that makes too many steps for the trace', () => {
    const trace = write(
      'week.csv',
      `${AZURE}2023-11-10 00:00:00,100,20\n2023-11-17 00:00:00,100,20\n`,
    );
    expect(
      expectBadInput(bounded('simulate', '--trace', trace, '--step', '0.01')),
    ).toBe(
      'ai-finops: --step 0.01: a trace of 7.0 days (plus 1800 s to drain) takes 60,660,000 steps; at most 10,000,000 (use a larger --step)',
    );
  });

  it('refuses a trace spanning years 0001–9999 with its rows (was: 2.7 GB, "Invalid array length")', () => {
    const trace = write(
      'span.csv',
      `${AZURE}0001-01-01 00:00:00,100,20\n9999-01-01 00:00:00,100,20\n`,
    );
    expect(expectBadInput(bounded('simulate', '--trace', trace))).toMatch(
      /span\.csv: rows 2 and 3: the trace spans \d+\.\d days; at most 366 days$/,
    );
  });

  it('refuses an empty trace file clearly (was: "Cannot read properties of undefined")', () => {
    const empty = write('empty.csv', '');
    expect(expectBadInput(bounded('simulate', '--trace', empty))).toBe(
      `ai-finops: ${empty}: the file is empty`,
    );
    const header = write('header.csv', AZURE);
    expect(expectBadInput(bounded('simulate', '--trace', header))).toBe(
      `ai-finops: ${header}: the trace has no requests`,
    );
  });

  it('refuses the predictive policy on a trace too long to refit every minute (was: past 60 s)', () => {
    const trace = write(
      'long.csv',
      `${AZURE}2023-06-01 00:00:00,100,20\n2023-12-01 00:00:00,100,20\n`,
    );
    expect(
      expectBadInput(bounded('simulate', '--trace', trace, '--step', '60')),
    ).toBe(
      'ai-finops: --policy all: the predictive policy refits its forecast every 60 s, about 263,521 times over a trace of 183.0 days; at most 10,080 (leave predictive out or replay a shorter trace)',
    );
  });

  it('sorts an unsorted trace over 200 days (was: "Maximum call stack size exceeded")', () => {
    const rows = [
      '2023-11-16 18:00:00,100,20',
      '2023-06-01 00:00:00,100,20',
      '2023-12-01 00:00:00,120,30',
      '2023-06-01 00:00:05,90,10',
    ];
    const unsorted = write('unsorted.csv', `${AZURE}${rows.join('\n')}\n`);
    const sorted = write(
      'sorted.csv',
      `${AZURE}${[...rows].sort().join('\n')}\n`,
    );
    const args = ['--step', '60', '--policy', 'static-peak'];
    const a = bounded('simulate', '--trace', unsorted, ...args);
    const b = bounded('simulate', '--trace', sorted, ...args);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(a.stdout.replace(/^unsorted,/m, 'x,')).toBe(
      b.stdout.replace(/^sorted,/m, 'x,'),
    );
  });

  it('refuses a manifest file of 25.6 MB (was: heap out of memory, signal 6, after 10 s)', () => {
    const big = write('big.yaml', manyDeployments());
    const size = fs.statSync(big).size.toLocaleString('en-US');
    expect(expectBadInput(bounded('estimate', big, '--format', 'json'))).toBe(
      `ai-finops: ${big}: ${size} bytes; at most 5,242,880 (5 MiB)`,
    );
    expect(expectBadInput(bounded('check', big, '--policies', POLICIES))).toBe(
      `ai-finops: ${big}: ${size} bytes; at most 5,242,880 (5 MiB)`,
    );
  });

  it('refuses more than 5 MiB of manifests on stdin (was: heap out of memory, signal 6)', () => {
    const result = runAiFinops(['check', '-', '--policies', POLICIES], {
      input: manyDeployments(),
      nodeArgs: ['--max-old-space-size=256'],
      timeoutMs: 20_000,
    });
    expect(expectBadInput(result)).toBe(
      'ai-finops: <stdin>: more than 5,242,880 bytes (5 MiB), the limit',
    );
  });

  it('refuses a --policies file over 5 MiB', () => {
    const small = write('one.yaml', deployment(0));
    const big = write('policies.yaml', manyDeployments());
    const size = fs.statSync(big).size.toLocaleString('en-US');
    expect(expectBadInput(bounded('check', small, '--policies', big))).toBe(
      `ai-finops: --policies ${big}: ${size} bytes; at most 5,242,880 (5 MiB)`,
    );
  });

  it('refuses a --prices CSV over 1 MiB (was: heap out of memory, signal 6)', () => {
    const small = write('one.yaml', deployment(0));
    const prices = write(
      'prices.csv',
      `resource,usd_per_unit_hour\n${Array.from(
        { length: 3_000_000 },
        (_, i) => `gpu:M${i},1`,
      ).join('\n')}\n`,
    );
    const size = fs.statSync(prices).size.toLocaleString('en-US');
    for (const command of ['estimate', 'check']) {
      const args = command === 'check' ? ['--policies', POLICIES] : [];
      expect(
        expectBadInput(bounded(command, small, ...args, '--prices', prices)),
      ).toBe(
        `ai-finops: --prices ${prices}: ${size} bytes; at most 1,048,576 (1 MiB)`,
      );
    }
  });

  it('refuses a FOCUS location of more than 10,000 files before reading any', () => {
    const exports = path.join(dir, 'exports');
    fs.mkdirSync(exports);
    for (let i = 0; i <= 10_000; i++) {
      fs.writeFileSync(path.join(exports, `part-${i}.csv`), '');
    }
    expect(
      expectBadInput(
        bounded(
          'ingest',
          'focus',
          exports,
          '--database',
          path.join(dir, 'focus.sqlite'),
        ),
      ),
    ).toBe(
      `ai-finops: ${exports}: 10,001 FOCUS exports; at most 10,000 in one ingestion (name a smaller folder or glob)`,
    );
    expect(fs.existsSync(path.join(dir, 'focus.sqlite'))).toBe(false);
  });

  it('refuses a series spanning years on an hourly step with its rows (was: "Invalid array length")', () => {
    const input = write(
      'wide.csv',
      'series_id,timestamp,value\na,2024-01-01T00:00:00Z,1\na,2024-01-01T01:00:00Z,2\na,2024-01-01T02:00:00Z,3\na,9999-01-01T00:00:00Z,4\n',
    );
    expect(
      expectBadInput(bounded('forecast', '--input', input, '--horizon', '2')),
    ).toBe(
      `ai-finops: ${input}: rows 2 and 5: series 'a' spans 69,907,417 steps of 3,600,000 ms; at most 1,000,000`,
    );
  });
});
