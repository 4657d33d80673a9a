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

import type {
  FinopsAllocationDimensions,
  FinopsFactMatcher,
} from '@ai-finops/backstage-plugin-finops-node';
import { groupMatcher, matchesAnyGroup } from './matching';

/** A deterministic pseudo-random integer in [0, n). */
function pick(seed: number, n: number): number {
  const x = Math.sin(seed * 12.9898) * 43758.5453;
  return Math.floor((x - Math.floor(x)) * n);
}

describe('groupMatcher', () => {
  const ids = ['chat', 'embed', 'rank', 'vision'];
  const namespaces = ['ml', 'prod'];
  const members = Array.from({ length: 60 }, (_, i) => {
    const matchers: FinopsFactMatcher[] = [];
    switch (i % 5) {
      case 0:
        matchers.push({ kubernetesId: ids[pick(i, 4)] });
        break;
      case 1:
        matchers.push(
          { kubernetesId: ids[pick(i, 4)] },
          { kubernetesId: ids[pick(i + 99, 4)], namespace: 'ml' },
        );
        break;
      case 2:
        matchers.push({ labels: { app: ids[pick(i, 4)] } });
        break;
      case 3:
        matchers.push(
          { kubernetesId: ids[pick(i, 4)] },
          { tags: { team: `t${pick(i, 3)}` } },
        );
        break;
      default:
        break; // no matchers: never matched
    }
    return { entityRef: `component:default/m${i}`, matchers };
  });

  it('finds, in member order, exactly the members that test every member against every group finds', () => {
    const matched = groupMatcher(members);
    let nonEmpty = 0;
    for (let g = 0; g < 400; g++) {
      const group: FinopsAllocationDimensions = {
        kubernetesId: pick(g, 5) === 4 ? null : ids[pick(g, 4)],
        namespace: namespaces[pick(g + 7, 2)],
        region: null,
        labels: pick(g + 3, 2) ? { app: ids[pick(g + 5, 4)] } : {},
        tags: pick(g + 11, 2) ? { team: `t${pick(g + 13, 3)}` } : {},
      };
      const expected = members.filter(m => matchesAnyGroup(group, m.matchers));
      expect(matched(group)).toEqual(expected);
      if (expected.length > 0) nonEmpty += 1;
    }
    // The groups exercise both the lookup and the tested members.
    expect(nonEmpty).toBeGreaterThan(100);
  });

  it('looks up by Kubernetes id alone when every member names one', () => {
    const named = members.filter((_, i) => i % 5 === 0 || i % 5 === 1);
    const matched = groupMatcher(named);
    const group: FinopsAllocationDimensions = {
      kubernetesId: 'chat',
      namespace: 'ml',
      region: null,
      labels: {},
      tags: {},
    };
    expect(matched(group)).toEqual(
      named.filter(m => m.matchers.some(x => x.kubernetesId === 'chat')),
    );
    expect(matched({ ...group, kubernetesId: 'unknown' })).toEqual([]);
  });
});
