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

import type { ASTNode } from '@marcbachmann/cel-js';
import { compileRe2, re2Matches } from './regex';

/**
 * Limits on evaluating CEL, in the units of Kubernetes' CEL cost model
 * (cel-go's: roughly one unit per operation, a tenth per character walked).
 * The defaults are the apiserver's (`k8s.io/apiserver/pkg/apis/cel/config.go`).
 *
 * @public
 */
export interface CelLimits {
  /**
   * The most one evaluation of one expression may cost. Default 1,000,000,
   * the apiserver's `PerCallLimit` ("roughly 0.1 second").
   */
  perCallLimit: number;
  /**
   * The most all the expressions of one policy evaluation (one binding, one
   * object, one params object: variables, matchConditions, validations,
   * messageExpressions, auditAnnotations) may cost together. Default
   * 10,000,000, the apiserver's `RuntimeCELCostBudget` per
   * ValidatingAdmissionPolicyBinding ("roughly 1 second").
   */
  runtimeCostBudget: number;
  /**
   * The longest string (characters) or list (elements) an expression may
   * build. Default 3,145,728: the apiserver's `MaxRequestSizeBytes` (3 MiB),
   * the largest object it admits at all.
   */
  maxValueSize: number;
  /**
   * When policies are loaded, the items a list of unknown size (one read
   * from the object) is assumed to hold, to estimate an expression's cost
   * (as the apiserver estimates with a schema's `maxItems`). Default 1,000.
   */
  assumedListSize: number;
}

/**
 * The default {@link CelLimits}.
 *
 * @public
 */
export const DEFAULT_CEL_LIMITS: Readonly<CelLimits> = Object.freeze({
  perCallLimit: 1_000_000,
  runtimeCostBudget: 10_000_000,
  maxValueSize: 3 * 1024 * 1024,
  assumedListSize: 1_000,
});

// cel-go's cost factors (common/cost.go), as the apiserver uses them.
const STRING_TRAVERSAL_COST_FACTOR = 0.1;
const REGEX_STRING_LENGTH_COST_FACTOR = 0.25;

/** An evaluation went over a limit: the expression fails closed. */
export class CelLimitError extends Error {
  constructor(message: string, readonly limit: 'cost' | 'size') {
    super(message);
    this.name = 'CelLimitError';
  }
}

/**
 * What one expression evaluation may still spend. While a meter is active,
 * every instrumented program charges it.
 */
export class CelMeter {
  cost = 0;
  /** The first limit exceeded, kept even if CEL swallowed the error. */
  failure?: CelLimitError;
  constructor(readonly limit: number, readonly maxValueSize: number) {}
}

let active: CelMeter | undefined;

/** Runs `fn` with `meter` charged by every instrumented CEL program. */
export function withMeter<T>(meter: CelMeter, fn: () => T): T {
  const previous = active;
  active = meter;
  try {
    return fn();
  } finally {
    active = previous;
  }
}

function fail(m: CelMeter, error: CelLimitError): never {
  m.failure ??= error;
  throw m.failure;
}

function overCost(m: CelMeter): never {
  return fail(
    m,
    new CelLimitError(
      `the cost limit of ${m.limit.toLocaleString('en-US')}`,
      'cost',
    ),
  );
}

function charge(m: CelMeter | undefined, units: number) {
  if (m === undefined) return;
  m.cost += units;
  if (m.cost > m.limit) overCost(m);
}

const UNITS: Record<string, string> = {
  string: 'characters',
  list: 'elements',
  bytes: 'bytes',
};

/** `what` (e.g. "'+' would build a list") must not exceed maxValueSize. */
function checkSize(
  m: CelMeter | undefined,
  size: number,
  what: string,
  type: string,
) {
  if (m !== undefined && size > m.maxValueSize) {
    fail(
      m,
      new CelLimitError(
        `the size limit: ${what} of ${size.toLocaleString('en-US')} ${
          UNITS[type] ?? 'items'
        }, more than ${m.maxValueSize.toLocaleString('en-US')}`,
        'size',
      ),
    );
  }
}

