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

/*
 * Are stored money totals exact and reproducible? Generates a FOCUS export
 * whose BilledCost has 8 decimals, ingests it with the CLI into a new
 * PostgreSQL database and a SQLite file, prints `ai-finops costs` three
 * times on PostgreSQL and once on SQLite, the exact decimal sum (BigInt) and,
 * for comparison, the double sums of the same amounts in three orders.
 *
 *   bash scripts/bench/money-totals.sh [--rows 300000] [--postgres postgresql://postgres@127.0.0.1:5432]
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { FOCUS_COLUMNS, focusRow, writeLines } from './focusFile';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const ROWS = Number(option('rows', '300000'));
const POSTGRES = option('postgres', 'postgresql://postgres@127.0.0.1:5432');
if (!Number.isSafeInteger(ROWS) || ROWS < 1 || ROWS > 10_000_000) {
  throw new Error(`--rows ${ROWS}: a whole number from 1 to 10,000,000`);
}

/** BilledCost of row i: up to 3,600 with 8 decimals, from a fixed sequence. */
function billed(i: number): string {
  const whole = (i * 7919) % 3600;
  const fraction = String((i * 104729 + 12345) % 100_000_000).padStart(8, '0');
  return `${whole}.${fraction}`;
}

async function main() {
  const work = mkdtempSync(path.join(tmpdir(), 'money-totals-'));
  const file = path.join(work, 'focus.csv');
  const amounts: string[] = [];
  await writeLines(
    file,
    ROWS,
    i => {
      const amount = billed(i);
      amounts.push(amount);
      // focusRow's first field is BilledCost.
      const row = focusRow(i, 200);
      return `${amount}${row.slice(row.indexOf(','))}`;
    },
    FOCUS_COLUMNS.join(','),
  );

  // The exact sum, and what doubles give in three orders.
  const exactNanos = amounts.reduce(
    (sum, a) => sum + BigInt(a.replace('.', '')) * 10n,
    0n,
  );
  const exactText = `${exactNanos / 1_000_000_000n}.${String(
    exactNanos % 1_000_000_000n,
  ).padStart(9, '0')}`.replace(/\.?0+$/, '');
  const numbers = amounts.map(Number);
  const sum = (list: number[]) => list.reduce((s, x) => s + x, 0);
  const shuffled = [...numbers];
  let seed = 7;
  for (let i = shuffled.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }

  const database = `finops_money_bench_${process.pid}`;
  const admin = new Client({ connectionString: POSTGRES });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const pgTarget = `${POSTGRES.replace(/\/$/, '')}/${database}`;
  const sqliteTarget = path.join(work, 'store.sqlite');
  const cli = (...args: string[]) =>
    execFileSync(
      process.execPath,
      [
        '--require',
        '@backstage/cli/config/nodeTransform.cjs',
        'packages/cli/src/index.ts',
        ...args,
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
  try {
    for (const target of [pgTarget, sqliteTarget]) {
      cli('ingest', 'focus', file, '--database', target);
    }
    const total = (target: string) =>
      cli('costs', '--database', target, '--group-by', 'ProviderName')
        .trim()
        .split('\n')[1]
        .split(',')[1];
    const pg = [total(pgTarget), total(pgTarget), total(pgTarget)];
    const sqlite = total(sqliteTarget);

    console.log(`money totals: ${ROWS} rows, BilledCost with 8 decimals`);
    console.log(`  exact decimal sum (BigInt)        ${exactText}`);
    console.log(`  ai-finops costs, PostgreSQL run 1 ${pg[0]}`);
    console.log(`  ai-finops costs, PostgreSQL run 2 ${pg[1]}`);
    console.log(`  ai-finops costs, PostgreSQL run 3 ${pg[2]}`);
    console.log(`  ai-finops costs, SQLite           ${sqlite}`);
    console.log(`  doubles, in file order            ${sum(numbers)}`);
    console.log(
      `  doubles, reversed                 ${sum([...numbers].reverse())}`,
    );
    console.log(`  doubles, shuffled                 ${sum(shuffled)}`);
    const same = [...pg, sqlite].every(t => t === exactText);
    console.log(
      `  store totals equal to the exact sum on every run and engine: ${
        same ? 'yes' : 'NO'
      }`,
    );
    if (!same) process.exitCode = 1;
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin.end();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
