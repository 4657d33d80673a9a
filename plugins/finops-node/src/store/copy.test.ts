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

import { TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { PgCopyWriter } from './copy';

jest.setTimeout(60_000);

// COPY exists on PostgreSQL only; the store uses batched inserts on SQLite.
const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

describe.each(databases.eachSupportedId())('PgCopyWriter (%s)', databaseId => {
  let knex: Knex;

  beforeAll(async () => {
    knex = await databases.init(databaseId);
    await knex.schema.createTable('copy_a', table => {
      table.double('n').notNullable();
      table.text('note').nullable();
    });
    await knex.schema.createTable('copy_b', table => {
      table.double('n').notNullable();
      table.string('code', 3).notNullable();
      table.text('pad').notNullable();
    });
  });

  afterEach(async () => {
    await knex('copy_a').delete();
    await knex('copy_b').delete();
  });

  const count = async (table: string) =>
    Number((await knex(table).count({ c: '*' }))[0].c);

  /**
   * Rows 0..count-1 alternating between the tables (so the writer switches
   * statements), each with a long note; `bad` gets a code too long for
   * copy_b.
   */
  async function writeInterleaved(
    tx: Knex.Transaction,
    rows: number,
    options: { bad?: number; statementRows?: number; failAt?: number } = {},
  ) {
    const writer = new PgCopyWriter(
      tx,
      { copy_a: ['n', 'note'], copy_b: ['n', 'code', 'pad'] },
      (error, row, column) =>
        new Error(`row ${row}, column ${column}: ${error.message}`),
      { statementRows: options.statementRows },
    );
    try {
      for (let i = 0; i < rows; i++) {
        if (i === options.failAt) throw new Error('source failed');
        const table = i % 3 === 0 ? 'copy_b' : 'copy_a';
        const buffer = writer.buffer(table);
        if (table === 'copy_b') {
          buffer.startRow(3);
          buffer.double(i);
          buffer.text(i === options.bad ? 'toolong' : 'ok');
          buffer.text('p'.repeat(300));
        } else {
          buffer.startRow(2);
          buffer.double(i);
          // Long text, and short text (ASCII tried first) that is not ASCII.
          buffer.text(
            i % 2 ? `x\t${'y'.repeat(200)}\\ é\u{1F600}` : `né\u{1F600}${i}`,
          );
        }
        const pending = writer.rowWritten(table, i);
        if (pending) await pending;
      }
      return { ...(await writer.finish()), statements: writer.statements };
    } catch (error) {
      await writer.abort();
      throw error;
    }
  }

  it('writes interleaved rows of two tables, switching statements', async () => {
    // About 4.3 MB for copy_a and 3 MB for copy_b: several switches.
    const written = await knex.transaction(tx => writeInterleaved(tx, 30_000));
    expect(written).toEqual({
      copy_a: 20_000,
      copy_b: 10_000,
      statements: expect.any(Number),
    });
    expect(written.statements).toBeGreaterThanOrEqual(4);
    expect(await count('copy_a')).toBe(20_000);
    expect(await count('copy_b')).toBe(10_000);
    const [row] = await knex('copy_a').where('n', 1);
    expect(row.note).toBe(`x\t${'y'.repeat(200)}\\ é\u{1F600}`);
    const [short] = await knex('copy_a').where('n', 2);
    expect(short.note).toBe('né\u{1F600}2');
  });

  it('starts a new statement after statementRows rows, and still counts rows right', async () => {
    const written = await knex.transaction(tx =>
      writeInterleaved(tx, 30_000, { statementRows: 700 }),
    );
    expect(written).toMatchObject({ copy_a: 20_000, copy_b: 10_000 });
    // A statement ends at the first piece past 700 rows.
    expect(written.statements).toBeGreaterThanOrEqual(20_000 / 1000);
    const [{ sum }] = await knex('copy_b').sum({ sum: 'n' });
    expect(Number(sum)).toBe((10_000 * 3 * 9999) / 2);
  });

  it.each([undefined, 700])(
    'names the caller’s row of a value the database refuses (statementRows %s)',
    async statementRows => {
      await expect(
        knex.transaction(tx =>
          writeInterleaved(tx, 30_000, { bad: 25_500, statementRows }),
        ),
      ).rejects.toThrow(
        'row 25500, column code: value too long for type character varying(3)',
      );
      expect(await count('copy_a')).toBe(0);
      expect(await count('copy_b')).toBe(0);
      // The connection pool is usable afterwards.
      await expect(knex('copy_b').count({ c: '*' })).resolves.toHaveLength(1);
    },
  );

  it('cancels the running statement when the input fails', async () => {
    await expect(
      knex.transaction(tx => writeInterleaved(tx, 30_000, { failAt: 20_000 })),
    ).rejects.toThrow('source failed');
    expect(await count('copy_a')).toBe(0);
    await knex.transaction(tx => writeInterleaved(tx, 30));
    expect(await count('copy_a')).toBe(20);
  });
});
