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

import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { pipeline, Readable, Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { InputError } from '@backstage/errors';
import { quoteInput, redactSecrets } from '../util/redact';
import { CsvTokenizer } from './csv';
import { ISO_4217_CURRENCY_CODES } from './currencies';
import {
  focusFileFormat,
  httpFileRef,
  localFileRef,
  openHttp,
  type FocusFileRef,
} from './locations';
import {
  checkParquetMagic,
  FocusLimitError,
  openParquet,
  ParquetSourceError,
  PARQUET_MAGIC,
  parquetRows,
  spoolParquet,
  type ParquetSource,
} from './parquet';
import {
  FOCUS_ALLOWED_VALUES,
  FOCUS_COLUMNS,
  type FocusColumnSpec,
} from './spec';

/**
 * `lenient` normalises the quirks real exports carry (literal `NULL`,
 * `YYYY-MM-DD HH:mm:ss` datetimes, wrong-case enum values and currency
 * codes, `$1,234.50` amounts) and counts each fix; `strict` rejects the file
 * at the first issue. Values that cannot be fixed (a non-numeric cost, a
 * date that is not in the calendar such as `2024-02-30`, a cost beyond
 * `maxAbsAmount`, a `BillingCurrency` that is not three letters, an unknown
 * enum value, a missing mandatory column) and input past a limit of
 * {@link FocusReadLimits} reject the file in both modes; lenient never
 * invents a value.
 *
 * @public
 */
export type FocusMode = 'lenient' | 'strict';

/**
 * What a validation issue is about.
 *
 * @public
 */
export type FocusRule =
  | 'null-literal'
  | 'datetime-format'
  | 'enum-case'
  | 'number-format'
  | 'extra-column'
  | 'missing-column'
  | 'missing-value'
  | 'not-numeric'
  | 'not-datetime'
  | 'not-json'
  | 'not-csv'
  | 'not-parquet'
  | 'unreadable'
  | 'enum-value'
  | 'not-currency'
  | 'unknown-currency'
  | 'out-of-range'
  | 'limit-exceeded';

/** Rules a lenient read fixes; the others reject the file. */
const FIXABLE_RULES: ReadonlySet<FocusRule> = new Set([
  'null-literal',
  'datetime-format',
  'enum-case',
  'number-format',
  'extra-column',
]);

/**
 * One finding of the validator. `row` counts data rows from 1 (the header is
 * row 0).
 *
 * @public
 */
export interface FocusIssue {
  row: number;
  column?: string;
  rule: FocusRule;
  /** The value, shortened to 80 characters (then ending in `…`). */
  value?: string;
  /** One line; input it quotes is shortened to 80 characters and escaped. */
  message: string;
  /** Whether the lenient mode fixed it (or, for extra columns, kept it aside). */
  fixed: boolean;
}

/**
 * The validation report every FOCUS file gets.
 *
 * @public
 */
export interface FocusValidationReport {
  /** The file, path or URL, with secrets in it redacted (see `redactSecrets`). */
  file: string;
  mode: FocusMode;
  /** The newest FOCUS version whose columns the header carries: `1.0`, `1.1` or `1.2`. */
  version: string;
  /** Data rows read. */
  rows: number;
  /** Columns that are neither FOCUS columns nor custom `x_` columns (names shortened to 80 characters). */
  extraColumns: string[];
  /** How many values the lenient mode fixed, by rule. */
  fixed: Partial<Record<FocusRule, number>>;
  /** Values kept although they break the spec (lenient mode), by rule. */
  tolerated: Partial<Record<FocusRule, number>>;
  /** The first issues found of each rule (at most `maxIssues` each), fixed or not. */
  issues: FocusIssue[];
  /** Issues not listed because `maxIssues` was reached. */
  issuesOmitted: number;
}

/**
 * A normalised FOCUS row: FOCUS column name → value. Decimals are numbers,
 * datetimes ISO-8601 UTC strings, nulls `null`; `Tags` is parsed into `tags`.
 * Rows read from CSV and from Parquet look the same.
 *
 * @public
 */
export interface FocusRow {
  values: Record<string, string | number | null>;
  tags: Record<string, string>;
}

/**
 * Thrown when a file cannot be read as FOCUS; names the file, row and column.
 *
 * @public
 */
export class FocusValidationError extends Error {
  readonly name = 'FocusValidationError';
  constructor(
    readonly issue: FocusIssue,
    readonly report: FocusValidationReport,
  ) {
    super(
      `${report.file}: row ${issue.row}${
        issue.column ? `, column ${issue.column}` : ''
      }: ${issue.message}`,
    );
  }
}

/** Columns without which a row's cost cannot be attributed or summed. */
const KEY_COLUMNS: ReadonlySet<string> = new Set([
  'BilledCost',
  'EffectiveCost',
  'BillingCurrency',
  'ChargeCategory',
  'ChargePeriodStart',
  'ChargePeriodEnd',
]);

const SPEC_BY_NAME = new Map(FOCUS_COLUMNS.map(c => [c.name, c]));
const ALLOWED_BY_LOWER = new Map(
  Object.entries(FOCUS_ALLOWED_VALUES).map(([column, values]) => [
    column,
    new Map(values.map(v => [v.toLowerCase(), v])),
  ]),
);
const ISO_DATETIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const SPACE_DATETIME =
  /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(:\d{2}(\.\d+)?)?)(Z|[+-]\d{2}:?\d{2}| ?UTC)?$/;
