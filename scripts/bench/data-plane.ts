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
 *   bash scripts/bench/data-plane.sh [--rows 1000000] [--entities 500] [--repeat 3]
 *
 * 1. FOCUS ingest into PostgreSQL through `ai-finops ingest focus` (the
 *    FocusReader, lenient validation, and the store's transactional replace,
 *    which streams the rows with binary COPY) next to a raw `COPY` of the
 *    same file into a bare typed table, in the same run; plus the ingest's
 *    peak memory (max RSS of the CLI process). Where the time goes: the
 *    FocusReader alone (no database) and the store alone
 *    (replaceBillingCharges fed rows the reader parsed beforehand). The
 *    measurements are repeated, interleaved (COPY, reader, store, ingest,
 *    then again), and each ratio is taken against the COPY of its own
 *    round: on a shared machine the baseline itself moves a lot. The median
 *    round decides; every round is printed with the load average.
 * 2. Hourly facts through the store's replaceWindow (validation, checksum,
 *    COPY, daily roll-ups) for a week of N entities.
 * 3. Entity summary latency with one week vs one year of hourly cost and
 *    usage facts for N entities, through the backend engine's
 *    CostAllocator.summary. The
 *    facts are bulk-loaded with COPY before the daily roll-up migration,
 *    which then fills the roll-ups from them (as on an upgraded deployment).
 *
 * Needs PostgreSQL (BENCH_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432)
 * and psql; creates and drops its own databases.
 */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { DatabaseFinopsStore } from '@ai-finops/backstage-plugin-finops-node';
import {
  FocusReader,
  type FinopsRecord,
  type FocusRow,
} from '@ai-finops/backstage-plugin-finops-node';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
// The backend's entity engine composes the summary; a script may reach into
// the plugin's source (no package may).
import { CostAllocator } from '../../plugins/finops-backend/src/engine/CostAllocator';
import { FOCUS_COLUMNS, writeFocusFile, writeLines } from './focusFile';
import { psql, server } from './postgres';

const root = path.resolve(__dirname, '../..');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROWS = arg('rows', 1_000_000);
const ENTITIES = arg('entities', 500);
const REPEAT = Math.max(1, arg('repeat', 3));
const work = mkdtempSync(path.join(tmpdir(), 'finops-bench-'));
const HOUR = 3_600_000;
const migrationsDir = path.join(root, 'plugins/finops-node/migrations');
/** The migration that adds the daily roll-ups and fills them from the hourly facts. */
const ROLLUP_MIGRATION = '20261127000000_daily_rollups.js';

const rate = (rows: number, seconds: number) =>
  Math.round(rows / seconds).toLocaleString('en-US');

/** A store on its own knex pool, migrated to the latest schema. */
async function openStore(db: string) {
  const knex: Knex = knexFactory({
    client: 'pg',
    connection: `${server}/${db}`,
    pool: { min: 0, max: 2 },
  });
  const store = await DatabaseFinopsStore.create({
    database: {
      getClient: async () => knex,
      migrations: { skip: false },
    } as any,
  });
  return { knex, store };
}

