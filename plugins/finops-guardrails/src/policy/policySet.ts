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
import type { ASTNode, Environment, ParseResult } from '@marcbachmann/cel-js';
import { createKubernetesCelEnvironment, toCelValue } from './celEnvironment';
import {
  CelMeter,
  DEFAULT_CEL_LIMITS,
  estimateCelCost,
  estimateCelSize,
  withMeter,
  type CelCostEstimate,
  type CelEstimateContext,
  type CelLimitError,
  type CelLimits,
} from './celLimits';
import { groupOf, isClusterScopedKind } from './kustomize';
import {
  asKubernetesObject,
  describeLocation,
  describeObject,
  parseYamlDocuments,
  type KubernetesObject,
  type ManifestFile,
  type ManifestObject,
} from './manifests';

/**
 * What a binding does with a failed validation.
 *
 * @public
 */
export type ValidationAction = 'Deny' | 'Warn' | 'Audit';

/**
 * One failed validation of one object.
 *
 * @public
 */
export interface PolicyViolation {
  policy: string;
  binding: string;
  actions: ValidationAction[];
  message: string;
  /** The validation's reason (`Forbidden`, `Invalid`, …); `Invalid` by default. */
  reason: string;
  /** The CEL expression that failed (or errored). */
  expression: string;
  /** True when the expression did not evaluate (an error, not `false`). */
  evaluationError?: boolean;
  object: {
    apiVersion: string;
    kind: string;
    name: string;
    namespace?: string;
  };
  /** `file:line`, plus the kustomization that rendered the object. */
  location: string;
}

/**
 * One binding applied to one object, with what failed.
 *
 * @public
 */
export interface PolicyCheck {
  policy: string;
  binding: string;
  actions: ValidationAction[];
  object: PolicyViolation['object'];
  location: string;
  violations: PolicyViolation[];
}

/**
 * The outcome of evaluating a policy set on a set of objects.
 *
 * @public
 */
export interface PolicyReport {
  checks: PolicyCheck[];
  violations: PolicyViolation[];
  /** Violations of a binding with the Deny action. */
  denied: PolicyViolation[];
  /** Violations of a binding with the Warn action. */
  warnings: PolicyViolation[];
  /** True when nothing is denied. */
  passed: boolean;
}

/**
 * Options of {@link PolicySet.evaluate}.
 *
 * @public
 */
export interface PolicyEvaluationOptions {
  /** The admission operation the objects are checked as. Default `CREATE`. */
  operation?: 'CREATE' | 'UPDATE';
  /**
   * Labels of namespaces that are not among the objects (a Namespace object
   * among them wins). Every namespace also carries
   * `kubernetes.io/metadata.name`, as the apiserver sets it.
   */
  namespaceLabels?: Record<string, Record<string, string>>;
  /** The namespace of namespaced objects that name none. Default `default`. */
  defaultNamespace?: string;
}

/**
 * Options of {@link PolicySet.load}.
 *
 * @public
 */
export interface PolicySetOptions {
  /**
   * Limits on evaluating the policies' CEL; each one left out keeps its
   * default ({@link DEFAULT_CEL_LIMITS}, Kubernetes' numbers).
   */
  limits?: Partial<CelLimits>;
}

interface Compiled {
  text: string;
  field: string;
  program: ParseResult;
  estimate: CelCostEstimate;
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: string;
    values?: string[];
  }>;
}

interface ResourceRule {
  apiGroups?: string[];
  apiVersions?: string[];
  operations?: string[];
  resources?: string[];
  resourceNames?: string[];
  scope?: string;
}

interface MatchResources {
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  resourceRules?: ResourceRule[];
  excludeResourceRules?: ResourceRule[];
}

interface LoadedPolicy {
  name: string;
  where: string;
  failurePolicy: 'Fail' | 'Ignore';
  paramKind?: { apiVersion: string; kind: string };
  matchConstraints: MatchResources;
  matchConditions: Array<{ name: string; expr: Compiled }>;
  variables: Array<{ name: string; expr: Compiled }>;
  validations: Array<{
    expr: Compiled;
    message?: string;
    messageExpr?: Compiled;
    reason: string;
  }>;
  auditAnnotations: Array<{ key: string; expr: Compiled }>;
}

interface LoadedBinding {
  name: string;
  where: string;
  policyName: string;
  actions: ValidationAction[];
  paramRef?: {
    name?: string;
    namespace?: string;
    selector?: LabelSelector;
    parameterNotFoundAction: 'Allow' | 'Deny';
  };
  matchResources?: MatchResources;
}