/** The parts of a date-time in either form, for the calendar check. */
const DATETIME_PARTS =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z| ?UTC|[+-](\d{2}):?(\d{2}))?$/;
// Unambiguous, so that a long run of digits fails in linear time (the
// former `\d+\.?\d*` backtracked quadratically: 40k digits took 4 s).
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const CURRENCY_SHAPE = /^[A-Za-z]{3}$/;
/** The deepest nesting a Tags value may have (JSON.stringify recurses). */
const MAX_JSON_DEPTH = 64;
/** Cached JSON keys are at most this long, and this many characters in all. */
const JSON_CACHE_KEY_CHARS = 4096;
const JSON_CACHE_CHARS = 8 << 20;
/** Parquet timestamps the reader accepts: years 0001 to 9999. */
const MIN_TIME = -62_135_596_800_000; // 0001-01-01T00:00:00.000Z
const MAX_TIME = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Why the parts of a date-time are not a moment of the calendar
 * (`2024-02-30`, hour 25, offset +24:00), or undefined. The end of a day
 * may be written `24:00:00`.
 */
function calendarProblem(parts: RegExpExecArray): string | undefined {
  const year = Number(parts[1]);
  const month = Number(parts[2]);
  const day = Number(parts[3]);
  const hour = Number(parts[4]);
  const minute = Number(parts[5]);
  const second = Number(parts[6] ?? 0);
  const fraction = Number(parts[7] ?? 0);
  if (month < 1 || month > 12) return `there is no month ${month}`;
  if (day < 1) return `there is no day ${day}`;
  const days = daysInMonth(year, month);
  if (day > days) {
    return `${MONTHS[month - 1]} ${parts[1]} has ${days} days`;
  }
  if (hour > 24) return `there is no hour ${hour}`;
  if (hour === 24 && (minute > 0 || second > 0 || fraction > 0)) {
    return 'there is no hour 24 but 24:00:00, the end of the day';
  }
  if (minute > 59) return `there is no minute ${minute}`;
  if (second > 59) return `there is no second ${second}`;
  if (parts[9] !== undefined) {
    const offsetHours = Number(parts[9]);
    const offsetMinutes = Number(parts[10]);
    if (offsetHours > 23 || offsetMinutes > 59) {
      return `there is no UTC offset ${parts[8]}`;
    }
  }
  return undefined;
}

/** How deep `value` nests, counted up to `max + 1`. */
function depthExceeds(value: unknown, max: number): boolean {
  let level: unknown[] = [value];
  for (let depth = 0; level.length > 0; depth++) {
    if (depth > max) return true;
    const next: unknown[] = [];
    for (const item of level) {
      if (item && typeof item === 'object') {
        for (const child of Object.values(item)) {
          if (child && typeof child === 'object') next.push(child);
        }
      }
    }
    level = next;
  }
  return false;
}

function versionOf(columns: string[]): string {
  const introduced = columns
    .map(c => SPEC_BY_NAME.get(c)?.introduced)
    .filter((v): v is string => Boolean(v))
    .map(v => v.replace('-preview', ''));
  return ['1.2', '1.1'].find(v => introduced.includes(v)) ?? '1.0';
}

/** Mandatory columns of a version: introduced at or before it. */
function mandatoryColumns(version: string): FocusColumnSpec[] {
  return FOCUS_COLUMNS.filter(
    c =>
      c.level === 'mandatory' &&
      Number(c.introduced.replace('-preview', '')) <= Number(version),
  );
}

/**
 * Limits of one FOCUS file, so that hostile input is refused in bounded time
 * and memory: each is refused with a one-line {@link FocusValidationError}
 * (rule `limit-exceeded`, or `out-of-range` for values) that names the
 * limit, the file and the row. Unset limits take the defaults in
 * {@link FOCUS_READ_LIMITS}; `Infinity` turns one off.
 *
 * @public
 */
export interface FocusReadLimits {
  /** The longest CSV data row, in characters, its line break included. Default 1 MiB (1,048,576). */
  maxRecordChars?: number;
  /** The longest CSV field or Parquet text cell, in characters. Default 256 KiB (262,144). */
  maxFieldChars?: number;
  /** The longest CSV header row, in characters. Default 64 KiB (65,536). */
  maxHeaderChars?: number;
  /** The most columns of a header. Default 1,024. */
  maxColumns?: number;
  /** The most data rows of one file. Default 100,000,000. */
  maxRows?: number;
  /**
   * The most bytes of CSV text read from one file, after decompression (so
   * plain CSV too); also the largest uncompressed size a Parquet footer may
   * declare, and the largest Parquet file copied to a temporary file when its
   * location serves no byte ranges. Default 16 GiB (17,179,869,184).
   */
  maxDecompressedBytes?: number;
  /**
   * How many times its compressed size a gzip file may decompress to,
   * checked once 16 MiB are out (real FOCUS exports compress 5 to 30
   * times; a gzip bomb a thousand times); also the ratio of the
   * uncompressed size a Parquet footer declares to the file's size. Default
   * 200.
   */
  maxCompressionRatio?: number;
  /**
   * The most rows of a Parquet row group without offset indexes, which is
   * decoded whole. Default 8,388,608.
   */
  maxRowGroupRows?: number;
  /**
   * The largest absolute value of a cost or price column (`…Cost`,
   * `…UnitPrice`); non-finite values are refused whatever the limit.
   * Default 1e15.
   */
  maxAbsAmount?: number;
  /** The largest absolute value of a quantity column (`…Quantity`). Default 1e18. */
  maxAbsQuantity?: number;
}

/**
 * The defaults of {@link FocusReadLimits}.
 *
 * @public
 */
export const FOCUS_READ_LIMITS: Readonly<Required<FocusReadLimits>> =
  Object.freeze({
    maxRecordChars: 1 << 20,
    maxFieldChars: 256 << 10,
    maxHeaderChars: 64 << 10,
    maxColumns: 1024,
    maxRows: 100_000_000,
    maxDecompressedBytes: 16 * 2 ** 30,
    maxCompressionRatio: 200,
    maxRowGroupRows: 8 << 20,
    maxAbsAmount: 1e15,
    maxAbsQuantity: 1e18,
  });