/**
 * The size of a value that a string or list function must walk, before it
 * builds anything: a value longer than the size limit is refused first.
 * For the functions of the environment (`replace`, `flatten`).
 */
export function checkValueSize(size: number, what: string, type: string) {
  checkSize(active, size, what, type);
}

const stringCost = (n: number) => Math.ceil(n * STRING_TRAVERSAL_COST_FACTOR);

const isPlainMap = (x: object) => {
  const proto = Object.getPrototypeOf(x);
  return proto === null || proto === Object.prototype;
};

/**
 * The cost of walking a value once, nested values included: one per list
 * element or map entry, a tenth per character. Stops counting past `cap`
 * (what is left of the limit), so that the count costs no more than the
 * walk it pays for.
 */
function traversalCost(v: unknown, cap = Infinity): number {
  if (typeof v === 'string') return stringCost(v.length);
  if (v instanceof Uint8Array) return stringCost(v.length);
  if (typeof v !== 'object' || v === null) return 0;
  let total = 0;
  const stack: unknown[] = [v];
  while (stack.length > 0 && total <= cap) {
    const x = stack.pop();
    if (typeof x === 'string' || x instanceof Uint8Array) {
      total += stringCost(x.length);
    } else if (Array.isArray(x)) {
      total += x.length;
      for (const e of x) if (typeof e === 'object' && e !== null) stack.push(e);
      for (const e of x)
        if (typeof e === 'string') total += stringCost(e.length);
    } else if (x instanceof Map) {
      total += x.size;
      for (const e of x.values()) stack.push(e);
    } else if (typeof x === 'object' && x !== null && isPlainMap(x)) {
      for (const k in x) {
        if (!Object.prototype.hasOwnProperty.call(x, k)) continue;
        total += 1;
        const e = (x as Record<string, unknown>)[k];
        if (typeof e === 'object' || typeof e === 'string') stack.push(e);
      }
    }
  }
  return total;
}

const left = (m: CelMeter) => Math.max(0, m.limit - m.cost);

/** The size of a value a call or `+` built: list elements or characters. */
function builtSize(v: unknown): number {
  if (typeof v === 'string' || Array.isArray(v) || v instanceof Uint8Array) {
    return v.length;
  }
  return 0;
}

function celTypeName(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (v instanceof Uint8Array) return 'bytes';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'double';
  if (typeof v === 'boolean') return 'bool';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  return 'map';
}

// Functions that neither walk their arguments nor build a value (cel-go
// charges them 1); size() walks a string (code points), not a list or map.
const CONSTANT_COST_FUNCTIONS = new Set([
  'dyn',
  'type',
  'orValue',
  'value',
  'hasValue',
  'of',
  'ofNonZeroValue',
  'or',
  'optMap',
  'optFlatMap',
]);
const REGEX_FUNCTIONS = new Set(['matches', 'find', 'findAll']);

type EvaluateFn = (ev: unknown, ast: unknown, ctx: unknown) => unknown;

/** The parts of a cel-js AST node the instrumentation reads and replaces. */
interface Node {
  op: string;
  args: any;
  meta: {
    evaluate: EvaluateFn;
    alternate?: Node;
    macro?: {
      evaluate: EvaluateFn;
      args?: unknown;
      macroHasProps?: unknown;
      val?: unknown;
      exp?: unknown;
    };
  };
  evaluate: EvaluateFn;
  handle?: (...args: any[]) => unknown;
}

const isNode = (v: unknown): v is Node =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Node).op === 'string' &&
  typeof (v as Node).meta === 'object';

const isStringValue = (n: unknown): n is Node =>
  isNode(n) && n.op === 'value' && typeof n.args === 'string';

