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

import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import type { FinopsFactMatcher } from '@ai-finops/backstage-plugin-finops-node';

/**
 * A configured rule that maps facts to an entity beside its annotations.
 *
 * @internal
 */
export interface AllocationRule {
  /** Normalised entity ref, e.g. `component:default/chat`. */
  entityRef: string;
  match: FinopsFactMatcher;
}

/**
 * A configured shared cost: the facts `match` selects are split among
 * entities instead of being allocated directly.
 *
 * @internal
 */
export interface SharedCostRule {
  /** Position in `finops.allocation.sharedCosts`, for display. */
  index: number;
  /** `name` from config, or `sharedCosts[<index>]`. */
  name: string;
  match: FinopsFactMatcher;
  splitAmong: { entityRefs: string[] } | { ownerGroup: string };
  by: 'even' | 'proportional';
}

/**
 * `finops.allocation`, read and checked.
 *
 * @internal
 */
export interface AllocationSettings {
  rules: AllocationRule[];
  sharedCosts: SharedCostRule[];
}

const MATCH_KEYS = ['kubernetesId', 'namespace', 'region', 'labels', 'tags'];

/**
 * Reads `finops.allocation`. Malformed entries throw an error naming the
 * config key, so the backend does not start with rules it cannot apply.
 *
 * @internal
 */
export function readAllocationSettings(config: Config): AllocationSettings {
  const allocation = config.getOptionalConfig('finops.allocation');
  const rules = (allocation?.getOptionalConfigArray('rules') ?? []).map(
    (rule, i) => {
      const where = `finops.allocation.rules[${i}]`;
      return {
        entityRef: readEntityRef(
          rule.getString('entityRef'),
          `${where}.entityRef`,
        ),
        match: readMatch(rule.getConfig('match'), `${where}.match`),
      };
    },
  );

  const sharedCosts = (
    allocation?.getOptionalConfigArray('sharedCosts') ?? []
  ).map((shared, index): SharedCostRule => {
    const where = `finops.allocation.sharedCosts[${index}]`;
    const by = shared.getOptionalString('by') ?? 'proportional';
    if (by !== 'even' && by !== 'proportional') {
      throw new Error(
        `${where}.by must be 'even' or 'proportional', not '${by}'`,
      );
    }
    const raw = shared.getOptional('splitAmong');
    let splitAmong: SharedCostRule['splitAmong'];
    if (Array.isArray(raw)) {
      const refs = shared.getStringArray('splitAmong');
      if (refs.length === 0) {
        throw new Error(`${where}.splitAmong must name at least one entity`);
      }
      splitAmong = {
        entityRefs: [
          ...new Set(
            refs.map((ref, j) =>
              readEntityRef(ref, `${where}.splitAmong[${j}]`),
            ),
          ),
        ],
      };
    } else if (raw && typeof raw === 'object') {
      const group = shared.getString('splitAmong.ownerGroup');
      splitAmong = {
        ownerGroup: readEntityRef(group, `${where}.splitAmong.ownerGroup`, {
          defaultKind: 'group',
        }),
      };
    } else {
      throw new Error(
        `${where}.splitAmong must be a list of entity refs or { ownerGroup: <group ref> }`,
      );
    }
    return {
      index,
      name: shared.getOptionalString('name') ?? `sharedCosts[${index}]`,
      match: readMatch(shared.getConfig('match'), `${where}.match`),
      splitAmong,
      by,
    };
  });

  return { rules, sharedCosts };
}

function readEntityRef(
  ref: string,
  where: string,
  defaults: { defaultKind?: string } = {},
): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, { defaultNamespace: 'default', ...defaults }),
    );
  } catch (error) {
    throw new Error(
      `${where}: '${ref}' is not an entity ref (${(error as Error).message})`,
    );
  }
}

function readMatch(config: Config, where: string): FinopsFactMatcher {
  for (const key of config.keys()) {
    if (!MATCH_KEYS.includes(key)) {
      throw new Error(
        `${where}.${key} is not a match key; expected ${MATCH_KEYS.join(', ')}`,
      );
    }
  }
  const match: FinopsFactMatcher = {};
  for (const key of ['kubernetesId', 'namespace', 'region'] as const) {
    const value = config.getOptionalString(key);
    if (value !== undefined) match[key] = value;
  }
  for (const key of ['labels', 'tags'] as const) {
    // Read raw: label and tag keys often contain dots and slashes
    // (`app.kubernetes.io/name`), which config paths cannot address.
    const map = config.getOptional(key);
    if (map === undefined) continue;
    if (typeof map !== 'object' || map === null || Array.isArray(map)) {
      throw new Error(`${where}.${key} must be an object of key: value`);
    }
    const pairs: Record<string, string> = {};
    for (const [name, value] of Object.entries(map)) {
      if (typeof value !== 'string') {
        throw new Error(
          `${where}.${key}.${name} must be a string, not ${JSON.stringify(
            value,
          )}`,
        );
      }
      pairs[name] = value;
    }
    if (Object.keys(pairs).length > 0) match[key] = pairs;
  }
  if (Object.keys(match).length === 0) {
    throw new Error(
      `${where} needs at least one of ${MATCH_KEYS.join(
        ', ',
      )}; an empty match would take every fact`,
    );
  }
  return match;
}
