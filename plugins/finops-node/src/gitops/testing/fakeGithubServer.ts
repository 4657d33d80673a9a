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

/* eslint-disable no-cond-assign */ // route matching: if ((match = re.exec(path)))

import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// GitHub's REST API at the HTTP edge, for tests: the endpoints the GitOps
// pull-request opener calls, answering with the shapes (and the status codes
// and error bodies) GitHub documents at docs.github.com/en/rest — repos/get,
// git/refs (get, create: 422 "Reference already exists", update), git/commits,
// git/trees (recursive, base_tree), git/blobs (base64), pulls (list with
// head=owner:branch and state, create, get), issues/labels. Objects are kept
// in memory with git's hashing, so trees and commits chain like GitHub's.

interface TreeEntry {
  path: string;
  mode: string;
  type: 'blob' | 'tree';
  sha: string;
}

export interface FakePullRequest {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: 'open' | 'closed';
  merged: boolean;
  merged_at: string | null;
  closed_at: string | null;
  labels: string[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorization?: string;
  body?: any;
}

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

export class FakeGithub {
  readonly owner: string;
  readonly repo: string;
  readonly token: string;
  defaultBranch = 'main';
  readonly requests: RecordedRequest[] = [];
  readonly pulls: FakePullRequest[] = [];
  private readonly blobs = new Map<string, string>();
  /** Flat trees: path → blob sha. */
  private readonly trees = new Map<string, Map<string, string>>();
  private readonly commits = new Map<
    string,
    { tree: string; parents: string[]; message: string }
  >();
  readonly refs = new Map<string, string>();
  private server?: Server;
  baseUrl = '';

  constructor(options: { owner: string; repo: string; token: string }) {
    this.owner = options.owner;
    this.repo = options.repo;
    this.token = options.token;
  }

  /** Commits files (path → content) on the default branch. */
  seed(files: Record<string, string>) {
    const tree = new Map<string, string>();
    for (const [path, content] of Object.entries(files)) {
      tree.set(path, this.putBlob(content));
    }
    const treeSha = this.putTree(tree);
    const parent = this.refs.get(`heads/${this.defaultBranch}`);
    const commit = this.putCommit(treeSha, parent ? [parent] : [], 'seed');
    this.refs.set(`heads/${this.defaultBranch}`, commit);
  }

  /** The files of a branch, path → content. */
  filesOf(branch: string): Record<string, string> {
    const commit = this.commits.get(this.refs.get(`heads/${branch}`)!)!;
    const out: Record<string, string> = {};
    for (const [path, sha] of this.trees.get(commit.tree)!) {
      out[path] = this.blobs.get(sha)!;
    }
    return out;
  }

  commitOf(branch: string) {
    return this.commits.get(this.refs.get(`heads/${branch}`)!);
  }

  private putBlob(content: string): string {
    const sha = sha1(`blob ${Buffer.byteLength(content)}\0${content}`);
    this.blobs.set(sha, content);
    return sha;
  }

  private putTree(tree: Map<string, string>): string {
    const sha = sha1(
      `tree ${[...tree.entries()]
        .sort()
        .map(([p, s]) => `${p}:${s}`)
        .join(',')}`,
    );
    this.trees.set(sha, tree);
    return sha;
  }

