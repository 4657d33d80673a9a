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

/** What a secret is replaced with. */
const MASK = '***';

// Every pattern below is anchored by a look-behind or a bounded repetition,
// so that text of any length is scanned in linear time (redact.test.ts times
// hostile input).

/**
 * `scheme://userinfo@`: user info is everything of the authority before its
 * last `@` (passwords with an unencoded `@` included). The look-behind keeps
 * a scan from restarting inside a long word.
 */
const URL_USERINFO =
  /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,30}:\/\/)([^\s/?#]{0,2048})@/gi;

/**
 * Database URLs are often written with unencoded reserved characters in the
 * password (`postgresql://u:pa/ss@db/x`): for these schemes user info runs to
 * the last `@` before whitespace.
 */
const DATABASE_USERINFO =
  /(?<![a-z0-9+.-])((?:jdbc:)?(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|oracle|cockroachdb|clickhouse|db2|snowflake):\/\/)([^\s@:]{0,256}:\S{0,2048})@/gi;

/**
 * Names of parameters whose values are secrets, as the whole name: passwords,
 * secrets, tokens, signatures, credentials and keys (`X-Amz-Signature`,
 * `X-Amz-Security-Token`, `X-Amz-Credential`, `X-Goog-Signature`, Azure SAS
 * `sig`, CloudFront `Signature` and `Key-Pair-Id`, `api_key`, `key`,
 * `PGPASSWORD`, `sslpassword`, `Pwd`, `client_secret`…).
 */
const SECRET_NAME =
  '(?:[\\w.-]{0,40}?(?:pass(?:word|wd|phrase)?|pwd|secret|token|signature|credentials?|[-_]key(?:[-_]?id)?|(?:api|access|secret|private|account|sas|master|client|subscription|session|encryption|signing)key(?:[-_]?id)?)|sig|sas|key|auth|authorization|key-pair-id)';

/** A value: quoted (with backslash escapes), in braces (ODBC), or bare. */
const VALUE = `('(?:[^'\\\\]|\\\\.){0,4096}'|"(?:[^"\\\\]|\\\\.){0,4096}"|\\{[^}]{0,4096}\\}|[^\\s&;#'",)}\\]]*)`;

/**
 * `name=value` in query strings, fragments, key-value DSNs (libpq, ADO.NET,
 * JDBC, ODBC) and environment-style text: the name starts the text or
 * follows a delimiter.
 */
const KEY_VALUE = new RegExp(
  `(?<=^|[\\s?&;,#('"{\\[|])(${SECRET_NAME})(\\s*=\\s*)${VALUE}`,
  'gi',
);

/** `"password": "…"` in JSON, `secret: '…'` in object literals. */
const QUOTED_PROPERTY = new RegExp(
  `(?<=^|[\\s,{(\\[])(["']?)(${SECRET_NAME})\\1(\\s*:\\s*)('(?:[^'\\\\]|\\\\.){0,4096}'|"(?:[^"\\\\]|\\\\.){0,4096}")`,
  'gi',
);

/** HTTP credentials: `Bearer <token>` anywhere, `Authorization: Basic <token>`. */
const BEARER = /\b(bearer\s+)[\w.~+/=-]+/gi;
const AUTHORIZATION_BASIC = /\b(authorization\s*[:=]\s*basic\s+)[\w.~+/=-]+/gi;

function maskValue(value: string): string {
  // Empty, or redacted already ('***', or '***:' before a message's colon).
  if (value === '' || value.startsWith(MASK)) return value;
  const first = value[0];
  if (first === "'" || first === '"') return `${first}${MASK}${first}`;
  return MASK;
}

/**
 * `text` with the secrets it may carry replaced by `***`: user info of URLs
 * (`postgresql://***@db/x`, `https://***@host/…`, any scheme), passwords,
 * tokens, signatures, credentials and keys in query strings and fragments
 * (`?password=***`, pre-signed `X-Amz-Signature=***`, Azure SAS
 * `sig=***`…), in key-value connection strings (`password=***`,
 * `password='***'`, `Pwd=***;`) and in JSON (`"password":"***"`), and
 * HTTP `Bearer`/`Basic` credentials. Use it on every message built from a
 * location or connection string; it is idempotent and linear in the length
 * of `text`.
 *
 * @public
 */
export function redactSecrets(text: string): string {
  if (!text) return text;
  return text
    .replace(DATABASE_USERINFO, `$1${MASK}@`)
    .replace(URL_USERINFO, `$1${MASK}@`)
    .replace(
      KEY_VALUE,
      (_match, name: string, separator: string, value: string) =>
        `${name}${separator}${maskValue(value)}`,
    )
    .replace(
      QUOTED_PROPERTY,
      (_match, quote: string, name: string, separator: string, value: string) =>
        `${quote}${name}${quote}${separator}${maskValue(value)}`,
    )
    .replace(AUTHORIZATION_BASIC, `$1${MASK}`)
    .replace(BEARER, `$1${MASK}`);
}

/**
 * `url` without user info and, unless `query` is set, without its query
 * string; with `query`, the values of secret parameters are `***` (see
 * {@link redactSecrets}). `<invalid URL>` when `url` does not parse.
 *
 * @public
 */
export function redactUrl(
  url: string,
  options: { query?: boolean } = {},
): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '<invalid URL>';
  }
  return `${parsed.origin}${parsed.pathname}${
    options.query ? redactSecrets(parsed.search) : ''
  }`;
}

/** The longest piece of input a message quotes, by default. */
export const MESSAGE_INPUT_LIMIT = 80;

/**
 * Input quoted in a one-line message: control characters (line breaks,
 * terminal escapes, bidirectional overrides) escaped, and at most `max`
 * characters (default 80), followed by `…` when cut. The FOCUS reader's
 * messages quote values this way; use it for messages of your own that echo
 * a value, a header or a file name.
 *
 * @public
 */
export function quoteInput(text: string, max = MESSAGE_INPUT_LIMIT): string {
  let head = text.length > max ? text.slice(0, max) : text;
  // Never split a surrogate pair.
  const last = head.charCodeAt(head.length - 1);
  if (head.length < text.length && last >= 0xd800 && last <= 0xdbff) {
    head = head.slice(0, -1);
  }
  let escaped = head.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    c => {
      if (c === '\n') return '\\n';
      if (c === '\r') return '\\r';
      if (c === '\t') return '\\t';
      const code = c.charCodeAt(0);
      return code < 0x100
        ? `\\x${code.toString(16).padStart(2, '0')}`
        : `\\u${code.toString(16)}`;
    },
  );
  let cut = head.length < text.length;
  if (escaped.length > max) {
    escaped = escaped.slice(0, max);
    cut = true;
  }
  return cut ? `${escaped}…` : escaped;
}
