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

import { createReadStream, type Dirent, type Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { ListObjectsV2CommandOutput, S3Client } from '@aws-sdk/client-s3';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { withoutUserInfo } from '../util/fetchJson';
import { redactSecrets } from '../util/redact';

/**
 * How a FOCUS export is encoded, from its name: `.parquet`, `.gz` (gzip
 * CSV) or anything else (CSV; gzip content is still recognised by its magic
 * bytes when read).
 *
 * @public
 */
export type FocusFileFormat = 'csv' | 'csv.gz' | 'parquet';

/**
 * One FOCUS export found at a location: where it is, what identifies this
 * version of it, and how to read it.
 *
 * @public
 */
export interface FocusFileRef {
  /** Absolute path, `http(s)://` URL or `s3://bucket/key`. */
  uri: string;
  /** Bytes, when the location tells. */
  size?: number;
  /** Changes when the file does: the ETag (HTTP, S3) or the modification time (local files). */
  version?: string;
  format: FocusFileFormat;
  /** The file's bytes, as stored (still compressed for `csv.gz`). */
  open(signal?: AbortSignal): Promise<NodeJS.ReadableStream>;
  /**
   * Bytes `[start, end)` of the file, where the location can serve ranges
   * (local files, S3, HTTP servers that accept ranges). Parquet is read this
   * way, one row group at a time; without it the file is copied to a
   * temporary file first.
   */
  readRange?(
    start: number,
    end: number,
    signal?: AbortSignal,
  ): Promise<Uint8Array>;
}

/**
 * Where and how to reach an S3-compatible bucket. Unset values come from the
 * AWS SDK's default chain (environment, shared config, instance role).
 *
 * @public
 */
export interface FocusS3Options {
  /** Default: `AWS_REGION`, else `us-east-1`. */
  region?: string;
  /** For S3-compatible stores (MinIO, Ceph, R2…), e.g. `http://127.0.0.1:9000`. */
  endpoint?: string;
  /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key`; most S3-compatible stores need it. */
  forcePathStyle?: boolean;
  credentials?: {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
  };
}

/**
 * A path {@link listFocusFiles} did not list although its name is that of a
 * FOCUS export or it leads to a folder: a link to a folder already listed
 * (a link loop, or a second way to the same folder), a second name of a
 * file already listed (a link or a hard link), a broken link, or something
 * that is not a regular file (a FIFO, socket or device).
 *
 * @public
 */
export interface FocusSkippedPath {
  path: string;
  reason: string;
}

/**
 * Options of {@link listFocusFiles}.
 *
 * @public
 */
export interface FocusLocationOptions {
  s3?: FocusS3Options;
  signal?: AbortSignal;
  /**
   * Told about each path of a local location that was not listed, and why,
   * so that callers can say what was skipped.
   */
  onSkip?: (skipped: FocusSkippedPath) => void;
}

/**
 * The AWS SDK, loaded on the first s3:// location: it takes a quarter of a
 * second to load, which every `ai-finops` command would otherwise pay.
 */
function awsS3(): typeof import('@aws-sdk/client-s3') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@aws-sdk/client-s3');
}

const GLOB_CHARS = /[*?[\]{}]/;

/**
 * The format a file name implies; `undefined` for names that are not FOCUS
 * exports when listing a folder or prefix (manifests, checksums…).
 *
 * @public
 */
export function focusFileFormat(name: string): FocusFileFormat | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith('.parquet')) return 'parquet';
  if (lower.endsWith('.csv.gz') || lower.endsWith('.gz')) return 'csv.gz';
  if (lower.endsWith('.csv')) return 'csv';
  return undefined;
}

/**
 * Lists the FOCUS exports at a location, sorted by URI:
 *
 * - a local file, folder (every `.csv`, `.csv.gz` and `.parquet` below it),
 *   glob (`exports/**\/*.csv.gz`) or `file://` URL. Each real file is listed
 *   once, by its path without links where it has one: links are followed,
 *   but a link to a folder already listed (a loop such as `d/loop -> .`) is
 *   not entered, and a second name of a file (a link or hard link: same
 *   device and inode) is not listed again; `onSkip` is told about both, and
 *   about broken links and special files;
 * - an `http(s)://` URL of one file;
 * - `s3://bucket/key`, `s3://bucket/prefix/` (every export below the prefix)
 *   or `s3://bucket/prefix/**\/*.parquet`, on AWS or any S3-compatible store.
 *
 * Fails, naming the location (secrets in it redacted), when it does not
 * exist, is not allowed, or holds no FOCUS export.
 *
 * @public
 */
export async function listFocusFiles(
  location: string,
  options: FocusLocationOptions = {},
): Promise<FocusFileRef[]> {
  const trimmed = location.trim();
  if (!trimmed) throw new InputError('FOCUS location is empty');
  let refs: FocusFileRef[];
  if (/^s3:\/\//i.test(trimmed)) {
    refs = await listS3(trimmed, options);
  } else if (/^https?:\/\//i.test(trimmed)) {
    refs = [await httpFile(trimmed, options.signal)];
  } else if (
    /^[a-z][a-z0-9+.-]+:\/\//i.test(trimmed) &&
    !/^file:/i.test(trimmed)
  ) {
    throw new InputError(
      `${redactSecrets(
        location,
      )}: unsupported location; use a path, glob, file://, http(s):// or s3:// URL`,
    );
  } else {
    refs = await listLocal(
      /^file:/i.test(trimmed) ? fileURLToPath(trimmed) : trimmed,
      redactSecrets(location),
      options.onSkip ?? (() => {}),
    );
  }
  return refs.sort((a, b) => byCodeUnits(a.uri, b.uri));
}

function byCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

// ---------------------------------------------------------------------------
// Local files

function localFile(
  file: string,
  stat: { size: number; mtime: Date },
): FocusFileRef {
  const uri = path.resolve(file);
  return {
    uri,
    size: stat.size,
    version: stat.mtime.toISOString(),
    format: focusFileFormat(uri) ?? 'csv',
    async open(signal) {
      const stream = createReadStream(uri, { signal });
      // Fail here, naming the file, rather than on the first read.
      await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve());
        stream.once('error', reject);
      });
      return stream;
    },
    async readRange(start, end) {
      const handle = await fs.open(uri, 'r');
      try {
        const buffer = new Uint8Array(Math.max(0, end - start));
        let offset = 0;
        while (offset < buffer.length) {
          const { bytesRead } = await handle.read(
            buffer,
            offset,
            buffer.length - offset,
            start + offset,
          );
          if (bytesRead === 0) break;
          offset += bytesRead;
        }
        return offset === buffer.length ? buffer : buffer.subarray(0, offset);
      } finally {
        await handle.close();
      }
    },
  };
}

