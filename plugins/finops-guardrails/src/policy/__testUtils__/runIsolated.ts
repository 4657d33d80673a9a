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

import { spawn } from 'node:child_process';
import path from 'node:path';

/** What {@link runIsolated} brings back. */
export interface IsolatedRun<T> {
  /** What the body returned (as JSON). */
  value: T;
  /** Milliseconds the body ran, module loading excluded. */
  ms: number;
}

const RESULT = '@@isolated-result@@';

const CHILD_SOURCE = `
const input = JSON.parse(process.argv[1]);
require(input.transform);
const guardrails = require(input.entry);
const run = new Function('guardrails', 'require',
  'return (async () => {' + input.body + '})()');
const started = performance.now();
Promise.resolve()
  .then(() => run(guardrails, require))
  .then(
    value => process.stdout.write('\\n${RESULT}' + JSON.stringify({ value, ms: performance.now() - started }) + '\\n'),
    error => process.stdout.write('\\n${RESULT}' + JSON.stringify({ error: String(error && error.stack || error) }) + '\\n'),
  );
`;

/**
 * Runs `body` (the source of an async function body; `guardrails` is this
 * package's index, `require` works) in a child Node process with a
 * wall-clock limit and a heap limit, so that a test of a pathological input
 * fails in seconds (timed out, or out of memory) instead of hanging CI or
 * taking the machine's memory. A child process rather than a worker thread:
 * some out-of-memory failures (a huge array) end the whole process, which
 * must not be Jest's. Rejects with what went wrong.
 */
export function runIsolated<T>(
  body: string,
  options: { timeoutMs?: number; heapMb?: number } = {},
): Promise<IsolatedRun<T>> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const heapMb = options.heapMb ?? 512;
  const input = JSON.stringify({
    transform: require.resolve('@backstage/cli/config/nodeTransform.cjs'),
    entry: path.resolve(__dirname, '../../index.ts'),
    body,
  });
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${heapMb}`, '-e', CHILD_SOURCE, input],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', d => {
    stdout += d;
  });
  child.stderr.on('data', d => {
    stderr = (stderr + d).slice(-2000);
  });
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find(l => l.startsWith(RESULT));
      if (timedOut) {
        reject(
          new Error(`did not finish within ${timeoutMs / 1000} s (killed)`),
        );
      } else if (line) {
        const result = JSON.parse(line.slice(RESULT.length));
        if (result.error) reject(new Error(result.error));
        else resolve(result);
      } else {
        const oom =
          /heap out of memory|invalid array length|Invalid string length/i.test(
            stderr,
          );
        reject(
          new Error(
            oom
              ? `ran out of its ${heapMb} MB heap`
              : `exited with ${signal ?? `code ${code}`}: ${stderr}`,
          ),
        );
      }
    });
  });
}
