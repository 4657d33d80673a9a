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
  type FinopsDataSource,
} from '@ai-finops/backstage-plugin-finops-node';
import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import finopsPlugin from './index';

const emptySource = (id: string): FinopsDataSource => ({
  id,
  async *read() {},
});

const sourceModule = (moduleId: string, ...sources: FinopsDataSource[]) =>
  createBackendModule({
    pluginId: 'finops',
    moduleId,
    register(reg) {
      reg.registerInit({
        deps: { dataSources: finopsDataSourcesExtensionPoint },
        async init({ dataSources }) {
          dataSources.addDataSource(sources);
        },
      });
    },
  });

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'chat-llm',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'chat' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'group:default/ai' },
};

describe('finopsPlugin', () => {
  it('schedules one ingestion task per source, and retention, from config', async () => {
    const scheduler = mockServices.scheduler.mock();
    await startTestBackend({
      features: [
        finopsPlugin,
        sourceModule('a', emptySource('focus'), emptySource('opencost')),
        scheduler.factory,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: {
            finops: {
              ingestion: {
                schedule: {
                  frequency: { minutes: 15 },
                  timeout: { minutes: 5 },
                },
              },
            },
          },
        }),
      ],
    });

    const tasks = scheduler.scheduleTask.mock.calls.map(([task]) => task);
    expect(tasks).toEqual([
      expect.objectContaining({
        id: 'finops-ingest-focus',
        frequency: { minutes: 15 },
        timeout: { minutes: 5 },
        scope: 'global',
      }),
      expect.objectContaining({
        id: 'finops-ingest-opencost',
        scope: 'global',
      }),
      expect.objectContaining({ id: 'finops-retention', scope: 'global' }),
      expect.objectContaining({
        id: 'finops-precompute-results',
        frequency: { minutes: 5 },
        scope: 'global',
      }),
    ]);
  });

  it('uses an hourly schedule by default', async () => {
    const scheduler = mockServices.scheduler.mock();
    await startTestBackend({
      features: [
        finopsPlugin,
        sourceModule('a', emptySource('focus')),
        scheduler.factory,
        catalogServiceMock.factory(),
      ],
    });

    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'finops-ingest-focus',
        frequency: { hours: 1 },
        timeout: { minutes: 30 },
        initialDelay: expect.anything(),
        scope: 'global',
      }),
    );
  });

  it('fails to start when two data sources share an id', async () => {
    await expect(
      startTestBackend({
        features: [
          finopsPlugin,
          sourceModule('a', emptySource('focus')),
          sourceModule('b', emptySource('focus')),
          catalogServiceMock.factory(),
        ],
      }),
    ).rejects.toThrow(/data source with id 'focus' is already registered/);
  });

  it('collects recommenders and refuses duplicates', async () => {
    const recommenderModule = createBackendModule({
      pluginId: 'finops',
      moduleId: 'recommenders',
      register(reg) {
        reg.registerInit({
          deps: { recommenders: finopsRecommendersExtensionPoint },
          async init({ recommenders }) {
            const rightsizing = {
              id: 'rightsizing',
              recommend: async () => [],
            };
            recommenders.addRecommender(rightsizing, [rightsizing]);
          },
        });
      },
    });
    await expect(
      startTestBackend({
        features: [
          finopsPlugin,
          recommenderModule,
          catalogServiceMock.factory(),
        ],
      }),
    ).rejects.toThrow(
      /recommender with id 'rightsizing' is already registered/,
    );
  });

  it('reports summaries in the configured currency', async () => {
    const { server } = await startTestBackend({
      features: [
        finopsPlugin,
        catalogServiceMock.factory({ entities: [entity] }),
        mockServices.rootConfig.factory({
          data: { finops: { currency: 'EUR' } },
        }),
      ],
    });

    const res = await request(server)
      .get('/api/finops/entities/component/default/chat-llm/summary')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      entityRef: 'component:default/chat-llm',
      currency: 'EUR',
    });
  });

  it('registers its permissions', async () => {
    const { server } = await startTestBackend({
      features: [finopsPlugin, catalogServiceMock.factory()],
    });

    const res = await request(server)
      .get('/api/finops/.well-known/backstage/permissions/metadata')
      .set('Authorization', mockCredentials.service.header());
    expect(res.status).toBe(200);
    expect(res.body.permissions.map((p: { name: string }) => p.name)).toEqual([
      'finops.entity.read',
      'finops.organization.read',
      'finops.admin',
      'finops.recommendation.apply',
      'finops.estimate',
    ]);
  });
});
