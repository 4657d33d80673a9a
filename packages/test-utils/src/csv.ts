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

import { readFileSync } from 'node:fs';

/**
 * Reads a whole CSV file (RFC 4180: quoted fields, doubled quotes, commas
 * and newlines inside quotes, CRLF or LF line ends) into records keyed by
 * the header, every value as written. A plain parser for tests that check
 * the product's own readers against an independent reading; small files only.
 */
export function readCsvRecords(file: string): Array<Record<string, string>> {
  const rows = parseCsvText(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  const [header, ...data] = rows.filter(r => r.length > 1 || r[0] !== '');
  return data.map(cells =>
    Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])),
  );
}

/** The rows of a CSV text, as {@link readCsvRecords} splits them. */
export function parseCsvText(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
