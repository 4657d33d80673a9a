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

import {
  FINOPS_GITOPS_PATH_ANNOTATION,
  FINOPS_GITOPS_REPO_ANNOTATION,
} from '@ai-finops/backstage-plugin-finops-common';
import type { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';

/**
 * Where a service's manifests live: a repository on an SCM host and the
 * folder of the service in it.
 *
 * @public
 */
export interface GitopsLocation {
  /** `github.com`, or a GitHub Enterprise host. */
  host: string;
  owner: string;
  repo: string;
  /** The service's folder, without leading or trailing slashes (`apps/chat`); empty for the root. */
  path: string;
  /** `https://<host>/<owner>/<repo>`, for the SCM integrations. */
  url: string;
}

/**
 * Reads the GitOps location of an entity from its annotations:
 * `ai-finops.io/gitops-repo` (`github.com/acme/deploy/apps/chat`,
 * `https://github.com/acme/deploy`, `https://github.com/acme/deploy/tree/main/apps/chat`
 * or the scaffolder's `github.com?owner=acme&repo=deploy`) and, optionally,
 * `ai-finops.io/gitops-path` for the folder. Undefined when the entity has no
 * `gitops-repo`; a value that names no owner and repository throws.
 *
 * @public
 */
export function readGitopsLocation(entity: Entity): GitopsLocation | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const value = annotations[FINOPS_GITOPS_REPO_ANNOTATION]?.trim();
  if (!value) return undefined;
  const location = parseGitopsRepo(value);
  const path = annotations[FINOPS_GITOPS_PATH_ANNOTATION];
  if (path !== undefined && path.trim() !== '') {
    location.path = trimSlashes(path.trim());
  }
  return location;
}

function trimSlashes(path: string): string {
  return path.replace(/^\.?\/+|\/+$/g, '');
}

/**
 * Parses an `ai-finops.io/gitops-repo` value.
 *
 * @public
 */
export function parseGitopsRepo(value: string): GitopsLocation {
  const fail = () =>
    new InputError(
      `Invalid ${FINOPS_GITOPS_REPO_ANNOTATION} '${value}'; expected <host>/<owner>/<repo>[/<path>], e.g. github.com/acme/deployments/apps/chat`,
    );
  let host: string;
  let rest: string[];
  if (/^[^/?]+\?/.test(value)) {
    // RepoUrlPicker: github.com?owner=o&repo=r
    const [h, query] = value.split('?');
    const params = new URLSearchParams(query);
    const owner = params.get('owner');
    const repo = params.get('repo');
    if (!owner || !repo) throw fail();
    host = h;
    rest = [owner, repo];
  } else {
    const withScheme = /^[a-z]+:\/\//i.test(value) ? value : `https://${value}`;
    let url: URL;
    try {
      url = new URL(withScheme);
    } catch {
      throw fail();
    }
    host = url.host;
    rest = url.pathname.split('/').filter(Boolean);
  }
  if (rest.length < 2) throw fail();
  const owner = rest[0];
  const repo = rest[1].replace(/\.git$/, '');
  let pathParts = rest.slice(2);
  // A browser URL: /tree/<branch>/<path> or /blob/<branch>/<path>.
  if (pathParts[0] === 'tree' || pathParts[0] === 'blob') {
    pathParts = pathParts.slice(2);
  }
  return {
    host,
    owner,
    repo,
    path: trimSlashes(pathParts.join('/')),
    url: `https://${host}/${owner}/${repo}`,
  };
}