/** A local file, by path (for the reader's own string sources). */
export async function localFileRef(file: string): Promise<FocusFileRef> {
  return localFile(file, await fs.stat(file));
}

/** An http(s) URL (for the reader's own string sources). */
export function httpFileRef(url: string): Promise<FocusFileRef> {
  return httpFile(url);
}

/** What identifies a file or folder, whatever the path to it. */
function fileKey(stat: { dev: number; ino: number }): string {
  return `${stat.dev}:${stat.ino}`;
}

interface LocalFile {
  file: string;
  stat: Stats;
}

/**
 * The regular files among `candidates`, each real file once (by device and
 * inode): the first path without a link wins, else the first path.
 */
async function distinctFiles(
  candidates: string[],
  onSkip: (skipped: FocusSkippedPath) => void,
): Promise<LocalFile[]> {
  const found: Array<LocalFile & { link: boolean }> = [];
  for (const file of candidates) {
    let lstat;
    try {
      lstat = await fs.lstat(file);
    } catch {
      continue; // gone since it was listed
    }
    const link = lstat.isSymbolicLink();
    const stat = link ? await fs.stat(file).catch(() => undefined) : lstat;
    if (!stat) {
      onSkip({ path: path.resolve(file), reason: 'a broken link' });
    } else if (stat.isFile()) {
      found.push({ file, stat, link });
    } else if (!stat.isDirectory()) {
      onSkip({
        path: path.resolve(file),
        reason: 'not a regular file (a FIFO, socket or device)',
      });
    }
  }
  // Stable: within each kind, the order of `candidates`.
  found.sort((a, b) => Number(a.link) - Number(b.link));
  const kept = new Map<string, LocalFile>();
  for (const entry of found) {
    const key = fileKey(entry.stat);
    const first = kept.get(key);
    if (first) {
      onSkip({
        path: path.resolve(entry.file),
        reason: `the same file as ${path.resolve(first.file)}`,
      });
    } else kept.set(key, { file: entry.file, stat: entry.stat });
  }
  return [...kept.values()];
}