// How the cost is counted. @marcbachmann/cel-js has no cost tracking and no
// hooks: a checked expression is a tree of nodes, each evaluated through its
// own `evaluate` (comprehension steps included, once per iteration), and
// functions and operators through the node's `handle` with the argument
// values. Instrumenting the checked tree once, at compile time, gives a
// count in the spirit of cel-go's runtime cost: 1 per node evaluated
// (comprehension iterations, field selections, operators, calls), plus the
// size of what a call walks (a tenth per character, one per list element)
// and of what `+` or a call builds; the sizes are checked before `+` or
// `join` allocate. A tree walk costs nothing per evaluation and needs no
// fork of the library; the price is that it relies on cel-js 8.0's node
// layout (instrumentCel throws when a node lacks what it wraps, and
// celLimits.test.ts fails if an upgrade stops the counting).
// Evaluation is synchronous, so one module-level meter is enough. Worker
// threads with a time and heap limit would be the last line of defence
// but cost a structured clone of every object per call; the limits here are
// enforced in-line instead.

/**
 * Instruments a checked cel-js program's AST in place: cost and size
 * accounting against the active {@link CelMeter}, and RE2 for `matches`.
 * Literal patterns of `matches`, `find` and `findAll` are compiled now: one
 * RE2 does not accept throws (as the apiserver validates regex literals).
 */
export function instrumentCel(root: ASTNode) {
  const seen = new Set<Node>();
  const visit = (v: unknown) => {
    if (Array.isArray(v)) {
      v.forEach(visit);
      return;
    }
    if (!isNode(v) || seen.has(v)) return;
    seen.add(v);
    if (v.op === 'comprehension') {
      visit(v.args.iterable);
      visit(v.args.init);
      visit(v.args.step);
    } else if (v.op !== 'value') {
      visit(v.args);
    }
    const { alternate, macro } = v.meta;
    if (alternate) visit(alternate);
    if (macro) {
      visit(macro.args);
      visit(macro.macroHasProps);
      visit(macro.val);
      visit(macro.exp);
    }
    wrapEvaluate(v);
    wrapHandle(v);
  };
  visit(root);
}

function wrapEvaluate(node: Node) {
  const { alternate, macro, evaluate } = node.meta;
  let inner: EvaluateFn;
  if (alternate) {
    inner = (ev, _ast, ctx) => alternate.evaluate(ev, alternate, ctx);
  } else if (macro) {
    inner = (ev, _ast, ctx) => macro.evaluate(ev, macro, ctx);
  } else if (typeof evaluate === 'function') {
    inner = evaluate;
  } else {
    throw new Error(
      `@marcbachmann/cel-js: unexpected AST node '${node.op}' (the cost instrumentation needs updating)`,
    );
  }
  node.evaluate = function meteredEvaluate(ev, ast, ctx) {
    const m = active;
    if (m !== undefined && ++m.cost > m.limit) overCost(m);
    return inner.call(this, ev, ast, ctx);
  };
}

const HANDLED_OPS = new Set([
  'call',
  'rcall',
  '+',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'in',
]);

