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
 * Runs the plugin on its own, with mock auth, a mock catalog holding one
 * annotated component, and a small data source: `yarn start` in this folder.
 *
 *   curl http://localhost:7007/api/finops/health
 *   curl -X POST -H 'Authorization: Bearer mock-user-token' \
 *     http://localhost:7007/api/finops/ingestion/dev/trigger
 *   curl -H 'Authorization: Bearer mock-user-token' \
 *     http://localhost:7007/api/finops/entities/component/default/chat-llm/summary
 *   curl -H 'Authorization: Bearer mock-user-token' \
 *     http://localhost:7007/api/finops/ingestion/runs
 */

import { finopsDataSourcesExtensionPoint } from '@ai-finops/backstage-plugin-finops-node';
import { createBackend } from '@backstage/backend-defaults';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';

const HOUR = 60 * 60 * 1000;

const devDataSource = createBackendModule({
  pluginId: 'finops',
  moduleId: 'dev-data-source',
  register(reg) {
    reg.registerInit({
      deps: { dataSources: finopsDataSourcesExtensionPoint },
      async init({ dataSources }) {
        dataSources.addDataSource({
          id: 'dev',
          backfill: { days: 45 },
          async *read({ window }) {
            for (
              let t = window.start.getTime();
              t < window.end.getTime();
              t += HOUR
            ) {
              const hour = new Date(t).toISOString();
              const busy =
                0.5 + 0.4 * Math.sin((t / (24 * HOUR)) * 2 * Math.PI);
              const dimensions = {
                hour,
                kubernetesId: 'chat',
                namespace: 'inference',
                workload: 'Deployment/chat-llm',
                gpuModel: 'NVIDIA-H100-80GB-HBM3',
              };
              yield {
                type: 'cost',
                ...dimensions,
                category: 'gpu',
                billedCost: 8.2,
                effectiveCost: 5.9,
                listCost: 8.2,
                currency: 'USD',
              };
              yield {
                type: 'cost',
                ...dimensions,
                category: 'cpu',
                billedCost: 0.4,
                effectiveCost: 0.3,
                listCost: 0.4,
                currency: 'USD',
              };
              yield {
                type: 'usage',
                ...dimensions,
                metric: 'gpu_hours',
                value: 2,
              };
              yield {
                type: 'usage',
                ...dimensions,
                metric: 'gpu_utilization',
                value: busy,
              };
              yield {
                type: 'usage',
                ...dimensions,
                metric: 'tokens_output',
                value: Math.round(busy * 4_000_000),
              };
            }
          },
        });
      },
    });
  },
});

const backend = createBackend();

backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(
  mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
);
backend.add(
  catalogServiceMock.factory({
    entities: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'chat-llm',
          annotations: {
            'backstage.io/kubernetes-id': 'chat',
            'ai-finops.io/monthly-budget': '5000',
          },
        },
        spec: { type: 'service', lifecycle: 'production', owner: 'guests' },
      },
    ],
  }),
);
backend.add(devDataSource);
backend.add(import('../src'));

backend.start();
