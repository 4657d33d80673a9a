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

import type { Knex } from 'knex';
import { from as copyFrom, type CopyStreamQuery } from 'pg-copy-streams';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';

/*
 * Bulk writes on PostgreSQL with `COPY … FROM STDIN` in the binary format,
 * through the connection of a knex transaction, so that the rows land in
 * the same transaction as everything else the ingestion does. The binary
 * format spares the database the parsing of numbers and timestamps (about
 * a quarter of its work per row) and the encoder the printing of them.
 */

/**
 * Bytes buffered for a table other than the one being streamed before the
 * writer switches to it (about 3,000 billing rows).
 */
const CHUNK_BYTES = 1 << 20;

/** `PGCOPY\n\377\r\n\0`, then 32-bit flags and header extension length, all 0. */
const BINARY_HEADER = Buffer.from([
  0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0,
  0, 0, 0, 0,
]);
/** A field count of -1 ends the data. */
const BINARY_TRAILER = Buffer.from([0xff, 0xff]);

/** 2000-01-01T00:00:00Z, PostgreSQL's timestamp epoch, in Unix milliseconds. */
const PG_EPOCH_MS = 946_684_800_000;
const TWO_32 = 2 ** 32;
/** Text up to this many UTF-16 units is tried as ASCII first. */
const SHORT_TEXT = 64;

/**
 * Rows in the binary COPY format, appended field by field into a growing
 * buffer: `startRow(fields)`, then one call per column, in the statement's
 * column order.
 *
 * @internal
 */
export class CopyRowBuffer {
  #buffer: Buffer;
  #offset = 0;

  constructor(capacity = 128 * 1024) {
    this.#buffer = Buffer.allocUnsafe(capacity);
  }

  /** Bytes buffered. */
  get length(): number {
    return this.#offset;
  }

  startRow(fields: number): void {
    this.#reserve(2);
    this.#buffer[this.#offset] = fields >>> 8;
    this.#buffer[this.#offset + 1] = fields & 0xff;
    this.#offset += 2;
  }

  /** A text or varchar field (UTF-8), or NULL. */
  text(value: string | null): void {
    if (value === null) {
      this.#null();
      return;
    }
    const length = value.length;
    this.#reserve(4 + length * 3);
    const buffer = this.#buffer;
    const start = this.#offset + 4;
    // Short ASCII text, most of a billing row, is copied here: cheaper than
    // a call into the UTF-8 encoder per field.
    if (length <= SHORT_TEXT) {
      let i = 0;
      for (; i < length; i++) {
        const code = value.charCodeAt(i);
        if (code > 0x7f) break;
        buffer[start + i] = code;
      }
      if (i === length) {
        this.#length(length);
        this.#offset = start + length;
        return;
      }
    }
    const bytes = buffer.write(value, start);
    this.#length(bytes);
    this.#offset = start + bytes;
  }

  /** Fields encoded beforehand (by another CopyRowBuffer), appended as they are. */
  encoded(fields: Uint8Array): void {
    this.#reserve(fields.length);
    this.#buffer.set(fields, this.#offset);
    this.#offset += fields.length;
  }

  /** A double precision field, or NULL. */
  double(value: number | null): void {
    if (value === null) {
      this.#null();
      return;
    }
    this.#reserve(12);
    this.#length(8);
    this.#buffer.writeDoubleBE(value, this.#offset + 4);
    this.#offset += 12;
  }

  /** A bigint field from a safe integer or a bigint, or NULL. */
  int64(value: number | bigint | null): void {
    if (value === null) {
      this.#null();
      return;
    }
    this.#reserve(12);
    this.#length(8);
    if (typeof value === 'bigint') {
      this.#buffer.writeBigInt64BE(value, this.#offset + 4);
    } else {
      const high = Math.floor(value / TWO_32);
      this.#buffer.writeInt32BE(high, this.#offset + 4);
      this.#buffer.writeUInt32BE(value - high * TWO_32, this.#offset + 8);
    }
    this.#offset += 12;
  }

