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

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// A small fuzz of the CLI's numeric options and input files (fixed seed):
// simulate, forecast and detect with generated option values and small
// generated traces and series. Each case must end with exit 0, 1 or 2; on
// exit 2 stderr is one line without a stack trace.
//
// For speed the cases run in-process (program.run) in ONE child process,
// which bounds them all: a heap cap (--max-old-space-size) and a timeout, so
// a regression that allocates or loops without end fails within seconds
// instead of hanging CI; each case's time is measured and capped too.

jest.setTimeout(120_000);

// Generous: the other test files run beside this one on the same CPUs.
const CASE_LIMIT_MS = 20_000;
const TOTAL_LIMIT_MS = 90_000;
const HEAP_MB = 512;

/** mulberry32 */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE_NUMBERS = [
  '0',
  '-1',
  '1e308',
  '-1e308',
  '1e-9',
  'NaN',
  'Infinity',
  '',
  ' ',
  'abc',
  '0x10',
  '1.5',
  '99999999999999999999',
  '5e-324',
  '1e3',
];

// The fuzz driver: loads the CLI from source once and runs each case with
// stdout and stderr captured.
const DRIVER = `
require('@backstage/cli/config/nodeTransform.cjs');
const fs = require('node:fs');
const { run } = require(process.argv[1]);
const [casesFile, outFile] = process.argv.slice(2);
const cases = JSON.parse(fs.readFileSync(casesFile, 'utf8'));
const out = process.stdout.write.bind(process.stdout);
const err = process.stderr.write.bind(process.stderr);
(async () => {
  const results = [];
  for (const args of cases) {
    let stdout = '';
    let stderr = '';
    process.stdout.write = c => ((stdout += c), true);
    process.stderr.write = c => ((stderr += c), true);
    const start = performance.now();
    let code;
    try {
      code = await run(args);
    } catch (e) {
      code = 'threw';
      stderr += String(e && e.stack);
    }
    const ms = performance.now() - start;
    process.stdout.write = out;
    process.stderr.write = err;
    const heap = process.memoryUsage().heapUsed;
    results.push({ args, code, ms, heap, stderr, stdoutBytes: stdout.length });
  }
  fs.writeFileSync(outFile, JSON.stringify(results));
})();
`;

