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

// Fuzzes FocusReader with generated input, from a fixed seed: random bytes,
// garbage and truncated gzip, mutated CSV and Parquet, huge fields within the
// limits, random calendar values, amounts and currencies, deep JSON in Tags.
// Every case must end in rows or a FocusValidationError with a one-line
// message, never another exception, in at most CASE_CPU_MS of CPU time (and
// with an answer within CASE_TIMEOUT_MS), in a heap of at most HEAP_LIMIT_MB. The reader runs in a worker thread, so that a case that
// never yields (a regular expression backtracking, an endless loop) is
// stopped by terminating the worker, and one that allocates without bound by
// the worker's heap limit; either is counted as a failure.

import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import {
  csvQuote,
  FOCUS_1_0_TEST_HEADER,
  seededNoise,
} from '@ai-finops/test-utils';
import { FOCUS_TEST_ROW_2024 } from './__testUtils__/focusTestRows';

const hasControlCharacter = (text: string) =>
  [...text].some(c => c.charCodeAt(0) < 0x20);

/** A fixed seed; FOCUS_FUZZ_SEED=<n> explores others. */
const SEED = Number(process.env.FOCUS_FUZZ_SEED ?? 20261207);
/** A case with no answer in this time (wall clock, load included) hangs. */
const CASE_TIMEOUT_MS = 10_000;
/** A case taking more CPU time than this is too slow. */
const CASE_CPU_MS = 1500;
const HEAP_LIMIT_MB = 192;

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { Readable } = require('node:stream');
require(workerData.transform);
const { FocusReader, FocusValidationError } = require(workerData.reader);
const heap = () => process.memoryUsage().heapUsed;
// This thread's CPU time where Node tells it (22.19+), else wall time.
const cpu = () => {
  if (!process.threadCpuUsage) return performance.now();
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
};
parentPort.on('message', async ({ id, bytes, chunk, mode }) => {
  const start = cpu();
  let peak = heap();
  const data = Buffer.from(bytes);
  const chunks = [];
  for (let at = 0; at < data.length; at += chunk) {
    chunks.push(data.subarray(at, at + chunk));
  }
  const result = { id };
  try {
    const reader = new FocusReader({ mode });
    let rows = 0;
    for await (const _row of reader.read(Readable.from(chunks), 'case-' + id)) {
      rows += 1;
      if (rows % 256 === 0) peak = Math.max(peak, heap());
    }
    result.outcome = 'rows';
    result.rows = rows;
  } catch (error) {
    if (error instanceof FocusValidationError) {
      result.outcome = 'rejected';
      result.rule = error.issue.rule;
      result.message = error.message;
    } else {
      result.outcome = 'crashed';
      result.message = String((error && error.stack) || error).slice(0, 2000);
    }
  }
  result.ms = cpu() - start;
  result.heap = Math.max(peak, heap());
  parentPort.postMessage(result);
});
parentPort.postMessage({ ready: true });
`;

interface CaseResult {
  id: number;
  outcome: 'rows' | 'rejected' | 'crashed';
  rows?: number;
  rule?: string;
  message?: string;
  ms: number;
  heap: number;
}

interface FuzzCase {
  kind: string;
  bytes: Buffer;
  chunk: number;
  mode: 'lenient' | 'strict';
}

/** Runs cases in a worker, restarting it after a hang or a crash of its own. */
class FuzzRunner {
  #worker?: Worker;
  #ready?: Promise<void>;
  #pending?: {
    resolve: (result: CaseResult) => void;
    reject: (error: Error) => void;
  };

  #start() {
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: {
        transform: require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        reader: path.join(__dirname, 'FocusReader.ts'),
      },
      resourceLimits: { maxOldGenerationSizeMb: HEAP_LIMIT_MB },
    });
    this.#worker = worker;
    this.#ready = new Promise((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', () => resolve());
    });
    worker.on('message', message => {
      if (!message.ready) this.#pending?.resolve(message);
    });
    worker.on('error', error => this.#pending?.reject(error as Error));
    worker.on('exit', code =>
      this.#pending?.reject(new Error(`the worker exited with code ${code}`)),
    );
  }

  async run(id: number, fuzz: FuzzCase): Promise<CaseResult> {
    if (!this.#worker) this.#start();
    await this.#ready;
    const bytes = new Uint8Array(fuzz.bytes).buffer;
    try {
      return await new Promise<CaseResult>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no answer in ${CASE_TIMEOUT_MS} ms`)),
          CASE_TIMEOUT_MS,
        );
        this.#pending = {
          resolve: result => {
            clearTimeout(timer);
            resolve(result);
          },
          reject: error => {
            clearTimeout(timer);
            reject(error);
          },
        };
        this.#worker!.postMessage(
          { id, bytes, chunk: fuzz.chunk, mode: fuzz.mode },
          [bytes],
        );
      });
    } catch (error) {
      this.#pending = undefined;
      await this.stop();
      return {
        id,
        outcome: 'crashed',
        message: (error as Error).message,
        ms: CASE_TIMEOUT_MS,
        heap: 0,
      };
    } finally {
      this.#pending = undefined;
    }
  }

  async stop() {
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker) {
      worker.removeAllListeners();
      await worker.terminate();
    }
  }
}

