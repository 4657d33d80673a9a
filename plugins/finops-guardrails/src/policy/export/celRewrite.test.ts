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

import { createKubernetesCelEnvironment } from '../celEnvironment';
import { celLiteral, freeIdentifiers, replaceIdentifier } from './celRewrite';

describe('CEL rewrite', () => {
  it('replaces free params, not strings, fields or comprehension variables', () => {
    const out = replaceIdentifier(
      `params.spec.max + object.params + size('params.x') +
       [1].map(params, params + 1)[0] + cel.bind(params, 2, params) +
       {'params': params}.params + has(params.spec.x)`,
      'params',
      'variables.p',
    );
    expect(out).toBe(
      `variables.p.spec.max + object.params + size('params.x') +
       [1].map(params, params + 1)[0] + cel.bind(params, 2, params) +
       {'params': variables.p}.params + has(variables.p.spec.x)`,
    );
  });

  it('rewrites the bind init, outside the bound name', () => {
    expect(
      replaceIdentifier('cel.bind(x, params.a, x + params.b)', 'params', 'v.p'),
    ).toBe('cel.bind(x, v.p.a, x + v.p.b)');
  });

  it('lists the names an expression reads, comprehension variables excluded', () => {
    expect([
      ...freeIdentifiers(
        "object.spec.containers.all(c, c.name != '' && namespaceObject != null)",
      ),
    ]).toEqual(['object', 'namespaceObject']);
  });

  it('writes literals that evaluate to the JSON value as the evaluator reads it', () => {
    const value = {
      n: 4,
      d: 2.5,
      big: 1e21,
      s: 'it\'s "quoted"\n\u0001 ✓',
      l: [true, null, 'x'],
      m: { 'a.b/c': 1 },
    };
    const evaluated = createKubernetesCelEnvironment().evaluate(
      celLiteral(value),
    );
    expect(evaluated.n).toBe(4n);
    expect(evaluated.d).toBe(2.5);
    expect(evaluated.big).toBe(1e21);
    expect(evaluated.s).toBe(value.s);
    expect(evaluated.l).toEqual([true, null, 'x']);
    expect(evaluated.m['a.b/c']).toBe(1n);
  });

  it('refuses an expression that does not parse', () => {
    expect(() => replaceIdentifier('params.', 'params', 'x')).toThrow(
      /does not parse/,
    );
  });
});