  /** A timestamptz field from Unix milliseconds, or NULL. */
  timestamp(milliseconds: number | null): void {
    if (milliseconds === null) {
      this.#null();
      return;
    }
    this.#reserve(12);
    // Microseconds since 2000, as a 64-bit integer (exact below 2^53).
    const micros = (milliseconds - PG_EPOCH_MS) * 1000;
    const high = Math.floor(micros / TWO_32);
    this.#length(8);
    this.#buffer.writeInt32BE(high, this.#offset + 4);
    this.#buffer.writeUInt32BE(micros - high * TWO_32, this.#offset + 8);
    this.#offset += 12;
  }

  /** Hands out the bytes buffered and starts empty. */
  take(): Buffer {
    const bytes = this.#buffer.subarray(0, this.#offset);
    this.#buffer = Buffer.allocUnsafe(
      Math.max(this.#buffer.length, 128 * 1024),
    );
    this.#offset = 0;
    return bytes;
  }

  /** Drops what is buffered. */
  clear(): void {
    this.#offset = 0;
  }

  #null() {
    this.#reserve(4);
    this.#length(-1);
    this.#offset += 4;
  }

  /** A field's 32-bit length (-1 for NULL) at the offset. */
  #length(value: number) {
    const buffer = this.#buffer;
    const at = this.#offset;
    buffer[at] = value >>> 24;
    buffer[at + 1] = (value >>> 16) & 0xff;
    buffer[at + 2] = (value >>> 8) & 0xff;
    buffer[at + 3] = value & 0xff;
  }

  #reserve(bytes: number) {
    if (this.#offset + bytes <= this.#buffer.length) return;
    const grown = Buffer.allocUnsafe(
      Math.max(this.#buffer.length * 2, this.#offset + bytes),
    );
    this.#buffer.copy(grown, 0, 0, this.#offset);
    this.#buffer = grown;
  }
}

/**
 * Where PostgreSQL says a COPY failed: the 1-based line of the statement's
 * data and the column, from the error's `where` field
 * (`COPY t, line 3, column c: "…"`).
 */
interface CopyErrorPlace {
  line: number;
  column?: string;
}

function copyErrorPlace(error: unknown): CopyErrorPlace | undefined {
  const where = (error as { where?: unknown })?.where;
  if (typeof where !== 'string') return undefined;
  const match = /\bCOPY [^,]+, line (\d+)(?:, column ([A-Za-z0-9_]+))?/.exec(
    where,
  );
  if (!match) return undefined;
  return {
    line: Number(match[1]),
    ...(match[2] ? { column: match[2] } : {}),
  };
}

/**
 * Turns a database error on a row into the caller's error; `row` is the
 * caller's number for the row (its index in the input), `column` the table
 * column when PostgreSQL names one. Returning `undefined` keeps the
 * original error.
 *
 * @internal
 */
export type CopyErrorMapper = (
  error: Error,
  row: number,
  column: string | undefined,
) => Error | undefined;

interface CopyTable {
  name: string;
  columns: readonly string[];
  /** Rows not yet handed to a statement. */
  buffer: CopyRowBuffer;
  /** The caller's numbers of the buffered rows, as runs. */
  pendingRows: RowRuns;
  pendingCount: number;
  rows: number;
}

/** The COPY statement being streamed. */
interface ActiveCopy {
  table: CopyTable;
  stream: CopyStreamQuery;
  /** Settles when the statement has finished, or failed. */
  done: Promise<void>;
  /** The caller's numbers of the lines sent, as runs, for errors. */
  rows: RowRuns;
  lines: number;
}

/**
 * Row numbers as runs of consecutive numbers, [first, count] pairs: one
 * pair for a table whose rows come one after the other.
 */
class RowRuns {
  readonly runs: number[] = [];

