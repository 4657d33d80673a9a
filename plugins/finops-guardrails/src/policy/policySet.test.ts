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

import { loadManifests } from './kustomize';
import { PolicySet, resourceOfKind } from './policySet';

const policy = (
  spec: string,
  name = 'p',
) => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: ${name}
spec:
  matchConstraints:
    resourceRules:
      - apiGroups: [apps]
        apiVersions: [v1]
        operations: [CREATE]
        resources: [deployments]
${spec}`;

const binding = (extra = '', actions = '[Deny]', policyName = 'p') => `
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: ${policyName}-binding
spec:
  policyName: ${policyName}
  validationActions: ${actions}
${extra}`;

const load = (content: string) =>
  PolicySet.load([{ path: 'policies/test.yaml', content }]);

const objects = (...docs: any[]) =>
  loadManifests(
    docs.map((d, i) => ({ path: `o${i}.yaml`, content: JSON.stringify(d) })),
  ).objects;

const deployment = (replicas: number, labels: Record<string, string> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels },
  spec: { replicas },
});

describe('PolicySet.load', () => {
  it('names the file, line, policy, field and expression of one that does not compile', () => {
    expect(() =>
      load(
        `# comment\n${policy(`  validations:
    - expression: object.spec.replicas <= 3
    - expression: quantiy(object.spec.replicas) < 3`)}`,
      ),
    ).toThrow(
      "policies/test.yaml:2: ValidatingAdmissionPolicy p: spec.validations[1].expression does not compile: found no matching overload for 'quantiy(dyn)' at column 1; expression: quantiy(object.spec.replicas) < 3",
    );
    expect(() =>
      load(
        policy(`  validations:
    - expression: "object.spec.replicas <= "`),
      ),
    ).toThrow(
      /spec.validations\[0\].expression does not compile: .*at column 25; expression: object.spec.replicas <=/,
    );
  });

  it('refuses variables used before they are declared', () => {
    expect(() =>
      load(
        policy(`  variables:
    - name: a
      expression: variables.b + 1
    - name: b
      expression: "1"
  validations:
    - expression: variables.a > 0`),
      ),
    ).toThrow(
      'spec.variables[0].expression does not compile: variables.b is not declared before it is used (declared: none); expression: variables.b + 1',
    );
    expect(() =>
      load(
        policy(`  validations:
    - expression: variables.typo > 0`),
      ),
    ).toThrow(/variables\.typo is not declared/);
  });

  it('refuses malformed policies and bindings with the field named', () => {
    expect(() => load(policy('  validations: []'))).toThrow(
      'policies/test.yaml:1: ValidatingAdmissionPolicy p: spec.validations is empty: a policy needs validations or auditAnnotations',
    );
    expect(() =>
      load(
        policy(`  validations:\n    - expression: "true"`) +
          binding('', '[Deny, Warn]'),
      ),
    ).toThrow(
      'ValidatingAdmissionPolicyBinding p-binding: spec.validationActions cannot hold both Deny and Warn',
    );
    expect(() =>
      load(
        policy(`  validations:\n    - expression: "true"`) +
          binding('', '[Deny]', 'missing'),
      ),
    ).toThrow(
      /spec.policyName names missing, which is not among the policies \(p\)/,
    );
    expect(() =>
      load('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n'),
    ).toThrow(
      'policies/test.yaml:1: ConfigMap x is neither a policy, a binding nor the params of a policy (no policy has paramKind v1 ConfigMap)',
    );
    expect(() => load('apiVersion: v1\nkind: [\n')).toThrow(
      /^policies\/test.yaml:\d+:\d+: invalid YAML/,
    );
    expect(() => load('kind: X\nmetadata: {name: x}\n')).toThrow(
      'policies/test.yaml:1: X x: field apiVersion is missing or not a string',
    );
  });
});

