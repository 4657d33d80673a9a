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
import type { DetectOptions } from '../actions/detect';

/** `ai-finops detect --input F.csv [--workers auto|N] --format csv` */
export function addDetectCommand(program: Command) {
  program
    .command('detect')
    .description(
      'score every row of a long CSV (series_id,timestamp,value) for anomalies, causally: score in [0,1]',
    )
    .requiredOption(
      '--input <file>',
      'CSV with the columns series_id,timestamp,value',
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
    .action(async (options: DetectOptions) => {
      const { runDetect }: typeof import('../actions/detect') =
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('../actions/detect');
      await runDetect(options);
    });
}
