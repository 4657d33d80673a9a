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
  exportedMetadata,
  mergedMatch,
  readsParams,
  paramsLiteral,
  paramsVariableName,
  rewriteParams,
} from './common';
import type { SourceBinding, SourcePolicy, Spec } from './source';

/** The Kyverno API the export writes: `ValidatingPolicy` of `policies.kyverno.io/v1`. */
export const KYVERNO_API_VERSION = 'policies.kyverno.io/v1';

/**
 * One Kyverno `ValidatingPolicy` for one binding of a policy. Kyverno has no
 * bindings, params or paramRef in a ValidatingPolicy: the binding's
 * validationActions and namespace/object selectors go into the policy, and
 * the params object the binding refers to is inlined as the first variable,
 * every `params` of the expressions reading that variable.
 */
export function kyvernoPolicy(
  policy: SourcePolicy,
  binding: SourceBinding,
): { object: Spec } | { reason: string } {
  const merged = mergedMatch(policy, binding);
  if ('reason' in merged) return merged;
  const paramsVariable = readsParams(policy)
    ? paramsVariableName(policy)
    : undefined;
  const cel = rewriteParams(policy, paramsVariable);
  const spec: Spec = {
    validationActions: binding.spec.validationActions,
    failurePolicy: policy.spec.failurePolicy ?? 'Fail',
    matchConstraints: merged.match,
  };
  if (cel.matchConditions.length) spec.matchConditions = cel.matchConditions;
  const variables = [
    ...(paramsVariable
      ? [
          {
            name: paramsVariable,
            expression: paramsLiteral(binding.params ?? null, binding),
          },
        ]
      : []),
    ...cel.variables,
  ];
  if (variables.length) spec.variables = variables;
  if (cel.validations.length) spec.validations = cel.validations;
  if (cel.auditAnnotations.length) spec.auditAnnotations = cel.auditAnnotations;
  return {
    object: {
      apiVersion: KYVERNO_API_VERSION,
      kind: 'ValidatingPolicy',
      metadata: exportedMetadata(binding.name, policy.name, binding.name),
      spec,
    },
  };
}
