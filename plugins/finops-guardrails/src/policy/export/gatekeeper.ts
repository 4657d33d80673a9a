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

import { celLiteral } from './celRewrite';
import {
  exportedMetadata,
  mergedMatch,
  namesRead,
  paramsVariableName,
  readsParams,
  rewriteParams,
} from './common';
import type { SourceBinding, SourcePolicy, Spec } from './source';

/** The ConstraintTemplate API the export writes. */
export const GATEKEEPER_TEMPLATE_API_VERSION = 'templates.gatekeeper.sh/v1';
/** The API of the constraints Gatekeeper creates from a template. */
export const GATEKEEPER_CONSTRAINT_API_VERSION =
  'constraints.gatekeeper.sh/v1beta1';

// Names Gatekeeper's CEL engine (K8sNativeValidation) reserves for itself:
// the constraint's parameters and the object (oldObject on DELETE).
const RESERVED_VARIABLES = ['params', 'anyObject'];
const RESERVED_PREFIX = 'gatekeeper_internal_';

// Names a ValidatingAdmissionPolicy may read that Gatekeeper's CEL engine does
// not bind (gatekeeper#3777 for namespaceObject; no authorizer).
const UNBOUND_IN_GATEKEEPER = ['namespaceObject', 'authorizer'];

// Gatekeeper matches kinds, admission policies match resources: the kinds of
// the resources guardrail policies match. A resource not listed here is
// matched by the kind its name suggests (see kindOfResource).
const KINDS: Record<string, string> = {
  pods: 'Pod',
  services: 'Service',
  namespaces: 'Namespace',
  configmaps: 'ConfigMap',
  secrets: 'Secret',
  serviceaccounts: 'ServiceAccount',
  persistentvolumeclaims: 'PersistentVolumeClaim',
  replicationcontrollers: 'ReplicationController',
  deployments: 'Deployment',
  statefulsets: 'StatefulSet',
  daemonsets: 'DaemonSet',
  replicasets: 'ReplicaSet',
  jobs: 'Job',
  cronjobs: 'CronJob',
  horizontalpodautoscalers: 'HorizontalPodAutoscaler',
  scaledobjects: 'ScaledObject',
  scaledjobs: 'ScaledJob',
  inferenceservices: 'InferenceService',
  servingruntimes: 'ServingRuntime',
  clusterservingruntimes: 'ClusterServingRuntime',
  rollouts: 'Rollout',
  analysistemplates: 'AnalysisTemplate',
  ingresses: 'Ingress',
  networkpolicies: 'NetworkPolicy',
  poddisruptionbudgets: 'PodDisruptionBudget',
  costestimates: 'CostEstimate',
};

/** The kind of a resource (`statefulsets` → `StatefulSet`), and whether it is a guess. */
export function kindOfResource(resource: string): {
  kind: string;
  guessed: boolean;
} {
  if (resource === '*') return { kind: '*', guessed: false };
  if (KINDS[resource]) return { kind: KINDS[resource], guessed: false };
  let singular = resource;
  if (/ies$/.test(resource)) singular = `${resource.slice(0, -3)}y`;
  else if (/(s|x|z|ch|sh)es$/.test(resource)) singular = resource.slice(0, -2);
  else if (/s$/.test(resource)) singular = resource.slice(0, -1);
  return {
    kind: `${singular.charAt(0).toUpperCase()}${singular.slice(1)}`,
    guessed: true,
  };
}

/** `ai-finops-max-gpus-per-container` → `AiFinopsMaxGpusPerContainer`. */
export function constraintKind(policyName: string): string {
  return policyName
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map(w => `${w.charAt(0).toUpperCase()}${w.slice(1)}`)
    .join('');
}

/** Gatekeeper's enforcementAction for a binding's validationActions. */
export function enforcementAction(actions: string[]): string {
  if (actions.includes('Deny')) return 'deny';
  if (actions.includes('Warn')) return 'warn';
  return 'dryrun';
}

/** The fields of a params object that hold its values (not its identity). */
const contentFields = (params: Spec) =>
  Object.keys(params).filter(
    k => !['apiVersion', 'kind', 'metadata', 'status'].includes(k),
  );

/** Why Gatekeeper's CEL engine cannot run the policy, or undefined. */
export function gatekeeperCannotRun(policy: SourcePolicy): string | undefined {
  const read = namesRead(policy.spec);
  const unbound = UNBOUND_IN_GATEKEEPER.filter(n => read.has(n));
  if (unbound.length) {
    return `it reads ${unbound.join(
      ' and ',
    )}, which Gatekeeper's CEL engine (K8sNativeValidation) does not bind; no Rego is generated for it (use the Kyverno export or the ValidatingAdmissionPolicy itself)`;
  }
  const reserved = ((policy.spec.variables ?? []) as Spec[])
    .map(v => v.name as string)
    .filter(
      n => RESERVED_VARIABLES.includes(n) || n.startsWith(RESERVED_PREFIX),
    );
  if (reserved.length) {
    return `its variable ${reserved.join(
      ', ',
    )} is a name Gatekeeper's CEL engine reserves`;
  }
  return undefined;
}

/**
 * The parameters schema of the template: the params kind's CRD schema of
 * the params' content (its `spec`), or an open object without a CRD.
 */
