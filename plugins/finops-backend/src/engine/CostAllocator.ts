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
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  type AllocatedEntityCost,
  type CostAllocationReport,
  type CostAmounts,
  type CostCategory,
  type CostGranularity,
  type CostGroupBy,
  type CostSeries,
  type EntityCostSeries,
  type EntityUsageSeries,
  type SharedCostSplit,
  type UnallocatedCostGroup,
  type UsageGranularity,
  type UsageSeries,
} from '@ai-finops/backstage-plugin-finops-common';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  RELATION_CHILD_OF,
  RELATION_OWNED_BY,
  RELATION_PART_OF,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { unitEconomics } from '@ai-finops/backstage-plugin-finops-engine';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  FinopsCostGroup,
  FinopsCostGroupDimension,
  FinopsCostSummary,
  FinopsFactMatcher,
  FinopsUsageGroup,
  FinopsStore,
} from '@ai-finops/backstage-plugin-finops-node';
import {
  addMonths,
  formatMonth,
  ONE_DAY_MS,
  ONE_HOUR_MS,
  parseMonth,
  startOfDay,
  startOfMonth,
} from '@ai-finops/backstage-plugin-finops-node';
import type { AllocationSettings, SharedCostRule } from './allocationConfig';
import {
  annotationMatchers,
  groupMatcher,
  matchesAnyGroup,
  ANNOTATED_ENTITY_FILTER,
} from './matching';

/** Entity kinds whose costs are those of their members. */
const ROLLUP_KINDS = new Set(['system', 'domain', 'group']);

/** Members a roll-up may gather before it is refused. */
const MAX_ROLLUP_MEMBERS = 5000;

/** The entity fields allocation needs from the catalog. */
const ENTITY_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.annotations',
  'relations',
];

/** Unallocated groups shown in the allocation report. */
const TOP_UNALLOCATED = 20;

/** Days in a summary's daily series, and drivers in it. */
const SUMMARY_DAYS = 30;
const SUMMARY_DRIVERS = 5;

/** Usage metrics that are means per GPU (gauges) rather than totals. */
const GAUGE_METRICS = new Set(['gpu_utilization', 'gpu_power_watts']);

/**
 * The cost allocation keys of one entity that takes part in a view.
 *
 * @internal
 */
export interface AllocationMember {
  entityRef: string;
  entity: Entity;
  matchers: FinopsFactMatcher[];
}

/**
 * What an entity route reports on: the entity, the members whose keys are
 * matched (itself, or the members of a System, Domain or Group), and the
 * shared costs some of those members receive a share of.
 *
 * @internal
 */
export interface AllocationTarget {
  entityRef: string;
  rollup: boolean;
  /** Every entity of the view, with or without keys. */
  memberRefs: Set<string>;
  /** Members with keys. */
  members: AllocationMember[];
  /** The union of the members' matchers. */
  matchers: FinopsFactMatcher[];
  /** Shared costs with at least one target among the members. */
  shared: ResolvedSharedCost[];
  warnings: string[];
}

/** A shared cost with its targets looked up in the catalog. @internal */
export interface ResolvedSharedCost {
  rule: SharedCostRule;
  targets: AllocationMember[];
}

const zero = (): CostAmounts => ({
  billedCost: 0,
  effectiveCost: 0,
  listCost: 0,
});

function addScaled(sum: CostAmounts, amounts: CostAmounts, factor = 1) {
  sum.billedCost += amounts.billedCost * factor;
  sum.effectiveCost += amounts.effectiveCost * factor;
  sum.listCost += amounts.listCost * factor;
}

function byEffectiveDesc<T extends { total: CostAmounts }>(
  key: (item: T) => string,
) {
  return (a: T, b: T) =>
    b.total.effectiveCost - a.total.effectiveCost ||
    (key(a) < key(b) ? -1 : Number(key(a) > key(b)));
}

/** The UTC days `[from, to]` as a half-open instant range. */
function dayRange(from: string, to: string): { start: Date; end: Date } {
  return {
    start: new Date(`${from}T00:00:00.000Z`),
    end: new Date(Date.parse(`${to}T00:00:00.000Z`) + ONE_DAY_MS),
  };
}

/** Every bucket key of `[start, end)`. */
function bucketKeys(
  start: Date,
  end: Date,
  bucket: 'hour' | 'day' | 'month',
): string[] {
  const keys: string[] = [];
  if (bucket === 'month') {
    for (let m = startOfMonth(start); m < end; m = addMonths(m, 1)) {
      keys.push(formatMonth(m));
    }
    return keys;
  }
  const step = bucket === 'hour' ? ONE_HOUR_MS : ONE_DAY_MS;
  for (let t = start.getTime(); t < end.getTime(); t += step) {
    const iso = new Date(t).toISOString();
    keys.push(bucket === 'hour' ? iso : iso.slice(0, 10));
  }
  return keys;
}

