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

import { createKubernetesCelEnvironment, toCelValue } from './celEnvironment';
import { Quantity } from './quantity';

describe('Quantity', () => {
  it.each([
    ['2', '2'],
    ['500m', '0.5'],
    ['1.5', '1.5'],
    ['64Gi', String(64 * 1024 ** 3)],
    ['1Ki', '1024'],
    ['1e3', '1000'],
    ['1E-3', '0.001'],
    ['2k', '2000'],
    ['100u', '0.0001'],
    ['-1.5M', '-1500000'],
    ['.5', '0.5'],
    ['7.', '7'],
  ])('parses %s as %s', (text, value) => {
    expect(Quantity.parse(text).toString()).toBe(value);
  });

  it.each(['', 'abc', '1.2.3', '1 Gi', '1gi', '--1', '1e', '1Kii'])(
    "refuses '%s'",
    text => {
      expect(() => Quantity.parse(text)).toThrow(
        /is not a Kubernetes quantity/,
      );
    },
  );

  it('compares exactly across suffixes', () => {
    expect(Quantity.parse('1').compareTo(Quantity.parse('1000m'))).toBe(0);
    expect(Quantity.parse('1Gi').compareTo(Quantity.parse('1G'))).toBe(1);
    expect(
      Quantity.parse('0.1')
        .add(Quantity.parse('0.2'))
        .equals(Quantity.parse('300m')),
    ).toBe(true);
    expect(Quantity.parse('2').sub(3n).sign()).toBe(-1);
  });

  it('converts to integers only when exact and in range', () => {
    expect(Quantity.parse('4').asInteger()).toBe(4n);
    expect(Quantity.parse('1500m').isInteger()).toBe(false);
    expect(() => Quantity.parse('1500m').asInteger()).toThrow(/has a fraction/);
    expect(() => Quantity.parse('10E').asInteger()).toThrow(/overflows int64/);
    expect(Quantity.from(2).asInteger()).toBe(2n);
    expect(Quantity.from(0.25).toString()).toBe('0.25');
  });
});

describe('the Kubernetes CEL environment', () => {
  const env = createKubernetesCelEnvironment();
  const run = (expression: string, context: Record<string, unknown> = {}) =>
    env.evaluate(expression, toCelValue(context) as Record<string, unknown>);

  it('has the quantity library', () => {
    expect(run("quantity('1Gi').isGreaterThan(quantity('1G'))")).toBe(true);
    expect(run("quantity('500m').isLessThan(quantity('1'))")).toBe(true);
    expect(run("quantity('2').compareTo(quantity('2000m'))")).toBe(0n);
    expect(run("quantity('2').asInteger()")).toBe(2n);
    expect(run("quantity('1.5').asApproximateFloat()")).toBe(1.5);
    expect(
      run("quantity('1').add(quantity('500m')) == quantity('1500m')"),
    ).toBe(true);
    expect(run("quantity('1').add(2).sub(quantity('1')).asInteger()")).toBe(2n);
    expect(run("quantity('-3').sign()")).toBe(-1n);
    expect(run("isQuantity('64Gi') && !isQuantity('64 Gi')")).toBe(true);
    expect(() => run("quantity('abc')")).toThrow(/not a Kubernetes quantity/);
  });

  it('has the list library', () => {
    expect(run('[1, 2, 3].sum()')).toBe(6n);
    expect(run('[1.5, 2.5].sum()')).toBe(4);
    expect(run('x.sum()', { x: [] })).toBe(0n);
    expect(run('[3, 1, 2].min() + [3, 1, 2].max()')).toBe(4n);
    expect(run("['b', 'a'].min()")).toBe('a');
    expect(run("['a', 'b', 'a'].indexOf('a')")).toBe(0n);
    expect(run("['a', 'b', 'a'].lastIndexOf('a')")).toBe(2n);
    expect(run('[1, 2, 2].isSorted() && ![2, 1].isSorted()')).toBe(true);
    expect(run('[1, 2, 3, 4].slice(1, 3)')).toEqual([2n, 3n]);
    expect(run('[[1], [2, 3]].flatten()')).toEqual([1n, 2n, 3n]);
    expect(run('[1, 2, 1].distinct()')).toEqual([1n, 2n]);
    expect(() => run('x.min()', { x: [] })).toThrow(/empty list/);
    expect(() => run('x.sum()', { x: [1, 'a'] })).toThrow(
      /all be int or all double/,
    );
  });

  it('has the strings and regex extensions', () => {
    expect(run("'hello'.charAt(1)")).toBe('e');
    expect(run("'a-b-c'.replace('-', '_')")).toBe('a_b_c');
    expect(run("'a-b-c'.replace('-', '_', 1)")).toBe('a_b-c');
    expect(run("'abc'.reverse()")).toBe('cba');
    expect(run("'a,b'.split(',')")).toEqual(['a', 'b']);
    expect(run("'MiXed'.lowerAscii() + 'x'.upperAscii()")).toBe('mixedX');
    expect(run("'nvcr.io/nvidia/triton:24.08'.find('[0-9]+\\\\.[0-9]+')")).toBe(
      '24.08',
    );
    expect(run("'a1b22c333'.findAll('[0-9]+')")).toEqual(['1', '22', '333']);
    expect(run("'a1b22c333'.findAll('[0-9]+', 2)")).toEqual(['1', '22']);
  });

  it('has optional types and sees manifest numbers as ints', () => {
    expect(
      run("o.?metadata.?labels[?'team'].orValue('none')", {
        o: { metadata: {} },
      }),
    ).toBe('none');
    expect(
      run('o.spec.replicas == 2 && type(o.spec.replicas) == int', {
        o: { spec: { replicas: 2 } },
      }),
    ).toBe(true);
    expect(run('type(o.ratio) == double', { o: { ratio: 0.5 } })).toBe(true);
    expect(run("has(o.constructor) || 'constructor' in o", { o: {} })).toBe(
      false,
    );
  });
});
