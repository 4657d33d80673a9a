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

// Kubernetes' IP and CIDR CEL libraries (k8s.io/apiserver/pkg/cel/library
// ip.go, cidr.go), over addresses parsed as Go's net/netip parses them:
// strict dotted quads (no leading zeros), IPv6 with at most one `::`, and
// neither zones nor IPv4-mapped IPv6 addresses, which Kubernetes refuses.

const quote = (s: string) => JSON.stringify(s);

class AddrParseError extends Error {
  constructor(input: string, reason: string, at?: string) {
    super(
      `ParseAddr(${quote(input)}): ${reason}${
        at === undefined ? '' : ` (at ${quote(at)})`
      }`,
    );
  }
}

/** netip's IPv4 field parser over `s`, reporting errors against `input`. */
function parseIPv4Fields(input: string, s: string): number[] {
  const fields: number[] = [];
  let value = 0;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c >= '0' && c <= '9') {
      if (digits === 1 && value === 0) {
        throw new AddrParseError(
          input,
          'IPv4 field has octet with leading zero',
        );
      }
      value = value * 10 + Number(c);
      digits++;
      if (value > 255) {
        throw new AddrParseError(input, 'IPv4 field has value >255');
      }
    } else if (c === '.') {
      if (i === 0 || i === s.length - 1 || s[i - 1] === '.') {
        throw new AddrParseError(
          input,
          'IPv4 field must have at least one digit',
          s.slice(i),
        );
      }
      if (fields.length === 3) {
        throw new AddrParseError(input, 'IPv4 address too long');
      }
      fields.push(value);
      value = 0;
      digits = 0;
    } else {
      throw new AddrParseError(input, 'unexpected character', s.slice(i));
    }
  }
  if (fields.length < 3) {
    throw new AddrParseError(input, 'IPv4 address too short');
  }
  fields.push(value);
  return fields;
}

function parseIPv6(input: string): { bytes: number[]; zone: string } {
  let s = input;
  let zone = '';
  const percent = s.indexOf('%');
  if (percent >= 0) {
    zone = s.slice(percent + 1);
    s = s.slice(0, percent);
    if (zone === '') {
      throw new AddrParseError(input, 'zone must be a non-empty string');
    }
  }
  const ip = new Array<number>(16).fill(0);
  let ellipsis = -1;
  if (s.startsWith('::')) {
    ellipsis = 0;
    s = s.slice(2);
    if (s === '') return { bytes: ip, zone };
  }
  let i = 0;
  while (i < 16) {
    let off = 0;
    let acc = 0;
    for (; off < s.length; off++) {
      const digit = parseInt(s[off], 16);
      if (Number.isNaN(digit)) break;
      acc = acc * 16 + digit;
      if (off > 3) {
        throw new AddrParseError(
          input,
          'each group must have 4 or less digits',
          s,
        );
      }
      if (acc > 0xffff) {
        throw new AddrParseError(input, 'IPv6 field has value >=2^16', s);
      }
    }
    if (off === 0) {
      throw new AddrParseError(
        input,
        'each colon-separated field must have at least one digit',
        s,
      );
    }
    if (off < s.length && s[off] === '.') {
      if (ellipsis < 0 && i !== 12) {
        throw new AddrParseError(
          input,
          'embedded IPv4 address must replace the final 2 fields of the address',
          s,
        );
      }
      if (i + 4 > 16) {
        throw new AddrParseError(
          input,
          'too many hex fields to fit an embedded IPv4 at the end of the address',
          s,
        );
      }
      const fields = parseIPv4Fields(input, s);
      for (let k = 0; k < 4; k++) ip[i + k] = fields[k];
      s = '';
      i += 4;
      break;
    }
    ip[i] = acc >> 8;
    ip[i + 1] = acc & 0xff;
    i += 2;
    s = s.slice(off);
    if (s === '') break;
    if (s[0] !== ':') {
      throw new AddrParseError(input, 'unexpected character, want colon', s);
    } else if (s.length === 1) {
      throw new AddrParseError(
        input,
        'colon must be followed by more characters',
        s,
      );
    }
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) {
        throw new AddrParseError(input, 'multiple :: in address', s);
      }
      ellipsis = i;
      s = s.slice(1);
      if (s === '') break;
    }
  }
  if (s !== '') {
    throw new AddrParseError(input, 'trailing garbage after address', s);
  }
  if (i < 16) {
    if (ellipsis < 0)
      throw new AddrParseError(input, 'address string too short');
    const n = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) ip[j + n] = ip[j];
    ip.fill(0, ellipsis, ellipsis + n);
  } else if (ellipsis >= 0) {
    throw new AddrParseError(
      input,
      'the :: must expand to at least one field of zeros',
      s,
    );
  }
  return { bytes: ip, zone };
}

