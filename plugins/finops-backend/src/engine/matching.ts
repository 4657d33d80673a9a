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
  FINOPS_BILLING_TAGS_ANNOTATION,
  getCostAllocationKeys,
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  type CostAllocationKeys,
} from '@ai-finops/backstage-plugin-finops-common';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import type { Entity } from '@backstage/catalog-model';
import type {
  FinopsAllocationDimensions,
  FinopsFactMatcher,
} from '@ai-finops/backstage-plugin-finops-node';

/**
 * The catalog filter of the entities that carry a cost allocation annotation
 * (any one of them): the entities the allocation report and the savings
 * roll-up look at.
 */
export const ANNOTATED_ENTITY_FILTER = [
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  FINOPS_BILLING_TAGS_ANNOTATION,
].map(annotation => ({
  [`metadata.annotations.${annotation}`]: CATALOG_FILTER_EXISTS,
}));

/**
 * Whether a group of facts satisfies every condition of `matcher`. The JS
 * twin of the store's SQL filter (`whereMatchesAny` in database/series.ts):
 * the store narrows what is read, this decides where a group belongs.
 *
 * @internal
 */
export function matchesGroup(
  group: FinopsAllocationDimensions,
  matcher: FinopsFactMatcher,
): boolean {
  if (
    matcher.kubernetesId !== undefined &&
    group.kubernetesId !== matcher.kubernetesId
  ) {
    return false;
  }
  if (
    matcher.namespace !== undefined &&
    group.namespace !== matcher.namespace
  ) {
    return false;
  }
  if (matcher.region !== undefined && group.region !== matcher.region) {
    return false;
  }
  for (const [key, value] of Object.entries(matcher.labels ?? {})) {
    if (group.labels[key] !== value) return false;
  }
  for (const [key, value] of Object.entries(matcher.tags ?? {})) {
    if (group.tags[key] !== value) return false;
  }
  return true;
}

/** Whether any matcher matches the group. @internal */
export function matchesAnyGroup(
  group: FinopsAllocationDimensions,
  matchers: readonly FinopsFactMatcher[],
): boolean {
  return matchers.some(matcher => matchesGroup(group, matcher));
}

/**
 * For each group of facts, the members (in their order) whose matchers
 * take it, without testing every member against every group: members all
 * of whose matchers name a Kubernetes id are looked up by the group's, the
 * others are tested.
 *
 * @internal
 */
export function groupMatcher<
  T extends { matchers: readonly FinopsFactMatcher[] },
>(members: readonly T[]): (group: FinopsAllocationDimensions) => T[] {
  const byKubernetesId = new Map<string, number[]>();
  const others: number[] = [];
  members.forEach((member, i) => {
    const ids = member.matchers.map(m => m.kubernetesId);
    if (ids.length === 0 || ids.some(id => id === undefined)) {
      others.push(i);
      return;
    }
    for (const id of new Set(ids as string[])) {
      const list = byKubernetesId.get(id);
      if (list) list.push(i);
      else byKubernetesId.set(id, [i]);
    }
  });
  return group => {
    const named =
      group.kubernetesId === null || group.kubernetesId === undefined
        ? []
        : byKubernetesId.get(group.kubernetesId) ?? [];
    const candidates = others.length
      ? [...named, ...others].sort((a, b) => a - b)
      : named;
    return candidates
      .filter(i => matchesAnyGroup(group, members[i].matchers))
      .map(i => members[i]);
  };
}

/**
 * The matchers of an entity's cost allocation annotations: any one of its
 * Kubernetes id, label selector or billing tags.
 *
 * @internal
 */
export function matchersFromKeys(
  keys: CostAllocationKeys | undefined,
): FinopsFactMatcher[] {
  if (!keys) return [];
  const matchers: FinopsFactMatcher[] = [];
  if (keys.kubernetesId) matchers.push({ kubernetesId: keys.kubernetesId });
  if (keys.labelSelector && Object.keys(keys.labelSelector).length > 0) {
    matchers.push({ labels: keys.labelSelector });
  }
  if (keys.billingTags && Object.keys(keys.billingTags).length > 0) {
    matchers.push({ tags: keys.billingTags });
  }
  return matchers;
}

/**
 * Reads an entity's annotation matchers; a malformed annotation throws a
 * `TypeError` from `parseSelector`.
 *
 * @internal
 */
export function annotationMatchers(entity: Entity): FinopsFactMatcher[] {
  return matchersFromKeys(getCostAllocationKeys(entity));
}
