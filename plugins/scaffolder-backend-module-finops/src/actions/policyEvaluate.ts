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
  formatPolicyReportMarkdown,
  formatViolation,
} from '@ai-finops/backstage-plugin-finops-guardrails';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { FinopsActionsOptions } from './index';
import { readPolicyDir, readPriceOverrides } from '../lib/workspace';
import { readWorkspaceManifests, workspacePathInput } from './workspaceInput';
import { examples } from './policyEvaluate.examples';

/**
 * `finops:policy:evaluate`: evaluates the guardrail policies (Kubernetes
 * ValidatingAdmissionPolicies, the same YAML the cluster and
 * `ai-finops check` enforce) on the manifests in the workspace. A deny fails
 * the step with every policy message; warnings pass and are reported.
 *
 * @public
 */
export function createPolicyEvaluateAction(options: FinopsActionsOptions = {}) {
  return createTemplateAction({
    id: 'finops:policy:evaluate',
    description:
      'Evaluates the AI FinOps guardrail policies (ValidatingAdmissionPolicies) on the manifests in the workspace; a deny fails the step with every policy message, warnings are reported',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...workspacePathInput,
        policiesPath: z =>
          z
            .string()
            .optional()
            .describe(
              'Workspace folder holding the policies; default: finops.guardrails.policies',
            ),
      },
      output: {
        passed: z => z.boolean().describe('True when no deny rule failed'),
        warnings: z => z.array(z.string()).describe('Warnings, one line each'),
        checks: z => z.number().describe('Policy × object checks made'),
        markdown: z =>
          z.string().describe('The result as Markdown for a pull-request body'),
        dryRun: z =>
          z
            .boolean()
            .describe(
              'True in a dry run: later steps can skip publishing with if: ${{ not steps.<id>.output.dryRun }}',
            ),
      },
    },
    async handler(ctx) {
      const policiesDir = ctx.input.policiesPath
        ? resolveSafeChildPath(ctx.workspacePath, ctx.input.policiesPath)
        : options.policiesDir;
      if (!policiesDir) {
        throw new InputError(
          'No guardrail policies: set finops.guardrails.policies in the app config or pass policiesPath',
        );
      }
      const policies = await readPolicyDir(policiesDir);
      const prices = await readPriceOverrides(options.pricesFile, undefined);
      const manifests = await readWorkspaceManifests(
        ctx.workspacePath,
        ctx.input.path,
      );
      const { report } = checkGuardrails(policies, manifests.objects, {
        prices,
        gpuPrice: options.gpuPrice,
      });
      for (const v of report.warnings) ctx.logger.warn(formatViolation(v));
      for (const v of report.denied) ctx.logger.error(formatViolation(v));
      ctx.logger.info(
        `${report.checks.length} checks of ${policies.policyNames.length} policies on ${manifests.objects.length} objects: ${report.denied.length} denied, ${report.warnings.length} warnings`,
      );
      const messages = [
        ...new Set(report.denied.map(v => `${v.policy}: ${v.message}`)),
      ];
      // Audited: who ran which template, and what the guardrails decided.
      const audit = await options.auditor?.createEvent({
        eventId: 'guardrail-evaluation',
        severityLevel: report.passed ? 'low' : 'medium',
        meta: {
          ...(ctx.user?.ref ? { actor: ctx.user.ref } : {}),
          ...(ctx.templateInfo?.entityRef
            ? { template: ctx.templateInfo.entityRef }
            : {}),
          taskId: ctx.task.id,
          dryRun: ctx.isDryRun === true,
          checks: report.checks.length,
          warnings: report.warnings.length,
          denied: messages,
        },
      });
      if (!report.passed) {
        const error = new InputError(
          `The guardrails refused ${
            messages.length === 1 ? 'this service' : 'these manifests'
          }: ${messages.join('; ')}`,
        );
        await audit?.fail({ error });
        throw error;
      }
      await audit?.success();
      ctx.output('passed', true);
      ctx.output('warnings', report.warnings.map(formatViolation));
      ctx.output('checks', report.checks.length);
      ctx.output('markdown', formatPolicyReportMarkdown(report));
      ctx.output('dryRun', ctx.isDryRun === true);
    },
  });
}
