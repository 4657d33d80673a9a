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

import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import path from 'node:path';
import request from 'supertest';
import { startFinopsBackend } from '../__testUtils__/backend';
import { templateForm } from '../__testUtils__/templateForm';

jest.setTimeout(120_000);

// The template form's live preview (POST /estimate) judges the rendered
// production overlay with policies/supply-chain.yaml, as admission will.

const POLICIES = path.resolve(__dirname, '../../../../policies');
const USER = mockCredentials.user.header('user:default/alice');

describe('POST /estimate: the supply-chain verdict of the template preview', () => {
  let server: Awaited<ReturnType<typeof startFinopsBackend>>['server'];
  beforeAll(async () => {
    ({ server } = await startFinopsBackend({
      config: { finops: { guardrails: { policies: POLICIES } } },
      permissions: () => AuthorizeResult.ALLOW,
    }));
  });

  const supplyChainDenials = async (overrides: Record<string, unknown>) => {
    const res = await request(server)
      .post('/api/finops/estimate')
      .set('Authorization', USER)
      .send(templateForm(overrides));
    expect(res.status).toBe(200);
    return res.body.guardrails.denied.filter(
      (d: { policy: string }) => d.policy === 'ai-finops-supply-chain',
    );
  };

  it('passes the production overlay pinned by digest, with the model digest and provenance', async () => {
    expect(await supplyChainDenials({})).toEqual([]);
  });

  it('denies the production overlay of an image by tag', async () => {
    const denied = await supplyChainDenials({ imageDigest: '' });
    expect(denied).toEqual([
      expect.objectContaining({
        action: 'Deny',
        object: expect.objectContaining({
          kind: 'Deployment',
          namespace: 'chat-prod',
        }),
        message: expect.stringMatching(
          /^images in the prod environment must be pinned by digest \(image@sha256:<64 hex>\): docker\.io\/vllm\/vllm-openai:/,
        ),
      }),
    ]);
  });

  it('denies a production model without its provenance, and answers 400 to a malformed digest', async () => {
    const denied = await supplyChainDenials({ modelProvenance: '' });
    expect(denied.map((d: { message: string }) => d.message)).toEqual([
      'Deployment chat in the prod environment needs the ai-finops.io/model-provenance annotation: the https URL of the model provenance attestation',
    ]);
    const res = await request(server)
      .post('/api/finops/estimate')
      .set('Authorization', USER)
      .send(templateForm({ imageDigest: 'sha256:latest' }));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('input.supplyChain.imageDigest');
  });
});
