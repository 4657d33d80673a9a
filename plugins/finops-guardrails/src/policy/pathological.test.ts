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

import { runIsolated } from './__testUtils__/runIsolated';
import { formatPolicyReportMarkdown } from './guardrails';
import type { PolicyViolation } from './policySet';

// The findings of a hostile-but-fair tester against `ai-finops check` and
// `estimate`, each run in a worker thread with a time and a heap limit: before
// the limits existed, the first three ran past 60 s or took 3.4 GB, and the
// estimate of large inputs grew quadratically. A regression fails here in
// seconds instead of hanging CI.

const TIMEOUT_MS = 20_000;
jest.setTimeout(TIMEOUT_MS + 10_000);

/**
 * Worker body: loads one policy (Deny binding) matching Deployments, evaluates
 * it on one Deployment, returns the report's verdict and messages.
 */
const evaluateInWorker = (
  validationsYaml: string,
  deployment: object,
  variablesYaml = '',
) => `
  const policy = ${JSON.stringify(`apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: hostile
spec:
  matchConstraints:
    resourceRules:
      - apiGroups: [apps]
        apiVersions: [v1]
        operations: [CREATE]
        resources: [deployments]
${variablesYaml}
  validations:
${validationsYaml}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: hostile-deny
spec:
  policyName: hostile
  validationActions: [Deny]
`)};
  const set = guardrails.PolicySet.load([{ path: 'policies/hostile.yaml', content: policy }]);
  const objects = [{ file: 'm.yaml', line: 1, object: ${JSON.stringify(
    deployment,
  )} }];
  const started = performance.now();
  const report = set.evaluate(objects);
  return {
    passed: report.passed,
    denied: report.denied.map(v => v.message),
    evaluationMs: performance.now() - started,
    heapMb: process.memoryUsage().heapUsed / 1048576,
  };
`;

const deployment = (spec: object, annotations?: object) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'ml', annotations },
  spec,
});

describe('pathological policies stop at the limits', () => {
  it('three nested all() over 1,000 items: stopped by the cost limit, denied with the policy and expression named', async () => {
    const expression =
      'object.spec.items.all(a, object.spec.items.all(b, object.spec.items.all(c, a + b + c >= 0)))';
    const { value } = await runIsolated<any>(
      evaluateInWorker(
        `    - expression: ${expression}`,
        deployment({ items: Array.from({ length: 1000 }, (_, i) => i) }),
      ),
      { timeoutMs: TIMEOUT_MS },
    );
    expect(value.passed).toBe(false);
    expect(value.denied).toHaveLength(1);
    expect(value.denied[0]).toContain('policy hostile');
    expect(value.denied[0]).toContain(expression);
    expect(value.denied[0]).toMatch(/cost limit/);
    expect(value.evaluationMs).toBeLessThan(5_000);
  });

  it("matches('^(a+)+$') on 50 a's and a '!' runs in linear time (RE2)", async () => {
    const { value } = await runIsolated<any>(
      evaluateInWorker(
        `    - expression: "!object.metadata.annotations['note'].matches('^(a+)+$')"`,
        deployment({}, { note: `${'a'.repeat(50)}!` }),
      ),
      { timeoutMs: TIMEOUT_MS },
    );
    expect(value).toMatchObject({ passed: true, denied: [] });
    expect(value.evaluationMs).toBeLessThan(5_000);
  });

  it('a list doubled through 30 variables: stopped by the size and cost limits within a 512 MB heap', async () => {
    const variables = [
      '  variables:',
      '    - name: v0',
      '      expression: "[1]"',
      ...Array.from({ length: 30 }, (_, i) => [
        `    - name: v${i + 1}`,
        `      expression: variables.v${i} + variables.v${i}`,
      ]).flat(),
    ].join('\n');
    const { value } = await runIsolated<any>(
      evaluateInWorker(
        '    - expression: size(variables.v30) > 0',
        deployment({}),
        variables,
      ),
      { timeoutMs: TIMEOUT_MS, heapMb: 512 },
    );
    expect(value.passed).toBe(false);
    expect(value.denied).toHaveLength(1);
    expect(value.denied[0]).toContain('policy hostile');
    expect(value.denied[0]).toContain('size(variables.v30) > 0');
    expect(value.denied[0]).toMatch(/cost limit|size limit/);
    expect(value.heapMb).toBeLessThan(256);
  });
});

describe('large inputs scale linearly', () => {
  it('checkGuardrails on 20,000 services (Deployment + HPA each) finishes in seconds', async () => {
    // 40,000 objects: with the quadratic HPA lookup and per-service filters
    // this ran past the 20 s limit; linear, it takes well under a second.
    const { value, ms } = await runIsolated<any>(
      `
      const objects = [];
      for (let i = 0; i < 20000; i++) {
        const ns = 'team-' + (i % 17);
        objects.push({ file: 'm.yaml', line: 1 + 2 * i, object: {
          apiVersion: 'apps/v1', kind: 'Deployment',
          metadata: { name: 's' + i, namespace: ns, labels: { app: 's' + i } },
          spec: { replicas: 1, template: { spec: {
            nodeSelector: { 'nvidia.com/gpu.product': 'Tesla-T4' },
            containers: [{ name: 'm', image: 'x', resources: { limits: { 'nvidia.com/gpu': 1 } } }],
          } } },
        } });
        objects.push({ file: 'm.yaml', line: 2 + 2 * i, object: {
          apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler',
          metadata: { name: 's' + i, namespace: ns },
          spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 's' + i }, minReplicas: 1, maxReplicas: 3 },
        } });
      }
      const policy = ${JSON.stringify(`apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: cap
spec:
  matchConstraints:
    resourceRules:
      - apiGroups: [ai-finops.io]
        apiVersions: [v1alpha1]
        operations: [CREATE]
        resources: [costestimates]
  validations:
    - expression: double(object.spec.maxMonthlyCostUsd) <= 1000.0
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: cap-deny
spec:
  policyName: cap
  validationActions: [Deny]
`)};
      const set = guardrails.PolicySet.load([{ path: 'p.yaml', content: policy }]);
      const { report, estimate } = guardrails.checkGuardrails(set, objects);
      return { services: estimate.services.length, checks: report.checks.length };
      `,
      { timeoutMs: TIMEOUT_MS },
    );
    expect(value).toEqual({ services: 20000, checks: 20000 });
    expect(ms).toBeLessThan(10_000);
  });

  it('formats a report of 200,000 violations (no push(...) of a huge list, which overflows the stack)', () => {
    const v: PolicyViolation = {
      policy: 'p',
      binding: 'p-deny',
      actions: ['Deny'],
      message: 'no',
      reason: 'Invalid',
      expression: 'false',
      object: { apiVersion: 'v1', kind: 'ConfigMap', name: 'c' },
      location: 'm.yaml:1',
    };
    const denied = new Array<PolicyViolation>(200_000).fill(v);
    const markdown = formatPolicyReportMarkdown({
      checks: [],
      violations: denied,
      denied,
      warnings: [],
      passed: false,
    });
    expect(markdown.split('\n').length).toBe(200_003);
  });
});
