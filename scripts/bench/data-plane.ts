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
 * Data-plane benchmark: prints figures, asserts nothing.
 *
 *   bash scripts/bench/data-plane.sh [--rows 1000000] [--entities 500]
 *
 * 1. FOCUS ingest into PostgreSQL through `ai-finops ingest focus` (the store's
 *    transactional replace, lenient validation) next to a raw `COPY` of the
 *    same file into a bare typed table, in the same run; plus the ingest's
 *    peak memory (max RSS of the CLI process).
 * 2. Entity summary latency with one week vs one year of hourly cost and
 *    usage facts for N entities (facts bulk-loaded with COPY), through the
 *    store's getCostSummary.
 *
 * Needs PostgreSQL (BENCH_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432)
 * and psql; creates and drops its own databases.
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { DatabaseFinopsStore } from '@ai-finops/backstage-plugin-finops-backend/store';
import { FocusReader } from '@ai-finops/backstage-plugin-finops-node';
import { FOCUS_1_0_TEST_HEADER } from '@ai-finops/test-utils';

const root = path.resolve(__dirname, '../..');
const server = (
  process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432'
).replace(/\/$/, '');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROWS = arg('rows', 1_000_000);
const ENTITIES = arg('entities', 500);
const work = mkdtempSync(path.join(tmpdir(), 'finops-bench-'));
const HOUR = 3_600_000;

const psql = (db: string, ...commands: string[]) =>
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
    {
      encoding: 'utf8',
    },
  );

