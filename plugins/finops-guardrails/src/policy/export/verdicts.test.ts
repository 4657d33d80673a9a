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

import type { ParseResult } from '@marcbachmann/cel-js';
import { parseAllDocuments, stringify } from 'yaml';
import { exportPolicies } from '.';
import {
  exportTestManifests,
  NAMESPACE_LABELS,
  shippedPolicyFiles,
} from '../__testUtils__/exportManifests';
import { createKubernetesCelEnvironment, toCelValue } from '../celEnvironment';
import { groupOf, isClusterScopedKind } from '../kustomize';
import type { KubernetesObject, ManifestObject } from '../manifests';
import { PolicySet, resourceOfKind, type PolicyReport } from '../policySet';

// Same manifests, same verdicts: every shipped policy is evaluated (a) as the
// ValidatingAdmissionPolicy it is, through PolicySet, and (b) as the CEL the
// export emits, with the suite's evaluator and the variables each engine
// binds. Kyverno's ValidatingPolicy binds what a ValidatingAdmissionPolicy
// binds (object, oldObject, request, namespaceObject, variables), so its
// objects are evaluated by PolicySet as policies without params; Gatekeeper's
// CEL engine binds object, oldObject, request, variables.params (the
// constraint's parameters) and variables.anyObject, and matches kinds and
// selectors: a small evaluator below does that. No top-level `params` is
// bound in either, so an expression the export failed to rewrite errors.

const files = shippedPolicyFiles();
const manifests = exportTestManifests();
const evaluation = { namespaceLabels: NAMESPACE_LABELS };

/** `binding kind namespace/name` → the messages (`ERROR` for an evaluation error), sorted; empty when allowed. */
type Verdicts = Map<string, string>;

const objectKey = (o: { kind: string; namespace?: string; name: string }) =>
  `${o.kind} ${o.namespace ?? ''}/${o.name}`;

function verdictsOf(report: PolicyReport): Verdicts {
  const out: Verdicts = new Map();
  for (const c of report.checks) {
    out.set(
      `${c.binding} ${c.actions.join(',')} ${objectKey(c.object)}`,
      c.violations
        .map(v => (v.evaluationError ? 'ERROR' : v.message))
        .sort()
        .join(' | '),
    );
  }
  return out;
}

const isEqual = (a: Verdicts, b: Verdicts) =>
  a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

const only = (verdicts: Verdicts, bindings: Set<string>): Verdicts =>
  new Map(
    [...verdicts].filter(([key]) =>
      bindings.has(key.slice(0, key.indexOf(' '))),
    ),
  );

const referenceReport = PolicySet.load(files).evaluate(manifests, evaluation);
const reference = verdictsOf(referenceReport);

/** The source's validation expressions, by policy name. */
const sourceValidations = new Map<string, string[]>(
  files
    .flatMap(f => parseAllDocuments(f.content).map(d => d.toJS()))
    .filter(o => o?.kind === 'ValidatingAdmissionPolicy')
    .map(o => [
      o.metadata.name,
      (o.spec.validations ?? []).map((v: any) => String(v.expression).trim()),
    ]),
);

/** Whether a validation of the source denies one of the manifests. */
const failsSomewhere = (binding: string, expression: string) =>
  referenceReport.violations.some(
    v =>
      v.binding === binding &&
      !v.evaluationError &&
      v.expression === expression,
  );

/** A Kyverno ValidatingPolicy as the ValidatingAdmissionPolicy + binding it amounts to. */
function kyvernoAsAdmissionPolicy(policy: any): string {
  const { validationActions, ...spec } = policy.spec;
  return stringify([
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: policy.metadata.name },
      spec,
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: policy.metadata.name },
      spec: { policyName: policy.metadata.name, validationActions },
    },
  ])
    .replace(/^- /gm, '---\n')
    .replace(/^ {2}/gm, '');
}

function kyvernoVerdicts(policies: any[]): Verdicts {
  const set = PolicySet.load(
    policies.map(p => ({
      path: `${p.metadata.name}.yaml`,
      content: kyvernoAsAdmissionPolicy(p),
    })),
  );
  return verdictsOf(set.evaluate(manifests, evaluation));
}

// --- Gatekeeper's CEL engine, as far as these policies need it ---

const env = createKubernetesCelEnvironment();
const ACTIONS: Record<string, string> = {
  deny: 'Deny',
  warn: 'Warn',
  dryrun: 'Audit',
};

function selects(selector: any, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  return (selector.matchExpressions ?? []).every((e: any) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In':
        return has && e.values.includes(labels[e.key]);
      case 'NotIn':
        return !has || !e.values.includes(labels[e.key]);
      case 'Exists':
        return has;
      default:
        return !has;
    }
  });
}