/** Output a gzip file may reach before its compression ratio is checked. */
const RATIO_GRACE_BYTES = 16 << 20;

/** The limits with defaults, checked. */
function resolveLimits(
  limits: FocusReadLimits = {},
): Readonly<Required<FocusReadLimits>> {
  const resolved = { ...FOCUS_READ_LIMITS };
  for (const [key, value] of Object.entries(limits)) {
    if (value === undefined) continue;
    if (!(key in FOCUS_READ_LIMITS)) {
      throw new InputError(`limits.${key} is not a FOCUS reader limit`);
    }
    if (typeof value !== 'number' || !(value > 0)) {
      throw new InputError(
        `limits.${key} must be a positive number, got ${String(value)}`,
      );
    }
    resolved[key as keyof FocusReadLimits] = value;
  }
  return resolved;
}

/** A limit, as messages show it. */
function showLimit(value: number): string {
  return value >= 1e6 && Number.isFinite(value)
    ? value.toExponential()
    : String(value);
}

/**
 * Options of {@link FocusReader}.
 *
 * @public
 */
export interface FocusReaderOptions {
  /** Default `lenient`. */
  mode?: FocusMode;
  /** How many issues of each rule the report lists (default 100); all are counted. */
  maxIssues?: number;
  /** Limits of each file read; see {@link FOCUS_READ_LIMITS} for the defaults. */
  limits?: FocusReadLimits;
}

// How the reader treats a column of the file.
const KIND_STRING = 0;
const KIND_ENUM = 1;
const KIND_DECIMAL = 2;
const KIND_DATETIME = 3;
const KIND_JSON = 4;
const KIND_CURRENCY = 5;

/** One FOCUS column of the file, resolved once from the header. */
interface ColumnPlan {
  index: number;
  name: string;
  kind: number;
  nullable: boolean;
  key: boolean;
  /** What an empty CSV field reads as: null, or '' for non-nullable strings. */
  empty: '' | null;
  /** Allowed values by lower case, for enum columns. */
  allowed?: Map<string, string>;
  canonical?: Set<string>;
  /** For decimal columns: the largest absolute value, and its limit's name. */
  maxAbs: number;
  maxAbsLimit?: 'maxAbsAmount' | 'maxAbsQuantity';
}

function columnPlan(
  header: string[],
  limits: Readonly<Required<FocusReadLimits>>,
): ColumnPlan[] {
  const plan: ColumnPlan[] = [];
  header.forEach((name, index) => {
    const spec = SPEC_BY_NAME.get(name);
    if (!spec) return;
    const allowed = ALLOWED_BY_LOWER.get(name);
    let kind = KIND_STRING;
    if (spec.type === 'decimal') kind = KIND_DECIMAL;
    else if (spec.type === 'datetime') kind = KIND_DATETIME;
    else if (spec.type === 'json') kind = KIND_JSON;
    else if (allowed) kind = KIND_ENUM;
    else if (name === 'BillingCurrency') kind = KIND_CURRENCY;
    const quantity = /Quantity$/.test(name);
    plan.push({
      index,
      name,
      kind,
      nullable: spec.nullable,
      key: KEY_COLUMNS.has(name),
      empty: spec.type === 'string' && !spec.nullable ? '' : null,
      allowed,
      canonical: allowed ? new Set(allowed.values()) : undefined,
      maxAbs: quantity ? limits.maxAbsQuantity : limits.maxAbsAmount,
      maxAbsLimit: quantity ? 'maxAbsQuantity' : 'maxAbsAmount',
    });
  });
  return plan;
}

/**
 * Builds the `values` objects of rows: one object literal of the file's FOCUS
 * columns, compiled once per file. Adding 20-odd properties by computed name
 * to an empty object costs more than the rest of a row's normalisation
 * (scripts/bench/focus-reader.sh); the keys are FOCUS column names from the
 * spec, never raw input, and are JSON-quoted.
 */
interface RowShape {
  /** Scratch cells, in plan order, for `build`. */
  cells: Array<string | number | null>;
  build(cells: Array<string | number | null>): FocusRow['values'];
}

function rowShape(plan: ColumnPlan[]): RowShape {
  const fields = plan.map((column, i) => {
    if (!SPEC_BY_NAME.has(column.name)) throw new Error('not a FOCUS column');
    return `${JSON.stringify(column.name)}: cells[${i}]`;
  });
  // eslint-disable-next-line no-new-func
  const build = new Function('cells', `return { ${fields.join(', ')} };`);
  return {
    cells: new Array(plan.length).fill(null),
    build: build as RowShape['build'],
  };
}

const NULL_LITERAL = () => ({ message: "literal 'NULL' read as null" });

/** Values that repeat down a file (periods, hours, tags) are converted once. */
const CACHE_LIMIT = 20_000;

/**
 * Streams and validates a FOCUS 1.0–1.2 billing export (CSV, gzip CSV or
 * Parquet), one normalised row at a time, in bounded memory: CSV is read in
 * chunks, Parquet one row group at a time.
 *
 * ```ts
 * const reader = new FocusReader({ mode: 'lenient' });
 * for await (const row of reader.read('focus.csv.gz')) { … }
 * console.log(reader.report);
 * ```
 *
 * @public
 */
export class FocusReader {
  readonly #mode: FocusMode;
  readonly #maxIssues: number;
  readonly #limits: Readonly<Required<FocusReadLimits>>;
  #report?: FocusValidationReport;
  #listed = new Map<FocusRule, number>();
  #datetimes = new Map<string, string>();
  /** Date-times lenient mode reads after a fix, which is counted each time. */
  #lenientDatetimes = new Map<string, string>();
  #json = new Map<string, Record<string, string> | null>();
  #jsonChars = 0;
  #dates = new Map<number, string>();

