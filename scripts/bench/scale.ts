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
 * Organisation-scale benchmark: prints figures, asserts nothing.
 *
 *   bash scripts/bench/scale.sh [--entities 2000] [--days 90] [--samples 40]
 *                               [--keep | --seed-only] [--database NAME]
 *
 * 1. Seeds a new PostgreSQL database through the store's own ingestion path
 *    (`replaceWindow`: validation, binary COPY, daily roll-ups) with `--days`
 *    of hourly facts for `--entities` GPU inference services: cost, GPU
 *    hours, utilisation, power, tokens and requests, each service with its
 *    own size, price, region, daily cycle and trend, a few with a cost step.
 * 2. Starts the finops backend plugin on that database (the real plugin with
 *    the test backend's service doubles: catalog of the services, their 40
 *    owner groups and 100 systems; permissions allow) and runs the scheduled
 *    engine pass (`finops-precompute-results`) once: forecasts, anomalies,
 *    efficiency, carbon and recommendations of every entity, stored. Its
 *    time is printed beside the ingestion interval (1 hour by default).
 * 3. Times the routes over HTTP as the portal calls them, with a user token:
 *    the organisation page's (`/allocation`, `/savings`) and an entity's
 *    (summary, costs, forecast, anomalies, efficiency, carbon,
 *    recommendations) for `--samples` entities; median and p95 per route.
 * 4. One more hour of data is ingested (a new data version): the next pass
 *    and the routes while results are stale are timed too.
 *
 * Needs PostgreSQL (BENCH_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432)
 * and psql; creates its own database and drops it unless `--keep` or
 * `--seed-only` (which stops after step 1). `--database NAME` reuses a kept
 * database of the same size: no seeding, its stored results are deleted.
 */

import { loadavg } from 'node:os';
import knexFactory, { type Knex } from 'knex';
import request from 'supertest';
import {
  coreServices,
  createBackendModule,
  type SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  DatabaseFinopsStore,
  type FinopsRecord,
} from '@ai-finops/backstage-plugin-finops-node';
import finopsPlugin from '@ai-finops/backstage-plugin-finops-backend';
import { psql, server } from './postgres';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const ENTITIES = Math.min(20_000, Math.max(1, arg('entities', 2000)));
const DAYS = Math.min(400, Math.max(2, arg('days', 90)));
const SAMPLES = Math.min(ENTITIES, Math.max(5, arg('samples', 40)));
const SEED_ONLY = process.argv.includes('--seed-only');
const KEEP = SEED_ONLY || process.argv.includes('--keep');
const REUSE = (() => {
  const i = process.argv.indexOf('--database');
  if (i < 0) return undefined;
  const db = process.argv[i + 1] ?? '';
  if (!/^finops_bench_scale_\d+$/.test(db)) {
    throw new Error(
      `--database must name a kept finops_bench_scale_<pid> database, not '${db}'`,
    );
  }
  return db;
})();
const HOUR = 3_600_000;
const GROUPS = 40;
const SYSTEMS = 100;
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-north-1'];
const GPUS = [
  { model: 'NVIDIA-H100-80GB-HBM3', price: 4, watts: 700 },
  { model: 'NVIDIA-A100-SXM4-80GB', price: 2.5, watts: 400 },
  { model: 'NVIDIA-L4', price: 0.8, watts: 72 },
];
const USER = mockCredentials.user.header('user:default/bench');

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const name = (e: number) => `svc-${String(e).padStart(5, '0')}`;

/** A deterministic pseudo-random number in [0, 1) for `seed`. */
function noise(seed: number): number {
  const x = Math.sin(seed * 12.9898) * 43758.5453;
  return x - Math.floor(x);
}

/**
 * The hourly records of entity `e` over [start, end): a GPU service with
 * its own size, price, region, daily cycle and trend; one in ten triples
 * its GPUs for the last five days (a cost step to find).
 */