  add(row: number) {
    const n = this.runs.length;
    if (n > 0 && this.runs[n - 2] + this.runs[n - 1] === row) {
      this.runs[n - 1] += 1;
    } else {
      this.runs.push(row, 1);
    }
  }

  append(other: RowRuns) {
    for (let i = 0; i < other.runs.length; i += 2) {
      for (let j = 0; j < other.runs[i + 1]; j++) this.add(other.runs[i] + j);
    }
  }

  /** The row of the 1-based line, or undefined past the end. */
  at(line: number): number | undefined {
    let rest = line - 1;
    for (let i = 0; i < this.runs.length; i += 2) {
      if (rest < this.runs[i + 1]) return this.runs[i] + rest;
      rest -= this.runs[i + 1];
    }
    return undefined;
  }

  get size() {
    return this.runs.length / 2;
  }
}

/** Bytes of COPY data handed to the connection at a time. */
const PIECE_BYTES = 64 * 1024;

/**
 * Rows a statement takes before the next one starts: bounds the row
 * numbers kept for error messages.
 */
const STATEMENT_ROWS = 500_000;

/**
 * Writes rows to one or more tables with COPY, inside a knex transaction on
 * PostgreSQL.
 *
 * One `COPY … FROM STDIN` statement at a time is streamed: the rows of its
 * table go straight into it, in pieces of {@link PIECE_BYTES}, while the
 * database stores the pieces before; `write` returns a promise to wait for
 * when the connection's buffers are full (the backpressure). Rows for
 * another table are buffered; when that buffer reaches {@link CHUNK_BYTES}
 * the statement is finished and one for that table starts. Rows of one
 * table in a row (a billing export) thus take a single statement, and
 * memory stays bounded by the buffers.
 *
 * Every write must be followed by `finish()` (or, after a failure,
 * `abort()`), which waits for the statement still running: only then may
 * the transaction run other queries or roll back.
 *
 * @internal
 */
export class PgCopyWriter {
  readonly #tables = new Map<string, CopyTable>();
  readonly #mapError: CopyErrorMapper;
  readonly #statementRows: number;
  #active: ActiveCopy | undefined;
  #statements = 0;
  #connection: PgConnection | undefined;
  #failure: Error | undefined;

