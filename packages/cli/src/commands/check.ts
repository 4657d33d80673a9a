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

import { Command, CommanderError, Option } from 'commander';
import type { CheckOptions } from '../actions/check';

/**
 * Ends `ai-finops check` with exit code 1: the input was read and a deny
 * rule failed (the report is already printed).
 */
export class CheckFailedError extends CommanderError {
  constructor(denied: number) {
    super(1, 'ai-finops.check.denied', `${denied} deny rule(s) failed`);
  }
}

/** `ai-finops check <manifests> --policies <dir>` */
export function addCheckCommand(program: Command) {
  program
    .command('check')
    .description(
      'evaluate guardrail policies (Kubernetes ValidatingAdmissionPolicies) on manifests: exit 0 when every deny rule passes, 1 when one fails, 2 on bad input',
    )
    .argument(
      '<manifests>',
      'a manifest file, a directory (kustomizations are rendered) or - for stdin; at most 5 MiB a file or stdin, 10,000 files and 100 MiB a directory',
    )
    .requiredOption(
      '--policies <dir>',
      'directory of policies, bindings and params (or one file); at most 5 MiB a file, 10,000 files and 100 MiB a directory',
    )
    .option(
      '--prices <file>',
      'CSV resource,usd_per_unit_hour overriding GPU, cpu and memory prices for the cost rules; at most 1 MiB',
    )
    .option(
      '--verify-signatures',
      'also verify the Sigstore bundles of the images offline: production images (GuardrailParams spec.supplyChain) must be signed by an accepted signer and carry the required attestations',
    )
    .option(
      '--bundles <dir>',
      'with --verify-signatures: folder of Sigstore bundles named <sha256 hex of the image digest>.sigstore.json or <hex>.<label>.sigstore.json; at most 10,000 entries, 32 MiB a bundle',
    )
    .option(
      '--trusted-root <file>',
      'with --verify-signatures: a Sigstore trusted_root.json (Fulcio CA, Rekor, CT log and TSA keys) for keyless bundles and transparency-log proofs',
    )
    .option(
      '--key <pem>',
      'with --verify-signatures: the public key (PEM) of key-based bundles',
    )
    .option(
      '--offline-without-tlog',
      'with --verify-signatures: accept bundles without transparency-log entries, SCTs or timestamps (key-based only; e.g. air-gapped signing). Default: one Rekor inclusion proof verified against the trusted root',
    )
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['text', 'json', 'junit'])
        .default('text'),
    )
    .action(async (location: string, options: CheckOptions) => {
      const { runCheck }: typeof import('../actions/check') =
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('../actions/check');
      const { passed, denied } = await runCheck(location, options);
      if (!passed) throw new CheckFailedError(denied);
    });
}
