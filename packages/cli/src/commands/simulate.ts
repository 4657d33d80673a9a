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
import type { SimulateOptions } from '../actions/simulate';
import { POLICY_NAMES, REPLICA_PROFILE_NAMES } from './choices';

/**
 * `ai-finops simulate --trace F [--policy all|…] [--replica P] --format csv|json`
 */
export function addSimulateCommand(program: Command) {
  program
    .command('simulate')
    .description(
      'replay a request trace through serving replicas under static-peak, reactive HPA and predictive scaling; GPU-hours, cost, SLO violations and carbon per policy',
    )
    .requiredOption(
      '--trace <file>',
      'Azure LLM trace (.csv with TIMESTAMP), Mooncake trace (.jsonl) or an hourly load series (.csv)',
    )
    .option(
      '--policy <names>',
      `all, or a comma-separated list of ${POLICY_NAMES.join(', ')}`,
      'all',
    )
    .addOption(
      new Option('--replica <profile>', 'replica profile')
        .choices([...REPLICA_PROFILE_NAMES])
        .default('l4-llama8b'),
    )
    .option(
      '--gpu-price <usd>',
      'USD per GPU-hour (default: the catalog list price of the profile’s GPU)',
    )
    .option(
      '--startup <seconds>',
      'seconds from scale-up to serving (default: the profile’s)',
    )
    .option(
      '--hours <n>',
      'hourly series: hours replayed at the end of the series',
      '168',
    )
    .option(
      '--mean-rps <r>',
      'hourly series: mean requests per second over the replayed hours',
      '15',
    )
    .option(
      '--token-mix <file>',
      'hourly series: draw token sizes from this Azure (.csv) or Mooncake (.jsonl) trace (default: the Azure conversation means)',
    )
    .option(
      '--step <seconds>',
      'simulation step (default 0.1 for request traces, 0.5 for hourly series)',
    )
    .option(
      '--grid-intensity <g>',
      'grid intensity, gCO2e/kWh (default: CCF annual factor of AWS us-east-1)',
    )
    .option('--pue <pue>', 'data-centre PUE (default: CCF AWS average)')
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['csv', 'json'])
        .default('csv'),
    )
    .action(async (options: SimulateOptions) => {
      const { runSimulate }: typeof import('../actions/simulate') =
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('../actions/simulate');
      await runSimulate(options);
    });
}
