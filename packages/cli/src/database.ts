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

import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { InputError } from '@backstage/errors';
import { redactSecrets } from '@ai-finops/backstage-plugin-finops-node';

/**
 * A connection to the AI FinOps store, shaped like the backend's
 * `DatabaseService` so that `DatabaseFinopsStore.create` can run the
 * migrations on it.
 */
export interface FinopsDatabase {
  /** The `--database` value, without a password. */
  target: string;
  getClient(): Promise<Knex>;
  migrations: { skip: boolean };
  /** Closes the connection pool, so that the process can exit. */
  close(): Promise<void>;
}

/**
 * Knex logs failed connection attempts with their stack; the error itself
 * reaches the command, which prints it as one line.
 */
const quiet = {
  warn() {},
  error() {},
  deprecate() {},
  debug() {},
};

const POSTGRES_URL = /^postgres(ql)?:\/\//i;
const OTHER_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * better-sqlite3 is a native addon: the published CLI does not bundle it (nor
 * depend on it, so that `npx` never compiles it), and a SQLite `--database`
 * needs it installed beside the CLI. PostgreSQL needs nothing more.
 */
function requireSqliteDriver(target: string) {
  try {
    require.resolve('better-sqlite3');
  } catch {
    throw new InputError(
      `--database ${redact(
        target,
      )}: a SQLite file needs the better-sqlite3 package, which is not installed beside ai-finops: ` +
        'npm install -g @ai-finops/cli better-sqlite3, or npx --package @ai-finops/cli --package better-sqlite3 ai-finops … ' +
        '(a postgres:// URL needs nothing more)',
    );
  }
}

/**
 * Opens the store the backend uses: a `postgres://` or `postgresql://` URL,
 * or the path of a SQLite file (created when `create` is set).
 */
export function openFinopsDatabase(
  target: string,
  options: { create: boolean },
): FinopsDatabase {
  let knex: Knex;
  if (POSTGRES_URL.test(target)) {
    knex = knexFactory({
      client: 'pg',
      connection: target,
      pool: { min: 0, max: 2 },
      log: quiet,
    });
  } else if (OTHER_URL.test(target)) {
    throw new InputError(
      `--database ${redact(
        target,
      )}: expected a SQLite file path or a postgres:// or postgresql:// URL`,
    );
  } else {
    const filename = path.resolve(target);
    if (!options.create && !fs.existsSync(filename)) {
      throw new InputError(
        `--database ${redact(
          target,
        )}: no such SQLite file (ingest something first)`,
      );
    }
    requireSqliteDriver(target);
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename },
      useNullAsDefault: true,
      log: quiet,
    });
  }
  return {
    target: redact(target),
    getClient: async () => knex,
    migrations: { skip: false },
    close: () => knex.destroy(),
  };
}

/**
 * Hides secrets of a `--database` value in messages: the user info of a URL
 * and password-like query parameters (`?password=`, `sslpassword=`, …).
 */
export function redact(target: string): string {
  return redactSecrets(target);
}
