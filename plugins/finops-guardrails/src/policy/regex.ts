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

import { RE2JS } from 're2js';

// CEL's regular expressions are RE2 (cel-spec; the apiserver uses Go's
// regexp): matching takes time linear in the input, whatever the pattern, so
// a pattern such as '^(a+)+$' cannot backtrack for hours. JavaScript's RegExp
// backtracks, so every regex of the policies (matches, find, findAll) goes
// through re2js, a pure-JavaScript port of RE2 (no native addon). RE2 has no
// backreferences and no lookaround; a pattern with them is refused by name.

const CACHE_LIMIT = 500;
const cache = new Map<string, RE2JS>();

function unsupportedFeature(pattern: string): string | undefined {
  if (/\(\?<?[=!]/.test(pattern)) return 'lookaround ((?=, (?!, (?<=, (?<!)';
  if (/\\[1-9]|\\k</.test(pattern)) return 'backreferences (\\1, \\k<name>)';
  return undefined;
}

/**
 * The compiled RE2 program of a pattern (cached). Throws an Error naming the
 * pattern when RE2 does not accept it.
 *
 * @internal
 */
export function compileRe2(pattern: string): RE2JS {
  let re = cache.get(pattern);
  if (re) return re;
  try {
    re = RE2JS.compile(pattern);
  } catch (error) {
    const feature = unsupportedFeature(pattern);
    const reason = String((error as Error).message).replace(
      /^error parsing regexp: /,
      '',
    );
    throw new Error(
      feature
        ? `regular expression '${pattern}' uses ${feature}, which RE2 (CEL's linear-time regex syntax) does not support`
        : `invalid regular expression '${pattern}' (RE2 syntax): ${reason}`,
    );
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(pattern, re);
  return re;
}

/** CEL `matches`: whether the pattern matches anywhere in the string. */
export function re2Matches(s: string, pattern: string): boolean {
  return compileRe2(pattern).matcher(s).find();
}

/** The Kubernetes regex library's `find`: the first match, or ''. */
export function re2Find(s: string, pattern: string): string {
  const m = compileRe2(pattern).matcher(s);
  return m.find() ? m.group() ?? '' : '';
}

/** The Kubernetes regex library's `findAll`: up to `limit` matches (all when negative). */
export function re2FindAll(s: string, pattern: string, limit = -1): string[] {
  const out: string[] = [];
  if (limit === 0) return out;
  const m = compileRe2(pattern).matcher(s);
  while (m.find()) {
    out.push(m.group() ?? '');
    if (limit > 0 && out.length >= limit) break;
  }
  return out;
}
