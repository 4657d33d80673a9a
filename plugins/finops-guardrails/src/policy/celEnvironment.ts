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

import {
  Environment,
  type Context,
  type EnvironmentOptions,
  type ParseResult,
} from '@marcbachmann/cel-js';
import { registerFormatLibrary } from './celFormat';
import { checkValueSize, instrumentCel } from './celLimits';
import { registerNetworkLibraries } from './celNetwork';
import { registerSemverLibrary } from './celSemver';
import { registerUrlLibrary } from './celUrl';
import { Quantity } from './quantity';
import { re2Find, re2FindAll } from './regex';

// The Kubernetes CEL libraries that @marcbachmann/cel-js does not carry
// itself, as the apiserver defines them (kubernetes/website
// docs/reference/using-api/cel.md; k8s.io/apiserver/pkg/cel/library):
// quantity, the list library (sum, min, max, indexOf, lastIndexOf, isSorted,
// plus slice/flatten/distinct from cel-go's ext.Lists), the strings
// extension's charAt/replace/reverse/format, the regex library's
// find/findAll, url (celUrl.ts), ip and cidr (celNetwork.ts) and semver with
// its normalize argument (celSemver.ts); has() takes any operand, map
// literals included. Not provided: the authorizer, sets, the named formats
// library (format.dns1123Label()…) and the type names `net.IP`/`net.CIDR` as
// values (cel-js has no qualified type identifiers): an expression using
// them fails to compile with the function named. Quantity has no mul/div/divInt in any Kubernetes release (they exist
// only in the unmerged kubernetes/kubernetes#135995), so they fail to
// compile here too, with a message saying so.

const isInt = (v: unknown): v is bigint => typeof v === 'bigint';
const isDouble = (v: unknown): v is number => typeof v === 'number';