/** Entity refs compare case-insensitively, as the catalog does. */
function refKey(ref: string): string {
  return ref.toLocaleLowerCase('en-US');
}

function entityRefOf(entity: Entity): string {
  return stringifyEntityRef(entity);
}

function relationTargets(entity: Entity, type: string): string[] {
  return (entity.relations ?? [])
    .filter(relation => relation.type === type)
    .map(relation => relation.targetRef);
}

/**
 * Allocates costs to catalog entities: resolves an entity's allocation keys
 * (annotations and configured rules), rolls System, Domain and Group
 * entities up over their members, splits shared costs, and builds the cost
 * and usage series, the roll-up summary and the organisation report.
 *
 * Facts are grouped by their allocation dimensions in the store; which
 * entity a group belongs to is decided here, with one matcher
 * (`matchesAnyGroup`) for every view.
 *
 * @internal
 */
export class CostAllocator {
  readonly #store: FinopsStore;
  readonly #catalog: CatalogService;
  readonly #settings: AllocationSettings;
  readonly #currency: string;
  readonly #rulesByRef: Map<string, FinopsFactMatcher[]>;

  constructor(options: {
    store: FinopsStore;
    catalog: CatalogService;
    settings: AllocationSettings;
    currency: string;
  }) {
    this.#store = options.store;
    this.#catalog = options.catalog;
    this.#settings = options.settings;
    this.#currency = options.currency;
    this.#rulesByRef = new Map();
    for (const rule of options.settings.rules) {
      const key = refKey(rule.entityRef);
      const list = this.#rulesByRef.get(key) ?? [];
      list.push(rule.match);
      this.#rulesByRef.set(key, list);
    }
  }

