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
  checkGuardrails,
  estimateCosts,
  formatViolation,
  loadManifests,
  type PolicySet,
  type PriceOverrides,
} from '@ai-finops/backstage-plugin-finops-guardrails';
import { finopsEstimatePermission } from '@ai-finops/backstage-plugin-finops-common';
import type { PriceCatalog } from '@ai-finops/backstage-plugin-finops-node';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { parseEntityRef, type Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import type { AllocationTarget } from '../engine/CostAllocator';
import type { EntityEngine } from '../engine/EntityEngine';
import { defaultRange, type StoredResults } from '../engine/storedResults';
import type { createEntityAccess } from '../service/entityAccess';
import type { createPullRequestOpener } from '../service/pullRequestRoutes';

/** The largest manifest text the manifest actions read. */
export const MAX_MANIFEST_CHARS = 1024 * 1024;

/** What the actions need: the same engine, checks and stored results as the routes. */
export interface FinopsActionsOptions {
  engine: EntityEngine;
  access: ReturnType<typeof createEntityAccess>;
  storedResults?: StoredResults;
  /** The guardrail policies and prices file, read once. */
  guardrails: () => Promise<{ policies?: PolicySet; prices?: PriceOverrides }>;
  prices?: () => Promise<PriceCatalog>;
  /** Opens recommendation pull requests; without it (no GitOps) the write action is not registered. */
  pullRequests?: ReturnType<typeof createPullRequestOpener>;
}

/** The zod the actions registry hands to schemas. */
type Zod = Parameters<
  Parameters<ActionsRegistryService['register']>[0]['schema']['input']
>[0];

/** An action's `entityRef` input. */
const entityRefInput = (z: Zod) =>
  z
    .string()
    .min(1)
    .max(512)
    .describe(
      'The catalog entity, e.g. component:default/chat-llm (kind and namespace default to component and default)',
    );

/** A JSON round trip: engine results as the REST routes serve them. */
const asJson = (value: unknown): JsonObject =>
  JSON.parse(JSON.stringify(value)) as JsonObject;

/**
 * Registers the plugin's actions in the actions registry (which the MCP
 * actions backend offers to AI assistants): read actions for an entity's
 * costs, forecast, anomalies, efficiency, carbon and recommendations, and
 * cost estimates and guardrail checks of manifests. Each checks the same
 * permissions as the REST route it mirrors, with the caller's credentials,
 * and serves the same (stored) results.
 *
 * @internal
 */
export function registerFinopsActions(
  registry: ActionsRegistryService,
  options: FinopsActionsOptions,
) {
  const { engine, access, storedResults } = options;

  async function resolve(entityRef: string, credentials: BackstageCredentials) {
    let ref;
    try {
      ref = parseEntityRef(entityRef, {
        defaultKind: 'component',
        defaultNamespace: 'default',
      });
    } catch (error) {
      throw new InputError(
        `Invalid entityRef '${entityRef.slice(0, 200)}': ${
          (error as Error).message
        }`,
      );
    }
    return access.resolveEntity(ref, credentials);
  }

  /** A stored result of the default range, as the entity route serves it. */
  const stored = <T>(
    kind: string,
    target: AllocationTarget,
    compute: () => Promise<T>,
  ) =>
    storedResults
      ? storedResults.get(kind, target.entityRef, compute)
      : compute();

  const entityReads: Array<{
    name: string;
    title: string;
    description: string;
    read(entity: Entity, target: AllocationTarget): Promise<unknown>;
  }> = [
    {
      name: 'get-cost-summary',
      title: 'Get cost summary',
      description:
        "An entity's cost this month to date: total, by category, the previous month to date, top cost drivers, GPU-hours, utilisation, tokens and $ per 1M tokens, and its monthly budget when it has one.",
      read: (entity, target) => engine.summary(entity, target),
    },
    {
      name: 'get-cost-forecast',
      title: 'Get cost forecast',
      description:
        "An entity's daily cost forecast to the end of the month with an 80 % interval, the projected month total and its budget status.",
      read: (entity, target) =>
        stored('forecast', target, () => engine.forecast(entity, target)),
    },
    {
      name: 'get-cost-anomalies',
      title: 'Get cost anomalies',
      description:
        "An entity's daily cost anomalies of the last 90 days, each with its severity, dollar impact and explanation (what drove it: GPU model, region, workload, price or usage).",
      read: (_entity, target) =>
        stored('anomalies-daily', target, () =>
          engine.anomalies(target, defaultRange(90), 'daily'),
        ),
    },
    {
      name: 'get-gpu-efficiency',
      title: 'Get GPU efficiency',
      description:
        "An entity's GPU efficiency over the last 30 days: score (0-100), activity, idle and unused GPU-hours and their cost, tokens per second per GPU and $ per 1M tokens.",
      read: async (entity, target) =>
        stored(
          'efficiency',
          target,
          async () =>
            (await engine.efficiency(entity, target, defaultRange(30))).result,
        ),
    },
    {
      name: 'get-carbon-footprint',
      title: 'Get carbon footprint',
      description:
        "An entity's carbon footprint over the last 30 days: operational and embodied kgCO2e, energy, grid intensity of its region and a greener region when one exists.",
      read: async (entity, target) =>
        stored(
          'carbon',
          target,
          async () =>
            (await engine.carbon(entity, target, defaultRange(30))).result,
        ),
    },
    {
      name: 'get-recommendations',
      title: 'Get recommendations',
      description:
        "An entity's open cost and carbon recommendations ranked by monthly saving, with risk, confidence, evidence and the manifest changes each proposes; dismissed and snoozed ones under hidden.",
      read: (entity, target) =>
        engine.recommendations(entity, target, storedResults?.recommendations),
    },
  ];

  for (const { name, title, description, read } of entityReads) {
    registry.register({
      name,
      title,
      description: `${description} Needs finops.entity.read on the entity.`,
      attributes: { readOnly: true, destructive: false, idempotent: true },
      schema: {
        input: z => z.object({ entityRef: entityRefInput(z) }),
        output: z =>
          z.object({
            entityRef: z
              .string()
              .describe('The entity, as the catalog names it'),
            result: z
              .object({})
              .passthrough()
              .describe(
                'The result, as the REST route of the same name serves it',
              ),
          }),
      },
      action: async ({ input, credentials }) => {
        const { entity, target } = await resolve(input.entityRef, credentials);
        const result = await read(entity, target);
        return {
          output: { entityRef: target.entityRef, result: asJson(result) },
        };
      },
    });
  }

  const manifestsInput = (z: Zod) =>
    z.object({
      manifests: z
        .string()
        .min(1)
        .max(MAX_MANIFEST_CHARS)
        .describe(
          'Kubernetes manifests as YAML (several documents separated by ---): Deployments, StatefulSets, KServe InferenceServices, HPAs, ScaledObjects, Rollouts',
        ),
    });

  async function readManifests(
    text: string,
    credentials: BackstageCredentials,
  ) {
    await access.authorize(
      { permission: finopsEstimatePermission },
      credentials,
    );
    const { objects } = loadManifests([
      { path: 'manifests.yaml', content: text },
    ]);
    if (objects.length === 0) {
      throw new InputError('No Kubernetes object in manifests');
    }
    const { policies, prices } = await options.guardrails();
    const gpuPrice = (await options.prices?.())?.gpuPriceLookup();
    return { objects, policies, prices, gpuPrice };
  }

  registry.register({
    name: 'estimate-manifests',
    title: 'Estimate the cost of manifests',
    description:
      'The monthly cost (730 h, at the expected and at the maximum replicas) and $ per 1M tokens of inference workloads given as Kubernetes manifests, priced like `ai-finops estimate`. Needs finops.estimate.',
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: manifestsInput,
      output: z =>
        z.object({
          currency: z.string(),
          monthlyCost: z.number(),
          maxMonthlyCost: z.number(),
          usdPerMillionTokens: z.number().optional(),
          workloads: z.array(z.object({}).passthrough()),
          notes: z.array(z.string()),
        }),
    },
    action: async ({ input, credentials }) => {
      const { objects, prices, gpuPrice } = await readManifests(
        input.manifests,
        credentials,
      );
      const estimate = estimateCosts(objects, { prices, gpuPrice });
      return {
        output: {
          currency: estimate.currency,
          monthlyCost: estimate.monthlyCost,
          maxMonthlyCost: estimate.maxMonthlyCost,
          ...(estimate.usdPerMillionTokens !== undefined
            ? { usdPerMillionTokens: estimate.usdPerMillionTokens }
            : {}),
          workloads: estimate.workloads.map(w => asJson(w)),
          notes: estimate.notes,
        },
      };
    },
  });

  registry.register({
    name: 'check-manifests',
    title: 'Check manifests against the guardrails',
    description:
      'Evaluates the configured guardrail policies (the ValidatingAdmissionPolicies the cluster, the template and `ai-finops check` enforce) on Kubernetes manifests: whether they pass, each denial and warning with its policy and message. Needs finops.estimate.',
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: manifestsInput,
      output: z =>
        z.object({
          passed: z.boolean().describe('True when no deny rule failed'),
          policies: z.number().describe('Policies evaluated'),
          checks: z.number().describe('Policy × object checks made'),
          denied: z.array(z.string()).describe('Denials, one line each'),
          warnings: z.array(z.string()).describe('Warnings, one line each'),
        }),
    },
    action: async ({ input, credentials }) => {
      const { objects, policies, prices, gpuPrice } = await readManifests(
        input.manifests,
        credentials,
      );
      if (!policies) {
        throw new InputError(
          'No guardrail policies are configured (finops.guardrails.policies)',
        );
      }
      const { report } = checkGuardrails(policies, objects, {
        prices,
        gpuPrice,
      });
      return {
        output: {
          passed: report.passed,
          policies: policies.policyNames.length,
          checks: report.checks.length,
          denied: report.denied.map(formatViolation),
          warnings: report.warnings.map(formatViolation),
        },
      };
    },
  });

  const pullRequests = options.pullRequests;
  if (!pullRequests) return;
  registry.register({
    name: 'open-recommendation-pull-request',
    title: 'Open a recommendation pull request',
    description:
      "Opens a pull request with a recommendation's manifest changes in the entity's GitOps repository (the ai-finops.io/gitops-repo annotation), or returns the one already open for it. Needs finops.entity.read and finops.recommendation.apply on the entity (or finops.admin). Nothing changes in a cluster until the pull request is reviewed and merged.",
    attributes: { readOnly: false, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: entityRefInput(z),
          recommendationId: z
            .string()
            .min(1)
            .max(512)
            .describe(
              'The id of one of its recommendations (get-recommendations)',
            ),
          overlay: z
            .string()
            .min(1)
            .max(256)
            .optional()
            .describe(
              'A kustomize overlay folder inside the service folder, e.g. overlays/prod; default: the one matching where the costs were recorded',
            ),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          id: z.string(),
          created: z
            .boolean()
            .describe(
              'True when this call opened it, false when it was already open',
            ),
          pullRequest: z
            .object({})
            .passthrough()
            .describe('Repository, number, url, branch, state, monthlySavings'),
        }),
    },
    action: async ({ input, credentials }) => {
      if (input.overlay?.split('/').includes('..')) {
        throw new InputError(
          "'overlay' must be a folder inside the service folder, e.g. overlays/prod",
        );
      }
      const { entity, target } = await resolve(input.entityRef, credentials);
      const { status, body } = await pullRequests.open({
        entity,
        target,
        id: input.recommendationId,
        overlay: input.overlay,
        credentials,
      });
      return {
        output: {
          entityRef: target.entityRef,
          id: input.recommendationId,
          created: status === 201,
          pullRequest: body.pullRequest as JsonObject,
        },
      };
    },
  });
}
