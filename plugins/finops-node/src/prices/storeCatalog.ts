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

import type {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import type { FinopsStore } from '../store/FinopsStore';
import { PriceCatalog } from './PriceCatalog';

/**
 * What {@link storePriceCatalog} reads: the learned prices, and the newest
 * ingestion run, which says when they may have changed.
 *
 * @public
 */
export type PriceCatalogStore = Pick<
  FinopsStore,
  'queryLearnedPrices' | 'listIngestionRuns'
>;

/**
 * The price catalog of a store, kept current: `finops.prices.overrides`
 * from `config` (when given), then the prices learned from the store's FOCUS
 * charges, then the embedded list prices. Each call asks the store for its
 * newest ingestion run and reads the learned prices again only when that run
 * changed since the last read (an ingestion is what changes the charges), so
 * a FOCUS export is priced in as soon as it is stored. A failed read is
 * logged and the catalog answers with the learned prices it last had (none
 * at first).
 *
 * The finops backend builds its catalog with this;
 * `ai-finops estimate --database` reads one with
 * {@link PriceCatalog.fromStore}.
 *
 * @public
 */
export function storePriceCatalog(
  store: PriceCatalogStore,
  options: { config?: RootConfigService; logger: LoggerService },
): () => Promise<PriceCatalog> {
  const base = options.config
    ? PriceCatalog.fromConfig(options.config)
    : new PriceCatalog();
  let current: { version: string; catalog: Promise<PriceCatalog> } | undefined;
  let last = base;
  return async () => {
    let version: string;
    try {
      const [run] = await store.listIngestionRuns({ limit: 1 });
      version = run
        ? `${run.id}:${run.status}:${run.finishedAt?.getTime() ?? ''}`
        : 'none';
    } catch (error) {
      options.logger.warn(
        `Could not read the prices learned from FOCUS charges: ${error}`,
      );
      return current?.catalog ?? last;
    }
    if (!current || current.version !== version) {
      current = {
        version,
        catalog: store.queryLearnedPrices().then(
          learned => (last = base.withLearned(learned)),
          error => {
            options.logger.warn(
              `Could not read the prices learned from FOCUS charges: ${error}`,
            );
            current = undefined;
            return last;
          },
        ),
      };
    }
    return current.catalog;
  };
}
