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

import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import {
  parquetMetadataAsync,
  parquetRead,
  parquetSchema,
  type AsyncBuffer,
} from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { FocusFileRef } from './locations';

/** The Parquet magic number, at the start and the end of every file. */
export const PARQUET_MAGIC = Buffer.from('PAR1');

/** An error reading the bytes of a Parquet file (not one of its content). */
export class ParquetSourceError extends Error {
  readonly name = 'ParquetSourceError';
  constructor(readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

async function reading<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new ParquetSourceError(error);
  }
}

/** A Parquet file, open for reading by byte ranges. */
export interface ParquetSource {
  buffer: AsyncBuffer;
  close(): Promise<void>;
}

/**
 * Opens a file for Parquet reading: by byte ranges where the location serves
 * them, else by copying it to a temporary file first (removed by `close`).
 */
export async function openParquet(ref: FocusFileRef): Promise<ParquetSource> {
  const { readRange, size } = ref;
  if (readRange && size !== undefined) {
    return {
      buffer: {
        byteLength: size,
        async slice(start: number, end?: number) {
          const bytes = await reading(() =>
            readRange.call(ref, start, end ?? size),
          );
          return toArrayBuffer(bytes);
        },
      },
      close: async () => {},
    };
  }
  return spoolParquet((await ref.open()) as Readable);
}

/** Copies a stream to a temporary file and opens that by byte ranges. */
export async function spoolParquet(stream: Readable): Promise<ParquetSource> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'focus-parquet-'));
  const file = path.join(dir, 'export.parquet');
  const remove = () => fs.rm(dir, { recursive: true, force: true });
  try {
    await pipeline(stream, createWriteStream(file));
    const handle = await fs.open(file, 'r');
    const { size } = await handle.stat();
    return {
      buffer: {
        byteLength: size,
        async slice(start: number, end?: number) {
          const length = Math.max(0, (end ?? size) - start);
          const bytes = Buffer.alloc(length);
          const { bytesRead } = await reading(() =>
            handle.read(bytes, 0, length, start),
          );
          return toArrayBuffer(bytes.subarray(0, bytesRead));
        },
      },
      close: async () => {
        await handle.close();
        await remove();
      },
    };
  } catch (error) {
    await remove();
    throw error;
  }
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  if (
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength &&
    bytes.buffer instanceof ArrayBuffer
  ) {
    return bytes.buffer;
  }
  return new Uint8Array(bytes).buffer as ArrayBuffer;
}

/**
 * Rows read at once from a row group whose column chunks all have offset
 * indexes (page locations, written for chunks of more than one page): only
 * the pages of those rows are fetched and decoded. Other row groups are read
 * whole, so memory holds one decoded row group at most.
 */
export const PARQUET_ROW_WINDOW = 16_384;

/**
 * Reads a Parquet file's footer: its top-level column names, and its rows as
 * arrays of cells in the order of `columns`, a window of rows at a time where
 * the file has offset indexes, else one row group at a time.
 */
export async function parquetRows(buffer: AsyncBuffer): Promise<{
  columns: string[];
  rowGroups(): AsyncGenerator<unknown[][]>;
}> {
  const metadata = await parquetMetadataAsync(buffer);
  const columns = parquetSchema(metadata).children.map(c => c.element.name);
  return {
    columns,
    async *rowGroups() {
      let groupStart = 0;
      for (const group of metadata.row_groups) {
        const groupEnd = groupStart + Number(group.num_rows);
        const indexed = group.columns.every(
          chunk =>
            chunk.offset_index_offset !== undefined &&
            Boolean(chunk.offset_index_length),
        );
        const step = indexed ? PARQUET_ROW_WINDOW : groupEnd - groupStart;
        for (let rowStart = groupStart; rowStart < groupEnd; rowStart += step) {
          let rows: unknown[][] = [];
          await parquetRead({
            file: buffer,
            metadata,
            columns,
            rowStart,
            rowEnd: Math.min(rowStart + step, groupEnd),
            useOffsetIndex: indexed,
            compressors,
            rowFormat: 'array',
            onComplete: (result: unknown[][]) => {
              rows = result;
            },
          });
          yield rows;
        }
        groupStart = groupEnd;
      }
    },
  };
}
