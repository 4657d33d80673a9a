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

import { celLiteral, freeIdentifiers, replaceIdentifier } from './celRewrite';
import type { SourceBinding, SourcePolicy, Spec } from './source';

// What the Kyverno and Gatekeeper translations share: the policy's CEL with
// `params` read from a variable, and the binding's scope merged into the
// policy's match constraints.

/**
 * The metadata of an exported object: made by ai-finops from `policyName`
 * (and, for one binding's object, `bindingName`).
 */
export function exportedMetadata(
  name: string,
  policyName: string,
  bindingName?: string,
) {
  return {
    name,
    labels: { 'app.kubernetes.io/managed-by': 'ai-finops' },
    annotations: {
      'ai-finops.io/policy': policyName,
      ...(bindingName ? { 'ai-finops.io/binding': bindingName } : {}),
    },
  };
}

/** The largest params literal inlined into a policy (characters). */
export const MAX_INLINED_PARAMS_CHARS = 256 * 1024;

export interface CelParts {
  matchConditions: Array<{ name: string; expression: string }>;
  variables: Array<{ name: string; expression: string }>;
  validations: Spec[];
  auditAnnotations: Array<{ key: string; valueExpression: string }>;
}

/** Every CEL expression of a policy, with the field it comes from. */
export function expressionsOf(spec: Spec): string[] {
  const out: string[] = [];
  for (const m of spec.matchConditions ?? []) out.push(m.expression);
  for (const v of spec.variables ?? []) out.push(v.expression);
  for (const v of spec.validations ?? []) {
    out.push(v.expression);
    if (v.messageExpression !== undefined) out.push(v.messageExpression);
  }
  for (const a of spec.auditAnnotations ?? []) out.push(a.valueExpression);
  return out;
}

/** The top-level names the policy's expressions read. */
export function namesRead(spec: Spec): Set<string> {
  const names = new Set<string>();
  for (const e of expressionsOf(spec)) {
    for (const n of freeIdentifiers(e)) names.add(n);
  }
  return names;
}

/** Whether the policy has params and an expression reads them. */
export function readsParams(policy: SourcePolicy): boolean {
  return Boolean(policy.paramKind) && namesRead(policy.spec).has('params');
}

/**
 * A variable name for the params object, after the params kind
 * (`GuardrailParams` → `guardrailParams`), that no variable of the policy
 * and no `reserved` name takes.
 */
export function paramsVariableName(
  policy: SourcePolicy,
  reserved: string[] = [],
): string {
  const kind = policy.paramKind?.kind ?? 'params';
  const base = `${kind.charAt(0).toLowerCase()}${kind.slice(1)}`.replace(
    /[^A-Za-z0-9_]/g,
    '_',
  );
  const taken = new Set([
    ...reserved,
    ...((policy.spec.variables ?? []) as Spec[]).map(v => v.name),
  ]);
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
  return name;
}

/** A params object as a CEL literal, refused beyond {@link MAX_INLINED_PARAMS_CHARS}. */
export function paramsLiteral(params: unknown, binding: SourceBinding): string {
  const literal = celLiteral(params);
  if (literal.length > MAX_INLINED_PARAMS_CHARS) {
    throw new Error(
      `binding ${binding.name}: its params are ${literal.length.toLocaleString(
        'en-US',
      )} characters as CEL, more than the ${MAX_INLINED_PARAMS_CHARS.toLocaleString(
        'en-US',
      )} an export inlines`,
    );
  }
  return literal;
}

/**
 * The policy's matchConditions, variables, validations and auditAnnotations
 * with every free `params` read as `variables.<paramsVariable>` (when the
 * policy has a paramKind).
 */
export function rewriteParams(
  policy: SourcePolicy,
  paramsVariable: string | undefined,
): CelParts {
  const rewrite = (e: string) =>
    paramsVariable
      ? replaceIdentifier(e, 'params', `variables.${paramsVariable}`)
      : e;
  const spec = policy.spec;
  return {
    matchConditions: ((spec.matchConditions ?? []) as Spec[]).map(m => ({
      name: m.name,
      expression: rewrite(m.expression),
    })),
    variables: ((spec.variables ?? []) as Spec[]).map(v => ({
      name: v.name,
      expression: rewrite(v.expression),
    })),
    validations: ((spec.validations ?? []) as Spec[]).map(v => ({
      ...v,
      expression: rewrite(v.expression),
      ...(v.messageExpression !== undefined
        ? { messageExpression: rewrite(v.messageExpression) }
        : {}),
    })),
    auditAnnotations: ((spec.auditAnnotations ?? []) as Spec[]).map(a => ({
      key: a.key,
      valueExpression: rewrite(a.valueExpression),
    })),
  };
}

/** Both selectors must select (AND): the binding's labels become expressions. */
export function andSelectors(
  a: Spec | undefined,
  b: Spec | undefined,
): Spec | undefined {
  if (!a) return b;
  if (!b) return a;
  const asExpressions = (s: Spec) => [
    ...Object.entries((s.matchLabels ?? {}) as Record<string, string>).map(
      ([key, value]) => ({ key, operator: 'In', values: [value] }),
    ),
    ...(s.matchExpressions ?? []),
  ];
  return { matchExpressions: [...asExpressions(a), ...asExpressions(b)] };
}

/**
 * The policy's matchConstraints narrowed by the binding's matchResources, or
 * the reason they cannot be merged (a binding with its own resourceRules).
 */
export function mergedMatch(
  policy: SourcePolicy,
  binding: SourceBinding,
): { match: Spec } | { reason: string } {
  const own: Spec = policy.spec.matchConstraints ?? {};
  const scope: Spec = binding.spec.matchResources ?? {};
  if ((scope.resourceRules ?? []).length > 0) {
    return {
      reason: `binding ${binding.name} narrows the policy with its own resourceRules, which an export does not intersect`,
    };
  }
  const match: Spec = { ...own };
  const namespaceSelector = andSelectors(
    own.namespaceSelector,
    scope.namespaceSelector,
  );
  const objectSelector = andSelectors(own.objectSelector, scope.objectSelector);
  if (namespaceSelector) match.namespaceSelector = namespaceSelector;
  if (objectSelector) match.objectSelector = objectSelector;
  const exclude = [
    ...(own.excludeResourceRules ?? []),
    ...(scope.excludeResourceRules ?? []),
  ];
  if (exclude.length) match.excludeResourceRules = exclude;
  return { match };
}
