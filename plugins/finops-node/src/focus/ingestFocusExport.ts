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

import type {
  FinopsBillingIngestion,
  FocusChargeStore,
} from '../store/FinopsStore';
import type { FocusWorkloadColumn } from './facts';
import {
  FocusReader,
  type FocusMode,
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
  /** The export files, read in order as one stream of rows. */
  files: ReadonlyArray<string | FocusFileRef>;
  /** Default `lenient`. */
  mode?: FocusMode;
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
  const readers: FocusReader[] = [];
  const read = (file: string | FocusFileRef) => {
    options.signal?.throwIfAborted();
    const reader = new FocusReader({ mode: options.mode ?? 'lenient' });
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
