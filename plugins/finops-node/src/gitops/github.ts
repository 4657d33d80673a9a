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

import { createHash } from 'node:crypto';
import type { Config } from '@backstage/config';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
  type GithubCredentialsProvider,
  type ScmIntegrationRegistry,
} from '@backstage/integration';
import type { ManifestChange } from '@ai-finops/backstage-plugin-finops-common';
import { Octokit } from '@octokit/rest';
import {
  applyManifestChanges,
  type GitopsManifestFile,
  type ManifestEdit,
} from './manifestEdits';
import type { GitopsLocation } from './repository';

/**
 * The state of a pull request as the recommendation tracks it.
 *
 * @public
 */
export type PullRequestState = 'open' | 'merged' | 'closed';

/**
 * A pull request opened (or found) for a recommendation.
 *
 * @public
 */
export interface RecommendationPullRequest {
  /** `owner/repo`. */
  repository: string;
  number: number;
  url: string;
  branch: string;
  baseBranch: string;
  state: PullRequestState;
  /** False when an open pull request for the recommendation already existed. */
  created: boolean;
  /** The edits made (empty when an existing pull request was reused). */
  edits: ManifestEdit[];
}

/**
 * What a pull request is opened with.
 *
 * @public
 */
export interface OpenPullRequestInput {
  location: GitopsLocation;
  recommendationId: string;
  changes: ManifestChange[];
  /** Overlay folder (relative to the service folder) when changes carry no namespace. */
  overlay?: string;
  title: string;
  /** The body; `{{diff}}` is replaced by the table of edits made. */
  body: string;
  commitMessage?: string;
  labels?: string[];
}

/**
 * Opens pull requests in GitOps repositories and reads their state.
 *
 * @public
 */
export interface GitopsPullRequests {
  openPullRequest(
    input: OpenPullRequestInput,
  ): Promise<RecommendationPullRequest>;
  getPullRequestState(
    location: Pick<GitopsLocation, 'host' | 'owner' | 'repo'>,
    number: number,
  ): Promise<{ state: PullRequestState; url: string; at?: string }>;
}

/**
 * The head branch of a recommendation's pull request:
 * `ai-finops/rec-<id>`, with characters git refuses replaced and a short hash
 * added when anything was replaced (so different ids never share a branch).
 *
 * @public
 */
export function recommendationBranch(recommendationId: string): string {
  const safe = recommendationId
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80);
  if (safe === recommendationId) return `ai-finops/rec-${safe}`;
  const hash = createHash('sha1')
    .update(recommendationId)
    .digest('hex')
    .slice(0, 8);
  return `ai-finops/rec-${safe ? `${safe}-` : ''}${hash}`;
}

const MANIFEST = /(\.ya?ml|(^|\/)Kustomization)$/;

/**
 * GitHub pull requests through Backstage's SCM integrations: the host's
 * `integrations.github` entry gives the API base URL and the credentials
 * (a token or a GitHub App, by `DefaultGithubCredentialsProvider`). Files are
 * read and committed with the Git Data API (one commit, however many files),
 * so no clone is needed.
 *
 * @public
 */
export class GithubGitopsPullRequests implements GitopsPullRequests {
  static fromConfig(config: Config): GithubGitopsPullRequests {
    const integrations = ScmIntegrations.fromConfig(config);
    return new GithubGitopsPullRequests(
      integrations,
      DefaultGithubCredentialsProvider.fromIntegrations(integrations),
    );
  }

  constructor(
    private readonly integrations: ScmIntegrationRegistry,
    private readonly credentials: GithubCredentialsProvider,
  ) {}

  private async client(
    location: Pick<GitopsLocation, 'host' | 'owner' | 'repo'>,
  ): Promise<Octokit> {
    const integration = this.integrations.github.byHost(location.host);
    if (!integration) {
      throw new InputError(
        `No integrations.github entry for host '${location.host}'; add one to app-config to open pull requests in ${location.owner}/${location.repo}`,
      );
    }
    const url = `https://${location.host}/${location.owner}/${location.repo}`;
    const { token } = await this.credentials.getCredentials({ url });
    if (!token) {
      throw new NotAllowedError(
        `No GitHub credentials for ${url}; configure a token or a GitHub App under integrations.github for ${location.host}`,
      );
    }
    return new Octokit({
      auth: token,
      baseUrl: integration.config.apiBaseUrl,
      request: { retries: 0 },
    });
  }

