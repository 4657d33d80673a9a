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

import { execFileSync } from 'node:child_process';
import {
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  mkdirSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ManifestChange } from '@ai-finops/backstage-plugin-finops-common';
import { parse } from 'yaml';
import { applyManifestChanges, type GitopsManifestFile } from './manifestEdits';
import { SERVICE_FILES } from './testing/serviceFiles';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    },
  });
}

/** Only the +/- lines of `git diff -U0`, per file. */
function changedLines(cwd: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let file = '';
  for (const line of git(cwd, 'diff', '-U0', '--no-color').split('\n')) {
    if (line.startsWith('+++ b/')) file = line.slice(6);
    else if (/^[+-](?![+-]{2} )/.test(line) && !line.startsWith('--- ')) {
      (out[file] ??= []).push(line);
    }
  }
  return out;
}

describe('applyManifestChanges in a real git repository', () => {
  let repo: string;
  const root = 'apps/chat';

  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), 'gitops-edit-'));
    git(repo, 'init', '-q', '-b', 'main');
    for (const [path, content] of Object.entries(SERVICE_FILES)) {
      const full = join(repo, root, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    }
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'chat service');
  });

  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  function read(): GitopsManifestFile[] {
    return Object.keys(SERVICE_FILES).map(path => ({
      path,
      content: readFileSync(join(repo, root, path), 'utf8'),
    }));
  }

  function write(files: GitopsManifestFile[]) {
    for (const f of files) writeFileSync(join(repo, root, f.path), f.content);
  }

  it('edits the overlay patch, adds to it instead of the shared base, and edits overlay-only resources; git diff shows only those lines', () => {
    const changes: ManifestChange[] = [
      {
        kind: 'Deployment',
        name: 'chat',
        namespace: 'chat-prod',
        path: '/spec/replicas',
        op: 'replace',
        oldValue: 2,
        newValue: 1,
      },
      {
        kind: 'Deployment',
        name: 'chat',
        namespace: 'chat-prod',
        path: '/spec/template/spec/containers/0/resources/requests/cpu',
        op: 'replace',
        oldValue: '8',
        newValue: '3',
      },
      {
        kind: 'ScaledObject',
        name: 'chat',
        namespace: 'chat-prod',
        path: '/spec/maxReplicaCount',
        op: 'replace',
        oldValue: 6,
        newValue: 4,
      },
    ];
    const result = applyManifestChanges(read(), changes);
    expect(result.edits.map(e => [e.file, e.via, e.field])).toEqual([
      ['overlays/prod/workload-patch.yaml', 'overlay-patch', 'spec.replicas'],
      [
        'overlays/prod/workload-patch.yaml',
        'overlay-patch-added',
        'spec.template.spec.containers[0].resources.requests.cpu',
      ],
      ['overlays/prod/autoscaler.yaml', 'resource', 'spec.maxReplicaCount'],
    ]);
    write(result.files);

    expect(changedLines(repo)).toEqual({
      'apps/chat/overlays/prod/autoscaler.yaml': [
        '-  maxReplicaCount: 6   # capped by the budget',
        '+  maxReplicaCount: 4   # capped by the budget',
      ],
      'apps/chat/overlays/prod/workload-patch.yaml': [
        '-  replicas: 2 # two for the launch',
        '+  replicas: 1 # two for the launch',
        '+  template:',
        '+    spec:',
        '+      containers:',
        '+        - name: vllm',
        '+          resources:',
        '+            requests:',
        '+              cpu: "3"',
      ],
    });
    // The shared base (and so dev) is untouched; the patch is valid YAML.
    expect(git(repo, 'status', '--porcelain')).not.toContain('base/');
    const patch = parse(
      readFileSync(
        join(repo, root, 'overlays/prod/workload-patch.yaml'),
        'utf8',
      ),
    );
    expect(patch.spec.template.spec.containers).toEqual([
      { name: 'vllm', resources: { requests: { cpu: '3' } } },
    ]);
  });

  it('edits the base in place when one overlay uses it, keeping quotes and comments', () => {
    const files = read().filter(f => !f.path.startsWith('overlays/dev/'));
    const result = applyManifestChanges(files, [
      {
        kind: 'Deployment',
        name: 'chat',
        namespace: 'chat-prod',
        path: '/spec/template/spec/containers/0/resources/requests/memory',
        op: 'replace',
        oldValue: '64Gi',
        newValue: '40Gi',
      },
      {
        kind: 'Deployment',
        name: 'chat',
        namespace: 'chat-prod',
        path: '/spec/template/spec/containers/0/resources/requests/cpu',
        op: 'replace',
        oldValue: '8',
        newValue: '5',
      },
    ]);
    expect(result.edits.map(e => e.via)).toEqual(['resource', 'resource']);
    write(result.files);
    expect(changedLines(repo)).toEqual({
      'apps/chat/base/deployment.yaml': [
        '-            cpu: "8"        # cores, tuned in May',
        '-            memory: 64Gi',
        '+            cpu: "5"        # cores, tuned in May',
        '+            memory: 40Gi',
      ],
    });
  });

  it('edits a multi-document file without kustomizations, and adds and removes fields', () => {
    const content = `${SERVICE_FILES['base/service.yaml']}---\n${SERVICE_FILES['base/deployment.yaml']}`;
    const path = 'all.yaml';
    writeFileSync(join(repo, root, path), content);
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'single file');
    const result = applyManifestChanges(
      [{ path, content }],
      [
        {
          kind: 'Deployment',
          name: 'chat',
          path: '/spec/template/spec/containers/1/resources',
          op: 'add',
          newValue: { requests: { cpu: '100m', memory: '128Mi' } },
        },
        {
          kind: 'Deployment',
          name: 'chat',
          path: '/spec/template/spec/containers/0/resources/limits/memory',
          op: 'remove',
          oldValue: '64Gi',
        },
      ],
    );
    write(result.files);
    expect(changedLines(repo)).toEqual({
      'apps/chat/all.yaml': [
        '-            memory: 64Gi',
        '+        resources:',
        '+          requests:',
        '+            cpu: 100m',
        '+            memory: 128Mi',
      ],
    });
  });

  it('uses the kustomization replicas field and JSON 6902 patches when they set the value', () => {
    const files = read().map(f =>
      f.path === 'overlays/prod/kustomization.yaml'
        ? {
            ...f,
            content: `${f.content}replicas:
  - name: chat
    count: 3 # launch week
  - name: other
    count: 1
patchesJson6902:
  - target: {group: keda.sh, version: v1alpha1, kind: ScaledObject, name: chat}
    path: keda-ops.yaml
`,
          }
        : f,
    );
    files.push({
      path: 'overlays/prod/keda-ops.yaml',
      content: `- op: replace
  path: /spec/maxReplicaCount
  value: 8 # raised for launch
`,
    });
    const result = applyManifestChanges(files, [
      {
        kind: 'Deployment',
        name: 'chat',
        namespace: 'chat-prod',
        path: '/spec/replicas',
        op: 'replace',
        oldValue: 3,
        newValue: 2,
      },
      {
        kind: 'ScaledObject',
        name: 'chat',
        namespace: 'chat-prod',
        path: '/spec/maxReplicaCount',
        op: 'replace',
        oldValue: 8,
        newValue: 5,
      },
    ]);
    expect(result.edits.map(e => [e.file, e.via, e.field])).toEqual([
      [
        'overlays/prod/kustomization.yaml',
        'kustomization-replicas',
        'replicas[0].count',
      ],
      ['overlays/prod/keda-ops.yaml', 'json6902-patch', '[0].value'],
    ]);
    const k = result.files.find(
      f => f.path === 'overlays/prod/kustomization.yaml',
    )!;
    expect(k.content).toContain(
      '    count: 2 # launch week\n  - name: other\n    count: 1\n',
    );
    expect(
      result.files.find(f => f.path === 'overlays/prod/keda-ops.yaml')!.content,
    ).toBe(
      '- op: replace\n  path: /spec/maxReplicaCount\n  value: 5 # raised for launch\n',
    );
  });

  it('names the file, object and field when the object, the overlay or the old value is not there', () => {
    const files = read();
    const base = {
      kind: 'Deployment',
      name: 'chat',
      namespace: 'chat-prod',
      path: '/spec/replicas',
      op: 'replace' as const,
      newValue: 1,
    };
    expect(() =>
      applyManifestChanges(files, [{ ...base, name: 'search' }]),
    ).toThrow(
      'Deployment chat-prod/search is not found in overlays/prod or the resources it includes (field spec.replicas)',
    );
    expect(() =>
      applyManifestChanges(files, [{ ...base, namespace: 'chat-staging' }]),
    ).toThrow(
      /No overlay deploys to namespace 'chat-staging'.*overlays\/dev=chat-dev, overlays\/prod=chat-prod/,
    );
    expect(() =>
      applyManifestChanges(files, [{ ...base, namespace: undefined }]),
    ).toThrow(
      /Several overlays \(.*overlays\/dev.*overlays\/prod.*\) deploy Deployment chat/,
    );
    expect(() =>
      applyManifestChanges(files, [{ ...base, oldValue: 5 }]),
    ).toThrow(
      'overlays/prod/workload-patch.yaml: Deployment chat-prod/chat field spec.replicas is 2, not 5 as the recommendation expects; the manifest changed since, so refresh the recommendation',
    );
    expect(() =>
      applyManifestChanges(
        [
          {
            path: 'bad.yaml',
            content: 'kind: Deployment\nmetadata: {name: x\n',
          },
        ],
        [base],
      ),
    ).toThrow(/^bad\.yaml(:\d+)?: invalid YAML/);
    // Nothing was half-applied: the input files are unchanged objects.
    expect(files).toEqual(read());
  });
});
