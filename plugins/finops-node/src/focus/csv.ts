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
 * How long a record, a field and the header (record 0) may be, in
 * characters. A record that goes on past a limit is refused as soon as the
 * limit is passed: memory holds one record at most.
 */
export interface CsvLimits {
  maxRecordChars: number;
  maxFieldChars: number;
  maxHeaderChars: number;
}

const NO_LIMITS: CsvLimits = {
  maxRecordChars: Infinity,
  maxFieldChars: Infinity,
  maxHeaderChars: Infinity,
};

/**
 * A CSV syntax error, or a record past a limit (`limit` names it): `record`
 * counts records from 0 (the header), `line` counts physical lines from 1.
 */
export class CsvSyntaxError extends Error {
  readonly name = 'CsvSyntaxError';
  constructor(
    message: string,
    readonly record: number,
    readonly line: number,
    readonly limit?: keyof CsvLimits,
  ) {
    super(limit ? message : `${message} on line ${line}`);
  }
}

// Where the scan of an unfinished record stands.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** A quote inside a quoted field: the closing one, or the first of `""`. */
const QUOTE_IN_QUOTED = 3;
/** The characters that end an unquoted run. */
const SPECIAL = /[",\n\r]/g;

/**
 * Splits text, fed in chunks of any size, into records of fields. Records
 * complete in what was fed are returned at once; the rest waits for the next
 * chunk. Stops at the first syntax error or limit, after returning the
 * records before it; the error is then in `error`.
 *
 * A record split across chunks is kept as a list of pieces, and each new
 * piece is only scanned (with the state the scan of the earlier pieces left)
 * for the end of the record; the record is parsed once, when that end
 * arrives. So every character is looked at a bounded number of times, however
 * many chunks a record spans.
 */
export class CsvTokenizer {
  readonly #limits: CsvLimits;
  /** The pieces of the unfinished record, and their total length. */
  #pending: string[] = [];
  #pendingLength = 0;
  /** Whether the pending pieces hold the end of a record already. */
  #complete = false;
  #scanState = FIELD_START;
  #fieldLength = 0;
  #line = 1;
  #records = 0;
  #started = false;
  error?: CsvSyntaxError;

  constructor(limits: Partial<CsvLimits> = {}) {
    this.#limits = { ...NO_LIMITS, ...limits };
  }

  /** Appends the complete records of `text` (after what was left over) to `out`. */
  push(text: string, out: string[][]): void {
    if (this.error) return;
    let chunk = text;
    if (!this.#started) {
      if (chunk.length === 0) return;
      this.#started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    if (chunk.length === 0) return;
    if (this.#pendingLength === 0) {
      this.#parse(chunk, false, out);
      return;
    }
    if (!this.#complete && !this.#scan(chunk, this.#pendingLength)) {
      if (this.error) return;
      this.#pending.push(chunk);
      this.#pendingLength += chunk.length;
      return;
    }
    this.#pending.push(chunk);
    this.#parse(this.#takePending(), false, out);
  }

  /** The end of input: appends the last record, or sets `error` for an unclosed quote. */
  end(out: string[][]): void {
    if (this.error || this.#pendingLength === 0) return;
    const rest = this.#takePending();
    const last = rest.charCodeAt(rest.length - 1);
    this.#parse(last === LF || last === CR ? rest : `${rest}\n`, true, out);
  }

  #takePending(): string {
    const text =
      this.#pending.length === 1 ? this.#pending[0] : this.#pending.join('');
    this.#pending = [];
    this.#pendingLength = 0;
    this.#complete = false;
    return text;
  }

  /** Keeps the unfinished record that starts `rest`, scanned. */
  #keep(rest: string): void {
    this.#pending = [rest];
    this.#pendingLength = rest.length;
    this.#scanState = FIELD_START;
    this.#fieldLength = 0;
    this.#complete = this.#scan(rest, 0);
    if (this.error) this.#pending = [];
  }

  /**
   * Scans `text`, which continues the unfinished record `offset` characters
   * in, for the end of the record or a syntax error (then `true`: the
   * record can be parsed, and `#parse` reports the error with its line), and
   * checks the limits on the way.
   */
  #scan(text: string, offset: number): boolean {
    const maxRecord =
      this.#records === 0
        ? this.#limits.maxHeaderChars
        : this.#limits.maxRecordChars;
    const maxField = this.#limits.maxFieldChars;
    const len = text.length;
    let state = this.#scanState;
    let field = this.#fieldLength;
    let i = 0;
    let found = false;
    while (i < len) {
      if (state === QUOTED) {
        const close = text.indexOf('"', i);
        const end = close === -1 ? len : close;
        field += end - i;
        i = end;
        if (field > maxField || offset + i > maxRecord) break;
        if (close === -1) break;
        state = QUOTE_IN_QUOTED;
        i += 1;
        continue;
      }
      const c = text.charCodeAt(i);
      if (state === QUOTE_IN_QUOTED) {
        if (c === QUOTE) {
          state = QUOTED;
          field += 1;
          i += 1;
          continue;
        }
        if (c !== COMMA && c !== LF && c !== CR) {
          found = true; // a syntax error, for #parse to name
          break;
        }
      } else if (state === FIELD_START && c === QUOTE) {
        state = QUOTED;
        i += 1;
        continue;
      } else if (c === QUOTE) {
        found = true; // a quote inside an unquoted field
        break;
      } else if (c !== COMMA && c !== LF && c !== CR) {
        // An unquoted run: skipped to the next special character.
        SPECIAL.lastIndex = i;
        const next = SPECIAL.exec(text);
        const end = next ? next.index : len;
        state = UNQUOTED;
        field += end - i;
        i = end;
        if (field > maxField || offset + i > maxRecord) break;
        continue;
      }
      if (c === COMMA) {
        state = FIELD_START;
        field = 0;
      } else {
        found = true; // LF or CR: the end of the record
        break;
      }
      i += 1;
    }
    this.#scanState = state;
    this.#fieldLength = field;
    if (!found) this.#checkLimits(field, offset + i);
    return found;
  }

  #checkLimits(field: number, record: number) {
    const header = this.#records === 0;
    const maxRecord = header
      ? this.#limits.maxHeaderChars
      : this.#limits.maxRecordChars;
    if (record > maxRecord) {
      this.#fail(
        `${
          header ? 'the header' : 'the record'
        } is longer than ${maxRecord} characters`,
        this.#line,
        header ? 'maxHeaderChars' : 'maxRecordChars',
      );
    } else if (field > this.#limits.maxFieldChars) {
      this.#fail(
        `a field is longer than ${this.#limits.maxFieldChars} characters`,
        this.#line,
        'maxFieldChars',
      );
    }
  }

  #parse(s: string, final: boolean, out: string[][]): void {
    const len = s.length;
    const maxField = this.#limits.maxFieldChars;
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
              return;
            }
            this.#keep(s.slice(recordStart));
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
      if (value.length > maxField) {
        this.#checkLimits(value.length, 0);
        return;
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
      this.#checkLimits(0, pos - recordStart);
      if (this.error) return;
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
    if (recordStart < len) this.#keep(s.slice(recordStart));
  }

  #fail(message: string, line: number, limit?: keyof CsvLimits) {
    this.error = new CsvSyntaxError(message, this.#records, line, limit);
    this.#pending = [];
    this.#pendingLength = 0;
  }
}
