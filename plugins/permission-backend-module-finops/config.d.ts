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

export interface Config {
  permission?: {
    /** Who may see AI FinOps cost data (read by the permission policy of `@ai-finops/backstage-plugin-permission-backend-module-finops`). */
    finops?: {
      /**
       * Group (or user) refs whose members administer AI FinOps and see all
       * costs, the organisation roll-up and ingestion runs.
       * Default: `['group:default/platform-engineering']`.
       */
      adminGroups?: string[];
      /**
       * `owners` (default): an entity's costs are visible to its owners and
       * the admins. `all`: to every signed-in user.
       */
      entityCostVisibility?: 'owners' | 'all';
    };
  };
}
