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
import { Transform, type Readable } from 'node:stream';
import {
  parquetMetadataAsync,
  parquetRead,
  parquetSchema,
  snappyUncompress,
  type AsyncBuffer,
} from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { FocusFileRef } from './locations';

/** The Parquet magic number, at the start and the end of every file. */
export const PARQUET_MAGIC = Buffer.from('PAR1');

/**
 * Input past one of the reader's limits: `limit` names the option, `message`
 * says what was refused.
 */
export class FocusLimitError extends Error {
  readonly name = 'FocusLimitError';
  constructor(message: string, readonly limit: string) {
    super(message);
  }
}

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
export async function openParquet(
  ref: FocusFileRef,
  maxSpoolBytes = Infinity,
): Promise<ParquetSource> {
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
  return spoolParquet((await ref.open()) as Readable, maxSpoolBytes);
}

/**
 * Copies a stream to a temporary file and opens that by byte ranges; a
 * stream of more than `maxBytes` is refused (the copy removed).
 */
export async function spoolParquet(
  stream: Readable,
  maxBytes = Infinity,
): Promise<ParquetSource> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'focus-parquet-'));
  const file = path.join(dir, 'export.parquet');
  const remove = () => fs.rm(dir, { recursive: true, force: true });
  let copied = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      copied += chunk.length;
      if (copied > maxBytes) {
        callback(
          new FocusLimitError(
            `a Parquet file of more than ${maxBytes} bytes`,
            'maxDecompressedBytes',
          ),
        );
      } else callback(null, chunk);
    },
  });
  try {
    await pipeline(stream, limit, createWriteStream(file));
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

/** The magic number at both ends of a Parquet file, or what is wrong with it. */
export async function checkParquetMagic(
  buffer: AsyncBuffer,
): Promise<string | undefined> {
  const size = buffer.byteLength;
  if (size < 2 * PARQUET_MAGIC.length + 4) {
    return `it has ${size} bytes, fewer than the smallest Parquet file`;
  }
  const head = Buffer.from(await buffer.slice(0, PARQUET_MAGIC.length));
  if (!head.equals(PARQUET_MAGIC)) {
    return 'it does not start with the magic number PAR1';
  }
  const tail = Buffer.from(
    await buffer.slice(size - PARQUET_MAGIC.length, size),
  );
  if (!tail.equals(PARQUET_MAGIC)) {
    return 'it does not end with the magic number PAR1';
  }
  return undefined;
}

/** What a Parquet footer says of the file, for the reader's limits. */
export interface ParquetShape {
  /** Top-level column names. */
  columns: string[];
  /** Rows of all row groups. */
  rows: number;
  /** Uncompressed bytes of all row groups. */
  uncompressedBytes: number;
  /** The most rows of a row group that is read whole (has no offset indexes). */
  largestWholeGroup: number;
}

/** The limits {@link parquetRows} holds page headers to. */
export interface ParquetPageLimits {
  /** The most values a data page may declare. */
  maxPageValues: number;
  /** How many times its compressed size a page may declare uncompressed (past 16 MiB). */
  maxCompressionRatio: number;
}

/** Uncompressed bytes any page may declare before the ratio is checked. */
const PAGE_RATIO_GRACE_BYTES = 16 << 20;

// ---------------------------------------------------------------------------
// Page headers. hyparquet trusts them: a data page declaring a billion values
// makes it fill arrays that long, synchronously (a hang, then out of
// memory), and an uncompressed size of gigabytes makes it allocate them. The
// headers of every slice of a column chunk hyparquet fetches are read here
// first (Thrift compact protocol) and checked against the chunk's metadata.

/** A corrupt page, for the reader to report as not readable as Parquet. */
class ParquetPageError extends Error {
  readonly name = 'ParquetPageError';
}

export interface PageHeader {
  /** Bytes of the header itself. */
  length: number;
  type: number;
  uncompressed: number;
  compressed: number;
  /** Data pages (v1 and v2) and dictionary pages. */
  numValues?: number;
  /** Data pages (v1 and v2). */
  encoding?: number;
  /** Data pages v2. */
  numNulls?: number;
  numRows?: number;
  levelBytes?: number;
  repetitionBytes?: number;
  definitionBytes?: number;
  compressedData?: boolean;
}

const PAGE_TYPES = [
  'DATA_PAGE',
  'INDEX_PAGE',
  'DICTIONARY_PAGE',
  'DATA_PAGE_V2',
];

/** A reader of the Thrift compact protocol, enough for page headers. */
class CompactReader {
  offset: number;
  constructor(readonly bytes: Uint8Array, offset: number) {
    this.offset = offset;
  }

  byte(): number {
    if (this.offset >= this.bytes.length) {
      throw new ParquetPageError('a page header runs past its column chunk');
    }
    return this.bytes[this.offset++];
  }

  /** An unsigned varint, up to 64 bits, as a number. */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
    throw new ParquetPageError('a page header has a malformed number');
  }

  /** A zigzag varint (i16, i32, i64). */
  int(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  skip(type: number, depth: number): void {
    if (depth > 16) {
      throw new ParquetPageError('a page header nests too deeply');
    }
    switch (type) {
      case 1: // true
      case 2: // false
        return;
      case 3: // byte
        this.byte();
        return;
      case 4: // i16
      case 5: // i32
      case 6: // i64
        this.varint();
        return;
      case 7: // double
        this.advance(8);
        return;
      case 8: // binary
        this.advance(this.varint());
        return;
      case 9: // list
      case 10: {
        // set
        const head = this.byte();
        const size = head >> 4 === 15 ? this.varint() : head >> 4;
        this.checkCount(size);
        for (let i = 0; i < size; i++) this.skip(head & 0x0f, depth + 1);
        return;
      }
      case 11: {
        // map
        const size = this.varint();
        if (size === 0) return;
        this.checkCount(size);
        const types = this.byte();
        for (let i = 0; i < size; i++) {
          this.skip(types >> 4, depth + 1);
          this.skip(types & 0x0f, depth + 1);
        }
        return;
      }
      case 12: // struct
        this.struct(() => false, depth + 1);
        return;
      default:
        throw new ParquetPageError(
          `a page header has a field of unknown type ${type}`,
        );
    }
  }

  advance(bytes: number) {
    if (bytes < 0 || this.offset + bytes > this.bytes.length) {
      throw new ParquetPageError('a page header runs past its column chunk');
    }
    this.offset += bytes;
  }

  /** Each element takes a byte at least: more than the bytes left is corrupt. */
  checkCount(size: number) {
    if (size > this.bytes.length - this.offset) {
      throw new ParquetPageError(
        'a page header lists more items than it has bytes',
      );
    }
  }

  /**
   * Reads a struct; `field(id, type)` reads the fields it wants and returns
   * true, the others are skipped.
   */
  struct(field: (id: number, type: number) => boolean, depth = 0): void {
    let id = 0;
    for (;;) {
      const head = this.byte();
      const type = head & 0x0f;
      if (type === 0) return;
      const delta = head >> 4;
      id = delta === 0 ? this.int() : id + delta;
      if (!field(id, type)) this.skip(type, depth);
    }
  }
}

/** Reads the page header at `offset` (exported for tests). */
export function readPageHeader(bytes: Uint8Array, offset: number): PageHeader {
  const reader = new CompactReader(bytes, offset);
  const header: PageHeader = {
    length: 0,
    type: -1,
    uncompressed: -1,
    compressed: -1,
  };
  const i32 = (type: number) => {
    if (type !== 5)
      throw new ParquetPageError('a page header has a field of the wrong type');
    return reader.int();
  };
  reader.struct((id, type) => {
    if (id === 1) header.type = i32(type);
    else if (id === 2) header.uncompressed = i32(type);
    else if (id === 3) header.compressed = i32(type);
    else if ((id === 5 || id === 7 || id === 8) && type === 12) {
      // data_page_header, dictionary_page_header, data_page_header_v2
      reader.struct((sub, subType) => {
        if (sub === 1) header.numValues = i32(subType);
        else if (id === 5 && sub === 2) header.encoding = i32(subType);
        else if (id === 8 && sub === 2) header.numNulls = i32(subType);
        else if (id === 8 && sub === 3) header.numRows = i32(subType);
        else if (id === 8 && sub === 4) header.encoding = i32(subType);
        else if (id === 8 && sub === 5) header.definitionBytes = i32(subType);
        else if (id === 8 && sub === 6) header.repetitionBytes = i32(subType);
        else if (id === 8 && sub === 7 && (subType === 1 || subType === 2)) {
          header.compressedData = subType === 1;
        } else return false;
        return true;
      }, 1);
      if (id === 8) {
        header.levelBytes =
          (header.definitionBytes ?? 0) + (header.repetitionBytes ?? 0);
      }
    } else return false;
    return true;
  });
  header.length = reader.offset - offset;
  return header;
}

interface ChunkBounds {
  name: string;
  start: number;
  end: number;
  numValues: number;
  groupRows: number;
  codec: string;
  /** The physical type, e.g. BOOLEAN, BYTE_ARRAY. */
  type: string;
  maxRepetition: number;
  maxDefinition: number;
}

// Page encodings (parquet.thrift Encoding) whose values are hybrid streams.
const PLAIN_DICTIONARY = 2;
const RLE = 3;
const RLE_DICTIONARY = 8;

type Decompress = (input: Uint8Array, outputLength: number) => Uint8Array;

/** The decompressors hyparquet uses: hyparquet-compressors, and its own Snappy. */
const DECOMPRESSORS: Record<string, Decompress> = {
  SNAPPY: (input, outputLength) => {
    const output = new Uint8Array(outputLength);
    snappyUncompress(input, output);
    return output;
  },
  ...(compressors as Record<string, Decompress>),
};

/** The bit width of levels up to `max`, as hyparquet computes it. */
const bitWidth = (max: number) => 32 - Math.clz32(max);

/**
 * What is wrong with a run-length/bit-packed hybrid stream at `start` of
 * `bytes` that should hold `values` values of `width` bits, read as
 * hyparquet's readRleBitPackedHybrid reads it (a length prefix when
 * `prefixed`, 32-bit varint headers). hyparquet writes every value of an
 * RLE run, however many the page has room for, and loops forever on a
 * bit-packed run of negative length at width 0: a corrupt header of a few
 * bytes is billions of values. Runs past the end of `bytes` are left to
 * hyparquet, which fails on them.
 */
function hybridProblem(
  bytes: Uint8Array,
  start: number,
  width: number,
  values: number,
  prefixed: boolean,
): string | undefined {
  let pos = prefixed ? start + 4 : start;
  let seen = 0;
  const end = bytes.length;
  while (seen < values) {
    if (pos >= end) return undefined;
    let header = 0;
    let shift = 0;
    for (;;) {
      if (pos >= end) return undefined;
      const byte = bytes[pos++];
      header |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
      shift += 7;
      if (shift > 35) return 'a run header of more than five bytes';
    }
    if (header & 1) {
      const count = (header >> 1) << 3;
      if (count < 0) return `a bit-packed run of ${count} values`;
      if (width === 0 && count > values - seen + 8) {
        return `a bit-packed run of ${count} values, more than the ${
          values - seen
        } left`;
      }
      const bytesNeeded = Math.ceil((count * width) / 8);
      if (bytesNeeded > end - pos + 1) {
        return `a bit-packed run of ${count} values in ${end - pos} bytes`;
      }
      pos += Math.max(1, bytesNeeded);
      seen += count;
    } else {
      const count = header >>> 1;
      if (count > values - seen + 8) {
        return `a run of ${count} values, more than the ${values - seen} left`;
      }
      pos += (width + 7) >> 3;
      seen += count;
    }
  }
  return undefined;
}

function uint32(bytes: Uint8Array, at: number): number {
  if (at + 4 > bytes.length) return 0;
  return (
    bytes[at] +
    bytes[at + 1] * 2 ** 8 +
    bytes[at + 2] * 2 ** 16 +
    bytes[at + 3] * 2 ** 24
  );
}

/**
 * Pages decompressed while they were checked, for hyparquet to take instead
 * of decompressing them again. Found by their compressed bytes (hyparquet
 * copies the bytes it fetched before decoding them, so neither the buffer
 * nor the offset is the same): a key of the lengths and the first and last
 * bytes, then a comparison of the whole input.
 */
type PageCache = Map<string, Array<{ input: Uint8Array; output: Uint8Array }>>;

function pageKey(input: Uint8Array, outputLength: number): string {
  let hash = 0x811c9dc5;
  const edge = Math.min(32, input.length);
  for (let i = 0; i < edge; i++) {
    hash = Math.imul(hash ^ input[i], 0x01000193);
    hash = Math.imul(hash ^ input[input.length - 1 - i], 0x01000193);
  }
  return `${input.length}:${outputLength}:${hash >>> 0}`;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );

function decompressChecked(
  input: Uint8Array,
  outputLength: number,
  codec: string,
  where: string,
  cache: PageCache,
): Uint8Array | undefined {
  if (codec === 'UNCOMPRESSED') return input;
  const decompress = DECOMPRESSORS[codec];
  if (!decompress) return undefined; // hyparquet refuses the codec itself
  let output: Uint8Array;
  try {
    output = decompress(input, outputLength);
  } catch (error) {
    throw new ParquetPageError(
      `${where}: a page does not decompress (${
        error instanceof Error ? error.message : String(error)
      })`,
    );
  }
  const key = pageKey(input, outputLength);
  const entries = cache.get(key);
  if (entries) entries.push({ input, output });
  else cache.set(key, [{ input, output }]);
  return output;
}

/** Decompressors for hyparquet that take a page checked already from `cache`. */
function cachedDecompressors(cache: PageCache): Record<string, Decompress> {
  return Object.fromEntries(
    Object.entries(DECOMPRESSORS).map(([codec, decompress]) => [
      codec,
      (input: Uint8Array, outputLength: number) => {
        const key = pageKey(input, outputLength);
        const entries = cache.get(key);
        const index =
          entries?.findIndex(entry => sameBytes(entry.input, input)) ?? -1;
        if (index >= 0) {
          const { output } = entries![index];
          entries!.splice(index, 1);
          if (entries!.length === 0) cache.delete(key);
          return output;
        }
        return decompress(input, outputLength);
      },
    ]),
  );
}

/** Checks the hybrid streams of a data page (`data`: after its header). */
function checkDataPage(
  header: PageHeader,
  data: Uint8Array,
  chunk: ChunkBounds,
  cache: PageCache,
): void {
  const where = `column ${chunk.name}`;
  const values = header.numValues ?? 0;
  const problems: Array<string | undefined> = [];
  const isDictionary =
    header.encoding === PLAIN_DICTIONARY || header.encoding === RLE_DICTIONARY;
  if (PAGE_TYPES[header.type] === 'DATA_PAGE') {
    const page = decompressChecked(
      data,
      header.uncompressed,
      chunk.codec,
      where,
      cache,
    );
    if (!page) return;
    let pos = 0;
    if (chunk.maxRepetition) {
      problems.push(
        hybridProblem(page, pos, bitWidth(chunk.maxRepetition), values, true),
      );
      pos += 4 + uint32(page, pos);
    }
    if (chunk.maxDefinition) {
      problems.push(
        hybridProblem(page, pos, bitWidth(chunk.maxDefinition), values, true),
      );
      pos += 4 + uint32(page, pos);
    }
    if ((isDictionary || header.encoding === RLE) && pos < page.length) {
      const boolean = chunk.type === 'BOOLEAN';
      const width = boolean ? 1 : page[pos++];
      if (width) {
        problems.push(hybridProblem(page, pos, width, values, boolean));
      }
    }
  } else {
    const repetition = header.repetitionBytes ?? 0;
    const levels = repetition + (header.definitionBytes ?? 0);
    if (chunk.maxRepetition) {
      problems.push(
        hybridProblem(data, 0, bitWidth(chunk.maxRepetition), values, false),
      );
    }
    if (chunk.maxDefinition) {
      problems.push(
        hybridProblem(
          data,
          repetition,
          bitWidth(chunk.maxDefinition),
          values,
          false,
        ),
      );
    }
    if (isDictionary || header.encoding === RLE) {
      const rest = data.subarray(levels);
      const size = header.uncompressed - levels;
      const page =
        header.compressedData !== false && size
          ? decompressChecked(rest, size, chunk.codec, where, cache)
          : rest;
      if (page && page.length > 0) {
        const nonNull = values - (header.numNulls ?? 0);
        if (header.encoding === RLE) {
          problems.push(hybridProblem(page, 0, 1, nonNull, true));
        } else if (page.length > 1) {
          problems.push(hybridProblem(page, 1, page[0], nonNull, false));
        }
      }
    }
  }
  const problem = problems.find(Boolean);
  if (problem) {
    throw new ParquetPageError(`${where}: a data page with ${problem}`);
  }
}

/**
 * `buffer`, whose slices of column chunk data have their page headers and
 * hybrid streams checked before hyparquet decodes them (the pages they
 * decompress are kept in `cache`). A slice may start at a chunk or page and
 * span several chunks (hyparquet coalesces reads). Every slice's promise is
 * marked handled: hyparquet prefetches ranges it may never await once a read
 * has failed, and an unhandled rejection would end the process.
 */
function checkedPages(
  buffer: AsyncBuffer,
  chunks: ChunkBounds[],
  limits: ParquetPageLimits,
  cache: PageCache,
): AsyncBuffer {
  const sorted = [...chunks].sort((a, b) => a.start - b.start);
  /** The chunk holding `offset`, else the first one after it. */
  const chunkFrom = (offset: number) => {
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (sorted[mid].end <= offset) low = mid + 1;
      else high = mid;
    }
    return sorted[low];
  };
  const size = buffer.byteLength;
  async function slice(start: number, end = size): Promise<ArrayBuffer> {
    if (
      !Number.isSafeInteger(start) ||
      !Number.isSafeInteger(end) ||
      start < 0 ||
      end < start ||
      end > size
    ) {
      throw new ParquetPageError(
        `the footer points at bytes [${start}, ${end}) of a file of ${size}`,
      );
    }
    const data = await buffer.slice(start, end);
    const bytes = new Uint8Array(data);
    let chunk = chunkFrom(start);
    let at = chunk ? Math.max(chunk.start, start) - start : bytes.length;
    // hyparquet stops one byte short of the end (see its readColumn).
    while (chunk && at < bytes.length - 1) {
      const fileOffset = start + at;
      const header = readPageHeader(bytes, at);
      checkPage(header, chunk, limits);
      const dataStart = at + header.length;
      at = dataStart + header.compressed;
      if (start + at > chunk.end || at > bytes.length) {
        throw new ParquetPageError(
          `column ${chunk.name}: a page at byte ${fileOffset} runs past its column chunk`,
        );
      }
      const type = PAGE_TYPES[header.type];
      if (type === 'DATA_PAGE' || type === 'DATA_PAGE_V2') {
        const page = new Uint8Array(data, dataStart, header.compressed);
        checkDataPage(header, page, chunk, cache);
      }
      if (start + at === chunk.end) {
        // The next chunk in this slice, past a gap hyparquet skipped.
        chunk = chunkFrom(chunk.end);
        if (chunk) at = Math.max(at, chunk.start - start);
      }
    }
    return data;
  }
  return {
    byteLength: size,
    slice(start: number, end?: number) {
      const promise = slice(start, end);
      promise.catch(() => {});
      return promise;
    },
  };
}

