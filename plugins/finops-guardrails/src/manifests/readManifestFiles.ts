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

import { InputError } from '@backstage/errors';
import type { Dirent, Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ManifestFile } from '../policy/manifests';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
/** Dependencies are not manifests; hidden folders (`.git`) are skipped too. */
const SKIPPED_DIRS = new Set(['node_modules']);

const MIB = 1024 * 1024;

const BROKEN = 'a broken link';
const NOT_REGULAR = 'not a regular file (a FIFO, socket or device)';

/**
 * A path {@link readManifestFiles} did not read although it leads to a folder
 * or has the name of a manifest: a second name of a file already read (a
 * symbolic or hard link), a link to a folder already read (a link loop, or a
 * second way to the same folder), a link that is broken or leads out of the
 * folder, or something that is not a regular file (a FIFO, socket or device).
 *
 * @public
 */
export interface SkippedManifestPath {
  /** The path as messages name it: the label, then the path below it. */
  path: string;
  /** Why, e.g. `the same file as gitops/base/deploy.yaml`. */
  reason: string;
}

/**
 * Options of {@link readManifestFiles}.
 *
 * @public
 */
export interface ReadManifestFilesOptions {
  /** How messages name the folder. Defaults to the path as given. */
  label?: string;
  /**
   * The most manifest files the folder may hold, each real file counted
   * once. Defaults to 10,000.
   */
  maxFiles?: number;
  /** The largest manifest file, in bytes. Defaults to 5 MiB. */
  maxFileBytes?: number;
  /** The most bytes of all the files together. Defaults to 100 MiB. */
  maxTotalBytes?: number;
  /** Told about each path that was not read, and why. */
  onSkip?: (skipped: SkippedManifestPath) => void;
}

/** What identifies a file or folder, whatever the path to it. */
function fileKey(stat: { dev: number; ino: number }): string {
  return `${stat.dev}:${stat.ino}`;
}

/** Name order: folder by folder, as a depth-first walk of sorted names. */
function byNames(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const c = x[i].localeCompare(y[i]);
    if (c !== 0) return c;
  }
  return x.length - y.length;
}

/**
 * The manifest files of a folder as `loadManifests` and `PolicySet.load`
 * take them: every `.yaml`, `.yml` and `.json` file and every
 * `Kustomization` below `root`, in name order, with paths relative to `root`
 * and `/` separators. Hidden folders and `node_modules` are skipped.
 *
 * Each real file is read once (by device and inode), by its path without
 * links where it has one: symbolic links are followed while they stay inside
 * `root`, but a second name of a file already read (a symbolic or hard link)
 * is not read again, and a link to a folder already read (a loop such as
 * `d/loop -> .`) is not entered; `onSkip` is told about both, and about
 * broken links, links out of `root` and special files.
 *
 * A folder or file that cannot be read, or more files or bytes than the
 * limits allow, is an `InputError` that names the path.
 *
 * @public
 */
