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

import {
  finopsDataSourcesExtensionPoint,
  finopsRecommendersExtensionPoint,
  type FinopsAnyDataSource,
  type FinopsDataSource,
  type FinopsReadOptions,
  type FinopsRecord,
} from '@ai-finops/backstage-plugin-finops-node';
import {
  createBackendModule,
  type PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { JsonObject } from '@backstage/types';
import type { Knex } from 'knex';
import request from 'supertest';
import { HOUR, aCostRecord, aUsageRecord } from '@ai-finops/test-utils';
import { finopsPlugin } from '../plugin';

type Feature = Parameters<typeof startTestBackend>[0]['features'] extends
  | Array<infer F>
  | undefined
  ? F
  : never;

/** A catalog Component in the default namespace. */
export const component = (
  name: string,
  annotations: Record<string, string> = {},
  owner = 'team-a',
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', lifecycle: 'production', owner },
});

/** A backend module that adds one data source to the finops plugin. */
export function dataSourceModule(
  moduleId: string,
  source: FinopsAnyDataSource,
) {
  return createBackendModule({
    pluginId: 'finops',
    moduleId,
    register(reg) {
      reg.registerInit({
        deps: { dataSources: finopsDataSourcesExtensionPoint },
        async init({ dataSources }) {
          dataSources.addDataSource(source);
        },
      });
    },
  });
}

/**
 * A backend module with the recommender `fixed`: on the component `name`,
 * one recommendation `fixed:save-<amount>` saving each of `savings` a month;
 * `onRecommend` is called on each of its runs there.
 */
export function fixedRecommenderModule(
  name: string,
  savings: number[],
  onRecommend: () => void = () => {},
) {
  return createBackendModule({
    pluginId: 'finops',
    moduleId: 'fixed-recommender',
    register(reg) {
      reg.registerInit({
        deps: { recommenders: finopsRecommendersExtensionPoint },
        async init({ recommenders }) {
          recommenders.addRecommender({
            id: 'fixed',
            async recommend({ entity }) {
              if (entity.metadata.name !== name) return [];
              onRecommend();
              return savings.map(saving => ({
                id: `save-${saving}`,
                recommenderId: 'fixed',
                entityRef: `component:default/${name}`,
                title: `Save ${saving}`,
                description: 'A fixed saving.',
                monthlySavings: saving,
                confidence: 0.8,
              }));
            },
          });
        },
      });
    },
  });
}

/** 14 days of two H100s at $4/h each, 40 % busy, in us-east-1, namespace chat-prod. */
export const steadyGpuSource: FinopsDataSource = {
  id: 'gpu',
  backfill: { days: 14 },
  async *read({ window }: FinopsReadOptions): AsyncIterable<FinopsRecord> {
    for (let t = window.start.getTime(); t < window.end.getTime(); t += HOUR) {
      const hour = new Date(t).toISOString();
      const dims = {
        gpuModel: 'NVIDIA-H100-80GB-HBM3',
        region: 'us-east-1',
        namespace: 'chat-prod',
      };
      yield aCostRecord(hour, {
        billedCost: 8,
        effectiveCost: 8,
        listCost: 8,
        ...dims,
      });
      yield aUsageRecord(hour, 'gpu_hours', 2, dims);
      yield aUsageRecord(hour, 'gpu_utilization', 0.4, dims);
      yield aUsageRecord(hour, 'gpu_power_watts', 300, dims);
      yield aUsageRecord(hour, 'tokens_input', 1_000_000, dims);
      yield aUsageRecord(hour, 'tokens_output', 250_000, dims);
      yield aUsageRecord(hour, 'requests', 1000, dims);
    }
  },
};

/** How the mock permission service decides. */
export type Decide =
  | AuthorizeResult.ALLOW
  | AuthorizeResult.DENY
  | ((permission: string) => AuthorizeResult);

export interface StartFinopsBackendOptions {
  /** The test database; the backend's default one when absent. */
  knex?: Knex;
  /** Extra features: data source and recommender modules. */
  features?: Feature[];
  /** Root config; none when absent. */
  config?: JsonObject;
  /** The catalog's entities. */
  entities?: Entity[];
  /**
   * A fixed result answers every permission through the permission service
   * mock's factory; a function decides per permission name.
   */
  permissions?: Decide;
  /**
   * A data source to trigger once started, as `user`; the trigger must be
   * accepted when `finops.admin` is allowed and refused otherwise.
   */
  trigger?: { source: string; user: string };
}

/**
 * Starts a test backend with the finops plugin, the given catalog entities
 * and a mock permission service. Requests without an Authorization header
 * are unauthenticated, as in a real backend.
 */
export async function startFinopsBackend(
  options: StartFinopsBackendOptions = {},
) {
  const decision = options.permissions ?? AuthorizeResult.ALLOW;
  const decide = typeof decision === 'function' ? decision : () => decision;
  const permissions =
    typeof decision === 'function'
      ? mockServices.permissions.mock({
          authorize: async requests =>
            requests.map(r => ({
              result: decision(r.permission.name),
            })) as Awaited<ReturnType<PermissionsService['authorize']>>,
        }).factory
      : mockServices.permissions.factory({ result: decision });
  const backend = await startTestBackend({
    features: [
      finopsPlugin,
      ...(options.features ?? []),
      ...(options.config
        ? [mockServices.rootConfig.factory({ data: options.config })]
        : []),
      ...(options.knex
        ? [mockServices.database.factory({ knex: options.knex })]
        : []),
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      permissions,
      mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
      catalogServiceMock.factory({ entities: options.entities ?? [] }),
    ],
  });
  if (options.trigger) {
    const trigger = await request(backend.server)
      .post(`/api/finops/ingestion/${options.trigger.source}/trigger`)
      .set('Authorization', options.trigger.user);
    expect(trigger.status).toBe(
      decide('finops.admin') === AuthorizeResult.ALLOW ? 202 : 403,
    );
  }
  return backend;
}