  private putCommit(tree: string, parents: string[], message: string): string {
    const sha = sha1(
      `commit ${tree} ${parents.join(' ')} ${message} ${this.commits.size}`,
    );
    this.commits.set(sha, { tree, parents, message });
    return sha;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req)
        .then(({ status, body }) => {
          res.writeHead(status, {
            'content-type': 'application/json; charset=utf-8',
          });
          res.end(body === undefined ? '' : JSON.stringify(body));
        })
        .catch(error => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: String(error) }));
        });
    });
    await new Promise<void>(resolve =>
      this.server!.listen(0, '127.0.0.1', () => resolve()),
    );
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    return this.baseUrl;
  }

  async stop() {
    await new Promise<void>(resolve => this.server?.close(() => resolve()));
  }

  private repoJson() {
    return {
      id: 1296269,
      node_id: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5',
      name: this.repo,
      full_name: `${this.owner}/${this.repo}`,
      owner: { login: this.owner, id: 1, type: 'Organization' },
      private: true,
      html_url: `https://github.com/${this.owner}/${this.repo}`,
      default_branch: this.defaultBranch,
      permissions: { admin: false, push: true, pull: true },
    };
  }

  private prJson(pr: FakePullRequest) {
    const html = `https://github.com/${this.owner}/${this.repo}/pull/${pr.number}`;
    return {
      url: `${this.baseUrl}/repos/${this.owner}/${this.repo}/pulls/${pr.number}`,
      id: 1000 + pr.number,
      node_id: `PR_${pr.number}`,
      html_url: html,
      number: pr.number,
      state: pr.state,
      locked: false,
      title: pr.title,
      body: pr.body,
      labels: pr.labels.map((name, i) => ({ id: i + 1, name })),
      created_at: '2026-11-26T06:00:00Z',
      updated_at: '2026-11-26T06:00:00Z',
      closed_at: pr.closed_at,
      merged_at: pr.merged_at,
      draft: false,
      head: {
        label: `${this.owner}:${pr.head}`,
        ref: pr.head,
        sha: this.refs.get(`heads/${pr.head}`) ?? '',
      },
      base: {
        label: `${this.owner}:${pr.base}`,
        ref: pr.base,
        sha: this.refs.get(`heads/${pr.base}`) ?? '',
      },
      merged: pr.merged,
    };
  }

  private async handle(
    req: IncomingMessage,
  ): Promise<{ status: number; body?: any }> {
    const url = new URL(req.url!, 'http://x');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = raw ? JSON.parse(raw) : undefined;
    this.requests.push({
      method: req.method!,
      path: url.pathname + url.search,
      authorization: req.headers.authorization,
      body,
    });
    const docs = 'https://docs.github.com/rest';
    if (req.headers.authorization !== `token ${this.token}`) {
      return {
        status: 401,
        body: { message: 'Bad credentials', documentation_url: docs },
      };
    }
    const prefix = `/repos/${this.owner}/${this.repo}`;
    if (!url.pathname.startsWith(prefix)) {
      return {
        status: 404,
        body: { message: 'Not Found', documentation_url: docs },
      };
    }
    const path = url.pathname.slice(prefix.length);
    const notFound = {
      status: 404,
      body: { message: 'Not Found', documentation_url: docs },
    };
    const m = req.method;
    let match: RegExpExecArray | null;

    if (m === 'GET' && path === '')
      return { status: 200, body: this.repoJson() };

    if (m === 'GET' && (match = /^\/git\/ref\/(.+)$/.exec(path))) {
      const ref = decodeURIComponent(match[1]);
      const sha = this.refs.get(ref);
      if (!sha) return notFound;
      return {
        status: 200,
        body: {
          ref: `refs/${ref}`,
          node_id: 'REF_1',
          url: `${this.baseUrl}${prefix}/git/refs/${ref}`,
          object: {
            type: 'commit',
            sha,
            url: `${this.baseUrl}${prefix}/git/commits/${sha}`,
          },
        },
      };
    }
    if (
      m === 'GET' &&
      (match = /^\/git\/commits\/([0-9a-f]{40})$/.exec(path))
    ) {
      const c = this.commits.get(match[1]);
      if (!c) return notFound;
      return {
        status: 200,
        body: {
          sha: match[1],
          node_id: 'C_1',
          message: c.message,
          tree: {
            sha: c.tree,
            url: `${this.baseUrl}${prefix}/git/trees/${c.tree}`,
          },
          parents: c.parents.map(sha => ({ sha })),
          author: {
            name: 'x',
            email: 'x@example.com',
            date: '2026-11-26T00:00:00Z',
          },
          committer: {
            name: 'x',
            email: 'x@example.com',
            date: '2026-11-26T00:00:00Z',
          },
          verification: {
            verified: false,
            reason: 'unsigned',
            signature: null,
            payload: null,
          },
        },
      };
    }
    if (m === 'GET' && (match = /^\/git\/trees\/([0-9a-f]{40})$/.exec(path))) {
      const tree = this.trees.get(match[1]);
      if (!tree) return notFound;
      const entries: TreeEntry[] = [];
      const dirs = new Set<string>();
      for (const [p, sha] of tree) {
        const parts = p.split('/');
        for (let i = 1; i < parts.length; i++)
          dirs.add(parts.slice(0, i).join('/'));
        entries.push({ path: p, mode: '100644', type: 'blob', sha });
      }
      // Folders are trees of their own (flat maps of relative paths here).
      for (const d of dirs) {
        const sub = new Map<string, string>();
        for (const [p, sha] of tree) {
          if (p.startsWith(`${d}/`)) sub.set(p.slice(d.length + 1), sha);
        }
        entries.push({
          path: d,
          mode: '040000',
          type: 'tree',
          sha: this.putTree(sub),
        });
      }
      return {
        status: 200,
        body: {
          sha: match[1],
          url: `${this.baseUrl}${prefix}/git/trees/${match[1]}`,
          tree: entries
            .filter(
              e => url.searchParams.get('recursive') || !e.path.includes('/'),
            )
            .sort((a, b) => a.path.localeCompare(b.path))
            .map(e => ({
              ...e,
              ...(e.type === 'blob'
                ? { size: this.blobs.get(e.sha)!.length }
                : {}),
            })),
          truncated: false,
        },
      };
    }
    if (m === 'GET' && (match = /^\/git\/blobs\/([0-9a-f]{40})$/.exec(path))) {
      const content = this.blobs.get(match[1]);
      if (content === undefined) return notFound;
      return {
        status: 200,
        body: {
          sha: match[1],
          node_id: 'B_1',
          size: Buffer.byteLength(content),
          url: `${this.baseUrl}${prefix}/git/blobs/${match[1]}`,
          content: `${Buffer.from(content)
            .toString('base64')
            .replace(/(.{60})/g, '$1\n')}\n`,
          encoding: 'base64',
        },
      };
    }
    if (m === 'POST' && path === '/git/trees') {
      const base = body.base_tree ? this.trees.get(body.base_tree) : new Map();
      if (!base) {
        return {
          status: 422,
          body: { message: 'Invalid tree info', documentation_url: docs },
        };
      }
      const tree = new Map(base);
      for (const e of body.tree) {
        if (e.content !== undefined) tree.set(e.path, this.putBlob(e.content));
        else if (e.sha === null) tree.delete(e.path);
        else tree.set(e.path, e.sha);
      }
      const sha = this.putTree(tree);
      return {
        status: 201,
        body: {
          sha,
          url: `${this.baseUrl}${prefix}/git/trees/${sha}`,
          tree: [],
          truncated: false,
        },
      };
    }
    if (m === 'POST' && path === '/git/commits') {
      if (!this.trees.has(body.tree)) {
        return {
          status: 422,
          body: { message: 'Tree SHA does not exist', documentation_url: docs },
        };
      }
      const sha = this.putCommit(body.tree, body.parents ?? [], body.message);
      return {
        status: 201,
        body: {
          sha,
          node_id: 'C_2',
          message: body.message,
          tree: { sha: body.tree },
          parents: (body.parents ?? []).map((s: string) => ({ sha: s })),
        },
      };
    }
    if (m === 'POST' && path === '/git/refs') {
      const ref = String(body.ref).replace(/^refs\//, '');
      if (this.refs.has(ref)) {
        return {
          status: 422,
          body: {
            message: 'Reference already exists',
            documentation_url: docs,
          },
        };
      }
      this.refs.set(ref, body.sha);
      return {
        status: 201,
        body: { ref: body.ref, object: { type: 'commit', sha: body.sha } },
      };
    }
    if (m === 'PATCH' && (match = /^\/git\/refs\/(.+)$/.exec(path))) {
      const ref = decodeURIComponent(match[1]);
      if (!this.refs.has(ref)) {
        return {
          status: 422,
          body: {
            message: 'Reference does not exist',
            documentation_url: docs,
          },
        };
      }
      this.refs.set(ref, body.sha);
      return {
        status: 200,
        body: { ref: `refs/${ref}`, object: { type: 'commit', sha: body.sha } },
      };
    }
    if (m === 'GET' && path === '/pulls') {
      const head = url.searchParams.get('head');
      const state = url.searchParams.get('state') ?? 'open';
      const items = this.pulls.filter(
        p =>
          (state === 'all' || p.state === state) &&
          (!head || `${this.owner}:${p.head}` === head),
      );
      return { status: 200, body: items.map(p => this.prJson(p)) };
    }
    if (m === 'POST' && path === '/pulls') {
      if (!this.refs.has(`heads/${body.head}`)) {
        return {
          status: 422,
          body: {
            message: 'Validation Failed',
            errors: [
              { resource: 'PullRequest', field: 'head', code: 'invalid' },
            ],
            documentation_url: docs,
          },
        };
      }
      if (this.pulls.some(p => p.state === 'open' && p.head === body.head)) {
        return {
          status: 422,
          body: {
            message: 'Validation Failed',
            errors: [
              {
                resource: 'PullRequest',
                code: 'custom',
                message: `A pull request already exists for ${this.owner}:${body.head}.`,
              },
            ],
            documentation_url: docs,
          },
        };
      }
      const pr: FakePullRequest = {
        number: this.pulls.length + 1,
        title: body.title,
        body: body.body ?? '',
        head: body.head,
        base: body.base,
        state: 'open',
        merged: false,
        merged_at: null,
        closed_at: null,
        labels: [],
      };
      this.pulls.push(pr);
      return { status: 201, body: this.prJson(pr) };
    }
    if (m === 'GET' && (match = /^\/pulls\/(\d+)$/.exec(path))) {
      const pr = this.pulls.find(p => p.number === Number(match![1]));
      return pr ? { status: 200, body: this.prJson(pr) } : notFound;
    }
    if (m === 'POST' && (match = /^\/issues\/(\d+)\/labels$/.exec(path))) {
      const pr = this.pulls.find(p => p.number === Number(match![1]));
      if (!pr) return notFound;
      for (const l of body.labels)
        if (!pr.labels.includes(l)) pr.labels.push(l);
      return {
        status: 200,
        body: pr.labels.map((name, i) => ({
          id: i + 1,
          name,
          color: 'ededed',
          default: false,
        })),
      };
    }
    return notFound;
  }

  /** Merges or closes a pull request, as a reviewer would on GitHub. */
  decide(number: number, decision: 'merge' | 'close') {
    const pr = this.pulls.find(p => p.number === number)!;
    pr.state = 'closed';
    pr.closed_at = '2026-11-27T09:30:00Z';
    if (decision === 'merge') {
      pr.merged = true;
      pr.merged_at = '2026-11-27T09:30:00Z';
    }
  }
}