export async function readManifestFiles(
  root: string,
  options: ReadManifestFilesOptions = {},
): Promise<ManifestFile[]> {
  const label = options.label ?? root;
  const maxFiles = options.maxFiles ?? 10_000;
  const maxFileBytes = options.maxFileBytes ?? 5 * MIB;
  const maxTotalBytes = options.maxTotalBytes ?? 100 * MIB;
  const onSkip = options.onSkip ?? (() => {});

  const prefix =
    path.normalize(label) === '.' ? '' : `${label.replace(/\/+$/, '')}/`;
  const where = (rel: string) => (rel ? `${prefix}${rel}` : label);

  const realRoot = await io(where(''), () => fs.realpath(root));
  const rootStat = await io(where(''), () => fs.stat(realRoot));
  /** The folders entered, by device and inode: their path below root. */
  const entered = new Map<string, string>([[fileKey(rootStat), '']]);
  /** The files to read, by device and inode. */
  const kept = new Map<string, { rel: string; file: string }>();
  /** Links met, followed once the tree without links is walked. */
  const links: Array<{ link: string; rel: string; name: string }> = [];
  let totalBytes = 0;

  function addFile(file: string, rel: string, stat: Stats) {
    const first = kept.get(fileKey(stat));
    if (first) {
      onSkip({
        path: where(rel),
        reason: `the same file as ${where(first.rel)}`,
      });
      return;
    }
    if (kept.size >= maxFiles) {
      throw new InputError(
        `${label}: more than ${maxFiles} manifest files; name a smaller folder`,
      );
    }
    checkFileSize(rel, stat.size);
    totalBytes += stat.size;
    if (totalBytes > maxTotalBytes) {
      throw new InputError(
        `${label}: more than ${maxTotalBytes} bytes of manifest files; name a smaller folder`,
      );
    }
    kept.set(fileKey(stat), { rel, file });
  }

  function checkFileSize(rel: string, size: number) {
    if (size > maxFileBytes) {
      throw new InputError(
        `${where(
          rel,
        )}: ${size} bytes, more than the ${maxFileBytes} a manifest file may have`,
      );
    }
  }

  /** Whether to enter a folder: not when it was entered by another path. */
  function enter(stat: Stats, rel: string, link: boolean): boolean {
    const already = entered.get(fileKey(stat));
    if (already === undefined) {
      entered.set(fileKey(stat), rel);
      return true;
    }
    if (link) {
      const loop = already === '' || rel.startsWith(`${already}/`);
      onSkip({
        path: where(rel),
        reason: `a link to a folder already read (${where(already)}${
          loop ? ', a link loop' : ''
        })`,
      });
    } else {
      // A bind mount of a folder already read.
      onSkip({
        path: where(rel),
        reason: `the same folder as ${where(already)}`,
      });
    }
    return false;
  }

  async function walk(folder: string, rel: string) {
    const entries: Dirent[] = await io(where(rel), () =>
      fs.readdir(folder, { withFileTypes: true }),
    );
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.') || SKIPPED_DIRS.has(entry.name)) continue;
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      const full = path.join(folder, entry.name);
      if (entry.isSymbolicLink()) {
        links.push({ link: full, rel: relPath, name: entry.name });
      } else if (entry.isDirectory()) {
        const stat = await io(where(relPath), () => fs.stat(full));
        if (enter(stat, relPath, false)) await walk(full, relPath);
      } else if (isManifestName(entry.name)) {
        if (entry.isFile()) {
          addFile(full, relPath, await io(where(relPath), () => fs.stat(full)));
        } else {
          onSkip({ path: where(relPath), reason: NOT_REGULAR });
        }
      }
    }
  }

  await walk(realRoot, '');
  // Links last, so that a file or folder is read by its path without links
  // where it has one; links met inside a linked folder join the queue.
  for (let i = 0; i < links.length; i++) {
    const { link, rel, name } = links[i];
    const resolved = await followLink(link, realRoot);
    if (!resolved) {
      if (isManifestName(name)) onSkip({ path: where(rel), reason: BROKEN });
    } else if (!resolved.inside) {
      if (resolved.stat.isDirectory() || isManifestName(name)) {
        onSkip({ path: where(rel), reason: 'a link out of the folder' });
      }
    } else if (resolved.stat.isDirectory()) {
      if (enter(resolved.stat, rel, true)) await walk(resolved.target, rel);
    } else if (isManifestName(name)) {
      if (resolved.stat.isFile()) addFile(resolved.target, rel, resolved.stat);
      else onSkip({ path: where(rel), reason: NOT_REGULAR });
    }
  }

  const out: ManifestFile[] = [];
  for (const { rel, file } of [...kept.values()].sort((a, b) =>
    byNames(a.rel, b.rel),
  )) {
    const bytes = await io(where(rel), () => fs.readFile(file));
    checkFileSize(rel, bytes.length); // it may have grown since
    out.push({ path: rel, content: bytes.toString('utf8') });
  }
  return out;
}

function isManifestName(name: string): boolean {
  return (
    MANIFEST_EXTENSIONS.has(path.extname(name)) || name === 'Kustomization'
  );
}

/** Where a link leads, and whether that is inside `realRoot`; broken: undefined. */
async function followLink(
  link: string,
  realRoot: string,
): Promise<{ target: string; stat: Stats; inside: boolean } | undefined> {
  let target: string;
  let stat;
  try {
    target = await fs.realpath(link);
    stat = await fs.stat(target);
  } catch {
    return undefined;
  }
  const rel = path.relative(realRoot, target);
  const inside =
    rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
  return { target, stat, inside };
}

/** Runs a file system call; its failure is an InputError naming `where`. */
async function io<T>(where: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    let reason = code ?? String(error);
    if (code === 'ENOENT') reason = 'no such file or directory';
    else if (code === 'EACCES') reason = 'permission denied';
    else if (code === 'ENOTDIR') reason = 'not a directory';
    throw new InputError(`${where}: cannot read it (${reason})`);
  }
}
