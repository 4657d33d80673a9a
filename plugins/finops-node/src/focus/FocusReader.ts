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
import { pipeline, Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { CsvTokenizer } from './csv';
import {
  focusFileFormat,
  httpFileRef,
  localFileRef,
  type FocusFileRef,
} from './locations';
import {
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
 * `YYYY-MM-DD HH:mm:ss` datetimes, wrong-case enum values, `$1,234.50`
 * amounts) and counts each fix; `strict` rejects the file at the first issue.
 * Values that cannot be fixed (a non-numeric cost, an unknown enum value, a
 * missing mandatory column) reject the file in both modes.
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
  | 'enum-value';

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
  value?: string;
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
  file: string;
  mode: FocusMode;
  /** The newest FOCUS version whose columns the header carries: `1.0`, `1.1` or `1.2`. */
  version: string;
  /** Data rows read. */
  rows: number;
  /** Columns that are neither FOCUS columns nor custom `x_` columns. */
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
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

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
 * Options of {@link FocusReader}.
 *
 * @public
 */
export interface FocusReaderOptions {
  /** Default `lenient`. */
  mode?: FocusMode;
  /** How many issues of each rule the report lists (default 100); all are counted. */
  maxIssues?: number;
}

// How the reader treats a column of the file.
const KIND_STRING = 0;
const KIND_ENUM = 1;
const KIND_DECIMAL = 2;
const KIND_DATETIME = 3;
const KIND_JSON = 4;

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
}

