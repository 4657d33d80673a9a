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
      const files = await readManifestFiles(path.join(dir, 'app'));
      expect(files).toEqual([{ path: 'app.yaml', content: 'app' }]);
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