/** netip.ParseAddr: the address bytes and the zone. */
function parseAddr(raw: string): { bytes: number[]; zone: string } {
  const kind = /[.:%]/.exec(raw)?.[0];
  if (kind === '.') return { bytes: parseIPv4Fields(raw, raw), zone: '' };
  if (kind === ':') return parseIPv6(raw);
  throw new AddrParseError(
    raw,
    kind === '%' ? 'missing IPv6 address' : 'unable to parse IP',
  );
}

/** An IP address, the value of Kubernetes CEL's `net.IP`. */
export class IPAddress {
  constructor(readonly bytes: readonly number[]) {}

  /** 4 or 6. */
  get family(): 4 | 6 {
    return this.bytes.length === 4 ? 4 : 6;
  }

  /**
   * Parses as Kubernetes' `ip()` does; throws with its message for an
   * invalid address, a zone or an IPv4-mapped IPv6 address.
   */
  static parse(raw: string): IPAddress {
    let parsed: { bytes: number[]; zone: string };
    try {
      parsed = parseAddr(raw);
    } catch (e) {
      if (!(e instanceof AddrParseError)) throw e;
      throw new Error(
        `IP Address ${quote(raw)} parse error during conversion from string: ${
          e.message
        }`,
      );
    }
    if (parsed.zone !== '') {
      throw new Error(
        `IP address ${quote(raw)} with zone value is not allowed`,
      );
    }
    const address = new IPAddress(parsed.bytes);
    if (address.isIPv4Mapped()) {
      throw new Error(`IPv4-mapped IPv6 address ${quote(raw)} is not allowed`);
    }
    return address;
  }

  static isValid(raw: string): boolean {
    try {
      IPAddress.parse(raw);
      return true;
    } catch {
      return false;
    }
  }

  isIPv4Mapped(): boolean {
    return (
      this.family === 6 &&
      this.bytes.slice(0, 10).every(b => b === 0) &&
      this.bytes[10] === 0xff &&
      this.bytes[11] === 0xff
    );
  }

  equals(other: IPAddress): boolean {
    return (
      this.bytes.length === other.bytes.length &&
      this.bytes.every((b, i) => b === other.bytes[i])
    );
  }

  isUnspecified(): boolean {
    return this.bytes.every(b => b === 0);
  }

  isLoopback(): boolean {
    if (this.family === 4) return this.bytes[0] === 127;
    return this.bytes.slice(0, 15).every(b => b === 0) && this.bytes[15] === 1;
  }

  isMulticast(): boolean {
    return this.family === 4
      ? (this.bytes[0] & 0xf0) === 0xe0
      : this.bytes[0] === 0xff;
  }

  isLinkLocalMulticast(): boolean {
    if (this.family === 4) {
      return (
        this.bytes[0] === 224 && this.bytes[1] === 0 && this.bytes[2] === 0
      );
    }
    return this.bytes[0] === 0xff && (this.bytes[1] & 0x0f) === 0x02;
  }

