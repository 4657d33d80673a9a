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

import { ConfigReader } from '@backstage/config';
import type { ManifestChange } from '@ai-finops/backstage-plugin-finops-common';
import { GithubGitopsPullRequests, recommendationBranch } from './github';
import { SERVICE_FILES } from './testing/serviceFiles';
import { pullRequestContent } from './pullRequestContent';
import { parseGitopsRepo, readGitopsLocation } from './repository';
import { FakeGithub } from './testing/fakeGithubServer';

const CHANGES: ManifestChange[] = [
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
    kind: 'ScaledObject',
    name: 'chat',
    namespace: 'chat-prod',
    path: '/spec/maxReplicaCount',
    op: 'replace',
    oldValue: 6,
    newValue: 4,
  },
];

const REC = {
  id: 'replica-bounds:Deployment/chat',
  title: 'Lower chat-prod replica bounds to 1–4',
  description: 'Peak demand needs 3.1 replicas at 80 % utilisation.',
  monthlySavings: 18250,
  monthlyCarbonSavingKg: 412.5,
  risk: 'medium' as const,
  riskReason: 'A burst above the 30-day peak would queue.',
  confidence: 0.8,
  evidence: ['p95 utilisation 31 % over 30 days', '2 H100 idle 61 % of hours'],
  changes: CHANGES,
};

describe('GithubGitopsPullRequests against GitHub at the HTTP edge', () => {
  let github: FakeGithub;
  let prs: GithubGitopsPullRequests;

  beforeEach(async () => {
    github = new FakeGithub({
      owner: 'acme',
      repo: 'deployments',
      token: 'ghs_test',
    });
    const files: Record<string, string> = { 'README.md': '# deployments\n' };
    for (const [p, c] of Object.entries(SERVICE_FILES))
      files[`apps/chat/${p}`] = c;
    files['apps/search/base/deployment.yaml'] =
      'kind: Deployment\nmetadata:\n  name: chat\n';
    github.seed(files);
    const baseUrl = await github.start();
    prs = GithubGitopsPullRequests.fromConfig(
      new ConfigReader({
        integrations: {
          github: [
            { host: 'github.com', apiBaseUrl: baseUrl, token: 'ghs_test' },
          ],
        },
      }),
    );
  });

  afterEach(() => github.stop());

  const location = parseGitopsRepo('github.com/acme/deployments/apps/chat');

  it('commits the edits on ai-finops/rec-<id>, opens the pull request with saving, evidence and the diff, and labels it', async () => {
    const content = pullRequestContent(REC, {
      entityRef: 'component:default/chat',
    });
    const pr = await prs.openPullRequest({
      location,
      recommendationId: REC.id,
      changes: REC.changes,
      ...content,
    });
    const branch = recommendationBranch(REC.id);
    expect(branch).toMatch(
      /^ai-finops\/rec-replica-bounds-Deployment-chat-[0-9a-f]{8}$/,
    );
    expect(pr).toMatchObject({
      repository: 'acme/deployments',
      number: 1,
      url: 'https://github.com/acme/deployments/pull/1',
      branch,
      baseBranch: 'main',
      state: 'open',
      created: true,
    });

    // One commit on top of main, only the two files changed, comments kept.
    const main = github.filesOf('main');
    const head = github.filesOf(branch);
    const changed = Object.keys(head).filter(p => head[p] !== main[p]);
    expect(changed.sort()).toEqual([
      'apps/chat/overlays/prod/autoscaler.yaml',
      'apps/chat/overlays/prod/workload-patch.yaml',
    ]);
    expect(head['apps/chat/overlays/prod/autoscaler.yaml']).toBe(
      main['apps/chat/overlays/prod/autoscaler.yaml'].replace(
        'maxReplicaCount: 6   # capped',
        'maxReplicaCount: 4   # capped',
      ),
    );
    expect(github.commitOf(branch)!.parents).toEqual([
      github.refs.get('heads/main'),
    ]);
    expect(github.commitOf(branch)!.message).toMatch(
      /^Lower chat-prod replica bounds to 1–4\n\nAI FinOps recommendation replica-bounds:Deployment\/chat/,
    );

    const opened = github.pulls[0];
    expect(opened.title).toBe(
      'AI FinOps: Lower chat-prod replica bounds to 1–4',
    );
    expect(opened.base).toBe('main');
    expect(opened.labels).toEqual(['ai-finops', 'risk:medium']);
    expect(opened.body).toContain('saves $18,250 per month');
    expect(opened.body).toContain(
      '| $18,250 | 412.5 kgCO2e | medium: A burst above the 30-day peak would queue. | 80 % |',
    );
    expect(opened.body).toContain('- p95 utilisation 31 % over 30 days');
    expect(opened.body).toContain(
      '| `overlays/prod/autoscaler.yaml` | ScaledObject/chat | `spec.maxReplicaCount` | `6` | `4` |',
    );
    expect(opened.body).not.toContain('{{diff}}');
    // Only the service folder's subtree was listed recursively.
    const recursive = github.requests.filter(r =>
      r.path.includes('recursive='),
    );
    expect(recursive).toHaveLength(1);
    expect(recursive[0].path).not.toContain(github.commitOf('main')!.tree);
    // Credentials came from the integration.
    expect(
      github.requests.every(r => r.authorization === 'token ghs_test'),
    ).toBe(true);
  });

  it('is idempotent: an open pull request for the recommendation is returned, not duplicated', async () => {
    const content = pullRequestContent(REC, {
      entityRef: 'component:default/chat',
    });
    const input = {
      location,
      recommendationId: REC.id,
      changes: REC.changes,
      ...content,
    };
    const first = await prs.openPullRequest(input);
    const writes = github.requests.filter(r => r.method !== 'GET').length;
    const second = await prs.openPullRequest(input);
    expect(second).toMatchObject({
      number: first.number,
      created: false,
      state: 'open',
    });
    expect(github.pulls).toHaveLength(1);
    expect(github.requests.filter(r => r.method !== 'GET').length).toBe(writes);
    expect(
      github.requests.some(
        r =>
          r.path ===
          `/repos/acme/deployments/pulls?state=open&head=acme%3A${encodeURIComponent(
            first.branch,
          )}&per_page=10`,
      ),
    ).toBe(true);

    // Closed without merging: a new request re-points the branch and opens #2.
    github.decide(first.number, 'close');
    const third = await prs.openPullRequest(input);
    expect(third).toMatchObject({ number: 2, created: true });
    expect(github.requests.some(r => r.method === 'PATCH')).toBe(true);
  });

  it('two requests at once give one pull request', async () => {
    const content = pullRequestContent(REC, {
      entityRef: 'component:default/chat',
    });
    const input = {
      location,
      recommendationId: REC.id,
      changes: REC.changes,
      ...content,
    };
    const [a, b] = await Promise.all([
      prs.openPullRequest(input),
      prs.openPullRequest(input),
    ]);
    expect(a.number).toBe(b.number);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(github.pulls).toHaveLength(1);
    // Both got past the first check: the second POST /pulls met GitHub's 422.
    const creates = github.requests.filter(
      r => r.method === 'POST' && r.path === '/repos/acme/deployments/pulls',
    );
    expect(creates).toHaveLength(2);
  });

  it('reads the state: open, merged, closed', async () => {
    const content = pullRequestContent(REC, {
      entityRef: 'component:default/chat',
    });
    const pr = await prs.openPullRequest({
      location,
      recommendationId: REC.id,
      changes: REC.changes,
      ...content,
    });
    expect(await prs.getPullRequestState(location, pr.number)).toEqual({
      state: 'open',
      url: pr.url,
    });
    github.decide(pr.number, 'merge');
    expect(await prs.getPullRequestState(location, pr.number)).toEqual({
      state: 'merged',
      url: pr.url,
      at: '2026-11-27T09:30:00Z',
    });
    await expect(prs.getPullRequestState(location, 99)).rejects.toMatchObject({
      name: 'NotFoundError',
    });
  });

  it('refuses with clear errors: bad credentials, unknown host, missing object, stale value', async () => {
    const bad = GithubGitopsPullRequests.fromConfig(
      new ConfigReader({
        integrations: {
          github: [
            { host: 'github.com', apiBaseUrl: github.baseUrl, token: 'wrong' },
          ],
        },
      }),
    );
    await expect(bad.getPullRequestState(location, 1)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        'GitHub refused the request on acme/deployments (401): Bad credentials',
      ),
    });
    await expect(
      prs.getPullRequestState(
        parseGitopsRepo('ghe.example.com/acme/deployments'),
        1,
      ),
    ).rejects.toThrow(
      "No integrations.github entry for host 'ghe.example.com'",
    );
    await expect(
      prs.openPullRequest({
        location,
        recommendationId: 'x',
        changes: [{ ...CHANGES[0], oldValue: 3 }],
        title: 't',
        body: 'b',
      }),
    ).rejects.toThrow(
      'overlays/prod/workload-patch.yaml: Deployment chat-prod/chat field spec.replicas is 2, not 3',
    );
    await expect(
      prs.openPullRequest({
        location: { ...location, path: 'apps/nothing' },
        recommendationId: 'x',
        changes: CHANGES,
        title: 't',
        body: 'b',
      }),
    ).rejects.toThrow(
      "No folder 'apps/nothing' in acme/deployments@main; check ai-finops.io/gitops-repo and ai-finops.io/gitops-path",
    );
    // Nothing was written for the refused requests.
    expect(github.requests.filter(r => r.method !== 'GET')).toEqual([]);
  });
});

