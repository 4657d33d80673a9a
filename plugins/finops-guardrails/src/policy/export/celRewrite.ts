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
import type { ASTNode } from '@marcbachmann/cel-js';
import { createKubernetesCelEnvironment } from '../celEnvironment';

// Rewrites of CEL expressions on their syntax tree, not their text: a name
// inside a string literal, a field called `params` (`object.params`) or a
// comprehension variable that shadows it is left alone.

const COMPREHENSIONS = new Set([
  'all',
  'exists',
  'exists_one',
  'map',
  'filter',
]);

const env = createKubernetesCelEnvironment();

function parse(expression: string): ASTNode {
  try {
    return env.parse(expression).ast;
  } catch (error) {
    throw new InputError(
      `CEL expression does not parse: ${
        (error as Error).message.split('\n')[0]
      }; expression: ${expression.trim()}`,
    );
  }
}

const isNode = (v: unknown): v is ASTNode =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { op?: unknown }).op === 'string';

/** Calls `visit` on every free occurrence of an identifier in `node`. */
function walkFreeIdentifiers(
  node: ASTNode,
  bound: ReadonlySet<string>,
  visit: (id: ASTNode & { op: 'id' }) => void,
) {
  if (node.op === 'id') {
    if (!bound.has(node.args)) visit(node as ASTNode & { op: 'id' });
    return;
  }
  if (node.op === 'rcall') {
    const [name, target, args] = node.args;
    const isBind =
      name === 'bind' && target.op === 'id' && target.args === 'cel';
    if (COMPREHENSIONS.has(name) || isBind) {
      // `list.map(x, body)`, `list.map(x, filter, body)`, `cel.bind(x, init,
      // body)`: the leading identifier is bound in what follows it (but not in
      // the list or the bind's init).
      if (!isBind) walkFreeIdentifiers(target, bound, visit);
      const [variable, ...rest] = args;
      const inner = new Set(bound);
      if (variable?.op === 'id') inner.add(variable.args);
      rest.forEach((arg, i) =>
        walkFreeIdentifiers(arg, isBind && i === 0 ? bound : inner, visit),
      );
      return;
    }
  }
  const children = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(children);
    else if (isNode(v)) walkFreeIdentifiers(v, bound, visit);
  };
  children(node.args);
}

/**
 * The top-level names an expression reads (`object`, `params`,
 * `namespaceObject`, …), comprehension variables excluded.
 */
export function freeIdentifiers(expression: string): Set<string> {
  const names = new Set<string>();
  walkFreeIdentifiers(parse(expression), new Set(), id => names.add(id.args));
  return names;
}

/**
 * Replaces every free occurrence of the identifier `name` by `replacement`
 * (itself a CEL expression, e.g. `variables.guardrailParams`), keeping the
 * rest of the text (comments of folded YAML, spacing) as it was. The result is
 * parsed again, so a rewrite never yields an expression that does not compile.
 */
export function replaceIdentifier(
  expression: string,
  name: string,
  replacement: string,
): string {
  const ranges: Array<{ start: number; end: number }> = [];
  walkFreeIdentifiers(parse(expression), new Set(), id => {
    if (id.args === name) ranges.push({ start: id.start, end: id.end });
  });
  let out = expression;
  for (const { start, end } of ranges.sort((a, b) => b.start - a.start)) {
    out = `${out.slice(0, start)}${replacement}${out.slice(end)}`;
  }
  parse(out);
  return out;
}

/**
 * A JSON value (a params object) as a CEL literal that evaluates to what the
 * evaluator reads from the object itself: whole numbers as `int`, other
 * numbers as `double`, maps with string keys.
 */
export function celLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return String(value);
    case 'number':
      if (!Number.isFinite(value)) {
        throw new InputError(`${value} has no CEL literal`);
      }
      if (Number.isSafeInteger(value)) return String(value);
      // A double literal needs a fraction or an exponent.
      return /[.eE]/.test(String(value)) ? String(value) : `${value}.0`;
    default:
      break;
  }
  if (Array.isArray(value)) return `[${value.map(celLiteral).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${JSON.stringify(k)}: ${celLiteral(v)}`)
      .join(', ')}}`;
  }
  throw new InputError(`a ${typeof value} has no CEL literal`);
}
