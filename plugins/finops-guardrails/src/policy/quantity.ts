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

// A Kubernetes resource quantity (k8s.io/apimachinery/pkg/api/resource),
// held exactly as a decimal: `digits / 10^scale`. Grammar, from the
// apimachinery docs:
//   <quantity>    ::= <signedNumber><suffix>
//   <suffix>      ::= <binarySI> | <decimalExponent> | <decimalSI>
//   <binarySI>    ::= Ki | Mi | Gi | Ti | Pi | Ei
//   <decimalSI>   ::= n | u | m | "" | k | M | G | T | P | E
//   <decimalExponent> ::= "e" <signedNumber> | "E" <signedNumber>
// Unlike apimachinery, values below one nano are kept, not rounded up: no
// policy or estimate here depends on sub-nano precision.

const QUANTITY_PATTERN =
  /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei)|[eE]([+-]?\d+)|(n|u|m|k|M|G|T|P|E))?$/;

const BINARY_POWERS: Record<string, number> = {
  Ki: 1,
  Mi: 2,
  Gi: 3,
  Ti: 4,
  Pi: 5,
  Ei: 6,
};
const DECIMAL_EXPONENTS: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const pow10 = (n: number) => 10n ** BigInt(n);

/**
 * A Kubernetes resource quantity such as `500m`, `64Gi` or `2`, exact, with
 * the methods of the Kubernetes CEL quantity library.
 *
 * @public
 */
export class Quantity {
  /** The value is `digits / 10^scale`. */
  readonly digits: bigint;
  readonly scale: number;

  /** Parses a quantity; throws {@link @backstage/errors#InputError} when it is not one. */
  static parse(text: string): Quantity {
    const match = QUANTITY_PATTERN.exec(text);
    if (!match) {
      throw new InputError(
        `'${text}' is not a Kubernetes quantity (expected e.g. 2, 500m, 64Gi, 1e3)`,
      );
    }
    const [, sign, number, binary, exponent, decimal] = match;
    const [whole, fraction = ''] = number.split('.');
    let digits = BigInt(`${whole || '0'}${fraction}`);
    let scale = fraction.length;
    if (binary) digits *= 1024n ** BigInt(BINARY_POWERS[binary]);
    if (exponent) scale -= Number(exponent);
    else if (decimal) scale -= DECIMAL_EXPONENTS[decimal];
    if (scale < 0) {
      digits *= pow10(-scale);
      scale = 0;
    }
    return new Quantity(sign === '-' ? -digits : digits, scale);
  }

  /**
   * A quantity from a manifest value: a string, or a number as YAML gives
   * it (`nvidia.com/gpu: 2`).
   */
  static from(value: unknown): Quantity {
    if (value instanceof Quantity) return value;
    if (typeof value === 'bigint') return new Quantity(value, 0);
    if (typeof value === 'number' && Number.isFinite(value)) {
      return Quantity.parse(
        Number.isInteger(value) ? value.toFixed(0) : String(value),
      );
    }
    if (typeof value === 'string') return Quantity.parse(value.trim());
    throw new InputError(
      `${JSON.stringify(value)} is not a Kubernetes quantity`,
    );
  }

  /** Whether `text` parses as a quantity. */
  static isQuantity(text: string): boolean {
    return QUANTITY_PATTERN.test(text);
  }

  constructor(digits: bigint, scale = 0) {
    let d = digits;
    let s = scale;
    while (s > 0 && d % 10n === 0n) {
      d /= 10n;
      s -= 1;
    }
    this.digits = d;
    this.scale = s;
  }

  /** Compares with another quantity: -1, 0 or 1. */
  compareTo(other: Quantity): number {
    const scale = Math.max(this.scale, other.scale);
    const a = this.digits * pow10(scale - this.scale);
    const b = other.digits * pow10(scale - other.scale);
    if (a === b) return 0;
    return a < b ? -1 : 1;
  }

  equals(other: Quantity): boolean {
    return this.compareTo(other) === 0;
  }

  add(other: Quantity | bigint): Quantity {
    const q = typeof other === 'bigint' ? new Quantity(other) : other;
    const scale = Math.max(this.scale, q.scale);
    return new Quantity(
      this.digits * pow10(scale - this.scale) +
        q.digits * pow10(scale - q.scale),
      scale,
    );
  }

  sub(other: Quantity | bigint): Quantity {
    const q = typeof other === 'bigint' ? new Quantity(other) : other;
    return this.add(new Quantity(-q.digits, q.scale));
  }

  sign(): number {
    if (this.digits === 0n) return 0;
    return this.digits < 0n ? -1 : 1;
  }

  /** True when {@link Quantity.asInteger} would succeed. */
  isInteger(): boolean {
    return (
      this.scale === 0 && this.digits <= INT64_MAX && this.digits >= INT64_MIN
    );
  }

  /** The value as a 64-bit integer; throws when it has a fraction or overflows. */
  asInteger(): bigint {
    if (this.scale !== 0) {
      throw new InputError(
        `cannot convert quantity ${this.toString()} to an integer: it has a fraction`,
      );
    }
    if (this.digits > INT64_MAX || this.digits < INT64_MIN) {
      throw new InputError(
        `cannot convert value to integer: quantity ${this.toString()} overflows int64`,
      );
    }
    return this.digits;
  }

  /** The value as a double (may lose precision). */
  asApproximateFloat(): number {
    return Number(this.toString());
  }

  /** The value in plain decimal notation, e.g. `0.5` for `500m`. */
  toString(): string {
    if (this.scale === 0) return this.digits.toString();
    const negative = this.digits < 0n;
    const text = (negative ? -this.digits : this.digits)
      .toString()
      .padStart(this.scale + 1, '0');
    const point = text.length - this.scale;
    return `${negative ? '-' : ''}${text.slice(0, point)}.${text.slice(point)}`;
  }
}