  isLinkLocalUnicast(): boolean {
    if (this.family === 4)
      return this.bytes[0] === 169 && this.bytes[1] === 254;
    return this.bytes[0] === 0xfe && (this.bytes[1] & 0xc0) === 0x80;
  }

  /** As Go: private addresses count; broadcast and the special ones do not. */
  isGlobalUnicast(): boolean {
    if (this.family === 4 && this.bytes.every(b => b === 255)) return false;
    return (
      !this.isUnspecified() &&
      !this.isLoopback() &&
      !this.isMulticast() &&
      !this.isLinkLocalUnicast()
    );
  }

  /** The first `bits` bits kept, the rest zero. */
  masked(bits: number): IPAddress {
    return new IPAddress(
      this.bytes.map((b, i) => {
        const keep = Math.max(0, Math.min(8, bits - i * 8));
        return b & ((0xff << (8 - keep)) & 0xff);
      }),
    );
  }

  /** Go's canonical form: dotted quad, or RFC 5952 (lower case, longest zero run as `::`). */
  toString(): string {
    if (this.family === 4) return this.bytes.join('.');
    const groups: number[] = [];
    for (let i = 0; i < 16; i += 2)
      groups.push((this.bytes[i] << 8) | this.bytes[i + 1]);
    let bestStart = -1;
    let bestLength = 1;
    for (let i = 0; i < 8; ) {
      let j = i;
      while (j < 8 && groups[j] === 0) j++;
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j === i ? i + 1 : j;
    }
    const hex = (g: number[]) => g.map(x => x.toString(16)).join(':');
    if (bestStart < 0) return hex(groups);
    return `${hex(groups.slice(0, bestStart))}::${hex(
      groups.slice(bestStart + bestLength),
    )}`;
  }
}

/** An IP prefix, the value of Kubernetes CEL's `net.CIDR`. */
export class CIDRPrefix {
  private constructor(
    readonly address: IPAddress,
    readonly prefixLength: number,
  ) {}

  /** Parses as Kubernetes' `cidr()` does; throws with its message. */
  static parse(raw: string): CIDRPrefix {
    const fail = (reason: string): never => {
      throw new Error(
        `network address parse error during conversion from string: netip.ParsePrefix(${quote(
          raw,
        )}): ${reason}`,
      );
    };
    const slash = raw.lastIndexOf('/');
    if (slash < 0) fail("no '/'");
    let parsed: { bytes: number[]; zone: string } | undefined;
    try {
      parsed = parseAddr(raw.slice(0, slash));
    } catch (e) {
      if (!(e instanceof AddrParseError)) throw e;
      fail(e.message);
    }
    if (parsed!.zone !== '') fail('IPv6 zones cannot be present in a prefix');
    const address = new IPAddress(parsed!.bytes);
    const bitsText = raw.slice(slash + 1);
    if (!/^(0|[1-9][0-9]*)$/.test(bitsText)) {
      fail(`bad bits after slash: ${quote(bitsText)}`);
    }
    const bits = Number(bitsText);
    if (bits > (address.family === 4 ? 32 : 128)) {
      fail('prefix length out of range');
    }
    if (address.isIPv4Mapped()) {
      throw new Error(`IPv4-mapped IPv6 address ${quote(raw)} is not allowed`);
    }
    return new CIDRPrefix(address, bits);
  }

  static isValid(raw: string): boolean {
    try {
      CIDRPrefix.parse(raw);
      return true;
    } catch {
      return false;
    }
  }

  containsIP(ip: IPAddress): boolean {
    return (
      ip.family === this.address.family &&
      ip
        .masked(this.prefixLength)
        .equals(this.address.masked(this.prefixLength))
    );
  }

  containsCIDR(other: CIDRPrefix): boolean {
    return (
      other.prefixLength >= this.prefixLength && this.containsIP(other.address)
    );
  }

  masked(): CIDRPrefix {
    return new CIDRPrefix(
      this.address.masked(this.prefixLength),
      this.prefixLength,
    );
  }

