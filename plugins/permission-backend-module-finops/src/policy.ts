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

import type { UserInfoService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  AuthorizeResult,
  isResourcePermission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  finopsEntityReadPermission,
  finopsEstimatePermission,
  finopsPermissions,
} from '@ai-finops/backstage-plugin-finops-common';

/**
 * Who may see which costs; read from `permission.finops` in app-config.
 *
 * @public
 */
export interface FinopsPolicyOptions {
  /** Members of these groups administer FinOps and see every cost. */
  adminGroups: string[];
  /** `owners`: an entity's costs are visible to its owners (and admins); `all`: to every signed-in user. */
  entityCostVisibility: 'owners' | 'all';
}

/**
 * Reads {@link FinopsPolicyOptions} from `permission.finops`.
 *
 * @public
 */
export function readFinopsPolicyOptions(config: Config): FinopsPolicyOptions {
  const finops = config.getOptionalConfig('permission.finops');
  const visibility =
    finops?.getOptionalString('entityCostVisibility') ?? 'owners';
  if (visibility !== 'owners' && visibility !== 'all') {
    throw new Error(
      `Invalid permission.finops.entityCostVisibility '${visibility}'; expected 'owners' or 'all'`,
    );
  }
  return {
    adminGroups: finops?.getOptionalStringArray('adminGroups') ?? [
      'group:default/platform-engineering',
    ],
    entityCostVisibility: visibility,
  };
}

/**
 * The catalog's `IS_ENTITY_OWNER` rule as a conditional decision, written as
 * the permission framework sends it (what `catalogConditions.isEntityOwner`
 * of the catalog backend builds), so this package needs no backend plugin.
 */
function isEntityOwner(claims: string[]): PolicyDecision {
  return {
    result: AuthorizeResult.CONDITIONAL,
    pluginId: 'catalog',
    resourceType: 'catalog-entity',
    conditions: {
      rule: 'IS_ENTITY_OWNER',
      resourceType: 'catalog-entity',
      params: { claims },
    },
  };
}

/**
 * A permission policy for AI FinOps.
 *
 * Cost data is not public: FinOps administration and the organisation
 * roll-up are for the admin groups, and an entity's costs are for its owners
 * (or every signed-in user, when configured). Every other permission goes to
 * `fallback`: the portal's own policy, or allow-all as in a stock Backstage
 * app when there is none.
 *
 * @public
 */
export class FinopsPermissionPolicy implements PermissionPolicy {
  constructor(
    private readonly options: FinopsPolicyOptions,
    private readonly userInfo: Pick<UserInfoService, 'getUserInfo'>,
    private readonly fallback?: PermissionPolicy,
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (!finopsPermissions.some(p => p.name === permission.name)) {
      return this.fallback
        ? this.fallback.handle(request, user)
        : { result: AuthorizeResult.ALLOW };
    }
    if (!user) {
      return { result: AuthorizeResult.DENY };
    }
    // The template preview reads no cost data: every signed-in user.
    if (permission.name === finopsEstimatePermission.name) {
      return { result: AuthorizeResult.ALLOW };
    }

    const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
      user.credentials,
    );
    if (
      ownershipEntityRefs.some(ref => this.options.adminGroups.includes(ref))
    ) {
      return { result: AuthorizeResult.ALLOW };
    }

    if (isResourcePermission(permission, 'catalog-entity')) {
      // Visibility widens reading; acting on a recommendation stays with
      // the owners.
      if (
        permission.name === finopsEntityReadPermission.name &&
        this.options.entityCostVisibility === 'all'
      ) {
        return { result: AuthorizeResult.ALLOW };
      }
      return isEntityOwner(ownershipEntityRefs);
    }
    return { result: AuthorizeResult.DENY };
  }
}
