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
  ingestFocusExport,
  listFocusFiles,
  redactSecrets,
  type FocusFileRef,
  type FocusMode,
  type FocusWorkloadColumn,
  type FocusS3Options,
  type FocusValidationReport,
} from '@ai-finops/backstage-plugin-finops-node';
import fs from 'node:fs/promises';
import { InputError } from '@backstage/errors';
import { withStore } from '../store';
import { formatCount, MAX_FOCUS_FILES, unreadableFile } from './limitsInput';

const GLOB_CHARS = /[*?[\]{}]/;

/** Fails early, with the file's name, when a plain local file cannot be read. */
async function checkReadable(file: string) {
  try {
    const stat = await fs.stat(file);
    if (stat.isDirectory()) return; // a folder of exports
    if (!stat.isFile()) throw new InputError(`${file}: not a file`);
    await fs.access(file, fs.constants.R_OK);
  } catch (error) {
    throw unreadableFile(file, error);
  }
}

/**
 * The exports at a location. An http(s) URL is read as given (the reader
 * names it if it cannot be fetched); a local path is checked first; folders,
 * globs and s3:// locations are listed.
 */
async function resolveFiles(
  location: string,
  s3: FocusS3Options,
): Promise<Array<string | FocusFileRef>> {
  if (/^https?:\/\//i.test(location)) return [location];
  const isLocal = !/^[a-z][a-z0-9+.-]+:\/\//i.test(location);
  if (isLocal && !GLOB_CHARS.test(location)) {
    await checkReadable(location);
    if (!(await fs.stat(location)).isDirectory()) return [location];
  }
  let files: FocusFileRef[];
  try {
    files = await listFocusFiles(location, {
      s3,
      // Links that loop or name a file twice are read once; say what was skipped.
      onSkip: skipped =>
        process.stderr.write(`skipped ${skipped.path}: ${skipped.reason}\n`),
    });
  } catch (error) {
    throw new InputError(
      error instanceof Error ? error.message : String(error),
    );
  }
  if (files.length > MAX_FOCUS_FILES) {
    throw new InputError(
      `${redactSecrets(location)}: ${formatCount(
        files.length,
      )} FOCUS exports; at most ${formatCount(
        MAX_FOCUS_FILES,
      )} in one ingestion (name a smaller folder or glob)`,
    );
  }
  return files;
}

function byRule(counts: Partial<Record<string, number>>): string {
  return (
    Object.entries(counts)
      .filter(([, n]) => n)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([rule, n]) => `${rule} ${n}`)
      .join(', ') || 'none'
  );
}

/**
 * The validation report summary `ingest focus` prints on stderr: each file's
 * report, and what was stored.
 */
export function formatReports(
  reports: FocusValidationReport[],
  stored: { rows: number; billingPeriods: string[] },
  source: string,
): string {
  const periods = stored.billingPeriods.map(p => p.slice(0, 10));
  const storedLine = `stored: ${stored.rows} rows${
    reports.length > 1 ? ` from ${reports.length} files` : ''
  } for source '${source}', billing periods ${periods.join(', ') || 'none'}`;
  const lines: string[] = [];
  for (const report of reports) {
    lines.push(
      `${report.file}: FOCUS ${report.version}, ${report.rows} rows read (${report.mode} mode)`,
    );
    if (reports.length === 1) lines.push(`  ${storedLine}`);
    lines.push(
      `  fixed: ${byRule(report.fixed)}`,
      `  tolerated: ${byRule(report.tolerated)}`,
      `  extra columns (ignored): ${report.extraColumns.join(', ') || 'none'}`,
    );
  }
  if (reports.length > 1) lines.push(storedLine);
  return `${lines.join('\n')}\n`;
}

/** The options of `ai-finops ingest focus`, as commander parses them. */
export interface IngestFocusOptions {
  database: string;
  mode: FocusMode;
  source: string;
  workload: FocusWorkloadColumn;
  s3Region?: string;
  s3Endpoint?: string;
  s3ForcePathStyle?: boolean;
}

/**
 * `ai-finops ingest focus <location>`: stores the exports and prints the
 * validation report on stderr.
 */
export async function runIngestFocus(
  location: string,
  options: IngestFocusOptions,
) {
  // Credentials come from the AWS SDK's default chain (AWS_ACCESS_KEY_ID,
  // AWS_PROFILE, an instance role…), never from the command line.
  const files = await resolveFiles(location, {
    region: options.s3Region,
    endpoint: options.s3Endpoint,
    forcePathStyle: options.s3ForcePathStyle,
  });
  // The backend's FOCUS module stores exports through the same
  // function: charges and the hourly facts the entity cards read.
  const { stored, reports } = await withStore(
    options.database,
    { create: true },
    store =>
      ingestFocusExport(store, {
        source: options.source,
        files,
        mode: options.mode,
        workload: options.workload,
      }),
  );
  process.stderr.write(formatReports(reports, stored, options.source));
}
