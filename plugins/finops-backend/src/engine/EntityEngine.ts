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
  attributeSeriesDelta,
  budgetStatus,
  detectCostAnomalies,
  forecast,
  gpuCarbonFootprint,
  gpuEfficiency,
  gridEmissionFactor,
  PROVIDER_PUE,
  splitPriceUsage,
  unitEconomics,
  type GpuSample,
} from '@ai-finops/backstage-plugin-finops-engine';
import {
  FINOPS_GPU_MODEL_ANNOTATION,
  FINOPS_MONTHLY_BUDGET_ANNOTATION,
  FINOPS_REGION_ANNOTATION,
  type EntityCarbonFootprint,
  type EntityCostSummary,
  type EntityCostAnomalies,
  type EntityCostAnomaly,
  type EntityCostForecast,
  type EntityGpuEfficiency,
  type EntityRecommendation,
  type EntityRecommendations,
  type EfficiencyDay,
  type RecommendationState,
} from '@ai-finops/backstage-plugin-finops-common';
import type {
  FinopsPullRequestStore,
  FinopsRecommendationStateStore,
  FinopsRecommender,
  FinopsStore,
  PriceCatalog,
  StoredRecommendationPullRequest,
} from '@ai-finops/backstage-plugin-finops-node';
import {
  formatDay,
  ONE_DAY_MS,
  ONE_HOUR_MS,
} from '@ai-finops/backstage-plugin-finops-node';
import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { NotFoundError, NotImplementedError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { AllocationSettings } from './allocationConfig';
import { CostAllocator, type AllocationTarget } from './CostAllocator';
import { matchesAnyGroup } from './matching';
import { defaultRange } from './storedResults';
import { mapLimit } from '../lib/mapLimit';
import {
  engineRecommendations,
  fromEngine,
  greenerRegion,
  money,
  MONTH_HOURS,
  providerOf,
  signedMoney,
  workloadRef,
  type GpuHourPriceOf,
} from './recommendations';

/**
 * What the entity engine is built from, once, in `plugin.ts`.
 *
 * @internal
 */
export interface EntityEngineOptions {
  store: FinopsStore;
  catalog: CatalogService;
  /** `finops.allocation`: rules and shared costs. */
  allocation: AllocationSettings;
  /** The currency summaries are in (`finops.currency`). */
  currency: string;
  /**
   * The price catalog (config overrides, then learned from FOCUS, then
   * embedded): it prices idle GPU-hours where the entity's own GPU cost is
   * unknown, and the GPUs recommendations move to.
   */
  prices: () => Promise<PriceCatalog>;
  logger: LoggerService;
  /** The current time; tests pin it. */
  now?: () => Date;
  /** Where dismissals and snoozes are kept. */
  recommendationState?: FinopsRecommendationStateStore;
  /** Recommenders installed through `finopsRecommendersExtensionPoint`. */
  recommenders?: FinopsRecommender[];
  /** Tracked pull requests, listed on each recommendation that has one. */
  pullRequests?: Pick<
    FinopsPullRequestStore,
    'getRecommendationPullRequests' | 'getRecommendationPullRequestsOf'
  >;
}

const USAGE_METRICS = [
  'gpu_hours',
  'gpu_utilization',
  'gpu_power_watts',
  'tokens_input',
  'tokens_output',
  'requests',
];
const INTENSITY_METRIC = 'grid_carbon_intensity_gco2_per_kwh';
/** How long a region's hourly grid intensity is reused. */
const INTENSITY_REUSE_MS = 60_000;
/** Backstage's Kubernetes plugin annotation for the namespace of an entity's objects. */
const KUBERNETES_NAMESPACE_ANNOTATION = 'backstage.io/kubernetes-namespace';

const DRIVER_TEXT = {
  usage: 'Usage drove it: GPU-hours rose, the price per GPU-hour did not.',
  price: 'Price drove it: the cost per GPU-hour changed, usage did not.',
  both: 'Both price and usage moved.',
} as const;

/**
 * A range of UTC days, both inclusive.
 *
 * @internal
 */
/** Hourly GPU samples, costs and usage totals of an entity over a range. */
type Facts = Awaited<ReturnType<EntityEngine['facts']>>;

export interface DayRange {
  from: string;
  to: string;
}

/**
 * What the engine computes for one entity, from the store's roll-ups and
 * the engine maths in finops-engine: the cost summary, series and
 * allocation (through the `CostAllocator`), forecast, anomalies, GPU
 * efficiency, carbon and recommendations. Built once in `plugin.ts`; the
 * route files parse parameters and call it.
 *
 * @internal
 */
export class EntityEngine {
  readonly #allocator: CostAllocator;
  readonly options: EntityEngineOptions & { now: () => Date };

  constructor(options: EntityEngineOptions) {
    this.options = { ...options, now: options.now ?? (() => new Date()) };
    this.#allocator = new CostAllocator({
      store: options.store,
      catalog: options.catalog,
      currency: options.currency,
      settings: options.allocation,
    });
  }

  /** What a view of `entity` covers (see `CostAllocator.resolve`). */
  resolve(entity: Entity, credentials: BackstageCredentials) {
    return this.#allocator.resolve(entity, credentials);
  }

  /** The cost series of a view. */
  costs(...args: Parameters<CostAllocator['costs']>) {
    return this.#allocator.costs(...args);
  }

  /** The usage series of a view. */
  usage(...args: Parameters<CostAllocator['usage']>) {
    return this.#allocator.usage(...args);
  }

  /** The organisation's cost allocation report. */
  allocation(...args: Parameters<CostAllocator['allocation']>) {
    return this.#allocator.allocation(...args);
  }

  /** The month summary of a resolved entity, its budget included. */
  async summary(
    entity: Entity,
    target: AllocationTarget,
    month?: string,
  ): Promise<EntityCostSummary> {
    const summary = await this.#allocator.summary(target, { month });
    const monthlyBudget = this.#monthlyBudget(entity, target.entityRef);
    return {
      entityRef: target.entityRef,
      ...summary,
      ...(monthlyBudget !== undefined ? { monthlyBudget } : {}),
    };
  }

  /** Records (or, with `undefined`, clears) a decision on a recommendation. */
  async decide(
    target: AllocationTarget,
    id: string,
    state: Exclude<RecommendationState, { status: 'open' }> | undefined,
  ): Promise<void> {
    const store = this.options.recommendationState;
    if (!store) {
      throw new NotImplementedError(
        'Recommendation decisions need the FinOps database store',
      );
    }
    if (state) await store.setRecommendationState(target.entityRef, id, state);
    else await store.clearRecommendationState(target.entityRef, id);
  }

  /** `ai-finops.io/monthly-budget`; a malformed value is logged and ignored. */
  #monthlyBudget(entity: Entity, entityRef: string): number | undefined {
    const value =
      entity.metadata.annotations?.[FINOPS_MONTHLY_BUDGET_ANNOTATION];
    if (value === undefined || value.trim() === '') return undefined;
    const budget = Number(value);
    if (!Number.isFinite(budget) || budget < 0) {
      this.options.logger.warn(
        `Ignoring ${FINOPS_MONTHLY_BUDGET_ANNOTATION} '${value}' on ${entityRef}: not a non-negative number`,
      );
      return undefined;
    }
    return budget;
  }

  /** The catalog's USD price of a GPU-hour, as the rules ask for it. */
  async #gpuHourPrices(): Promise<GpuHourPriceOf> {
    const catalog = await this.options.prices();
    return (gpuModel, where) =>
      catalog.gpuHourPrice({ gpuModel, ...where })?.usdPerGpuHour;
  }

  /** The latest hour with cost data of the view, or undefined. */
  private async dataUntil(target: AllocationTarget): Promise<Date | undefined> {
    if (target.matchers.length === 0) return undefined;
    return this.options.store.getLatestCostHour({
      filter: target.matchers,
      currency: this.options.currency,
    });
  }

  /** Effective cost per UTC day of the view, with the split by `groupBy`. */
  private async dailyCosts(
    target: AllocationTarget,
    range: DayRange,
    groupBy?: 'workload' | 'category' | 'gpuModel' | 'region' | 'namespace',
  ) {
    const series = await this.#allocator.costs(target, {
      ...range,
      granularity: 'daily',
      groupBy,
    });
    const totals = series.buckets.map(() => 0);
    const byKey: Record<string, number[]> = {};
    for (const line of series.series) {
      const values = line.points.map(p => p.effectiveCost);
      byKey[String(line.key ?? '(none)')] = values;
      values.forEach((v, i) => {
        totals[i] += v;
      });
    }
    return { buckets: series.buckets, totals, byKey, series };
  }

  async forecast(
    entity: Entity,
    target: AllocationTarget,
  ): Promise<EntityCostForecast> {
    const dataUntil = await this.dataUntil(target);
    if (!dataUntil) {
      throw new NotFoundError(
        `No cost data for ${target.entityRef} yet; a forecast needs at least two days of costs`,
      );
    }
    const month = dataUntil.toISOString().slice(0, 7);
    const monthStart = Date.parse(`${month}-01T00:00:00Z`);
    const nextMonth = Date.UTC(
      dataUntil.getUTCFullYear(),
      dataUntil.getUTCMonth() + 1,
      1,
    );
    const daysInMonth = Math.round((nextMonth - monthStart) / ONE_DAY_MS);
    // The last complete day: the day of the latest hour if that hour is 23:00.
    const lastDayStart =
      Math.floor(dataUntil.getTime() / ONE_DAY_MS) * ONE_DAY_MS;
    const asOfMs =
      dataUntil.getUTCHours() === 23 ? lastDayStart : lastDayStart - ONE_DAY_MS;
    const asOf = formatDay(new Date(asOfMs));
    const from = formatDay(new Date(asOfMs - 89 * ONE_DAY_MS));
    const { buckets, totals } = await this.dailyCosts(target, {
      from,
      to: asOf,
    });

    const previousStart = new Date(
      Date.UTC(dataUntil.getUTCFullYear(), dataUntil.getUTCMonth() - 1, 1),
    );
    const previousMonth = previousStart.toISOString().slice(0, 7);
    let previousCost = 0;
    buckets.forEach((day, i) => {
      if (day.startsWith(previousMonth)) previousCost += totals[i];
    });

    // History from the first day with cost.
    const first = totals.findIndex(v => v !== 0);
    const historyDays = first < 0 ? [] : buckets.slice(first);
    const history = first < 0 ? [] : totals.slice(first);
    const daysElapsed = Math.max(
      0,
      Math.round((asOfMs + ONE_DAY_MS - monthStart) / ONE_DAY_MS),
    );
    const remaining = daysInMonth - daysElapsed;
    let actual = 0;
    historyDays.forEach((day, i) => {
      if (day.startsWith(month)) actual += history[i];
    });

    const notes: string[] = [];
    if (history.length < 2) {
      throw new NotFoundError(
        `${target.entityRef} has ${history.length} day(s) of costs; a forecast needs at least two`,
      );
    }
    const f = forecast(history, {
      horizon: Math.max(1, remaining),
      stepMs: ONE_DAY_MS,
    });
    notes.push(...f.notes);
    const take = remaining > 0 ? remaining : 0;
    const sum = (a: number[]) => a.slice(0, take).reduce((s, v) => s + v, 0);
    const daily = f.mean.slice(0, take).map((mean, j) => ({
      date: formatDay(new Date(asOfMs + (j + 1) * ONE_DAY_MS)),
      mean,
      lower: f.lower[j],
      upper: f.upper[j],
    }));
    const monthEnd = {
      mean: actual + sum(f.mean),
      lower: actual + sum(f.lower),
      upper: actual + sum(f.upper),
      level: f.level,
    };
    if (take > 1) {
      notes.push(
        'The month-end interval adds the daily bounds, which assumes the days err together (conservative).',
      );
    }

    let budget: EntityCostForecast['budget'];
    const monthlyBudget = this.#monthlyBudget(entity, target.entityRef);
    if (monthlyBudget !== undefined && monthlyBudget > 0) {
      const status = budgetStatus({
        budget: monthlyBudget,
        month,
        asOf: asOfMs < monthStart ? undefined : asOf,
        dailyCosts: historyDays.map((date, i) => ({
          date,
          cost: history[i],
        })),
        // The forecast above, not a second ensemble run.
        forecaster: (_h, horizon) => ({
          mean: f.mean.slice(0, horizon),
          lower: f.lower.slice(0, horizon),
          upper: f.upper.slice(0, horizon),
          level: f.level,
        }),
      });
      budget = {
        budget: monthlyBudget,
        status: status.status,
        actualShare: status.actualShare,
        projectedShare: status.projectedShare,
        burnRatePerDay: status.burnRatePerDay,
        allowedRatePerDay: status.allowedRatePerDay,
        alerts: status.alerts,
      };
    }

    return {
      entityRef: target.entityRef,
      currency: this.options.currency,
      month,
      asOf,
      daysElapsed,
      daysInMonth,
      actual,
      monthEnd,
      previousMonth: { month: previousMonth, cost: previousCost },
      history: historyDays.map((date, i) => ({ date, cost: history[i] })),
      daily,
      ...(f.accuracy
        ? {
            accuracy: {
              smape: f.accuracy.smape,
              mase: f.accuracy.mase,
              coverage: f.accuracy.coverage,
              origins: f.accuracy.origins,
              horizon: f.accuracy.horizon,
            },
          }
        : {}),
      models: f.models
        .filter(m => m.weight > 0)
        .map(m => ({ model: m.model, weight: m.weight })),
      ...(budget ? { budget } : {}),
      notes,
    };
  }

  async anomalies(
    target: AllocationTarget,
    range: DayRange,
    granularity: 'daily' | 'hourly',
  ): Promise<EntityCostAnomalies> {
    const notes: string[] = [];
    let buckets: string[];
    let totals: number[];
    let byWorkload: Record<string, number[]>;
    let byCategory: Record<string, number[]>;
    if (granularity === 'daily') {
      const [w, c] = await Promise.all([
        this.dailyCosts(target, range, 'workload'),
        this.dailyCosts(target, range, 'category'),
      ]);
      ({ buckets, totals } = w);
      byWorkload = w.byKey;
      byCategory = c.byKey;
    } else {
      ({ buckets, totals, byWorkload, byCategory } = await this.hourlyCosts(
        target,
        range,
      ));
      notes.push(
        'Hourly costs are the facts the entity’s keys match; shared costs split to it are left out.',
      );
    }
    const stepMs = granularity === 'daily' ? ONE_DAY_MS : ONE_HOUR_MS;
    const season = granularity === 'daily' ? 7 : 24;
    // Judge from the first bucket with cost: zeros before data are no baseline.
    const first = Math.max(
      0,
      totals.findIndex(v => v !== 0),
    );
    const values = totals.slice(first);
    const times = buckets.slice(first).map(b => Date.parse(bucketIso(b)));
    const positive = values.filter(v => v > 0).sort((a, b) => a - b);
    const median = positive.length
      ? positive[Math.floor(positive.length / 2)]
      : 0;
    const dollarFloor = Math.max(1, Math.round(0.05 * median * 100) / 100);
    const refitEvery = granularity === 'daily' ? 7 : 24;
    const warmUp = granularity === 'daily' ? 28 : 7 * 24;

    const points: EntityCostAnomalies['points'] = buckets.map((bucket, i) => ({
      bucket,
      actual: totals[i],
    }));
    const found =
      values.length > warmUp
        ? detectCostAnomalies(times, values, {
            stepMs,
            refitEvery,
            warmUp,
            dollarFloor,
          })
        : [];
    if (values.length <= warmUp) {
      notes.push(
        `${values.length} ${
          granularity === 'daily' ? 'days' : 'hours'
        } of costs; anomalies are judged after ${warmUp}.`,
      );
    }
    // The expected band of every judged bucket, for the chart.
    const judged = judgeBands(values, stepMs, refitEvery, warmUp);
    judged.forEach((band, j) => {
      if (band) {
        points[first + j].expected = band.expected;
        points[first + j].upper = band.upper;
      }
    });

    const gpuHours =
      granularity === 'daily'
        ? await this.usageTotals(target, range, 'gpu_hours', 'daily')
        : undefined;

    const anomalies: EntityCostAnomaly[] = found.map(a => {
      const index = times.indexOf(a.timestamp) + first;
      const bucket = buckets[index];
      const contributors = [
        ...attributeSeriesDelta(byWorkload, index, { season }).map(c => ({
          ...c,
          dimension: 'workload',
        })),
      ]
        .filter(c => Math.abs(c.delta) >= 0.01)
        .slice(0, 5);
      const categories = attributeSeriesDelta(byCategory, index, { season });
      let priceUsage: EntityCostAnomaly['priceUsage'];
      if (gpuHours && byCategory.gpu) {
        const prev = [1, 2, 3].map(k => index - k * season).filter(i => i >= 0);
        if (prev.length) {
          const mean = (arr: number[]) =>
            prev.reduce((s, i) => s + (arr[i] ?? 0), 0) / prev.length;
          priceUsage = splitPriceUsage(
            { cost: mean(byCategory.gpu), quantity: mean(gpuHours) },
            {
              cost: byCategory.gpu[index] ?? 0,
              quantity: gpuHours[index] ?? 0,
            },
          );
        }
      }
      const top = contributors[0];
      const topCategory = categories[0];
      const pct = Number.isFinite(a.percentOver)
        ? `${a.percentOver.toFixed(0)} %`
        : 'from nothing';
      const explanation = [
        `Cost ${money(a.actual)} against ${money(
          a.expected,
        )} expected (${pct} over, band up to ${money(a.upper)}).`,
        top
          ? `${top.key} moved most: ${signedMoney(top.delta)} (${(
              top.share * 100
            ).toFixed(0)} % of the change)${
              topCategory ? `, mostly ${topCategory.key}` : ''
            }.`
          : '',
        priceUsage ? DRIVER_TEXT[priceUsage.driver] : '',
      ]
        .filter(Boolean)
        .join(' ');
      return {
        bucket,
        actual: a.actual,
        expected: a.expected,
        upper: a.upper,
        impact: a.impact,
        percentOver: Number.isFinite(a.percentOver) ? a.percentOver : null,
        severity: a.severity,
        explanation,
        contributors,
        ...(priceUsage ? { priceUsage } : {}),
      };
    });
    anomalies.sort((a, b) => (a.bucket < b.bucket ? 1 : -1));

    return {
      entityRef: target.entityRef,
      currency: this.options.currency,
      from: range.from,
      to: range.to,
      granularity,
      dollarFloor,
      points,
      anomalies,
      notes,
    };
  }

  /** Hourly effective cost of the facts the view's keys match, total and split. */
  private async hourlyCosts(target: AllocationTarget, range: DayRange) {
    const start = new Date(`${range.from}T00:00:00Z`);
    const end = new Date(Date.parse(`${range.to}T00:00:00Z`) + ONE_DAY_MS);
    const buckets: string[] = [];
    for (let t = start.getTime(); t < end.getTime(); t += ONE_HOUR_MS) {
      buckets.push(new Date(t).toISOString());
    }
    const index = new Map(buckets.map((b, i) => [b, i]));
    const totals = buckets.map(() => 0);
    const byWorkload: Record<string, number[]> = {};
    const byCategory: Record<string, number[]> = {};
    if (target.matchers.length) {
      const groups = await this.options.store.queryCostGroups({
        from: start,
        to: end,
        currency: this.options.currency,
        bucket: 'hour',
        dimensions: ['workload', 'category'],
        filter: target.matchers,
      });
      for (const g of groups) {
        if (!matchesAnyGroup(g, target.matchers)) continue;
        const i = index.get(new Date(g.bucket!).toISOString());
        if (i === undefined) continue;
        totals[i] += g.effectiveCost;
        const w = g.workload ?? '(none)';
        (byWorkload[w] ??= buckets.map(() => 0))[i] += g.effectiveCost;
        const c = g.category ?? '(none)';
        (byCategory[c] ??= buckets.map(() => 0))[i] += g.effectiveCost;
      }
    }
    return { buckets, totals, byWorkload, byCategory };
  }

  private async usageTotals(
    target: AllocationTarget,
    range: DayRange,
    metric: string,
    granularity: 'daily' | 'hourly',
  ): Promise<number[] | undefined> {
    const usage = await this.#allocator.usage(target, {
      ...range,
      granularity,
      metrics: [metric],
    });
    const s = usage.series[0];
    if (!s || s.total === null || s.total === 0) return undefined;
    return s.points.map(p => p.value ?? 0);
  }

  /** Hourly GPU samples, costs and usage totals of the view over `range`. */
  private async facts(
    entity: Entity,
    target: AllocationTarget,
    range: DayRange,
  ) {
    const [usage, byCategory, byModel, byRegion, byWorkload, byNamespace] =
      await Promise.all([
        this.#allocator.usage(target, {
          ...range,
          granularity: 'hourly',
          metrics: USAGE_METRICS,
        }),
        this.dailyCosts(target, range, 'category'),
        this.dailyCosts(target, range, 'gpuModel'),
        this.dailyCosts(target, range, 'region'),
        this.dailyCosts(target, range, 'workload'),
        this.dailyCosts(target, range, 'namespace'),
      ]);
    const metric = (name: string) =>
      usage.series.find(s => s.metric === name)?.points.map(p => p.value) ??
      usage.series[0]?.points.map(() => null) ??
      [];
    const hours = usage.series[0]?.points.map(p => p.bucket) ?? [];
    const gpuHours = metric('gpu_hours');
    const util = metric('gpu_utilization');
    const power = metric('gpu_power_watts');
    const tokensIn = metric('tokens_input');
    const tokensOut = metric('tokens_output');
    const requests = metric('requests');
    const largest = (byKey: Record<string, number[]>) =>
      Object.entries(byKey)
        .filter(([k]) => k !== '(none)' && k !== 'null')
        .map(([k, v]) => [k, v.reduce((s, x) => s + x, 0)] as const)
        .sort((a, b) => b[1] - a[1])[0]?.[0];
    const gpuModel =
      largest(byModel.byKey) ??
      entity.metadata.annotations?.[FINOPS_GPU_MODEL_ANNOTATION];
    const region =
      largest(byRegion.byKey) ??
      entity.metadata.annotations?.[FINOPS_REGION_ANNOTATION];
    const gpuWorkload = Object.entries(byWorkload.byKey)
      .filter(([k]) => k !== '(none)')
      .map(([k, v]) => [k, v.reduce((s, x) => s + x, 0)] as const)
      .sort((a, b) => b[1] - a[1])[0]?.[0];
    // The namespace the workload runs in, so manifest changes name it and
    // the GitOps opener can pick the overlay that deploys there.
    const gpuNamespace =
      largest(byNamespace.byKey) ??
      entity.metadata.annotations?.[KUBERNETES_NAMESPACE_ANNOTATION];
    const sumOf = (a: Array<number | null>) =>
      a.reduce<number>((s, v) => s + (v ?? 0), 0);
    const gpuCostDaily =
      byCategory.byKey.gpu ?? byCategory.buckets.map(() => 0);
    const gpuCost = gpuCostDaily.reduce((s, v) => s + v, 0);
    const totalGpuHours = sumOf(gpuHours);
    const samples: GpuSample[] = [];
    hours.forEach((hour, i) => {
      const g = gpuHours[i] ?? 0;
      if (!(g > 0)) return;
      samples.push({
        timestamp: Date.parse(hour),
        durationSeconds: 3600 * g,
        gpuId: target.entityRef,
        gpuModel,
        workload: target.entityRef,
        ...(util[i] !== null && util[i] !== undefined
          ? { gpuUtil: util[i]! }
          : {}),
        ...(power[i] !== null && power[i] !== undefined
          ? { powerWatts: power[i]! }
          : {}),
      });
    });
    return {
      hours,
      gpuHours,
      util,
      power,
      tokensIn,
      tokensOut,
      requests,
      samples,
      gpuModel,
      region,
      gpuWorkload,
      gpuNamespace,
      days: byCategory.buckets,
      dailyCost: byCategory.totals,
      gpuCostDaily,
      gpuCost,
      cost: byCategory.totals.reduce((s, v) => s + v, 0),
      totalGpuHours,
      tokens: { input: sumOf(tokensIn), output: sumOf(tokensOut) },
      requestCount: sumOf(requests),
    };
  }

  async efficiency(entity: Entity, target: AllocationTarget, range: DayRange) {
    return this.#efficiencyOf(
      target,
      range,
      await this.facts(entity, target, range),
    );
  }

  async #efficiencyOf(target: AllocationTarget, range: DayRange, f: Facts) {
    const notes: string[] = [];
    // What the entity paid per GPU-hour; without GPU cost of its own, the
    // price catalog's (config overrides, learned from FOCUS, embedded).
    let costPerGpuHour =
      f.totalGpuHours > 0 ? f.gpuCost / f.totalGpuHours : undefined;
    if (!costPerGpuHour && f.totalGpuHours > 0 && f.gpuModel) {
      const quote = (await this.options.prices()).gpuHourPrice({
        gpuModel: f.gpuModel,
        region: f.region,
        provider: providerOf(f.region),
      });
      if (quote?.usdPerGpuHour !== undefined) {
        costPerGpuHour = quote.usdPerGpuHour;
        notes.push(
          `No GPU cost recorded for ${
            f.gpuModel
          }: GPU-hours are priced at ${money(quote.usdPerGpuHour)} (${
            quote.source
          }).`,
        );
      }
    }
    const price = () => costPerGpuHour;
    const [eff] = f.samples.length
      ? gpuEfficiency(f.samples, {
          usdPerGpuHour: costPerGpuHour !== undefined ? price : undefined,
        })
      : [];
    if (!f.samples.length) {
      notes.push(
        'No GPU-hours recorded for this entity in the range: it runs no GPU workload, or GPU usage is not ingested (gpu_hours).',
      );
    } else if (eff?.activitySource === 'gpu_util') {
      notes.push(
        'Activity is DCGM GPU utilisation (any kernel running), which overstates real use; enable DCGM profiling metrics (SM activity) for a sharper score.',
      );
    }
    const counts = f.gpuHours.filter((g): g is number => (g ?? 0) > 0);
    const hoursWithGpu = counts.length;
    const fractional = counts.filter(
      c => Math.abs(c - Math.round(c)) > 1e-6,
    ).length;
    let sharing: EntityGpuEfficiency['sharing'] = 'unknown';
    if (hoursWithGpu) {
      sharing = fractional > hoursWithGpu / 2 ? 'fractional' : 'whole';
    }
    if (sharing === 'fractional') {
      notes.push(
        'GPUs are held in fractions most hours: MIG slices or time-sliced GPUs.',
      );
    }
    const totalTokens = f.tokens.input + f.tokens.output;
    const econ = unitEconomics({
      cost: f.cost,
      inputTokens: f.tokens.input,
      outputTokens: f.tokens.output,
      requests: f.requestCount,
    });

    // Per day: GPU-hours, weighted utilisation, score and unit cost.
    const daily: EfficiencyDay[] = f.days.map((date, d) => {
      let gh = 0;
      let uw = 0;
      let ug = 0;
      let tokens = 0;
      let req = 0;
      const daySamples: GpuSample[] = [];
      f.hours.forEach((hour, i) => {
        if (!hour.startsWith(date)) return;
        const g = f.gpuHours[i] ?? 0;
        gh += g;
        if (f.util[i] !== null && f.util[i] !== undefined && g > 0) {
          uw += g * f.util[i]!;
          ug += g;
        }
        tokens += (f.tokensIn[i] ?? 0) + (f.tokensOut[i] ?? 0);
        req += f.requests[i] ?? 0;
      });
      for (const s of f.samples) {
        if (formatDay(new Date(s.timestamp)) === date) daySamples.push(s);
      }
      const [dayEff] = daySamples.length ? gpuEfficiency(daySamples) : [];
      const cost = f.dailyCost[d] ?? 0;
      return {
        date,
        gpuHours: gh,
        ...(ug > 0 ? { utilization: uw / ug } : {}),
        ...(dayEff ? { score: dayEff.score } : {}),
        tokens,
        requests: req,
        cost,
        ...(tokens > 0 ? { costPerMillionTokens: (cost / tokens) * 1e6 } : {}),
      };
    });

    const result: EntityGpuEfficiency = {
      entityRef: target.entityRef,
      currency: this.options.currency,
      from: range.from,
      to: range.to,
      ...(f.gpuModel ? { gpuModel: f.gpuModel } : {}),
      gpuCount: {
        mean: hoursWithGpu ? f.totalGpuHours / hoursWithGpu : 0,
        peak: counts.length ? Math.max(...counts) : 0,
        latest: counts.length ? counts[counts.length - 1] : 0,
      },
      sharing,
      gpuHours: f.totalGpuHours,
      gpuCost: f.gpuCost,
      ...(costPerGpuHour !== undefined ? { costPerGpuHour } : {}),
      ...(eff
        ? {
            score: eff.score,
            ...(eff.activitySource
              ? { activitySource: eff.activitySource }
              : {}),
            ...(eff.activity !== undefined ? { activity: eff.activity } : {}),
            ...(eff.powerUsed !== undefined
              ? { powerUsed: eff.powerUsed }
              : {}),
            ...(eff.idleCost !== undefined ? { idleCost: eff.idleCost } : {}),
            ...(eff.unusedCost !== undefined
              ? { unusedCost: eff.unusedCost }
              : {}),
            ...(eff.energyKwh !== undefined
              ? { energyKwh: eff.energyKwh }
              : {}),
          }
        : {}),
      idleGpuHours: eff?.idleGpuHours ?? 0,
      unusedGpuHours: eff?.unusedGpuHours ?? 0,
      tokens: f.tokens,
      requests: f.requestCount,
      ...(f.totalGpuHours > 0 && totalTokens > 0
        ? {
            tokensPerSecondPerGpu: totalTokens / (f.totalGpuHours * 3600),
            outputTokensPerSecondPerGpu:
              f.tokens.output / (f.totalGpuHours * 3600),
          }
        : {}),
      cost: f.cost,
      ...(econ.costPerMillionTokens !== undefined
        ? { costPerMillionTokens: econ.costPerMillionTokens }
        : {}),
      ...(econ.costPerMillionInputTokens !== undefined
        ? { costPerMillionInputTokens: econ.costPerMillionInputTokens }
        : {}),
      ...(econ.costPerMillionOutputTokens !== undefined
        ? { costPerMillionOutputTokens: econ.costPerMillionOutputTokens }
        : {}),
      ...(econ.costPerRequest !== undefined
        ? { costPerRequest: econ.costPerRequest }
        : {}),
      daily,
      notes,
    };
    return { result, facts: f };
  }

  async carbon(entity: Entity, target: AllocationTarget, range: DayRange) {
    return this.#carbonOf(
      target,
      range,
      await this.facts(entity, target, range),
    );
  }

  /**
   * The hourly grid intensity a carbon source stored for `region` over
   * `range`, by hour start. One region serves many entities, so a reading
   * is reused for up to a minute.
   */
  #hourlyIntensity(
    region: string,
    range: DayRange,
  ): Promise<Map<number, number>> {
    const key = `${region}|${range.from}|${range.to}`;
    const t = Date.now();
    for (const [k, kept] of this.#intensities) {
      if (t - kept.at >= INTENSITY_REUSE_MS) this.#intensities.delete(k);
    }
    const kept = this.#intensities.get(key);
    if (kept) return kept.value;
    const value = (async () => {
      const groups = await this.options.store.queryUsageGroups({
        metric: INTENSITY_METRIC,
        from: new Date(`${range.from}T00:00:00Z`),
        to: new Date(Date.parse(`${range.to}T00:00:00Z`) + ONE_DAY_MS),
        bucket: 'hour',
        filter: [{ region }],
        weighted: false,
      });
      const hourly = new Map<number, number>();
      for (const g of groups) {
        if (g.region !== region || !g.samples) continue;
        const hour = Date.parse(new Date(g.bucket!).toISOString());
        const prev = hourly.get(hour);
        const mean = g.sum / g.samples;
        hourly.set(hour, prev === undefined ? mean : (prev + mean) / 2);
      }
      return hourly;
    })();
    this.#intensities.set(key, { at: t, value });
    value.catch(() => this.#intensities.delete(key));
    return value;
  }

  readonly #intensities = new Map<
    string,
    { at: number; value: Promise<Map<number, number>> }
  >();

  async #carbonOf(target: AllocationTarget, range: DayRange, f: Facts) {
    const notes: string[] = [];
    const region = f.region;
    const provider = providerOf(region);
    if (!region) {
      notes.push(
        `No region known: set ${FINOPS_REGION_ANNOTATION} or ingest costs with a region; the provider average is used.`,
      );
    }
    const factor = gridEmissionFactor(provider ?? 'aws', region ?? 'Unknown');
    if (region && !factor.exact) {
      notes.push(
        `${region} is not in the emission-factor table; ${
          provider ?? 'aws'
        }'s average is used.`,
      );
    }
    const pue = PROVIDER_PUE[provider ?? 'aws'];

    // Hourly grid intensity of the region, when a carbon source stores it.
    const hourly = region
      ? await this.#hourlyIntensity(region, range)
      : new Map<number, number>();
    const fp = gpuCarbonFootprint(f.samples, {
      pue,
      annualGCo2ePerKwh: factor.gCo2ePerKwh,
      hourlyGCo2ePerKwh: hourly.size ? t => hourly.get(t) : undefined,
      tokens: f.tokens.input + f.tokens.output,
    });
    if (!hourly.size) {
      notes.push(
        'No hourly grid intensity stored for the region: the annual factor is used (install the carbon-intensity module for hourly values).',
      );
    }
    if (fp.energy.measuredShare < 1 && f.samples.length) {
      notes.push(
        `${((1 - fp.energy.measuredShare) * 100).toFixed(
          0,
        )} % of the energy comes from the GPU's power curve, not measured power.`,
      );
    }

    // Per day.
    const daily = f.days.map(date => {
      let kwh = 0;
      let grams = 0;
      for (const [t, e] of fp.energy.byHour) {
        if (formatDay(new Date(t)) !== date) continue;
        const intensity = hourly.get(t) ?? factor.gCo2ePerKwh;
        kwh += e;
        grams += e * pue * intensity;
      }
      return {
        date,
        kg: grams / 1000,
        energyKwh: kwh,
        intensity: kwh
          ? grams / (kwh * pue)
          : meanIntensityOfDay(hourly, date) ?? factor.gCo2ePerKwh,
      };
    });
    // Embodied share per day, by GPU-hours.
    if (f.totalGpuHours > 0) {
      const embodiedPerGpuHour = fp.embodiedGrams / f.totalGpuHours;
      daily.forEach(d => {
        let gh = 0;
        f.hours.forEach((h, i) => {
          if (h.startsWith(d.date)) gh += f.gpuHours[i] ?? 0;
        });
        d.kg += (gh * embodiedPerGpuHour) / 1000;
      });
    }

    const hoursInRange = f.hours.length || 1;
    const monthlyEnergyKwh = (fp.energy.kwh * MONTH_HOURS) / hoursInRange;
    const greener = greenerRegion({
      provider,
      region,
      monthlyEnergyKwh,
      monthlyCost: (f.cost * MONTH_HOURS) / hoursInRange,
      workload: workloadRef(f.gpuWorkload, target.entityRef, f.gpuNamespace),
    });

    const result: EntityCarbonFootprint = {
      entityRef: target.entityRef,
      from: range.from,
      to: range.to,
      ...(region ? { region } : {}),
      ...(provider ? { provider } : {}),
      totalKg: fp.totalKg,
      operationalKg: fp.operationalGrams / 1000,
      embodiedKg: fp.embodiedGrams / 1000,
      energyKwh: fp.energy.kwh,
      measuredEnergyShare: fp.energy.measuredShare,
      pue,
      gridIntensity: {
        mean: fp.meanGCo2ePerKwh || factor.gCo2ePerKwh,
        annual: factor.gCo2ePerKwh,
        source: hourly.size ? 'hourly' : 'annual',
        exact: factor.exact,
      },
      ...(fp.gCo2ePerMillionTokens !== undefined
        ? { gCo2ePerMillionTokens: fp.gCo2ePerMillionTokens }
        : {}),
      tokens: f.tokens.input + f.tokens.output,
      ...(greener?.option ? { greenerOption: greener.option } : {}),
      daily,
      notes,
    };
    return { result, facts: f, recommendation: greener?.recommendation };
  }

  async recommendations(
    entity: Entity,
    target: AllocationTarget,
    cache?: FoundRecommendationsCache,
  ): Promise<EntityRecommendations> {
    const now = this.options.now();
    const found = cache
      ? await cache(target.entityRef, () =>
          this.findRecommendations(entity, target),
        )
      : await this.findRecommendations(entity, target);
    return this.withDecisions(target, found, now);
  }

  /** What the recommenders find, before decisions and pull requests: the slow part. */
  async findRecommendations(
    entity: Entity,
    target: AllocationTarget,
  ): Promise<FoundRecommendations> {
    return (await this.assess(entity, target)).found;
  }

  /**
   * The last 30 days' efficiency and carbon (the ranges their routes serve
   * by default) and the recommendations found from them, from one read of
   * the entity's facts.
   */
  async assess(
    entity: Entity,
    target: AllocationTarget,
  ): Promise<EntityAssessment> {
    const range = defaultRange(30, this.options.now());
    const facts = await this.facts(entity, target, range);
    const [efficiency, carbon] = await Promise.all([
      this.#efficiencyOf(target, range, facts),
      this.#carbonOf(target, range, facts),
    ]);
    return {
      found: await this.#recommendationsFrom(
        entity,
        target,
        efficiency,
        carbon,
      ),
      efficiency: efficiency.result,
      carbon: carbon.result,
    };
  }

  async #recommendationsFrom(
    entity: Entity,
    target: AllocationTarget,
    { result: eff, facts: f }: Awaited<ReturnType<EntityEngine['efficiency']>>,
    carbon: Awaited<ReturnType<EntityEngine['carbon']>>,
  ): Promise<FoundRecommendations> {
    const notes: string[] = [];
    const items: EntityRecommendation[] = [];

    const priceOf = await this.#gpuHourPrices();
    for (const rec of engineRecommendations(
      eff,
      f,
      carbon.result,
      notes,
      priceOf,
    )) {
      items.push(rec);
    }
    if (carbon.recommendation) {
      items.push(
        fromEngine(carbon.recommendation, 'engine:carbon-region', [
          `Grid intensity of ${
            carbon.result.region
          }: ${carbon.result.gridIntensity.mean.toFixed(0)} gCO2e/kWh (${
            carbon.result.gridIntensity.source
          }).`,
          `GPU energy ${carbon.result.energyKwh.toFixed(0)} kWh over ${
            f.hours.length
          } h.`,
          'Price in the other region assumed equal; check GPU prices and capacity there.',
        ]),
      );
    }

    // Recommenders installed through the extension point.
    const installed = this.options.recommenders ?? [];
    if (installed.length) {
      const summary = await this.summary(entity, target);
      for (const recommender of installed) {
        try {
          for (const r of await recommender.recommend({ entity, summary })) {
            // An engine recommendation the built-in ones already made
            // (same id) is not listed twice.
            if (items.some(item => item.id === r.id)) continue;
            items.push({
              id: r.id.includes(':') ? r.id : `${recommender.id}:${r.id}`,
              source: recommender.id,
              kind: r.kind ?? recommender.id,
              title: r.title,
              description: r.description,
              monthlySavings: r.monthlySavings,
              ...(r.monthlyCarbonSavingKg !== undefined
                ? { monthlyCarbonSavingKg: r.monthlyCarbonSavingKg }
                : {}),
              risk: r.risk ?? 'medium',
              ...(r.riskReason ? { riskReason: r.riskReason } : {}),
              confidence: r.confidence,
              evidence: [],
              changes: r.changes ?? [],
              ...(r.workload ? { workload: r.workload } : {}),
              state: { status: 'open' },
            });
          }
        } catch (error) {
          this.options.logger.warn(
            `FinOps recommender ${recommender.id} failed for ${target.entityRef}: ${error}`,
          );
          notes.push(`Recommender ${recommender.id} failed: ${error}`);
        }
      }
    }

    return { items, notes };
  }

  /**
   * The recommendations of many entities, each as
   * {@link EntityEngine.recommendations} gives it (or the error it failed
   * with), in order: found ones from `found`, called for at most
   * `concurrency` entities at once, and the decisions and pull requests of
   * all read in a few queries.
   */
  async recommendationsOfMany(
    targets: AllocationTarget[],
    found: (target: AllocationTarget) => Promise<FoundRecommendations>,
    concurrency = 4,
  ): Promise<Array<EntityRecommendations | Error>> {
    const now = this.options.now();
    const refs = targets.map(t => t.entityRef);
    const [states, pullRequests] = await Promise.all([
      this.options.recommendationState?.getRecommendationStatesOf(refs, now),
      this.options.pullRequests?.getRecommendationPullRequestsOf(refs),
    ]);
    return mapLimit(targets, Math.max(1, concurrency), async target => {
      const key = target.entityRef.toLocaleLowerCase('en-US');
      try {
        return await this.withDecisions(target, await found(target), now, {
          states: states?.get(key) ?? new Map(),
          pullRequests: pullRequests?.get(key) ?? new Map(),
        });
      } catch (error) {
        return error instanceof Error ? error : new Error(String(error));
      }
    });
  }

  /**
   * Applies dismissals and snoozes and pull requests (read fresh unless
   * given), and ranks.
   */
  async withDecisions(
    target: AllocationTarget,
    recommended: FoundRecommendations,
    now: Date,
    decisions?: {
      states: Map<string, RecommendationState>;
      pullRequests: Map<string, StoredRecommendationPullRequest>;
    },
  ): Promise<EntityRecommendations> {
    const { items } = recommended;
    const notes = [...recommended.notes];
    let states = decisions?.states ?? new Map<string, RecommendationState>();
    let pullRequests =
      decisions?.pullRequests ??
      new Map<string, StoredRecommendationPullRequest>();
    if (!decisions) {
      [states, pullRequests] = await Promise.all([
        this.options.recommendationState?.getRecommendationStates(
          target.entityRef,
          now,
        ) ?? states,
        this.options.pullRequests?.getRecommendationPullRequests(
          target.entityRef,
        ) ?? pullRequests,
      ]);
    }
    const open: EntityRecommendation[] = [];
    const hidden: EntityRecommendation[] = [];
    for (const found of items) {
      const pr = pullRequests.get(found.id);
      const item: EntityRecommendation = pr
        ? {
            ...found,
            pullRequest: {
              url: pr.url,
              number: pr.number,
              state: pr.state,
              updatedAt: pr.closedAt ?? pr.checkedAt,
            },
          }
        : found;
      const state = states.get(item.id);
      if (state) hidden.push({ ...item, state });
      else open.push(item);
    }
    const rank = (a: EntityRecommendation, b: EntityRecommendation) =>
      b.monthlySavings - a.monthlySavings ||
      (b.monthlyCarbonSavingKg ?? 0) - (a.monthlyCarbonSavingKg ?? 0) ||
      (a.id < b.id ? -1 : 1);
    open.sort(rank);
    hidden.sort(rank);
    return {
      entityRef: target.entityRef,
      currency: this.options.currency,
      items: open,
      hidden,
      totalMonthlySavings: open.reduce(
        (s, r) => s + Math.max(0, r.monthlySavings),
        0,
      ),
      notes,
    };
  }
}

