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
  loadManifests,
  parseManifestFile,
  parsePriceCsv,
  PolicySet,
  readManifestFiles,
  type LoadedManifests,
  type ManifestFile,
  type PriceOverrides,
  type SkippedManifestPath,
} from '@ai-finops/backstage-plugin-finops-guardrails';
import { InputError, isError } from '@backstage/errors';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  MAX_MANIFEST_FILE_BYTES,
  MAX_PRICES_FILE_BYTES,
  readTextAtMost,
} from './limitsInput';

// Reading what `ai-finops check` and `estimate` are given: a manifest file, a
// directory of them (kustomizations rendered), or `-` for stdin (e.g. the
// output of `kustomize build`); a directory of policies; a prices CSV.

function readError(file: string, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException).code;
  let reason = code ?? String(error);
  if (code === 'ENOENT') reason = 'no such file or directory';
  else if (code === 'EACCES') reason = 'permission denied';
  return new InputError(`${file}: cannot read it (${reason})`);
}

/**
 * Tells, on stderr, of a path of a folder that was not read: a second name of
 * a file already read (a link or hard link), a link loop, a broken link.
 * stderr, so that --format json and junit stay parseable.
 */
const reportSkipped = (skipped: SkippedManifestPath) =>
  process.stderr.write(`skipped ${skipped.path}: ${skipped.reason}\n`);

/**
 * The text of a file (or stdin, `-`) of at most `maxBytes`; `name` is how
 * messages call it.
 */
export async function readText(
  name: string,
  file: string,
  maxBytes: number,
): Promise<string> {
  try {
    return await readTextAtMost(
      name,
      file === '-' ? process.stdin : file,
      maxBytes,
    );
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw readError(name, error);
  }
}

/**
 * The Kubernetes objects at `location`: a file (every document must be a
 * Kubernetes object), a directory (kustomizations rendered, other YAML
 * skipped; paths in messages are relative to it) or `-` for stdin.
 */
export async function readManifests(
  location: string,
): Promise<LoadedManifests & { files: number }> {
  if (location === '-') {
    const content = await readText('<stdin>', '-', MAX_MANIFEST_FILE_BYTES);
    return {
      objects: parseManifestFile({ path: '<stdin>', content }),
      kustomizations: [],
      files: 1,
    };
  }
  let stat;
  try {
    stat = await fs.stat(location);
  } catch (error) {
    throw readError(location, error);
  }
  if (stat.isDirectory()) {
    const files = await readManifestFiles(location, {
      maxFileBytes: MAX_MANIFEST_FILE_BYTES,
      onSkip: reportSkipped,
    });
    // Paths stay relative to the directory (so that two trees compare), and
    // messages name files as the user typed the directory.
    const prefix =
      path.normalize(location) === '.'
        ? ''
        : `${location.replace(/\/+$/, '')}/`;
    let loaded: LoadedManifests;
    try {
      loaded = loadManifests(files);
    } catch (error) {
      if (isError(error) && error.name === 'InputError') {
        throw new InputError(`${prefix}${error.message}`);
      }
      throw error;
    }
    for (const o of loaded.objects) o.file = `${prefix}${o.file}`;
    return { ...loaded, files: files.length };
  }
  const content = await readText(location, location, MAX_MANIFEST_FILE_BYTES);
  return {
    objects: parseManifestFile({ path: location, content }),
    kustomizations: [],
    files: 1,
  };
}

/**
 * The policy files of `--policies`: a directory (paths joined to it) or one
 * file.
 */
export async function readPolicyFiles(
  location: string,
): Promise<ManifestFile[]> {
  let stat;
  try {
    stat = await fs.stat(location);
  } catch (error) {
    throw readError(`--policies ${location}`, error);
  }
  let files: ManifestFile[];
  if (stat.isDirectory()) {
    files = (
      await readManifestFiles(location, {
        label: `--policies ${location}`,
        maxFileBytes: MAX_MANIFEST_FILE_BYTES,
        onSkip: reportSkipped,
      })
    ).map(f => ({
      ...f,
      path: path.join(location, f.path),
    }));
  } else {
    files = [
      {
        path: location,
        content: await readText(
          `--policies ${location}`,
          location,
          MAX_MANIFEST_FILE_BYTES,
        ),
      },
    ];
  }
  if (files.length === 0) {
    throw new InputError(
      `--policies ${location}: no .yaml, .yml or .json files`,
    );
  }
  return files;
}

/** The policies, bindings and params in a directory (or one file). */
export async function readPolicies(location: string): Promise<PolicySet> {
  return PolicySet.load(await readPolicyFiles(location));
}

/** A `--prices` CSV (`resource,usd_per_unit_hour`). */
export async function readPrices(
  file: string | undefined,
): Promise<PriceOverrides | undefined> {
  if (file === undefined) return undefined;
  const content = await readText(
    `--prices ${file}`,
    file,
    MAX_PRICES_FILE_BYTES,
  );
  return parsePriceCsv({ path: file, content });
}
