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
  exportedPolicyYaml,
  exportPolicies,
  type ManifestFile,
  type PolicyExportTarget,
} from '@ai-finops/backstage-plugin-finops-guardrails';
import { InputError } from '@backstage/errors';
import fs from 'node:fs/promises';
import path from 'node:path';
import { readPolicyFiles, readText } from './checkInput';
import { MAX_MANIFEST_FILE_BYTES } from './limitsInput';

/** The options of `ai-finops policies export`, as commander parses them. */
export interface PoliciesExportOptions {
  to: PolicyExportTarget;
  policies: string;
  params?: string;
  out?: string;
}

/**
 * `ai-finops policies export`: the exported objects on stdout (multi-document
 * YAML) or one file per policy in `--out`; each skipped policy and note on
 * stderr.
 */
export async function runPoliciesExport(
  options: PoliciesExportOptions,
): Promise<void> {
  const files = await readPolicyFiles(options.policies);
  const params: ManifestFile | undefined =
    options.params === undefined
      ? undefined
      : {
          path: options.params,
          content: await readText(
            `--params ${options.params}`,
            options.params,
            MAX_MANIFEST_FILE_BYTES,
          ),
        };
  const result = exportPolicies(files, options.to, { params });
  const documents = result.policies.map(p => ({
    policy: p.policy,
    yaml: exportedPolicyYaml(p, options.to),
  }));
  if (options.out !== undefined) {
    try {
      await fs.mkdir(options.out, { recursive: true });
      for (const d of documents) {
        // Policy names are DNS-1123 subdomains: no path separators.
        await fs.writeFile(path.join(options.out, `${d.policy}.yaml`), d.yaml);
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new InputError(`--out ${options.out}: cannot write it (${code})`);
    }
  } else {
    process.stdout.write(documents.map(d => d.yaml).join('---\n'));
  }
  for (const s of result.skipped) {
    process.stderr.write(
      `skipped ${s.policy}${s.binding ? ` (binding ${s.binding})` : ''}: ${
        s.reason
      }\n`,
    );
  }
  for (const note of result.notes) process.stderr.write(`note: ${note}\n`);
  const objects = result.policies.reduce((n, p) => n + p.objects.length, 0);
  process.stderr.write(
    `exported ${result.policies.length} policies (${objects} objects) for ${
      options.to
    }${options.out !== undefined ? ` to ${options.out}` : ''}; ${
      result.skipped.length
    } skipped\n`,
  );
}
