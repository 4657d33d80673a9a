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
  diffCostEstimates,
  estimateCosts,
  formatCostEstimateMarkdown,
} from '@ai-finops/backstage-plugin-finops-guardrails';
import { PriceCatalog } from '@ai-finops/backstage-plugin-finops-node';
import { readManifests, readPrices } from './checkInput';

/**
 * The price catalog: the prices learned from the FOCUS charges in
 * `--database` (when given) over the embedded list prices. `--prices` is
 * asked before it (`estimateCosts`' `prices`).
 */
async function readCatalog(database: string | undefined) {
  if (database === undefined) return new PriceCatalog();
  // Only with --database: the store (knex, pg) is not loaded otherwise.
  const { withStore }: typeof import('../store') =
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('../store');
  return withStore(database, { create: false }, store =>
    PriceCatalog.fromStore(store),
  );
}

/** The options of `ai-finops estimate`, as commander parses them. */
export interface EstimateOptions {
  prices?: string;
  database?: string;
  base?: string;
  format: string;
}

/**
 * `ai-finops estimate <manifests> [--prices F] [--database D] [--base <dir>]`:
 * prints the estimate (and the difference with --base) on stdout.
 */
export async function runEstimate(location: string, options: EstimateOptions) {
  const prices = await readPrices(options.prices);
  const head = await readManifests(location);
  const gpuPrice = (await readCatalog(options.database)).gpuPriceLookup();
  const report = estimateCosts(head.objects, { prices, gpuPrice });
  let diff;
  let base;
  if (options.base !== undefined) {
    const baseManifests = await readManifests(options.base);
    base = estimateCosts(baseManifests.objects, { prices, gpuPrice });
    diff = diffCostEstimates(base, report);
  }
  if (options.format === 'json') {
    process.stdout.write(
      `${JSON.stringify(
        {
          ...report,
          ...(diff && base
            ? {
                base: {
                  monthlyCost: base.monthlyCost,
                  maxMonthlyCost: base.maxMonthlyCost,
                  workloads: base.workloads,
                },
                diff,
              }
            : {}),
        },
        null,
        2,
      )}\n`,
    );
  } else {
    process.stdout.write(formatCostEstimateMarkdown(report, { diff }));
  }
}
