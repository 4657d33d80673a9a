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

// An incremental RFC 4180 CSV tokenizer. The FOCUS reader spends most of its
// time here on a large export; csv-parse, general and option-rich, reads about
// 80k rows/s of a 26-column FOCUS file, this about four times that (see
// scripts/bench/focus-reader.sh). It accepts what csv-parse accepts with the
// options the reader used (`bom`, `skip_empty_lines`): a leading BOM, LF, CRLF
// or CR line ends, quoted fields with "" escapes and line breaks; and rejects
// what it rejects: a quote inside an unquoted field, text after a closing
// quote, an unclosed quote. csv.test.ts checks it against csv-parse.

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/**
 * A CSV syntax error: `record` counts records from 0 (the header), `line`
 * counts physical lines from 1.
 */
export class CsvSyntaxError extends Error {
  readonly name = 'CsvSyntaxError';
  constructor(message: string, readonly record: number, readonly line: number) {
    super(`${message} on line ${line}`);
  }
}

/**
 * Splits text, fed in chunks of any size, into records of fields. Records
 * complete in what was fed are returned at once; the rest waits for the next
 * chunk. Stops at the first syntax error, after returning the records before
 * it; the error is then in `error`.
 */
export class CsvTokenizer {
  #rest = '';
  #line = 1;
  #records = 0;
  #started = false;
  error?: CsvSyntaxError;

  /** Appends the complete records of `text` (after what was left over) to `out`. */
  push(text: string, out: string[][]): void {
    if (this.error) return;
    let chunk = text;
    if (!this.#started) {
      if (chunk.length === 0) return;
      this.#started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    this.#parse(this.#rest.length > 0 ? this.#rest + chunk : chunk, false, out);
  }

  /** The end of input: appends the last record, or sets `error` for an unclosed quote. */
  end(out: string[][]): void {
    if (this.error || this.#rest.length === 0) return;
    const last = this.#rest.charCodeAt(this.#rest.length - 1);
    this.#parse(
      last === LF || last === CR ? this.#rest : `${this.#rest}\n`,
      true,
      out,
    );
  }

  #parse(s: string, final: boolean, out: string[][]): void {
    const len = s.length;
    let pos = 0;
    let recordStart = 0;
    let fields: string[] = [];
    let quotedLines = 0;
    let lastQuoted = false;
    while (pos < len) {
      let c = s.charCodeAt(pos);
      let value: string;
      if (c === QUOTE) {
        let start = pos + 1;
        let escaped = '';
        let close: number;
        for (;;) {
          close = s.indexOf('"', start);
          if (close === -1 || (close + 1 >= len && !final)) {
            if (final) {
              this.#fail('unclosed quoted field', this.#line + quotedLines);
            }
            this.#rest = s.slice(recordStart);
            return;
          }
          if (s.charCodeAt(close + 1) !== QUOTE) break;
          escaped += s.slice(start, close + 1);
          start = close + 2;
        }
        value =
          escaped.length > 0
            ? escaped + s.slice(start, close)
            : s.slice(start, close);
        for (
          let nl = value.indexOf('\n');
          nl !== -1;
          nl = value.indexOf('\n', nl + 1)
        ) {
          quotedLines += 1;
        }
        pos = close + 1;
        c = s.charCodeAt(pos);
        if (c !== COMMA && c !== LF && c !== CR) {
          this.#fail(
            `unexpected character after a closing quote (field ${
              fields.length + 1
            })`,
            this.#line + quotedLines,
          );
          return;
        }
        lastQuoted = true;
      } else {
        let end = pos;
        while (end < len) {
          c = s.charCodeAt(end);
          if (c === COMMA || c === LF || c === CR) break;
          if (c === QUOTE) {
            this.#fail(
              `quote inside an unquoted field (field ${fields.length + 1})`,
              this.#line + quotedLines,
            );
            return;
          }
          end += 1;
        }
        if (end >= len) break; // the record goes on in the next chunk
        value = s.slice(pos, end);
        pos = end;
        lastQuoted = false;
      }
      fields.push(value);
      if (c === COMMA) {
        pos += 1;
        continue;
      }
      // The end of a record: LF, CRLF or CR.
      if (c === CR) {
        if (pos + 1 >= len && !final) break; // an LF may follow in the next chunk
        pos += s.charCodeAt(pos + 1) === LF ? 2 : 1;
      } else {
        pos += 1;
      }
      this.#line += 1 + quotedLines;
      quotedLines = 0;
      if (fields.length === 1 && value === '' && !lastQuoted) {
        // An empty line: skipped.
      } else {
        out.push(fields);
        this.#records += 1;
      }
      fields = [];
      recordStart = pos;
    }
    this.#rest = recordStart < len ? s.slice(recordStart) : '';
  }

  #fail(message: string, line: number) {
    this.error = new CsvSyntaxError(message, this.#records, line);
    this.#rest = '';
  }
}
