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

import fs from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '@backstage/errors';
import type {
  FinopsBillingIngestion,
  FocusChargeStore,
} from '../store/FinopsStore';
import { redactSecrets } from '../util/redact';
import type { FocusWorkloadColumn } from './facts';
import {
  FocusReader,
  type FocusMode,
  type FocusReadLimits,
  type FocusRow,
  type FocusValidationReport,
} from './FocusReader';
import type { FocusFileRef } from './locations';

/**
 * What {@link ingestFocusExport} stores.
 *
 * @public
 */
export interface FocusExportIngestionOptions {
  /** The billing source id; its billing periods in the files are replaced. */
  source: string;
  /**
   * The export files, read in order as one stream of rows. The same file
   * twice (the same URI, or the same local file by device and inode) is
   * refused: its charges would be summed twice.
   */
  files: ReadonlyArray<string | FocusFileRef>;
  /** Default `lenient`. */
  mode?: FocusMode;
  /** Limits of each file; see `FOCUS_READ_LIMITS` for the defaults. */
  limits?: FocusReadLimits;
  /** The FOCUS column that becomes a fact's workload; default `ServiceName`. */
  workload?: FocusWorkloadColumn;
  /**
   * Checked before each file is opened: once aborted, the ingestion fails
   * and nothing changes.
   */
  signal?: AbortSignal;
}

/**
 * The one landing of FOCUS billing exports, shared by
 * `ai-finops ingest focus` and the FOCUS backend module: validates the files
 * with `FocusReader` and stores them with `replaceBillingCharges` in one
 * transaction, which keeps the FOCUS-native charges and derives the hourly
 * cost facts the entity cards read. Exports split into parts share billing
 * periods, so all files go into one transaction; if any row fails, nothing
 * changes.
 *
 * @public
 */
export async function ingestFocusExport(
  store: Pick<FocusChargeStore, 'replaceBillingCharges'>,
  options: FocusExportIngestionOptions,
): Promise<{
  stored: FinopsBillingIngestion;
  reports: FocusValidationReport[];
}> {
  await assertDistinct(options.files);
  const readers: FocusReader[] = [];
  const read = (file: string | FocusFileRef) => {
    options.signal?.throwIfAborted();
    const reader = new FocusReader({
      mode: options.mode ?? 'lenient',
      limits: options.limits,
    });
    readers.push(reader);
    return reader.read(file);
  };
  const { files } = options;
  async function* allRows(): AsyncGenerator<FocusRow> {
    for (const file of files) yield* read(file);
  }
  // One file (the CLI's common case) is read without a generator around the
  // reader's: each layer costs every row a promise.
  const rows = files.length === 1 ? read(files[0]) : allRows();
  const stored = await store.replaceBillingCharges(options.source, rows, {
    workload: options.workload,
  });
  return { stored, reports: readers.map(r => r.report) };
}

/** What identifies a file: device and inode for local files, else its URI. */
async function fileIdentity(file: string | FocusFileRef): Promise<string> {
  const uri = typeof file === 'string' ? file : file.uri;
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(uri)) return uri;
  const stat = await fs.stat(uri).catch(() => undefined);
  return stat ? `${stat.dev}:${stat.ino}` : path.resolve(uri);
}

async function assertDistinct(
  files: ReadonlyArray<string | FocusFileRef>,
): Promise<void> {
  const seen = new Map<string, string>();
  for (const file of files) {
    const uri = typeof file === 'string' ? file : file.uri;
    const identity = await fileIdentity(file);
    const first = seen.get(identity);
    if (first !== undefined) {
      throw new InputError(
        `${redactSecrets(uri)} is listed twice${
          first === uri ? '' : ` (also as ${redactSecrets(first)})`
        }: each file is read once, or its charges would be summed twice`,
      );
    }
    seen.set(identity, uri);
  }
}