  async openPullRequest(
    input: OpenPullRequestInput,
  ): Promise<RecommendationPullRequest> {
    const { location } = input;
    const owner = location.owner;
    const repo = location.repo;
    const repository = `${owner}/${repo}`;
    const octokit = await this.client(location);
    const branch = recommendationBranch(input.recommendationId);

    const { data: repoInfo } = await call(repository, () =>
      octokit.rest.repos.get({ owner, repo }),
    );
    const baseBranch = repoInfo.default_branch;

    const openFromBranch = () =>
      call(repository, () =>
        octokit.rest.pulls.list({
          owner,
          repo,
          state: 'open',
          head: `${owner}:${branch}`,
          per_page: 10,
        }),
      );
    // Idempotent: an open pull request from the recommendation's branch is it.
    const { data: open } = await openFromBranch();
    if (open.length > 0) {
      const pr = open[0];
      return {
        repository,
        number: pr.number,
        url: pr.html_url,
        branch,
        baseBranch: pr.base.ref,
        state: 'open',
        created: false,
        edits: [],
      };
    }

    const { data: ref } = await call(repository, () =>
      octokit.rest.git.getRef({ owner, repo, ref: `heads/${baseBranch}` }),
    );
    const baseSha = ref.object.sha;
    const { data: baseCommit } = await call(repository, () =>
      octokit.rest.git.getCommit({ owner, repo, commit_sha: baseSha }),
    );
    // Walk down to the service folder, then read its subtree only, so a
    // large repository's tree is never listed whole.
    let folderSha = baseCommit.tree.sha;
    const segments = location.path ? location.path.split('/') : [];
    for (let i = 0; i < segments.length; i++) {
      const treeSha = folderSha;
      const { data: level } = await call(repository, () =>
        octokit.rest.git.getTree({ owner, repo, tree_sha: treeSha }),
      );
      const entry = level.tree.find(
        e => e.path === segments[i] && e.type === 'tree',
      );
      if (!entry?.sha) {
        throw new NotFoundError(
          `No folder '${segments
            .slice(0, i + 1)
            .join(
              '/',
            )}' in ${repository}@${baseBranch}; check ai-finops.io/gitops-repo and ai-finops.io/gitops-path`,
        );
      }
      folderSha = entry.sha;
    }
    const { data: tree } = await call(repository, () =>
      octokit.rest.git.getTree({
        owner,
        repo,
        tree_sha: folderSha,
        recursive: 'true',
      }),
    );
    if (tree.truncated) {
      throw new ServiceUnavailableError(
        `The tree of ${repository}/${location.path} is too large for one request; point ai-finops.io/gitops-path at the service folder`,
      );
    }
    const prefix = location.path ? `${location.path}/` : '';
    const entries = tree.tree.filter(
      e =>
        e.type === 'blob' &&
        e.path !== undefined &&
        e.sha !== undefined &&
        MANIFEST.test(e.path),
    );
    if (entries.length === 0) {
      throw new NotFoundError(
        `No YAML manifests under '${
          location.path || '/'
        }' in ${repository}@${baseBranch}`,
      );
    }
    const files: GitopsManifestFile[] = await Promise.all(
      entries.map(async e => {
        const { data: blob } = await call(repository, () =>
          octokit.rest.git.getBlob({ owner, repo, file_sha: e.sha! }),
        );
        const content =
          blob.encoding === 'base64'
            ? Buffer.from(blob.content, 'base64').toString('utf8')
            : blob.content;
        return { path: e.path!, content };
      }),
    );

    const result = applyManifestChanges(files, input.changes, {
      overlay: input.overlay,
    });
    if (result.files.length === 0) {
      throw new ConflictError(
        `The recommendation '${input.recommendationId}' changes nothing in ${repository}/${location.path}`,
      );
    }

    const { data: newTree } = await call(repository, () =>
      octokit.rest.git.createTree({
        owner,
        repo,
        base_tree: baseCommit.tree.sha,
        tree: result.files.map(f => ({
          path: `${prefix}${f.path}`,
          mode: '100644' as const,
          type: 'blob' as const,
          content: f.content,
        })),
      }),
    );
    const { data: commit } = await call(repository, () =>
      octokit.rest.git.createCommit({
        owner,
        repo,
        message: input.commitMessage ?? input.title,
        tree: newTree.sha,
        parents: [baseSha],
      }),
    );
    try {
      await octokit.rest.git.createRef({
        owner,
        repo,
        ref: `refs/heads/${branch}`,
        sha: commit.sha,
      });
    } catch (error) {
      // A branch left by a closed pull request: point it at the new commit.
      if (status(error) !== 422) throw translate(repository, error);
      await call(repository, () =>
        octokit.rest.git.updateRef({
          owner,
          repo,
          ref: `heads/${branch}`,
          sha: commit.sha,
          force: true,
        }),
      );
    }
    let pr: { number: number; html_url: string };
    try {
      ({ data: pr } = await octokit.rest.pulls.create({
        owner,
        repo,
        title: input.title,
        head: branch,
        base: baseBranch,
        body: input.body.replace('{{diff}}', editsTable(result.edits)),
        maintainer_can_modify: true,
      }));
    } catch (error) {
      // Another request opened it meanwhile ("A pull request already exists").
      if (status(error) !== 422) throw translate(repository, error);
      const { data: raced } = await openFromBranch();
      if (raced.length === 0) throw translate(repository, error);
      return {
        repository,
        number: raced[0].number,
        url: raced[0].html_url,
        branch,
        baseBranch: raced[0].base.ref,
        state: 'open',
        created: false,
        edits: result.edits,
      };
    }
    if (input.labels && input.labels.length > 0) {
      await call(repository, () =>
        octokit.rest.issues.addLabels({
          owner,
          repo,
          issue_number: pr.number,
          labels: input.labels!,
        }),
      );
    }
    return {
      repository,
      number: pr.number,
      url: pr.html_url,
      branch,
      baseBranch,
      state: 'open',
      created: true,
      edits: result.edits,
    };
  }

