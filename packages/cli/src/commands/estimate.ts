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

import { Command, Option } from 'commander';
import type { EstimateOptions } from '../actions/estimate';

/** `ai-finops estimate <manifests> [--prices F] [--database D] [--base <dir>]` */
export function addEstimateCommand(program: Command) {
  program
    .command('estimate')
    .description(
      'estimate the monthly cost (730 h) and $ per 1M tokens of manifests; with --base, the difference Infracost-style',
    )
    .argument(
      '<manifests>',
      'a manifest file, a directory (kustomizations are rendered) or - for stdin; at most 5 MiB a file or stdin, 10,000 files and 100 MiB a directory',
    )
    .option(
      '--prices <file>',
      'CSV resource,usd_per_unit_hour (gpu:<model>, cpu, memory) overriding the price catalog; at most 1 MiB',
    )
    .option(
      '--database <target>',
      'SQLite file path or postgres:// URL of the AI FinOps store: GPU prices learned from its FOCUS charges come before the list prices',
    )
    .option(
      '--base <manifests>',
      'the manifests before the change (e.g. the target branch checked out elsewhere); the same limits as <manifests>',
    )
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['json', 'markdown'])
        .default('markdown'),
    )
    .action(async (location: string, options: EstimateOptions) => {
      const { runEstimate }: typeof import('../actions/estimate') =
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('../actions/estimate');
      await runEstimate(location, options);
    });
}
