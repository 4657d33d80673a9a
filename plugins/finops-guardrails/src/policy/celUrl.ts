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

// Kubernetes' URL CEL library (k8s.io/apiserver/pkg/cel/library/urls.go):
// url() accepts what Go's url.ParseRequestURI accepts (an absolute URI or an
// absolute path) and reads it as url.Parse does. The WHATWG URL of
// JavaScript normalises (case, default ports, dot segments), so the
// components are split here by Go's rules.

const quote = (s: string) => JSON.stringify(s);
const HEX = /^[0-9a-fA-F]{2}$/;
const UNRESERVED = /[A-Za-z0-9\-_.~]/;

/** Go's shouldEscape for the host and path encodings. */
function shouldEscape(c: string, mode: 'host' | 'path'): boolean {
  if (UNRESERVED.test(c)) return false;
  if (mode === 'host' && '!$&\'()*+,;=:[]<>"'.includes(c)) return false;
  if (mode === 'path' && '$&+,/:;=@'.includes(c)) return false;
  return true;
}

/** Go's unescape: `%XX` decoded (as bytes, then UTF-8); `+` kept unless a query. */
function unescape(s: string, mode: 'host' | 'path' | 'query'): string {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '%') {
      const hex = s.slice(i + 1, i + 3);
      if (!HEX.test(hex)) {
        throw new Error(`invalid URL escape ${quote(s.slice(i, i + 3))}`);
      }
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (c === '+' && mode === 'query') {
      bytes.push(0x20);
    } else {
      if (
        mode === 'host' &&
        c.charCodeAt(0) < 0x80 &&
        shouldEscape(c, 'host')
      ) {
        throw new Error(`invalid character ${quote(c)} in host name`);
      }
      bytes.push(...encoder.encode(c));
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** Go's escape for paths: bytes outside the allowed set as `%XX`. */
function escapePath(s: string): string {
  let out = '';
  for (const c of s) {
    if (c.charCodeAt(0) < 0x80 && !shouldEscape(c, 'path')) out += c;
    else
      for (const b of new TextEncoder().encode(c)) {
        out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
      }
  }
  return out;
}

/** Go's validEncoded for paths. */
function validEncodedPath(s: string): boolean {
  for (const c of s) {
    if ("!$&'()*+,;=:@[]%".includes(c)) continue;
    if (shouldEscape(c, 'path')) return false;
  }
  return true;
}

const validOptionalPort = (port: string) =>
  port === '' || /^:[0-9]*$/.test(port);

/** A parsed URL, the value of Kubernetes CEL's `kubernetes.URL`. */
export class CelURL {
  constructor(
    readonly scheme: string,
    readonly host: string,
    /** The path as written (escaped). */
    readonly rawPath: string,
    readonly rawQuery: string,
  ) {}

  /**
   * Go's url.Parse after url.ParseRequestURI has accepted the string;
   * throws with Kubernetes' message otherwise.
   */
  static parse(raw: string): CelURL {
    try {
      CelURL.#parse(raw, true);
      return CelURL.#parse(raw.split('#')[0], false);
    } catch (e) {
      throw new Error(
        `URL parse error during conversion from string: parse ${quote(raw)}: ${
          (e as Error).message
        }`,
      );
    }
  }

  static isValid(raw: string): boolean {
    try {
      CelURL.#parse(raw, true);
      return true;
    } catch {
      return false;
    }
  }

  static #parse(raw: string, viaRequest: boolean): CelURL {
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x1f\x7f]/.test(raw)) {
      throw new Error('net/url: invalid control character in URL');
    }
    if (raw === '' && viaRequest) throw new Error('empty url');
    let rest = raw;
    let scheme = '';
    const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+\-.]*):/.exec(rest);
    if (rest.startsWith(':')) throw new Error('missing protocol scheme');
    if (schemeMatch) {
      scheme = schemeMatch[1].toLowerCase();
      rest = rest.slice(schemeMatch[0].length);
    }
    let rawQuery = '';
    const question = rest.indexOf('?');
    if (question >= 0) {
      rawQuery = rest.slice(question + 1);
      rest = rest.slice(0, question);
    }
    if (!rest.startsWith('/')) {
      if (scheme !== '') return new CelURL(scheme, '', '', rawQuery);
      if (viaRequest) throw new Error('invalid URI for request');
      const colon = rest.indexOf(':');
      const slash = rest.indexOf('/');
      if (colon >= 0 && (slash < 0 || colon < slash)) {
        throw new Error('first path segment in URL cannot contain colon');
      }
    }
    let host = '';
    if (
      (scheme !== '' || (!viaRequest && !rest.startsWith('///'))) &&
      rest.startsWith('//')
    ) {
      const authorityEnd = rest.indexOf('/', 2);
      const authority =
        authorityEnd < 0 ? rest.slice(2) : rest.slice(2, authorityEnd);
      rest = authorityEnd < 0 ? '' : rest.slice(authorityEnd);
      host = parseAuthority(authority);
    }
    unescape(rest, 'path'); // refuses bad escapes
    return new CelURL(scheme, host, rest, rawQuery);
  }

  get hostname(): string {
    return splitHostPort(this.host).host;
  }

  get port(): string {
    return splitHostPort(this.host).port;
  }

  get escapedPath(): string {
    if (validEncodedPath(this.rawPath)) return this.rawPath;
    return escapePath(unescape(this.rawPath, 'path'));
  }

  /** Go's url.Values: every key's values in order; bad pairs skipped. */
  get query(): Record<string, string[]> {
    const values: Record<string, string[]> = Object.create(null);
    for (const pair of this.rawQuery.split('&')) {
      if (pair === '' || pair.includes(';')) continue;
      const eq = pair.indexOf('=');
      try {
        const key = unescape(eq < 0 ? pair : pair.slice(0, eq), 'query');
        const value = unescape(eq < 0 ? '' : pair.slice(eq + 1), 'query');
        values[key] = [...(values[key] ?? []), value];
      } catch {
        continue;
      }
    }
    return values;
  }

  equals(other: CelURL): boolean {
    return (
      this.scheme === other.scheme &&
      this.host === other.host &&
      this.rawPath === other.rawPath &&
      this.rawQuery === other.rawQuery
    );
  }
}

