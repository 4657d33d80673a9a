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
import { Command, Option } from 'commander';
import { openFinopsDatabase } from '../database';
import { withStore } from './billing';
import { readManifests, readPrices } from './checkInput';

/**
 * The price catalog: the prices learned from the FOCUS charges in
 * `--database` (when given) over the embedded list prices. `--prices` is
 * asked before it (`estimateCosts`' `prices`).
 */
async function readCatalog(database: string | undefined) {
  if (database === undefined) return new PriceCatalog();
  return withStore(openFinopsDatabase(database, { create: false }), store =>
    PriceCatalog.fromStore(store),
  );
}

/** `ai-finops estimate <manifests> [--prices F] [--database D] [--base <dir>]` */
export function addEstimateCommand(program: Command) {
  program
    .command('estimate')
    .description(
      'estimate the monthly cost (730 h) and $ per 1M tokens of manifests; with --base, the difference Infracost-style',
    )
    .argument(
      '<manifests>',
      'a manifest file, a directory (kustomizations are rendered) or - for stdin',
    )
    .option(
      '--prices <file>',
      'CSV resource,usd_per_unit_hour (gpu:<model>, cpu, memory) overriding the price catalog',
    )
    .option(
      '--database <target>',
      'SQLite file path or postgres:// URL of the AI FinOps store: GPU prices learned from its FOCUS charges come before the list prices',
    )
    .option(
      '--base <manifests>',
      'the manifests before the change (e.g. the target branch checked out elsewhere)',
    )
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['json', 'markdown'])
        .default('markdown'),
    )
    .action(
      async (
        location: string,
        options: {
          prices?: string;
          database?: string;
          base?: string;
          format: string;
        },
      ) => {
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
      },
    );
}
