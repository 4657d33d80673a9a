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

import { createHash, type Hash } from 'node:crypto';

/**
 * Serialises a string map as JSON with its keys sorted, so that equal maps
 * always give equal text: `{"app":"chat","tier":"inference"}`.
 *
 * @internal
 */
export function canonicalStringMap(
  map: Record<string, string> | undefined,
): string {
  if (!map) {
    return '{}';
  }
  const keys = Object.keys(map).sort();
  return `{${keys.map(key => canonicalPair(key, map[key])).join(',')}}`;
}

/**
 * The text one `key: value` pair takes inside {@link canonicalStringMap}'s
 * output: `"key":"value"`. Because both halves are JSON strings, the pair can
 * only appear in that output as a whole member, never across members.
 *
 * @internal
 */
export function canonicalPair(key: string, value: string): string {
  return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
}

/**
 * Serialises any JSON value with object keys sorted at every level and
 * `undefined` members left out.
 *
 * @internal
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter(key => record[key] !== undefined)
    .sort()
    .map(key => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  return `{${members.join(',')}}`;
}

/**
 * A SHA-256 over a sequence of canonical records, one per line.
 *
 * @internal
 */
export class RecordChecksum {
  readonly #hash: Hash = createHash('sha256');

  add(record: unknown): void {
    this.#hash.update(canonicalJson(record));
    this.#hash.update('\n');
  }

  digest(): string {
    return this.#hash.digest('hex');
  }
}

/**
 * Escapes `%`, `_` and the escape character itself for a `LIKE` pattern
 * that uses `ESCAPE '\'`.
 *
 * @internal
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, match => `\\${match}`);
}