function namespaceLabelsOf(objects: ManifestObject[]) {
  const labels = new Map<string, Record<string, string>>();
  for (const [name, l] of Object.entries(NAMESPACE_LABELS)) labels.set(name, l);
  for (const { object: o } of objects) {
    if (o.kind === 'Namespace') {
      labels.set(o.metadata.name, o.metadata.labels ?? {});
    }
  }
  return (name: string) => ({
    ...labels.get(name),
    'kubernetes.io/metadata.name': name,
  });
}

function gatekeeperVerdicts(template: any, constraints: any[]): Verdicts {
  const source = template.spec.targets[0].code[0].source;
  const compile = (e: string): ParseResult => env.parse(e);
  const conditions = (source.matchCondition ?? []).map((m: any) =>
    compile(m.expression),
  );
  const variables = (source.variables ?? []).map((v: any) => ({
    name: v.name,
    program: compile(v.expression),
  }));
  const validations = source.validations.map((v: any) => ({
    ...v,
    program: compile(v.expression),
    messageProgram: v.messageExpression && compile(v.messageExpression),
  }));
  const labelsOf = namespaceLabelsOf(manifests);
  const out: Verdicts = new Map();
  for (const constraint of constraints) {
    const { match, parameters, enforcementAction } = constraint.spec;
    for (const { object: o } of manifests) {
      if (isClusterScopedKind(o.kind)) continue;
      const group = groupOf(o.apiVersion);
      const kindMatches = match.kinds.some(
        (k: any) =>
          (k.apiGroups.includes('*') || k.apiGroups.includes(group)) &&
          (k.kinds.includes('*') || k.kinds.includes(o.kind)),
      );
      const namespace = o.metadata.namespace ?? 'default';
      if (
        !kindMatches ||
        !selects(match.namespaceSelector, labelsOf(namespace)) ||
        !selects(match.labelSelector, o.metadata.labels ?? {})
      ) {
        continue;
      }
      const messages = evaluateGatekeeper(o, namespace, parameters, {
        conditions,
        variables,
        validations,
        failurePolicy: source.failurePolicy,
      });
      out.set(
        `${constraint.metadata.name} ${ACTIONS[enforcementAction]} ${objectKey({
          kind: o.kind,
          namespace,
          name: o.metadata.name,
        })}`,
        messages.sort().join(' | '),
      );
    }
  }
  return out;
}

function evaluateGatekeeper(
  o: KubernetesObject,
  namespace: string,
  parameters: unknown,
  policy: {
    conditions: ParseResult[];
    variables: Array<{ name: string; program: ParseResult }>;
    validations: any[];
    failurePolicy: string;
  },
): string[] {
  const group = groupOf(o.apiVersion);
  const version = o.apiVersion.slice(o.apiVersion.indexOf('/') + 1);
  const object = toCelValue(o);
  const variables: Record<string, unknown> = Object.create(null);
  variables.params = parameters === undefined ? null : toCelValue(parameters);
  variables.anyObject = object;
  const context = {
    object,
    oldObject: null,
    request: toCelValue({
      kind: { group, version, kind: o.kind },
      resource: { group, version, resource: resourceOfKind(o.kind) },
      name: o.metadata.name,
      namespace,
      operation: 'CREATE',
      userInfo: { username: 'ai-finops', groups: [] },
      dryRun: true,
    }),
    variables,
  };
  for (const v of policy.variables) {
    let state: { value?: unknown; error?: unknown } | undefined;
    Object.defineProperty(variables, v.name, {
      enumerable: true,
      get() {
        if (!state) {
          try {
            state = { value: v.program(context) };
          } catch (error) {
            state = { error };
          }
        }
        if ('error' in state) throw state.error;
        return state.value;
      },
    });
  }
  const run = (p: ParseResult): { value?: unknown; error?: true } => {
    try {
      return { value: p(context) };
    } catch {
      return { error: true };
    }
  };
  const fail = policy.failurePolicy !== 'Ignore';
  for (const c of policy.conditions) {
    const r = run(c);
    if (r.error || typeof r.value !== 'boolean') return fail ? ['ERROR'] : [];
    if (!r.value) return [];
  }
  const messages: string[] = [];
  for (const v of policy.validations) {
    const r = run(v.program);
    if (r.error || typeof r.value !== 'boolean') {
      if (fail) messages.push('ERROR');
      continue;
    }
    if (r.value) continue;
    let message =
      v.message?.trim() || `failed expression: ${v.expression.trim()}`;
    if (v.messageProgram) {
      const m = run(v.messageProgram);
      if (
        typeof m.value === 'string' &&
        m.value.trim() &&
        !/[\r\n]/.test(m.value.trim())
      ) {
        message = m.value.trim();
      }
    }
    messages.push(message);
  }
  return messages;
}