/**
 * The paths below a folder whose names are those of FOCUS exports, in a
 * stable order: the tree without links first (depth first, names sorted),
 * then what links lead to, each folder entered once (by device and inode).
 */
async function walkFolder(
  root: string,
  rootStat: Stats,
  location: string,
  onSkip: (skipped: FocusSkippedPath) => void,
): Promise<string[]> {
  const entered = new Map<string, string>([
    [fileKey(rootStat), path.resolve(root)],
  ]);
  const files: string[] = [];
  const links: string[] = [];

  async function walk(folder: string) {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(folder, { withFileTypes: true });
    } catch (error) {
      throw localError(`${location} (${folder})`, error);
    }
    entries.sort((a, b) => byCodeUnits(a.name, b.name));
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (entry.isSymbolicLink()) {
        links.push(full);
      } else if (entry.isDirectory()) {
        const stat = await fs.stat(full);
        const already = entered.get(fileKey(stat));
        if (already) {
          // A bind mount of a folder already listed.
          onSkip({
            path: path.resolve(full),
            reason: `the same folder as ${already}`,
          });
          continue;
        }
        entered.set(fileKey(stat), path.resolve(full));
        await walk(full);
      } else if (focusFileFormat(entry.name)) {
        files.push(full);
      }
    }
  }

  await walk(root);
  // Links last, so that a file or folder is listed by its path without
  // links where it has one; links met inside a linked folder join the queue.
  for (let i = 0; i < links.length; i++) {
    const link = links[i];
    const stat = await fs.stat(link).catch(() => undefined);
    if (!stat) {
      if (focusFileFormat(link)) files.push(link); // reported as broken
      continue;
    }
    if (!stat.isDirectory()) {
      if (focusFileFormat(link)) files.push(link);
      continue;
    }
    const already = entered.get(fileKey(stat));
    if (already) {
      const resolved = path.resolve(link);
      const loop =
        resolved === already || resolved.startsWith(`${already}${path.sep}`);
      onSkip({
        path: resolved,
        reason: `a link to a folder already listed (${already}${
          loop ? ', a link loop' : ''
        })`,
      });
      continue;
    }
    entered.set(fileKey(stat), path.resolve(link));
    await walk(link);
  }
  return files;
}

async function listLocal(
  target: string,
  location: string,
  onSkip: (skipped: FocusSkippedPath) => void,
): Promise<FocusFileRef[]> {
  if (GLOB_CHARS.test(target)) {
    const matches: string[] = [];
    for await (const match of fs.glob(target)) {
      if (focusFileFormat(match)) matches.push(match);
    }
    matches.sort(byCodeUnits);
    const files = await distinctFiles(matches, onSkip);
    if (files.length === 0) {
      throw new NotFoundError(
        `${location}: no FOCUS export (.csv, .csv.gz, .parquet) matches`,
      );
    }
    return files.map(f => localFile(f.file, f.stat));
  }
  let stat;
  try {
    stat = await fs.stat(target);
  } catch (error) {
    throw localError(location, error);
  }
  if (stat.isFile()) return [localFile(target, stat)];
  if (!stat.isDirectory())
    throw new InputError(`${location}: not a file or folder`);
  const files = await distinctFiles(
    await walkFolder(target, stat, location, onSkip),
    onSkip,
  );
  if (files.length === 0) {
    throw new NotFoundError(
      `${location}: the folder holds no FOCUS export (.csv, .csv.gz, .parquet)`,
    );
  }
  return files.map(f => localFile(f.file, f.stat));
}

function localError(location: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT')
    return new NotFoundError(`${location}: no such file or folder`);
  if (code === 'EACCES' || code === 'EPERM') {
    return new NotAllowedError(`${location}: permission denied`);
  }
  return new InputError(
    `${location}: cannot be read: ${
      error instanceof Error ? error.message : String(error)
    }`,
  );
}