function timed(command: string, args: string[]) {
  const started = Date.now();
  const run = spawnSync(
    '/usr/bin/time',
    ['-f', 'time: %U %S %M', command, ...args],
    { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 },
  );
  const seconds = (Date.now() - started) / 1000;
  if (run.status !== 0) {
    throw new Error(`${path.basename(command)} failed: ${run.stderr}`);
  }
  const [, user, system, rssKb] =
    /time: ([\d.]+) ([\d.]+) (\d+)/.exec(run.stderr) ?? [];
  return {
    seconds,
    cpuSeconds: Number(user) + Number(system),
    rssMiB: Number(rssKb) / 1024,
  };
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function focusIngestVsCopy() {
  const file = path.join(work, 'focus.csv');
  let started = Date.now();
  await writeFocusFile(file, ROWS, ENTITIES);
  console.log(
    `FOCUS file: ${ROWS.toLocaleString('en-US')} rows, ${(
      statSync(file).size /
      2 ** 20
    ).toFixed(0)} MiB, generated in ${((Date.now() - started) / 1000).toFixed(
      1,
    )} s`,
  );

  const db = `finops_bench_ingest_${process.pid}`;
  psql('postgres', `CREATE DATABASE ${db}`);
  const { knex, store } = await openStore(db);
  try {
    // The baseline's table: the file's columns, typed, no keys or indexes.
    const columns = FOCUS_COLUMNS.map(c => {
      if (/Cost$|Quantity$/.test(c)) return `"${c}" double precision`;
      if (/Period(Start|End)$/.test(c)) return `"${c}" timestamptz`;
      return `"${c}" text`;
    });
    psql(db, `CREATE TABLE bare_focus (${columns.join(', ')})`);

    // Rows the reader parsed beforehand, for the store alone: the first
    // SAMPLE rows of the file, fed over and over.
    const SAMPLE = Math.min(ROWS, 100_000);
    const parsed: FocusRow[] = [];
    for await (const row of new FocusReader().read(file)) {
      parsed.push(row);
      if (parsed.length >= SAMPLE) break;
    }
    async function* replay(): AsyncIterable<FocusRow> {
      for (let i = 0; i < ROWS; i++) yield parsed[i % parsed.length];
    }

    const rounds: Array<{
      copy: number;
      reader: number;
      store: number;
      ingest: number;
      ingestCpu: number;
      rss: number;
    }> = [];
    for (let round = 1; round <= REPEAT; round++) {
      psql(db, 'TRUNCATE bare_focus', 'CHECKPOINT');
      const load = loadavg()[0];
      const copy = timed('psql', [
        '-q',
        '-v',
        'ON_ERROR_STOP=1',
        `${server}/${db}`,
        '-c',
        `\\copy bare_focus FROM '${file}' WITH (FORMAT csv, HEADER true)`,
      ]);

      started = Date.now();
      let read = 0;
      for await (const _row of new FocusReader().read(file)) read += 1;
      const readerSeconds = (Date.now() - started) / 1000;

      psql(db, 'TRUNCATE finops_billing_charges', 'CHECKPOINT');
      started = Date.now();
      await store.replaceBillingCharges('bench-store', replay());
      const storeSeconds = (Date.now() - started) / 1000;

      psql(db, 'TRUNCATE finops_billing_charges', 'CHECKPOINT');
      const ingest = timed(process.execPath, [
        path.join(root, 'packages/cli/bin/ai-finops'),
        'ingest',
        'focus',
        file,
        '--database',
        `${server}/${db}`,
      ]);
      const stored = Number(
        psql(db, 'SELECT count(*) FROM finops_billing_charges')
          .match(/\d+/g)
          ?.pop(),
      );
      if (stored !== ROWS) throw new Error(`ingest stored ${stored} rows`);

      const r = {
        copy: ROWS / copy.seconds,
        reader: read / readerSeconds,
        store: ROWS / storeSeconds,
        ingest: ROWS / ingest.seconds,
        ingestCpu: ingest.cpuSeconds,
        rss: ingest.rssMiB,
      };
      rounds.push(r);
      const x = (rowsPerSecond: number) =>
        `${Math.round(rowsPerSecond).toLocaleString('en-US')} rows/s (${(
          rowsPerSecond / r.copy
        ).toFixed(2)}× COPY)`;
      console.log(
        `round ${round} (load average ${load.toFixed(1)}): COPY ${Math.round(
          r.copy,
        ).toLocaleString('en-US')} rows/s; FocusReader alone ${x(
          r.reader,
        )}; store alone ${x(r.store)}; ingest end to end ${x(
          r.ingest,
        )}, CLI CPU ${ingest.cpuSeconds.toFixed(
          1,
        )} s, peak RSS ${ingest.rssMiB.toFixed(0)} MiB`,
      );
    }

    const m = (pick: (r: (typeof rounds)[number]) => number) =>
      median(rounds.map(pick));
    console.log(
      `COPY (psql \\copy → bare table, no keys or indexes), median: ${Math.round(
        m(r => r.copy),
      ).toLocaleString('en-US')} rows/s`,
    );
    console.log(
      `FocusReader alone (parse + validate, no database), median: ${Math.round(
        m(r => r.reader),
      ).toLocaleString('en-US')} rows/s, ${m(r => r.reader / r.copy).toFixed(
        2,
      )}× COPY`,
    );
    console.log(
      `store alone (replaceBillingCharges of pre-parsed rows, binary COPY), median: ${Math.round(
        m(r => r.store),
      ).toLocaleString('en-US')} rows/s, ${m(r => r.store / r.copy).toFixed(
        2,
      )}× COPY`,
    );
    console.log(
      `ingest end to end (ai-finops ingest focus), median: ${Math.round(
        m(r => r.ingest),
      ).toLocaleString('en-US')} rows/s, CLI CPU ${m(r => r.ingestCpu).toFixed(
        1,
      )} s, peak RSS ${Math.max(...rounds.map(r => r.rss)).toFixed(0)} MiB`,
    );
    console.log(
      `ingest / COPY throughput ratio, median of ${REPEAT} rounds: ${m(
        r => r.ingest / r.copy,
      ).toFixed(2)} (rounds: ${rounds
        .map(r => (r.ingest / r.copy).toFixed(2))
        .join(', ')}; goal ≥ 0.5)`,
    );
  } finally {
    await knex.destroy();
    psql('postgres', `DROP DATABASE IF EXISTS ${db}`);
  }
}

/** A week of hourly cost and usage facts for every entity through replaceWindow. */
async function hourlyIngest() {
  const db = `finops_bench_hourly_${process.pid}`;
  psql('postgres', `CREATE DATABASE ${db}`);
  const { knex, store } = await openStore(db);
  try {
    const start = Date.UTC(2026, 10, 2);
    const hours = 7 * 24;
    function* records(): Iterable<FinopsRecord> {
      for (let e = 0; e < ENTITIES; e++) {
        for (let h = 0; h < hours; h++) {
          const hour = new Date(start + h * HOUR).toISOString();
          const dims = {
            hour,
            kubernetesId: `svc-${e}`,
            namespace: 'ml',
            workload: `Deployment/svc-${e}`,
            labels: { app: `svc-${e}` },
          };
          yield {
            type: 'cost',
            ...dims,
            category: 'gpu',
            billedCost: (h % 97) + 1,
            effectiveCost: (h % 97) + 1,
            listCost: (h % 97) + 2,
            currency: 'USD',
          };
          yield { type: 'usage', ...dims, metric: 'gpu_hours', value: 8 };
        }
      }
    }
    const window = {
      start: new Date(start),
      end: new Date(start + hours * HOUR),
    };
    const started = Date.now();
    const run = await store.replaceWindow('bench', window, records());
    const seconds = (Date.now() - started) / 1000;
    const facts = run.costRows + run.usageRows;
    console.log(
      `replaceWindow (validate, checksum, COPY, daily roll-ups): ${facts.toLocaleString(
        'en-US',
      )} hourly facts in ${seconds.toFixed(1)} s, ${rate(
        facts,
        seconds,
      )} facts/s`,
    );
  } finally {
    await knex.destroy();
    psql('postgres', `DROP DATABASE IF EXISTS ${db}`);
  }
}

/**
 * A database with `days` of hourly cost and usage facts for every entity,
 * bulk-loaded with COPY before the daily roll-up migration, which then fills
 * the roll-ups from them.
 */
async function summaryDatabase(label: string, days: number) {
  const db = `finops_bench_summary_${days}_${process.pid}`;
  psql('postgres', `CREATE DATABASE ${db}`);
  const knex: Knex = knexFactory({
    client: 'pg',
    connection: `${server}/${db}`,
    pool: { min: 0, max: 2 },
  });
  // The schema as it was before the daily roll-ups.
  for (const name of readdirSync(migrationsDir)
    .filter(f => f.endsWith('.js'))
    .sort()) {
    if (name >= ROLLUP_MIGRATION) break;
    await knex.migrate.up({ directory: migrationsDir, name });
  }
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
  );
  const loadSeconds = (Date.now() - started) / 1000;
  rmSync(costFile);
  rmSync(usageFile);

  // The roll-up migration (and any later one) fills the daily roll-ups.
  started = Date.now();
  const store = await DatabaseFinopsStore.create({
    database: {
      getClient: async () => knex,
      migrations: { skip: false },
    } as any,
  });
  const rollupSeconds = (Date.now() - started) / 1000;
  // Settle the bulk load (hint bits, statistics, dirty buffers) so that it
  // does not weigh on the measurements.
  psql(db, 'VACUUM ANALYZE', 'CHECKPOINT');
  console.log(
    `summary data, ${label}: ${(ENTITIES * hours * 2).toLocaleString(
      'en-US',
    )} hourly facts loaded in ${loadSeconds.toFixed(
      1,
    )} s, daily roll-ups filled in ${rollupSeconds.toFixed(1)} s`,
  );
  // A component's summary resolves no catalog relations and no shared costs.
  const allocator = new CostAllocator({
    store,
    catalog: {} as CatalogService,
    settings: { rules: [], sharedCosts: [] },
    currency: 'USD',
  });
  return {
    label,
    allocator,
    close: async () => {
      await knex.destroy();
      psql('postgres', `DROP DATABASE IF EXISTS ${db}`);
    },
  };
}

