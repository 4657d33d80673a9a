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

import { Command, CommanderError } from 'commander';
import { version } from '../package.json';
import { addCostsCommand } from './commands/costs';
import { addIngestCommand } from './commands/ingest';
import { addDetectCommand } from './commands/detect';
import { addForecastCommand } from './commands/forecast';
import { addCheckCommand, CheckFailedError } from './commands/check';
import { addEstimateCommand } from './commands/estimate';
import { addSimulateCommand } from './commands/simulate';
import { addPoliciesCommand } from './commands/policies';

/** Exit codes of the CLI contract (see the repository's DESIGN notes). */
export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 2;

/**
 * Builds the `ai-finops` program. Commands (forecast, detect, ingest, costs,
 * estimate, check, simulate, policies) are added here as they land; each shares the
 * engine and guardrail code of the backend. Defining them loads only
 * commander: each command's action imports its implementation (`./actions`)
 * when it runs, so that `--help`, `--version` and bad flags start fast, and
 * one command does not load the code of the others.
 */
export function createProgram(): Command {
  const program = new Command('ai-finops')
    .description(
      'AI FinOps for Backstage: the cost engine and guardrails for CI pipelines and benchmarks',
    )
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      // One clear line on stderr, never a stack trace: commander puts its
      // "(Did you mean …?)" suggestion on a line of its own.
      outputError: (message, write) =>
        write(`${message.trim().replace(/\s*\n\s*/g, ' ')}\n`),
    });
  program.action(() => program.help());
  addIngestCommand(program);
  addCostsCommand(program);
  addForecastCommand(program);
  addDetectCommand(program);
  addEstimateCommand(program);
  addCheckCommand(program);
  addSimulateCommand(program);
  addPoliciesCommand(program);
  return program;
}

/**
 * Runs the CLI with the given arguments and returns the exit code.
 */
export async function run(argv: string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    // check ran and a deny rule failed: exit 1, the report is printed.
    if (error instanceof CheckFailedError) return error.exitCode;
    if (error instanceof CommanderError) {
      // --help and --version end through exitOverride with code 0.
      return error.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
    }
    const message = error instanceof Error ? error.message : String(error);
    // One line, whatever the message: no stack traces, no multi-line dumps.
    process.stderr.write(`ai-finops: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    return EXIT_BAD_INPUT;
  }
}
