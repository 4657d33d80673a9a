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

import type { EntityGpuEfficiency } from '@ai-finops/backstage-plugin-finops-common';
import {
  DatabaseFinopsStore,
  ingestFocusExport,
  type FinopsDataSource,
  type FinopsReadOptions,
  type FinopsRecord,
} from '@ai-finops/backstage-plugin-finops-node';
import {
  catalogGpuPrice,
  HOURS_PER_MONTH,
} from '@ai-finops/backstage-plugin-finops-guardrails';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { HOUR, aUsageRecord, focusGpuInstanceCsv } from '@ai-finops/test-utils';
import {
  component,
  dataSourceModule,
  startFinopsBackend,
} from '../__testUtils__/backend';
import { templateForm } from '../__testUtils__/templateForm';

// One price catalog: a FOCUS export whose effective price per GPU-hour
// differs from the embedded list price moves both the template's cost
// estimate and the dollars of an entity's idle GPU-hours.

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const GPU = 'NVIDIA-L4';
const REGION = 'us-east-1';
// g6.12xlarge holds 4 L4s; the bill says $8 an hour, so $2 per GPU-hour
// against a list price of about $0.80.
const INSTANCE = 'g6.12xlarge';
const LEARNED = 8 / 4;
const LIST = catalogGpuPrice()(GPU, { region: REGION })!.usdPerGpuHour;
const USER = mockCredentials.user.header('user:default/alice');

/** Three days of 2 L4s, 1 % busy (idle), with no GPU cost of their own. */
const IDLE_GPUS = 2;
const idleSource: FinopsDataSource = {
  id: 'idle',
  backfill: { days: 3 },
  async *read({ window }: FinopsReadOptions): AsyncIterable<FinopsRecord> {
    for (let t = window.start.getTime(); t < window.end.getTime(); t += HOUR) {
      const hour = new Date(t).toISOString();
      const dims = { kubernetesId: 'idle', workload: 'Deployment/idle-llm' };
      yield aUsageRecord(hour, 'gpu_hours', IDLE_GPUS, dims);
      yield aUsageRecord(hour, 'gpu_utilization', 0.01, dims);
    }
  },
};

const entities = [
  component('idle-llm', {
    'backstage.io/kubernetes-id': 'idle',
    'ai-finops.io/gpu-model': GPU,
    'ai-finops.io/region': REGION,
  }),
];

const form = templateForm({
  gpuType: GPU,
  region: REGION,
  gpuCount: 2,
  minReplicas: 3,
  maxReplicas: 3,
});

interface Workload {
  namespace?: string;
  minReplicas: number;
  gpusPerReplica: number;
  usdPerGpuHour?: number;
  priceSource?: string;
  monthlyCost: number;
}

describe.each(databases.eachSupportedId())(
  'prices learned from FOCUS (%s)',
  databaseId => {
    it('price the estimate and the idle GPU-hours once an export is stored', async () => {
      const knex = await databases.init(databaseId);
      const { server } = await startFinopsBackend({
        knex,
        features: [dataSourceModule('idle-source', idleSource)],
        entities,
        permissions: () => AuthorizeResult.ALLOW,
        trigger: { source: 'idle', user: USER },
      });

      const estimate = async () => {
        const res = await request(server)
          .post('/api/finops/estimate')
          .set('Authorization', USER)
          .send(form);
        expect(res.status).toBe(200);
        return res.body as { monthlyCost: number; workloads: Workload[] };
      };
      const today = new Date().toISOString().slice(0, 10);
      const from = new Date(Date.now() - 3 * 24 * HOUR)
        .toISOString()
        .slice(0, 10);
      const efficiency = async () => {
        const res = await request(server)
          .get(
            `/api/finops/entities/component/default/idle-llm/efficiency?from=${from}&to=${today}`,
          )
          .set('Authorization', USER);
        expect(res.status).toBe(200);
        return res.body as EntityGpuEfficiency;
      };

      // Before: the embedded list price.
      const before = await estimate();
      const gpus = before.workloads.reduce(
        (n, w) => n + w.minReplicas * w.gpusPerReplica,
        0,
      );
      // dev: 1 replica, prod: 3 (the KEDA minimum); 2 L4s each.
      expect(gpus).toBe((1 + 3) * 2);
      expect(before.monthlyCost).toBeCloseTo(gpus * LIST * HOURS_PER_MONTH, 6);
      const idleBefore = await efficiency();
      expect(idleBefore.gpuCost).toBe(0);
      expect(idleBefore.idleGpuHours).toBeGreaterThan(0);
      expect(idleBefore.costPerGpuHour).toBeCloseTo(LIST, 6);
      expect(idleBefore.idleCost).toBeCloseTo(
        idleBefore.idleGpuHours * LIST,
        6,
      );

      // A FOCUS export lands in the backend's database.
      const dir = createMockDirectory();
      dir.addContent({
        'focus.csv': focusGpuInstanceCsv({
          instanceType: INSTANCE,
          usdPerHour: 8,
          hours: 24,
        }),
      });
      const store = await DatabaseFinopsStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
      await ingestFocusExport(store, {
        source: 'focus',
        files: [dir.resolve('focus.csv')],
      });

      // After: the learned price, in the estimate…
      const after = await estimate();
      expect(after.monthlyCost).toBeCloseTo(
        LEARNED * gpus * HOURS_PER_MONTH,
        6,
      );
      expect(after.monthlyCost).not.toBeCloseTo(before.monthlyCost, 0);
      const prod = after.workloads.find(w => w.namespace === 'chat-prod')!;
      expect(prod).toMatchObject({
        minReplicas: 3,
        gpusPerReplica: 2,
        usdPerGpuHour: LEARNED,
      });
      expect(prod.priceSource).toContain('FOCUS');
      expect(prod.monthlyCost).toBeCloseTo(
        LEARNED * 2 * 3 * HOURS_PER_MONTH,
        6,
      );

      // …and in the idle GPU-hours of an entity without GPU cost.
      const idleAfter = await efficiency();
      expect(idleAfter.idleGpuHours).toBe(idleBefore.idleGpuHours);
      expect(idleAfter.costPerGpuHour).toBeCloseTo(LEARNED, 6);
      expect(idleAfter.idleCost).toBeCloseTo(
        idleAfter.idleGpuHours * LEARNED,
        6,
      );
      expect(idleAfter.notes.join(' ')).toContain('FOCUS');
    });
  },
);