/**
 * Median entity summary latency (the backend engine's CostAllocator.summary) on each database, sampled alternately (so
 * that the load of a shared machine weighs on both alike), after a warm-up.
 */
async function summaryLatencies(
  targets: Array<Awaited<ReturnType<typeof summaryDatabase>>>,
) {
  const samples = targets.map(() => [] as number[]);
  for (let i = 0; i < 220; i++) {
    const id = `svc-${(i * 37) % ENTITIES}`;
    for (const [t, target] of targets.entries()) {
      const started = performance.now();
      const entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: id,
          annotations: { 'backstage.io/kubernetes-id': id },
        },
      };
      const view = await target.allocator.resolve(
        entity,
        {} as BackstageCredentials,
      );
      const summary = await target.allocator.summary(view);
      const ms = performance.now() - started;
      if (summary.monthToDate.effectiveCost <= 0) {
        throw new Error(`no costs for ${id}`);
      }
      if (i >= 20) samples[t].push(ms); // the first ones warm the caches
    }
  }
  return targets.map((target, t) => {
    const sorted = samples[t].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    const p95 = sorted[Math.floor(sorted.length * 0.95)];
    console.log(
      `summary, ${target.label} (${
        sorted.length
      } summaries): median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`,
    );
    return median;
  });
}

async function main() {
  console.log(
    `data-plane benchmark: PostgreSQL ${
      psql('postgres', 'SHOW server_version').match(/\d+\.\d+/)?.[0]
    }, Node ${process.version}`,
  );
  await focusIngestVsCopy();
  await hourlyIngest();
  const targets = [
    await summaryDatabase('one week', 7),
    await summaryDatabase('one year', 365),
  ];
  let week: number;
  let year: number;
  try {
    [week, year] = await summaryLatencies(targets);
  } finally {
    for (const target of targets) await target.close();
  }
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
