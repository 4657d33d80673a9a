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

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { delimiter, join } from 'node:path';

/** The full path of an executable on PATH. */
export function findOnPath(name: string): string | undefined {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .map(dir => join(dir, name))
    .find(file => existsSync(file));
}

/**
 * `describe` when nothing is `missing` (binaries, data the tests need), else
 * `describe.skip` with what is missing in the name and a console warning, so
 * a machine without them says what it skipped instead of failing.
 */
export function describeUnlessMissing(
  missing: string[],
  title: string,
  fn: () => void,
): void {
  // A helper that chooses between describe and describe.skip by design.
  /* eslint-disable jest/valid-title, jest/valid-describe-callback, jest/no-disabled-tests */
  if (missing.length === 0) {
    describe(title, fn);
    return;
  }
  // eslint-disable-next-line no-console
  console.warn(`Skipping ${title}: missing ${missing.join(', ')}`);
  describe.skip(`${title} (skipped: missing ${missing.join(', ')})`, fn);
  /* eslint-enable jest/valid-title, jest/valid-describe-callback, jest/no-disabled-tests */
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise(done => server.close(done));
  return port;
}

/** A Prometheus server started on a TSDB directory, on a free loopback port. */
export interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
}

/** Builds TSDB blocks from an OpenMetrics file with `promtool`. */
export function createBlocks(openMetricsFile: string, tsdbDir: string) {
  const result = spawnSync(
    'promtool',
    ['tsdb', 'create-blocks-from', 'openmetrics', openMetricsFile, tsdbDir],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new Error(
      `promtool failed (${result.status}): ${result.stderr}${result.stdout}`,
    );
  }
}

/** Starts `prometheus` on `tsdbDir` and waits for `/-/ready`. */
export async function startPrometheus(
  tsdbDir: string,
  workDir: string,
): Promise<RunningPrometheus> {
  const port = await freePort();
  const configFile = join(workDir, 'prometheus.yml');
  writeFileSync(configFile, 'global:\n  scrape_interval: 1m\n');
  const url = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${tsdbDir}`,
      '--storage.tsdb.retention.time=30d',
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', chunk => output.push(String(chunk)));
  child.stderr?.on('data', chunk => output.push(String(chunk)));
  const exited = new Promise<void>(done => child.once('exit', () => done()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };

  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      break;
    }
    try {
      if ((await fetch(`${url}/-/ready`)).ok) {
        return { url, stop };
      }
    } catch {
      // not listening yet
    }
    await new Promise(done => setTimeout(done, 200));
  }
  await stop();
  throw new Error(`Prometheus did not become ready:\n${output.join('')}`);
}