describe('PolicySet.evaluate', () => {
  it('evaluates variables, messageExpression and falls back to the message', () => {
    const set = load(
      policy(`  variables:
    - name: max
      expression: "3"
  validations:
    - expression: object.spec.replicas <= variables.max
      messageExpression: "'replicas ' + string(object.spec.replicas) + ' > ' + string(variables.max)"
    - expression: object.spec.replicas < 10
      messageExpression: "'two\\\\nlines'"
      message: static fallback
    - expression: object.spec.replicas < 10`) + binding(),
    );
    const report = set.evaluate(objects(deployment(12)));
    expect(report.denied.map(v => v.message)).toEqual([
      'replicas 12 > 3',
      'static fallback',
      'failed expression: object.spec.replicas < 10',
    ]);
    expect(report.passed).toBe(false);
    expect(set.evaluate(objects(deployment(2))).passed).toBe(true);
  });

  it('reports errors per failurePolicy and keeps variables lazy', () => {
    const spec = (failurePolicy: string) =>
      policy(`  failurePolicy: ${failurePolicy}
  variables:
    - name: broken
      expression: object.spec.nothing.here
  validations:
    - expression: object.spec.replicas > 0
    - expression: variables.broken == 1`);
    const fail = load(spec('Fail') + binding()).evaluate(
      objects(deployment(1)),
    );
    expect(fail.denied).toEqual([
      expect.objectContaining({
        evaluationError: true,
        message:
          "expression 'variables.broken == 1' resulted in error: variables.broken: No such key: nothing",
      }),
    ]);
    expect(
      load(spec('Ignore') + binding()).evaluate(objects(deployment(1)))
        .violations,
    ).toEqual([]);
  });

  it('applies matchConditions, objectSelector and operations', () => {
    const set = load(
      policy(`  matchConditions:
    - name: only-big
      expression: object.spec.replicas > 5
  validations:
    - expression: "false"
      message: big`) +
        binding(`  matchResources:
    objectSelector:
      matchLabels: {tier: web}`),
    );
    expect(
      set.evaluate(objects(deployment(6, { tier: 'web' }))).denied,
    ).toHaveLength(1);
    expect(
      set.evaluate(objects(deployment(2, { tier: 'web' }))).denied,
    ).toHaveLength(0);
    expect(
      set.evaluate(objects(deployment(6, { tier: 'db' }))).checks,
    ).toHaveLength(0);
    expect(
      set.evaluate(objects(deployment(6, { tier: 'web' })), {
        operation: 'UPDATE',
      }).checks,
    ).toHaveLength(0);
  });

  it('binds params by name and follows parameterNotFoundAction', () => {
    const spec = `  paramKind: {apiVersion: v1, kind: ConfigMap}
  validations:
    - expression: object.spec.replicas <= int(params.data.max)
      messageExpression: "'at most ' + params.data.max"`;
    const params = `
---
apiVersion: v1
kind: ConfigMap
metadata: {name: limits, namespace: default}
data: {max: "3"}
`;
    const ref = (name: string, action: string) => `  paramRef:
    name: ${name}
    parameterNotFoundAction: ${action}`;
    expect(
      load(policy(spec) + binding(ref('limits', 'Deny')) + params)
        .evaluate(objects(deployment(4)))
        .denied.map(v => v.message),
    ).toEqual(['at most 3']);
    expect(
      load(policy(spec) + binding(ref('other', 'Deny')) + params)
        .evaluate(objects(deployment(1)))
        .denied.map(v => v.message),
    ).toEqual([
      'no params found for policy binding p-binding (paramRef other of ConfigMap)',
    ]);
    expect(
      load(policy(spec) + binding(ref('other', 'Allow')) + params).evaluate(
        objects(deployment(9)),
      ).violations,
    ).toEqual([]);
  });

  it('sees the namespace object and request', () => {
    const set = load(
      policy(`  validations:
    - expression: namespaceObject.metadata.name == 'default' && request.operation == 'CREATE' && request.resource.resource == 'deployments'`) +
        binding('', '[Warn]'),
    );
    const report = set.evaluate(objects(deployment(1)));
    expect(report.checks).toHaveLength(1);
    expect(report.violations).toEqual([]);
  });
});

describe('resourceOfKind', () => {
  it.each([
    ['Deployment', 'deployments'],
    ['NetworkPolicy', 'networkpolicies'],
    ['Ingress', 'ingresses'],
    ['InferenceService', 'inferenceservices'],
    ['Gateway', 'gateways'],
    ['Endpoints', 'endpoints'],
  ])('%s → %s', (kind, resource) =>
    expect(resourceOfKind(kind)).toBe(resource),
  );
});
