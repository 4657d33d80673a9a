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
import type { CostsOptions } from '../actions/costs';

/** `--database`, shared with `ingest focus`. */
export const databaseOption = () =>
  new Option(
    '--database <target>',
    'SQLite file path or postgres:// URL of the AI FinOps store',
  ).makeOptionMandatory();

/** `ai-finops costs --group-by … --format csv` */
export function addCostsCommand(program: Command) {
  program
    .command('costs')
    .description(
      'sum BilledCost, EffectiveCost and ListCost of the stored billing data per group',
    )
    .addOption(databaseOption())
    .requiredOption(
      '--group-by <columns>',
      'comma-separated FOCUS columns, e.g. ProviderName,ServiceCategory,ChargePeriodDay',
    )
    .option('--from <day>', 'first UTC day (YYYY-MM-DD) of ChargePeriodStart')
    .option(
      '--to <day>',
      'last UTC day (YYYY-MM-DD, inclusive) of ChargePeriodStart',
    )
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['csv'])
        .default('csv'),
    )
    .action(async (options: CostsOptions) => {
      const { runCosts }: typeof import('../actions/costs') =
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('../actions/costs');
      await runCosts(options);
    });
}
