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

import { InputError } from '@backstage/errors';
import { stringify } from 'yaml';
import type { ManifestFile } from '../manifests';
import {
  gatekeeperCannotRun,
  gatekeeperConstraint,
  gatekeeperTemplate,
} from './gatekeeper';
import { kyvernoPolicy } from './kyverno';
import { admissionCannotEnforce, readPolicySource } from './source';

/**
 * The policy engines `exportPolicies` writes for.
 *
 * @public
 */
export type PolicyExportTarget = 'kyverno' | 'gatekeeper';

/**
 * The engines `exportPolicies` writes for.
 *
 * @public
 */
export const POLICY_EXPORT_TARGETS: readonly PolicyExportTarget[] = [
  'kyverno',
  'gatekeeper',
];

/**
 * The objects one policy of the source exports to.
 *
 * @public
 */
export interface ExportedPolicy {
  /** The ValidatingAdmissionPolicy's name. */
  policy: string;
  /** Kyverno: a ValidatingPolicy per binding; Gatekeeper: the ConstraintTemplate, then a constraint per binding. */
  objects: Array<Record<string, unknown>>;
}

/**
 * A policy (or one binding of it) left out of an export, and why.
 *
 * @public
 */
export interface SkippedPolicy {
  policy: string;
  binding?: string;
  reason: string;
}

/**
 * What {@link exportPolicies} produced.
 *
 * @public
 */
export interface PolicyExport {
  target: PolicyExportTarget;
  policies: ExportedPolicy[];
  skipped: SkippedPolicy[];
  /** Translations worth a look (a kind guessed from a resource name, a field the engine lacks). */
  notes: string[];
}

/**
 * Options of {@link exportPolicies}.
 *
 * @public
 */
export interface PolicyExportOptions {
  /** A file of params objects that replaces those of the policy files. */
  params?: ManifestFile;
}

/**
 * Translates the guardrail policy source (ValidatingAdmissionPolicies, their
 * bindings and params) into Kyverno `ValidatingPolicy` objects or Gatekeeper
 * ConstraintTemplates (CEL engine) with their constraints. Policies that
 * admission cannot enforce (those judging the estimator's CostEstimates) and
 * policies the target cannot run are skipped, each with its reason. Throws
 * an {@link @backstage/errors#InputError} naming the file for a source that
 * does not load, as `ai-finops check` would refuse it.
 *
 * @public
 */
export function exportPolicies(
  files: ManifestFile[],
  target: PolicyExportTarget,
  options: PolicyExportOptions = {},
): PolicyExport {
  if (!POLICY_EXPORT_TARGETS.includes(target)) {
    throw new InputError(
      `unknown export target '${target}': use ${POLICY_EXPORT_TARGETS.join(
        ' or ',
      )}`,
    );
  }
  const source = readPolicySource(files, options.params);
  const result: PolicyExport = { target, policies: [], skipped: [], notes: [] };
  for (const policy of source) {
    const cannot =
      admissionCannotEnforce(policy) ??
      (policy.bindings.length === 0
        ? 'it has no binding, so no cluster enforces it'
        : undefined) ??
      (target === 'gatekeeper' ? gatekeeperCannotRun(policy) : undefined);
    if (cannot) {
      result.skipped.push({ policy: policy.name, reason: cannot });
      continue;
    }
    const objects: Array<Record<string, unknown>> = [];
    try {
      if (target === 'gatekeeper') {
        const withParams = policy.bindings.find(b => b.params);
        objects.push(gatekeeperTemplate(policy, withParams?.params));
        const names = new Set(
          policy.bindings.map(b => b.params?.metadata.name ?? ''),
        );
        if (names.size > 1) {
          result.notes.push(
            `${policy.name}: its bindings refer to different params objects (${[
              ...names,
            ].join(
              ', ',
            )}); each constraint carries its own parameters, the template names ${
              withParams?.params?.metadata.name
            }`,
          );
        }
        if ((policy.spec.auditAnnotations ?? []).length) {
          result.notes.push(
            `${policy.name}: auditAnnotations have no counterpart in Gatekeeper and are left out`,
          );
        }
      }
      for (const binding of policy.bindings) {
        const out =
          target === 'kyverno'
            ? kyvernoPolicy(policy, binding)
            : gatekeeperConstraint(policy, binding, result.notes);
        if ('reason' in out) {
          result.skipped.push({
            policy: policy.name,
            binding: binding.name,
            reason: out.reason,
          });
        } else {
          objects.push(out.object);
        }
      }
    } catch (error) {
      throw new InputError(
        `${policy.where}: ValidatingAdmissionPolicy ${policy.name}: ${
          (error as Error).message
        }`,
      );
    }
    result.policies.push({ policy: policy.name, objects });
  }
  return result;
}

/**
 * The objects of one exported policy as multi-document YAML that
 * `kubectl apply` reads as written (YAML 1.1 quoting: `'off'` stays a
 * string), under a comment naming the policy.
 *
 * @public
 */
export function exportedPolicyYaml(
  exported: ExportedPolicy,
  target: PolicyExportTarget,
): string {
  const header = `# ${exported.policy}, exported by ai-finops policies export --to ${target}\n`;
  return `${header}${exported.objects
    .map(o => stringify(o, { version: '1.1', lineWidth: 0 }))
    .join('---\n')}`;
}
