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
  POLICY_NAMES,
  REPLICA_PROFILES,
} from '@ai-finops/backstage-plugin-finops-engine';
import { FOCUS_WORKLOAD_COLUMNS } from '@ai-finops/backstage-plugin-finops-node';
import * as choices from './choices';

describe('the command-line choices', () => {
  it('are the lists of the packages that implement them', () => {
    expect(choices.FOCUS_WORKLOAD_COLUMNS).toEqual(FOCUS_WORKLOAD_COLUMNS);
    expect(choices.POLICY_NAMES).toEqual(POLICY_NAMES);
    expect(choices.REPLICA_PROFILE_NAMES).toEqual(
      Object.keys(REPLICA_PROFILES),
    );
  });
});