function wrapHandle(node: Node) {
  const original = node.handle;
  if (node.meta.alternate || node.meta.macro || !HANDLED_OPS.has(node.op)) {
    return;
  }
  if (typeof original !== 'function') {
    throw new Error(
      `@marcbachmann/cel-js: a checked '${node.op}' node has no handle (the cost instrumentation needs updating)`,
    );
  }
  switch (node.op) {
    case 'rcall':
    case 'call': {
      const rcall = node.op === 'rcall';
      const name: string = node.args[0];
      const argNodes: unknown[] = rcall ? node.args[2] : node.args[1];
      if (REGEX_FUNCTIONS.has(name) && rcall && isStringValue(argNodes[0])) {
        compileRe2(argNodes[0].args); // throws for a pattern RE2 refuses
      }
      const call =
        rcall && name === 'matches' && argNodes.length === 1
          ? (args: unknown[]) => {
              // cel-js' own matches is JavaScript's backtracking RegExp.
              const [s, pattern] = args;
              if (typeof s !== 'string' || typeof pattern !== 'string') {
                throw new Error(
                  `found no matching overload for '${celTypeName(
                    s,
                  )}.matches(${celTypeName(pattern)})'`,
                );
              }
              return re2Matches(s, pattern);
            }
          : undefined;
      const before = (args: unknown[]) => {
        const m = active;
        if (m === undefined) return;
        if (CONSTANT_COST_FUNCTIONS.has(name)) return;
        if (REGEX_FUNCTIONS.has(name)) {
          // cel-go: string traversal × a quarter per character of the pattern.
          charge(
            m,
            Math.max(1, traversalCost(args[0])) *
              Math.max(
                1,
                Math.ceil(
                  (typeof args[1] === 'string' ? args[1].length : 0) *
                    REGEX_STRING_LENGTH_COST_FACTOR,
                ),
              ),
          );
        } else if (name === 'size') {
          if (typeof args[0] === 'string') charge(m, traversalCost(args[0]));
        } else {
          let units = 0;
          for (const a of args) units += traversalCost(a, left(m) - units);
          charge(m, units);
        }
        if (rcall && name === 'join' && Array.isArray(args[0])) {
          const list = args[0];
          const sep = typeof args[1] === 'string' ? args[1].length : 0;
          let size = Math.max(0, list.length - 1) * sep;
          for (const s of list) if (typeof s === 'string') size += s.length;
          checkSize(m, size, 'join() would build a string', 'string');
        }
      };
      const builds = !CONSTANT_COST_FUNCTIONS.has(name);
      const after = (out: unknown) => {
        const m = active;
        if (m !== undefined && builds) {
          const size = builtSize(out);
          if (size > 0) {
            checkSize(
              m,
              size,
              `${name}() built a ${celTypeName(out)}`,
              celTypeName(out),
            );
            charge(m, traversalCost(out));
          }
        }
        return out;
      };
      node.handle = rcall
        ? (args: unknown[], ev: unknown, ast: unknown) => {
            before(args);
            return after(call ? call(args) : original(args, ev, ast));
          }
        : (args: unknown[], ast: unknown, ev: unknown) => {
            before(args);
            return after(original(args, ast, ev));
          };
      return;
    }
    case '+':
      node.handle = (l: unknown, r: unknown, ast: unknown, ev: unknown) => {
        const m = active;
        if (m !== undefined) {
          const size = builtSize(l) + builtSize(r);
          if (size > 0) {
            const type = celTypeName(l);
            checkSize(m, size, `'+' would build a ${type}`, type);
            // Concatenation copies the elements, not what they hold.
            charge(
              m,
              typeof l === 'string'
                ? stringCost(size)
                : builtSize(l) + builtSize(r),
            );
          }
        }
        return original(l, r, ast, ev);
      };
      return;
    case '==':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      node.handle = (l: unknown, r: unknown, ast: unknown, ev: unknown) => {
        const m = active;
        if (m !== undefined && typeof l === typeof r && typeof l !== 'bigint') {
          // Equality of lists and maps is deep; it stops at the smaller one.
          const cap = left(m);
          charge(m, Math.min(traversalCost(l, cap), traversalCost(r, cap)));
        }
        return original(l, r, ast, ev);
      };
      return;
    case 'in':
      node.handle = (l: unknown, r: unknown, ast: unknown, ev: unknown) => {
        const m = active;
        if (m !== undefined && Array.isArray(r)) {
          // Compared with each element (a map in a map: deeply); a map's
          // `in` is a key look-up.
          charge(m, r.length * Math.max(1, traversalCost(l, left(m))));
        }
        return original(l, r, ast, ev);
      };
      return;
    default:
  }
}