function celEquals(a: unknown, b: unknown): boolean {
  if (a instanceof Quantity && b instanceof Quantity) return a.equals(b);
  if ((isInt(a) || isDouble(a)) && (isInt(b) || isDouble(b))) {
    // CEL compares int and double numerically.
    return Number(a) === Number(b) && (isDouble(a) || isDouble(b) || a === b);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => celEquals(x, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return (
      ka.length === kb.length &&
      ka.every(
        k =>
          Object.prototype.hasOwnProperty.call(b, k) &&
          celEquals((a as any)[k], (b as any)[k]),
      )
    );
  }
  return a === b;
}

function order<T extends bigint | number | string>(a: T, b: T): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function compare(a: unknown, b: unknown, fn: string): number {
  if ((isInt(a) || isDouble(a)) && (isInt(b) || isDouble(b))) {
    if (isInt(a) && isInt(b)) return order(a, b);
    return order(Number(a), Number(b));
  }
  if (typeof a === 'string' && typeof b === 'string') return order(a, b);
  if (a instanceof Quantity && b instanceof Quantity) return a.compareTo(b);
  throw new Error(`${fn}: list elements are not comparable`);
}

function sum(list: unknown[]): bigint | number {
  if (list.every(isInt)) return list.reduce((a, b) => a + b, 0n);
  if (list.every(isDouble)) return list.reduce((a, b) => a + b, 0);
  throw new Error('sum: list elements must all be int or all double');
}

function extreme(list: unknown[], fn: 'min' | 'max'): unknown {
  if (list.length === 0) throw new Error(`${fn} called on an empty list`);
  return list.reduce((best, v) => {
    const c = compare(v, best, fn);
    return (fn === 'min' ? c < 0 : c > 0) ? v : best;
  });
}

/** replace() of every occurrence, refused before it builds too long a string. */
function replaceAll(s: string, from: string, to: string): string {
  let occurrences = 0;
  if (from === '') occurrences = s.length + 1;
  else
    for (let i = s.indexOf(from); i >= 0; i = s.indexOf(from, i + from.length))
      occurrences++;
  checkValueSize(
    s.length + occurrences * (to.length - from.length),
    'replace() would build a string',
    'string',
  );
  return s.split(from).join(to);
}

/** A key under which CEL-equal scalars meet (1 and 1.0 too). */
function scalarKey(v: unknown): string | undefined {
  switch (typeof v) {
    case 'bigint':
    case 'number':
      return `n${Number(v)}`;
    case 'string':
      return `s${v}`;
    case 'boolean':
      return `b${v}`;
    default:
      return v === null ? 'null' : undefined;
  }
}

/** ext.Lists' distinct: first occurrences, in linear time for scalars. */
function distinct(list: unknown[]): unknown[] {
  const seen = new Map<string, unknown[]>();
  const others: unknown[] = [];
  const out: unknown[] = [];
  for (const v of list) {
    const key = scalarKey(v);
    const bucket = key === undefined ? others : seen.get(key) ?? [];
    if (bucket.some(x => celEquals(x, v))) continue;
    bucket.push(v);
    if (key !== undefined) seen.set(key, bucket);
    out.push(v);
  }
  return out;
}

type AstNode = {
  op: string;
  args: any;
  meta: { macro?: any; alternate?: any };
};
const isAstNode = (v: unknown): v is AstNode =>
  typeof v === 'object' && v !== null && 'op' in v && 'meta' in v;

/**
 * cel-js' has() macro accepts only `has(name.field…)`; CEL's accepts any
 * operand (`has({'a': 1}.a)`, `has(f(x).a)`). Its evaluation already walks
 * from any operand, so only its type check is widened: the operand is
 * checked as an expression and the selections above it as fields.
 */
function allowHasOnAnyOperand(root: unknown) {
  const seen = new Set<unknown>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach(visit);
      return;
    }
    if (!isAstNode(v) || seen.has(v)) return;
    seen.add(v);
    if (v.op !== 'value') {
      if (v.op === 'comprehension') {
        visit(Object.values(v.args));
      } else visit(v.args);
    }
    const { macro, alternate } = v.meta;
    if (alternate) visit(alternate);
    if (!macro) return;
    visit(macro.args);
    if (v.op !== 'call' || v.args[0] !== 'has' || !isAstNode(macro.args?.[0])) {
      return;
    }
    const originalTypeCheck = macro.typeCheck;
    macro.typeCheck = (checker: any, m: any, ctx: any) => {
      let node = m.args[0];
      if (node.op === '.' && !m.macroHasProps) {
        const props: AstNode[] = [];
        while (node.op === '.' || node.op === '.?') {
          props.push(node);
          node = node.args[0];
        }
        if (node.op !== 'id') {
          checker.check(node, ctx);
          props.push(node);
          m.macroHasProps = props;
        }
      }
      return originalTypeCheck(checker, m, ctx);
    };
  };
  visit(root);
}

/** Functions people expect from Kubernetes that no release defines. */
const MISSING_FUNCTIONS: Array<[RegExp, string]> = [
  [
    /found no matching overload for 'Quantity\.(mul|div|divInt)\(/,
    "Kubernetes' quantity library has no mul, div or divInt (only proposed, in the unmerged kubernetes/kubernetes#135995): the apiserver would refuse this expression; compare with isLessThan/compareTo or convert with asApproximateFloat()",
  ],
];

/** Adds what Kubernetes lacks to the type-check error of such a call. */
function explainMissingFunctions(program: ParseResult) {
  const check = program.check.bind(program);
  (program as { check: ParseResult['check'] }).check = () => {
    const result = check();
    const error = result.error as Error | undefined;
    if (!result.valid && error) {
      for (const [pattern, note] of MISSING_FUNCTIONS) {
        if (pattern.test(error.message) && !error.message.includes(note)) {
          error.message = `${error.message}: ${note}`;
        }
      }
    }
    return result;
  };
}

// cel-js' Environment takes its parent as a second constructor argument
// (what clone() passes); its typings declare only the options.
const EnvironmentBase = Environment as unknown as new (
  opts?: EnvironmentOptions,
  parent?: Environment,
) => Environment;