  equals(other: CIDRPrefix): boolean {
    return (
      this.prefixLength === other.prefixLength &&
      this.address.equals(other.address)
    );
  }

  toString(): string {
    return `${this.address}/${this.prefixLength}`;
  }
}

/**
 * What the name `ip` means outside a call: cel-js has no namespaced
 * functions, so `ip.isCanonical(s)` is a method of this constant.
 */
class IPNamespace {}

/** Adds the `ip` and `cidr` libraries (types `net.IP`, `net.CIDR`). */
export function registerNetworkLibraries(env: Environment): Environment {
  return env
    .registerType('kubernetes.IPNamespace', IPNamespace)
    .registerConstant('ip', 'kubernetes.IPNamespace', new IPNamespace())
    .registerFunction(
      'kubernetes.IPNamespace.isCanonical(string): bool',
      (_ip: IPNamespace, s: string) => IPAddress.parse(s).toString() === s,
    )
    .registerType('net.IP', IPAddress)
    .registerType('net.CIDR', CIDRPrefix)
    .registerFunction('ip(string): net.IP', (s: string) => IPAddress.parse(s))
    .registerFunction('isIP(string): bool', (s: string) => IPAddress.isValid(s))
    .registerFunction('string(net.IP): string', (ip: IPAddress) =>
      ip.toString(),
    )
    .registerFunction('net.IP.family(): int', (ip: IPAddress) =>
      BigInt(ip.family),
    )
    .registerFunction('net.IP.isUnspecified(): bool', (ip: IPAddress) =>
      ip.isUnspecified(),
    )
    .registerFunction('net.IP.isLoopback(): bool', (ip: IPAddress) =>
      ip.isLoopback(),
    )
    .registerFunction('net.IP.isLinkLocalMulticast(): bool', (ip: IPAddress) =>
      ip.isLinkLocalMulticast(),
    )
    .registerFunction('net.IP.isLinkLocalUnicast(): bool', (ip: IPAddress) =>
      ip.isLinkLocalUnicast(),
    )
    .registerFunction('net.IP.isGlobalUnicast(): bool', (ip: IPAddress) =>
      ip.isGlobalUnicast(),
    )
    .registerOperator('net.IP == net.IP', (a: IPAddress, b: IPAddress) =>
      a.equals(b),
    )
    .registerFunction('cidr(string): net.CIDR', (s: string) =>
      CIDRPrefix.parse(s),
    )
    .registerFunction('isCIDR(string): bool', (s: string) =>
      CIDRPrefix.isValid(s),
    )
    .registerFunction('string(net.CIDR): string', (c: CIDRPrefix) =>
      c.toString(),
    )
    .registerFunction(
      'net.CIDR.containsIP(net.IP): bool',
      (c: CIDRPrefix, ip: IPAddress) => c.containsIP(ip),
    )
    .registerFunction(
      'net.CIDR.containsIP(string): bool',
      (c: CIDRPrefix, s: string) => c.containsIP(IPAddress.parse(s)),
    )
    .registerFunction(
      'net.CIDR.containsCIDR(net.CIDR): bool',
      (c: CIDRPrefix, o: CIDRPrefix) => c.containsCIDR(o),
    )
    .registerFunction(
      'net.CIDR.containsCIDR(string): bool',
      (c: CIDRPrefix, s: string) => c.containsCIDR(CIDRPrefix.parse(s)),
    )
    .registerFunction('net.CIDR.ip(): net.IP', (c: CIDRPrefix) => c.address)
    .registerFunction('net.CIDR.masked(): net.CIDR', (c: CIDRPrefix) =>
      c.masked(),
    )
    .registerFunction('net.CIDR.prefixLength(): int', (c: CIDRPrefix) =>
      BigInt(c.prefixLength),
    )
    .registerOperator('net.CIDR == net.CIDR', (a: CIDRPrefix, b: CIDRPrefix) =>
      a.equals(b),
    );
}
