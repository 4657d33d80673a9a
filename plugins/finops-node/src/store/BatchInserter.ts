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

/**
 * Rows per INSERT. Knex turns a multi-row insert on SQLite into a compound
 * SELECT, which SQLite limits to 500 terms; and a cost row binds 14
 * parameters, so 500 rows (7,000 parameters) stay well below SQLite's
 * (32,766) and Postgres' (65,535) limits on bound parameters.
 */
const INSERT_BATCH_SIZE = 500;

/**
 * Inserts rows into one table in batches, within a transaction: the SQLite
 * path of the store's writes (PostgreSQL streams them with COPY).
 *
 * @internal
 */
export class BatchInserter<Row extends object> {
  readonly #tx: Knex.Transaction;
  readonly #table: string;
  #batch: Row[] = [];
  #inserted = 0;

  constructor(tx: Knex.Transaction, table: string) {
    this.#tx = tx;
    this.#table = table;
  }

  async add(row: Row): Promise<void> {
    this.#batch.push(row);
    if (this.#batch.length >= INSERT_BATCH_SIZE) await this.#flush();
  }

  /** Inserts what is left; returns the number of rows inserted in all. */
  async finish(): Promise<number> {
    await this.#flush();
    return this.#inserted;
  }

  async #flush(): Promise<void> {
    if (this.#batch.length === 0) return;
    await this.#tx(this.#table).insert(this.#batch);
    this.#inserted += this.#batch.length;
    this.#batch = [];
  }
}
