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

import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ResponseError } from '@backstage/errors';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { FinopsClient } from './FinopsClient';
import { aDeliveryStatus } from '../__fixtures__/delivery';

const baseUrl = 'http://backstage.test/api/finops';

describe('FinopsClient.getDeliveryStatus', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const client = new FinopsClient({
    discoveryApi: mockApis.discovery.mock({ getBaseUrl: async () => baseUrl }),
    fetchApi: { fetch: (...args) => globalThis.fetch(...args) },
  });

  it('asks GET /delivery with the entity ref, encoded', async () => {
    const status = aDeliveryStatus();
    const requested: string[] = [];
    server.use(
      http.get(`${baseUrl}/delivery`, ({ request }) => {
        requested.push(request.url);
        return HttpResponse.json(status);
      }),
    );
    await expect(
      client.getDeliveryStatus('component:default/chat-llm'),
    ).resolves.toEqual(status);
    await client.getDeliveryStatus({
      kind: 'Component',
      namespace: 'team a',
      name: 'chat-llm',
    });
    expect(requested).toEqual([
      `${baseUrl}/delivery?entityRef=component%3Adefault%2Fchat-llm`,
      `${baseUrl}/delivery?entityRef=component%3Ateam+a%2Fchat-llm`,
    ]);
  });

  it('throws a ResponseError with the backend message', async () => {
    server.use(
      http.get(`${baseUrl}/delivery`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotFoundError',
              message: 'names no Argo CD Application',
            },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    const error = await client
      .getDeliveryStatus('component:default/chat-llm')
      .catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(404);
    expect(error.cause.message).toBe('names no Argo CD Application');
  });
});
