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

/** What ends a run of plain text: a comma or a quote. */
const SPECIAL = /[,"]/g;

/**
 * Splits one CSV line into its fields, RFC 4180 style: a field that starts
 * with `"` runs to the closing quote, commas and `""` (one quote) included
 * (`"a,b"`, `"say ""hi"""`). Fields are not trimmed. A line break inside
 * quotes is not joined: the inputs read with it (price overrides, series)
 * keep one record a line. Linear in the length of the line: text between
 * delimiters is copied in slices, not character by character.
 *
 * @public
 */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let parts: string[] = [];
  /** Whether the field so far is '' (a quote then opens a quoted field). */
  let empty = true;
  let quoted = false;
  const add = (text: string) => {
    if (text.length > 0) {
      parts.push(text);
      empty = false;
    }
  };
  const length = line.length;
  let i = 0;
  while (i < length) {
    if (quoted) {
      const quote = line.indexOf('"', i);
      if (quote === -1) {
        add(line.slice(i));
        break;
      }
      add(line.slice(i, quote));
      if (line.charCodeAt(quote + 1) === 34) {
        add('"'); // "" inside quotes
        i = quote + 2;
      } else {
        quoted = false;
        i = quote + 1;
      }
      continue;
    }
    SPECIAL.lastIndex = i;
    const next = SPECIAL.exec(line);
    const at = next ? next.index : length;
    add(line.slice(i, at));
    if (!next) break;
    if (next[0] === ',') {
      out.push(parts.join(''));
      parts = [];
      empty = true;
    } else if (empty) {
      quoted = true;
    } else {
      add('"'); // a quote inside an unquoted field is text
    }
    i = at + 1;
  }
  out.push(parts.join(''));
  return out;
}
