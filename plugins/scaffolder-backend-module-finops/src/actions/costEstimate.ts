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
  estimateCosts,
  formatCostEstimateMarkdown,
  formatUsd,
} from '@ai-finops/backstage-plugin-finops-guardrails';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { FinopsActionsOptions } from './index';
import { readPolicyDir, readPriceOverrides } from '../lib/workspace';
import { readWorkspaceManifests, workspacePathInput } from './workspaceInput';
import { examples } from './costEstimate.examples';

/**
 * `finops:cost:estimate`: the monthly cost (730 h) and $ per 1M tokens of the
 * manifests in the workspace, as outputs and as Markdown for a pull-request
 * body. Prices: the embedded catalog, the policies' `gpuHourlyUsd`, then the
 * configured prices CSV.
 *
 * @public
 */
export function createCostEstimateAction(options: FinopsActionsOptions = {}) {
  return createTemplateAction({
    id: 'finops:cost:estimate',
    description:
      'Estimates the monthly cost (730 h) and $ per 1M tokens of the Kubernetes manifests in the workspace (kustomizations rendered), as outputs and as Markdown',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...workspacePathInput,
      },
      output: {
        monthlyCost: z =>
          z
            .number()
            .describe(
              'USD per month at the minimum replicas, all environments',
            ),
        maxMonthlyCost: z =>
          z.number().describe('USD per month at the maximum replicas'),
        usdPerMillionTokens: z =>
          z
            .number()
            .optional()
            .describe('USD per 1M tokens at the declared throughput'),
        summary: z =>
          z
            .string()
            .describe('One line, e.g. "$20,089.60 a month (up to $40,179.20)"'),
        markdown: z =>
          z
            .string()
            .describe('The estimate as Markdown for a pull-request body'),
        services: z =>
          z.array(
            z.object({
              name: z.string(),
              namespace: z.string().optional(),
              monthlyCost: z.number(),
              maxMonthlyCost: z.number(),
              usdPerMillionTokens: z.number().optional(),
            }),
          ),
      },
    },
    async handler(ctx) {
      const policies = options.policiesDir
        ? await readPolicyDir(options.policiesDir)
        : undefined;
      const prices = await readPriceOverrides(options.pricesFile, policies);
      const manifests = await readWorkspaceManifests(
        ctx.workspacePath,
        ctx.input.path,
      );
      const report = estimateCosts(manifests.objects, {
        prices,
        gpuPrice: options.gpuPrice,
      });
      const summary = `${formatUsd(report.monthlyCost)} a month${
        report.maxMonthlyCost > report.monthlyCost + 0.005
          ? ` (up to ${formatUsd(report.maxMonthlyCost)} at maximum replicas)`
          : ''
      }${
        report.usdPerMillionTokens !== undefined
          ? `, ${formatUsd(report.usdPerMillionTokens)} per 1M tokens`
          : ''
      }`;
      ctx.logger.info(`Estimated cost: ${summary}`);
      for (const w of report.workloads) {
        ctx.logger.info(
          `  ${w.kind} ${w.namespace ?? ''}/${w.name}: ${formatUsd(
            w.monthlyCost,
          )} a month (${w.minReplicas}–${w.maxReplicas} replicas × ${
            w.gpusPerReplica
          } ${w.gpuModel ?? 'no GPU'}${
            w.usdPerGpuHour !== undefined
              ? ` at ${formatUsd(w.usdPerGpuHour)}/GPU-h, ${w.priceSource}`
              : ''
          })`,
        );
      }
      ctx.output('monthlyCost', report.monthlyCost);
      ctx.output('maxMonthlyCost', report.maxMonthlyCost);
      if (report.usdPerMillionTokens !== undefined) {
        ctx.output('usdPerMillionTokens', report.usdPerMillionTokens);
      }
      ctx.output('summary', summary);
      ctx.output('markdown', formatCostEstimateMarkdown(report));
      ctx.output(
        'services',
        report.services.map(s => ({
          name: s.name,
          ...(s.namespace ? { namespace: s.namespace } : {}),
          monthlyCost: s.monthlyCost,
          maxMonthlyCost: s.maxMonthlyCost,
          ...(s.usdPerMillionTokens !== undefined
            ? { usdPerMillionTokens: s.usdPerMillionTokens }
            : {}),
        })),
      );
    },
  });
}
