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
  FINOPS_GITOPS_REPO_ANNOTATION,
  finopsAdminPermission,
  finopsRecommendationApplyPermission,
  type EntityRecommendation,
  type EntityRecommendations,
} from '@ai-finops/backstage-plugin-finops-common';
import {
  pullRequestContent,
  readGitopsLocation,
  type GitopsPullRequests,
} from '@ai-finops/backstage-plugin-finops-node';
import type {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { JsonObject } from '@backstage/types';
import type express from 'express';
import type {
  FinopsPullRequestStore,
  StoredRecommendationPullRequest,
} from '@ai-finops/backstage-plugin-finops-node';
import type { AllocationTarget } from '../engine/CostAllocator';
import { audited, FINOPS_AUDIT_EVENTS } from './audit';

/**
 * What the pull-request routes need.
 *
 * @internal
 */
export interface PullRequestRouteOptions {
  store: FinopsPullRequestStore;
  gitops: GitopsPullRequests;
  /**
   * The entity's recommendations as `GET …/recommendations` serves them
   * (the engine's, with decisions and installed recommenders), so the pull
   * request is opened from what the caller sees.
   */
  recommendations(
    entity: Entity,
    target: AllocationTarget,
  ): Promise<EntityRecommendations>;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  logger: LoggerService;
  currency: string;
  now: () => Date;
  resolveEntity(
    params: { kind: string; namespace: string; name: string },
    credentials: BackstageCredentials,
  ): Promise<{ entity: Entity; target: AllocationTarget }>;
  /** Records each pull request opened; without it nothing is audited. */
  auditor?: AuditorService;
}

function callerRef(credentials: BackstageCredentials): string | undefined {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
  };
  return principal?.type === 'user' ? principal.userEntityRef : undefined;
}

function serialize(pr: StoredRecommendationPullRequest, created?: boolean) {
  return {
    provider: pr.provider,
    repository: pr.repository,
    number: pr.number,
    url: pr.url,
    branch: pr.branch,
    baseBranch: pr.baseBranch,
    state: pr.state,
    openedAt: pr.openedAt,
    checkedAt: pr.checkedAt,
    ...(pr.openedBy ? { openedBy: pr.openedBy } : {}),
    ...(pr.closedAt ? { closedAt: pr.closedAt } : {}),
    ...(pr.monthlySavings !== undefined
      ? { monthlySavings: pr.monthlySavings }
      : {}),
    ...(created !== undefined ? { created } : {}),
  };
}

function readOverlay(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new InputError('The request body must be a JSON object');
  }
  const overlay = (body as { overlay?: unknown }).overlay;
  if (overlay === undefined) return undefined;
  if (
    typeof overlay !== 'string' ||
    overlay.length === 0 ||
    overlay.split('/').includes('..')
  ) {
    throw new InputError(
      "'overlay' must be a folder inside the service folder, e.g. overlays/prod",
    );
  }
  return overlay;
}

/**
 * Allows acting on an entity's recommendations (open a pull request,
 * dismiss, snooze, reopen) with `finops.recommendation.apply` on the entity
 * or `finops.admin`; otherwise throws `NotAllowedError`.
 *
 * @internal
 */
export async function authorizeRecommendationApply(
  permissions: PermissionsService,
  entityRef: string,
  credentials: BackstageCredentials,
): Promise<void> {
  const decisions = await permissions.authorize(
    [
      {
        permission: finopsRecommendationApplyPermission,
        resourceRef: entityRef,
      },
      { permission: finopsAdminPermission },
    ],
    { credentials },
  );
  if (!decisions.some(d => d.result === AuthorizeResult.ALLOW)) {
    throw new NotAllowedError(
      `Permission '${finopsRecommendationApplyPermission.name}' on ${entityRef} (or '${finopsAdminPermission.name}') was denied`,
    );
  }
}

/** What opening a recommendation's pull request answers. @internal */
export interface OpenedPullRequest {
  status: 200 | 201;
  body: JsonObject;
}

/**
 * Opens (or returns the open) pull request with a recommendation's manifest
 * changes in the entity's GitOps repository, after checking
 * `finops.recommendation.apply` on the entity (or `finops.admin`); the
 * REST route and the registered action share it.
 *
 * @internal
 */
