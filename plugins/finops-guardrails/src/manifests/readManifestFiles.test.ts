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
import os from 'node:os';
import path from 'node:path';
import { readManifestFiles } from './readManifestFiles';

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'manifests-'));
});

afterEach(() => fs.rm(dir, { recursive: true, force: true }));

async function write(files: Record<string, string>) {
  for (const [rel, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), content);
  }
}

describe('readManifestFiles', () => {
  it('reads YAML, JSON and Kustomization files in name order, skipping hidden folders and node_modules', async () => {
    await write({
      'b/deploy.yaml': 'b',
      'a.yml': 'a',
      'c.json': '{}',
      'k/Kustomization': 'k',
      'README.md': 'not a manifest',
      '.git/config.yaml': 'hidden',
      'node_modules/x/x.yaml': 'dependency',
    });
    const files = await readManifestFiles(dir);
    expect(files).toEqual([
      { path: 'a.yml', content: 'a' },
      { path: 'b/deploy.yaml', content: 'b' },
      { path: 'c.json', content: '{}' },
      { path: 'k/Kustomization', content: 'k' },
    ]);
  });

  it('reads each real file once through a symlink loop', async () => {
    await write({ 'd/app.yaml': 'app', 'top.yaml': 'top' });
    await fs.symlink('.', path.join(dir, 'd/loop'));
    await fs.symlink('..', path.join(dir, 'd/up'));
    await fs.symlink('top.yaml', path.join(dir, 'z-alias.yaml'));
    const files = await readManifestFiles(dir);
    expect(files.map(f => f.path)).toEqual(['d/app.yaml', 'top.yaml']);
  });

  it('reads a file with two hard links once, by its first name, and says which name it skipped', async () => {
    await write({ 'a/deploy.yaml': 'deploy', 'b.yaml': 'b' });
    await fs.link(path.join(dir, 'a/deploy.yaml'), path.join(dir, 'c.yaml'));
    await fs.link(path.join(dir, 'b.yaml'), path.join(dir, 'a/b-copy.yml'));
    const skipped: Array<{ path: string; reason: string }> = [];
    const files = await readManifestFiles(dir, {
      label: 'gitops',
      onSkip: s => skipped.push(s),
    });
    expect(files).toEqual([
      { path: 'a/b-copy.yml', content: 'b' },
      { path: 'a/deploy.yaml', content: 'deploy' },
    ]);
    expect(skipped).toEqual([
      { path: 'gitops/b.yaml', reason: 'the same file as gitops/a/b-copy.yml' },
      {
        path: 'gitops/c.yaml',
        reason: 'the same file as gitops/a/deploy.yaml',
      },
    ]);
  });

  it('reads a linked file by its name without links, even when the link sorts first, and reports the link and the loop', async () => {
    await write({ 'd/app.yaml': 'app', 'top.yaml': 'top' });
    await fs.symlink('top.yaml', path.join(dir, 'a-alias.yaml'));
    await fs.symlink('.', path.join(dir, 'd/loop'));
    await fs.symlink('d', path.join(dir, 'b-dir'));
    const skipped: Array<{ path: string; reason: string }> = [];
    const files = await readManifestFiles(dir, {
      label: 'gitops',
      onSkip: s => skipped.push(s),
    });
    expect(files.map(f => f.path)).toEqual(['d/app.yaml', 'top.yaml']);
    expect(skipped).toEqual([
      {
        path: 'gitops/a-alias.yaml',
        reason: 'the same file as gitops/top.yaml',
      },
      {
        path: 'gitops/b-dir',
        reason: 'a link to a folder already read (gitops/d)',
      },
      {
        path: 'gitops/d/loop',
        reason: 'a link to a folder already read (gitops/d, a link loop)',
      },
    ]);
  });

  it('counts a file with several names once against the limits', async () => {
    await write({ 'a.yaml': 'x'.repeat(40) });
    await fs.link(path.join(dir, 'a.yaml'), path.join(dir, 'b.yaml'));
    await fs.symlink('a.yaml', path.join(dir, 'c.yaml'));
    await expect(
      readManifestFiles(dir, { maxFiles: 1, maxTotalBytes: 50 }),
    ).resolves.toEqual([{ path: 'a.yaml', content: 'x'.repeat(40) }]);
  });

  it('does not follow links out of the folder, nor dangling ones', async () => {
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'outside-'));
    try {
      await fs.writeFile(path.join(outside, 'secret.yaml'), 'secret');
      await write({ 'app/app.yaml': 'app' });
      await fs.symlink(outside, path.join(dir, 'app/out'));
      await fs.symlink(
        path.join(outside, 'secret.yaml'),
        path.join(dir, 'app/secret.yaml'),
      );
      await fs.symlink('missing.yaml', path.join(dir, 'app/dangling.yaml'));
      const skipped: Array<{ path: string; reason: string }> = [];
      const files = await readManifestFiles(path.join(dir, 'app'), {
        label: 'app',
        onSkip: s => skipped.push(s),
      });
      expect(files).toEqual([{ path: 'app.yaml', content: 'app' }]);
      expect(skipped).toEqual([
        { path: 'app/dangling.yaml', reason: 'a broken link' },
        { path: 'app/out', reason: 'a link out of the folder' },
        { path: 'app/secret.yaml', reason: 'a link out of the folder' },
      ]);
    } finally {
      await fs.rm(outside, { recursive: true, force: true });
    }
  });

  it('fails with a clear error naming the path when a limit is passed', async () => {
    await write({ 'a.yaml': 'a', 'b/big.yaml': 'x'.repeat(100) });
    await expect(
      readManifestFiles(dir, { label: 'gitops', maxFileBytes: 50 }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message:
        'gitops/b/big.yaml: 100 bytes, more than the 50 a manifest file may have',
    });
    await expect(
      readManifestFiles(dir, { label: 'gitops', maxFiles: 1 }),
    ).rejects.toThrow(
      'gitops: more than 1 manifest files; name a smaller folder',
    );
    await expect(
      readManifestFiles(dir, { label: 'gitops', maxTotalBytes: 50 }),
    ).rejects.toThrow(
      'gitops: more than 50 bytes of manifest files; name a smaller folder',
    );
  });

  it('names a folder it cannot read', async () => {
    await expect(
      readManifestFiles(path.join(dir, 'nope'), { label: 'nope' }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: 'nope: cannot read it (no such file or directory)',
    });
  });
});
