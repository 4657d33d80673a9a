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

import { mockCredentials } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import {
  finopsAdminPermission,
  finopsEntityReadPermission,
  finopsEstimatePermission,
  finopsOrganizationReadPermission,
  finopsRecommendationApplyPermission,
} from '@ai-finops/backstage-plugin-finops-common';
import type { PermissionPolicy } from '@backstage/plugin-permission-node';
import { FinopsPermissionPolicy, readFinopsPolicyOptions } from './policy';

const memberships: Record<string, string[]> = {
  'user:default/ada': [
    'user:default/ada',
    'group:default/platform-engineering',
  ],
  'user:default/bob': ['user:default/bob', 'group:default/search-ai'],
};

function policyWith(config: object = {}, fallback?: PermissionPolicy) {
  const userInfo = {
    async getUserInfo(credentials: any) {
      const ref = credentials.principal.userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: memberships[ref] ?? [ref],
      };
    },
  };
  return new FinopsPermissionPolicy(
    readFinopsPolicyOptions(new ConfigReader(config)),
    userInfo,
    fallback,
  );
}

const user = (ref: string) => ({
  credentials: mockCredentials.user(ref),
  info: { userEntityRef: ref, ownershipEntityRefs: [] },
});

describe('FinopsPermissionPolicy', () => {
  it('allows the rest of the portal', async () => {
    const catalogRead = createPermission({
      name: 'catalog.entity.read',
      attributes: { action: 'read' },
      resourceType: 'catalog-entity',
    });
    await expect(
      policyWith().handle(
        { permission: catalogRead },
        user('user:default/bob'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it("hands every other permission to the portal's own policy", async () => {
    const catalogDelete = createPermission({
      name: 'catalog.entity.delete',
      attributes: { action: 'delete' },
      resourceType: 'catalog-entity',
    });
    const seen: string[] = [];
    const portalPolicy: PermissionPolicy = {
      async handle(request) {
        seen.push(request.permission.name);
        return { result: AuthorizeResult.DENY };
      },
    };
    const policy = policyWith({}, portalPolicy);
    await expect(
      policy.handle({ permission: catalogDelete }, user('user:default/bob')),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    // FinOps permissions stay with the FinOps rules, not the fallback.
    await expect(
      policy.handle(
        { permission: finopsEstimatePermission },
        user('user:default/bob'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    expect(seen).toEqual(['catalog.entity.delete']);
  });

  it('gives admins every FinOps permission', async () => {
    for (const permission of [
      finopsAdminPermission,
      finopsOrganizationReadPermission,
      finopsEntityReadPermission,
    ]) {
      await expect(
        policyWith().handle({ permission }, user('user:default/ada')),
      ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    }
  });

  it('denies administration and the organisation roll-up to others', async () => {
    const policy = policyWith();
    for (const permission of [
      finopsAdminPermission,
      finopsOrganizationReadPermission,
    ]) {
      await expect(
        policy.handle({ permission }, user('user:default/bob')),
      ).resolves.toEqual({ result: AuthorizeResult.DENY });
    }
  });

  it('limits entity costs to the owners by default', async () => {
    const decision = await policyWith().handle(
      { permission: finopsEntityReadPermission },
      user('user:default/bob'),
    );
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: { claims: ['user:default/bob', 'group:default/search-ai'] },
      },
    });
  });

  it('shows entity costs to every signed-in user when configured', async () => {
    const policy = policyWith({
      permission: { finops: { entityCostVisibility: 'all' } },
    });
    await expect(
      policy.handle(
        { permission: finopsEntityReadPermission },
        user('user:default/bob'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('keeps acting on recommendations with the owners, whatever the visibility', async () => {
    const policy = policyWith({
      permission: { finops: { entityCostVisibility: 'all' } },
    });
    const decision = await policy.handle(
      { permission: finopsRecommendationApplyPermission },
      user('user:default/bob'),
    );
    expect(decision).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      conditions: { rule: 'IS_ENTITY_OWNER' },
    });
    await expect(
      policy.handle(
        { permission: finopsRecommendationApplyPermission },
        user('user:default/ada'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('lets every signed-in user preview a template estimate', async () => {
    await expect(
      policyWith().handle(
        { permission: finopsEstimatePermission },
        user('user:default/bob'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(
      policyWith().handle({ permission: finopsEstimatePermission }),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('denies FinOps permissions without a user', async () => {
    await expect(
      policyWith().handle({ permission: finopsEntityReadPermission }),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('takes admin groups from config and rejects an unknown visibility', () => {
    expect(
      readFinopsPolicyOptions(
        new ConfigReader({
          permission: { finops: { adminGroups: ['group:default/finops'] } },
        }),
      ).adminGroups,
    ).toEqual(['group:default/finops']);
    expect(() =>
      readFinopsPolicyOptions(
        new ConfigReader({
          permission: { finops: { entityCostVisibility: 'everyone' } },
        }),
      ),
    ).toThrow(/entityCostVisibility 'everyone'/);
  });
});