  /**
   * The matchers of one entity: its annotations and the configured rules
   * that name it. A malformed annotation throws an `InputError`.
   */
  matchersOf(entity: Entity): FinopsFactMatcher[] {
    const entityRef = entityRefOf(entity);
    let matchers: FinopsFactMatcher[];
    try {
      matchers = annotationMatchers(entity);
    } catch (error) {
      throw new InputError(
        `Entity ${entityRef} has an invalid cost allocation annotation: ${
          (error as Error).message
        }`,
      );
    }
    return [...matchers, ...(this.#rulesByRef.get(refKey(entityRef)) ?? [])];
  }

  /**
   * Resolves what a view of `entity` covers. For a System, Domain or Group
   * the catalog is walked with the caller's credentials: parts
   * (`partOf`, recursively), owned entities (`ownedBy`) and child groups
   * (`childOf`). Members with malformed annotations are left out with a
   * warning; the entity itself with one is an `InputError`.
   */
  async resolve(
    entity: Entity,
    credentials: BackstageCredentials,
  ): Promise<AllocationTarget> {
    const entityRef = entityRefOf(entity);
    const rollup = ROLLUP_KINDS.has(entity.kind.toLocaleLowerCase('en-US'));
    const warnings: string[] = [];
    const members: AllocationMember[] = [];
    const memberRefs = new Set<string>([entityRef]);

    const own = this.matchersOf(entity);
    if (own.length > 0) members.push({ entityRef, entity, matchers: own });

    if (rollup) {
      for (const member of await this.#rollupMembers(entity, credentials)) {
        const ref = entityRefOf(member);
        memberRefs.add(ref);
        try {
          const matchers = this.matchersOf(member);
          if (matchers.length > 0) {
            members.push({ entityRef: ref, entity: member, matchers });
          }
        } catch (error) {
          warnings.push((error as Error).message);
        }
      }
    }

    const shared: ResolvedSharedCost[] = [];
    if (this.#settings.sharedCosts.length > 0) {
      for (const resolved of await this.#resolveSharedCosts(
        credentials,
        warnings,
      )) {
        if (resolved.targets.some(t => memberRefs.has(t.entityRef))) {
          shared.push(resolved);
        }
      }
    }

    return {
      entityRef,
      rollup,
      memberRefs,
      members,
      matchers: members.flatMap(m => m.matchers),
      shared,
      warnings: [...new Set(warnings)],
    };
  }

  /** Walks partOf / ownedBy / childOf relations down from `root`. */
  async #rollupMembers(
    root: Entity,
    credentials: BackstageCredentials,
  ): Promise<Entity[]> {
    const seen = new Map<string, Entity>([[entityRefOf(root), root]]);
    let frontier: Entity[] = [root];
    while (frontier.length > 0) {
      const parents = frontier.map(entityRefOf);
      const groups = frontier
        .filter(e => e.kind.toLocaleLowerCase('en-US') === 'group')
        .map(entityRefOf);
      const filter: Record<string, string[]>[] = [
        { [`relations.${RELATION_PART_OF}`]: parents },
      ];
      if (groups.length > 0) {
        filter.push(
          { [`relations.${RELATION_OWNED_BY}`]: groups },
          { [`relations.${RELATION_CHILD_OF}`]: groups },
        );
      }
      const { items } = await this.#catalog.getEntities(
        { filter, fields: ENTITY_FIELDS },
        { credentials },
      );
      frontier = [];
      for (const item of items) {
        const ref = entityRefOf(item);
        if (seen.has(ref)) continue;
        seen.set(ref, item);
        frontier.push(item);
      }
      if (seen.size > MAX_ROLLUP_MEMBERS) {
        throw new InputError(
          `${entityRefOf(
            root,
          )} has more than ${MAX_ROLLUP_MEMBERS} members; roll-ups are limited to that many entities`,
        );
      }
    }
    seen.delete(entityRefOf(root));
    return [...seen.values()];
  }

  /** Looks up the targets of every shared cost in the catalog. */
  async #resolveSharedCosts(
    credentials: BackstageCredentials,
    warnings: string[],
  ): Promise<ResolvedSharedCost[]> {
    const resolved: ResolvedSharedCost[] = [];
    for (const rule of this.#settings.sharedCosts) {
      const targets: AllocationMember[] = [];
      if ('entityRefs' in rule.splitAmong) {
        const { items } = await this.#catalog.getEntitiesByRefs(
          { entityRefs: rule.splitAmong.entityRefs, fields: ENTITY_FIELDS },
          { credentials },
        );
        for (const [i, entity] of items.entries()) {
          if (!entity) {
            warnings.push(
              `${rule.name}: ${rule.splitAmong.entityRefs[i]} is not in the catalog (or not visible) and gets no share`,
            );
            continue;
          }
          targets.push({
            entityRef: entityRefOf(entity),
            entity,
            matchers: await this.#targetMatchers(entity, credentials, warnings),
          });
        }
      } else {
        const { items } = await this.#catalog.getEntities(
          {
            filter: {
              [`relations.${RELATION_OWNED_BY}`]: rule.splitAmong.ownerGroup,
            },
            fields: ENTITY_FIELDS,
          },
          { credentials },
        );
        for (const entity of items) {
          try {
            const matchers = this.matchersOf(entity);
            if (matchers.length > 0) {
              targets.push({
                entityRef: entityRefOf(entity),
                entity,
                matchers,
              });
            }
          } catch (error) {
            warnings.push((error as Error).message);
          }
        }
        if (targets.length === 0) {
          warnings.push(
            `${rule.name}: ${rule.splitAmong.ownerGroup} owns no entity with cost allocation keys; its costs stay unallocated`,
          );
        }
      }
      targets.sort((a, b) => (a.entityRef < b.entityRef ? -1 : 1));
      resolved.push({ rule, targets });
    }
    return resolved;
  }

  /** A shared-cost target's matchers; a roll-up kind brings its members'. */
  async #targetMatchers(
    entity: Entity,
    credentials: BackstageCredentials,
    warnings: string[],
  ): Promise<FinopsFactMatcher[]> {
    const matchers: FinopsFactMatcher[] = [];
    const entities = [entity];
    if (ROLLUP_KINDS.has(entity.kind.toLocaleLowerCase('en-US'))) {
      entities.push(...(await this.#rollupMembers(entity, credentials)));
    }
    for (const e of entities) {
      try {
        matchers.push(...this.matchersOf(e));
      } catch (error) {
        warnings.push((error as Error).message);
      }
    }
    return matchers;
  }

  /** The first shared cost whose match takes the group, if any. */
  #sharedRuleOf(group: FinopsCostGroup): SharedCostRule | undefined {
    return this.#settings.sharedCosts.find(rule =>
      matchesAnyGroup(group, [rule.match]),
    );
  }

  /**
   * Each target's direct cost over `[start, end)`: the effective cost of the
   * groups its matchers take, shared-cost groups excepted.
   */
  async #directCosts(
    targets: AllocationMember[],
    start: Date,
    end: Date,
  ): Promise<Map<string, number>> {
    const direct = new Map<string, number>(targets.map(t => [t.entityRef, 0]));
    const filter = targets.flatMap(t => t.matchers);
    if (filter.length === 0) return direct;
    const groups = await this.#store.queryCostGroups({
      from: start,
      to: end,
      currency: this.#currency,
      filter,
    });
    for (const group of groups) {
      if (this.#sharedRuleOf(group)) continue;
      for (const target of targets) {
        if (matchesAnyGroup(group, target.matchers)) {
          direct.set(
            target.entityRef,
            direct.get(target.entityRef)! + group.effectiveCost,
          );
        }
      }
    }
    return direct;
  }

  /**
   * The fraction of each shared cost's pool that goes to the view's
   * members, split evenly or in proportion to the targets' direct cost over
   * `[start, end)` (evenly when all of them are 0).
   */
  async #shareFractions(
    target: AllocationTarget,
    start: Date,
    end: Date,
  ): Promise<Map<number, number>> {
    const fractions = new Map<number, number>();
    const proportional = target.shared.filter(
      s => s.rule.by === 'proportional',
    );
    const allTargets = new Map<string, AllocationMember>();
    for (const s of proportional) {
      for (const t of s.targets) allTargets.set(t.entityRef, t);
    }
    const direct = await this.#directCosts(
      [...allTargets.values()],
      start,
      end,
    );
    for (const { rule, targets } of target.shared) {
      const weights = new Map(
        targets.map(t => [
          t.entityRef,
          rule.by === 'proportional' ? direct.get(t.entityRef) ?? 0 : 1,
        ]),
      );
      let sum = [...weights.values()].reduce((a, b) => a + b, 0);
      if (sum <= 0) {
        for (const ref of weights.keys()) weights.set(ref, 1);
        sum = weights.size;
      }
      let fraction = 0;
      for (const [ref, weight] of weights) {
        if (target.memberRefs.has(ref)) fraction += weight / sum;
      }
      fractions.set(rule.index, fraction);
    }
    return fractions;
  }

  /** The filter that reads everything a view may need. */
  #viewFilter(target: AllocationTarget): FinopsFactMatcher[] {
    return [...target.matchers, ...target.shared.map(s => s.rule.match)];
  }

  /**
   * The weight of a group in a view: 1 for a group the members' keys take,
   * the view's fraction for a shared cost group, 0 otherwise.
   */
  #weigh(
    target: AllocationTarget,
    fractions: Map<number, number>,
    group: FinopsCostGroup,
  ): { weight: number; shared: boolean } {
    const rule = this.#sharedRuleOf(group);
    if (rule) {
      return { weight: fractions.get(rule.index) ?? 0, shared: true };
    }
    return {
      weight: matchesAnyGroup(group, target.matchers) ? 1 : 0,
      shared: false,
    };
  }

  /** The cost series of a view over the days `[from, to]`. */
  async costs(
    target: AllocationTarget,
    options: {
      from: string;
      to: string;
      granularity: CostGranularity;
      groupBy?: CostGroupBy;
    },
  ): Promise<EntityCostSeries> {
    const { from, to, granularity, groupBy } = options;
    const { start, end } = dayRange(from, to);
    const bucket = granularity === 'monthly' ? 'month' : 'day';
    const buckets = bucketKeys(start, end, bucket);

    const dimensions: FinopsCostGroupDimension[] = [];
    let keyOf: (group: FinopsCostGroup) => string | null = () => 'total';
    if (groupBy?.startsWith('tag:')) {
      const tag = groupBy.slice('tag:'.length);
      keyOf = group => group.tags[tag] ?? null;
    } else if (groupBy === 'region' || groupBy === 'namespace') {
      keyOf = group => group[groupBy];
    } else if (groupBy) {
      const dimension = groupBy as FinopsCostGroupDimension;
      dimensions.push(dimension);
      keyOf = group => group[dimension] ?? null;
    }

    const [fractions, groups] = await Promise.all([
      this.#shareFractions(target, start, end),
      this.#store.queryCostGroups({
        from: start,
        to: end,
        currency: this.#currency,
        bucket,
        dimensions,
        filter: this.#viewFilter(target),
      }),
    ]);

    const index = new Map(buckets.map((b, i) => [b, i]));
    const series = new Map<string, CostSeries>();
    const total = zero();
    const sharedCost = zero();
    for (const group of groups) {
      const { weight, shared } = this.#weigh(target, fractions, group);
      if (weight === 0) continue;
      const key = keyOf(group);
      const mapKey = JSON.stringify(key);
      let line = series.get(mapKey);
      if (!line) {
        line = {
          key,
          total: zero(),
          points: buckets.map(b => ({ bucket: b, ...zero() })),
        };
        series.set(mapKey, line);
      }
      const point = line.points[index.get(group.bucket!)!];
      addScaled(point, group, weight);
      addScaled(line.total, group, weight);
      addScaled(total, group, weight);
      if (shared) addScaled(sharedCost, group, weight);
    }

    return {
      entityRef: target.entityRef,
      currency: this.#currency,
      from,
      to,
      granularity,
      ...(groupBy ? { groupBy } : {}),
      members: target.members.map(m => m.entityRef),
      buckets,
      total,
      sharedCost,
      series: [...series.values()].sort(
        byEffectiveDesc(line => String(line.key)),
      ),
      warnings: target.warnings,
    };
  }

  /** Usage series of a view; usage is matched by the members' keys only. */
  async usage(
    target: AllocationTarget,
    options: {
      from: string;
      to: string;
      granularity: UsageGranularity;
      metrics?: string[];
    },
  ): Promise<EntityUsageSeries> {
    const { from, to, granularity } = options;
    const { start, end } = dayRange(from, to);
    const bucket = granularity === 'hourly' ? 'hour' : 'day';
    const buckets = bucketKeys(start, end, bucket);
    const index = new Map(buckets.map((b, i) => [b, i]));

    const availableMetrics =
      target.matchers.length === 0
        ? []
        : await this.#store.listUsageMetrics({
            filter: target.matchers,
            from: start,
            to: end,
          });
    const metrics = options.metrics ?? availableMetrics;
    // A name no fact of the view carries in the range has an empty series:
    // only stored metrics cost a query.
    const stored = new Set(availableMetrics);

    // One query for every stored metric asked for.
    const queried = metrics.filter(metric => stored.has(metric));
    const groupsByMetric = new Map<string, FinopsUsageGroup[]>();
    if (target.matchers.length > 0 && queried.length > 0) {
      for (const group of await this.#store.queryUsageGroups({
        metrics: queried,
        from: start,
        to: end,
        bucket,
        filter: target.matchers,
      })) {
        const list = groupsByMetric.get(group.metric);
        if (list) list.push(group);
        else groupsByMetric.set(group.metric, [group]);
      }
    }

    const series = metrics.map((metric): UsageSeries => {
      const groups = groupsByMetric.get(metric) ?? [];
      const gauge = GAUGE_METRICS.has(metric);
      const acc = buckets.map(() => ({ sum: 0, n: 0, w: 0, ws: 0 }));
      const all = { sum: 0, n: 0, w: 0, ws: 0 };
      for (const group of groups) {
        if (!matchesAnyGroup(group, target.matchers)) continue;
        for (const a of [acc[index.get(group.bucket!)!], all]) {
          a.sum += group.sum;
          a.n += group.samples;
          a.w += group.weight;
          a.ws += group.weightedSum;
        }
      }
      const value = (a: typeof all): number | null => {
        if (!gauge) return a.sum;
        if (a.n === 0) return null;
        return a.w > 0 ? a.ws / a.w : a.sum / a.n;
      };
      return {
        metric,
        aggregation: gauge ? 'mean' : 'sum',
        total: value(all),
        points: buckets.map((b, i) => ({ bucket: b, value: value(acc[i]) })),
      };
    });

    return {
      entityRef: target.entityRef,
      from,
      to,
      granularity,
      members: target.members.map(m => m.entityRef),
      availableMetrics,
      series,
      warnings: target.warnings,
    };
  }

  /**
   * The month summary of a view, shared costs and roll-ups included,
   * composed from the store's grouped roll-ups: month to date, the same
   * span of the previous month, 30 daily costs, the top drivers and unit
   * economics. Proportional shares are weighted over the month to date.
   */
  async summary(
    target: AllocationTarget,
    options: { month?: string; now?: Date } = {},
  ): Promise<FinopsCostSummary> {
    const requestedMonth =
      options.month === undefined ? undefined : parseMonth(options.month);
    if (options.month !== undefined && !requestedMonth) {
      throw new InputError(
        `Invalid month '${options.month}'; expected YYYY-MM`,
      );
    }
    const filter = this.#viewFilter(target);
    const dataUntil =
      filter.length === 0
        ? undefined
        : await this.#store.getLatestCostHour({
            filter,
            currency: this.#currency,
            before: requestedMonth ? addMonths(requestedMonth, 1) : undefined,
          });
    const now = options.now ?? new Date();
    const monthStart = requestedMonth ?? startOfMonth(dataUntil ?? now);
    const monthEnd = addMonths(monthStart, 1);
    const clamp = (t: number, min: Date, max: Date) =>
      new Date(Math.min(Math.max(t, min.getTime()), max.getTime()));
    const mtdEnd = dataUntil
      ? clamp(dataUntil.getTime() + ONE_HOUR_MS, monthStart, monthEnd)
      : monthStart;
    const previousStart = addMonths(monthStart, -1);
    const previousEnd = clamp(
      previousStart.getTime() + (mtdEnd.getTime() - monthStart.getTime()),
      previousStart,
      monthStart,
    );
    const lastDay = startOfDay(
      dataUntil ?? new Date(Math.min(now.getTime(), monthEnd.getTime() - 1)),
    );
    const dailyStart = new Date(
      lastDay.getTime() - (SUMMARY_DAYS - 1) * ONE_DAY_MS,
    );
    const dailyEnd = new Date(lastDay.getTime() + ONE_DAY_MS);

    const fractions = await this.#shareFractions(target, monthStart, mtdEnd);
    const read = (
      from: Date,
      to: Date,
      extra: { bucket?: 'day'; dimensions?: FinopsCostGroupDimension[] } = {},
    ) =>
      filter.length === 0 || from >= to
        ? Promise.resolve([] as FinopsCostGroup[])
        : this.#store.queryCostGroups({
            from,
            to,
            currency: this.#currency,
            filter,
            ...extra,
          });
    const [mtdGroups, previousGroups, dailyGroups, usage] = await Promise.all([
      read(monthStart, mtdEnd, {
        dimensions: ['category', 'workload', 'gpuModel'],
      }),
      read(previousStart, previousEnd),
      read(dailyStart, dailyEnd, { bucket: 'day' }),
      this.#usageTotals(target, monthStart, mtdEnd),
    ]);

    const weighed = (groups: FinopsCostGroup[]) =>
      groups
        .map(group => ({
          group,
          weight: this.#weigh(target, fractions, group).weight,
        }))
        .filter(g => g.weight > 0);

    const monthToDate = zero();
    const drivers = new Map<
      string,
      {
        category: CostCategory;
        workload?: string;
        gpuModel?: string;
        cost: number;
      }
    >();
    for (const { group, weight } of weighed(mtdGroups)) {
      addScaled(monthToDate, group, weight);
      const key = JSON.stringify([group.category, group.workload]);
      let driver = drivers.get(key);
      if (!driver) {
        driver = {
          category: group.category as CostCategory,
          ...(group.workload ? { workload: group.workload } : {}),
          cost: 0,
        };
        drivers.set(key, driver);
      }
      driver.cost += group.effectiveCost * weight;
      if (
        group.gpuModel &&
        (!driver.gpuModel || group.gpuModel > driver.gpuModel)
      ) {
        driver.gpuModel = group.gpuModel;
      }
    }
    const previousMonthToDate = zero();
    for (const { group, weight } of weighed(previousGroups)) {
      addScaled(previousMonthToDate, group, weight);
    }
    const byDay = new Map<string, number>();
    for (const { group, weight } of weighed(dailyGroups)) {
      byDay.set(
        group.bucket!,
        (byDay.get(group.bucket!) ?? 0) + group.effectiveCost * weight,
      );
    }

    const total = monthToDate.effectiveCost;
    const economics = unitEconomics({
      cost: total,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      requests: usage.requests,
    });
    return {
      currency: this.#currency,
      ...(dataUntil ? { dataUntil: dataUntil.toISOString() } : {}),
      month: formatMonth(monthStart),
      monthToDate,
      previousMonthToDate,
      dailyCosts: bucketKeys(dailyStart, dailyEnd, 'day').map(date => ({
        date,
        cost: byDay.get(date) ?? 0,
      })),
      topDrivers: [...drivers.values()]
        .filter(d => d.cost > 0)
        .sort(
          (a, b) =>
            b.cost - a.cost ||
            a.category.localeCompare(b.category) ||
            (a.workload ?? '').localeCompare(b.workload ?? ''),
        )
        .slice(0, SUMMARY_DRIVERS)
        .map(d => ({ ...d, share: total > 0 ? d.cost / total : 0 })),
      usage: {
        gpuHours: usage.gpuHours,
        ...(usage.gpuUtilization !== undefined
          ? { gpuUtilization: usage.gpuUtilization }
          : {}),
        tokens: usage.tokens,
        requests: usage.requests,
        ...(economics.costPerMillionTokens !== undefined
          ? { costPerMillionTokens: economics.costPerMillionTokens }
          : {}),
      },
    };
  }

  async #usageTotals(target: AllocationTarget, start: Date, end: Date) {
    const metrics = [
      'gpu_hours',
      'gpu_utilization',
      'tokens_input',
      'tokens_output',
      'requests',
    ];
    const totals = new Map(
      metrics.map(m => [m, { sum: 0, weight: 0, weightedSum: 0 }]),
    );
    if (target.matchers.length > 0 && start < end) {
      for (const group of await this.#store.queryUsageGroups({
        metrics,
        from: start,
        to: end,
        filter: target.matchers,
      })) {
        if (!matchesAnyGroup(group, target.matchers)) continue;
        const acc = totals.get(group.metric)!;
        acc.sum += group.sum;
        acc.weight += group.weight;
        acc.weightedSum += group.weightedSum;
      }
    }
    const [gpuHours, utilization, input, output, requests] = metrics.map(
      m => totals.get(m)!,
    );
    return {
      gpuHours: gpuHours.sum,
      ...(utilization.weight > 0
        ? { gpuUtilization: utilization.weightedSum / utilization.weight }
        : {}),
      tokens: input.sum + output.sum,
      inputTokens: input.sum,
      outputTokens: output.sum,
      requests: requests.sum,
    };
  }

  /**
   * Allocates every cost fact of the days `[from, to]` to the catalog
   * entities visible to the caller: shared costs are split first, then
   * each remaining group goes to the entities whose keys take it (divided
   * evenly when several do), and what no entity takes is unallocated.
   */
  async allocation(
    options: { from: string; to: string },
    credentials: BackstageCredentials,
  ): Promise<CostAllocationReport> {
    const { from, to } = options;
    const { start, end } = dayRange(from, to);
    const warnings: string[] = [];

    // Entities with keys: annotated ones, and those named by rules.
    const annotated = await this.#catalog.getEntities(
      {
        filter: ANNOTATED_ENTITY_FILTER,
        fields: ENTITY_FIELDS,
      },
      { credentials },
    );
    const byRef = new Map<string, Entity>();
    for (const entity of annotated.items) {
      byRef.set(refKey(entityRefOf(entity)), entity);
    }
    const ruleRefs = [
      ...new Set(this.#settings.rules.map(rule => rule.entityRef)),
    ].filter(ref => !byRef.has(refKey(ref)));
    if (ruleRefs.length > 0) {
      const { items } = await this.#catalog.getEntitiesByRefs(
        { entityRefs: ruleRefs, fields: ENTITY_FIELDS },
        { credentials },
      );
      items.forEach((entity, i) => {
        if (entity) byRef.set(refKey(entityRefOf(entity)), entity);
        else
          warnings.push(
            `finops.allocation.rules name ${ruleRefs[i]}, which is not in the catalog (or not visible); its facts stay unallocated`,
          );
      });
    }
    const entities: AllocationMember[] = [];
    for (const entity of byRef.values()) {
      const entityRef = entityRefOf(entity);
      try {
        const matchers = this.matchersOf(entity);
        if (matchers.length > 0) entities.push({ entityRef, entity, matchers });
      } catch (error) {
        warnings.push((error as Error).message);
      }
    }
    entities.sort((a, b) => (a.entityRef < b.entityRef ? -1 : 1));
    const sharedCosts = await this.#resolveSharedCosts(credentials, warnings);

    const groups = await this.#store.queryCostGroups({
      from: start,
      to: end,
      currency: this.#currency,
      dimensions: ['workload'],
    });

    const rows = new Map<string, AllocatedEntityCost>();
    const rowOf = (member: AllocationMember) => {
      let row = rows.get(member.entityRef);
      if (!row) {
        const owner = relationTargets(member.entity, RELATION_OWNED_BY)[0];
        const system = relationTargets(member.entity, RELATION_PART_OF).find(
          ref => ref.startsWith('system:'),
        );
        row = {
          entityRef: member.entityRef,
          ...(member.entity.metadata.title
            ? { title: member.entity.metadata.title }
            : {}),
          ...(owner ? { owner } : {}),
          ...(system ? { system } : {}),
          direct: zero(),
          shared: zero(),
          total: zero(),
        };
        rows.set(member.entityRef, row);
      }
      return row;
    };

    const total = zero();
    const unallocated = zero();
    const unallocatedGroups: FinopsCostGroup[] = [];
    const pools = new Map<number, CostAmounts>();
    const fullDirect = new Map<string, number>();
    const overlaps = new Map<
      string,
      { entityRefs: string[]; cost: CostAmounts }
    >();

    const matchedBy = groupMatcher(entities);
    for (const group of groups) {
      addScaled(total, group);
      const rule = this.#sharedRuleOf(group);
      if (rule) {
        const pool = pools.get(rule.index) ?? zero();
        addScaled(pool, group);
        pools.set(rule.index, pool);
        continue;
      }
      const matched = matchedBy(group);
      if (matched.length === 0) {
        addScaled(unallocated, group);
        unallocatedGroups.push(group);
        continue;
      }
      for (const member of matched) {
        addScaled(rowOf(member).direct, group, 1 / matched.length);
        fullDirect.set(
          member.entityRef,
          (fullDirect.get(member.entityRef) ?? 0) + group.effectiveCost,
        );
      }
      if (matched.length > 1) {
        const refs = matched.map(m => m.entityRef);
        const key = refs.join('\n');
        const overlap = overlaps.get(key) ?? { entityRefs: refs, cost: zero() };
        addScaled(overlap.cost, group);
        overlaps.set(key, overlap);
      }
    }

    const splits: SharedCostSplit[] = [];
    for (const { rule, targets } of sharedCosts) {
      const pool = pools.get(rule.index) ?? zero();
      // A target's direct cost for a proportional split is everything its
      // keys take, as its own entity view shows it.
      // Roll-up targets bring their members' keys (see #targetMatchers).
      const directOf = async (t: AllocationMember) =>
        ROLLUP_KINDS.has(t.entity.kind.toLocaleLowerCase('en-US'))
          ? (await this.#directCosts([t], start, end)).get(t.entityRef) ?? 0
          : fullDirect.get(t.entityRef) ?? 0;
      const weights = await Promise.all(
        targets.map(async t => (rule.by === 'proportional' ? directOf(t) : 1)),
      );
      let sum = weights.reduce((a, b) => a + b, 0);
      if (sum <= 0) {
        weights.fill(1);
        sum = weights.length;
      }
      const split: SharedCostSplit = {
        name: rule.name,
        match: rule.match,
        by: rule.by,
        total: pool,
        splits: [],
      };
      if (targets.length === 0) {
        addScaled(unallocated, pool);
      } else {
        targets.forEach((t, i) => {
          const share = weights[i] / sum;
          const cost = zero();
          addScaled(cost, pool, share);
          split.splits.push({ entityRef: t.entityRef, share, cost });
          addScaled(rowOf(t).shared, pool, share);
        });
      }
      splits.push(split);
    }

    const owners = new Map<string, CostAmounts>();
    const systems = new Map<string, CostAmounts>();
    for (const row of rows.values()) {
      addScaled(row.total, row.direct);
      addScaled(row.total, row.shared);
      if (row.owner) {
        const o = owners.get(row.owner) ?? zero();
        addScaled(o, row.total);
        owners.set(row.owner, o);
      }
      if (row.system) {
        const s = systems.get(row.system) ?? zero();
        addScaled(s, row.total);
        systems.set(row.system, s);
      }
    }
    const allocated = zero();
    addScaled(allocated, total);
    addScaled(allocated, unallocated, -1);

    const rollup = (map: Map<string, CostAmounts>) =>
      [...map.entries()]
        .map(([entityRef, amounts]) => ({ entityRef, total: amounts }))
        .sort(byEffectiveDesc(r => r.entityRef));

    return {
      currency: this.#currency,
      from,
      to,
      total,
      allocated,
      unallocated: {
        ...unallocated,
        share:
          total.effectiveCost > 0
            ? unallocated.effectiveCost / total.effectiveCost
            : 0,
        topGroups: unallocatedGroups
          .sort((a, b) => b.effectiveCost - a.effectiveCost)
          .slice(0, TOP_UNALLOCATED)
          .map(toUnallocatedGroup),
      },
      entities: [...rows.values()].sort(byEffectiveDesc(r => r.entityRef)),
      owners: rollup(owners),
      systems: rollup(systems),
      sharedCosts: splits,
      overlaps: [...overlaps.values()].sort(
        (a, b) => b.cost.effectiveCost - a.cost.effectiveCost,
      ),
      warnings: [...new Set(warnings)],
    };
  }
}