const goodRow: Record<string, string> = { ...FOCUS_TEST_ROW_2024 };

function csvText(rows: Array<Record<string, string>>, eol = '\n'): string {
  return `${[
    FOCUS_1_0_TEST_HEADER.map(csvQuote).join(','),
    ...rows.map(r =>
      FOCUS_1_0_TEST_HEADER.map(h => csvQuote(r[h] ?? '')).join(','),
    ),
  ].join(eol)}${eol}`;
}

/** The generated cases, the same on every run. */
function generateCases(): FuzzCase[] {
  const { uniform } = seededNoise(SEED);
  const int = (n: number) => Math.floor(uniform() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  const randomBytes = (n: number) =>
    Buffer.from(Array.from({ length: n }, () => int(256)));
  const good = Buffer.from(csvText([goodRow, goodRow, goodRow]));
  const parquet = Buffer.from(
    parquetWriteBuffer({
      columnData: FOCUS_1_0_TEST_HEADER.map(name => ({
        name,
        type: 'STRING',
        data: [goodRow[name] ?? '', goodRow[name] ?? ''],
        nullable: true,
      })) as any,
    }),
  );
  const mutate = (base: Buffer, edits: number) => {
    const bytes = [...base];
    for (let e = 0; e < edits; e++) {
      const at = int(bytes.length + 1);
      const op = int(4);
      const byte = pick([0x22, 0x2c, 0x0a, 0x0d, 0x00, 0xff, 0x5c, int(256)]);
      if (op === 0) bytes.splice(at, 1);
      else if (op === 1) bytes.splice(at, 0, byte);
      else if (op === 2) bytes[at] = byte;
      else bytes.splice(at, int(16), ...randomBytes(int(16)));
    }
    return Buffer.from(bytes.slice(0, Math.max(0, bytes.length)));
  };
  const randomDate = () => {
    const date = `${pad(int(10000), 4)}-${pad(int(20), 2)}-${pad(int(40), 2)}`;
    const time = `${pad(int(30), 2)}:${pad(int(70), 2)}${
      uniform() < 0.8 ? `:${pad(int(70), 2)}` : ''
    }${uniform() < 0.3 ? `.${int(1_000_000)}` : ''}`;
    const zone = pick([
      'Z',
      '',
      ' UTC',
      `+${pad(int(30), 2)}:${pad(int(70), 2)}`,
      `-${pad(int(30), 2)}${pad(int(70), 2)}`,
    ]);
    return `${date}${pick(['T', ' ', 't', '_'])}${time}${zone}`;
  };
  const randomAmount = () =>
    pick([
      '1e308',
      '-1e308',
      '1e999',
      'Infinity',
      'NaN',
      '-0',
      '1e-400',
      `${int(1e9)}.${int(1e9)}`,
      `$${int(1e6)},${pad(int(1000), 3)}.50`,
      `${'9'.repeat(1 + int(300))}`,
      `${'1'.repeat(1000 + int(200_000))}x`,
      '.',
      '+',
      '1e',
    ]);
  const randomCurrency = () =>
    pick([
      'USD',
      'usd',
      'XXXX',
      'XYZ',
      '',
      'US',
      '€',
      'ÉUR',
      'EUR ',
      String.fromCharCode(65 + int(26), 65 + int(26), 65 + int(26)),
    ]);
  const deepTags = () => {
    const depth = 1 + int(int(2) ? 100 : 100_000);
    return int(2)
      ? `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`
      : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  };

  const cases: FuzzCase[] = [];
  // Chunks of a few bytes for small inputs only: a million one-byte chunks
  // take seconds of stream overhead alone.
  const add = (kind: string, bytes: Buffer) =>
    cases.push({
      kind,
      bytes,
      chunk: Math.max(
        pick([1, 7, 64, 4096, 65536, 1 << 20]),
        bytes.length >> 12,
      ),
      mode: uniform() < 0.5 ? 'lenient' : 'strict',
    });

  for (let i = 0; i < 200; i++) add('random bytes', randomBytes(int(4096)));
  for (let i = 0; i < 100; i++) {
    add(
      'garbage gzip',
      Buffer.concat([Buffer.from([0x1f, 0x8b]), randomBytes(int(2048))]),
    );
  }
  const gzipped = gzipSync(csvText(Array(200).fill(goodRow)));
  for (let i = 0; i < 100; i++) {
    add('truncated gzip', gzipped.subarray(0, int(gzipped.length)));
  }
  for (let i = 0; i < 100; i++)
    add('mutated gzip', mutate(gzipped, 1 + int(8)));
  for (let i = 0; i < 400; i++) add('mutated CSV', mutate(good, 1 + int(20)));
  for (let i = 0; i < 100; i++) {
    add(
      'garbage Parquet',
      Buffer.concat([
        Buffer.from('PAR1'),
        randomBytes(int(4096)),
        Buffer.from('PAR1'),
      ]),
    );
  }
  for (let i = 0; i < 700; i++)
    add('mutated Parquet', mutate(parquet, 1 + int(6)));
  for (let i = 0; i < 40; i++) {
    const column = pick(FOCUS_1_0_TEST_HEADER);
    const size = pick([1000, 65_000, 200_000, 262_144, 262_145, 1_100_000]);
    const value = pick(['x', '"', ',', '\n', '9', '{"k":"v"}'])
      .repeat(size)
      .slice(0, size);
    add(
      'huge field',
      Buffer.from(
        csvText(
          [goodRow, { ...goodRow, [column]: value }],
          pick(['\n', '\r\n', '\r']),
        ),
      ),
    );
  }
  for (let i = 0; i < 200; i++) {
    add(
      'calendar',
      Buffer.from(
        csvText([
          {
            ...goodRow,
            [pick([
              'ChargePeriodStart',
              'ChargePeriodEnd',
              'BillingPeriodStart',
            ])]: randomDate(),
          },
        ]),
      ),
    );
  }
  for (let i = 0; i < 150; i++) {
    add(
      'amounts and currencies',
      Buffer.from(
        csvText([
          {
            ...goodRow,
            [pick([
              'BilledCost',
              'EffectiveCost',
              'ListCost',
              'PricingQuantity',
            ])]: randomAmount(),
            BillingCurrency: randomCurrency(),
          },
        ]),
      ),
    );
  }
  for (let i = 0; i < 40; i++) {
    add('deep Tags', Buffer.from(csvText([{ ...goodRow, Tags: deepTags() }])));
  }
  for (let i = 0; i < 40; i++) {
    add(
      'odd header',
      Buffer.from(
        `\ufeff${Array.from({ length: 1 + int(3000) }, () =>
          pick(
            [...FOCUS_1_0_TEST_HEADER, 'x_custom', '\u001b[31m', 'é', ''].map(
              csvQuote,
            ),
          ),
        ).join(',')}\r\n1,2,3\r\n`,
      ),
    );
  }
  return cases;
}

describe('FocusReader fuzz', () => {
  const runner = new FuzzRunner();
  afterAll(() => runner.stop());

  it('ends every generated case in rows or a one-line FocusValidationError, in bounded time and heap', async () => {
    const cases = generateCases();
    const failures: string[] = [];
    const outcomes: Record<string, number> = {};
    let maxMs = 0;
    let peakHeap = 0;
    const started = performance.now();
    for (const [id, fuzz] of cases.entries()) {
      const result = await runner.run(id, fuzz);
      maxMs = Math.max(maxMs, result.ms);
      peakHeap = Math.max(peakHeap, result.heap);
      const key =
        result.outcome === 'rejected'
          ? `rejected: ${result.rule}`
          : result.outcome;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      const problem =
        (result.outcome === 'crashed' && result.message) ||
        (result.message &&
          hasControlCharacter(result.message) &&
          'a message with a control character') ||
        (result.message &&
          result.message.length > 600 &&
          `a message of ${result.message.length} characters`) ||
        (result.ms > CASE_CPU_MS && `${Math.round(result.ms)} ms CPU`);
      if (problem) {
        // Kept for replay: new FocusReader({ mode }).read(file).
        const file = path.join(tmpdir(), `focus-fuzz-${SEED}-${id}.bin`);
        writeFileSync(file, fuzz.bytes);
        failures.push(
          `case ${id} (${fuzz.kind}, ${fuzz.mode}, ${fuzz.bytes.length} bytes in chunks of ${fuzz.chunk}, saved as ${file}): ${problem}`,
        );
      }
    }
    const seconds = (performance.now() - started) / 1000;
    // eslint-disable-next-line no-console
    console.log(
      `FocusReader fuzz (seed ${SEED}): ${cases.length} cases, ${
        failures.length
      } failures, max ${Math.round(
        maxMs,
      )} ms CPU per case, peak heap ${Math.round(
        peakHeap / 2 ** 20,
      )} MiB, ${seconds.toFixed(1)} s; ${Object.entries(outcomes)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    );
    expect(failures).toEqual([]);
    expect(peakHeap).toBeLessThan(HEAP_LIMIT_MB * 2 ** 20);
  }, 60_000);
});
