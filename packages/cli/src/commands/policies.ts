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
import type { PoliciesExportOptions } from '../actions/policiesExport';

/** `ai-finops policies export --to kyverno|gatekeeper --policies <dir>` */
export function addPoliciesCommand(program: Command) {
  const policies = program
    .command('policies')
    .description(
      'work with the guardrail policy source (ValidatingAdmissionPolicies)',
    );
  policies
    .command('export')
    .description(
      'translate the guardrail policies into Kyverno ValidatingPolicies or Gatekeeper ConstraintTemplates (CEL engine) with constraints: multi-document YAML on stdout, or one file per policy with --out; policies the target cannot enforce are skipped with their reason on stderr; exit 0, or 2 on bad input',
    )
    .addOption(
      new Option('--to <target>', 'the policy engine')
        .choices(['kyverno', 'gatekeeper'])
        .makeOptionMandatory(),
    )
    .requiredOption(
      '--policies <dir>',
      'directory of policies, bindings and params (or one file), as for check; at most 5 MiB a file, 10,000 files and 100 MiB a directory',
    )
    .option(
      '--params <file>',
      'params objects (GuardrailParams) replacing those of --policies; at most 5 MiB',
    )
    .option(
      '--out <dir>',
      'write one <policy>.yaml per policy into this directory (created if missing) instead of stdout',
    )
    .action(async (options: PoliciesExportOptions) => {
      const { runPoliciesExport }: typeof import('../actions/policiesExport') =
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('../actions/policiesExport');
      await runPoliciesExport(options);
    });
}
