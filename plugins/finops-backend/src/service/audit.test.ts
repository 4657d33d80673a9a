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
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  component,
  dataSourceModule,
  fixedRecommenderModule,
  startFinopsBackend,
  steadyGpuSource,
} from '../__testUtils__/backend';
import { audited, FINOPS_AUDIT_EVENTS } from './audit';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** One fixed recommendation on chat-llm: fixed:save-300. */
const recommenderModule = fixedRecommenderModule('chat-llm', [300]);

const USER = mockCredentials.user.header('user:default/alice');
const REC = `/api/finops/entities/component/default/chat-llm/recommendations/${encodeURIComponent(
  'fixed:save-300',
)}`;

describe('audited', () => {
  it('records success with the meta of the result, or failure with the error, which it rethrows', async () => {
    const auditor = mockServices.auditor.mock();
    const event = { eventId: 'x', meta: { a: 1 } };
    await expect(
      audited(
        auditor,
        event,
        async () => 42,
        n => ({ n }),
      ),
    ).resolves.toBe(42);
    const ok = await auditor.createEvent.mock.results[0].value;
    expect(auditor.createEvent).toHaveBeenCalledWith(event);
    expect(ok.success).toHaveBeenCalledWith({ meta: { n: 42 } });
    expect(ok.fail).not.toHaveBeenCalled();

    const boom = new Error('boom');
    await expect(
      audited(auditor, event, async () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    const failed = await auditor.createEvent.mock.results[1].value;
    expect(failed.fail).toHaveBeenCalledWith({ error: boom });
    expect(failed.success).not.toHaveBeenCalled();

    // Without an auditor the action just runs.
    await expect(audited(undefined, event, async () => 'x')).resolves.toBe('x');
  });
});

describe.each(databases.eachSupportedId())(
  'audit events of the routes (%s)',
  databaseId => {
    it('audits a manual ingestion trigger and each dismissal, snooze and reopening, with who and what', async () => {
      const auditor = mockServices.auditor.mock();
      const knex = await databases.init(databaseId);
      const { server } = await startFinopsBackend({
        knex,
        features: [
          dataSourceModule('gpu-source', steadyGpuSource),
          recommenderModule,
          auditor.factory,
        ],
        entities: [
          component('chat-llm', { 'backstage.io/kubernetes-id': 'chat' }),
        ],
        trigger: { source: 'gpu', user: USER },
      });
      const events = () =>
        auditor.createEvent.mock.calls.map(([e]) => ({
          eventId: e.eventId,
          severityLevel: e.severityLevel,
          meta: e.meta,
          user: e.request?.headers.authorization === USER,
        }));
      expect(events()).toEqual([
        {
          eventId: FINOPS_AUDIT_EVENTS.ingestionTrigger,
          severityLevel: 'medium',
          meta: { source: 'gpu' },
          user: true,
        },
      ]);

      // An unknown recommendation is refused before anything is audited.
      const unknown = await request(server)
        .post(`${REC}x/dismiss`)
        .set('Authorization', USER)
        .send({ reason: 'No' });
      expect(unknown.status).toBe(404);
      expect(events()).toHaveLength(1);

      for (const [action, body] of [
        ['dismiss', { reason: 'Needed for the launch' }],
        ['snooze', { days: 14 }],
        ['reopen', {}],
      ] as const) {
        const res = await request(server)
          .post(`${REC}/${action}`)
          .set('Authorization', USER)
          .send(body);
        expect(res.status).toBe(200);
      }
      expect(events().slice(1)).toEqual([
        {
          eventId: FINOPS_AUDIT_EVENTS.recommendationDecision,
          severityLevel: 'medium',
          meta: {
            entityRef: 'component:default/chat-llm',
            recommendationId: 'fixed:save-300',
            action: 'dismiss',
            reason: 'Needed for the launch',
          },
          user: true,
        },
        {
          eventId: FINOPS_AUDIT_EVENTS.recommendationDecision,
          severityLevel: 'medium',
          meta: {
            entityRef: 'component:default/chat-llm',
            recommendationId: 'fixed:save-300',
            action: 'snooze',
            until: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          },
          user: true,
        },
        {
          eventId: FINOPS_AUDIT_EVENTS.recommendationDecision,
          severityLevel: 'medium',
          meta: {
            entityRef: 'component:default/chat-llm',
            recommendationId: 'fixed:save-300',
            action: 'reopen',
          },
          user: true,
        },
      ]);
      for (const { value } of auditor.createEvent.mock.results) {
        const event = await value;
        expect(event.success).toHaveBeenCalledTimes(1);
        expect(event.fail).not.toHaveBeenCalled();
      }
    });
  },
);
