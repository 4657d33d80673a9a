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

import { TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseFinopsStore } from './DatabaseFinopsStore';
import { MAX_ENTITY_RESULT_CHARS } from './entityResults';
import { initTestStore } from './__testUtils__/testStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const WINDOW = {
  start: new Date('2026-11-03T00:00:00Z'),
  end: new Date('2026-11-03T01:00:00Z'),
};

describe.each(databases.eachSupportedId())(
  'engine results per entity (%s)',
  databaseId => {
    let store: DatabaseFinopsStore;

    beforeAll(async () => {
      ({ store } = await initTestStore(databases, databaseId));
    });

    it('stores a result per entity and kind, replacing the earlier one, refs in any case', async () => {
      await store.putEntityResult(
        'Component:default/Chat-LLM',
        'recommendations',
        {
          dataVersion: 'runs:1/1',
          result: { items: [{ id: 'a', monthlySavings: 12.5 }] },
          computedAt: new Date('2026-11-03T02:00:00Z'),
        },
      );
      await store.putEntityResult(
        'component:default/chat-llm',
        'recommendations',
        {
          dataVersion: 'runs:2/2',
          result: { items: [] },
        },
      );
      await store.putEntityResult('component:default/chat-llm', 'summary', {
        dataVersion: 'runs:2/2',
        result: { total: 1 },
      });
      await expect(
        store.getEntityResult('COMPONENT:default/chat-llm', 'recommendations'),
      ).resolves.toEqual({
        dataVersion: 'runs:2/2',
        computedAt: expect.any(Date),
        result: { items: [] },
      });
      await expect(
        store.getEntityResult('component:default/other', 'recommendations'),
      ).resolves.toBeUndefined();
      const many = await store.getEntityResults('summary', [
        'component:default/chat-llm',
        ...Array.from({ length: 1200 }, (_, i) => `component:default/s${i}`),
      ]);
      expect([...many.keys()]).toEqual(['component:default/chat-llm']);
    });

    it('changes the data version with every successful ingestion, not with a failed one', async () => {
      const before = await store.getDataVersion();
      await store.replaceWindow('src', WINDOW, [
        {
          type: 'usage',
          hour: WINDOW.start.toISOString(),
          metric: 'gpu_hours',
          value: 1,
        },
      ]);
      const after = await store.getDataVersion();
      expect(after).not.toBe(before);
      await expect(
        store.replaceWindow('src', WINDOW, [{ type: 'nonsense' } as any]),
      ).rejects.toThrow();
      await expect(store.getDataVersion()).resolves.toBe(after);
    });

    it('refuses bad keys and results over the size limit, storing nothing', async () => {
      await expect(
        store.putEntityResult('component:default/x', 'Not A Kind', {
          dataVersion: 'v',
          result: {},
        }),
      ).rejects.toThrow("Invalid result kind 'Not A Kind'");
      await expect(
        store.putEntityResult('component:default/x', 'big', {
          dataVersion: 'v',
          result: 'x'.repeat(MAX_ENTITY_RESULT_CHARS),
        }),
      ).rejects.toThrow(
        `The big result of component:default/x is ${
          MAX_ENTITY_RESULT_CHARS + 2
        } characters of JSON; at most ${MAX_ENTITY_RESULT_CHARS} are stored`,
      );
      await expect(
        store.getEntityResult('component:default/x', 'big'),
      ).resolves.toBeUndefined();
    });
  },
);
