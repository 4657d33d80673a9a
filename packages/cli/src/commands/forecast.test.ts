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
import { expectBadInput, runAiFinops } from '../__testUtils__/aiFinops';

jest.setTimeout(120_000);

const HOUR = 3_600_000;
const START = Date.UTC(2024, 0, 1);
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-finops-forecast-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function aiFinops(...args: string[]) {
  return runAiFinops(args);
}

function writeCsv(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const truth = (t: number) => 100 + 20 * Math.sin((2 * Math.PI * t) / 24);

describe('ai-finops forecast', () => {
  it('forecasts every series H steps after its last timestamp with an 80 % interval', () => {
    const lines = ['series_id,timestamp,value'];
    const n = 24 * 21;
    for (let t = 0; t < n; t++) {
      // Hour 300 is missing altogether and hour 301 is empty: both gaps.
      if (t === 300) continue;
      lines.push(
        `gpu-hours,${iso(START + t * HOUR)},${t === 301 ? '' : truth(t)}`,
      );
    }
    for (let d = 0; d < 30; d++) {
      lines.push(`"spend, daily",${iso(START + d * 24 * HOUR)},${50 + d}`);
    }
    const file = writeCsv('in.csv', lines);
    const result = aiFinops(
      'forecast',
      '--input',
      file,
      '--horizon',
      '24',
      '--format',
      'csv',
    );
    expect(result.code).toBe(0);
    const out = result.stdout.trim().split('\n');
    expect(out[0]).toBe('series_id,timestamp,forecast,lower,upper');
    expect(out).toHaveLength(1 + 24 + 24);
    const hourly = out.slice(1, 25).map(l => l.split(','));
    hourly.forEach(([id, ts, f, lo, hi], j) => {
      expect(id).toBe('gpu-hours');
      expect(ts).toBe(iso(START + (n + j) * HOUR));
      expect(Math.abs(Number(f) - truth(n + j))).toBeLessThan(2);
      expect(Number(lo)).toBeLessThanOrEqual(Number(f));
      expect(Number(hi)).toBeGreaterThanOrEqual(Number(f));
    });
    const daily = out.slice(25);
    expect(
      daily[0].startsWith(`"spend, daily",${iso(START + 30 * 24 * HOUR)},`),
    ).toBe(true);
    // A steady climb of 1 a day goes on climbing.
    expect(Number(daily[23].split(',').slice(-3)[0])).toBeGreaterThan(75);
    // The backtested accuracy and the ensemble are reported on stderr.
    expect(result.stderr).toMatch(
      /gpu-hours: seasons 24; backtest sMAPE [\d.]+ MASE [\d.]+ over 10 origins 24 steps ahead/,
    );
  });

  it('takes --season N[,N]', () => {
    const lines = ['series_id,timestamp,value'];
    for (let t = 0; t < 24 * 10; t++)
      lines.push(`s,${iso(START + t * HOUR)},${truth(t)}`);
    const file = writeCsv('season.csv', lines);
    const result = aiFinops(
      'forecast',
      '--input',
      file,
      '--horizon',
      '2',
      '--season',
      '24,168',
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('seasons 24;');
    expect(result.stderr).toContain('season 168 dropped');
  });

  it.each([
    [
      ['series_id,stamp,value', 's,2024-01-01T00:00:00Z,1'],
      "row 1: missing column 'timestamp'",
    ],
    [
      [
        'series_id,timestamp,value',
        's,2024-01-01T00:00:00Z,1',
        's,yesterday,2',
      ],
      "row 3, column timestamp: 'yesterday' is not an ISO-8601 timestamp",
    ],
    [
      [
        'series_id,timestamp,value',
        's,2024-01-01T00:00:00Z,1',
        's,2024-01-01T01:00:00Z,1.2.3',
      ],
      "row 3, column value: '1.2.3' is not a number",
    ],
    [
      [
        'series_id,timestamp,value',
        's,2024-01-01T00:00:00Z,1',
        's,2024-01-01T00:00:00Z,2',
      ],
      "row 3, column timestamp: series 's' repeats its timestamps, so it has no time step",
    ],
    [
      ['series_id,timestamp,value', 's,2024-01-01T00:00:00Z,'],
      "row 2, column value: series 's' has no numeric value",
    ],
    [[''], 'row 1: no header row'],
    [
      ['series_id,timestamp,value', 's,2024-01-01T00:00:00Z,1'],
      "row 2: series 's' has a single row, so it has no time step",
    ],
  ])(
    'rejects bad input with one line naming file, row and column (%#)',
    (lines, message) => {
      const file = writeCsv('bad.csv', lines);
      const line = expectBadInput(
        aiFinops('forecast', '--input', file, '--horizon', '3'),
      );
      expect(line).toBe(
        `ai-finops: ${file}: ${line.slice(`ai-finops: ${file}: `.length)}`,
      );
      expect(line).toContain(message);
    },
  );

  it('prints the same with worker threads as without, series in input order', () => {
    const lines = ['series_id,timestamp,value'];
    // Five series of four days, in an order that is not sorted by id.
    for (const id of ['e', 'b', 'd', 'a', 'c']) {
      const phase = id.charCodeAt(0);
      for (let t = 0; t < 24 * 4; t++) {
        lines.push(`${id},${iso(START + t * HOUR)},${truth(t + phase)}`);
      }
    }
    const file = writeCsv('five.csv', lines);
    const run = (workers: string) =>
      aiFinops(
        'forecast',
        '--input',
        file,
        '--horizon',
        '6',
        '--workers',
        workers,
      );
    const single = run('1');
    expect(single.code).toBe(0);
    expect(
      single.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map(l => l.split(',')[0])
        .filter((id, k, ids) => ids.indexOf(id) === k),
    ).toEqual(['e', 'b', 'd', 'a', 'c']);
    expect(run('3')).toEqual(single);
    expect(run('auto')).toEqual(single);
  });

  it('with worker threads, forecasts a series whose rows come back later from all its rows, and prints nothing for a bad row at the end', () => {
    const rows = (id: string, from: number, to: number) =>
      Array.from(
        { length: to - from },
        (_, i) => `${id},${iso(START + (from + i) * HOUR)},${truth(from + i)}`,
      );
    // 'a' is handed to a worker when 'b' starts; its last week comes after.
    const lines = [
      'series_id,timestamp,value',
      ...rows('a', 0, 24 * 14),
      ...rows('b', 0, 24 * 21),
      ...rows('a', 24 * 14, 24 * 21),
      ...rows('c', 0, 24 * 21),
    ];
    const file = writeCsv('split.csv', lines);
    const run = (workers: string, input = file) =>
      aiFinops(
        'forecast',
        '--input',
        input,
        '--horizon',
        '4',
        '--workers',
        workers,
      );
    const single = run('1');
    expect(single.code).toBe(0);
    expect(single.stdout).toContain(`a,${iso(START + 24 * 21 * HOUR)},`);
    expect(run('2')).toEqual(single);
    const bad = writeCsv('split-bad.csv', [...lines, 'c,tomorrow,1']);
    expect(expectBadInput(run('2', bad))).toContain(
      `row ${
        lines.length + 1
      }, column timestamp: 'tomorrow' is not an ISO-8601 timestamp`,
    );
  });

  it('rejects bad options and unreadable files with exit code 2', () => {
    const file = writeCsv('ok.csv', [
      'series_id,timestamp,value',
      's,2024-01-01T00:00:00Z,1',
    ]);
    expect(
      expectBadInput(aiFinops('forecast', '--input', file, '--horizon', 'x')),
    ).toContain('--horizon x: not a whole number');
    expect(
      expectBadInput(
        aiFinops(
          'forecast',
          '--input',
          file,
          '--horizon',
          '2',
          '--season',
          'weekly',
        ),
      ),
    ).toContain("--season: 'weekly'");
    expect(
      expectBadInput(
        aiFinops(
          'forecast',
          '--input',
          file,
          '--horizon',
          '2',
          '--workers',
          '0',
        ),
      ),
    ).toContain('--workers 0: at least 1');
    expect(
      expectBadInput(
        aiFinops(
          'forecast',
          '--input',
          file,
          '--horizon',
          '2',
          '--format',
          'xml',
        ),
      ),
    ).toContain('xml');
    expect(expectBadInput(aiFinops('forecast', '--input', file))).toContain(
      '--horizon',
    );
    expect(
      expectBadInput(
        aiFinops(
          'forecast',
          '--input',
          path.join(dir, 'none.csv'),
          '--horizon',
          '2',
        ),
      ),
    ).toContain('none.csv: cannot read the file (no such file)');
  });
});

describe('ai-finops detect', () => {
  const lines = ['series_id,timestamp,value'];
  const n = 24 * 20;
  for (let t = 0; t < n; t++) {
    const spike = t === 24 * 15 + 7 ? 60 : 0;
    lines.push(
      `cost,${iso(START + t * HOUR)},${(
        truth(t) +
        spike +
        ((t * 7919) % 13) / 13
      ).toFixed(4)}`,
    );
    if (t % 2 === 0)
      lines.push(`tokens,${iso(START + t * HOUR)},${1000 + (t % 24)}`);
  }

  it('prints one scored row per input row, in input order, scores in [0, 1]', () => {
    const file = writeCsv('detect.csv', lines);
    const result = aiFinops('detect', '--input', file, '--format', 'csv');
    expect(result.code).toBe(0);
    const out = result.stdout.trim().split('\n');
    expect(out[0]).toBe('series_id,timestamp,value,score');
    expect(out).toHaveLength(lines.length);
    out.slice(1).forEach((line, i) => {
      const cells = line.split(',');
      expect(cells.slice(0, 3).join(',')).toBe(lines[i + 1]);
      const score = Number(cells[3]);
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
    });
    const cost = out.slice(1).filter(l => l.startsWith('cost,'));
    const scores = cost.map(l => Number(l.split(',')[3]));
    const top = scores.indexOf(Math.max(...scores));
    expect(top).toBe(24 * 15 + 7);
    expect(scores[top]).toBeGreaterThan(0.9);
  });

  it('scores alike with worker threads, rows still in input order', () => {
    const file = writeCsv('detect-workers.csv', lines);
    const single = aiFinops('detect', '--input', file, '--workers', '1');
    expect(single.code).toBe(0);
    expect(aiFinops('detect', '--input', file, '--workers', '2')).toEqual(
      single,
    );
  });

  it('reads a file of several chunks (CRLF, a BOM, multibyte ids) and echoes its cells as the header orders them', () => {
    // About 2.4 MiB (the output stays under spawnSync's 1 MiB buffer): the
    // reader's 1 MiB chunks end inside rows, maybe inside a two-byte
    // character of an id.
    const rows = ['\uFEFFvalue,series_id,timestamp,note'];
    const weeks = 5;
    for (let t = 0; t < 24 * 7 * weeks; t++) {
      for (let k = 0; k < 12; k++) {
        const id = k === 0 ? '"série, é"' : ` gpu-é${k} `;
        rows.push(
          `${truth(t + k).toFixed(6)},${id},${iso(
            START + t * HOUR,
          )},${'x'.repeat(180)}`,
        );
      }
    }
    rows.splice(5, 0, '');
    const file = path.join(dir, 'chunks.csv');
    fs.writeFileSync(file, `${rows.join('\r\n')}\r\n`);
    expect(fs.statSync(file).size).toBeGreaterThan(2 * 2 ** 20);
    const result = aiFinops('detect', '--input', file);
    expect(result.code).toBe(0);
    const out = result.stdout.trim().split('\n');
    expect(out).toHaveLength(rows.length - 1);
    expect(out[0]).toBe('series_id,timestamp,value,score');
    expect(out[1]).toMatch(
      new RegExp(`^"série, é",${iso(START)},${truth(0).toFixed(6)},[\\d.e-]+$`),
    );
    expect(
      out[2].startsWith(`gpu-é1,${iso(START)},${truth(1).toFixed(6)},`),
    ).toBe(true);
    expect(out[out.length - 1].split(',').slice(0, 2).join(',')).toBe(
      `gpu-é11,${iso(START + (24 * 7 * weeks - 1) * HOUR)}`,
    );
  });

  it('is causal: the scores of a prefix do not change when rows are appended', () => {
    const full = aiFinops('detect', '--input', writeCsv('full.csv', lines));
    const prefix = aiFinops(
      'detect',
      '--input',
      writeCsv('prefix.csv', lines.slice(0, 400)),
    );
    expect(prefix.code).toBe(0);
    expect(full.stdout.split('\n').slice(0, 400)).toEqual(
      prefix.stdout.trim().split('\n'),
    );
  });

  it('rejects bad input with one line and exit code 2', () => {
    const file = writeCsv('bad-detect.csv', [
      'series_id,timestamp,value',
      's,2024-13-45T00:00:00Z,1',
    ]);
    expect(expectBadInput(aiFinops('detect', '--input', file))).toContain(
      "row 2, column timestamp: '2024-13-45T00:00:00Z' is not an ISO-8601 timestamp",
    );
    expect(
      expectBadInput(aiFinops('detect', '--input', file, '--no-such-flag')),
    ).toContain("unknown option '--no-such-flag'");
  });
});