describe('CLI fuzz', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-finops-fuzz-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('ends every generated case with exit 0, 1 or 2 and one clear line', () => {
    const random = seeded(20261207);
    const pick = <T>(list: readonly T[]): T =>
      list[Math.floor(random() * list.length)];
    const chance = (p: number) => random() < p;
    let files = 0;
    const write = (ext: string, text: string) => {
      const file = path.join(dir, `f${files++}${ext}`);
      fs.writeFileSync(file, text);
      return file;
    };
    const num = (valid: () => string) =>
      chance(0.5) ? pick(HOSTILE_NUMBERS) : valid();
    const small = (max: number, digits = 0) => (random() * max).toFixed(digits);
    const hostileCell = () =>
      pick([...HOSTILE_NUMBERS, '1e308', '-0', '"1"', '1,2', '{}', '[']);

    const azureTrace = () => {
      const n = Math.floor(random() * 6);
      const base = Date.UTC(2023, 10, 16);
      const rows = Array.from({ length: n }, () => {
        const t = new Date(base + Math.floor(random() * 3_600_000))
          .toISOString()
          .replace('T', ' ')
          .replace('Z', '');
        const stamp = chance(0.1)
          ? pick(['0001-01-01 00:00:00', '9999-12-31 23:59:59', 'x', ''])
          : t;
        const tok = () => (chance(0.15) ? hostileCell() : small(4000));
        return `${stamp},${tok()},${tok()}`;
      });
      const header = chance(0.9)
        ? 'TIMESTAMP,ContextTokens,GeneratedTokens'
        : 'TIMESTAMP,Foo';
      return write('.csv', `${[header, ...rows].join('\n')}\n`);
    };
    const mooncake = () => {
      const n = Math.floor(random() * 6);
      const rows = Array.from({ length: n }, () =>
        chance(0.1)
          ? pick(['{', '[]', 'null', '"x"', '{"timestamp":1e308}'])
          : JSON.stringify({
              timestamp: chance(0.1)
                ? Number(hostileCell())
                : Math.floor(random() * 600_000),
              input_length: chance(0.1)
                ? hostileCell()
                : Math.floor(random() * 4000),
              output_length: Math.floor(random() * 500),
            }),
      );
      return write('.jsonl', `${rows.join('\n')}\n`);
    };
    const hourlySeries = () => {
      const n = Math.floor(random() * 30);
      const rows = Array.from(
        { length: n },
        (_, i) => `${i},${chance(0.05) ? hostileCell() : small(10, 2)}`,
      );
      return write('.csv', `${[',cpu_load', ...rows].join('\n')}\n`);
    };
    const seriesCsv = () => {
      const ids = 1 + Math.floor(random() * 3);
      const n = Math.floor(random() * 60);
      const step = pick([60_000, 3_600_000, 86_400_000]);
      const rows = Array.from({ length: n }, (_, i) => {
        const id = `s${i % ids}`;
        const t = chance(0.03)
          ? pick(['9999-12-31T00:00:00Z', '0001-01-01', 'bad', ''])
          : new Date(
              Date.UTC(2024, 0, 1) + Math.floor(i / ids) * step,
            ).toISOString();
        const v = chance(0.05) ? hostileCell() : small(100, 1);
        return `${id},${t},${v}`;
      });
      const header = chance(0.95)
        ? 'series_id,timestamp,value'
        : 'series_id,value';
      return write('.csv', `${[header, ...rows].join('\n')}\n`);
    };

    const cases: string[][] = [];
    for (let i = 0; i < 400; i++) {
      const kind = pick(['simulate', 'forecast', 'detect'] as const);
      if (kind === 'simulate') {
        const traceKind = pick(['azure', 'mooncake', 'hourly'] as const);
        const trace = {
          azure: azureTrace,
          mooncake,
          hourly: hourlySeries,
        }[traceKind]();
        const args = [
          'simulate',
          '--trace',
          trace,
          '--policy',
          pick(['all', 'static-peak', 'reactive-hpa', 'predictive', 'nope']),
        ];
        if (chance(0.5))
          args.push(
            '--step',
            num(() => pick(['1', '5', '30'])),
          );
        // Hourly series replay --hours at --mean-rps (168 at 15 by default,
        // ~1.5M requests for these series): keep the valid values small.
        if (traceKind === 'hourly' || chance(0.4))
          args.push(
            '--hours',
            num(() => small(4) || '1'),
          );
        if (traceKind === 'hourly' || chance(0.4))
          args.push(
            '--mean-rps',
            num(() => pick(['0.5', '1', '2'])),
          );
        if (chance(0.2))
          args.push(
            '--pue',
            num(() => '1.2'),
          );
        if (chance(0.2))
          args.push(
            '--gpu-price',
            num(() => '0.8'),
          );
        if (chance(0.2))
          args.push(
            '--startup',
            num(() => '60'),
          );
        if (chance(0.2))
          args.push(
            '--grid-intensity',
            num(() => '400'),
          );
        if (chance(0.3)) args.push('--format', pick(['csv', 'json', 'xml']));
        cases.push(args);
      } else if (kind === 'forecast') {
        const args = [
          'forecast',
          '--input',
          seriesCsv(),
          '--horizon',
          num(() => small(48) || '1'),
        ];
        if (chance(0.5)) {
          const n = 1 + Math.floor(random() * 5);
          args.push(
            '--season',
            chance(0.2)
              ? pick(['auto', 'x', '1', '0,0', '99999999', ''])
              : Array.from({ length: n }, () =>
                  String(2 + Math.floor(random() * 30)),
                ).join(','),
          );
        }
        cases.push(args);
      } else {
        cases.push(['detect', '--input', seriesCsv()]);
      }
    }

    const casesFile = path.join(dir, 'cases.json');
    const outFile = path.join(dir, 'results.json');
    fs.writeFileSync(casesFile, JSON.stringify(cases));
    const started = Date.now();
    const child = spawnSync(
      process.execPath,
      [
        `--max-old-space-size=${HEAP_MB}`,
        '-e',
        DRIVER,
        path.resolve(__dirname, 'program'),
        casesFile,
        outFile,
      ],
      { encoding: 'utf8', timeout: TOTAL_LIMIT_MS },
    );
    const wallMs = Date.now() - started;
    expect({ signal: child.signal, status: child.status }).toEqual({
      signal: null,
      status: 0,
    });
    const results: Array<{
      args: string[];
      code: number | string;
      ms: number;
      /** Heap in use after the case, bytes. */
      heap: number;
      stderr: string;
    }> = JSON.parse(fs.readFileSync(outFile, 'utf8'));
    expect(results).toHaveLength(cases.length);

    const codes: Record<string, number> = {};
    let maxMs = 0;
    let peakHeap = 0;
    let crashes = 0;
    let hangs = 0;
    const problems: string[] = [];
    for (const r of results) {
      codes[r.code] = (codes[r.code] ?? 0) + 1;
      maxMs = Math.max(maxMs, r.ms);
      peakHeap = Math.max(peakHeap, r.heap);
      const shown = `${r.args.join(' ')} → ${r.code}: ${r.stderr}`;
      if (![0, 1, 2].includes(r.code as number)) {
        crashes += 1;
        problems.push(shown);
      }
      if (r.ms > CASE_LIMIT_MS) {
        hangs += 1;
        problems.push(`${Math.round(r.ms)} ms: ${shown}`);
      }
      if (r.code === 2) {
        const lines = r.stderr.trim().split('\n');
        if (lines.length !== 1 || /\n\s+at /.test(r.stderr))
          problems.push(`not one line: ${shown}`);
        // Bare JavaScript errors name no input.
        if (
          /Maximum call stack|Invalid array length|Cannot read propert|is not a function|undefined \(reading/.test(
            r.stderr,
          )
        )
          problems.push(`bare JavaScript error: ${shown}`);
      }
    }
    // eslint-disable-next-line no-console
    console.log(
      `CLI fuzz: ${results.length} cases, exit codes ${JSON.stringify(
        codes,
      )}, ${crashes} crashes, ${hangs} hangs (over ${CASE_LIMIT_MS} ms), max ${Math.round(
        maxMs,
      )} ms per case, peak heap ${Math.round(
        peakHeap / 2 ** 20,
      )} MiB (cap ${HEAP_MB} MiB), ${wallMs} ms in all`,
    );
    expect(problems).toEqual([]);
  });
});
