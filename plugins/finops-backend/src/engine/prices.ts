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
  FinopsStore,
  PriceCatalog,
} from '@ai-finops/backstage-plugin-finops-node';
import type { LoggerService } from '@backstage/backend-plugin-api';

/** How long learned prices are reused before the store is asked again. */
const LEARNED_PRICES_TTL_MS = 5 * 60 * 1000;

/**
 * The price catalog with the prices learned from the store's FOCUS charges
 * as its middle layer, read again at most every five minutes; a failed read
 * is logged and the catalog answers without (or with the last) learned
 * prices.
 *
 * @internal
 */
export function learnedPriceCatalog(
  base: PriceCatalog,
  options: {
    store: Pick<FinopsStore, 'queryLearnedPrices'>;
    logger: LoggerService;
    now?: () => number;
  },
): () => Promise<PriceCatalog> {
  const now = options.now ?? Date.now;
  let current: { at: number; catalog: Promise<PriceCatalog> } | undefined;
  let last = base;
  return () => {
    if (!current || now() - current.at >= LEARNED_PRICES_TTL_MS) {
      current = {
        at: now(),
        catalog: options.store.queryLearnedPrices().then(
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