function parseAuthority(authority: string): string {
  const at = authority.lastIndexOf('@');
  const hostText = at < 0 ? authority : authority.slice(at + 1);
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) {
      throw new Error('net/url: invalid userinfo');
    }
  }
  if (hostText.startsWith('[')) {
    const close = hostText.lastIndexOf(']');
    if (close < 0) throw new Error("missing ']' in host");
    const colonPort = hostText.slice(close + 1);
    if (!validOptionalPort(colonPort)) {
      throw new Error(`invalid port ${quote(colonPort)} after host`);
    }
  } else {
    const colon = hostText.lastIndexOf(':');
    if (colon >= 0 && !validOptionalPort(hostText.slice(colon))) {
      throw new Error(
        `invalid port ${quote(hostText.slice(colon))} after host`,
      );
    }
  }
  return unescape(hostText, 'host');
}

function splitHostPort(hostPort: string): { host: string; port: string } {
  let host = hostPort;
  let port = '';
  const colon = hostPort.lastIndexOf(':');
  if (colon >= 0 && validOptionalPort(hostPort.slice(colon))) {
    host = hostPort.slice(0, colon);
    port = hostPort.slice(colon + 1);
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host, port };
}

/** Adds the `url` library (type `kubernetes.URL`). */
export function registerUrlLibrary(env: Environment): Environment {
  return env
    .registerType('kubernetes.URL', CelURL)
    .registerFunction('url(string): kubernetes.URL', (s: string) =>
      CelURL.parse(s),
    )
    .registerFunction('isURL(string): bool', (s: string) => CelURL.isValid(s))
    .registerFunction(
      'kubernetes.URL.getScheme(): string',
      (u: CelURL) => u.scheme,
    )
    .registerFunction('kubernetes.URL.getHost(): string', (u: CelURL) => u.host)
    .registerFunction(
      'kubernetes.URL.getHostname(): string',
      (u: CelURL) => u.hostname,
    )
    .registerFunction('kubernetes.URL.getPort(): string', (u: CelURL) => u.port)
    .registerFunction(
      'kubernetes.URL.getEscapedPath(): string',
      (u: CelURL) => u.escapedPath,
    )
    .registerFunction(
      'kubernetes.URL.getQuery(): map<string, list<string>>',
      (u: CelURL) => u.query,
    )
    .registerOperator(
      'kubernetes.URL == kubernetes.URL',
      (a: CelURL, b: CelURL) => a.equals(b),
    );
}