// ---------------------------------------------------------------------------
// HTTP(S)

function httpStatusError(
  location: string,
  method: string,
  response: Response,
): Error {
  const message = `${redactSecrets(location)}: ${method} failed: ${
    response.status
  } ${response.statusText}`.trim();
  if (response.status === 404 || response.status === 410)
    return new NotFoundError(message);
  if (response.status === 401 || response.status === 403)
    return new NotAllowedError(message);
  if (response.status >= 500) return new ServiceUnavailableError(message);
  return new InputError(message);
}

/**
 * fetch, with user info in the URL sent as basic authentication (fetch
 * refuses URLs with credentials), failing with the location redacted.
 */
async function httpFetch(
  location: string,
  init: RequestInit & { method: string; headers?: Record<string, string> },
): Promise<Response> {
  try {
    const { target, headers } = withoutUserInfo(location, init.headers ?? {});
    return await fetch(target, { ...init, headers });
  } catch (error) {
    if ((error as Error)?.name === 'AbortError') throw error;
    const cause = (error as { cause?: { message?: string } })?.cause?.message;
    throw new ServiceUnavailableError(
      `${redactSecrets(location)}: ${init.method} failed: ${redactSecrets(
        cause ?? (error as Error).message,
      )}`,
    );
  }
}

/** GETs an http(s) URL as a stream, failing with the location redacted. */
export async function openHttp(
  location: string,
  signal?: AbortSignal,
): Promise<Readable> {
  const response = await httpFetch(location, { method: 'GET', signal });
  if (!response.ok || !response.body)
    throw httpStatusError(location, 'GET', response);
  return Readable.fromWeb(response.body as any);
}

async function httpFile(
  location: string,
  signal?: AbortSignal,
): Promise<FocusFileRef> {
  // HEAD tells the size, ETag and whether ranges are served; some servers do
  // not answer HEAD, and then the file is only streamed.
  const head = await httpFetch(location, { method: 'HEAD', signal });
  let size: number | undefined;
  let version: string | undefined;
  let ranges = false;
  if (head.ok) {
    const length = Number(head.headers.get('content-length'));
    size =
      Number.isFinite(length) && head.headers.has('content-length')
        ? length
        : undefined;
    version =
      head.headers.get('etag') ??
      head.headers.get('last-modified') ??
      undefined;
    ranges =
      head.headers.get('accept-ranges')?.toLowerCase() === 'bytes' &&
      size !== undefined &&
      !head.headers.get('content-encoding');
  } else if (head.status !== 405 && head.status !== 501) {
    throw httpStatusError(location, 'HEAD', head);
  }
  const ref: FocusFileRef = {
    uri: location,
    size,
    version,
    format: focusFileFormat(new URL(location).pathname) ?? 'csv',
    open: openSignal => openHttp(location, openSignal),
  };
  if (ranges) {
    ref.readRange = async (start, end, rangeSignal) => {
      const response = await httpFetch(location, {
        method: 'GET',
        headers: { range: `bytes=${start}-${end - 1}` },
        signal: rangeSignal,
      });
      if (response.status !== 206) {
        await response.body?.cancel();
        if (!response.ok) throw httpStatusError(location, 'GET', response);
        throw new InputError(
          `${redactSecrets(location)}: the server ignored a byte range request`,
        );
      }
      return new Uint8Array(await response.arrayBuffer());
    };
  }
  return ref;
}

// ---------------------------------------------------------------------------
// S3 and S3-compatible buckets

function parseS3(location: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(location);
  if (!match) {
    throw new InputError(
      `${redactSecrets(location)}: expected s3://bucket/prefix/`,
    );
  }
  return { bucket: match[1], key: decodeURIComponent(match[2]) };
}