/** An unallocated group, with a hint at how it could be mapped. */
function toUnallocatedGroup(group: FinopsCostGroup): UnallocatedCostGroup {
  const pairs = (map: Record<string, string>) =>
    Object.entries(map)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
  let hint: string;
  if (group.kubernetesId) {
    hint = `annotate its entity with ${KUBERNETES_ID_ANNOTATION}: ${group.kubernetesId}`;
  } else if (Object.keys(group.labels).length > 0) {
    hint = `annotate its entity with ${KUBERNETES_LABEL_SELECTOR_ANNOTATION}: ${pairs(
      group.labels,
    )}`;
  } else if (Object.keys(group.tags).length > 0) {
    hint = `annotate its entity with ${FINOPS_BILLING_TAGS_ANNOTATION}: ${pairs(
      group.tags,
    )}`;
  } else if (group.namespace) {
    hint = `add a finops.allocation.rules entry with match.namespace: ${group.namespace}`;
  } else if (group.region) {
    hint = `add a finops.allocation.rules entry or a shared cost with match.region: ${group.region}`;
  } else {
    hint =
      'the source reports these facts without a Kubernetes id, labels, tags, namespace or region; tag them at the source';
  }
  return {
    ...(group.kubernetesId ? { kubernetesId: group.kubernetesId } : {}),
    ...(group.namespace ? { namespace: group.namespace } : {}),
    ...(group.workload ? { workload: group.workload } : {}),
    ...(group.region ? { region: group.region } : {}),
    labels: group.labels,
    tags: group.tags,
    billedCost: group.billedCost,
    effectiveCost: group.effectiveCost,
    listCost: group.listCost,
    hint,
  };
}