function* entityRecords(
  e: number,
  start: number,
  end: number,
): Iterable<FinopsRecord> {
  const gpu = GPUS[e % GPUS.length];
  const size = 1 + (e % 8);
  const busy = 0.15 + 0.6 * noise(e);
  const dims = {
    kubernetesId: name(e),
    namespace: `team-${e % GROUPS}`,
    workload: `Deployment/${name(e)}`,
    region: REGIONS[e % REGIONS.length],
    gpuModel: gpu.model,
  };
  const stepFrom = e % 10 === 0 ? end - 5 * 24 * HOUR : Infinity;
  for (let t = start; t < end; t += HOUR) {
    const hour = new Date(t).toISOString();
    const gpus = t >= stepFrom ? size * 3 : size;
    const daily = 1 + 0.5 * Math.sin((2 * Math.PI * (t / HOUR)) / 24);
    const util = Math.min(1, busy * daily * (0.9 + 0.2 * noise(e + t)));
    const cost = Math.round(gpus * gpu.price * 1e4) / 1e4;
    const tokens = Math.round(util * gpus * 2_000_000);
    yield {
      type: 'cost',
      hour,
      category: 'gpu',
      billedCost: cost,
      effectiveCost: cost,
      listCost: cost,
      currency: 'USD',
      ...dims,
    };
    yield { type: 'usage', hour, metric: 'gpu_hours', value: gpus, ...dims };
    yield {
      type: 'usage',
      hour,
      metric: 'gpu_utilization',
      value: Math.round(util * 1e4) / 1e4,
      ...dims,
    };
    yield {
      type: 'usage',
      hour,
      metric: 'gpu_power_watts',
      value: Math.round(gpu.watts * (0.3 + 0.7 * util)),
      ...dims,
    };
    yield {
      type: 'usage',
      hour,
      metric: 'tokens_input',
      value: tokens * 4,
      ...dims,
    };
    yield {
      type: 'usage',
      hour,
      metric: 'tokens_output',
      value: tokens,
      ...dims,
    };
    yield {
      type: 'usage',
      hour,
      metric: 'requests',
      value: Math.round(tokens / 500),
      ...dims,
    };
  }
}

function* allRecords(start: number, end: number): Iterable<FinopsRecord> {
  for (let e = 0; e < ENTITIES; e++) yield* entityRecords(e, start, end);
}

function catalogEntities(): Entity[] {
  const entities: Entity[] = [];
  for (let g = 0; g < GROUPS; g++) {
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: `team-${g}`, namespace: 'default' },
      spec: { type: 'team', children: [] },
    });
  }
  for (let s = 0; s < SYSTEMS; s++) {
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: `system-${s}`, namespace: 'default' },
      spec: { owner: `group:default/team-${s % GROUPS}` },
    });
  }
  for (let e = 0; e < ENTITIES; e++) {
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: name(e),
        namespace: 'default',
        annotations: {
          'backstage.io/kubernetes-id': name(e),
          'ai-finops.io/monthly-budget': String(
            (1 + (e % 8)) * GPUS[e % GPUS.length].price * 24 * 31,
          ),
        },
      },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: `group:default/team-${e % GROUPS}`,
        system: `system:default/system-${e % SYSTEMS}`,
      },
      relations: [
        { type: 'ownedBy', targetRef: `group:default/team-${e % GROUPS}` },
        { type: 'partOf', targetRef: `system:default/system-${e % SYSTEMS}` },
      ],
    });
  }
  return entities;
}

/** Median and 95th percentile of `samples`, in ms. */
function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
  return { median: at(0.5), p95: at(0.95), n: sorted.length };
}