/**
 * Every program it parses is type-checked and instrumented at once: RE2 for
 * `matches` (cel-js' own is JavaScript's backtracking RegExp, and cannot be
 * overridden by registering a function), literal patterns compiled, and the
 * cost and size accounting that {@link PolicySet} limits (see celLimits.ts).
 */
class KubernetesCelEnvironment extends EnvironmentBase {
  parse(expression: string): ParseResult {
    const program = super.parse(expression);
    allowHasOnAnyOperand(program.ast);
    explainMissingFunctions(program);
    if (program.check().valid) instrumentCel(program.ast);
    return program;
  }

  evaluate(expression: string, context?: Context): any {
    return this.parse(expression)(context);
  }

  clone(opts?: EnvironmentOptions): Environment {
    return new KubernetesCelEnvironment(opts, this);
  }
}

/** The environment with the libraries defined in this file. */
function createBaseEnvironment(): Environment {
  return (
    new KubernetesCelEnvironment({
      unlistedVariablesAreDyn: true,
      enableOptionalTypes: true,
      homogeneousAggregateLiterals: false,
    })
      .registerType('Quantity', Quantity)
      // Quantity library (Kubernetes 1.29+)
      .registerFunction('isQuantity(string): bool', (s: string) =>
        Quantity.isQuantity(s),
      )
      .registerFunction('quantity(string): Quantity', (s: string) =>
        Quantity.parse(s),
      )
      .registerFunction('Quantity.isInteger(): bool', (q: Quantity) =>
        q.isInteger(),
      )
      .registerFunction('Quantity.asInteger(): int', (q: Quantity) =>
        q.asInteger(),
      )
      .registerFunction(
        'Quantity.asApproximateFloat(): double',
        (q: Quantity) => q.asApproximateFloat(),
      )
      .registerFunction('Quantity.sign(): int', (q: Quantity) =>
        BigInt(q.sign()),
      )
      .registerFunction(
        'Quantity.add(Quantity): Quantity',
        (q: Quantity, o: Quantity) => q.add(o),
      )
      .registerFunction(
        'Quantity.add(int): Quantity',
        (q: Quantity, o: bigint) => q.add(o),
      )
      .registerFunction(
        'Quantity.sub(Quantity): Quantity',
        (q: Quantity, o: Quantity) => q.sub(o),
      )
      .registerFunction(
        'Quantity.sub(int): Quantity',
        (q: Quantity, o: bigint) => q.sub(o),
      )
      .registerFunction(
        'Quantity.isLessThan(Quantity): bool',
        (q: Quantity, o: Quantity) => q.compareTo(o) < 0,
      )
      .registerFunction(
        'Quantity.isGreaterThan(Quantity): bool',
        (q: Quantity, o: Quantity) => q.compareTo(o) > 0,
      )
      .registerFunction(
        'Quantity.compareTo(Quantity): int',
        (q: Quantity, o: Quantity) => BigInt(q.compareTo(o)),
      )
      .registerOperator('Quantity == Quantity', (a: Quantity, b: Quantity) =>
        a.equals(b),
      )
      // List library
      .registerFunction('list<dyn>.sum(): dyn', (l: unknown[]) => sum(l))
      .registerFunction('list<dyn>.min(): dyn', (l: unknown[]) =>
        extreme(l, 'min'),
      )
      .registerFunction('list<dyn>.max(): dyn', (l: unknown[]) =>
        extreme(l, 'max'),
      )
      .registerFunction('list<dyn>.indexOf(dyn): int', (l: unknown[], v) =>
        BigInt(l.findIndex(x => celEquals(x, v))),
      )
      .registerFunction(
        'list<dyn>.lastIndexOf(dyn): int',
        (l: unknown[], v) => {
          for (let i = l.length - 1; i >= 0; i--) {
            if (celEquals(l[i], v)) return BigInt(i);
          }
          return -1n;
        },
      )
      .registerFunction('list<dyn>.isSorted(): bool', (l: unknown[]) =>
        l.every((v, i) => i === 0 || compare(l[i - 1], v, 'isSorted') <= 0),
      )
      .registerFunction(
        'list<dyn>.slice(int, int): list<dyn>',
        (l: unknown[], from: bigint, to: bigint) => {
          if (from < 0n || to < from || to > BigInt(l.length)) {
            throw new Error(
              `slice(${from}, ${to}) is out of range for a list of ${l.length}`,
            );
          }
          return l.slice(Number(from), Number(to));
        },
      )
      .registerFunction('list<dyn>.flatten(): list<dyn>', (l: unknown[]) => {
        let size = 0;
        for (const v of l) size += Array.isArray(v) ? v.length : 1;
        checkValueSize(size, 'flatten() would build a list', 'list');
        return l.flatMap(v => (Array.isArray(v) ? v : [v]));
      })
      .registerFunction('list<dyn>.distinct(): list<dyn>', (l: unknown[]) =>
        distinct(l),
      )
      // Strings extension (what the library lacks)
      .registerFunction(
        'string.charAt(int): string',
        (s: string, i: bigint) => {
          const chars = Array.from(s);
          if (i < 0n || i > BigInt(chars.length)) {
            throw new Error(`charAt(${i}) is out of range for '${s}'`);
          }
          return chars[Number(i)] ?? '';
        },
      )
      .registerFunction(
        'string.replace(string, string): string',
        (s: string, from: string, to: string) => replaceAll(s, from, to),
      )
      .registerFunction(
        'string.replace(string, string, int): string',
        (s: string, from: string, to: string, n: bigint) => {
          if (n < 0n) return replaceAll(s, from, to);
          let out = s;
          let at = 0;
          for (let done = 0n; done < n; done++) {
            const i = out.indexOf(from, at);
            if (i < 0) break;
            out = out.slice(0, i) + to + out.slice(i + from.length);
            at = i + to.length;
          }
          return out;
        },
      )
      .registerFunction('string.reverse(): string', (s: string) =>
        Array.from(s).reverse().join(''),
      )
      // Regex library (RE2; see regex.ts)
      .registerFunction('string.find(string): string', (s: string, p: string) =>
        re2Find(s, p),
      )
      .registerFunction(
        'string.findAll(string): list<string>',
        (s: string, p: string) => re2FindAll(s, p),
      )
      .registerFunction(
        'string.findAll(string, int): list<string>',
        (s: string, p: string, n: bigint) =>
          re2FindAll(s, p, n < 0n ? -1 : Number(n)),
      )
  );
}

