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
import type { ForecastOptions } from '../actions/forecast';

/** `ai-finops forecast --input F.csv --horizon H [--season auto|N[,N]] [--workers auto|N] --format csv` */
export function addForecastCommand(program: Command) {
  program
    .command('forecast')
    .description(
      'forecast each series of a long CSV (series_id,timestamp,value) H steps ahead with an 80 % interval',
    )
    .requiredOption(
      '--input <file>',
      'CSV with the columns series_id,timestamp,value',
    )
    .requiredOption(
      '--horizon <steps>',
      'steps to forecast after each series’ last timestamp',
    )
    .option(
      '--season <periods>',
      "'auto' or seasonal periods in steps, e.g. 24,168",
      'auto',
    )
    .option(
      '--workers <n>',
      "worker threads: 'auto' (one per core for inputs of 50,000 rows or more) or 1 to 64",
      'auto',
    )
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['csv'])
        .default('csv'),
    )
    .action(async (options: ForecastOptions) => {
      const { runForecast }: typeof import('../actions/forecast') =
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('../actions/forecast');
      await runForecast(options);
    });
}
