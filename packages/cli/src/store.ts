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

import {
  DatabaseFinopsStore,
  redactSecrets,
} from '@ai-finops/backstage-plugin-finops-node';
import { InputError } from '@backstage/errors';
import { openFinopsDatabase } from './database';

// The store of the commands that take --database (ingest focus, costs,
// estimate). The published CLI bundles this module on its own, as
// dist/store.cjs with knex, pg and the store's migrations, which those
// commands share (scripts/build.mjs): what crosses between it and them are
// plain values and the store's methods, never a class checked with
// instanceof.

/**
 * Opens the store at a `--database` target (a SQLite file, created when
 * `create` is set, or a postgres:// URL), brings its schema up to date,
 * runs `work` on it and always closes the connection pool.
 */
export async function withStore<T>(
  target: string,
  options: { create: boolean },
  work: (store: DatabaseFinopsStore) => Promise<T>,
): Promise<T> {
  const database = openFinopsDatabase(target, options);
  try {
    let store: DatabaseFinopsStore;
    try {
      store = await DatabaseFinopsStore.create({ database });
    } catch (error) {
      throw new InputError(
        `--database ${database.target}: cannot open the store: ${redactSecrets(
          error instanceof Error ? error.message : String(error),
        )}`,
      );
    }
    return await work(store);
  } finally {
    await database.close();
  }
}
