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

import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// auth: guest sign-in for the embedded demo (see app-config.yaml)
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

// catalog, with the scaffolder's Template kind
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// scaffolder, with the FinOps actions and GitHub publishing (pull requests
// to GitOps repositories)
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@ai-finops/backstage-plugin-scaffolder-backend-module-finops'),
);

// permissions: cost data is only for its owners and the FinOps admins
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@ai-finops/backstage-plugin-permission-backend-module-finops'),
);

// search (in-memory Lunr engine) over the catalog
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));

// kubernetes: starts without clusters and logs a warning until some are configured
backend.add(import('@backstage/plugin-kubernetes-backend'));

// user settings, and signals (the app's storage API pushes setting changes
// and new notifications through them)
backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// notifications: the FinOps budget, anomaly and pull-request alerts reach the
// owners of an entity through them (email or chat: see docs/notifications.md)
backend.add(import('@backstage/plugin-notifications-backend'));

// MCP: the actions registry's actions (the FinOps ones: backend.actions in
// app-config.yaml) as tools for AI assistants, at /api/mcp-actions/v1
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// Tech Insights: scorecard facts and checks, with the FinOps ones
backend.add(import('@backstage-community/plugin-tech-insights-backend'));
backend.add(
  import('@backstage-community/plugin-tech-insights-backend-module-jsonfc'),
);
backend.add(
  import('@ai-finops/backstage-plugin-tech-insights-backend-module-finops'),
);

// AI FinOps: the cost store and API, and its data sources; each source module
// stays idle until configured (finops.demo.enabled, finops.opencost.baseUrl,
// finops.prometheus.baseUrl, finops.focus.exports, finops.carbon.*)
backend.add(import('@ai-finops/backstage-plugin-finops-backend'));
backend.add(import('@ai-finops/backstage-plugin-finops-backend-module-demo'));
backend.add(
  import('@ai-finops/backstage-plugin-finops-backend-module-opencost'),
);
backend.add(
  import('@ai-finops/backstage-plugin-finops-backend-module-prometheus'),
);
backend.add(import('@ai-finops/backstage-plugin-finops-backend-module-focus'));
backend.add(import('@ai-finops/backstage-plugin-finops-backend-module-carbon'));

backend.start();