/**
 * What the recommenders found for one entity, before decisions.
 *
 * @internal
 */
export interface FoundRecommendations {
  items: EntityRecommendation[];
  notes: string[];
}

/**
 * An entity's last 30 days of efficiency and carbon and the recommendations
 * found from them.
 *
 * @internal
 */
export interface EntityAssessment {
  found: FoundRecommendations;
  efficiency: EntityGpuEfficiency;
  carbon: EntityCarbonFootprint;
}

/**
 * Serves an entity's found recommendations from a cache, computing them
 * with `compute` when missing or stale.
 *
 * @internal
 */
export type FoundRecommendationsCache = (
  entityRef: string,
  compute: () => Promise<FoundRecommendations>,
) => Promise<FoundRecommendations>;

/**
 * Computes an entity's recommendations as `GET …/recommendations` serves
 * them; with `cache`, what the recommenders find comes from it (decisions
 * and pull requests are always read fresh).
 *
 * @internal
 */
export type EntityRecommendationsOf = (
  entity: Entity,
  target: AllocationTarget,
  cache?: FoundRecommendationsCache,
) => Promise<EntityRecommendations>;

function meanIntensityOfDay(
  hourly: Map<number, number>,
  date: string,
): number | undefined {
  let s = 0;
  let n = 0;
  for (const [t, v] of hourly) {
    if (formatDay(new Date(t)) === date) {
      s += v;
      n++;
    }
  }
  return n ? s / n : undefined;
}

/** The expected value and upper band of each step after the warm-up, judged causally. */
function judgeBands(
  values: number[],
  stepMs: number,
  every: number,
  warmUp: number,
): Array<{ expected: number; upper: number } | undefined> {
  const out: Array<{ expected: number; upper: number } | undefined> =
    values.map(() => undefined);
  for (let origin = warmUp; origin < values.length; origin += every) {
    const h = Math.min(every, values.length - origin);
    const f = forecast(values.slice(0, origin), { horizon: h, stepMs });
    for (let j = 0; j < h; j++) {
      out[origin + j] = { expected: f.mean[j], upper: f.upper[j] };
    }
  }
  return out;
}

function bucketIso(bucket: string): string {
  return bucket.length === 10 ? `${bucket}T00:00:00.000Z` : bucket;
}
