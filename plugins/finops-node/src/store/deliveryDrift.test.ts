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
import { initTestStore } from './__testUtils__/testStore';
import { MAX_DRIFT_KEY_LENGTH } from './deliveryDrift';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe.each(databases.eachSupportedId())('delivery drift on %p', id => {
  it('keeps the first time an object was seen out of sync until it is in sync', async () => {
    const { store, knex } = await initTestStore(databases, id);
    const key = 'argocd/prod/argocd/chat-llm-prod';
    const first = new Date('2026-12-01T10:00:00Z');
    const later = new Date('2026-12-02T08:30:00Z');

    expect(await store.markOutOfSync(key, first)).toEqual(first);
    // Seen out of sync again: still since the first sighting.
    expect(await store.markOutOfSync(key, later)).toEqual(first);
    // Another object is independent.
    expect(
      await store.markOutOfSync('argocd/prod/argocd/other', later),
    ).toEqual(later);

    await store.markInSync(key);
    expect(
      await knex('finops_delivery_drift').where({ object_key: key }),
    ).toHaveLength(0);
    // Drifting again starts a new period.
    expect(await store.markOutOfSync(key, later)).toEqual(later);
  });

  it('concurrent sightings keep one row with one of their times', async () => {
    const { store, knex } = await initTestStore(databases, id);
    const times = [0, 1, 2, 3].map(h => new Date(Date.UTC(2026, 11, 3, h)));
    const seen = await Promise.all(
      times.map(t => store.markOutOfSync('flux/c/k', t)),
    );
    expect(new Set(seen.map(d => d.getTime())).size).toBe(1);
    expect(await knex('finops_delivery_drift')).toHaveLength(1);
  });

  it('rejects keys the column cannot hold, naming the limit', async () => {
    const { store } = await initTestStore(databases, id);
    await expect(
      store.markOutOfSync('x'.repeat(MAX_DRIFT_KEY_LENGTH + 1), new Date()),
    ).rejects.toThrow(`1 to ${MAX_DRIFT_KEY_LENGTH} characters`);
    await expect(store.markInSync('')).rejects.toThrow('got 0');
  });
});
