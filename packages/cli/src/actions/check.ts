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
  checkGuardrails,
  formatUsd,
  formatViolation,
  type GuardrailCheck,
  type PolicyViolation,
} from '@ai-finops/backstage-plugin-finops-guardrails';
import { InputError } from '@backstage/errors';
import { readManifests, readPolicies, readPrices } from './checkInput';
import type {
  SignatureFinding,
  SignatureVerificationOptions,
} from '../signatures';

const xml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

const objectName = (o: PolicyViolation['object']) =>
  `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;

/**
 * The report as JUnit XML: one suite per policy, one case per object it
 * checked; a denied object is a failure, warnings go to system-out.
 */
export function formatJunit(
  result: GuardrailCheck,
  signatures: SignatureFinding[] = [],
): string {
  const { report } = result;
  const byPolicy = new Map<string, typeof report.checks>();
  for (const c of report.checks) {
    byPolicy.set(c.policy, [...(byPolicy.get(c.policy) ?? []), c]);
  }
  const failures = (checks: typeof report.checks) =>
    checks.filter(c => c.violations.some(v => v.actions.includes('Deny')))
      .length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ai-finops check" tests="${
      report.checks.length + signatures.length
    }" failures="${
      failures(report.checks) +
      signatures.filter(s => s.result === 'fail').length
    }">`,
  ];
  for (const [policy, checks] of byPolicy) {
    lines.push(
      `  <testsuite name="${xml(policy)}" tests="${
        checks.length
      }" failures="${failures(checks)}">`,
    );
    for (const c of checks) {
      lines.push(
        `    <testcase classname="${xml(policy)}" name="${xml(
          `${objectName(c.object)} (${c.location})`,
        )}">`,
      );
      for (const v of c.violations.filter(x => x.actions.includes('Deny'))) {
        lines.push(
          `      <failure type="${xml(v.reason)}" message="${xml(
            v.message,
          )}">${xml(
            `binding ${v.binding}; expression: ${v.expression}`,
          )}</failure>`,
        );
      }
      const warnings = c.violations.filter(x => !x.actions.includes('Deny'));
      if (warnings.length) {
        lines.push(
          `      <system-out>${xml(
            warnings.map(w => `WARN ${w.message}`).join('\n'),
          )}</system-out>`,
        );
      }
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  if (signatures.length) {
    lines.push(
      `  <testsuite name="sigstore" tests="${signatures.length}" failures="${
        signatures.filter(s => s.result === 'fail').length
      }">`,
    );
    for (const s of signatures) {
      lines.push(
        `    <testcase classname="sigstore" name="${xml(
          `${s.image} (${s.usedBy})`,
        )}">`,
      );
      const detail = `${s.message}${s.bundle ? ` [${s.bundle}]` : ''}`;
      if (s.result === 'fail') {
        lines.push(
          `      <failure type="SignatureVerification" message="${xml(
            detail,
          )}"/>`,
        );
      } else if (s.result === 'warn') {
        lines.push(`      <system-out>${xml(`WARN ${detail}`)}</system-out>`);
      }
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

/** The options of `ai-finops check`, as commander parses them. */
export interface CheckOptions extends SignatureVerificationOptions {
  policies: string;
  prices?: string;
  format: string;
  verifySignatures?: boolean;
}

/**
 * `ai-finops check <manifests> --policies <dir>`: prints the report on
 * stdout and says whether every deny rule passed.
 */
export async function runCheck(
  location: string,
  options: CheckOptions,
): Promise<{ passed: boolean; denied: number }> {
  const policies = await readPolicies(options.policies);
  // Policies that load but may hit the CEL cost limit on large objects; on
  // stderr, so --format json and junit stay parseable.
  for (const warning of policies.warnings) {
    process.stderr.write(`warning: ${warning}\n`);
  }
  const prices = await readPrices(options.prices);
  const manifests = await readManifests(location);
  if (manifests.objects.length === 0) {
    throw new InputError(`${location}: no Kubernetes objects found`);
  }
  const result = checkGuardrails(policies, manifests.objects, {
    prices,
  });
  const { report, estimate } = result;
  let signatures: SignatureFinding[] = [];
  // Loaded only when asked for: Sigstore's libraries are not needed otherwise.
  let verification: typeof import('../signatures') | undefined;
  if (options.verifySignatures) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    verification = require('../signatures') as typeof import('../signatures');
    signatures = await verification.verifyImageSignatures(
      manifests.objects,
      verification.supplyChainParams(policies.params),
      options,
    );
  } else if (
    options.bundles ||
    options.trustedRoot ||
    options.key ||
    options.offlineWithoutTlog
  ) {
    throw new InputError(
      '--bundles, --trusted-root, --key and --offline-without-tlog need --verify-signatures',
    );
  }
  const signatureFailures = signatures.filter(s => s.result === 'fail');
  const passed = report.passed && signatureFailures.length === 0;
  if (options.format === 'json') {
    process.stdout.write(
      `${JSON.stringify(
        {
          passed,
          objects: manifests.objects.length,
          kustomizations: manifests.kustomizations,
          policies: policies.policyNames.length,
          checks: report.checks.length,
          denied: report.denied,
          warnings: report.warnings,
          costEstimates: estimate.services,
          ...(options.verifySignatures ? { signatures } : {}),
        },
        null,
        2,
      )}\n`,
    );
  } else if (options.format === 'junit') {
    process.stdout.write(formatJunit(result, signatures));
  } else {
    const lines = [...report.denied, ...report.warnings].map(formatViolation);
    if (verification) {
      lines.push(...signatures.map(verification.formatSignatureFinding));
    }
    const cost = estimate.services
      .map(
        s =>
          `${s.namespace ? `${s.namespace}/` : ''}${s.name} ${formatUsd(
            s.monthlyCost,
          )}/month (up to ${formatUsd(s.maxMonthlyCost)})`,
      )
      .join(', ');
    lines.push(
      `${passed ? 'passed' : 'failed'}: ${manifests.objects.length} objects${
        manifests.kustomizations.length
          ? ` (kustomizations ${manifests.kustomizations.join(', ')})`
          : ''
      }, ${policies.policyNames.length} policies, ${
        report.checks.length
      } checks: ${report.denied.length} denied, ${
        report.warnings.length
      } warnings${
        options.verifySignatures
          ? `; signatures: ${
              signatures.filter(s => s.result === 'verified').length
            } verified, ${signatureFailures.length} failed, ${
              signatures.filter(s => s.result === 'warn').length
            } warnings`
          : ''
      }${cost ? `; estimated ${cost}` : ''}`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return {
    passed,
    denied: report.denied.length + signatureFailures.length,
  };
}