  constructor(options: FocusReaderOptions = {}) {
    this.#mode = options.mode ?? 'lenient';
    this.#maxIssues = options.maxIssues ?? 100;
    this.#limits = resolveLimits(options.limits);
  }

  /** The report of the last (or current) read. */
  get report(): FocusValidationReport {
    if (!this.#report) throw new Error('No FOCUS file has been read yet');
    return this.#report;
  }

  /**
   * Reads a file path, `http(s)://` URL, stream or {@link FocusFileRef} (see
   * {@link listFocusFiles}). Names ending in `.parquet` are read as Parquet,
   * names ending in `.gz` are decompressed; so is content that starts with the
   * gzip magic bytes, and content that starts with `PAR1` is read as Parquet.
   * Messages and the report name the source with secrets (user info,
   * signatures, tokens) redacted.
   */
  async *read(
    source: string | Readable | FocusFileRef,
    name: string = sourceName(source),
  ): AsyncGenerator<FocusRow> {
    const report: FocusValidationReport = {
      file: quoteInput(redactSecrets(name), 2048),
      mode: this.#mode,
      version: '1.0',
      rows: 0,
      extraColumns: [],
      fixed: {},
      tolerated: {},
      issues: [],
      issuesOmitted: 0,
    };
    this.#report = report;
    this.#listed = new Map();
    this.#datetimes = new Map();
    this.#lenientDatetimes = new Map();
    this.#json = new Map();
    this.#jsonChars = 0;
    this.#dates = new Map();
    const limits = this.#limits;

    let input: Input;
    try {
      input = await openInput(source, limits.maxDecompressedBytes);
    } catch (error) {
      throw this.#unreadable(report, error);
    }
    if (input.parquet) {
      yield* this.#readParquet(input.parquet, report);
      return;
    }

    // CSV, read here rather than in a generator of its own: every layer of
    // async generators costs each row a promise and microtask turns.
    const { stream, compressedBytes } = input;
    const tokenizer = new CsvTokenizer(limits);
    const decoder = new StringDecoder('utf8');
    const iterator = stream[Symbol.asyncIterator]();
    const batch: string[][] = [];
    let plan: ColumnPlan[] | undefined;
    let shape: RowShape = rowShape([]);
    let width = 0;
    let bytes = 0;
    let done = false;
    try {
      while (!done) {
        try {
          const next = await iterator.next();
          if (next.done) {
            done = true;
            tokenizer.push(decoder.end(), batch);
            tokenizer.end(batch);
          } else {
            const chunk = next.value;
            bytes += chunk.length;
            if (bytes > limits.maxDecompressedBytes) {
              this.#limit(
                report,
                report.rows + 1,
                `more than ${limits.maxDecompressedBytes} bytes of CSV text`,
                'maxDecompressedBytes',
              );
            }
            if (
              compressedBytes &&
              bytes > RATIO_GRACE_BYTES &&
              bytes > limits.maxCompressionRatio * compressedBytes()
            ) {
              this.#limit(
                report,
                report.rows + 1,
                `decompresses to more than ${limits.maxCompressionRatio} times its compressed size`,
                'maxCompressionRatio',
              );
            }
            tokenizer.push(
              typeof chunk === 'string' ? chunk : decoder.write(chunk),
              batch,
            );
          }
        } catch (error) {
          throw this.#unreadable(report, error);
        }
        for (let i = 0; i < batch.length; i++) {
          const record = batch[i];
          if (!plan) {
            const header = record.map(h => h.trim());
            this.#checkHeader(header, report);
            plan = columnPlan(header, limits);
            shape = rowShape(plan);
            width = header.length;
            continue;
          }
          if (record.length !== width) {
            this.#fail(report, {
              row: report.rows + 1,
              rule: 'not-csv',
              message: `not readable as CSV: the row has ${record.length} fields, the header ${width}`,
              fixed: false,
            });
          }
          if (report.rows >= limits.maxRows) this.#tooManyRows(report);
          report.rows += 1;
          yield this.#normalise(record, plan, shape, report);
        }
        batch.length = 0;
        const error = tokenizer.error;
        if (error?.limit) {
          this.#limit(report, error.record, error.message, error.limit);
        } else if (error) {
          this.#fail(report, {
            row: error.record,
            rule: 'not-csv',
            message: `not readable as CSV: ${error.message}`,
            fixed: false,
          });
        }
      }
    } finally {
      if (!done) stream.destroy();
    }
    if (!plan) this.#failEmpty(report);
  }

  async *#readParquet(
    parquet: ParquetSource,
    report: FocusValidationReport,
  ): AsyncGenerator<FocusRow> {
    const limits = this.#limits;
    try {
      let file: Awaited<ReturnType<typeof parquetRows>>;
      let magic: string | undefined;
      try {
        magic = await checkParquetMagic(parquet.buffer);
      } catch (error) {
        throw this.#notParquet(report, 0, error);
      }
      if (magic) {
        throw this.#issueError(report, {
          row: 0,
          rule: 'not-parquet',
          message: `not a Parquet file: ${magic}`,
          fixed: false,
        });
      }
      try {
        file = await parquetRows(parquet.buffer, {
          maxPageValues: limits.maxRowGroupRows,
          maxCompressionRatio: limits.maxCompressionRatio,
        });
      } catch (error) {
        throw this.#notParquet(report, 0, error);
      }
      if (file.rows > limits.maxRows) {
        this.#limit(
          report,
          0,
          `its footer declares ${file.rows} rows, more than ${limits.maxRows}`,
          'maxRows',
        );
      }
      if (file.largestWholeGroup > limits.maxRowGroupRows) {
        this.#limit(
          report,
          0,
          `a row group of ${file.largestWholeGroup} rows without offset indexes, more than ${limits.maxRowGroupRows}`,
          'maxRowGroupRows',
        );
      }
      if (file.uncompressedBytes > limits.maxDecompressedBytes) {
        this.#limit(
          report,
          0,
          `its footer declares ${file.uncompressedBytes} uncompressed bytes, more than ${limits.maxDecompressedBytes}`,
          'maxDecompressedBytes',
        );
      }
      if (
        file.uncompressedBytes > RATIO_GRACE_BYTES &&
        file.uncompressedBytes >
          limits.maxCompressionRatio * parquet.buffer.byteLength
      ) {
        this.#limit(
          report,
          0,
          `its footer declares more than ${limits.maxCompressionRatio} times its size uncompressed`,
          'maxCompressionRatio',
        );
      }
      const header = file.columns.map(h => h.trim());
      this.#checkHeader(header, report);
      const plan = columnPlan(header, limits);
      const shape = rowShape(plan);
      const groups = file.rowGroups();
      for (;;) {
        let next: IteratorResult<unknown[][]>;
        try {
          next = await groups.next();
        } catch (error) {
          if (error instanceof FocusLimitError) {
            this.#limit(report, report.rows + 1, error.message, error.limit);
          }
          throw this.#notParquet(report, report.rows + 1, error);
        }
        if (next.done) break;
        for (const record of next.value) {
          if (report.rows >= limits.maxRows) this.#tooManyRows(report);
          report.rows += 1;
          yield this.#normalise(record, plan, shape, report);
        }
      }
      if (header.length === 0) this.#failEmpty(report);
    } finally {
      await parquet.close();
    }
  }

  #checkHeader(header: string[], report: FocusValidationReport) {
    if (header.length > this.#limits.maxColumns) {
      this.#limit(
        report,
        0,
        `the header has ${header.length} columns, more than ${
          this.#limits.maxColumns
        }`,
        'maxColumns',
      );
    }
    report.version = versionOf(header);
    for (const name of header) {
      if (!SPEC_BY_NAME.has(name) && !name.startsWith('x_')) {
        const column = quoteInput(name);
        report.extraColumns.push(column);
        this.#note(report, 0, column, 'extra-column', undefined, () => ({
          message: `'${column}' is not a FOCUS ${report.version} column (custom columns start with x_); it is ignored`,
        }));
      }
    }
    const present = new Set(header);
    const missing = mandatoryColumns(report.version).filter(
      c => !present.has(c.name),
    );
    if (missing.length > 0) {
      this.#fail(report, {
        row: 0,
        column: missing[0].name,
        rule: 'missing-column',
        message: `missing mandatory FOCUS ${report.version} column(s): ${missing
          .map(c => c.name)
          .join(', ')}`,
        fixed: false,
      });
    }
  }

  /**
   * One row, CSV fields (strings) or Parquet cells (strings, numbers, dates,
   * nulls, nested values), to FOCUS values.
   */
  #normalise(
    record: ArrayLike<unknown>,
    plan: ColumnPlan[],
    shape: RowShape,
    report: FocusValidationReport,
  ): FocusRow {
    const row = report.rows;
    const values = shape.cells;
    let tags: Record<string, string> = {};
    for (let c = 0; c < plan.length; c++) {
      const column = plan[c];
      const name = column.name;
      const cell = record[column.index];
      let raw: string | null;
      if (typeof cell === 'string') {
        raw = cell;
      } else if (cell === null || cell === undefined) {
        raw = null;
      } else if (typeof cell === 'number' && column.kind === KIND_DECIMAL) {
        values[c] =
          cell <= column.maxAbs && cell >= -column.maxAbs
            ? cell
            : this.#outOfRange(String(cell), cell, row, column, report);
        continue;
      } else if (cell instanceof Date && column.kind === KIND_DATETIME) {
        const time = cell.getTime();
        if (time >= MIN_TIME && time <= MAX_TIME) {
          values[c] = this.#dates.get(time) ?? this.#date(time);
          continue;
        }
        if (!Number.isNaN(time)) {
          const year = String(cell.getUTCFullYear());
          this.#fail(report, {
            row,
            column: name,
            rule: 'not-datetime',
            value: year,
            message: `a date-time in the year ${year}, outside 0001 to 9999`,
            fixed: false,
          });
        }
        raw = String(cell);
      } else {
        raw = cellText(cell);
      }
      // CSV fields are held to the limit as they are read; Parquet cells here.
      if (raw !== null && raw.length > this.#limits.maxFieldChars) {
        this.#limit(
          report,
          row,
          `a field is longer than ${this.#limits.maxFieldChars} characters`,
          'maxFieldChars',
          name,
        );
      }

      if (raw === 'NULL') {
        this.#note(report, row, name, 'null-literal', raw, NULL_LITERAL);
        raw = null;
      } else if (raw === '') {
        // An empty field is how CSV spells null; a non-nullable string keeps ''.
        raw = column.empty;
      }
      if (raw === null) {
        if (!column.nullable) this.#missing(report, row, column);
        values[c] = null;
        continue;
      }

      switch (column.kind) {
        case KIND_STRING:
          values[c] = raw;
          break;
        case KIND_ENUM:
          values[c] = column.canonical!.has(raw)
            ? raw
            : this.#enum(raw, row, column, report);
          break;
        case KIND_DECIMAL: {
          const value = DECIMAL.test(raw)
            ? Number(raw)
            : this.#decimal(raw, row, name, report);
          values[c] =
            value <= column.maxAbs && value >= -column.maxAbs
              ? value
              : this.#outOfRange(raw, value, row, column, report);
          break;
        }
        case KIND_CURRENCY:
          values[c] = ISO_4217_CURRENCY_CODES.has(raw)
            ? raw
            : this.#currency(raw, row, name, report);
          break;
        case KIND_DATETIME: {
          const iso = this.#datetimes.get(raw);
          if (iso !== undefined) {
            values[c] = iso;
            break;
          }
          const lenient = this.#lenientDatetimes.get(raw);
          values[c] =
            lenient === undefined
              ? this.#datetime(raw, row, name, report)
              : this.#lenientDatetime(raw, lenient, row, name, report);
          break;
        }
        default: {
          let parsed = this.#json.get(raw);
          if (parsed === undefined)
            parsed = this.#parseJson(raw, row, name, report);
          values[c] = raw;
          if (name === 'Tags' && parsed) tags = { ...parsed };
        }
      }
    }
    return { values: shape.build(values), tags };
  }

  #missing(report: FocusValidationReport, row: number, column: ColumnPlan) {
    const issue = (): FocusIssue => ({
      row,
      column: column.name,
      rule: 'missing-value',
      message: `${column.name} must not be null`,
      fixed: false,
    });
    // Real exports leave some mandatory columns empty; only the ones costs
    // cannot be attributed without reject the file when lenient.
    if (this.#mode === 'strict' || column.key) this.#fail(report, issue());
    report.tolerated['missing-value'] =
      (report.tolerated['missing-value'] ?? 0) + 1;
    if (this.#listable(report, 'missing-value')) report.issues.push(issue());
  }

  #decimal(
    raw: string,
    row: number,
    column: string,
    report: FocusValidationReport,
  ): number {
    const text = raw.trim();
    if (DECIMAL.test(text)) return Number(text);
    // Spreadsheet formatting: "$10,000.00 ", "1,234.5"
    const unformatted = text
      .replace(/^([+-]?)[$€£¥]/, '$1')
      .replace(/,(?=\d{3}(\D|$))/g, '');
    if (DECIMAL.test(unformatted)) {
      const value = Number(unformatted);
      this.#note(report, row, column, 'number-format', raw, () => ({
        message: `'${quoteInput(raw)}' read as ${value}`,
      }));
      return value;
    }
    return this.#fail(report, {
      row,
      column,
      rule: 'not-numeric',
      value: raw,
      message: `'${quoteInput(raw)}' is not a decimal number`,
      fixed: false,
    });
  }

  /** A number that is not finite, or beyond its column's limit: refused. */
  #outOfRange(
    raw: string,
    value: number,
    row: number,
    column: ColumnPlan,
    report: FocusValidationReport,
  ): never {
    return this.#fail(report, {
      row,
      column: column.name,
      rule: 'out-of-range',
      value: raw,
      message: Number.isFinite(value)
        ? `'${quoteInput(raw)}' is beyond ±${showLimit(column.maxAbs)} (limit ${
            column.maxAbsLimit
          })`
        : `'${quoteInput(raw)}' is not a finite number`,
      fixed: false,
    });
  }

  /**
   * A BillingCurrency that is not an active ISO 4217 code as written: three
   * letters in the wrong case are fixed when lenient; a well-formed code
   * missing from ISO_4217_CURRENCY_CODES is kept and counted when lenient;
   * anything else is refused.
   */
  #currency(
    raw: string,
    row: number,
    column: string,
    report: FocusValidationReport,
  ): string {
    if (!CURRENCY_SHAPE.test(raw)) {
      return this.#fail(report, {
        row,
        column,
        rule: 'not-currency',
        value: raw,
        message: `'${quoteInput(
          raw,
        )}' is not an ISO 4217 currency code (three letters)`,
        fixed: false,
      });
    }
    const code = raw.toUpperCase();
    if (code !== raw) {
      this.#note(report, row, column, 'enum-case', raw, () => ({
        message: `'${raw}' read as '${code}'`,
      }));
    }
    if (!ISO_4217_CURRENCY_CODES.has(code)) {
      const issue: FocusIssue = {
        row,
        column,
        rule: 'unknown-currency',
        value: raw,
        message: `'${raw}' is not an active ISO 4217 currency code`,
        fixed: false,
      };
      if (this.#mode === 'strict') this.#fail(report, issue);
      report.tolerated['unknown-currency'] =
        (report.tolerated['unknown-currency'] ?? 0) + 1;
      if (this.#listable(report, 'unknown-currency')) report.issues.push(issue);
    }
    return code;
  }

  #datetime(
    raw: string,
    row: number,
    column: string,
    report: FocusValidationReport,
  ): string {
    const text = raw.trim();
    const parts = DATETIME_PARTS.exec(text);
    const problem = parts && calendarProblem(parts);
    if (problem) {
      // Never a date the calendar does not have, in either mode: Date would
      // read 2024-02-30 as 2024-03-01.
      return this.#fail(report, {
        row,
        column,
        rule: 'not-datetime',
        value: raw,
        message: `'${quoteInput(raw)}' is not a calendar date-time: ${problem}`,
        fixed: false,
      });
    }
    if (parts && ISO_DATETIME.test(raw)) {
      const time = Date.parse(raw);
      if (!Number.isNaN(time)) {
        const iso = new Date(time).toISOString();
        if (this.#datetimes.size >= CACHE_LIMIT) this.#datetimes.clear();
        this.#datetimes.set(detached(raw), iso);
        return iso;
      }
    }
    const match = parts && SPACE_DATETIME.exec(text);
    if (match) {
      const zone = !match[5] || match[5].trim() === 'UTC' ? 'Z' : match[5];
      const date = new Date(`${match[1]}T${match[2]}${zone}`);
      if (!Number.isNaN(date.getTime())) {
        const iso = date.toISOString();
        if (this.#lenientDatetimes.size >= CACHE_LIMIT) {
          this.#lenientDatetimes.clear();
        }
        this.#lenientDatetimes.set(detached(raw), iso);
        return this.#lenientDatetime(raw, iso, row, column, report);
      }
    }
    return this.#fail(report, {
      row,
      column,
      rule: 'not-datetime',
      value: raw,
      message: `'${quoteInput(raw)}' is not a date-time`,
      fixed: false,
    });
  }

  /** A date-time in a form lenient mode fixes: counted (or refused) each time. */
  #lenientDatetime(
    raw: string,
    iso: string,
    row: number,
    column: string,
    report: FocusValidationReport,
  ): string {
    this.#note(report, row, column, 'datetime-format', raw, () => ({
      message: `'${quoteInput(raw)}' is not ISO 8601; read as UTC`,
    }));
    return iso;
  }

  /** A Parquet timestamp, as ISO 8601 UTC. */
  #date(time: number): string {
    const iso = new Date(time).toISOString();
    if (this.#dates.size >= CACHE_LIMIT) this.#dates.clear();
    this.#dates.set(time, iso);
    return iso;
  }

  #enum(
    raw: string,
    row: number,
    column: ColumnPlan,
    report: FocusValidationReport,
  ): string {
    const allowed = column.allowed!;
    const canonical = allowed.get(raw.toLowerCase());
    if (canonical) {
      this.#note(report, row, column.name, 'enum-case', raw, () => ({
        message: `'${quoteInput(raw)}' read as '${canonical}'`,
      }));
      return canonical;
    }
    return this.#fail(report, {
      row,
      column: column.name,
      rule: 'enum-value',
      value: raw,
      message: `'${quoteInput(raw)}' is not an allowed ${column.name} (${[
        ...allowed.values(),
      ].join(', ')})`,
      fixed: false,
    });
  }

  /** JSON text to its object with string values (for `Tags`), or null. */
  #parseJson(
    raw: string,
    row: number,
    column: string,
    report: FocusValidationReport,
  ): Record<string, string> | null {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      this.#fail(report, {
        row,
        column,
        rule: 'not-json',
        value: raw,
        message: `'${quoteInput(raw)}' is not valid JSON`,
        fixed: false,
      });
    }
    let entry: Record<string, string> | null = null;
    if (parsed && typeof parsed === 'object') {
      const entries: Array<[string, string]> = [];
      for (const [key, value] of Object.entries(
        parsed as Record<string, unknown>,
      )) {
        if (
          typeof value !== 'string' &&
          depthExceeds(value, MAX_JSON_DEPTH - 2)
        ) {
          this.#fail(report, {
            row,
            column,
            rule: 'not-json',
            value: raw,
            message: `'${quoteInput(
              raw,
            )}' nests deeper than ${MAX_JSON_DEPTH} levels`,
            fixed: false,
          });
        }
        entries.push([
          key,
          typeof value === 'string' ? value : JSON.stringify(value),
        ]);
      }
      // fromEntries defines properties: a "__proto__" tag stays a tag.
      entry = Object.fromEntries(entries);
    }
    // Long values are not cached, and the cache holds a bounded number of
    // characters, so that distinct long Tags cannot fill the heap.
    if (raw.length <= JSON_CACHE_KEY_CHARS) {
      if (
        this.#json.size >= CACHE_LIMIT ||
        this.#jsonChars + raw.length > JSON_CACHE_CHARS
      ) {
        this.#json.clear();
        this.#jsonChars = 0;
      }
      this.#json.set(detached(raw), entry);
      this.#jsonChars += raw.length;
    }
    return entry;
  }

  /**
   * A quirk: fixed and counted when lenient (for the fixable rules), the
   * file rejected otherwise. The message is only built when listed.
   */
  #note(
    report: FocusValidationReport,
    row: number,
    column: string,
    rule: FocusRule,
    value: string | undefined,
    describe: () => { message: string },
  ) {
    const issue = (): FocusIssue => ({
      row,
      column,
      rule,
      ...(value === undefined ? {} : { value: quoteInput(value) }),
      message: describe().message,
      fixed: true,
    });
    if (this.#mode === 'strict' || !FIXABLE_RULES.has(rule)) {
      this.#fail(report, { ...issue(), fixed: false });
    }
    report.fixed[rule] = (report.fixed[rule] ?? 0) + 1;
    if (this.#listable(report, rule)) report.issues.push(issue());
  }

  #fail(report: FocusValidationReport, failed: FocusIssue): never {
    const issue =
      failed.value !== undefined && failed.value.length > 80
        ? { ...failed, value: quoteInput(failed.value) }
        : failed;
    if (this.#listable(report, issue.rule)) report.issues.push(issue);
    throw new FocusValidationError(
      this.#mode === 'strict' && FIXABLE_RULES.has(issue.rule)
        ? { ...issue, message: `${issue.message} (rejected in strict mode)` }
        : issue,
      report,
    );
  }

  /** Input past a limit: refused, naming the limit. */
  #limit(
    report: FocusValidationReport,
    row: number,
    what: string,
    limit: string,
    column?: string,
  ): never {
    return this.#fail(report, {
      row,
      ...(column ? { column } : {}),
      rule: 'limit-exceeded',
      message: `${what} (limit ${limit})`,
      fixed: false,
    });
  }

  #tooManyRows(report: FocusValidationReport): never {
    return this.#limit(
      report,
      report.rows + 1,
      `more than ${this.#limits.maxRows} data rows`,
      'maxRows',
    );
  }

  #failEmpty(report: FocusValidationReport): never {
    return this.#fail(report, {
      row: 0,
      rule: 'missing-column',
      message: 'the file is empty; expected a FOCUS header row',
      fixed: false,
    });
  }

  /** Counts an issue of `rule`; whether it is still listed in the report. */
  #listable(report: FocusValidationReport, rule: FocusRule): boolean {
    const listed = (this.#listed.get(rule) ?? 0) + 1;
    this.#listed.set(rule, listed);
    if (listed <= this.#maxIssues) return true;
    report.issuesOmitted += 1;
    return false;
  }

  /** An error opening, downloading or decompressing the source. */
  #unreadable(report: FocusValidationReport, error: unknown): Error {
    if (error instanceof FocusValidationError) return error;
    if (error instanceof FocusLimitError) {
      return this.#issueError(report, {
        row: report.rows,
        rule: 'limit-exceeded',
        message: `${error.message} (limit ${error.limit})`,
        fixed: false,
      });
    }
    return this.#issueError(report, {
      row: report.rows,
      rule: 'unreadable',
      message: `cannot be read: ${errorText(error).replace(/^Error: /, '')}`,
      fixed: false,
    });
  }

  #notParquet(report: FocusValidationReport, row: number, error: unknown) {
    if (error instanceof ParquetSourceError) {
      return this.#unreadable(report, error.cause);
    }
    return this.#issueError(report, {
      row,
      rule: 'not-parquet',
      message: `not readable as Parquet: ${errorText(error)}`,
      fixed: false,
    });
  }

  #issueError(report: FocusValidationReport, issue: FocusIssue) {
    if (this.#listable(report, issue.rule)) report.issues.push(issue);
    return new FocusValidationError(issue, report);
  }
}