// ---------------------------------------------------------------------------
// Static estimate (at load), in the spirit of the apiserver's estimated cost
// limit: a comprehension multiplies the cost of its step by the size of what
// it iterates. A size is known for list literals and for the params (loaded
// with the policies); a list read from the object is of unknown size and
// assumed to hold `assumedListSize` items. A comprehension over a list taken
// from an enclosing comprehension's element (`c.ports` inside
// `containers.all(c, …)`) walks each part of the object once in all, so it
// adds to the cost instead of multiplying it; one over an unrelated list
// (`object.spec.items` again) multiplies.

type Size =
  | { kind: 'known'; n: number }
  | { kind: 'dependent'; on: string }
  | { kind: 'unknown'; what: string };

/** What an expression may cost, as estimated at load. */
export interface CelCostEstimate {
  cost: number;
  /** How many lists of unknown size multiply the cost (2: quadratic). */
  degree: number;
  /** Those lists, as the expression names them. */
  unboundedLists: string[];
}

/** What the estimate knows around an expression. */
export interface CelEstimateContext {
  assumedListSize: number;
  /** The estimates of the variables declared before the expression. */
  variables: Map<string, { estimate: CelCostEstimate; size: Size }>;
  /** The size of the list or map at a path of the params, if known. */
  paramsSize(path: string[]): number | undefined;
}

interface Scope {
  /** Iteration variables, and whether their elements are parts of the input. */
  iterVars: Map<string, boolean>;
}

function pathOf(node: Node): string[] | undefined {
  switch (node.op) {
    case 'id':
      return [String(node.args)];
    case '.':
    case '.?': {
      const p = isNode(node.args[0]) ? pathOf(node.args[0]) : undefined;
      return p && [...p, String(node.args[1])];
    }
    case '[]':
    case '[?]': {
      const p = isNode(node.args[0]) ? pathOf(node.args[0]) : undefined;
      return p && isStringValue(node.args[1]) ? [...p, node.args[1].args] : p;
    }
    case 'rcall':
      if (['orValue', 'value'].includes(node.args[0])) {
        return isNode(node.args[1]) ? pathOf(node.args[1]) : undefined;
      }
      return undefined;
    default:
      return undefined;
  }
}

const worst = (a: Size, b: Size): Size => {
  if (a.kind === 'unknown') return a;
  if (b.kind === 'unknown') return b;
  if (a.kind === 'dependent') return a;
  if (b.kind === 'dependent') return b;
  return { kind: 'known', n: Math.max(a.n, b.n) };
};

function sizeOf(node: Node, scope: Scope, ctx: CelEstimateContext): Size {
  const { alternate } = node.meta;
  if (alternate) return sizeOf(alternate, scope, ctx);
  switch (node.op) {
    case 'list':
    case 'map':
      return { kind: 'known', n: node.args.length };
    case '+': {
      const [l, r] = node.args.map((a: Node) => sizeOf(a, scope, ctx));
      if (l.kind === 'known' && r.kind === 'known') {
        return { kind: 'known', n: l.n + r.n };
      }
      return worst(l, r);
    }
    case '?:':
      return worst(
        sizeOf(node.args[1], scope, ctx),
        sizeOf(node.args[2], scope, ctx),
      );
    case 'comprehension':
      return sizeOf(node.args.iterable, scope, ctx);
    default:
  }
  const path = pathOf(node);
  if (path) {
    const [root, ...rest] = path;
    if (scope.iterVars.has(root)) return { kind: 'dependent', on: root };
    if (root === 'variables' && rest.length === 1) {
      const v = ctx.variables.get(rest[0]);
      if (v) return v.size;
    }
    if (root === 'params') {
      const n = ctx.paramsSize(rest);
      if (n !== undefined) return { kind: 'known', n };
    }
    return { kind: 'unknown', what: path.join('.') };
  }
  if (node.op === 'rcall' && isNode(node.args[1])) {
    // A function of a part of an element (c.image.split('/')) is bounded by
    // that element.
    const receiver = sizeOf(node.args[1], scope, ctx);
    if (receiver.kind === 'dependent') return receiver;
  }
  return { kind: 'unknown', what: 'a computed list' };
}

