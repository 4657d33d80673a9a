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

// Test-only helpers (Kubernetes schemas); not part of the isomorphic package.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import {
  customResourceSchemaErrors,
  validateKubernetesModels,
} from '@ai-finops/test-utils';
import { exportPolicies } from '.';
import {
  constraintCrd,
  constraintTemplateCrd,
  k8sNativeValidationSource,
  nonStructuralPaths,
} from '../__testUtils__/gatekeeperSchema';
import { shippedPolicyFiles } from '../__testUtils__/exportManifests';

const files = shippedPolicyFiles();
const kyvernoSchemaErrors = (objects: unknown[]) =>
  validateKubernetesModels(objects, {
    packages: ['@kubernetes-models/kyverno'],
    from: __dirname,
  });

describe('exported Kyverno policies', () => {
  const result = exportPolicies(files, 'kyverno');
  const objects = result.policies.flatMap(p => p.objects) as any[];

  it('validate against Kyverno’s published ValidatingPolicy schema', () => {
    expect(objects.length).toBeGreaterThan(0);
    const errors = kyvernoSchemaErrors(objects);
    expect(
      objects.map((o, i) => ({ name: o.metadata.name, errors: errors[i] })),
    ).toEqual(objects.map(o => ({ name: o.metadata.name, errors: [] })));
  });

  it('are refused by that schema when a field is wrong (the check can fail)', () => {
    const broken = structuredClone(objects[0]);
    broken.spec.validationActions = ['Block'];
    const noExpression = structuredClone(objects[0]);
    delete noExpression.spec.validations[0].expression;
    const [brokenErrors, noExpressionErrors] = kyvernoSchemaErrors([
      broken,
      noExpression,
    ]);
    expect(brokenErrors).not.toEqual([]);
    expect(noExpressionErrors).not.toEqual([]);
  });

  it('are one ValidatingPolicy per binding, with its actions and namespace selector', () => {
    const bindingsOfExported = files
      .flatMap(f => f.content.split(/^---$/m))
      .filter(d => /kind: ValidatingAdmissionPolicyBinding/.test(d)).length;
    const skippedBindings = result.skipped
      .map(s => s.policy)
      .reduce(
        (n, policy) =>
          n +
          files
            .flatMap(f => f.content.split(/^---$/m))
            .filter(
              d =>
                /kind: ValidatingAdmissionPolicyBinding/.test(d) &&
                new RegExp(`policyName: ${policy}\\s`).test(d),
            ).length,
        0,
      );
    expect(objects).toHaveLength(bindingsOfExported - skippedBindings);
    const deny = objects.find(
      o => o.metadata.name === 'ai-finops-max-gpus-per-container-deny',
    );
    expect(deny.spec.validationActions).toEqual(['Deny']);
    expect(deny.spec.matchConstraints.namespaceSelector).toEqual({
      matchExpressions: expect.arrayContaining([
        {
          key: 'ai-finops.io/guardrails',
          operator: 'NotIn',
          values: ['warn', 'off'],
        },
      ]),
    });
    expect(deny.spec.variables[0].name).toBe('guardrailParams');
    expect(JSON.stringify(deny.spec)).not.toMatch(/(^|[^.\w])params\./);
  });
});

describe('exported Gatekeeper templates and constraints', () => {
  const result = exportPolicies(files, 'gatekeeper');

  it('validate against a structural schema of Gatekeeper’s documented API', () => {
    expect(result.policies.length).toBeGreaterThan(0);
    for (const { policy, objects } of result.policies) {
      const [template, ...constraints] = objects as any[];
      expect({
        policy,
        template: customResourceSchemaErrors(constraintTemplateCrd, template),
        source: customResourceSchemaErrors(
          {
            spec: {
              group: 'x',
              names: { kind: 'Source' },
              versions: [
                {
                  name: 'v1',
                  schema: { openAPIV3Schema: k8sNativeValidationSource },
                },
              ],
            },
          },
          {
            apiVersion: 'x/v1',
            kind: 'Source',
            ...template.spec.targets[0].code[0].source,
          },
        ),
        structural: nonStructuralPaths(
          template.spec.crd.spec.validation?.openAPIV3Schema,
        ),
        constraints: constraints.flatMap(c =>
          customResourceSchemaErrors(constraintCrd(template), c),
        ),
      }).toEqual({
        policy,
        template: [],
        source: [],
        structural: [],
        constraints: [],
      });
      expect(template.metadata.name).toBe(
        template.spec.crd.spec.names.kind.toLowerCase(),
      );
      for (const c of constraints) {
        expect(c.kind).toBe(template.spec.crd.spec.names.kind);
      }
    }
  });

  it('are refused by that schema when a field is wrong (the check can fail)', () => {
    const [template, constraint] = result.policies[0].objects as any[];
    const badParameters = structuredClone(constraint);
    badParameters.spec.parameters.maxReplicas = 'many';
    expect(
      customResourceSchemaErrors(constraintCrd(template), badParameters),
    ).not.toEqual([]);
    const badAction = structuredClone(constraint);
    badAction.spec.enforcementAction = 'Deny';
    expect(
      customResourceSchemaErrors(constraintCrd(template), badAction),
    ).not.toEqual([]);
    const badTarget = structuredClone(template);
    badTarget.spec.targets[0].target = 'admission';
    expect(
      customResourceSchemaErrors(constraintTemplateCrd, badTarget),
    ).not.toEqual([]);
  });

  it('use the CEL engine only, with the GuardrailParams schema for parameters', () => {
    for (const { objects } of result.policies) {
      const [template] = objects as any[];
      expect(template.spec.targets[0].rego).toBeUndefined();
      expect(template.spec.targets[0].code.map((c: any) => c.engine)).toEqual([
        'K8sNativeValidation',
      ]);
    }
    const [template, deny, warn] = result.policies.find(
      p => p.policy === 'ai-finops-max-gpus-per-container',
    )!.objects as any[];
    expect(
      template.spec.crd.spec.validation.openAPIV3Schema.properties
        .maxGpusPerContainer,
    ).toMatchObject({ type: 'integer', minimum: 0 });
    expect(deny.spec).toMatchObject({
      enforcementAction: 'deny',
      parameters: { maxGpusPerContainer: 4 },
      match: {
        kinds: expect.arrayContaining([
          {
            apiGroups: ['apps'],
            kinds: expect.arrayContaining(['Deployment', 'StatefulSet']),
          },
          { apiGroups: [''], kinds: ['Pod'] },
        ]),
      },
    });
    expect(warn.spec.enforcementAction).toBe('warn');
  });
});