/** An error's message for a one-line report: secrets redacted, shortened. */
function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return quoteInput(redactSecrets(message), 300);
}

/**
 * A copy of a string sliced from a chunk of the file, for a cache key: V8
 * keeps a slice's whole parent string alive, and a key outlives its chunk,
 * so a cache of keys first seen in different chunks would keep them all.
 */
function detached(text: string): string {
  return JSON.parse(JSON.stringify(text));
}

/** A Parquet cell that is not a string, as the text a CSV would carry. */
function cellText(cell: unknown): string {
  if (cell instanceof Date) {
    return Number.isNaN(cell.getTime()) ? String(cell) : cell.toISOString();
  }
  if (cell instanceof Uint8Array) return Buffer.from(cell).toString('utf8');
  if (typeof cell === 'object') {
    return JSON.stringify(cell, (_key, value) =>
      typeof value === 'bigint' ? Number(value) : value,
    );
  }
  return String(cell);
}

type Input =
  | { parquet: ParquetSource; stream?: undefined; compressedBytes?: undefined }
  | {
      parquet?: undefined;
      stream: Readable;
      /** For gzip: the compressed bytes read so far. */
      compressedBytes?: () => number;
    };

function isFileRef(source: unknown): source is FocusFileRef {
  return (
    typeof source === 'object' &&
    source !== null &&
    typeof (source as FocusFileRef).uri === 'string' &&
    typeof (source as FocusFileRef).open === 'function'
  );
}

