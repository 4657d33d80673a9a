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
  costEstimateObjects,
  estimateCosts,
  type CostEstimateReport,
  type EstimateOptions,
} from '../estimate/estimate';
import type { PriceOverrides } from '../estimate/prices';
import type { ManifestObject } from './manifests';
import type {
  PolicyEvaluationOptions,
  PolicyReport,
  PolicySet,
  PolicyViolation,
} from './policySet';

/**
 * What {@link checkGuardrails} found: the policy report (over the manifests
 * and the per-service CostEstimate objects) and the cost estimate it used.
 *
 * @public
 */
export interface GuardrailCheck {
  report: PolicyReport;
  estimate: CostEstimateReport;
}

/**
 * GPU prices from the policies' params (`spec.gpuHourlyUsd` of
 * GuardrailParams objects), so the one policy source also sets prices.
 *
 * @public
 */
export function priceOverridesFromParams(
  policies: PolicySet,
): PriceOverrides | undefined {
  const gpu: Record<string, number> = {};
  const sources: string[] = [];
  for (const p of policies.params) {
    const prices = (p.spec as any)?.gpuHourlyUsd;
    if (prices && typeof prices === 'object') {
      for (const [model, usd] of Object.entries(prices)) {
        if (typeof usd === 'number' && Number.isFinite(usd) && usd >= 0) {
          gpu[model] = usd;
        }
      }
      sources.push(`${p.kind} ${p.metadata.name}`);
    }
  }
  return sources.length ? { gpu, source: sources.join(', ') } : undefined;
}

/**
 * Evaluates the policies on manifests as every enforcement point does
 * (template action, form preview, `ai-finops check`): the per-object
 * policies on the objects, and the cross-object ones (cost cap, budget) on
 * one CostEstimate per service computed from the objects. Prices: the
 * `prices` overrides (e.g. `--prices`), then the params' `gpuHourlyUsd`, then
 * `gpuPrice` or the embedded catalog.
 *
 * @public
 */
export function checkGuardrails(
  policies: PolicySet,
  objects: readonly ManifestObject[],
  options: EstimateOptions & { evaluation?: PolicyEvaluationOptions } = {},
): GuardrailCheck {
  const fromParams = priceOverridesFromParams(policies);
  const prices =
    options.prices && fromParams
      ? {
          ...fromParams,
          ...options.prices,
          gpu: { ...fromParams.gpu, ...options.prices.gpu },
          source: `${options.prices.source}, ${fromParams.source}`,
        }
      : options.prices ?? fromParams;
  const estimate = estimateCosts(objects, {
    prices,
    gpuPrice: options.gpuPrice,
  });
  const report = policies.evaluate(
    [...objects, ...costEstimateObjects(estimate)],
    options.evaluation,
  );
  return { report, estimate };
}

const objectText = (v: PolicyViolation) =>
  `${v.object.kind} ${v.object.namespace ? `${v.object.namespace}/` : ''}${
    v.object.name
  }`;

/**
 * One line per violation: `DENY <policy> Deployment ml/chat (file:line): message`.
 *
 * @public
 */
export function formatViolation(v: PolicyViolation): string {
  let action = 'AUDIT';
  if (v.actions.includes('Deny')) action = 'DENY';
  else if (v.actions.includes('Warn')) action = 'WARN';
  return `${action} ${v.policy}: ${objectText(v)} (${v.location}): ${
    v.message
  }`;
}

/**
 * The policy report as Markdown for a pull-request body, in Infracost's
 * policy-block style.
 *
 * @public
 */
export function formatPolicyReportMarkdown(report: PolicyReport): string {
  const lines: string[] = [];
  const item = (v: PolicyViolation) =>
    `- **${v.policy}** on ${objectText(v)} at \`${v.location}\`: ${v.message}`;
  if (report.denied.length > 0) {
    lines.push(`### ❌ Guardrails failed (${report.denied.length})`, '');
    for (const v of report.denied) lines.push(item(v));
    lines.push('');
  }
  if (report.warnings.length > 0) {
    lines.push(`### ⚠️ Guardrail warnings (${report.warnings.length})`, '');
    for (const v of report.warnings) lines.push(item(v));
    lines.push('');
  }
  if (report.passed) {
    lines.push(
      `### ✅ Guardrails passed`,
      '',
      `${report.checks.length} checks of ${
        new Set(report.checks.map(c => c.policy)).size
      } policies${report.warnings.length ? ', with the warnings above' : ''}.`,
      '',
    );
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