function parametersSchema(
  policy: SourcePolicy,
  fields: string[],
): Spec | undefined {
  if (!policy.paramKind) return undefined;
  const properties: Spec = policy.paramsSchema?.properties ?? {};
  const open = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  if (fields.length === 1) return properties[fields[0]] ?? open;
  return {
    type: 'object',
    properties: Object.fromEntries(fields.map(f => [f, properties[f] ?? open])),
  };
}

/**
 * A ConstraintTemplate for a policy, with Gatekeeper's CEL engine. The
 * constraint's parameters reach CEL as `variables.params`; a variable named
 * after the params kind rebuilds the params object from them (its identity
 * from the binding's params object), so that the policy's `params.spec.x`
 * reads `variables.guardrailParams.spec.x` unchanged in meaning.
 */
export function gatekeeperTemplate(
  policy: SourcePolicy,
  params: Spec | null | undefined,
): Spec {
  const kind = constraintKind(policy.name);
  const paramsVariable = readsParams(policy)
    ? paramsVariableName(policy, RESERVED_VARIABLES)
    : undefined;
  const cel = rewriteParams(policy, paramsVariable);
  const fields = params ? contentFields(params) : ['spec'];
  const variables = [...cel.variables];
  if (paramsVariable) {
    const identity = params
      ? ['apiVersion', 'kind', 'metadata']
          .filter(k => params[k] !== undefined)
          .map(k => `${JSON.stringify(k)}: ${celLiteral(params[k])}`)
      : [];
    const content =
      fields.length === 1
        ? [`${JSON.stringify(fields[0])}: variables.params`]
        : fields.map(
            f => `${JSON.stringify(f)}: variables.params[${JSON.stringify(f)}]`,
          );
    variables.unshift({
      name: paramsVariable,
      expression: params ? `{${[...identity, ...content].join(', ')}}` : 'null',
    });
  }
  const source: Spec = { failurePolicy: policy.spec.failurePolicy ?? 'Fail' };
  // Gatekeeper's field is `matchCondition` (singular).
  if (cel.matchConditions.length) source.matchCondition = cel.matchConditions;
  if (variables.length) source.variables = variables;
  // Gatekeeper's validations carry no reason.
  source.validations = cel.validations.map(v => ({
    expression: v.expression,
    ...(v.message !== undefined ? { message: v.message } : {}),
    ...(v.messageExpression !== undefined
      ? { messageExpression: v.messageExpression }
      : {}),
  }));
  const schema = parametersSchema(policy, fields);
  return {
    apiVersion: GATEKEEPER_TEMPLATE_API_VERSION,
    kind: 'ConstraintTemplate',
    metadata: exportedMetadata(kind.toLowerCase(), policy.name),
    spec: {
      crd: {
        spec: {
          names: { kind },
          ...(schema ? { validation: { openAPIV3Schema: schema } } : {}),
        },
      },
      targets: [
        {
          target: 'admission.k8s.gatekeeper.sh',
          code: [{ engine: 'K8sNativeValidation', source }],
        },
      ],
    },
  };
}

/**
 * The constraint of one binding: the template's kind, `spec.match` from the
 * policy's resource rules (as kinds) and the binding's selectors, the
 * parameters from the binding's params object and the enforcement action
 * from its validationActions.
 */
export function gatekeeperConstraint(
  policy: SourcePolicy,
  binding: SourceBinding,
  notes: string[],
): { object: Spec } | { reason: string } {
  const merged = mergedMatch(policy, binding);
  if ('reason' in merged) return merged;
  if (merged.match.excludeResourceRules) {
    return {
      reason: `binding ${binding.name}: excludeResourceRules have no counterpart in a Gatekeeper constraint's match`,
    };
  }
  const rules: Spec[] = merged.match.resourceRules ?? [];
  const kinds = rules.map(r => ({
    apiGroups: r.apiGroups ?? ['*'],
    kinds: [
      ...new Set(
        ((r.resources ?? []) as string[])
          .filter(res => !res.includes('/'))
          .map(res => {
            const { kind, guessed } = kindOfResource(res);
            if (guessed) {
              notes.push(
                `${policy.name}: matched resource ${res} as kind ${kind} (Gatekeeper matches kinds; check the spelling)`,
              );
            }
            return kind;
          }),
      ),
    ],
  }));
  const scopes = new Set(rules.map(r => r.scope ?? '*'));
  const match: Spec = { kinds };
  if (scopes.size === 1 && !scopes.has('*')) match.scope = [...scopes][0];
  if (merged.match.namespaceSelector) {
    match.namespaceSelector = merged.match.namespaceSelector;
  }
  if (merged.match.objectSelector) {
    match.labelSelector = merged.match.objectSelector;
  }
  const spec: Spec = {
    enforcementAction: enforcementAction(binding.spec.validationActions ?? []),
    match,
  };
  const params = binding.params;
  if (params) {
    const fields = contentFields(params);
    spec.parameters =
      fields.length === 1
        ? params[fields[0]]
        : Object.fromEntries(fields.map(f => [f, params[f]]));
  }
  return {
    object: {
      apiVersion: GATEKEEPER_CONSTRAINT_API_VERSION,
      kind: constraintKind(policy.name),
      metadata: exportedMetadata(binding.name, policy.name, binding.name),
      spec,
    },
  };
}