function sourceName(source: string | Readable | FocusFileRef): string {
  if (typeof source === 'string') return source;
  return isFileRef(source) ? source.uri : 'stream';
}

const isHttp = (source: string) => /^https?:\/\//i.test(source);

async function openInput(
  source: string | Readable | FocusFileRef,
  maxSpoolBytes: number,
): Promise<Input> {
  let ref: FocusFileRef | undefined;
  if (isFileRef(source)) {
    ref = source;
  } else if (
    typeof source === 'string' &&
    focusFileFormat(isHttp(source) ? new URL(source).pathname : source) ===
      'parquet'
  ) {
    ref = isHttp(source)
      ? await httpFileRef(source)
      : await localFileRef(source);
  }
  if (ref?.format === 'parquet') {
    return { parquet: await openParquet(ref, maxSpoolBytes) };
  }

  let stream: Readable;
  let gzip = false;
  if (ref) {
    stream = (await ref.open()) as Readable;
    gzip = ref.format === 'csv.gz';
  } else if (typeof source !== 'string') {
    stream = source as Readable;
  } else if (isHttp(source)) {
    stream = await openHttp(source);
    gzip = new URL(source).pathname.endsWith('.gz');
  } else {
    // A FIFO or device would block the read forever.
    const stat = await fs.stat(source);
    if (!stat.isFile()) {
      throw new Error('not a regular file (a folder, FIFO, socket or device)');
    }
    stream = createReadStream(source);
    gzip = source.endsWith('.gz');
  }
  if (gzip) return gunzip(stream);
  return sniff(stream, maxSpoolBytes);
}