function columnPlan(header: string[]): ColumnPlan[] {
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
    plan.push({
      index,
      name,
      kind,
      nullable: spec.nullable,
      key: KEY_COLUMNS.has(name),
      empty: spec.type === 'string' && !spec.nullable ? '' : null,
      allowed,
      canonical: allowed ? new Set(allowed.values()) : undefined,
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
  #report?: FocusValidationReport;
  #listed = new Map<FocusRule, number>();
  #datetimes = new Map<string, string>();
  #json = new Map<string, Record<string, string> | null>();
  #dates = new Map<number, string>();

  constructor(options: FocusReaderOptions = {}) {
    this.#mode = options.mode ?? 'lenient';
    this.#maxIssues = options.maxIssues ?? 100;
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
   */
  async *read(
    source: string | Readable | FocusFileRef,
    name: string = sourceName(source),
  ): AsyncGenerator<FocusRow> {
    const report: FocusValidationReport = {
      file: name,
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
    this.#json = new Map();
    this.#dates = new Map();

    let input: Input;
    try {
      input = await openInput(source);
    } catch (error) {
      throw this.#unreadable(report, error);
    }
    if (input.parquet) {
      yield* this.#readParquet(input.parquet, report);
      return;
    }

    // CSV, read here rather than in a generator of its own: every layer of
    // async generators costs each row a promise and microtask turns.
    const stream = input.stream;
    const tokenizer = new CsvTokenizer();
    const decoder = new StringDecoder('utf8');
    const iterator = stream[Symbol.asyncIterator]();
    const batch: string[][] = [];
    let plan: ColumnPlan[] | undefined;
    let shape: RowShape = rowShape([]);
    let width = 0;
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
            plan = columnPlan(header);
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
          report.rows += 1;
          yield this.#normalise(record, plan, shape, report);
        }
        batch.length = 0;
        if (tokenizer.error) {
          this.#fail(report, {
            row: tokenizer.error.record,
            rule: 'not-csv',
            message: `not readable as CSV: ${tokenizer.error.message}`,
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
    try {
      let file: Awaited<ReturnType<typeof parquetRows>>;
      try {
        file = await parquetRows(parquet.buffer);
      } catch (error) {
        throw this.#notParquet(report, 0, error);
      }
      const header = file.columns.map(h => h.trim());
      this.#checkHeader(header, report);
      const plan = columnPlan(header);
      const shape = rowShape(plan);
      const groups = file.rowGroups();
      for (;;) {
        let next: IteratorResult<unknown[][]>;
        try {
          next = await groups.next();
        } catch (error) {
          throw this.#notParquet(report, report.rows + 1, error);
        }
        if (next.done) break;
        for (const record of next.value) {
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
    report.version = versionOf(header);
    for (const column of header) {
      if (!SPEC_BY_NAME.has(column) && !column.startsWith('x_')) {
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
      } else if (
        typeof cell === 'number' &&
        column.kind === KIND_DECIMAL &&
        Number.isFinite(cell)
      ) {
        values[c] = cell;
        continue;
      } else if (cell instanceof Date && column.kind === KIND_DATETIME) {
        const time = cell.getTime();
        if (!Number.isNaN(time)) {
          values[c] = this.#dates.get(time) ?? this.#date(time);
          continue;
        }
        raw = String(cell);
      } else {
        raw = cellText(cell);
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
        case KIND_DECIMAL:
          values[c] = DECIMAL.test(raw)
            ? Number(raw)
            : this.#decimal(raw, row, name, report);
          break;
        case KIND_DATETIME:
          values[c] =
            this.#datetimes.get(raw) ?? this.#datetime(raw, row, name, report);
          break;
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
        message: `'${raw}' read as ${value}`,
      }));
      return value;
    }
    return this.#fail(report, {
      row,
      column,
      rule: 'not-numeric',
      value: raw,
      message: `'${raw}' is not a decimal number`,
      fixed: false,
    });
  }

  #datetime(
    raw: string,
    row: number,
    column: string,
    report: FocusValidationReport,
  ): string {
    if (ISO_DATETIME.test(raw)) {
      const time = Date.parse(raw);
      if (!Number.isNaN(time)) {
        const iso = new Date(time).toISOString();
        if (this.#datetimes.size >= CACHE_LIMIT) this.#datetimes.clear();
        this.#datetimes.set(detached(raw), iso);
        return iso;
      }
    }
    const match = SPACE_DATETIME.exec(raw.trim());
    if (match) {
      const zone = !match[5] || match[5].trim() === 'UTC' ? 'Z' : match[5];
      const date = new Date(`${match[1]}T${match[2]}${zone}`);
      if (!Number.isNaN(date.getTime())) {
        this.#note(report, row, column, 'datetime-format', raw, () => ({
          message: `'${raw}' is not ISO 8601; read as UTC`,
        }));
        return date.toISOString();
      }
    }
    return this.#fail(report, {
      row,
      column,
      rule: 'not-datetime',
      value: raw,
      message: `'${raw}' is not a date-time`,
      fixed: false,
    });
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
        message: `'${raw}' read as '${canonical}'`,
      }));
      return canonical;
    }
    return this.#fail(report, {
      row,
      column: column.name,
      rule: 'enum-value',
      value: raw,
      message: `'${raw}' is not an allowed ${column.name} (${[
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
        message: `'${raw.slice(0, 80)}' is not valid JSON`,
        fixed: false,
      });
    }
    const entry =
      parsed && typeof parsed === 'object'
        ? Object.fromEntries(
            Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [
              k,
              typeof v === 'string' ? v : JSON.stringify(v),
            ]),
          )
        : null;
    if (this.#json.size >= CACHE_LIMIT) this.#json.clear();
    this.#json.set(detached(raw), entry);
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
      ...(value === undefined ? {} : { value }),
      message: describe().message,
      fixed: true,
    });
    if (this.#mode === 'strict' || !FIXABLE_RULES.has(rule)) {
      this.#fail(report, { ...issue(), fixed: false });
    }
    report.fixed[rule] = (report.fixed[rule] ?? 0) + 1;
    if (this.#listable(report, rule)) report.issues.push(issue());
  }

  #fail(report: FocusValidationReport, issue: FocusIssue): never {
    if (this.#listable(report, issue.rule)) report.issues.push(issue);
    throw new FocusValidationError(
      this.#mode === 'strict' && FIXABLE_RULES.has(issue.rule)
        ? { ...issue, message: `${issue.message} (rejected in strict mode)` }
        : issue,
      report,
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
    const message = error instanceof Error ? error.message : String(error);
    return this.#issueError(report, {
      row: report.rows,
      rule: 'unreadable',
      message: `cannot be read: ${message.replace(/^Error: /, '')}`,
      fixed: false,
    });
  }

  #notParquet(report: FocusValidationReport, row: number, error: unknown) {
    if (error instanceof ParquetSourceError) {
      return this.#unreadable(report, error.cause);
    }
    const message = error instanceof Error ? error.message : String(error);
    return this.#issueError(report, {
      row,
      rule: 'not-parquet',
      message: `not readable as Parquet: ${message}`,
      fixed: false,
    });
  }

  #issueError(report: FocusValidationReport, issue: FocusIssue) {
    if (this.#listable(report, issue.rule)) report.issues.push(issue);
    return new FocusValidationError(issue, report);
  }
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
  | { parquet: ParquetSource; stream?: undefined }
  | { parquet?: undefined; stream: Readable };

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
  if (ref?.format === 'parquet') return { parquet: await openParquet(ref) };

  let stream: Readable;
  let gzip = false;
  if (ref) {
    stream = (await ref.open()) as Readable;
    gzip = ref.format === 'csv.gz';
  } else if (typeof source !== 'string') {
    stream = source as Readable;
  } else if (isHttp(source)) {
    const response = await fetch(source);
    if (!response.ok || !response.body) {
      throw new Error(
        `GET ${source} failed: ${response.status} ${response.statusText}`,
      );
    }
    stream = Readable.fromWeb(response.body as any);
    gzip = new URL(source).pathname.endsWith('.gz');
  } else {
    stream = createReadStream(source);
    gzip = source.endsWith('.gz');
  }
  if (gzip) return { stream: gunzip(stream) };
  return sniff(stream);
}

/**
 * Looks at the first bytes: gzip is decompressed, Parquet copied to a
 * temporary file to be read by ranges, anything else read as CSV.
 */
async function sniff(stream: Readable): Promise<Input> {
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
  if (start[0] === 0x1f && start[1] === 0x8b) return { stream: gunzip(rest) };
  if (start.subarray(0, 4).equals(PARQUET_MAGIC)) {
    return { parquet: await spoolParquet(rest) };
  }
  return { stream: rest };
}

/**
 * Decompresses a stream: the source's errors end the output, and destroying
 * the output (the reader stopping early) closes the source.
 */
function gunzip(stream: Readable): Readable {
  const output = createGunzip();
  pipeline(stream, output, () => {});
  return output;
}
