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

import { version } from '../package.json';
import { runAiFinops } from './__testUtils__/aiFinops';

function aiFinops(...args: string[]) {
  return runAiFinops(args, { timeoutMs: 60_000 });
}

describe('ai-finops', () => {
  jest.setTimeout(60_000);

  it('prints its version', () => {
    const { code, stdout } = aiFinops('--version');
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(version);
  });

  it('prints help naming the command', () => {
    const { code, stdout } = aiFinops('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: ai-finops');
    expect(stdout).toContain('--version');
  });

  it('rejects an unknown flag with one line and exit code 2', () => {
    const { code, stderr } = aiFinops('--no-such-flag');
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain("unknown option '--no-such-flag'");
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('never prints a --database password, in the URL or its query', () => {
    for (const database of [
      // Nothing listens on port 1: the store cannot be opened.
      'postgresql://bob:hunter2@127.0.0.1:1/finops?sslpassword=s3cret&password=hunter2',
      'mysql://bob:hunter2@db.example.com/finops?password=hunter2',
    ]) {
      const { code, stderr } = aiFinops(
        'costs',
        '--database',
        database,
        '--group-by',
        'SkuId',
      );
      expect(code).toBe(2);
      expect(stderr).toContain('--database ');
      expect(stderr).not.toMatch(/hunter2|s3cret/);
    }
  });
});