describe('policies admission cannot enforce', () => {
  it('are skipped with their reason, for both targets', () => {
    for (const target of ['kyverno', 'gatekeeper'] as const) {
      const { skipped, policies } = exportPolicies(files, target);
      expect(skipped).toEqual(
        expect.arrayContaining([
          {
            policy: 'ai-finops-monthly-cost-cap',
            reason: expect.stringContaining('cross-object'),
          },
        ]),
      );
      expect(policies.map(p => p.policy)).not.toContain(
        'ai-finops-monthly-cost-cap',
      );
    }
  });
});

describe('a new policy file', () => {
  // Written as a new helper would add one: the export needs no change.
  const newPolicy = {
    path: 'policies/widgets.yaml',
    content: `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: { name: example-widgets }
spec:
  paramKind: { apiVersion: guardrails.ai-finops.io/v1alpha1, kind: GuardrailParams }
  matchConstraints:
    resourceRules:
      - { apiGroups: [example.com], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [widgets] }
  validations:
    - expression: "[1].all(params, params > 0) && object.spec.size <= params.spec.maxReplicas"
      messageExpression: "'params.spec.maxReplicas is ' + string(params.spec.maxReplicas)"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: { name: example-widgets-audit }
spec:
  policyName: example-widgets
  validationActions: [Audit]
  paramRef: { name: default, parameterNotFoundAction: Deny }
  matchResources:
    objectSelector: { matchLabels: { tier: gpu } }
`,
  };

  it('exports without a change to the exporter', () => {
    const kyverno = exportPolicies([...files, newPolicy], 'kyverno');
    const [policy] = kyverno.policies.find(p => p.policy === 'example-widgets')!
      .objects as any[];
    expect(policy.spec.validationActions).toEqual(['Audit']);
    expect(policy.spec.matchConstraints.objectSelector).toEqual({
      matchLabels: { tier: 'gpu' },
    });
    expect(policy.spec.validations[0]).toEqual({
      expression:
        '[1].all(params, params > 0) && object.spec.size <= variables.guardrailParams.spec.maxReplicas',
      messageExpression:
        "'params.spec.maxReplicas is ' + string(variables.guardrailParams.spec.maxReplicas)",
    });
    expect(kyvernoSchemaErrors([policy])).toEqual([[]]);

    const gatekeeper = exportPolicies([...files, newPolicy], 'gatekeeper');
    const [template, constraint] = gatekeeper.policies.find(
      p => p.policy === 'example-widgets',
    )!.objects as any[];
    expect(constraint.spec).toMatchObject({
      enforcementAction: 'dryrun',
      match: {
        kinds: [{ apiGroups: ['example.com'], kinds: ['Widget'] }],
        labelSelector: { matchLabels: { tier: 'gpu' } },
      },
    });
    expect(gatekeeper.notes).toEqual([
      'example-widgets: matched resource widgets as kind Widget (Gatekeeper matches kinds; check the spelling)',
    ]);
    expect(
      customResourceSchemaErrors(constraintCrd(template), constraint),
    ).toEqual([]);
  });
});

describe('bad input', () => {
  it('names the file that does not parse and the unknown target', () => {
    expect(() =>
      exportPolicies(
        [...files, { path: 'policies/broken.yaml', content: 'a: [1' }],
        'kyverno',
      ),
    ).toThrow(/policies\/broken\.yaml/);
    expect(() => exportPolicies(files, 'opa' as any)).toThrow(
      "unknown export target 'opa': use kyverno or gatekeeper",
    );
  });

  it('names a binding whose params are missing', () => {
    const withoutParams = files.filter(f => !f.path.endsWith('params.yaml'));
    expect(() =>
      exportPolicies(withoutParams, 'kyverno', {
        params: {
          path: 'other-params.yaml',
          content:
            'apiVersion: guardrails.ai-finops.io/v1alpha1\nkind: GuardrailParams\nmetadata: { name: other }\nspec: {}\n',
        },
      }),
    ).toThrow(
      /paramRef selects 0 GuardrailParams objects in other-params\.yaml/,
    );
  });
});