  async getPullRequestState(
    location: Pick<GitopsLocation, 'host' | 'owner' | 'repo'>,
    number: number,
  ): Promise<{ state: PullRequestState; url: string; at?: string }> {
    const octokit = await this.client(location);
    const repository = `${location.owner}/${location.repo}`;
    const { data: pr } = await call(repository, () =>
      octokit.rest.pulls.get({
        owner: location.owner,
        repo: location.repo,
        pull_number: number,
      }),
    );
    if (pr.merged || pr.merged_at) {
      return {
        state: 'merged',
        url: pr.html_url,
        ...(pr.merged_at ? { at: pr.merged_at } : {}),
      };
    }
    if (pr.state === 'closed') {
      return {
        state: 'closed',
        url: pr.html_url,
        ...(pr.closed_at ? { at: pr.closed_at } : {}),
      };
    }
    return { state: 'open', url: pr.html_url };
  }
}

/**
 * The edits as a Markdown table for the pull request body.
 *
 * @public
 */
export function editsTable(edits: ManifestEdit[]): string {
  const cell = (v: unknown) =>
    v === undefined
      ? '—'
      : `\`${(typeof v === 'string' ? v : JSON.stringify(v)).replace(
          /\|/g,
          '\\|',
        )}\``;
  return [
    '| File | Object | Field | Now | Proposed |',
    '| --- | --- | --- | --- | --- |',
    ...edits.map(
      e =>
        `| \`${e.file}\` | ${e.kind}/${e.name} | \`${e.field}\` | ${cell(
          e.from,
        )} | ${cell(e.to)} |`,
    ),
  ].join('\n');
}

function status(error: unknown): number | undefined {
  const s = (error as { status?: unknown })?.status;
  return typeof s === 'number' ? s : undefined;
}

function translate(repository: string, error: unknown): Error {
  const code = status(error);
  const message = (error as Error)?.message ?? String(error);
  if (code === 401 || code === 403) {
    return new NotAllowedError(
      `GitHub refused the request on ${repository} (${code}): ${message}`,
    );
  }
  if (code === 404) {
    return new NotFoundError(
      `GitHub: ${repository} or the resource asked for was not found (404): ${message}`,
    );
  }
  if (code === 409 || code === 422) {
    return new ConflictError(
      `GitHub rejected the change on ${repository} (${code}): ${message}`,
    );
  }
  if (code !== undefined) {
    return new ServiceUnavailableError(
      `GitHub answered ${code} on ${repository}: ${message}`,
    );
  }
  return error instanceof Error ? error : new Error(message);
}

async function call<T>(repository: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw translate(repository, error);
  }
}
