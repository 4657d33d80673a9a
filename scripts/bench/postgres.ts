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

/* The PostgreSQL server the benchmarks use, and psql on it. */

import { execFileSync } from 'node:child_process';

/** BENCH_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432, without a trailing slash. */
export const server = (
  process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432'
).replace(/\/$/, '');

/** Runs each command with psql on database `db`; its unaligned output. */
export const psql = (db: string, ...commands: string[]) =>
  execFileSync(
    'psql',
    [
      '-q',
      '-t',
      '-A',
      '-v',
      'ON_ERROR_STOP=1',
      `${server}/${db}`,
      ...commands.flatMap(c => ['-c', c]),
    ],
    { encoding: 'utf8' },
  );