export function createPullRequestOpener(
  options: Omit<PullRequestRouteOptions, 'httpAuth' | 'resolveEntity'>,
) {
  const { permissions, store, gitops } = options;

  /** Re-reads an open pull request's state from the host and stores it. */
  async function refresh(
    pr: StoredRecommendationPullRequest,
  ): Promise<StoredRecommendationPullRequest> {
    const [owner, repo] = pr.repository.split('/');
    const read = await gitops.getPullRequestState(
      { host: pr.host, owner, repo },
      pr.number,
    );
    const next: StoredRecommendationPullRequest = {
      ...pr,
      state: read.state,
      checkedAt: options.now().toISOString(),
      ...(read.state !== 'open' && read.at ? { closedAt: read.at } : {}),
    };
    await store.updateRecommendationPullRequestState(
      pr.entityRef,
      pr.recommendationId,
      next,
    );
    return next;
  }

  async function open(args: {
    entity: Entity;
    target: AllocationTarget;
    id: string;
    overlay?: string;
    credentials: BackstageCredentials;
    /** The HTTP request, for the audit event's actor. */
    request?: express.Request<any>;
  }): Promise<OpenedPullRequest> {
    const { entity, target, id, overlay, credentials } = args;
    const entityRef = target.entityRef;
    await authorizeRecommendationApply(permissions, entityRef, credentials);

    const location = readGitopsLocation(entity);
    if (!location) {
      throw new InputError(
        `Entity ${entityRef} has no ${FINOPS_GITOPS_REPO_ANNOTATION} annotation; set it to the repository and folder of its manifests (e.g. github.com/acme/deployments/apps/chat)`,
      );
    }

    // Idempotent: the tracked pull request, while it is open, is the answer.
    const tracked = await store.getRecommendationPullRequest(entityRef, id);
    if (tracked && tracked.state === 'open') {
      const current = await refresh(tracked);
      if (current.state === 'open') {
        return {
          status: 200,
          body: { entityRef, id, pullRequest: serialize(current, false) },
        };
      }
    }

    const recommendations = await options.recommendations(entity, target);
    const rec: EntityRecommendation | undefined = [
      ...recommendations.items,
      ...recommendations.hidden,
    ].find(r => r.id === id);
    if (!rec) {
      throw new NotFoundError(
        `Entity ${entityRef} has no recommendation '${id}' now; it may have been resolved since`,
      );
    }
    if (!rec.changes || rec.changes.length === 0) {
      throw new ConflictError(
        `Recommendation '${id}' of ${entityRef} carries no manifest change to put in a pull request`,
      );
    }

    const content = pullRequestContent(rec, {
      entityRef,
      currency: recommendations.currency ?? options.currency,
    });
    const { opened, stored } = await audited(
      options.auditor,
      {
        eventId: FINOPS_AUDIT_EVENTS.recommendationPullRequest,
        severityLevel: 'medium',
        request: args.request,
        meta: { entityRef, recommendationId: id },
      },
      async () => {
        const pr = await gitops.openPullRequest({
          location,
          recommendationId: id,
          changes: rec.changes!,
          overlay,
          ...content,
        });
        const now = options.now().toISOString();
        const record: StoredRecommendationPullRequest = {
          entityRef,
          recommendationId: id,
          provider: 'github',
          host: location.host,
          repository: pr.repository,
          number: pr.number,
          url: pr.url,
          branch: pr.branch,
          baseBranch: pr.baseBranch,
          state: pr.state,
          monthlySavings: rec.monthlySavings,
          ...(callerRef(credentials)
            ? { openedBy: callerRef(credentials) }
            : {}),
          openedAt:
            !pr.created && tracked?.number === pr.number
              ? tracked.openedAt
              : now,
          checkedAt: now,
        };
        await store.saveRecommendationPullRequest(record);
        return { opened: pr, stored: record };
      },
      ({ opened: pr }) => ({
        url: pr.url,
        number: pr.number,
        created: pr.created,
      }),
    );
    options.logger.info(
      `${opened.created ? 'Opened' : 'Found open'} pull request ${
        opened.url
      } for recommendation '${id}' of ${entityRef}`,
    );
    return {
      status: opened.created ? 201 : 200,
      body: {
        entityRef,
        id,
        pullRequest: serialize(stored, opened.created),
        ...(opened.edits.length
          ? {
              edits: opened.edits.map(e => ({
                file: e.file,
                kind: e.kind,
                name: e.name,
                field: e.field,
                via: e.via,
                ...(e.from !== undefined ? { from: String(e.from) } : {}),
                ...(e.to !== undefined ? { to: String(e.to) } : {}),
              })),
            }
          : {}),
      },
    };
  }

  return { open };
}

