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
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import {
  FOCUS_ALLOWED_VALUES,
  FOCUS_COLUMNS,
  type FocusColumnSpec,
} from './spec';
import type { FocusFileRef } from './locations';

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

/**
 * Streams and validates a FOCUS 1.0–1.2 billing export (CSV, optionally
 * gzip-compressed), one normalised row at a time, in constant memory.
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
   * Reads a file path, `http(s)://` URL or stream. Names ending in `.gz`, and
   * content starting with the gzip magic bytes, are decompressed.
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

    const parser = parse({
      bom: true,
      relax_column_count: false,
      skip_empty_lines: true,
    });
    let header: string[] | undefined;
    let specs: Array<FocusColumnSpec | undefined> = [];
    try {
      const input = await openSource(source);
      input.on('error', error => parser.destroy(error));
      input.pipe(parser);
      for await (const record of parser as AsyncIterable<string[]>) {
        if (!header) {
          header = record.map(h => h.trim());
          specs = header.map(h => SPEC_BY_NAME.get(h));
          this.#checkHeader(header, report);
          continue;
        }
        report.rows += 1;
        yield this.#normaliseRow(record, header, specs, report);
      }
    } catch (error) {
      if (error instanceof FocusValidationError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      // csv-parse's own errors carry CSV_* codes; anything else comes from
      // opening, downloading or decompressing the source.
      const isCsv = String((error as { code?: unknown })?.code).startsWith(
        'CSV_',
      );
      throw new FocusValidationError(
        isCsv
          ? {
              row: report.rows + 1,
              rule: 'not-csv',
              message: `not readable as CSV: ${message}`,
              fixed: false,
            }
          : {
              row: report.rows,
              rule: 'unreadable',
              message: `cannot be read: ${message.replace(/^Error: /, '')}`,
              fixed: false,
            },
        report,
      );
    }
    if (!header) {
      this.#fail(report, {
        row: 0,
        rule: 'missing-column',
        message: 'the file is empty; expected a FOCUS header row',
        fixed: false,
      });
    }
  }

  #checkHeader(header: string[], report: FocusValidationReport) {
    report.version = versionOf(header);
    for (const column of header) {
      if (!SPEC_BY_NAME.has(column) && !column.startsWith('x_')) {
        report.extraColumns.push(column);
        this.#note(report, {
          row: 0,
          column,
          rule: 'extra-column',
          message: `'${column}' is not a FOCUS ${report.version} column (custom columns start with x_); it is ignored`,
          fixed: true,
        });
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

  #normaliseRow(
    record: string[],
    header: string[],
    specs: Array<FocusColumnSpec | undefined>,
    report: FocusValidationReport,
  ): FocusRow {
    const row = report.rows;
    const values: Record<string, string | number | null> = {};
    let tags: Record<string, string> = {};
    for (let i = 0; i < header.length; i++) {
      const spec = specs[i];
      if (!spec) continue;
      const column = header[i];
      let raw: string | null = record[i];

      if (raw === 'NULL') {
        this.#note(report, {
          row,
          column,
          rule: 'null-literal',
          value: raw,
          message: "literal 'NULL' read as null",
          fixed: true,
        });
        raw = null;
      } else if (raw === '') {
        // An empty field is how CSV spells null; a non-nullable string keeps ''.
        raw = spec.type === 'string' && !spec.nullable ? '' : null;
      }

      if (raw === null) {
        if (!spec.nullable) {
          const issue: FocusIssue = {
            row,
            column,
            rule: 'missing-value',
            message: `${column} must not be null`,
            fixed: false,
          };
          // Real exports leave some mandatory columns empty; only the ones
          // costs cannot be attributed without reject the file when lenient.
          if (this.#mode === 'strict' || KEY_COLUMNS.has(column)) {
            this.#fail(report, issue);
          }
          report.tolerated[issue.rule] =
            (report.tolerated[issue.rule] ?? 0) + 1;
          this.#record(report, issue);
        }
        values[column] = null;
        continue;
      }

      switch (spec.type) {
        case 'decimal':
          values[column] = this.#decimal(raw, row, column, report);
          break;
        case 'datetime':
          values[column] = this.#datetime(raw, row, column, report);
          break;
        case 'json': {
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
          values[column] = raw;
          if (column === 'Tags' && parsed && typeof parsed === 'object') {
            tags = Object.fromEntries(
              Object.entries(parsed as Record<string, unknown>).map(
                ([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)],
              ),
            );
          }
          break;
        }
        default:
          values[column] = this.#enum(raw, row, column, report);
      }
    }
    return { values, tags };
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
      this.#note(report, {
        row,
        column,
        rule: 'number-format',
        value: raw,
        message: `'${raw}' read as ${Number(unformatted)}`,
        fixed: true,
      });
      return Number(unformatted);
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
      return new Date(raw).toISOString();
    }
    const match = SPACE_DATETIME.exec(raw.trim());
    if (match) {
      const zone = !match[5] || match[5].trim() === 'UTC' ? 'Z' : match[5];
      const date = new Date(`${match[1]}T${match[2]}${zone}`);
      if (!Number.isNaN(date.getTime())) {
        this.#note(report, {
          row,
          column,
          rule: 'datetime-format',
          value: raw,
          message: `'${raw}' is not ISO 8601; read as UTC`,
          fixed: true,
        });
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

  #enum(
    raw: string,
    row: number,
    column: string,
    report: FocusValidationReport,
  ): string {
    const allowed = ALLOWED_BY_LOWER.get(column);
    if (!allowed) return raw;
    const canonical = allowed.get(raw.toLowerCase());
    if (canonical === raw) return raw;
    if (canonical) {
      this.#note(report, {
        row,
        column,
        rule: 'enum-case',
        value: raw,
        message: `'${raw}' read as '${canonical}'`,
        fixed: true,
      });
      return canonical;
    }
    return this.#fail(report, {
      row,
      column,
      rule: 'enum-value',
      value: raw,
      message: `'${raw}' is not an allowed ${column} (${[
        ...allowed.values(),
      ].join(', ')})`,
      fixed: false,
    });
  }

  #note(report: FocusValidationReport, issue: FocusIssue) {
    if (this.#mode === 'strict' || !FIXABLE_RULES.has(issue.rule)) {
      this.#fail(report, { ...issue, fixed: false });
    }
    report.fixed[issue.rule] = (report.fixed[issue.rule] ?? 0) + 1;
    this.#record(report, issue);
  }

  #fail(report: FocusValidationReport, issue: FocusIssue): never {
    this.#record(report, issue);
    throw new FocusValidationError(
      this.#mode === 'strict' && FIXABLE_RULES.has(issue.rule)
        ? { ...issue, message: `${issue.message} (rejected in strict mode)` }
        : issue,
      report,
    );
  }

  #record(report: FocusValidationReport, issue: FocusIssue) {
    const listed = (this.#listed.get(issue.rule) ?? 0) + 1;
    this.#listed.set(issue.rule, listed);
    if (listed <= this.#maxIssues) report.issues.push(issue);
    else report.issuesOmitted += 1;
  }
}

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

async function openSource(
  source: string | Readable | FocusFileRef,
): Promise<Readable> {
  let stream: Readable;
  let name = '';
  if (isFileRef(source)) {
    stream = (await source.open()) as Readable;
    if (source.format === 'csv.gz') return gunzip(stream);
    return sniffGzip(stream);
  } else if (typeof source !== 'string') {
    stream = source;
  } else if (/^https?:\/\//.test(source)) {
    name = new URL(source).pathname;
    const response = await fetch(source);
    if (!response.ok || !response.body) {
      throw new Error(
        `GET ${source} failed: ${response.status} ${response.statusText}`,
      );
    }
    stream = Readable.fromWeb(response.body as any);
  } else {
    name = source;
    stream = createReadStream(source);
  }
  if (name.endsWith('.gz')) return gunzip(stream);
  return sniffGzip(stream);
}

/** Decompresses a stream that starts with the gzip magic bytes. */
async function sniffGzip(stream: Readable): Promise<Readable> {
  const iterator = stream[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head: Buffer | undefined = first.done
    ? undefined
    : Buffer.from(first.value);
  const rest = Readable.from(
    (async function* replay() {
      if (head) yield head;
      for (
        let next = await iterator.next();
        !next.done;
        next = await iterator.next()
      ) {
        yield next.value;
      }
    })(),
  );
  if (head && head[0] === 0x1f && head[1] === 0x8b) return gunzip(rest);
  return rest;
}

/** Decompresses a stream, passing the source's errors on. */
function gunzip(stream: Readable): Readable {
  const output = createGunzip();
  stream.on('error', error => output.destroy(error));
  return stream.pipe(output);
}
