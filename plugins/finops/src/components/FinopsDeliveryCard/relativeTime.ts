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

import { getLocale } from '../format';

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['week', 7 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

/**
 * How long ago (or from now) an ISO time is, in the largest whole unit:
 * `3 hours ago`, `yesterday`, `2 weeks ago`. `undefined` for a time that
 * does not parse.
 */
export function formatRelativeTime(
  iso: string,
  now: number = Date.now(),
  locale = getLocale(),
): string | undefined {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return undefined;
  const seconds = (time - now) / 1000;
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) {
      return format.format(Math.round(seconds / size), unit);
    }
  }
  return format.format(Math.round(seconds), 'second');
}

/**
 * A revision as people quote it: a Git SHA to its first 7 characters, also
 * in Flux's `<branch>@sha1:<sha>` (`main@abc1234`) and digests
 * (`sha256:abc1234`); chart versions and other revisions as they are.
 */
export function shortRevision(revision: string): string {
  const digest = /^(.+@)?(sha1|sha256):([0-9a-f]{12,})$/i.exec(revision);
  if (digest) {
    const short = digest[3].slice(0, 7);
    return digest[1] ? `${digest[1]}${short}` : `${digest[2]}:${short}`;
  }
  return /^[0-9a-f]{40}$|^[0-9a-f]{64}$/i.test(revision)
    ? revision.slice(0, 7)
    : revision;
}