function checkPage(
  header: PageHeader,
  chunk: ChunkBounds,
  limits: ParquetPageLimits,
): void {
  const where = `column ${chunk.name}`;
  const type = PAGE_TYPES[header.type];
  if (!type) {
    throw new ParquetPageError(
      `${where}: a page of unknown type ${header.type}`,
    );
  }
  if (header.compressed < 0 || header.uncompressed < 0) {
    throw new ParquetPageError(`${where}: a page of negative size`);
  }
  if (
    header.uncompressed > PAGE_RATIO_GRACE_BYTES &&
    header.uncompressed > limits.maxCompressionRatio * header.compressed
  ) {
    throw new FocusLimitError(
      `${where}: a page declares ${header.uncompressed} bytes uncompressed, more than ${limits.maxCompressionRatio} times its ${header.compressed} compressed bytes`,
      'maxCompressionRatio',
    );
  }
  const values = header.numValues;
  if (type === 'DICTIONARY_PAGE') {
    // Each PLAIN dictionary entry takes a byte at least.
    if (values === undefined || values < 0 || values > header.uncompressed) {
      throw new ParquetPageError(
        `${where}: a dictionary page declares ${values} values in ${header.uncompressed} bytes`,
      );
    }
    return;
  }
  if (type === 'INDEX_PAGE') return;
  if (values === undefined || values < 0 || values > chunk.numValues) {
    throw new ParquetPageError(
      `${where}: a data page declares ${values} values, more than the ${chunk.numValues} of its column chunk`,
    );
  }
  if (values > limits.maxPageValues) {
    throw new FocusLimitError(
      `${where}: a data page of ${values} values, more than ${limits.maxPageValues}`,
      'maxRowGroupRows',
    );
  }
  if (type === 'DATA_PAGE_V2') {
    if (
      header.numRows === undefined ||
      header.numRows < 0 ||
      header.numRows > chunk.groupRows ||
      (header.numNulls ?? 0) < 0 ||
      (header.numNulls ?? 0) > values ||
      (header.levelBytes ?? 0) < 0 ||
      (header.levelBytes ?? 0) > header.compressed
    ) {
      throw new ParquetPageError(
        `${where}: a data page (v2) with inconsistent counts`,
      );
    }
  }
}

