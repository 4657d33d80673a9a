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

import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import type { FocusRow } from '../../focus/FocusReader';
import { DatabaseFinopsStore } from '../DatabaseFinopsStore';

/**
 * A migrated store on one of the test databases, and its knex client for
 * reading the tables directly.
 */
export async function initTestStore(
  databases: TestDatabases,
  databaseId: Parameters<TestDatabases['init']>[0],
): Promise<{ knex: Knex; store: DatabaseFinopsStore }> {
  const knex = await databases.init(databaseId);
  const store = await DatabaseFinopsStore.create({
    database: mockServices.database({ knex }),
  });
  return { knex, store };
}

/**
 * A normalised FOCUS row, as FocusReader yields it: one hour of AWS EC2
 * from `chargePeriodStart`, costing 1 unless `values` say otherwise.
 */
export function focusCharge(
  chargePeriodStart: string,
  values: Record<string, string | number | null> = {},
  tags: Record<string, string> = {},
): FocusRow {
  const start = new Date(chargePeriodStart);
  return {
    values: {
      BillingPeriodStart: `${chargePeriodStart.slice(0, 7)}-01T00:00:00.000Z`,
      ChargePeriodStart: start.toISOString(),
      ChargePeriodEnd: new Date(start.getTime() + 3_600_000).toISOString(),
      ProviderName: 'AWS',
      ServiceCategory: 'Compute',
      ServiceName: 'Amazon EC2',
      ChargeCategory: 'Usage',
      BillingCurrency: 'USD',
      BilledCost: 1,
      EffectiveCost: 1,
      ListCost: 1,
      ContractedCost: 1,
      ...values,
    },
    tags,
  };
}
