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
  readManifestFiles,
  type ManifestFile,
  type PolicyExportTarget,
} from '@ai-finops/backstage-plugin-finops-guardrails';
import { InputError } from '@backstage/errors';
import fs from 'node:fs/promises';
import path from 'node:path';
import { MAX_MANIFEST_FILE_BYTES, readTextAtMost } from './limitsInput';

/** The options of `ai-finops policies export`, as commander parses them. */
export interface PoliciesExportOptions {
  to: PolicyExportTarget;
  policies: string;
  params?: string;
  out?: string;
}

function readError(name: string, error: unknown): InputError {
  if (error instanceof InputError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  let reason = code ?? String(error);
  if (code === 'ENOENT') reason = 'no such file or directory';
  else if (code === 'EACCES') reason = 'permission denied';
  return new InputError(`${name}: cannot read it (${reason})`);
}

/** The policy files of `--policies` (a directory or one file), with check's limits. */
async function readPolicyFiles(location: string): Promise<ManifestFile[]> {
  const label = `--policies ${location}`;
  let files: ManifestFile[];
  try {
    const stat = await fs.stat(location);
    files = stat.isDirectory()
      ? (
          await readManifestFiles(location, {
            label,
            maxFileBytes: MAX_MANIFEST_FILE_BYTES,
            onSkip: s =>
              process.stderr.write(`skipped ${s.path}: ${s.reason}\n`),
          })
        ).map(f => ({ ...f, path: path.join(location, f.path) }))
      : [
          {
            path: location,
            content: await readTextAtMost(
              label,
              location,
              MAX_MANIFEST_FILE_BYTES,
            ),
          },
        ];
  } catch (error) {
    throw readError(label, error);
  }
  if (files.length === 0) {
    throw new InputError(`${label}: no .yaml, .yml or .json files`);
  }
  return files;
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
  let params: ManifestFile | undefined;
  if (options.params !== undefined) {
    const label = `--params ${options.params}`;
    try {
      params = {
        path: options.params,
        content: await readTextAtMost(
          label,
          options.params,
          MAX_MANIFEST_FILE_BYTES,
        ),
      };
    } catch (error) {
      throw readError(label, error);
    }
  }
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