/**
 * A CEL environment with the Kubernetes libraries the guardrail policies use
 * (quantity, lists, strings with format, regex, url, ip, cidr, semver) and
 * optional types, in which every top-level name (`object`, `params`,
 * `variables`, …) is dynamic. Regular
 * expressions (`matches`, `find`, `findAll`) are RE2, as in Kubernetes:
 * linear-time, without backreferences or lookaround; a literal pattern RE2
 * refuses makes `parse` throw. Programs it parses count their cost against
 * the limits {@link PolicySet} sets (none when evaluated on their own).
 *
 * @public
 */
export function createKubernetesCelEnvironment(): Environment {
  return registerFormatLibrary(
    registerSemverLibrary(
      registerNetworkLibraries(registerUrlLibrary(createBaseEnvironment())),
    ),
  );
}

/**
 * Converts a JSON value (a parsed manifest) to the values CEL sees, as the
 * apiserver does: whole numbers become `int` (BigInt), other numbers
 * `double`; maps get no prototype so that keys such as `constructor` are
 * plain keys.
 *
 * @public
 */
export function toCelValue(value: unknown): unknown {
  if (typeof value === 'number') {
    return Number.isInteger(value) && Number.isSafeInteger(value)
      ? BigInt(value)
      : value;
  }
  if (Array.isArray(value)) return value.map(toCelValue);
  if (value instanceof Quantity) return value;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = Object.create(null);
    for (const [k, v] of Object.entries(value)) out[k] = toCelValue(v);
    return out;
  }
  return value;
}