/**
 * `POST /entities/:kind/:namespace/:name/recommendations/:id/pull-request`
 * opens (or returns the open) pull request with the recommendation's
 * manifest changes in the entity's GitOps repository;
 * `GET` of the same path returns the tracked pull request. Opening needs
 * `finops.entity.read` and either `finops.recommendation.apply` on the
 * entity or `finops.admin`; reading needs `finops.entity.read`.
 *
 * @internal
 */
export function registerPullRequestRoutes(
  router: express.Router,
  options: PullRequestRouteOptions,
) {
  const { httpAuth, store, resolveEntity } = options;
  const path =
    '/entities/:kind/:namespace/:name/recommendations/:id/pull-request';
  type Params = { kind: string; namespace: string; name: string; id: string };

  const opener = createPullRequestOpener(options);

  router.get(path, async (req: express.Request<Params>, res) => {
    const credentials = await httpAuth.credentials(req);
    const { target } = await resolveEntity(req.params, credentials);
    const pr = await store.getRecommendationPullRequest(
      target.entityRef,
      req.params.id,
    );
    if (!pr) {
      throw new NotFoundError(
        `No pull request was opened for recommendation '${req.params.id}' of ${target.entityRef}`,
      );
    }
    res.json({
      entityRef: target.entityRef,
      id: req.params.id,
      pullRequest: serialize(pr),
    });
  });

  router.post(path, async (req: express.Request<Params>, res) => {
    const credentials = await httpAuth.credentials(req);
    const overlay = readOverlay(req.body);
    const { entity, target } = await resolveEntity(req.params, credentials);
    const { status, body } = await opener.open({
      entity,
      target,
      id: req.params.id,
      overlay,
      credentials,
      request: req,
    });
    res.status(status).json(body);
  });
}

/**
 * Reads the state of every tracked open pull request from its host (oldest
 * checked first, at most `limit`) and stores it: merged or closed pull
 * requests stop being open. One failure is logged and does not stop the
 * others.
 *
 * @internal
 */
export async function refreshPullRequestStates(options: {
  store: FinopsPullRequestStore;
  gitops: GitopsPullRequests;
  logger: LoggerService;
  now?: () => Date;
  limit?: number;
  /** Told of each pull request found merged or closed (notifications). */
  onClosed?: (
    pr: StoredRecommendationPullRequest,
    state: 'merged' | 'closed',
  ) => Promise<unknown>;
}): Promise<{ checked: number; changed: number; failed: number }> {
  const now = options.now ?? (() => new Date());
  const open = await options.store.listOpenRecommendationPullRequests(
    options.limit ?? 200,
  );
  let changed = 0;
  let failed = 0;
  for (const pr of open) {
    const [owner, repo] = pr.repository.split('/');
    try {
      const read = await options.gitops.getPullRequestState(
        { host: pr.host, owner, repo },
        pr.number,
      );
      await options.store.updateRecommendationPullRequestState(
        pr.entityRef,
        pr.recommendationId,
        {
          state: read.state,
          checkedAt: now().toISOString(),
          ...(read.state !== 'open' && read.at ? { closedAt: read.at } : {}),
        },
      );
      if (read.state !== 'open') {
        changed++;
        await options.onClosed?.(pr, read.state);
      }
    } catch (error) {
      failed++;
      options.logger.warn(
        `Could not read the state of ${pr.url} (recommendation '${pr.recommendationId}' of ${pr.entityRef}): ${error}`,
      );
    }
  }
  return { checked: open.length, changed, failed };
}

/**
 * Schedules {@link refreshPullRequestStates} (`finops-gitops-pull-requests`).
 *
 * @internal
 */
export async function schedulePullRequestRefresh(options: {
  scheduler: SchedulerService;
  store: FinopsPullRequestStore;
  gitops: GitopsPullRequests;
  logger: LoggerService;
  frequencyMinutes?: number;
  onClosed?: Parameters<typeof refreshPullRequestStates>[0]['onClosed'];
}) {
  await options.scheduler.scheduleTask({
    id: 'finops-gitops-pull-requests',
    frequency: { minutes: options.frequencyMinutes ?? 15 },
    timeout: { minutes: 5 },
    initialDelay: { minutes: 1 },
    scope: 'global',
    fn: async () => {
      const result = await refreshPullRequestStates(options);
      if (result.checked > 0) {
        options.logger.info(
          `Recommendation pull requests: ${result.checked} checked, ${result.changed} merged or closed, ${result.failed} failed`,
        );
      }
    },
  });
}
