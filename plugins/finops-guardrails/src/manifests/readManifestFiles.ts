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
import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ManifestFile } from '../policy/manifests';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
/** Dependencies are not manifests; hidden folders (`.git`) are skipped too. */
const SKIPPED_DIRS = new Set(['node_modules']);

const MIB = 1024 * 1024;

/**
 * Options of {@link readManifestFiles}.
 *
 * @public
 */
export interface ReadManifestFilesOptions {
  /** How messages name the folder. Defaults to the path as given. */
  label?: string;
  /** The most manifest files the folder may hold. Defaults to 10,000. */
  maxFiles?: number;
  /** The largest manifest file, in bytes. Defaults to 5 MiB. */
  maxFileBytes?: number;
  /** The most bytes of all the files together. Defaults to 100 MiB. */
  maxTotalBytes?: number;
}

/**
 * The manifest files of a folder as `loadManifests` and `PolicySet.load`
 * take them: every `.yaml`, `.yml` and `.json` file and every
 * `Kustomization` below `root`, in name order, with paths relative to `root`
 * and `/` separators. Hidden folders and `node_modules` are skipped.
 * Symbolic links are followed while they stay inside `root`, and each real
 * file and folder is read once, so a link loop (`d/loop -> .`) ends.
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

  const prefix =
    path.normalize(label) === '.' ? '' : `${label.replace(/\/+$/, '')}/`;
  const where = (rel: string) => (rel ? `${prefix}${rel}` : label);

  const realRoot = await io(where(''), () => fs.realpath(root));
  const seen = new Set<string>();
  const out: ManifestFile[] = [];
  let totalBytes = 0;

  async function readFile(real: string, rel: string) {
    if (seen.has(real)) return;
    seen.add(real);
    if (out.length >= maxFiles) {
      throw new InputError(
        `${label}: more than ${maxFiles} manifest files; name a smaller folder`,
      );
    }
    const { size } = await io(where(rel), () => fs.stat(real));
    if (size > maxFileBytes) {
      throw new InputError(
        `${where(
          rel,
        )}: ${size} bytes, more than the ${maxFileBytes} a manifest file may have`,
      );
    }
    totalBytes += size;
    if (totalBytes > maxTotalBytes) {
      throw new InputError(
        `${label}: more than ${maxTotalBytes} bytes of manifest files; name a smaller folder`,
      );
    }
    out.push({
      path: rel,
      content: await io(where(rel), () => fs.readFile(real, 'utf8')),
    });
  }

  async function walk(real: string, rel: string) {
    if (seen.has(real)) return;
    seen.add(real);
    const entries: Dirent[] = await io(where(rel), () =>
      fs.readdir(real, { withFileTypes: true }),
    );
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.') || SKIPPED_DIRS.has(entry.name)) continue;
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      let target = path.join(real, entry.name);
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const resolved = await followLink(target, realRoot);
        if (!resolved) continue;
        ({ target, isDirectory, isFile } = resolved);
      }
      if (isDirectory) {
        await walk(target, relPath);
      } else if (isFile && isManifestName(entry.name)) {
        await readFile(target, relPath);
      }
    }
  }

  await walk(realRoot, '');
  return out;
}

function isManifestName(name: string): boolean {
  return (
    MANIFEST_EXTENSIONS.has(path.extname(name)) || name === 'Kustomization'
  );
}

/** Where a link leads, when it leads to something inside `realRoot`. */
async function followLink(
  link: string,
  realRoot: string,
): Promise<
  { target: string; isDirectory: boolean; isFile: boolean } | undefined
> {
  let target: string;
  let stat;
  try {
    target = await fs.realpath(link);
    stat = await fs.stat(target);
  } catch {
    return undefined; // A dangling link: nothing to read.
  }
  const inside = path.relative(realRoot, target);
  if (inside.startsWith('..') || path.isAbsolute(inside)) return undefined;
  return { target, isDirectory: stat.isDirectory(), isFile: stat.isFile() };
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
