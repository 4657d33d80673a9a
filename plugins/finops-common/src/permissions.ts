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

import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Read the costs, usage and recommendations of one catalog entity.
 *
 * A resource permission on `catalog-entity`, so a policy can return the
 * catalog's conditions (for example "the caller owns the entity").
 *
 * @public
 */
export const finopsEntityReadPermission = createPermission({
  name: 'finops.entity.read',
  attributes: { action: 'read' },
  resourceType: 'catalog-entity',
});

/**
 * Read organisation-wide roll-ups: spend by group and system, unallocated
 * costs, ingestion runs.
 *
 * @public
 */
export const finopsOrganizationReadPermission = createPermission({
  name: 'finops.organization.read',
  attributes: { action: 'read' },
});

/**
 * Administer the suite: trigger re-ingestion of a window, manage sources.
 *
 * @public
 */
export const finopsAdminPermission = createPermission({
  name: 'finops.admin',
  attributes: { action: 'update' },
});

/**
 * Apply a recommendation of one catalog entity: open a pull request with its
 * manifest changes in the entity's GitOps repository. Merging it stays the
 * human approval.
 *
 * @public
 */
export const finopsRecommendationApplyPermission = createPermission({
  name: 'finops.recommendation.apply',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/**
 * Preview the cost and guardrails of a service before it exists: the
 * scaffolder form's `POST /estimate`. A basic permission; it reads no
 * catalog entity and no cost data.
 *
 * @public
 */
export const finopsEstimatePermission = createPermission({
  name: 'finops.estimate',
  attributes: { action: 'read' },
});

/**
 * Every permission the FinOps plugins define.
 *
 * @public
 */
export const finopsPermissions = [
  finopsEntityReadPermission,
  finopsOrganizationReadPermission,
  finopsAdminPermission,
  finopsRecommendationApplyPermission,
  finopsEstimatePermission,
];
