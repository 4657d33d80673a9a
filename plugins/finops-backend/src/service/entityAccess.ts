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
  FINOPS_BILLING_TAGS_ANNOTATION,
  finopsEntityReadPermission,
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
} from '@ai-finops/backstage-plugin-finops-common';
import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  type AuthorizePermissionRequest,
} from '@backstage/plugin-permission-common';
import type { AllocationTarget } from '../engine/CostAllocator';
import type { EntityEngine } from '../engine/EntityEngine';

/**
 * The permission checks every way into the plugin shares (REST routes and
 * registered actions), on behalf of the caller's credentials.
 *
 * @internal
 */
export function createEntityAccess(options: {
  catalog: CatalogService;
  permissions: PermissionsService;
  engine: Pick<EntityEngine, 'resolve'>;
}) {
  const { catalog, permissions, engine } = options;

  async function authorize(
    request: AuthorizePermissionRequest,
    credentials: BackstageCredentials,
  ) {
    const [decision] = await permissions.authorize([request], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Permission '${request.permission.name}' was denied`,
      );
    }
  }

  /**
   * Loads the entity with the caller's credentials and checks
   * `finops.entity.read` on it.
   */
  async function readableEntity(
    params: { kind: string; namespace: string; name: string },
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const { kind, namespace, name } = params;
    const entity = await catalog.getEntityByRef(
      { kind, namespace, name },
      { credentials },
    );
    if (!entity) {
      throw new NotFoundError(`Entity ${kind}:${namespace}/${name} not found`);
    }
    await authorize(
      {
        permission: finopsEntityReadPermission,
        resourceRef: stringifyEntityRef(entity),
      },
      credentials,
    );
    return entity;
  }

  /**
   * {@link readableEntity}, and what its view covers (an entity without a
   * cost allocation is not found).
   */
  async function resolveEntity(
    params: { kind: string; namespace: string; name: string },
    credentials: BackstageCredentials,
  ): Promise<{ entity: Entity; target: AllocationTarget }> {
    const entity = await readableEntity(params, credentials);
    const entityRef = stringifyEntityRef(entity);
    const target = await engine.resolve(entity, credentials);
    if (target.matchers.length === 0 && target.shared.length === 0) {
      throw new NotFoundError(
        target.rollup
          ? `Entity ${entityRef} has no member with a cost allocation annotation; set ${KUBERNETES_ID_ANNOTATION}, ${KUBERNETES_LABEL_SELECTOR_ANNOTATION} or ${FINOPS_BILLING_TAGS_ANNOTATION} on its components, or add finops.allocation.rules`
          : `Entity ${entityRef} has no cost allocation annotation; set ${KUBERNETES_ID_ANNOTATION}, ${KUBERNETES_LABEL_SELECTOR_ANNOTATION} or ${FINOPS_BILLING_TAGS_ANNOTATION}, or add finops.allocation.rules`,
      );
    }
    return { entity, target };
  }

  return { authorize, readableEntity, resolveEntity };
}