async function main() {
  const db = REUSE ?? `finops_bench_scale_${process.pid}`;
  console.log(
    `organisation scale: ${ENTITIES.toLocaleString(
      'en-US',
    )} entities × ${DAYS} days of hourly facts, PostgreSQL ${
      psql('postgres', 'SHOW server_version').match(/\d+\.\d+/)?.[0]
    }, load average ${loadavg()[0].toFixed(1)}`,
  );
  if (!REUSE) psql('postgres', `CREATE DATABASE ${db}`);
  const knex: Knex = knexFactory({
    client: 'pg',
    connection: `${server}/${db}`,
    pool: { min: 0, max: 10 },
  });
  let stopBackend: (() => Promise<void>) | undefined;
  try {
    // 1. Seed through the store's ingestion path.
    const store = await DatabaseFinopsStore.create({
      database: {
        getClient: async () => knex,
        migrations: { skip: false },
      } as any,
    });
    let started = Date.now();
    let end: number;
    if (REUSE) {
      const [last] = await store.listIngestionRuns({ sourceId: 'bench' });
      if (!last?.windowEnd) throw new Error(`${db} holds no bench ingestion`);
      end = new Date(last.windowEnd).getTime();
      await knex('finops_entity_results').delete();
      console.log(`reusing ${db}: facts up to ${new Date(end).toISOString()}`);
    } else {
      end = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
      const start = end - DAYS * 24 * HOUR;
      const run = await store.replaceWindow(
        'bench',
        { start: new Date(start), end: new Date(end) },
        allRecords(start, end),
      );
      const facts = run.costRows + run.usageRows;
      console.log(
        `seeded ${facts.toLocaleString(
          'en-US',
        )} hourly facts (${run.costRows.toLocaleString(
          'en-US',
        )} cost, ${run.usageRows.toLocaleString(
          'en-US',
        )} usage) through replaceWindow in ${seconds(Date.now() - started)}`,
      );
      psql(db, 'VACUUM ANALYZE');
      if (SEED_ONLY) return;
    }

    // 2. The real plugin on that database.
    let scheduler: SchedulerService | undefined;
    const captureScheduler = createBackendModule({
      pluginId: 'finops',
      moduleId: 'bench-scheduler',
      register(reg) {
        reg.registerInit({
          deps: { s: coreServices.scheduler },
          async init({ s }) {
            scheduler = s;
          },
        });
      },
    });
    const backend = await startTestBackend({
      features: [
        finopsPlugin,
        captureScheduler,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: { finops: { precompute: { concurrency: 2 } } },
        }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        catalogServiceMock.factory({ entities: catalogEntities() }),
      ],
    });
    stopBackend = () => backend.stop();
    const http = backend.server;
    const get = async (path: string) => {
      const t = performance.now();
      const res = await request(http)
        .get(`/api/finops${path}`)
        .set('Authorization', USER);
      const ms = performance.now() - t;
      if (res.status !== 200) {
        throw new Error(`GET ${path}: ${res.status} ${res.text.slice(0, 300)}`);
      }
      return { ms, body: res.body };
    };

    const pass = async (label: string) => {
      const t = Date.now();
      await scheduler!.triggerTask('finops-precompute-results');
      const ms = Date.now() - t;
      const stored = await knex('finops_entity_results')
        .count({ n: '*' })
        .first();
      console.log(
        `${label}: ${seconds(ms)} for ${ENTITIES.toLocaleString(
          'en-US',
        )} entities (${(ms / ENTITIES).toFixed(0)} ms an entity; ${
          stored?.n
        } results stored; ${((ms / 3_600_000) * 100).toFixed(
          1,
        )} % of the default 1-hour ingestion interval)`,
      );
      return ms;
    };

    const sampleRefs = Array.from({ length: SAMPLES }, (_, i) =>
      name(Math.floor((i * ENTITIES) / SAMPLES)),
    );
    const ENTITY_ROUTES = [
      'summary',
      'costs',
      'forecast',
      'anomalies',
      'efficiency',
      'carbon',
      'recommendations',
    ];
    const timeRoutes = async (label: string, orgSamples: number) => {
      console.log(`\n${label}`);
      console.log('route                          median      p95    n');
      const row = (route: string, ms: number[]) => {
        const p = percentiles(ms);
        console.log(
          `${route.padEnd(28)} ${p.median.toFixed(0).padStart(6)} ms ${p.p95
            .toFixed(0)
            .padStart(6)} ms ${String(p.n).padStart(4)}`,
        );
      };
      for (const route of ['/allocation', '/savings']) {
        const ms: number[] = [];
        for (let i = 0; i < orgSamples; i++) ms.push((await get(route)).ms);
        row(route, ms);
      }
      for (const route of ENTITY_ROUTES) {
        const ms: number[] = [];
        for (const ref of sampleRefs) {
          ms.push(
            (await get(`/entities/component/default/${ref}/${route}`)).ms,
          );
        }
        row(`entity …/${route}`, ms);
      }
    };

    // Cold: one organisation request before any pass, for the record.
    await pass('engine pass, all results missing');
    const savings = (await get('/savings')).body;
    console.log(
      `savings found: ${savings.found.count} recommendations on ${
        savings.found.entities
      } entities, ${Math.round(savings.found.monthlySavings).toLocaleString(
        'en-US',
      )} ${savings.currency} a month`,
    );
    await timeRoutes('routes with stored results (warm)', 10);

    // What one entity costs to compute: the routes asked for an explicit
    // range (never stored), for a few entities (the forecast takes none).
    console.log('\ncomputed on request (explicit range, not stored)');
    const from = new Date(end - 29 * 24 * HOUR).toISOString().slice(0, 10);
    const to = new Date(end).toISOString().slice(0, 10);
    const from90 = new Date(end - 89 * 24 * HOUR).toISOString().slice(0, 10);
    for (const [route, query] of [
      ['anomalies', `from=${from90}&to=${to}`],
      ['efficiency', `from=${from}&to=${to}`],
      ['carbon', `from=${from}&to=${to}`],
    ]) {
      const ms: number[] = [];
      for (const ref of sampleRefs.slice(0, 5)) {
        ms.push(
          (await get(`/entities/component/default/${ref}/${route}?${query}`))
            .ms,
        );
      }
      const p = percentiles(ms);
      console.log(
        `entity …/${route.padEnd(18)} ${p.median
          .toFixed(0)
          .padStart(6)} ms ${p.p95.toFixed(0).padStart(6)} ms ${String(
          p.n,
        ).padStart(4)}`,
      );
    }

    // 4. One more hour: a new data version makes every result stale.
    started = Date.now();
    await store.replaceWindow(
      'bench',
      { start: new Date(end), end: new Date(end + HOUR) },
      allRecords(end, end + HOUR),
    );
    console.log(`\none more hour ingested in ${seconds(Date.now() - started)}`);
    // The routes read the data version at most once a second.
    await new Promise(resolve => setTimeout(resolve, 1100));
    await timeRoutes('routes right after it, results stale', 3);
    await pass('engine pass after the new hour');
  } finally {
    await stopBackend?.();
    await knex.destroy();
    if (!KEEP) psql('postgres', `DROP DATABASE IF EXISTS ${db}`);
    else console.log(`kept database ${db}`);
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