const ADMISSION_API_VERSIONS = [
  'admissionregistration.k8s.io/v1',
  'admissionregistration.k8s.io/v1beta1',
];

const ACTIONS: ValidationAction[] = ['Deny', 'Warn', 'Audit'];

const isRecord = (v: unknown): v is Record<string, any> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

// Irregular plurals of the kinds policies match; the rest follow English
// rules (Ingress → ingresses, NetworkPolicy → networkpolicies).
const PLURALS: Record<string, string> = {
  Endpoints: 'endpoints',
  PodSecurityPolicy: 'podsecuritypolicies',
};

/**
 * The resource name of a kind, as `resourceRules` spell it
 * (`Deployment` → `deployments`).
 *
 * @public
 */
export function resourceOfKind(kind: string): string {
  if (PLURALS[kind]) return PLURALS[kind];
  const lower = kind.toLowerCase();
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  return `${lower}s`;
}

/** Whether `labels` satisfy a Kubernetes label selector (none: all do). */
export function matchesLabelSelector(
  selector: LabelSelector | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[e.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[e.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function ruleMatches(
  rule: ResourceRule,
  o: KubernetesObject,
  operation: string,
): boolean {
  const group = groupOf(o.apiVersion);
  const version = o.apiVersion.slice(o.apiVersion.indexOf('/') + 1);
  const resource = resourceOfKind(o.kind);
  const any = (list: string[] | undefined, value: string) =>
    (list ?? []).some(x => x === '*' || x === value);
  if (!any(rule.apiGroups, group)) return false;
  if (!any(rule.apiVersions, version)) return false;
  if (!any(rule.operations, operation)) return false;
  if (!(rule.resources ?? []).some(r => r === '*' || r === resource)) {
    return false;
  }
  if (
    rule.resourceNames &&
    rule.resourceNames.length > 0 &&
    !rule.resourceNames.includes(o.metadata.name)
  ) {
    return false;
  }
  const scope = rule.scope ?? '*';
  const cluster = isClusterScopedKind(o.kind);
  if (scope === 'Cluster' && !cluster) return false;
  if (scope === 'Namespaced' && cluster) return false;
  return true;
}

/** Variable names an expression reads as `variables.<name>`. */
function variableReferences(
  node: ASTNode | undefined,
  out = new Set<string>(),
) {
  if (!node || typeof node !== 'object') return out;
  if (
    (node.op === '.' || node.op === '.?') &&
    Array.isArray(node.args) &&
    isRecord(node.args[0]) &&
    (node.args[0] as ASTNode).op === 'id' &&
    (node.args[0] as ASTNode).args === 'variables'
  ) {
    out.add(String(node.args[1]));
  }
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (isRecord(v) && typeof v.op === 'string') {
      variableReferences(v as ASTNode, out);
    }
  };
  visit(node.args);
  return out;
}

function firstLine(e: unknown): string {
  const err = e as { summary?: string; message?: string };
  return String(err?.summary ?? err?.message ?? e).split('\n')[0];
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');
const SUPERSCRIPTS = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const power = (n: number) =>
  String(n)
    .split('')
    .map(d => SUPERSCRIPTS[Number(d)])
    .join('');

function resolveLimits(limits: Partial<CelLimits> = {}): CelLimits {
  const out = { ...DEFAULT_CEL_LIMITS };
  for (const key of Object.keys(DEFAULT_CEL_LIMITS) as Array<keyof CelLimits>) {
    const v = limits[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v > 0)) {
      throw new InputError(
        `limits.${key} must be a positive number, not ${String(v)}`,
      );
    }
    out[key] = v;
  }
  return out;
}

/** The most items a list or map at `path` holds among params objects. */
function paramsSizeAt(
  params: KubernetesObject[],
  path: string[],
): number | undefined {
  let max: number | undefined;
  for (const p of params) {
    let v: unknown = p;
    for (const key of path) v = isRecord(v) ? v[key] : undefined;
    let n: number | undefined;
    if (Array.isArray(v)) n = v.length;
    else if (isRecord(v)) n = Object.keys(v).length;
    if (n === undefined) return undefined;
    max = Math.max(max ?? 0, n);
  }
  return max;
}

/**
 * Kubernetes ValidatingAdmissionPolicies, their bindings and their params,
 * read from YAML and compiled, ready to evaluate on manifests exactly as the
 * apiserver would admit them (for the CEL features the evaluator supports).
 * Isomorphic: the template form, the scaffolder action and `ai-finops check`
 * use it alike.
 *
 * @public
 */
export class PolicySet {
  readonly #env: Environment;
  readonly #limits: CelLimits;
  readonly #warnings: string[] = [];
  readonly #policies = new Map<string, LoadedPolicy>();
  readonly #bindings: LoadedBinding[] = [];
  readonly #params: Array<{ object: KubernetesObject; where: string }> = [];

  /**
   * Reads and compiles policies, bindings and params from YAML files. Throws
   * one {@link @backstage/errors#InputError} for the first problem, naming the file,
   * line, object and field (and the CEL expression, for one that does not
   * compile, uses a regular expression RE2 refuses, or may cost more than
   * `limits.perCallLimit` with lists of known size). An expression that may
   * cost more only when the objects' lists are long is loaded, with one of
   * the {@link PolicySet.warnings}.
   */
  static load(
    files: ManifestFile[],
    options: PolicySetOptions = {},
  ): PolicySet {
    return new PolicySet(files, options);
  }

  private constructor(files: ManifestFile[], options: PolicySetOptions) {
    this.#limits = resolveLimits(options.limits);
    this.#env = createKubernetesCelEnvironment();
    const policyDocs: Array<{ o: KubernetesObject; where: string }> = [];
    const bindingDocs: Array<{ o: KubernetesObject; where: string }> = [];
    for (const file of files) {
      for (const doc of parseYamlDocuments(file)) {
        const o = asKubernetesObject(doc.value, doc);
        const where = `${doc.file}:${doc.line}`;
        if (ADMISSION_API_VERSIONS.includes(o.apiVersion)) {
          if (o.kind === 'ValidatingAdmissionPolicy')
            policyDocs.push({ o, where });
          else if (o.kind === 'ValidatingAdmissionPolicyBinding') {
            bindingDocs.push({ o, where });
          } else {
            throw new InputError(
              `${where}: ${describeObject(
                o,
              )}: only ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding are evaluated`,
            );
          }
        } else if (o.kind === 'CustomResourceDefinition') {
          // The params kind's definition: applied to clusters, not evaluated.
        } else {
          this.#params.push({ object: o, where });
        }
      }
    }
    for (const { o, where } of policyDocs) {
      if (this.#policies.has(o.metadata.name)) {
        throw new InputError(
          `${where}: ValidatingAdmissionPolicy ${
            o.metadata.name
          } is defined twice (also at ${
            this.#policies.get(o.metadata.name)!.where
          })`,
        );
      }
      this.#policies.set(o.metadata.name, this.#loadPolicy(o, where));
    }
    for (const { o, where } of bindingDocs) {
      this.#bindings.push(this.#loadBinding(o, where));
    }
    for (const p of this.#params) {
      const used = [...this.#policies.values()].some(
        policy =>
          policy.paramKind?.apiVersion === p.object.apiVersion &&
          policy.paramKind?.kind === p.object.kind,
      );
      if (!used) {
        throw new InputError(
          `${p.where}: ${describeObject(
            p.object,
          )} is neither a policy, a binding nor the params of a policy (no policy has paramKind ${
            p.object.apiVersion
          } ${p.object.kind})`,
        );
      }
    }
  }

  /** Names of the loaded policies. */
  get policyNames(): string[] {
    return [...this.#policies.keys()];
  }

  /** The loaded bindings: name, policy and actions. */
  get bindings(): Array<{
    name: string;
    policyName: string;
    actions: ValidationAction[];
  }> {
    return this.#bindings.map(b => ({
      name: b.name,
      policyName: b.policyName,
      actions: b.actions,
    }));
  }

  /** The params objects (e.g. to read a cost cap for a preview). */
  get params(): KubernetesObject[] {
    return this.#params.map(p => p.object);
  }

  /** The CEL limits the policies are evaluated with. */
  get limits(): CelLimits {
    return { ...this.#limits };
  }

  /**
   * What loading found worth saying without refusing the policies: each
   * expression whose estimated cost is over `limits.perCallLimit` when the
   * objects' lists are long (comprehensions nested over lists of unknown
   * size), naming file, policy, field and lists. Evaluation stops such an
   * expression at the limit and denies the object.
   */
  get warnings(): string[] {
    return [...this.#warnings];
  }

  #compile(
    text: unknown,
    field: string,
    owner: string,
    where: string,
    estimateContext: CelEstimateContext,
    declaredVariables?: string[],
  ): Compiled {
    if (typeof text !== 'string' || text.trim() === '') {
      throw new InputError(
        `${where}: ${owner}: ${field} must be a non-empty string`,
      );
    }
    const fail = (reason: string) =>
      new InputError(
        `${where}: ${owner}: ${field} does not compile: ${reason}; expression: ${text.trim()}`,
      );
    let program: ParseResult;
    try {
      program = this.#env.parse(text);
    } catch (e) {
      const range = (e as { range?: { start: number } }).range;
      throw fail(
        `${firstLine(e)}${range ? ` at column ${range.start + 1}` : ''}`,
      );
    }
    const check = program.check();
    if (!check.valid) {
      const range = check.error?.range;
      throw fail(
        `${firstLine(check.error)}${
          range ? ` at column ${range.start + 1}` : ''
        }`,
      );
    }
    if (declaredVariables) {
      for (const name of variableReferences(program.ast)) {
        if (!declaredVariables.includes(name)) {
          throw fail(
            `variables.${name} is not declared before it is used (declared: ${
              declaredVariables.join(', ') || 'none'
            })`,
          );
        }
      }
    }
    const estimate = estimateCelCost(program.ast, estimateContext);
    const limit = this.#limits.perCallLimit;
    if (estimate.cost > limit) {
      if (estimate.degree === 0) {
        throw new InputError(
          `${where}: ${owner}: ${field} may cost about ${count(
            estimate.cost,
          )} with lists of known size (literals, params), more than the per-expression limit of ${count(
            limit,
          )}; expression: ${text.trim()}`,
        );
      }
      this.#warnings.push(
        `${where}: ${owner}: ${field} may cost about ${count(
          estimate.cost,
        )} when a list of unknown size holds ${count(
          estimateContext.assumedListSize,
        )} items, more than the per-expression limit of ${count(
          limit,
        )}: it nests comprehensions over ${estimate.unboundedLists.join(
          ', ',
        )} (O(n${power(
          estimate.degree,
        )}) in their size); evaluation stops at the limit`,
      );
    }
    return { text, field, program, estimate };
  }

  #loadPolicy(o: KubernetesObject, where: string): LoadedPolicy {
    const owner = `ValidatingAdmissionPolicy ${o.metadata.name}`;
    const spec = o.spec;
    const bad = (field: string, what: string) =>
      new InputError(`${where}: ${owner}: ${field} ${what}`);
    if (!isRecord(spec)) throw bad('spec', 'is missing');
    const failurePolicy = spec.failurePolicy ?? 'Fail';
    if (failurePolicy !== 'Fail' && failurePolicy !== 'Ignore') {
      throw bad(
        'spec.failurePolicy',
        `must be Fail or Ignore, not '${failurePolicy}'`,
      );
    }
    let paramKind: LoadedPolicy['paramKind'];
    if (spec.paramKind !== undefined) {
      const pk = spec.paramKind;
      if (
        !isRecord(pk) ||
        typeof pk.apiVersion !== 'string' ||
        typeof pk.kind !== 'string'
      ) {
        throw bad('spec.paramKind', 'needs apiVersion and kind');
      }
      paramKind = { apiVersion: pk.apiVersion, kind: pk.kind };
    }
    const matchConstraints = this.#matchResources(
      spec.matchConstraints,
      'spec.matchConstraints',
      owner,
      where,
    );
    if (!matchConstraints || !(matchConstraints.resourceRules ?? []).length) {
      throw bad('spec.matchConstraints.resourceRules', 'is required');
    }
    const declared: string[] = [];
    // The params are loaded with the policies: their lists have known sizes.
    const paramObjects = this.#params
      .map(p => p.object)
      .filter(
        p =>
          p.apiVersion === paramKind?.apiVersion && p.kind === paramKind?.kind,
      );
    const estimateContext: CelEstimateContext = {
      assumedListSize: this.#limits.assumedListSize,
      variables: new Map(),
      paramsSize: path =>
        paramObjects.length ? paramsSizeAt(paramObjects, path) : undefined,
    };
    const list = (field: string): any[] => {
      const v = spec[field];
      if (v === undefined || v === null) return [];
      if (!Array.isArray(v)) throw bad(`spec.${field}`, 'must be a list');
      return v;
    };
    const variables = list('variables').map((v, i) => {
      const field = `spec.variables[${i}]`;
      if (
        !isRecord(v) ||
        typeof v.name !== 'string' ||
        !/^[A-Za-z_][A-Za-z0-9_]*$/.test(v.name)
      ) {
        throw bad(`${field}.name`, 'must be a CEL identifier');
      }
      const expr = this.#compile(
        v.expression,
        `${field}.expression`,
        owner,
        where,
        estimateContext,
        [...declared],
      );
      declared.push(v.name);
      estimateContext.variables.set(v.name, {
        estimate: expr.estimate,
        size: estimateCelSize(expr.program.ast, estimateContext),
      });
      return { name: v.name as string, expr };
    });
    // After the variables: every expression below sees all of them.
    const compileField = (expression: unknown, field: string) =>
      this.#compile(expression, field, owner, where, estimateContext, declared);
    const matchConditions = list('matchConditions').map((m, i) => {
      const field = `spec.matchConditions[${i}]`;
      if (!isRecord(m) || typeof m.name !== 'string')
        throw bad(`${field}.name`, 'is required');
      return {
        name: m.name as string,
        expr: compileField(m.expression, `${field}.expression`),
      };
    });
    const validations = list('validations').map((v, i) => {
      const field = `spec.validations[${i}]`;
      if (!isRecord(v)) throw bad(field, 'must be a mapping');
      if (
        v.message !== undefined &&
        (typeof v.message !== 'string' || /[\r\n]/.test(v.message.trim()))
      ) {
        throw bad(`${field}.message`, 'must be a single-line string');
      }
      return {
        expr: compileField(v.expression, `${field}.expression`),
        message: v.message?.trim() as string | undefined,
        messageExpr:
          v.messageExpression === undefined
            ? undefined
            : compileField(v.messageExpression, `${field}.messageExpression`),
        reason: typeof v.reason === 'string' ? v.reason : 'Invalid',
      };
    });
    const auditAnnotations = list('auditAnnotations').map((a, i) => {
      const field = `spec.auditAnnotations[${i}]`;
      if (!isRecord(a) || typeof a.key !== 'string')
        throw bad(`${field}.key`, 'is required');
      return {
        key: a.key as string,
        expr: compileField(a.valueExpression, `${field}.valueExpression`),
      };
    });
    if (validations.length === 0 && auditAnnotations.length === 0) {
      throw bad(
        'spec.validations',
        'is empty: a policy needs validations or auditAnnotations',
      );
    }
    return {
      name: o.metadata.name,
      where,
      failurePolicy,
      paramKind,
      matchConstraints,
      matchConditions,
      variables,
      validations,
      auditAnnotations,
    };
  }

  #matchResources(
    value: unknown,
    field: string,
    owner: string,
    where: string,
  ): MatchResources | undefined {
    if (value === undefined || value === null) return undefined;
    if (!isRecord(value)) {
      throw new InputError(`${where}: ${owner}: ${field} must be a mapping`);
    }
    const rules = (name: string): ResourceRule[] | undefined => {
      const v = value[name];
      if (v === undefined) return undefined;
      if (!Array.isArray(v) || v.some(r => !isRecord(r))) {
        throw new InputError(
          `${where}: ${owner}: ${field}.${name} must be a list of rules`,
        );
      }
      v.forEach((r, i) => {
        for (const key of [
          'apiGroups',
          'apiVersions',
          'operations',
          'resources',
        ]) {
          if (
            !Array.isArray(r[key]) ||
            r[key].some((x: unknown) => typeof x !== 'string')
          ) {
            throw new InputError(
              `${where}: ${owner}: ${field}.${name}[${i}].${key} must be a list of strings`,
            );
          }
        }
      });
      return v as ResourceRule[];
    };
    const selector = (name: string): LabelSelector | undefined => {
      const v = value[name];
      if (v === undefined) return undefined;
      if (!isRecord(v)) {
        throw new InputError(
          `${where}: ${owner}: ${field}.${name} must be a label selector`,
        );
      }
      for (const [i, e] of (v.matchExpressions ?? []).entries()) {
        if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(e?.operator)) {
          throw new InputError(
            `${where}: ${owner}: ${field}.${name}.matchExpressions[${i}].operator must be In, NotIn, Exists or DoesNotExist`,
          );
        }
      }
      return v as LabelSelector;
    };
    return {
      resourceRules: rules('resourceRules'),
      excludeResourceRules: rules('excludeResourceRules'),
      namespaceSelector: selector('namespaceSelector'),
      objectSelector: selector('objectSelector'),
    };
  }

  #loadBinding(o: KubernetesObject, where: string): LoadedBinding {
    const owner = `ValidatingAdmissionPolicyBinding ${o.metadata.name}`;
    const bad = (field: string, what: string) =>
      new InputError(`${where}: ${owner}: ${field} ${what}`);
    const spec = o.spec;
    if (!isRecord(spec)) throw bad('spec', 'is missing');
    if (typeof spec.policyName !== 'string' || !spec.policyName) {
      throw bad('spec.policyName', 'is required');
    }
    const policy = this.#policies.get(spec.policyName);
    if (!policy) {
      throw bad(
        'spec.policyName',
        `names ${spec.policyName}, which is not among the policies (${
          [...this.#policies.keys()].join(', ') || 'none loaded'
        })`,
      );
    }
    const actions = spec.validationActions;
    if (
      !Array.isArray(actions) ||
      actions.length === 0 ||
      actions.some(a => !ACTIONS.includes(a))
    ) {
      throw bad(
        'spec.validationActions',
        'must list one or more of Deny, Warn, Audit',
      );
    }
    if (actions.includes('Deny') && actions.includes('Warn')) {
      throw bad('spec.validationActions', 'cannot hold both Deny and Warn');
    }
    let paramRef: LoadedBinding['paramRef'];
    if (spec.paramRef !== undefined) {
      const p = spec.paramRef;
      if (!isRecord(p)) throw bad('spec.paramRef', 'must be a mapping');
      if ((p.name === undefined) === (p.selector === undefined)) {
        throw bad('spec.paramRef', 'needs exactly one of name and selector');
      }
      const action = p.parameterNotFoundAction ?? 'Deny';
      if (action !== 'Allow' && action !== 'Deny') {
        throw bad(
          'spec.paramRef.parameterNotFoundAction',
          'must be Allow or Deny',
        );
      }
      if (!policy.paramKind) {
        throw bad(
          'spec.paramRef',
          `is set but policy ${policy.name} has no paramKind`,
        );
      }
      paramRef = {
        name: p.name,
        namespace: p.namespace,
        selector: p.selector,
        parameterNotFoundAction: action,
      };
    }
    return {
      name: o.metadata.name,
      where,
      policyName: spec.policyName,
      actions: actions as ValidationAction[],
      paramRef,
      matchResources: this.#matchResources(
        spec.matchResources,
        'spec.matchResources',
        owner,
        where,
      ),
    };
  }

  #matches(
    m: MatchResources | undefined,
    o: KubernetesObject,
    namespaceLabels: Record<string, string> | undefined,
    operation: string,
  ): boolean {
    if (!m) return true;
    if (
      m.resourceRules &&
      !m.resourceRules.some(r => ruleMatches(r, o, operation))
    ) {
      return false;
    }
    if (
      (m.excludeResourceRules ?? []).some(r => ruleMatches(r, o, operation))
    ) {
      return false;
    }
    if (!matchesLabelSelector(m.objectSelector, o.metadata.labels ?? {}))
      return false;
    const nsLabels =
      o.kind === 'Namespace'
        ? {
            ...o.metadata.labels,
            'kubernetes.io/metadata.name': o.metadata.name,
          }
        : namespaceLabels;
    if (nsLabels && !matchesLabelSelector(m.namespaceSelector, nsLabels))
      return false;
    return true;
  }

  #paramsFor(
    binding: LoadedBinding,
    policy: LoadedPolicy,
    namespace: string | undefined,
  ) {
    const ref = binding.paramRef;
    if (!ref || !policy.paramKind) return undefined;
    const candidates = this.#params
      .map(p => p.object)
      .filter(
        p =>
          p.apiVersion === policy.paramKind!.apiVersion &&
          p.kind === policy.paramKind!.kind,
      )
      .filter(p => {
        const ns =
          ref.namespace ??
          (isClusterScopedKind(p.kind) ? undefined : namespace);
        return !ns || !p.metadata.namespace || p.metadata.namespace === ns;
      });
    return ref.name !== undefined
      ? candidates.filter(p => p.metadata.name === ref.name)
      : candidates.filter(p =>
          matchesLabelSelector(ref.selector, p.metadata.labels ?? {}),
        );
  }

  /**
   * Evaluates every binding's policy on every object it matches, as an
   * admission request of `options.operation` would.
   */
  evaluate(
    objects: readonly ManifestObject[],
    options: PolicyEvaluationOptions = {},
  ): PolicyReport {
    const operation = options.operation ?? 'CREATE';
    const defaultNamespace = options.defaultNamespace ?? 'default';
    const namespaces = new Map<string, KubernetesObject>();
    for (const [name, labels] of Object.entries(
      options.namespaceLabels ?? {},
    )) {
      namespaces.set(name, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, labels },
      });
    }
    for (const m of objects) {
      if (m.object.kind === 'Namespace' && m.object.apiVersion === 'v1') {
        namespaces.set(m.object.metadata.name, m.object);
      }
    }
    // One Namespace object per namespace, not one per binding and object.
    const namespaceObjects = new Map<string, KubernetesObject>();
    const namespaceObject = (name: string): KubernetesObject => {
      let cached = namespaceObjects.get(name);
      if (!cached) {
        const ns = namespaces.get(name) ?? {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name },
        };
        cached = {
          ...ns,
          metadata: {
            ...ns.metadata,
            labels: {
              ...ns.metadata.labels,
              'kubernetes.io/metadata.name': name,
            },
          },
        };
        namespaceObjects.set(name, cached);
      }
      return cached;
    };

    // Each object and params object is converted to CEL values once, not
    // once per binding (evaluation never changes them).
    const celValues = new Map<object, unknown>();
    const celOf = (value: object) => {
      let cel = celValues.get(value);
      if (cel === undefined) {
        cel = toCelValue(value);
        celValues.set(value, cel);
      }
      return cel;
    };
    const checks: PolicyCheck[] = [];
    for (const binding of this.#bindings) {
      const policy = this.#policies.get(binding.policyName)!;
      for (const m of objects) {
        const o = m.object;
        const cluster = isClusterScopedKind(o.kind);
        const namespace = cluster
          ? undefined
          : o.metadata.namespace ?? defaultNamespace;
        const nsObject = namespace ? namespaceObject(namespace) : undefined;
        const nsLabels = nsObject?.metadata.labels;
        if (!this.#matches(policy.matchConstraints, o, nsLabels, operation))
          continue;
        if (!this.#matches(binding.matchResources, o, nsLabels, operation))
          continue;
        const ref = {
          apiVersion: o.apiVersion,
          kind: o.kind,
          name: o.metadata.name,
          ...(namespace ? { namespace } : {}),
        };
        const check: PolicyCheck = {
          policy: policy.name,
          binding: binding.name,
          actions: binding.actions,
          object: ref,
          location: describeLocation(m),
          violations: [],
        };
        const violation = (
          message: string,
          expression: string,
          reason = 'Invalid',
          evaluationError = false,
        ) =>
          check.violations.push({
            policy: policy.name,
            binding: binding.name,
            actions: binding.actions,
            message,
            reason,
            expression,
            ...(evaluationError ? { evaluationError } : {}),
            object: ref,
            location: check.location,
          });
        const params = this.#paramsFor(binding, policy, namespace);
        if (params && params.length === 0) {
          if (binding.paramRef!.parameterNotFoundAction === 'Deny') {
            violation(
              `no params found for policy binding ${binding.name} (paramRef ${
                binding.paramRef!.name ?? 'selector'
              } of ${policy.paramKind!.kind})`,
              'params != null',
            );
          }
          checks.push(check);
          continue;
        }
        for (const p of params ?? [null]) {
          this.#evaluateOne(
            policy,
            o,
            p,
            nsObject,
            operation,
            violation,
            celOf,
          );
        }
        checks.push(check);
      }
    }
    const violations = checks.flatMap(c => c.violations);
    const denied = violations.filter(v => v.actions.includes('Deny'));
    return {
      checks,
      violations,
      denied,
      warnings: violations.filter(v => v.actions.includes('Warn')),
      passed: denied.length === 0,
    };
  }

  #evaluateOne(
    policy: LoadedPolicy,
    o: KubernetesObject,
    params: KubernetesObject | null,
    nsObject: KubernetesObject | undefined,
    operation: string,
    violation: (
      message: string,
      expression: string,
      reason?: string,
      evaluationError?: boolean,
    ) => void,
    celOf: (value: object) => unknown,
  ) {
    const group = groupOf(o.apiVersion);
    const version = o.apiVersion.slice(o.apiVersion.indexOf('/') + 1);
    const variables: Record<string, unknown> = Object.create(null);
    const context: Record<string, unknown> = {
      object: celOf(o),
      oldObject: null,
      params: params ? celOf(params) : null,
      namespaceObject: nsObject ? celOf(nsObject) : null,
      request: toCelValue({
        kind: { group, version, kind: o.kind },
        resource: { group, version, resource: resourceOfKind(o.kind) },
        name: o.metadata.name,
        namespace: nsObject?.metadata.name ?? '',
        operation,
        userInfo: { username: 'ai-finops', groups: [] },
        dryRun: true,
      }),
      variables,
    };
    // Variables are lazy and evaluated at most once, as in the apiserver: an
    // error surfaces only in the expressions that read the variable.
    for (const v of policy.variables) {
      let state: { value?: unknown; error?: unknown } | undefined;
      Object.defineProperty(variables, v.name, {
        enumerable: true,
        get() {
          if (!state) {
            try {
              state = { value: v.expr.program(context) };
            } catch (error) {
              state = { error };
            }
          }
          if ('error' in state) {
            throw new Error(`variables.${v.name}: ${firstLine(state.error)}`);
          }
          return state.value;
        },
      });
    }
    // One runtime cost budget for this evaluation of the policy (binding ×
    // object × params), as the apiserver gives each; each expression may
    // also spend at most perCallLimit. The variables an expression reads
    // first are charged to it. An expression over a limit fails closed,
    // whatever failurePolicy says (the apiserver applies failurePolicy): an
    // object that makes a guardrail give up is not let through, and the
    // rest of the policy is not evaluated.
    const limits = this.#limits;
    let budgetLeft = limits.runtimeCostBudget;
    const run = (
      c: Compiled,
    ): { value?: unknown; error?: string; stop?: true } => {
      const callLimit = Math.max(0, Math.min(limits.perCallLimit, budgetLeft));
      const meter = new CelMeter(callLimit, limits.maxValueSize);
      let result: { value?: unknown; error?: string };
      try {
        result = { value: withMeter(meter, () => c.program(context)) };
      } catch (error) {
        result = { error: firstLine(error) };
      }
      budgetLeft -= Math.min(meter.cost, callLimit);
      if (!meter.failure) return result;
      const expression = c.text.trim();
      violation(
        `policy ${
          policy.name
        }: expression '${expression}' exceeded ${limitReason(
          meter.failure,
          callLimit,
          limits,
        )}; the object is denied (CEL cost limits fail closed)`,
        expression,
        'Invalid',
        true,
      );
      return { stop: true };
    };
    for (const mc of policy.matchConditions) {
      const r = run(mc.expr);
      if (r.stop) return;
      if (r.error !== undefined || typeof r.value !== 'boolean') {
        if (policy.failurePolicy === 'Fail') {
          violation(
            `matchCondition ${
              mc.name
            }: expression '${mc.expr.text.trim()}' resulted in error: ${
              r.error ?? `expected a bool, got ${typeof r.value}`
            }`,
            mc.expr.text.trim(),
            'Invalid',
            true,
          );
        }
        return;
      }
      if (r.value === false) return;
    }
    for (const v of policy.validations) {
      const r = run(v.expr);
      if (r.stop) return;
      const expression = v.expr.text.trim();
      if (r.error !== undefined || typeof r.value !== 'boolean') {
        if (policy.failurePolicy === 'Fail') {
          violation(
            `expression '${expression}' resulted in error: ${
              r.error ?? `expected a bool, got ${typeof r.value}`
            }`,
            expression,
            v.reason,
            true,
          );
        }
        continue;
      }
      if (r.value) continue;
      let message = v.message || `failed expression: ${expression}`;
      if (v.messageExpr) {
        const m = run(v.messageExpr);
        if (m.stop) {
          // The validation failed all the same.
          violation(message, expression, v.reason);
          return;
        }
        if (
          typeof m.value === 'string' &&
          m.value.trim() &&
          !/[\r\n]/.test(m.value.trim())
        ) {
          message = m.value.trim();
        }
      }
      violation(message, expression, v.reason);
    }
    for (const a of policy.auditAnnotations) {
      // Evaluated for their limits only: annotations have no place in a CI
      // report.
      if (run(a.expr).stop) return;
    }
  }
}

function limitReason(
  failure: CelLimitError,
  callLimit: number,
  limits: CelLimits,
): string {
  if (failure.limit === 'size') return failure.message;
  if (callLimit < limits.perCallLimit) {
    return `the runtime cost budget of ${count(
      limits.runtimeCostBudget,
    )} of one policy evaluation (${count(
      callLimit,
    )} left after the expressions before it)`;
  }
  return `the per-expression cost limit of ${count(limits.perCallLimit)}`;
}