/** The SDK's errors, as errors that name the location. */
function s3Error(uri: string, bucket: string, error: unknown): Error {
  if ((error as Error)?.name === 'AbortError') return error as Error;
  const location = redactSecrets(uri);
  const name = (error as { name?: string })?.name ?? '';
  const status =
    error instanceof awsS3().S3ServiceException
      ? error.$metadata?.httpStatusCode
      : undefined;
  const detail = redactSecrets(
    error instanceof Error ? error.message : String(error),
  );
  if (name === 'NoSuchBucket') {
    return new NotFoundError(`${location}: bucket '${bucket}' does not exist`);
  }
  if (name === 'NoSuchKey' || status === 404) {
    return new NotFoundError(`${location}: not found (${detail})`);
  }
  if (name === 'AccessDenied' || status === 403 || status === 401) {
    return new NotAllowedError(`${location}: access denied (${detail})`);
  }
  if (status !== undefined && status < 500) {
    return new InputError(
      `${location}: S3 request failed: ${status} ${detail}`,
    );
  }
  return new ServiceUnavailableError(
    `${location}: S3 request failed: ${detail}`,
  );
}

function s3Client(options: FocusS3Options = {}): S3Client {
  return new (awsS3().S3Client)({
    region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle,
    credentials: options.credentials,
    // FOCUS exports are read, not written: checksums of uploads are moot,
    // and validating response checksums needs headers S3-compatible stores
    // do not all send.
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
}

async function listS3(
  location: string,
  options: FocusLocationOptions,
): Promise<FocusFileRef[]> {
  const { bucket, key } = parseS3(location);
  const client = s3Client(options.s3);
  const globAt = key.search(GLOB_CHARS);
  const pattern = globAt >= 0 ? key : undefined;
  const prefix =
    globAt >= 0 ? key.slice(0, key.lastIndexOf('/', globAt) + 1) : key;

  const objects: Array<{ key: string; size?: number; etag?: string }> = [];
  let token: string | undefined;
  do {
    let page: ListObjectsV2CommandOutput;
    try {
      page = await client.send(
        new (awsS3().ListObjectsV2Command)({
          Bucket: bucket,
          Prefix: prefix || undefined,
          ContinuationToken: token,
        }),
        { abortSignal: options.signal as any },
      );
    } catch (error) {
      throw s3Error(location, bucket, error);
    }
    for (const object of page.Contents ?? []) {
      if (object.Key === undefined) continue;
      objects.push({ key: object.Key, size: object.Size, etag: object.ETag });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);

  let chosen: typeof objects;
  if (pattern) {
    chosen = objects.filter(
      o => focusFileFormat(o.key) && path.posix.matchesGlob(o.key, pattern),
    );
  } else {
    const exact = objects.find(o => o.key === key && key !== '');
    chosen = exact
      ? [exact]
      : objects.filter(
          o =>
            focusFileFormat(o.key) &&
            (key === '' || key.endsWith('/') || o.key.startsWith(`${key}/`)),
        );
  }
  if (chosen.length === 0) {
    throw new NotFoundError(
      pattern
        ? `${redactSecrets(
            location,
          )}: no FOCUS export (.csv, .csv.gz, .parquet) matches`
        : `${redactSecrets(
            location,
          )}: no FOCUS export (.csv, .csv.gz, .parquet) in the bucket at this key or prefix`,
    );
  }
  return chosen.map(object => s3File(client, bucket, object));
}

function s3File(
  client: S3Client,
  bucket: string,
  object: { key: string; size?: number; etag?: string },
): FocusFileRef {
  const uri = `s3://${bucket}/${object.key}`;
  const get = async (range: string | undefined, signal?: AbortSignal) => {
    try {
      const response = await client.send(
        new (awsS3().GetObjectCommand)({
          Bucket: bucket,
          Key: object.key,
          Range: range,
          // Every byte of one read comes from the same version of the object.
          IfMatch: object.etag,
        }),
        { abortSignal: signal as any },
      );
      if (!response.Body) throw new Error('empty response body');
      return response.Body;
    } catch (error) {
      throw s3Error(uri, bucket, error);
    }
  };
  return {
    uri,
    size: object.size,
    version: object.etag,
    format: focusFileFormat(object.key) ?? 'csv',
    async open(signal) {
      return (await get(undefined, signal)) as unknown as Readable;
    },
    async readRange(start, end, signal) {
      if (end <= start) return new Uint8Array(0);
      const body = await get(`bytes=${start}-${end - 1}`, signal);
      return body.transformToByteArray();
    },
  };
}
