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

import type { AuthService } from '@backstage/backend-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import { stringifyError } from '@backstage/errors';

/** What one GET of the finops backend came to. */
export type FinopsFetchResult<T> =
  | { status: 'ok'; body: T }
  /** 404: the finops backend has nothing for the entity. */
  | { status: 'missing' }
  /** Any other status, a timeout or a network error. */
  | { status: 'failed'; error: string };

/**
 * GETs the finops backend's entity routes with a service token, each request
 * bounded by `timeoutMs`. A module of the tech-insights plugin, so it calls
 * the finops backend over HTTP instead of importing it.
 */
export class FinopsEntityApi {
  constructor(
    private readonly options: {
      baseUrl: string;
      auth: AuthService;
      timeoutMs: number;
    },
  ) {}

  async get<T>(
    entity: CompoundEntityRef,
    route: 'summary' | 'efficiency',
  ): Promise<FinopsFetchResult<T>> {
    const { baseUrl, auth, timeoutMs } = this.options;
    const path = [entity.kind, entity.namespace, entity.name]
      .map(encodeURIComponent)
      .join('/');
    const url = `${baseUrl}/entities/${path}/${route}`;
    try {
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await auth.getOwnServiceCredentials(),
        targetPluginId: 'finops',
      });
      const response = await fetch(url, {
        headers: { Authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.status === 404) {
        await response.body?.cancel();
        return { status: 'missing' };
      }
      if (!response.ok) {
        await response.body?.cancel();
        return {
          status: 'failed',
          error: `GET ${route}: ${response.status} ${response.statusText}`,
        };
      }
      return { status: 'ok', body: (await response.json()) as T };
    } catch (error) {
      // A DOMException, not always an `Error` of this realm.
      const name = (error as { name?: unknown } | undefined)?.name;
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      return {
        status: 'failed',
        error: timedOut
          ? `GET ${route}: no answer within ${timeoutMs} ms`
          : `GET ${route}: ${stringifyError(error)}`,
      };
    }
  }
}