  constructor(
    private readonly tx: Knex.Transaction,
    tables: Record<string, readonly string[]>,
    mapError: CopyErrorMapper,
    options: { statementRows?: number } = {},
  ) {
    this.#statementRows = options.statementRows ?? STATEMENT_ROWS;
    for (const [name, columns] of Object.entries(tables)) {
      this.#tables.set(name, {
        name,
        columns,
        buffer: new CopyRowBuffer(),
        pendingRows: new RowRuns(),
        pendingCount: 0,
        rows: 0,
      });
    }
    this.#mapError = mapError;
  }

  /**
   * The buffer to append the next row of `table` to (`startRow`, then its
   * fields in the order of the table's columns); call {@link rowWritten}
   * after.
   */
  buffer(table: string): CopyRowBuffer {
    return this.#tables.get(table)!.buffer;
  }

  /**
   * Counts the row just appended to `table`'s buffer; `row` is the caller's
   * number for it, used in errors. Returns a promise to wait for when the
   * row made something to send (the backpressure), nothing otherwise: most
   * rows only append to a buffer, and need no await.
   */
  rowWritten(table: string, row: number): Promise<void> | undefined {
    if (this.#failure) return Promise.reject(this.#failure);
    const target = this.#tables.get(table)!;
    target.pendingRows.add(row);
    target.pendingCount += 1;
    target.rows += 1;
    const active = this.#active;
    const bytes = target.buffer.length;
    if (active?.table === target) {
      if (bytes >= PIECE_BYTES) return this.#streamPiece(active);
    } else if (bytes >= (active ? CHUNK_BYTES : PIECE_BYTES)) {
      return this.#switchTo(target);
    }
    return undefined;
  }

  /** COPY statements started so far. */
  get statements(): number {
    return this.#statements;
  }

  /** Sends what is buffered, waits for the statements, and returns the rows written per table. */
  async finish(): Promise<Record<string, number>> {
    for (const table of this.#tables.values()) {
      if (table.pendingCount > 0) await this.#switchTo(table);
    }
    await this.#endActive();
    return Object.fromEntries(
      [...this.#tables.values()].map(t => [t.name, t.rows]),
    );
  }

  /** After a failure elsewhere: drops the buffers and cancels the statement running. */
  async abort(): Promise<void> {
    for (const table of this.#tables.values()) {
      table.buffer.clear();
      table.pendingCount = 0;
    }
    const active = this.#active;
    this.#active = undefined;
    if (active) {
      // Sends CopyFail: the statement fails, and the transaction rolls back.
      active.stream.destroy(new Error('ingestion aborted'));
      await active.done.catch(() => {});
    }
  }

  /** Hands the active table's buffered rows to its statement. */
  async #sendPiece(active: ActiveCopy) {
    const table = active.table;
    if (table.pendingCount === 0) return;
    const bytes = table.buffer.take();
    active.rows.append(table.pendingRows);
    active.lines += table.pendingCount;
    table.pendingCount = 0;
    table.pendingRows = new RowRuns();
    if (!active.stream.write(bytes)) {
      await Promise.race([once(active.stream, 'drain'), active.done]);
    }
    if (this.#failure) throw this.#failure;
  }

  /** Sends a piece; starts over with a new statement after STATEMENT_ROWS. */
  async #streamPiece(active: ActiveCopy) {
    await this.#sendPiece(active);
    if (
      active.lines >= this.#statementRows ||
      active.rows.size >= this.#statementRows
    ) {
      await this.#endActive();
    }
  }

  /** Ends the running statement, if any, and starts one for `table`. */
  async #switchTo(table: CopyTable) {
    if (this.#active?.table !== table) {
      await this.#endActive();
      const connection = await this.#getConnection();
      const columns = table.columns.map(quoteIdentifier).join(', ');
      this.#statements += 1;
      const stream = connection.query(
        copyFrom(
          `COPY ${quoteIdentifier(
            table.name,
          )} (${columns}) FROM STDIN WITH (FORMAT binary)`,
          { highWaterMark: 4 * PIECE_BYTES },
        ),
      );
      const active: ActiveCopy = {
        table,
        stream,
        rows: new RowRuns(),
        lines: 0,
        done: Promise.resolve(),
      };
      active.done = finished(stream).catch(error => {
        this.#failure ??= this.#mapped(error, active);
        throw this.#failure;
      });
      // Observed here; awaited in #endActive.
      active.done.catch(() => {});
      stream.write(BINARY_HEADER);
      this.#active = active;
    }
    await this.#sendPiece(this.#active!);
  }

  async #endActive() {
    const active = this.#active;
    if (!active) {
      if (this.#failure) throw this.#failure;
      return;
    }
    this.#active = undefined;
    await this.#sendPiece(active);
    active.stream.end(BINARY_TRAILER);
    await active.done;
  }

  #mapped(error: unknown, active: ActiveCopy): Error {
    const place = copyErrorPlace(error);
    const row = place && active.rows.at(place.line);
    if (row !== undefined && error instanceof Error) {
      return this.#mapError(error, row, place!.column) ?? error;
    }
    return error instanceof Error ? error : new Error(String(error));
  }

  async #getConnection(): Promise<PgConnection> {
    // Inside a transaction, knex hands out the transaction's own connection.
    this.#connection ??=
      (await this.tx.client.acquireConnection()) as PgConnection;
    return this.#connection;
  }
}

/** The part of node-postgres' client that COPY needs. */
interface PgConnection {
  query(query: CopyStreamQuery): CopyStreamQuery;
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