/**
 * Reads a Parquet file's footer: its top-level column names, and its rows as
 * arrays of cells in the order of `columns`, a window of rows at a time where
 * the file has offset indexes, else one row group at a time. The headers of
 * the pages read are checked against `pageLimits` and their column chunk
 * first.
 */
export async function parquetRows(
  file: AsyncBuffer,
  pageLimits: ParquetPageLimits = {
    maxPageValues: Infinity,
    maxCompressionRatio: Infinity,
  },
): Promise<
  ParquetShape & {
    rowGroups(): AsyncGenerator<unknown[][]>;
  }
> {
  const metadata = await parquetMetadataAsync(file);
  const schema = parquetSchema(metadata);
  const columns = schema.children.map(c => c.element.name);
  /** Max repetition and definition levels of a leaf, as hyparquet's schema.js. */
  const levels = (names: string[]) => {
    let node = schema;
    let repetition = 0;
    let definition = 0;
    for (const name of names) {
      const child = node.children.find(c => c.element.name === name);
      if (!child) break;
      node = child;
      if (node.element.repetition_type === 'REPEATED') repetition += 1;
      if (node.element.repetition_type !== 'REQUIRED') definition += 1;
    }
    return { repetition, definition };
  };
  const isIndexed = (group: (typeof metadata.row_groups)[number]) =>
    group.columns.every(
      chunk =>
        chunk.offset_index_offset !== undefined &&
        Boolean(chunk.offset_index_length),
    );
  let uncompressedBytes = 0;
  let largestWholeGroup = 0;
  const chunks: ChunkBounds[] = [];
  for (const group of metadata.row_groups) {
    uncompressedBytes += Number(group.total_byte_size);
    if (!isIndexed(group)) {
      largestWholeGroup = Math.max(largestWholeGroup, Number(group.num_rows));
    }
    for (const chunk of group.columns) {
      const meta = chunk.meta_data;
      if (!meta) continue;
      // Where hyparquet reads the chunk from (its plan.js).
      const start = Number(
        meta.dictionary_page_offset || meta.data_page_offset,
      );
      const { repetition, definition } = levels(meta.path_in_schema);
      chunks.push({
        name: meta.path_in_schema.join('.'),
        start,
        end: start + Number(meta.total_compressed_size),
        numValues: Number(meta.num_values),
        groupRows: Number(group.num_rows),
        codec: String(meta.codec),
        type: String(meta.type),
        maxRepetition: repetition,
        maxDefinition: definition,
      });
    }
  }
  const cache: PageCache = new Map();
  const buffer = checkedPages(file, chunks, pageLimits, cache);
  const decompressors = cachedDecompressors(cache);
  return {
    columns,
    rows: Number(metadata.num_rows),
    uncompressedBytes,
    largestWholeGroup,
    async *rowGroups() {
      let groupStart = 0;
      for (const group of metadata.row_groups) {
        const groupEnd = groupStart + Number(group.num_rows);
        const indexed = isIndexed(group);
        const step = indexed ? PARQUET_ROW_WINDOW : groupEnd - groupStart;
        for (let rowStart = groupStart; rowStart < groupEnd; rowStart += step) {
          let rows: unknown[][] = [];
          cache.clear(); // pages of the last window hyparquet did not take
          await parquetRead({
            file: buffer,
            metadata,
            columns,
            rowStart,
            rowEnd: Math.min(rowStart + step, groupEnd),
            useOffsetIndex: indexed,
            compressors: decompressors,
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