function add(a: CelCostEstimate, b: CelCostEstimate): CelCostEstimate {
  return {
    cost: a.cost + b.cost,
    degree: Math.max(a.degree, b.degree),
    unboundedLists: [...new Set([...a.unboundedLists, ...b.unboundedLists])],
  };
}

function estimateNode(
  node: Node,
  scope: Scope,
  ctx: CelEstimateContext,
  used: Set<string>,
): CelCostEstimate {
  const one: CelCostEstimate = { cost: 1, degree: 0, unboundedLists: [] };
  const sum = (nodes: unknown[]): CelCostEstimate =>
    nodes
      .filter(isNode)
      .reduce<CelCostEstimate>(
        (acc, n) => add(acc, estimateNode(n, scope, ctx, used)),
        one,
      );
  const { alternate, macro } = node.meta;
  if (alternate) return add(one, estimateNode(alternate, scope, ctx, used));
  if (macro) {
    return sum([
      ...(Array.isArray(macro.args) ? macro.args : []),
      macro.val,
      macro.exp,
    ]);
  }
  const path = pathOf(node);
  if (path?.[0] === 'variables' && path.length >= 2) used.add(path[1]);
  switch (node.op) {
    case 'value':
    case 'id':
    case 'accuValue':
    case 'accuInc':
      return one;
    case '.':
    case '.?':
      return sum([node.args[0]]);
    case 'call':
      return sum(node.args[1]);
    case 'rcall':
      return sum([node.args[1], ...node.args[2]]);
    case 'map':
      return sum(node.args.flat());
    case '?:': {
      const [c, l, r] = node.args.map((a: Node) =>
        estimateNode(a, scope, ctx, used),
      );
      // One branch runs: the dearer one counts.
      const both = add(add(c, l), r);
      return {
        ...both,
        cost: 1 + c.cost + Math.max(l.cost, r.cost),
      };
    }
    case 'comprehension': {
      const { iterable, init, step, iterVarName } = node.args;
      const size = sizeOf(iterable, scope, ctx);
      let times = ctx.assumedListSize;
      let degree = 1;
      let unbounded: string[] = [];
      let partOfInput = true;
      if (size.kind === 'known') {
        times = size.n;
        degree = 0;
        partOfInput = false;
      } else if (size.kind === 'dependent' && scope.iterVars.get(size.on)) {
        times = 1; // amortized: the enclosing comprehension walks the input
        degree = 0;
      } else {
        unbounded = [size.kind === 'unknown' ? size.what : size.on];
      }
      const inner: Scope = {
        iterVars: new Map(scope.iterVars).set(iterVarName, partOfInput),
      };
      const body = estimateNode(step, inner, ctx, used);
      const head = add(
        add(one, estimateNode(iterable, scope, ctx, used)),
        estimateNode(init, scope, ctx, used),
      );
      return add(head, {
        cost: times * (1 + body.cost),
        degree: degree + body.degree,
        unboundedLists: [...unbounded, ...body.unboundedLists],
      });
    }
    default:
      return sum(Array.isArray(node.args) ? node.args : [node.args]);
  }
}

/**
 * Estimates what a checked expression may cost, the variables it reads
 * included (each once: they are evaluated lazily, at most once).
 */
export function estimateCelCost(
  root: ASTNode,
  ctx: CelEstimateContext,
): CelCostEstimate {
  const used = new Set<string>();
  let estimate = estimateNode(
    root as unknown as Node,
    { iterVars: new Map() },
    ctx,
    used,
  );
  for (const name of used) {
    const v = ctx.variables.get(name);
    if (v) estimate = add(estimate, v.estimate);
  }
  return estimate;
}

/** The size estimate of a variable's value, for the expressions that read it. */
export function estimateCelSize(root: ASTNode, ctx: CelEstimateContext): Size {
  return sizeOf(root as unknown as Node, { iterVars: new Map() }, ctx);
}

export type { Size as CelSizeEstimate };