describe('same manifests, same verdicts', () => {
  const kyverno = exportPolicies(files, 'kyverno');
  const gatekeeper = exportPolicies(files, 'gatekeeper');
  const kyvernoObjects = kyverno.policies.flatMap(p => p.objects) as any[];

  it('the manifests exercise the policies: denials, warnings and passes', () => {
    const values = [...reference.values()];
    expect(manifests.length).toBeGreaterThan(60);
    expect(values.filter(v => v === '').length).toBeGreaterThan(10);
    expect(
      values.filter(v => v !== '' && v !== 'ERROR').length,
    ).toBeGreaterThan(20);
    expect([...reference.keys()].some(k => k.includes(' Warn '))).toBe(true);
  });

  it('Kyverno: every exported ValidatingPolicy gives the verdicts and messages of its binding', () => {
    const bindings = new Set(
      kyvernoObjects.map(o => o.metadata.name as string),
    );
    expect(bindings.size).toBeGreaterThan(10);
    expect(kyvernoVerdicts(kyvernoObjects)).toEqual(only(reference, bindings));
  });

  it('Gatekeeper: every template with its constraints gives the verdicts and messages of the bindings', () => {
    expect(gatekeeper.policies.length).toBeGreaterThan(4);
    for (const { objects } of gatekeeper.policies) {
      const [template, ...constraints] = objects as any[];
      const bindings = new Set(constraints.map(c => c.metadata.name as string));
      expect(gatekeeperVerdicts(template, constraints)).toEqual(
        only(reference, bindings),
      );
    }
  });

  it('would notice a dropped validation or variable (Kyverno)', () => {
    // Each mutation: a policy without one validation that denies some manifest,
    // or without its params variable; its verdicts must differ.
    const mutations: Array<{ name: string; policy: any }> = [];
    for (const policy of kyvernoObjects) {
      if (!policy.spec.validationActions.includes('Deny')) continue;
      const originals = sourceValidations.get(
        policy.metadata.annotations['ai-finops.io/policy'],
      )!;
      for (let i = 0; i < policy.spec.validations.length; i++) {
        if (policy.spec.validations.length === 1) break;
        if (!failsSomewhere(policy.metadata.name, originals[i])) continue;
        const mutated = structuredClone(policy);
        mutated.spec.validations.splice(i, 1);
        mutations.push({
          name: `${policy.metadata.name} without validation ${i}`,
          policy: mutated,
        });
      }
      if (policy.spec.variables?.[0]?.name === 'guardrailParams') {
        const mutated = structuredClone(policy);
        mutated.spec.variables.shift();
        mutations.push({
          name: `${policy.metadata.name} without guardrailParams`,
          policy: mutated,
        });
      }
    }
    expect(mutations.length).toBeGreaterThan(5);
    const unnoticed = mutations.filter(({ policy }) => {
      let verdicts: Verdicts;
      try {
        verdicts = kyvernoVerdicts([policy]);
      } catch (error) {
        // PolicySet refuses a policy reading a variable it does not declare.
        return !/is not declared before it is used/.test(String(error));
      }
      return isEqual(
        verdicts,
        only(reference, new Set([policy.metadata.name as string])),
      );
    });
    expect(unnoticed.map(m => m.name)).toEqual([]);
  });

  it('would notice a dropped validation or variable (Gatekeeper)', () => {
    const mutations: Array<{
      name: string;
      template: any;
      constraints: any[];
    }> = [];
    for (const { objects } of gatekeeper.policies) {
      const [template, ...constraints] = objects as any[];
      const source = template.spec.targets[0].code[0].source;
      const originals = sourceValidations.get(
        template.metadata.annotations['ai-finops.io/policy'],
      )!;
      if (source.variables?.[0]?.name === 'guardrailParams') {
        const mutated = structuredClone(template);
        mutated.spec.targets[0].code[0].source.variables.shift();
        mutations.push({
          name: `${template.metadata.name} without guardrailParams`,
          template: mutated,
          constraints,
        });
      }
      for (let i = 0; i < source.validations.length; i++) {
        if (source.validations.length === 1) break;
        const exercised = constraints.some(c =>
          failsSomewhere(c.metadata.name, originals[i]),
        );
        if (!exercised) continue;
        const mutated = structuredClone(template);
        mutated.spec.targets[0].code[0].source.validations.splice(i, 1);
        mutations.push({
          name: `${template.metadata.name} without validation ${i}`,
          template: mutated,
          constraints,
        });
      }
    }
    expect(mutations.length).toBeGreaterThan(5);
    const unnoticed = mutations.filter(({ template, constraints }) =>
      isEqual(
        gatekeeperVerdicts(template, constraints),
        only(
          reference,
          new Set(constraints.map(c => c.metadata.name as string)),
        ),
      ),
    );
    expect(unnoticed.map(m => m.name)).toEqual([]);
  });
});
