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
  gitopsCloneUrl,
  HOURS_PER_MONTH,
  knownGpuModels,
  loadManifests,
  parsePriceCsv,
  PolicySet,
  readManifestFiles,
  renderInferenceService,
  rolloutFromFormValues,
  type CostEstimateReport,
  type InferenceServiceSpec,
  type PolicyReport,
  type PolicyViolation,
  type PriceOverrides,
} from '@ai-finops/backstage-plugin-finops-guardrails';
import {
  finopsEstimatePermission,
  type FinopsEstimate,
  type FinopsGuardrailResult,
} from '@ai-finops/backstage-plugin-finops-common';
import type { PriceCatalog } from '@ai-finops/backstage-plugin-finops-node';
import type {
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { readBoundedNumber } from '../lib/params';
import type { AuthorizePermissionRequest } from '@backstage/plugin-permission-common';
import type express from 'express';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Where `POST /estimate` finds the guardrails: `finops.guardrails.policies`
 * (a folder of ValidatingAdmissionPolicies, bindings and params) and
 * `finops.guardrails.prices` (a `resource,usd_per_unit_hour` CSV), the same
 * keys the scaffolder actions read.
 *
 * @internal
 */
export interface EstimateRouteOptions {
  httpAuth: HttpAuthService;
  logger: LoggerService;
  authorize(
    request: AuthorizePermissionRequest,
    credentials: BackstageCredentials,
  ): Promise<void>;
  policiesDir?: string;
  pricesFile?: string;
  /**
   * The price catalog (`finops.prices.overrides`, then learned from FOCUS,
   * then embedded), asked after the prices file and the policies' params.
   */
  prices?: () => Promise<PriceCatalog>;
}

/** What the template form leaves empty while it is being filled. */
const PREVIEW_DEFAULTS = {
  name: 'preview',
  owner: 'group:default/preview',
  costCenter: 'preview',
  model: 'preview/model',
  runtime: 'vllm',
  gpuCount: 1,
  minReplicas: 1,
  maxReplicas: 2,
  autoscaler: 'keda',
  delivery: 'argocd',
  repoUrl: 'github.com?owner=preview&repo=gitops',
} as const;

function optionalString(
  body: Record<string, unknown>,
  field: string,
): string | undefined {
  const value = body[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new InputError(`Field '${field}' must be a string`);
  }
  return value;
}

/**
 * The numbers `POST /estimate` accepts: beyond them a form value is a typo
 * or an attack, and the cost would overflow to Infinity (JSON null).
 */
export const ESTIMATE_LIMITS = {
  gpuCount: { min: 1, max: 64, integer: true },
  minReplicas: { min: 0, max: 1000, integer: true },
  maxReplicas: { min: 1, max: 1000, integer: true },
  expectedRequestsPerSecond: { min: 0, max: 1e9 },
  expectedTokensPerSecond: { min: 0, max: 1e12 },
  latencySloMs: { min: 1, max: 86_400_000, integer: true },
  monthlyBudget: { min: 0, max: 1e12 },
} as const;

function optionalNumber(
  body: Record<string, unknown>,
  field: keyof typeof ESTIMATE_LIMITS,
): number | undefined {
  return readBoundedNumber(body, field, ESTIMATE_LIMITS[field]);
}

/**
 * The template form values (the parameters of
 * examples/templates/inference-service/template.yaml) as the spec
 * `finops:manifests:generate` renders; what the form has not filled yet
 * takes the template's defaults or a placeholder.
 */
export function specFromFormValues(
  body: Record<string, unknown>,
): InferenceServiceSpec {
  const s = (f: string) => optionalString(body, f);
  const n = (f: keyof typeof ESTIMATE_LIMITS) => optionalNumber(body, f);
  const gpuType = s('gpuType');
  if (!gpuType) {
    throw new InputError(`Field 'gpuType' is required`);
  }
  const runtime = s('runtime') ?? PREVIEW_DEFAULTS.runtime;
  if (!['vllm', 'kserve', 'triton'].includes(runtime)) {
    throw new InputError(
      `Field 'runtime': '${runtime}' is not one of vllm, kserve, triton`,
    );
  }
  const autoscaler = s('autoscaler') ?? PREVIEW_DEFAULTS.autoscaler;
  if (!['hpa', 'keda'].includes(autoscaler)) {
    throw new InputError(
      `Field 'autoscaler': '${autoscaler}' is not one of hpa, keda`,
    );
  }
  const delivery = s('delivery') ?? PREVIEW_DEFAULTS.delivery;
  if (!['argocd', 'flux'].includes(delivery)) {
    throw new InputError(
      `Field 'delivery': '${delivery}' is not one of argocd, flux`,
    );
  }
  const name = s('name') ?? PREVIEW_DEFAULTS.name;
  const minReplicas = n('minReplicas') ?? PREVIEW_DEFAULTS.minReplicas;
  const maxReplicas = n('maxReplicas') ?? PREVIEW_DEFAULTS.maxReplicas;
  if (maxReplicas < minReplicas) {
    throw new InputError(
      `Field 'maxReplicas' (${maxReplicas}) must be at least 'minReplicas' (${minReplicas})`,
    );
  }
  return {
    name,
    description: s('description'),
    owner: s('owner') ?? PREVIEW_DEFAULTS.owner,
    system: s('system'),
    costCenter: s('costCenter') ?? PREVIEW_DEFAULTS.costCenter,
    namespace: s('namespace'),
    model: s('model') ?? PREVIEW_DEFAULTS.model,
    runtime: runtime as InferenceServiceSpec['runtime'],
    image: s('image'),
    gpuType,
    migProfile: s('migProfile'),
    gpuCount: n('gpuCount') ?? PREVIEW_DEFAULTS.gpuCount,
    cpu: s('cpu'),
    memory: s('memory'),
    minReplicas,
    maxReplicas,
    autoscaler: autoscaler as InferenceServiceSpec['autoscaler'],
    expectedRequestsPerSecond: n('expectedRequestsPerSecond'),
    expectedTokensPerSecond: n('expectedTokensPerSecond'),
    latencySloMs: n('latencySloMs'),
    region: s('region'),
    monthlyBudget: n('monthlyBudget'),
    gitopsRepoUrl: previewRepoUrl(s('repoUrl') ?? s('gitopsRepoUrl')),
    gitopsPath: `apps/${name}`,
    delivery: delivery as InferenceServiceSpec['delivery'],
    supplyChain: {
      imageDigest: s('imageDigest'),
      modelDigest: s('modelDigest'),
      modelProvenance: s('modelProvenance'),
      imageVerifier: s('imageVerifier') as NonNullable<
        InferenceServiceSpec['supplyChain']
      >['imageVerifier'],
    },
    rollout: rolloutFromFormValues(body),
    responsibleAi: {
      modelCardUrl: s('modelCardUrl'),
      trainingData: s('trainingData'),
      evaluationStatus: s('evaluationStatus'),
      evaluationDate: s('evaluationDate'),
      biasCheckStatus: s('biasCheckStatus'),
      biasCheckDate: s('biasCheckDate'),
    },
  };
}

/**
 * The repository only names where the files go, not what they cost: a
 * half-typed RepoUrlPicker value (`github.com?owner=acme`) previews with a
 * placeholder instead of failing the estimate.
 */
function previewRepoUrl(repoUrl: string | undefined): string {
  if (!repoUrl) return PREVIEW_DEFAULTS.repoUrl;
  try {
    gitopsCloneUrl(repoUrl);
    return repoUrl;
  } catch {
    return PREVIEW_DEFAULTS.repoUrl;
  }
}

function violationDto(v: PolicyViolation): FinopsGuardrailResult {
  let action: FinopsGuardrailResult['action'] = 'Audit';
  if (v.actions.includes('Deny')) action = 'Deny';
  else if (v.actions.includes('Warn')) action = 'Warn';
  return {
    policy: v.policy,
    action,
    message: v.message,
    object: {
      kind: v.object.kind,
      name: v.object.name,
      ...(v.object.namespace ? { namespace: v.object.namespace } : {}),
    },
    location: v.location,
  };
}

/**
 * Reads the guardrail policies (`finops.guardrails.policies`) and the prices
 * file (`finops.guardrails.prices`) once, on first use; a failed read is
 * retried on the next call.
 *
 * @internal
 */
export function createGuardrailsLoader(options: {
  policiesDir?: string;
  pricesFile?: string;
  logger: LoggerService;
}): () => Promise<{ policies?: PolicySet; prices?: PriceOverrides }> {
  const { policiesDir, pricesFile, logger } = options;
  let loaded:
    | Promise<{ policies?: PolicySet; prices?: PriceOverrides }>
    | undefined;
  async function loadGuardrails() {
    let policies: PolicySet | undefined;
    if (policiesDir) {
      let files;
      try {
        files = await readManifestFiles(policiesDir);
      } catch (error) {
        // The configuration is wrong, not the request: a server error.
        throw new Error(
          `finops.guardrails.policies: ${(error as Error).message}`,
        );
      }
      policies = PolicySet.load(
        files.map(f => ({ ...f, path: path.join(policiesDir, f.path) })),
      );
      logger.info(
        `Estimate preview: ${policies.policyNames.length} guardrail policies from ${policiesDir}`,
      );
    }
    let prices: PriceOverrides | undefined;
    if (pricesFile) {
      prices = parsePriceCsv({
        path: pricesFile,
        content: await fs.readFile(pricesFile, 'utf8'),
      });
    }
    return { policies, prices };
  }
  return () => {
    if (!loaded) {
      loaded = loadGuardrails().catch(error => {
        loaded = undefined;
        throw error;
      });
    }
    return loaded;
  };
}

/**
 * `POST /estimate`: the live preview of the scaffolder field
 * `FinopsCostPreview`. Renders the template form values with the renderer of
 * `finops:manifests:generate`, estimates the monthly cost (730 h) and $ per
 * 1M tokens, and evaluates the configured guardrail policies on the
 * manifests and their CostEstimate objects, as `finops:policy:evaluate` does.
 * Any signed-in user with `finops.estimate` (a basic permission) may call it:
 * nothing in the catalog or the cost data is read.
 *
 * @internal
 */
export function registerEstimateRoutes(
  router: express.Router,
  options: EstimateRouteOptions,
) {
  const { httpAuth, logger, authorize, policiesDir, pricesFile } = options;

  const guardrails = createGuardrailsLoader({
    policiesDir,
    pricesFile,
    logger,
  });

  router.post('/estimate', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await authorize({ permission: finopsEstimatePermission }, credentials);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const spec = specFromFormValues(body);

    // The service's folder, as the template's estimate and evaluate steps
    // read it: not the repository-level image workflow.
    const files = renderInferenceService(spec, knownGpuModels()).filter(
      f => f.scope !== 'repository',
    );
    const { objects } = loadManifests(files);
    const { policies, prices } = await guardrails();
    const gpuPrice = (await options.prices?.())?.gpuPriceLookup();

    let estimate: CostEstimateReport;
    let report: PolicyReport | undefined;
    if (policies) {
      ({ estimate, report } = checkGuardrails(policies, objects, {
        prices,
        gpuPrice,
      }));
    } else {
      estimate = estimateCosts(objects, { prices, gpuPrice });
    }

    // Bounded inputs keep the costs finite; a price from configuration
    // could still overflow, and JSON would turn that into null.
    const costs = [
      estimate.monthlyCost,
      estimate.maxMonthlyCost,
      estimate.usdPerMillionTokens ?? 0,
      ...estimate.workloads.flatMap(w => [w.monthlyCost, w.maxMonthlyCost]),
    ];
    if (!costs.every(Number.isFinite)) {
      throw new InputError(
        'The estimate is not a finite number: lower gpuCount, maxReplicas or the configured prices',
      );
    }

    const budget = spec.monthlyBudget;
    res.json({
      currency: estimate.currency,
      hoursPerMonth: HOURS_PER_MONTH,
      monthlyCost: estimate.monthlyCost,
      maxMonthlyCost: estimate.maxMonthlyCost,
      ...(estimate.usdPerMillionTokens !== undefined
        ? { usdPerMillionTokens: estimate.usdPerMillionTokens }
        : {}),
      ...(budget !== undefined
        ? {
            budget: {
              monthlyBudget: budget,
              withinBudget: estimate.monthlyCost <= budget,
              withinBudgetAtMaxReplicas: estimate.maxMonthlyCost <= budget,
            },
          }
        : {}),
      services: estimate.services.map(s => ({
        name: s.name,
        ...(s.namespace ? { namespace: s.namespace } : {}),
        monthlyCost: s.monthlyCost,
        maxMonthlyCost: s.maxMonthlyCost,
        gpus: s.gpus,
        ...(s.usdPerMillionTokens !== undefined
          ? { usdPerMillionTokens: s.usdPerMillionTokens }
          : {}),
      })),
      workloads: estimate.workloads.map(w => ({
        kind: w.kind,
        name: w.name,
        ...(w.namespace ? { namespace: w.namespace } : {}),
        minReplicas: w.minReplicas,
        maxReplicas: w.maxReplicas,
        gpusPerReplica: w.gpusPerReplica,
        ...(w.gpuModel ? { gpuModel: w.gpuModel } : {}),
        ...(w.usdPerGpuHour !== undefined
          ? { usdPerGpuHour: w.usdPerGpuHour }
          : {}),
        ...(w.priceSource ? { priceSource: w.priceSource } : {}),
        monthlyCost: w.monthlyCost,
        maxMonthlyCost: w.maxMonthlyCost,
      })),
      guardrails: report
        ? {
            configured: true,
            passed: report.passed,
            checks: report.checks.length,
            policies: new Set(report.checks.map(c => c.policy)).size,
            denied: report.denied.map(violationDto),
            warnings: report.warnings.map(violationDto),
          }
        : {
            configured: false,
            passed: true,
            checks: 0,
            policies: 0,
            denied: [],
            warnings: [],
          },
      notes: estimate.notes,
    } satisfies FinopsEstimate);
  });
}
