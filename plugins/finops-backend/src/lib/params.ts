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
import { formatDay } from '@ai-finops/backstage-plugin-finops-node';

/** A query parameter given once and not empty, or undefined when absent. */
export function readOptionalString(
  value: unknown,
  name: string,
): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'string' || value.length === 0) {
    throw new InputError(
      `Query parameter '${name}' must be a single, non-empty value`,
    );
  }
  return value;
}

/** A query parameter that is one of `choices`; `fallback` when absent. */
export function readChoice<T extends string>(
  value: unknown,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const text = readOptionalString(value, name);
  if (text === undefined) return fallback;
  if (!(choices as readonly string[]).includes(text)) {
    throw new InputError(
      `Invalid ${name} '${text}'; expected one of ${choices.join(', ')}`,
    );
  }
  return text as T;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A query parameter that is a real UTC day as YYYY-MM-DD, or undefined when absent. */
export function readDay(value: unknown, name: string): string | undefined {
  const text = readOptionalString(value, name);
  if (text === undefined) return undefined;
  const match = DAY.exec(text);
  const date = match
    ? new Date(
        Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])),
      )
    : undefined;
  if (!date || formatDay(date) !== text) {
    throw new InputError(
      `Invalid ${name} '${text}'; expected a UTC day as YYYY-MM-DD`,
    );
  }
  return text;
}