async function writeLines(
  file: string,
  count: number,
  line: (i: number) => string,
  header: string,
) {
  const out = createWriteStream(file);
  out.write(`${header}\n`);
  for (let i = 0; i < count; i++) {
    if (!out.write(`${line(i)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

// The minimal FOCUS 1.0 header, then the dimensions a real export carries.
const FOCUS_COLUMNS = [
  ...FOCUS_1_0_TEST_HEADER.filter(c => c !== 'Tags'),
  'RegionId',
  'ResourceId',
  'SubAccountId',
  'Tags',
];
const SERVICES = [
  ['Compute', 'Amazon Elastic Compute Cloud'],
  ['Storage', 'Amazon Simple Storage Service'],
  ['Networking', 'Amazon Virtual Private Cloud'],
  ['AI and Machine Learning', 'Amazon SageMaker'],
  ['Databases', 'Amazon Relational Database Service'],
];

function focusRow(i: number): string {
  const hour = Date.UTC(2026, 9, 1) + (i % (31 * 24)) * HOUR;
  const [category, service] = SERVICES[i % SERVICES.length];
  const billed = ((i * 7919) % 100_000) / 1000;
  const iso = (t: number) => new Date(t).toISOString().replace('.000', '');
  const values = [
    billed,
    '123456789012',
    'Acme AI',
    'USD',
    '2026-11-01T00:00:00Z',
    '2026-10-01T00:00:00Z',
    'Usage',
    '',
    `${service} usage`,
    'Usage-Based',
    iso(hour + HOUR),
    iso(hour),
    billed,
    (billed * 0.8).toFixed(5),
    '"Amazon Web Services, Inc."',
    (billed * 1.1).toFixed(5),
    1,
    'Hours',
    'AWS',
    '"Amazon Web Services, Inc."',
    category,
    service,
    'us-east-1',
    `arn:aws:ec2:us-east-1:123456789012:instance/i-${(i % 5000)
      .toString(16)
      .padStart(8, '0')}`,
    `sub-${i % 40}`,
    `"{""app"":""svc-${i % ENTITIES}"",""team"":""team-${i % 12}""}"`,
  ];
  return values.join(',');
}

async function focusIngestVsCopy() {
  const file = path.join(work, 'focus.csv');
  let started = Date.now();
  await writeLines(file, ROWS, focusRow, FOCUS_COLUMNS.join(','));
  console.log(
    `FOCUS file: ${ROWS.toLocaleString('en-US')} rows, ${(
      statSync(file).size /
      2 ** 20
    ).toFixed(0)} MiB, generated in ${((Date.now() - started) / 1000).toFixed(
      1,
    )} s`,
  );

  // The reader alone (parse + validate, no database), for where the time goes.
  started = Date.now();
  let read = 0;
  for await (const _row of new FocusReader().read(file)) read += 1;
  const readerSeconds = (Date.now() - started) / 1000;
  console.log(
    `FocusReader alone (no database): ${readerSeconds.toFixed(
      1,
    )} s, ${Math.round(read / readerSeconds).toLocaleString('en-US')} rows/s`,
  );

  const db = `finops_bench_ingest_${process.pid}`;
  psql('postgres', `CREATE DATABASE ${db}`);
  try {
    // The store's path: the CLI (lenient validation, batched inserts in one transaction).
    started = Date.now();
    const cli = spawnSync(
      '/usr/bin/time',
      [
        '-f',
        'maxrss_kb=%M',
        process.execPath,
        path.join(root, 'packages/cli/bin/ai-finops'),
        'ingest',
        'focus',
        file,
        '--database',
        `${server}/${db}`,
      ],
      { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 },
    );
    const ingestSeconds = (Date.now() - started) / 1000;
    if (cli.status !== 0) throw new Error(`ingest failed: ${cli.stderr}`);
    const maxRssMiB = Number(/maxrss_kb=(\d+)/.exec(cli.stderr)?.[1]) / 1024;

    // The baseline: COPY of the same file into a bare typed table.
    const columns = FOCUS_COLUMNS.map(c => {
      if (/Cost$|Quantity$/.test(c)) return `"${c}" double precision`;
      if (/Period(Start|End)$/.test(c)) return `"${c}" timestamptz`;
      return `"${c}" text`;
    });
    psql(db, `CREATE TABLE bare_focus (${columns.join(', ')})`);
    started = Date.now();
    psql(db, `\\copy bare_focus FROM '${file}' WITH (FORMAT csv, HEADER true)`);
    const copySeconds = (Date.now() - started) / 1000;

    const stored = psql(db, 'SELECT count(*) FROM finops_billing_charges')
      .match(/\d+/g)
      ?.pop();
    const ingestRate = ROWS / ingestSeconds;
    const copyRate = ROWS / copySeconds;
    console.log(
      `ingest (ai-finops ingest focus → finops_billing_charges): ${ingestSeconds.toFixed(
        1,
      )} s, ${Math.round(ingestRate).toLocaleString(
        'en-US',
      )} rows/s, ${stored} rows stored, peak RSS ${maxRssMiB.toFixed(0)} MiB`,
    );
    console.log(
      `COPY (psql \\copy → bare table):                        ${copySeconds.toFixed(
        1,
      )} s, ${Math.round(copyRate).toLocaleString('en-US')} rows/s`,
    );
    console.log(
      `ingest / COPY throughput ratio: ${(ingestRate / copyRate).toFixed(
        2,
      )} (goal ≥ 0.5)`,
    );
  } finally {
    psql('postgres', `DROP DATABASE IF EXISTS ${db}`);
  }
}

async function summaryLatency(label: string, days: number) {
  const db = `finops_bench_summary_${days}_${process.pid}`;
  psql('postgres', `CREATE DATABASE ${db}`);
  const knex: Knex = knexFactory({
    client: 'pg',
    connection: `${server}/${db}`,
    pool: { min: 0, max: 2 },
  });
  try {
    const store = await DatabaseFinopsStore.create({
      database: {
        getClient: async () => knex,
        migrations: { skip: false },
      } as any,
    });
    const end = Date.UTC(2026, 10, 26);
    const hours = days * 24;
    const costFile = path.join(work, `costs-${days}.csv`);
    const usageFile = path.join(work, `usage-${days}.csv`);
    const at = (i: number) =>
      new Date(end - (hours - (i % hours)) * HOUR).toISOString();
    const entity = (i: number) => `svc-${Math.floor(i / hours)}`;
    await writeLines(
      costFile,
      ENTITIES * hours,
      i =>
        `bench,${at(i)},${entity(i)},ml,Deployment/${entity(i)},{},{},gpu,${
          (i % 97) + 1
        },${(i % 97) + 1},${(i % 97) + 2},USD`,
      'source,hour,kubernetes_id,namespace,workload,labels,tags,category,billed_cost,effective_cost,list_cost,currency',
    );
    await writeLines(
      usageFile,
      ENTITIES * hours,
      i =>
        `bench,${at(i)},${entity(i)},ml,Deployment/${entity(
          i,
        )},{},{},gpu_hours,8`,
      'source,hour,kubernetes_id,namespace,workload,labels,tags,metric,value',
    );
    let started = Date.now();
    psql(
      db,
      `\\copy finops_cost_facts_hourly (source,hour,kubernetes_id,namespace,workload,labels,tags,category,billed_cost,effective_cost,list_cost,currency) FROM '${costFile}' WITH (FORMAT csv, HEADER true)`,
      `\\copy finops_usage_facts_hourly (source,hour,kubernetes_id,namespace,workload,labels,tags,metric,value) FROM '${usageFile}' WITH (FORMAT csv, HEADER true)`,
      'ANALYZE',
    );
    const loadSeconds = (Date.now() - started) / 1000;

    const samples: number[] = [];
    for (let i = 0; i < 60; i++) {
      const id = `svc-${(i * 37) % ENTITIES}`;
      started = performance.now();
      const summary = await store.getCostSummary({
        keys: { kubernetesId: id },
        currency: 'USD',
      });
      const ms = performance.now() - started;
      if (summary.monthToDate.effectiveCost <= 0)
        throw new Error(`no costs for ${id}`);
      if (i >= 10) samples.push(ms); // the first ten warm the caches
    }
    samples.sort((a, b) => a - b);
    const median = samples[Math.floor(samples.length / 2)];
    const p95 = samples[Math.floor(samples.length * 0.95)];
    console.log(
      `summary, ${label} (${(ENTITIES * hours * 2).toLocaleString(
        'en-US',
      )} facts, loaded in ${loadSeconds.toFixed(1)} s): median ${median.toFixed(
        1,
      )} ms, p95 ${p95.toFixed(1)} ms`,
    );
    return median;
  } finally {
    await knex.destroy();
    psql('postgres', `DROP DATABASE IF EXISTS ${db}`);
  }
}

async function main() {
  console.log(
    `data-plane benchmark: PostgreSQL ${
      psql('postgres', 'SHOW server_version').match(/\d+\.\d+/)?.[0]
    }, Node ${process.version}`,
  );
  await focusIngestVsCopy();
  const week = await summaryLatency('one week', 7);
  const year = await summaryLatency('one year', 365);
  console.log(
    `summary latency ratio, one year / one week of data for ${ENTITIES} entities: ${(
      year / week
    ).toFixed(2)} (goal ≤ 1.5)`,
  );
}

main()
  .catch(error => {
    console.error(`benchmark failed: ${error.message}`);
    process.exitCode = 1;
  })
  .finally(() => rmSync(work, { recursive: true, force: true }));