/**
 * Looks at the first bytes: gzip is decompressed, Parquet copied to a
 * temporary file to be read by ranges, anything else read as CSV.
 */
async function sniff(stream: Readable, maxSpoolBytes: number): Promise<Input> {
  const iterator = stream[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < 4) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = Buffer.from(next.value);
    head.push(chunk);
    length += chunk.length;
  }
  const start = Buffer.concat(head);
  const rest = Readable.from(
    (async function* replay() {
      try {
        if (start.length > 0) yield start;
        if (done) return;
        for (
          let next = await iterator.next();
          !next.done;
          next = await iterator.next()
        ) {
          yield next.value;
        }
      } finally {
        // Closes the source when the reader stops early.
        await iterator.return?.();
      }
    })(),
    { objectMode: false },
  );
  if (start[0] === 0x1f && start[1] === 0x8b) return gunzip(rest);
  if (start.subarray(0, 4).equals(PARQUET_MAGIC)) {
    return { parquet: await spoolParquet(rest, maxSpoolBytes) };
  }
  return { stream: rest };
}

/**
 * Decompresses a stream, counting the compressed bytes it reads (for the
 * ratio limit): the source's errors end the output, and destroying the
 * output (the reader stopping early) closes the source.
 */
function gunzip(stream: Readable): Input {
  let compressed = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      compressed += chunk.length;
      callback(null, chunk);
    },
  });
  const output = createGunzip();
  pipeline(stream, counter, output, () => {});
  // Less what waits in gunzip's buffer: what zlib has been handed, so the
  // ratio is never overestimated, and a bomb is caught past the grace bytes.
  return {
    stream: output,
    compressedBytes: () => compressed - output.writableLength,
  };
}
