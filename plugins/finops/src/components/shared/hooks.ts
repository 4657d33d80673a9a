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

import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { finopsApiRef, type FinopsApi } from '../../api';

/** The FinOps API and the ref of the entity in context. */
export function useFinopsEntity(): { api: FinopsApi; entityRef: string } {
  const { entity } = useEntity();
  const api = useApi(finopsApiRef);
  return { api, entityRef: stringifyEntityRef(entity) };
}

/**
 * Loads one FinOps view of the entity in context: again when the entity
 * changes, and on `retry`. A `load` that throws ends in `error`.
 */
export function useFinopsEntityData<T>(
  load: (api: FinopsApi, entityRef: string) => Promise<T>,
) {
  const { api, entityRef } = useFinopsEntity();
  // `async`, so that a `load` that throws rejects instead. `load` is a fresh
  // arrow each render; what it reads is in the deps.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useAsyncRetry(async () => load(api, entityRef), [api, entityRef]);
}
