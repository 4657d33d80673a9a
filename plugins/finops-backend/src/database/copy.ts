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
import { finished } from 'node:stream/promises';

/*
 * Bulk writes on PostgreSQL with `COPY … FROM STDIN` (text format), through
 * the connection of a knex transaction, so that the rows land in the same
 * transaction as everything else the ingestion does.
 */

/** Bytes of COPY text per statement (about 3,000 billing rows). */
const CHUNK_BYTES = 1 << 20;

/**
 * COPY statements sent but not finished. With two, the database stores one
 * chunk while the next is being built: parsing and writing overlap, and no
 * more than two chunks per writer are held in memory.
 */
const MAX_IN_FLIGHT = 2;

const SPECIAL = /[\\\n\r\t]/;
const SPECIALS = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** The COPY text field of a nullable string: `\N` for null, escaped otherwise. @internal */
export function copyText(value: string | null): string {
  if (value === null) return '\\N';
  return SPECIAL.test(value) ? value.replace(SPECIALS, c => ESCAPES[c]) : value;
}

/** The COPY text field of a nullable finite number. @internal */
export function copyNumber(value: number | null): string {
  return value === null ? '\\N' : String(value);
}

/** The COPY text field of a nullable timestamp: ISO-8601 UTC. @internal */
export function copyDate(value: Date | null): string {
  return value === null ? '\\N' : value.toISOString();
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

interface Chunk {
  table: CopyTable;
  text: string;
  firstRow: number;
}

interface CopyTable {
  name: string;
  columns: readonly string[];
  lines: string[];
  bytes: number;
  /** The caller's number of the first buffered line. */
  firstRow: number;
  rows: number;
}

/**
 * Writes rows to one or more tables with COPY, inside a knex transaction on
 * PostgreSQL. Rows are buffered per table and sent as one COPY statement per
 * chunk; at most {@link MAX_IN_FLIGHT} chunks are on their way at once, and
 * `write` waits (backpressure) when that many are.
 *
 * Every write must be followed by `finish()` (or, after a failure,
 * `abort()`), which waits for the statements still running: only then may
 * the transaction run other queries or roll back.
 *
 * @internal
 */
export class PgCopyWriter {
  readonly #tables = new Map<string, CopyTable>();
  readonly #inFlight: Array<Promise<void>> = [];
  readonly #mapError: CopyErrorMapper;
  #connection: PgConnection | undefined;
  #failure: Error | undefined;

  constructor(
    private readonly tx: Knex.Transaction,
    tables: Record<string, readonly string[]>,
    mapError: CopyErrorMapper,
  ) {
    for (const [name, columns] of Object.entries(tables)) {
      this.#tables.set(name, {
        name,
        columns,
        lines: [],
        bytes: 0,
        firstRow: 0,
        rows: 0,
      });
    }
    this.#mapError = mapError;
  }

  /**
   * Buffers one row: its COPY text fields joined by tabs (see
   * {@link copyText}), without the newline. `row` is the caller's number for
   * it, used in errors. Returns a promise to wait for when a chunk was
   * sent (the backpressure), nothing otherwise: most rows only append to a
   * buffer, and need no await.
   */
  write(table: string, line: string, row: number): Promise<void> | undefined {
    const target = this.#tables.get(table)!;
    if (target.lines.length === 0) target.firstRow = row;
    target.lines.push(line);
    target.bytes += line.length + 1;
    target.rows += 1;
    if (target.bytes >= CHUNK_BYTES) {
      return this.#send(target);
    }
    if (this.#failure) return Promise.reject(this.#failure);
    return undefined;
  }

  /** Sends what is buffered, waits for every statement, and returns the rows written per table. */
  async finish(): Promise<Record<string, number>> {
    for (const table of this.#tables.values()) {
      if (table.lines.length > 0) await this.#send(table);
    }
    while (this.#inFlight.length > 0) {
      await this.#inFlight.shift();
    }
    if (this.#failure) throw this.#failure;
    return Object.fromEntries(
      [...this.#tables.values()].map(t => [t.name, t.rows]),
    );
  }

  /** After a failure elsewhere: drops the buffers and waits for the statements already sent. */
  async abort(): Promise<void> {
    for (const table of this.#tables.values()) {
      table.lines = [];
      table.bytes = 0;
    }
    await Promise.allSettled(this.#inFlight.splice(0));
  }

  async #send(table: CopyTable) {
    if (this.#failure) throw this.#failure;
    const chunk: Chunk = {
      table,
      text: `${table.lines.join('\n')}\n`,
      firstRow: table.firstRow,
    };
    table.lines = [];
    table.bytes = 0;

    // Wait for room before sending, so at most MAX_IN_FLIGHT are queued.
    while (this.#inFlight.length >= MAX_IN_FLIGHT) {
      await this.#inFlight.shift();
      if (this.#failure) throw this.#failure;
    }
    const connection = await this.#getConnection();
    const done = this.#copy(connection, chunk).catch(error => {
      // Recorded, and rethrown from the next write or from finish().
      this.#failure ??= error;
    });
    this.#inFlight.push(done);
  }

  async #copy(connection: PgConnection, chunk: Chunk) {
    const columns = chunk.table.columns.map(quoteIdentifier).join(', ');
    const stream = connection.query(
      copyFrom(
        `COPY ${quoteIdentifier(chunk.table.name)} (${columns}) FROM STDIN`,
      ),
    );
    stream.end(chunk.text);
    try {
      await finished(stream);
    } catch (error) {
      const place = copyErrorPlace(error);
      if (place && error instanceof Error) {
        const mapped = this.#mapError(
          error,
          chunk.firstRow + place.line - 1,
          place.column,
        );
        if (mapped) throw mapped;
      }
      throw error;
    }
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