describe('GitOps location annotations', () => {
  const entity = (annotations: Record<string, string>) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'chat', annotations },
  });

  it('reads the scaffolder value, URLs and the path override', () => {
    expect(
      readGitopsLocation(
        entity({
          'ai-finops.io/gitops-repo': 'github.com/acme/deploy/apps/chat',
        }),
      ),
    ).toEqual({
      host: 'github.com',
      owner: 'acme',
      repo: 'deploy',
      path: 'apps/chat',
      url: 'https://github.com/acme/deploy',
    });
    expect(
      readGitopsLocation(
        entity({
          'ai-finops.io/gitops-repo': 'https://github.com/acme/deploy.git',
          'ai-finops.io/gitops-path': '/apps/chat/',
        }),
      )?.path,
    ).toBe('apps/chat');
    expect(
      parseGitopsRepo('https://github.com/acme/deploy/tree/main/apps/chat')
        .path,
    ).toBe('apps/chat');
    expect(parseGitopsRepo('github.com?owner=acme&repo=deploy')).toMatchObject({
      owner: 'acme',
      repo: 'deploy',
      path: '',
    });
    expect(readGitopsLocation(entity({}))).toBeUndefined();
    expect(() => parseGitopsRepo('github.com/acme')).toThrow(
      "Invalid ai-finops.io/gitops-repo 'github.com/acme'; expected <host>/<owner>/<repo>[/<path>]",
    );
  });
});
