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
import { SemVer } from 'semver';

// Kubernetes' semver CEL library (k8s.io/apiserver/pkg/cel/library
// semverlib.go, with its version-1 `normalize` argument): strict semver.org
// versions as blang/semver parses them. The npm semver package compares
// (precedence ignores build metadata, as blang's Compare does), but it
// accepts a `v` prefix even when strict, so the grammar is checked first.

const NUMBER = '(0|[1-9][0-9]*)';
const IDENTIFIER = '(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)';
const STRICT = new RegExp(
  `^${NUMBER}\\.${NUMBER}\\.${NUMBER}(?:-${IDENTIFIER}(?:\\.${IDENTIFIER})*)?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?$`,
);
/** Longer input is refused before the pattern runs. */
const MAX_VERSION_LENGTH = 1024;

/** blang/semver's reason for a string that is not a version. */
function reason(s: string): string {
  if (s === '') return 'Version string empty';
  const parts = s.split(/[-+]/)[0].split('.');
  if (parts.length !== 3) return 'No Major.Minor.Patch elements found';
  for (const [i, p] of parts.entries()) {
    const name = ['major', 'minor', 'patch'][i];
    if (!/^[0-9]+$/.test(p))
      return `Invalid character(s) found in ${name} number ${JSON.stringify(
        p,
      )}`;
    if (p.length > 1 && p[0] === '0')
      return `${name[0].toUpperCase()}${name.slice(
        1,
      )} number must not contain leading zeroes ${JSON.stringify(p)}`;
  }
  return 'Invalid pre-release or build metadata';
}

/** A semantic version, the value of Kubernetes CEL's `kubernetes.Semver`. */
export class CelSemver {
  constructor(readonly version: SemVer) {}

  static parse(s: string, normalize = false): CelSemver {
    if (s.length > MAX_VERSION_LENGTH) {
      throw new Error(
        `a version of ${s.length} characters is over ${MAX_VERSION_LENGTH}`,
      );
    }
    const text = normalize ? normalizeVersion(s) : s;
    if (!STRICT.test(text)) throw new Error(reason(text));
    return new CelSemver(new SemVer(text));
  }

  static isValid(s: string, normalize = false): boolean {
    try {
      CelSemver.parse(s, normalize);
      return true;
    } catch {
      return false;
    }
  }

  compareTo(other: CelSemver): number {
    return this.version.compare(other.version);
  }
}

/**
 * semverlib.go's normalizeAndParse: no `v` prefix, missing minor and patch
 * as 0, leading zeros dropped; whitespace is not trimmed.
 */
function normalizeVersion(s: string): string {
  const text = s.startsWith('v') ? s.slice(1) : s;
  // Go's strings.SplitN(text, ".", 3).
  const fields = text.split('.');
  const parts =
    fields.length > 3
      ? [fields[0], fields[1], fields.slice(2).join('.')]
      : fields;
  const trimmed = parts.map(p => {
    if (p.length <= 1) return p;
    const t = p.replace(/^0+/, '');
    return t === '' || !/^[0-9]/.test(t) ? `0${t}` : t;
  });
  if (trimmed.length < 3) {
    if (/[+-]/.test(trimmed[trimmed.length - 1])) {
      throw new Error(
        'short version cannot contain PreRelease/Build meta data',
      );
    }
    while (trimmed.length < 3) trimmed.push('0');
  }
  return trimmed.join('.');
}

/** Adds the `semver` library (type `kubernetes.Semver`). */
export function registerSemverLibrary(env: Environment): Environment {
  return env
    .registerType('kubernetes.Semver', CelSemver)
    .registerFunction('semver(string): kubernetes.Semver', (s: string) =>
      CelSemver.parse(s),
    )
    .registerFunction(
      'semver(string, bool): kubernetes.Semver',
      (s: string, normalize: boolean) => CelSemver.parse(s, normalize),
    )
    .registerFunction('isSemver(string): bool', (s: string) =>
      CelSemver.isValid(s),
    )
    .registerFunction(
      'isSemver(string, bool): bool',
      (s: string, normalize: boolean) => CelSemver.isValid(s, normalize),
    )
    .registerFunction('kubernetes.Semver.major(): int', (v: CelSemver) =>
      BigInt(v.version.major),
    )
    .registerFunction('kubernetes.Semver.minor(): int', (v: CelSemver) =>
      BigInt(v.version.minor),
    )
    .registerFunction('kubernetes.Semver.patch(): int', (v: CelSemver) =>
      BigInt(v.version.patch),
    )
    .registerFunction(
      'kubernetes.Semver.isGreaterThan(kubernetes.Semver): bool',
      (a: CelSemver, b: CelSemver) => a.compareTo(b) > 0,
    )
    .registerFunction(
      'kubernetes.Semver.isLessThan(kubernetes.Semver): bool',
      (a: CelSemver, b: CelSemver) => a.compareTo(b) < 0,
    )
    .registerFunction(
      'kubernetes.Semver.compareTo(kubernetes.Semver): int',
      (a: CelSemver, b: CelSemver) => BigInt(a.compareTo(b)),
    )
    .registerOperator(
      'kubernetes.Semver == kubernetes.Semver',
      (a: CelSemver, b: CelSemver) => a.compareTo(b) === 0,
    );
}
