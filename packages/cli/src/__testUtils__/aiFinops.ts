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
import path from 'node:path';

// The CLI of this repository: it runs the TypeScript sources.
const SOURCE_BIN = path.resolve(__dirname, '../../bin/ai-finops');

/** What a run of the CLI printed and how it exited. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The signal that ended the process (a timeout, an out-of-memory abort). */
  signal?: NodeJS.Signals | null;
}

/**
 * Runs the real `bin/ai-finops` in a child process, as a CI pipeline would
 * (`bin`: another copy of it, e.g. the built package's).
 */
export function runAiFinops(
  args: string[],
  options: {
    input?: string;
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
    bin?: string;
    /** Options for node itself, e.g. ['--max-old-space-size=256']. */
    nodeArgs?: string[];
  } = {},
): CliResult {
  const result = spawnSync(
    process.execPath,
    [...(options.nodeArgs ?? []), options.bin ?? SOURCE_BIN, ...args],
    {
      encoding: 'utf8',
      timeout: options.timeoutMs ?? 90_000,
      cwd: options.cwd,
      env: options.env,
      input: options.input,
    },
  );
  return {
    code: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    // Only when a signal ended it, so that results compare as before.
    ...(result.signal ? { signal: result.signal } : {}),
  };
}

/**
 * Asserts the CLI contract for bad input: exit code 2, one error line on
 * stderr, no stack trace, nothing on stdout. Returns the line.
 */
export function expectBadInput(result: CliResult): string {
  expect(result.code).toBe(2);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stdout).toBe('');
  return lines[0];
}
