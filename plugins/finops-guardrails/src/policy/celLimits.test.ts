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

import { createKubernetesCelEnvironment } from './celEnvironment';
import { DEFAULT_CEL_LIMITS, type CelLimits } from './celLimits';
import type { ManifestObject } from './manifests';
import { PolicySet } from './policySet';

const policy = (
  spec: string,
  options: { name?: string; paramKind?: boolean; failurePolicy?: string } = {},
) => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: ${options.name ?? 'p'}
spec:
  failurePolicy: ${options.failurePolicy ?? 'Fail'}
${
  options.paramKind
    ? '  paramKind:\n    apiVersion: example.com/v1\n    kind: Params\n'
    : ''
}  matchConstraints:
    resourceRules:
      - apiGroups: [apps]
        apiVersions: [v1]
        operations: [CREATE]
        resources: [deployments]
${spec}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: ${options.name ?? 'p'}-deny
spec:
  policyName: ${options.name ?? 'p'}
  validationActions: [Deny]
${options.paramKind ? '  paramRef:\n    name: default\n' : ''}`;

const load = (content: string, limits?: Partial<CelLimits>) =>
  PolicySet.load([{ path: 'policies/test.yaml', content }], { limits });

const deployment = (
  spec: object = {},
  annotations?: Record<string, string>,
): ManifestObject => ({
  file: 'm.yaml',
  line: 1,
  object: {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'ml', annotations },
    spec,
  },
});

const items = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('regular expressions are RE2', () => {
  const env = createKubernetesCelEnvironment();

  it('matches searches anywhere, by code point', () => {
    expect(env.evaluate("'banana'.matches('an')")).toBe(true);
    expect(env.evaluate("'banana'.matches('^an')")).toBe(false);
    expect(env.evaluate("'café😀'.matches('^.{5}$')")).toBe(true);
    expect(env.evaluate("'Web-1'.matches('(?i)^web-\\\\d$')")).toBe(true);
  });

  it('find and findAll', () => {
    expect(env.evaluate("'abc123def45'.find('[0-9]+')")).toBe('123');
    expect(env.evaluate("'abc'.find('[0-9]+')")).toBe('');
    expect(env.evaluate("'abc123def45'.findAll('[0-9]+')")).toEqual([
      '123',
      '45',
    ]);
    expect(env.evaluate("'a1b2c3'.findAll('[0-9]', 2)")).toEqual(['1', '2']);
  });

  it('runs a catastrophic-backtracking pattern in linear time', () => {
    const started = Date.now();
    expect(
      env.evaluate(`s.matches('^(a+)+$')`, { s: `${'a'.repeat(5000)}!` }),
    ).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses a literal pattern RE2 does not support when the expression is parsed', () => {
    expect(() => env.parse("'x'.matches('(a)\\\\1')")).toThrow(
      "regular expression '(a)\\1' uses backreferences",
    );
    expect(() => env.parse("'x'.find('a(?=b)')")).toThrow(
      "regular expression 'a(?=b)' uses lookaround",
    );
    expect(() => env.parse("'x'.matches('[')")).toThrow(
      "invalid regular expression '[' (RE2 syntax): missing closing ]",
    );
  });

  it('refuses a pattern RE2 does not support at evaluation when it is not a literal', () => {
    expect(() =>
      env.evaluate('s.matches(p)', { s: 'ab', p: '(?<!a)b' }),
    ).toThrow("regular expression '(?<!a)b' uses lookaround");
  });

  it('a policy with such a pattern does not load: file, policy, field and pattern named', () => {
    expect(() =>
      load(
        policy(`  validations:
    - expression: "object.metadata.name.matches('^(?!kube-).*')"`),
      ),
    ).toThrow(
      "policies/test.yaml:1: ValidatingAdmissionPolicy p: spec.validations[0].expression does not compile: regular expression '^(?!kube-).*' uses lookaround ((?=, (?!, (?<=, (?<!), which RE2 (CEL's linear-time regex syntax) does not support; expression: object.metadata.name.matches('^(?!kube-).*')",
    );
  });
});

describe('the runtime cost limits', () => {
  it("are Kubernetes' by default", () => {
    expect(DEFAULT_CEL_LIMITS).toEqual({
      perCallLimit: 1_000_000,
      runtimeCostBudget: 10_000_000,
      maxValueSize: 3 * 1024 * 1024,
      assumedListSize: 1_000,
    });
    expect(
      load(policy('  validations:\n    - expression: "true"')).limits,
    ).toEqual(DEFAULT_CEL_LIMITS);
  });

  it('stop an expression over the per-expression limit: denied, policy and expression named', () => {
    const expression =
      'object.spec.items.all(a, object.spec.items.all(b, a + b >= 0))';
    const set = load(
      policy(`  validations:\n    - expression: ${expression}`),
      {
        perCallLimit: 10_000,
      },
    );
    const report = set.evaluate([deployment({ items: items(50) })]);
    expect(report.passed).toBe(false);
    expect(report.denied).toEqual([
      expect.objectContaining({
        policy: 'p',
        expression,
        evaluationError: true,
        message: `policy p: expression '${expression}' exceeded the per-expression cost limit of 10,000; the object is denied (CEL cost limits fail closed)`,
      }),
    ]);
    // Under the limit, the same expression passes.
    expect(set.evaluate([deployment({ items: items(30) })]).passed).toBe(true);
  });

  it("share one budget among a policy evaluation's expressions", () => {
    const set = load(
      policy(`  validations:
    - expression: object.spec.items.all(a, object.spec.items.all(b, true))
    - expression: object.spec.items.all(a, object.spec.items.all(b, true))`),
      { perCallLimit: 50_000, runtimeCostBudget: 60_000 },
    );
    // About 3 per inner iteration: 120² × 3 = 43,200 each, 86,400 together.
    const report = set.evaluate([deployment({ items: items(120) })]);
    expect(report.denied.map(v => v.message)).toEqual([
      expect.stringMatching(
        /^policy p: expression '.*' exceeded the runtime cost budget of 60,000 of one policy evaluation \([\d,]+ left after the expressions before it\); the object is denied/,
      ),
    ]);
    // Each evaluation (object) has its own budget.
    expect(
      set.evaluate([
        deployment({ items: items(80) }),
        deployment({ items: items(80) }),
      ]).passed,
    ).toBe(true);
  });

  it('fail closed even under failurePolicy Ignore, and when CEL swallows the error', () => {
    const set = load(
      policy(
        `  validations:
    - expression: object.spec.items.exists(a, object.spec.items.exists(b, false)) || true`,
        { failurePolicy: 'Ignore' },
      ),
      { perCallLimit: 5_000 },
    );
    const report = set.evaluate([deployment({ items: items(200) })]);
    expect(report.denied.map(v => v.message)).toEqual([
      expect.stringContaining(
        'exceeded the per-expression cost limit of 5,000',
      ),
    ]);
  });

  it('charge a variable to the expression that reads it first', () => {
    const set = load(
      policy(`  variables:
    - name: pairs
      expression: object.spec.items.map(a, object.spec.items.map(b, a * b))
  validations:
    - expression: size(variables.pairs) >= 0`),
      { perCallLimit: 5_000 },
    );
    expect(
      set.evaluate([deployment({ items: items(200) })]).denied[0].message,
    ).toBe(
      "policy p: expression 'size(variables.pairs) >= 0' exceeded the per-expression cost limit of 5,000; the object is denied (CEL cost limits fail closed)",
    );
  });

  it('charge what functions walk: a long string costs its length', () => {
    const set = load(
      policy(`  validations:
    - expression: object.spec.items.all(i, object.metadata.annotations.note.contains('zzz') == false)`),
      { perCallLimit: 200_000 },
    );
    // contains() walks the 100,000 characters: 10,000 a call.
    const note = 'a'.repeat(100_000);
    expect(
      set.evaluate([deployment({ items: items(10) }, { note })]).passed,
    ).toBe(true);
    expect(
      set.evaluate([deployment({ items: items(100) }, { note })]).denied[0]
        .message,
    ).toContain('exceeded the per-expression cost limit of 200,000');
  });
  it('charge deep equality and size() of a string by what they walk', () => {
    const big = Object.fromEntries(items(10_000).map(i => [`k${i}`, i]));
    const equality = load(
      policy(`  validations:
    - expression: object.spec.items.all(i, object.spec.big == object.spec.big)`),
      { perCallLimit: 200_000 },
    );
    expect(
      equality.evaluate([deployment({ items: items(10), big })]).passed,
    ).toBe(true);
    expect(
      equality.evaluate([deployment({ items: items(100), big })]).denied[0]
        .message,
    ).toContain('exceeded the per-expression cost limit of 200,000');
    const size = load(
      policy(`  validations:
    - expression: object.spec.items.all(i, object.metadata.annotations.note.size() > 0)`),
      { perCallLimit: 200_000 },
    );
    expect(
      size.evaluate([
        deployment({ items: items(100) }, { note: 'a'.repeat(100_000) }),
      ]).denied[0].message,
    ).toContain('exceeded the per-expression cost limit of 200,000');
  });
});

describe('the size limit on values built', () => {
  it('stops a list doubled through variables', () => {
    const variables = [
      '  variables:',
      '    - name: v0',
      '      expression: "[1]"',
      ...items(30).map(
        i =>
          `    - name: v${
            i + 1
          }\n      expression: variables.v${i} + variables.v${i}`,
      ),
    ].join('\n');
    const set = load(
      policy(
        `${variables}\n  validations:\n    - expression: size(variables.v30) > 0`,
      ),
      { maxValueSize: 1000, perCallLimit: 1e9, runtimeCostBudget: 1e9 },
    );
    expect(set.evaluate([deployment()]).denied[0].message).toBe(
      "policy p: expression 'size(variables.v30) > 0' exceeded the size limit: '+' would build a list of 1,024 elements, more than 1,000; the object is denied (CEL cost limits fail closed)",
    );
  });

  it('stops a string doubled, and a join that would build too long a string, before building it', () => {
    const strings = load(
      policy(`  variables:
    - name: s1
      expression: object.metadata.name + object.metadata.name
    - name: s2
      expression: variables.s1 + variables.s1 + variables.s1 + variables.s1
  validations:
    - expression: size(variables.s2 + variables.s2) > 0`),
      { maxValueSize: 40 },
    );
    expect(strings.evaluate([deployment()]).denied[0].message).toContain(
      "exceeded the size limit: '+' would build a string of 48 characters, more than 40",
    );
    const join = load(
      policy(`  validations:
    - expression: size(object.spec.items.map(i, 'x').join(object.metadata.annotations.sep)) > 0`),
      { maxValueSize: 10_000 },
    );
    expect(
      join.evaluate([
        deployment({ items: items(100) }, { sep: 'y'.repeat(500) }),
      ]).denied[0].message,
    ).toContain(
      'exceeded the size limit: join() would build a string of 49,600 characters, more than 10,000',
    );
  });

  it('stops replace() and flatten() before they build too much, and lets values pass through untouched', () => {
    const set = load(
      policy(`  validations:
    - expression: object.metadata.annotations.a.replace('a', object.metadata.annotations.b).size() > 0
    - expression: "[object.spec.items, object.spec.items, object.spec.items].flatten().size() > 0"`),
      { maxValueSize: 1000 },
    );
    const messages = (spec: object, annotations: Record<string, string>) =>
      set.evaluate([deployment(spec, annotations)]).denied.map(v => v.message);
    expect(
      messages(
        { items: items(100) },
        { a: 'a'.repeat(100), b: 'b'.repeat(20) },
      ),
    ).toEqual([
      expect.stringContaining(
        'exceeded the size limit: replace() would build a string of 2,000 characters, more than 1,000',
      ),
    ]);
    expect(messages({ items: items(400) }, { a: 'abc', b: 'b' })).toEqual([
      expect.stringContaining(
        'exceeded the size limit: flatten() would build a list of 1,200 elements, more than 1,000',
      ),
    ]);
    // A list of 2,000 read from the object is not built by the expression.
    const passThrough = load(
      policy(`  validations:
    - expression: object.spec.?items.orValue([]).size() > 0`),
      { maxValueSize: 1000 },
    );
    expect(
      passThrough.evaluate([deployment({ items: items(2000) })]).passed,
    ).toBe(true);
  });
});

describe('the cost estimate at load', () => {
  it('warns, naming the policy, about comprehensions nested over lists of unknown size', () => {
    const set = load(
      policy(`  validations:
    - expression: object.spec.items.all(a, object.spec.items.all(b, object.spec.items.all(c, a + b + c >= 0)))`),
    );
    expect(set.warnings).toEqual([
      expect.stringMatching(
        /^policies\/test\.yaml:1: ValidatingAdmissionPolicy p: spec\.validations\[0\]\.expression may cost about 10,0[\d,]+ when a list of unknown size holds 1,000 items, more than the per-expression limit of 1,000,000: it nests comprehensions over object\.spec\.items \(O\(n³\) in their size\); evaluation stops at the limit$/,
      ),
    ]);
    // Two levels are quadratic; a lower assumed size keeps them under it.
    const two = policy(`  validations:
    - expression: object.spec.items.all(a, object.spec.items.all(b, a != b))`);
    expect(load(two).warnings).toEqual([expect.stringContaining('(O(n²)')]);
    expect(load(two, { assumedListSize: 100 }).warnings).toEqual([]);
  });

  it('does not multiply comprehensions over parts of an enclosing element, nor over the params', () => {
    const set = PolicySet.load([
      {
        path: 'policies/test.yaml',
        content: `${policy(
          `  validations:
    - expression: >-
        object.spec.containers.all(c, c.ports.all(p, p.env.all(e,
          params.spec.allowed.exists(a, e.startsWith(a)))))`,
          { paramKind: true },
        )}---
apiVersion: example.com/v1
kind: Params
metadata:
  name: default
spec:
  allowed: [a, b, c]
`,
      },
    ]);
    expect(set.warnings).toEqual([]);
  });

  it('refuses an expression over the limit with lists of known size', () => {
    const literal = `[${items(100).join(', ')}]`;
    expect(() =>
      load(
        policy(`  validations:
    - expression: "${literal}.all(a, ${literal}.all(b, ${literal}.all(c, a + b != c)))"`),
      ),
    ).toThrow(
      /^policies\/test\.yaml:1: ValidatingAdmissionPolicy p: spec\.validations\[0\]\.expression may cost about [\d,]+ with lists of known size \(literals, params\), more than the per-expression limit of 1,000,000; expression: \[0, 1, /,
    );
  });

  it('refuses limits that are not positive numbers', () => {
    expect(() =>
      load(policy('  validations:\n    - expression: "true"'), {
        perCallLimit: 0,
      }),
    ).toThrow('limits.perCallLimit must be a positive number, not 0');
  });
});
