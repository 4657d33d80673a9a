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

import type { Environment } from '@marcbachmann/cel-js';

// string.format(list) of cel-go's strings extension as Kubernetes enables it
// (ext.Strings version 2: the first formatter, ext/formatting.go, in the
// en_US locale): %s %d %f %e %b %o %x %X and %%, with an optional
// precision (`%.3f`).

/** Refused above this, before any digits are built. */
const MAX_PRECISION = 100;

/** cel-js' uint (its UnsignedInt class is not exported). */
type UnsignedInt = { valueOf(): bigint };
const isUnsigned = (v: unknown): v is UnsignedInt =>
  typeof v === 'object' && v !== null && v.constructor?.name === 'UnsignedInt';

function typeName(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (v instanceof Uint8Array) return 'bytes';
  if (typeof v === 'bigint') return 'int';
  if (isUnsigned(v)) return 'uint';
  if (typeof v === 'number') return 'double';
  if (typeof v === 'boolean') return 'bool';
  if (v === null || v === undefined) return 'null_type';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object' && v.constructor && v.constructor !== Object) {
    return v.constructor.name;
  }
  return 'map';
}

const formatError = (message: string) =>
  new Error(`error during formatting: ${message}`);

const isInteger = (v: unknown): v is bigint | UnsignedInt =>
  typeof v === 'bigint' || isUnsigned(v);
const integerValue = (v: bigint | UnsignedInt): bigint =>
  typeof v === 'bigint' ? v : v.valueOf();

/** Go's strconv 'g' with the shortest precision: exponent below -4 or from 21. */
function shortestDouble(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const [mantissa, exponentText] = x.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 21) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return String(x);
}

function fixed(x: number, precision: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  return x.toFixed(precision);
}

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';

function scientific(x: number, precision: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  const [mantissa, exponentText] = x.toExponential(precision).split('e');
  const exponent = Number(exponentText);
  const digits = String(Math.abs(exponent))
    .padStart(2, '0')
    .replace(/[0-9]/g, d => SUPERSCRIPT[Number(d)]);
  return `${mantissa}\u202f×\u202f10${exponent < 0 ? '⁻' : ''}${digits}`;
}

const hexOfBytes = (bytes: Uint8Array) =>
  Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');

/** %s of a value; `nested` inside a list or map (strings quoted, doubles %f). */
function asString(v: unknown, nested: boolean): string {
  if (typeof v === 'string') return nested ? JSON.stringify(v) : v;
  if (v instanceof Uint8Array) {
    const text = new TextDecoder().decode(v);
    return nested ? `b${JSON.stringify(text)}` : text;
  }
  if (isInteger(v)) return String(integerValue(v));
  if (typeof v === 'number') {
    if (!nested) return shortestDouble(v);
    return Number.isFinite(v) ? fixed(v, 6) : JSON.stringify(shortestDouble(v));
  }
  if (typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map(e => asString(e, true)).join(', ')}]`;
  if (v instanceof Map || (typeof v === 'object' && typeName(v) === 'map')) {
    const entries =
      v instanceof Map ? [...v.entries()] : Object.entries(v as object);
    return `{${entries
      .map(([k, e]) => [asString(k, true), asString(e, true)])
      .sort(([a], [b]) => Number(a > b) - Number(a < b))
      .map(([k, e]) => `${k}:${e}`)
      .join(', ')}}`;
  }
  if (v && typeof v === 'object' && 'name' in v && typeName(v) === 'Type') {
    return String((v as { name: string }).name);
  }
  throw formatError(
    `string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps, was given ${typeName(
      v,
    )}`,
  );
}

function formatClause(
  verb: string,
  precision: number | undefined,
  v: unknown,
): string {
  switch (verb) {
    case 's':
      return asString(v, false);
    case 'd':
      if (isInteger(v)) return String(integerValue(v));
      throw formatError(
        `decimal clause can only be used on integers, was given ${typeName(v)}`,
      );
    case 'f':
      if (typeof v === 'number') return fixed(v, precision ?? 6);
      if (typeof v === 'string' && /^(NaN|-?Infinity)$/.test(v)) {
        return fixed(Number(v), precision ?? 6);
      }
      throw formatError(
        `fixed-point clause can only be used on doubles, was given ${typeName(
          v,
        )}`,
      );
    case 'e':
      if (typeof v === 'number') return scientific(v, precision ?? 6);
      throw formatError(
        `scientific clause can only be used on doubles, was given ${typeName(
          v,
        )}`,
      );
    case 'b':
      if (isInteger(v)) return integerValue(v).toString(2);
      if (typeof v === 'boolean') return v ? '1' : '0';
      throw formatError(
        `only integers and bools can be formatted as binary, was given ${typeName(
          v,
        )}`,
      );
    case 'o':
      if (isInteger(v)) return integerValue(v).toString(8);
      throw formatError(
        `octal clause can only be used on integers, was given ${typeName(v)}`,
      );
    default: {
      let hex: string;
      if (isInteger(v)) hex = integerValue(v).toString(16);
      else if (typeof v === 'string')
        hex = hexOfBytes(new TextEncoder().encode(v));
      else if (v instanceof Uint8Array) hex = hexOfBytes(v);
      else {
        throw formatError(
          `only integers, byte buffers, and strings can be formatted as hex, was given ${typeName(
            v,
          )}`,
        );
      }
      return verb === 'X' ? hex.toUpperCase() : hex;
    }
  }
}

/** `format.format(args)`, as cel-go's first formatter does it. */
export function celFormat(format: string, args: unknown[]): string {
  let out = '';
  let next = 0;
  for (let i = 0; i < format.length; i++) {
    if (format[i] !== '%') {
      out += format[i];
      continue;
    }
    i++;
    if (i >= format.length) throw new Error('unexpected end of string');
    if (format[i] === '%') {
      out += '%';
      continue;
    }
    let precision: number | undefined;
    if (format[i] === '.') {
      const digits = /^[0-9]*/.exec(format.slice(i + 1))![0];
      i += 1 + digits.length;
      if (i >= format.length) {
        throw new Error(
          'could not parse formatting clause: error while parsing precision: could not find end of precision specifier',
        );
      }
      precision = digits === '' ? 0 : Number(digits);
      if (precision > MAX_PRECISION) {
        throw new Error(
          `could not parse formatting clause: precision ${digits} is over ${MAX_PRECISION}`,
        );
      }
    }
    const verb = format[i];
    if (!'sdfeboxX'.includes(verb)) {
      throw new Error(
        `could not parse formatting clause: unrecognized formatting clause ${JSON.stringify(
          verb,
        )}`,
      );
    }
    if (next >= args.length) throw new Error(`index ${next} out of range`);
    out += formatClause(verb, precision, args[next++]);
  }
  if (next < args.length) {
    throw new Error(
      `too many arguments supplied to string.format (expected ${next}, got ${args.length})`,
    );
  }
  return out;
}

/** Adds `string.format(list)`. */
export function registerFormatLibrary(env: Environment): Environment {
  return env.registerFunction(
    'string.format(list<dyn>): string',
    (format: string, args: unknown[]) => celFormat(format, args),
  );
}
