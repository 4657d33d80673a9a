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
  GPU_INSTANCE_PRICES,
  gpuOfInstanceType,
  normaliseGpuModel,
  type GpuInstancePrice,
} from '@ai-finops/backstage-plugin-finops-engine';
import type { RootConfigService } from '@backstage/backend-plugin-api';
import type { FinopsStore } from '../store/FinopsStore';
import { cloudProviderOf } from './focusRows';
import type { LearnedPrice } from './learn';

/**
 * A price set in config (`finops.prices.overrides`): for an instance type,
 * a GPU model, or both, optionally limited to a provider and a region.
 *
 * @public
 */
export interface PriceOverride {
  provider?: string;
  region?: string;
  instanceType?: string;
  gpuModel?: string;
  /** USD per GPU-hour. */
  usdPerGpuHour?: number;
  /** USD per instance-hour. */
  usdPerHour?: number;
}

/**
 * Where a price comes from, highest precedence first: `config`
 * (`finops.prices.overrides`, what you negotiated), `learned` (what your
 * FOCUS bills show you paid), `embedded` (public on-demand list prices).
 *
 * @public
 */
export type PriceLayer = 'config' | 'learned' | 'embedded';

/**
 * What a price query asks for. Fields left out do not narrow the search.
 *
 * @public
 */
export interface PriceQuery {
  /** `aws`, `azure`, `gcp`, or a FOCUS ProviderName such as `AWS`. */
  provider?: string;
  region?: string;
  /**
   * Which learned price: `effective` (default; after discounts and
   * amortised commitments) or `list`.
   */
  basis?: 'effective' | 'list';
}

/**
 * A price and where it comes from.
 *
 * @public
 */
export interface PriceQuote {
  layer: PriceLayer;
  /** `configured` for overrides, `effective` or `list` for learned prices, `list` for embedded ones. */
  basis: 'configured' | 'effective' | 'list';
  usdPerHour?: number;
  usdPerGpuHour?: number;
  provider?: string;
  region?: string;
  instanceType?: string;
  gpuModel?: string;
  gpuCount?: number;
  /**
   * True when no layer had a price in the region asked for and the quote
   * comes from another region.
   */
  otherRegion?: boolean;
  /** In words, e.g. `finops.prices.overrides[1]` or `FOCUS: 12 h of 1 SKU`. */
  source: string;
}

/**
 * Options of {@link PriceCatalog}.
 *
 * @public
 */
export interface PriceCatalogOptions {
  overrides?: readonly PriceOverride[];
  /** Learned prices; only those in USD are used. */
  learned?: readonly LearnedPrice[];
  /** Default: `GPU_INSTANCE_PRICES` from finops-common. */
  embedded?: readonly GpuInstancePrice[];
}

type Layer = (
  query: Required<Pick<PriceQuery, 'basis'>> &
    PriceQuery & { gpuModel: string },
) => PriceQuote | undefined;

/**
 * Prices of GPU instances and GPU-hours in three layers. The first layer
 * with an answer wins: config overrides, then prices learned from FOCUS
 * bills, then the embedded on-demand list prices. Overrides come first
 * because they state what was agreed, which a bill may not show yet; learned
 * prices beat list prices because they are what was actually paid.
 *
 * Within the config layer the override that matches the most of the
 * query's fields wins (the first listed on a tie); fields an override leaves
 * out match anything. Learned prices are averaged over the matching SKUs,
 * weighted by hours (GPU-hours for per-GPU prices). Embedded prices are the
 * cheapest matching list price. When no layer has a price in the region asked
 * for, the layers are asked again without the region and the quote says
 * `otherRegion`.
 *
 * @public
 */
export class PriceCatalog {
  readonly overrides: readonly PriceOverride[];
  readonly learned: readonly LearnedPrice[];
  readonly embedded: readonly GpuInstancePrice[];

  /**
   * Reads `finops.prices.overrides`. Throws an error naming the entry for
   * an override without a price or without an instance type or GPU model.
   */
  static fromConfig(
    config: RootConfigService,
    options: Omit<PriceCatalogOptions, 'overrides'> = {},
  ): PriceCatalog {
    const entries = config.getOptionalConfigArray('finops.prices.overrides');
    const overrides = (entries ?? []).map((entry, index) => {
      const where = `finops.prices.overrides[${index}]`;
      const override: PriceOverride = {
        provider: entry.getOptionalString('provider'),
        region: entry.getOptionalString('region'),
        instanceType: entry.getOptionalString('instanceType'),
        gpuModel: entry.getOptionalString('gpuModel'),
        usdPerGpuHour: entry.getOptionalNumber('usdPerGpuHour'),
        usdPerHour: entry.getOptionalNumber('usdPerHour'),
      };
      for (const key of Object.keys(override) as Array<keyof PriceOverride>) {
        if (override[key] === undefined) delete override[key];
      }
      validateOverride(override, where);
      return override;
    });
    return new PriceCatalog({ ...options, overrides });
  }

  /**
   * The catalog of a store as it is now: `finops.prices.overrides` from
   * `config` when given (else `options.overrides`), then the prices learned
   * from the store's FOCUS charges (`queryLearnedPrices`), then the embedded
   * list prices. `ai-finops estimate --database` reads its catalog with
   * this; the backend keeps one current with `storePriceCatalog`.
   */
  static async fromStore(
    store: Pick<FinopsStore, 'queryLearnedPrices'>,
    options: Omit<PriceCatalogOptions, 'learned'> & {
      config?: RootConfigService;
    } = {},
  ): Promise<PriceCatalog> {
    const { config, ...rest } = options;
    const base = config
      ? PriceCatalog.fromConfig(config, { embedded: rest.embedded })
      : new PriceCatalog(rest);
    return base.withLearned(await store.queryLearnedPrices());
  }

  constructor(options: PriceCatalogOptions = {}) {
    (options.overrides ?? []).forEach((o, i) =>
      validateOverride(o, `overrides[${i}]`),
    );
    this.overrides = options.overrides ?? [];
    this.learned = (options.learned ?? []).filter(p => p.currency === 'USD');
    this.embedded = options.embedded ?? GPU_INSTANCE_PRICES;
  }

  /** The same catalog with these learned prices instead of the current ones. */
  withLearned(learned: readonly LearnedPrice[]): PriceCatalog {
    return new PriceCatalog({
      overrides: this.overrides,
      learned,
      embedded: this.embedded,
    });
  }

  /** The price of one GPU-hour of a GPU model. */
  gpuHourPrice(
    query: PriceQuery & { gpuModel: string },
  ): PriceQuote | undefined {
    return this.#ask({ ...query });
  }

  /**
   * The catalog as the cost estimate's GPU price lookup (finops-guardrails'
   * `GpuPriceLookup`): USD per GPU-hour of a model in a region, or anywhere
   * when the region has none, with where the price comes from in words.
   */
  gpuPriceLookup(): (
    gpuModel: string,
    options: { region?: string },
  ) => { usdPerGpuHour: number; source: string } | undefined {
    return (gpuModel, { region }) => {
      const quote = this.gpuHourPrice({ gpuModel, region });
      if (quote?.usdPerGpuHour === undefined) return undefined;
      const elsewhere =
        quote.otherRegion && region ? ` (no ${region} price)` : '';
      return {
        usdPerGpuHour: quote.usdPerGpuHour,
        source:
          quote.layer === 'embedded'
            ? `${quote.provider} ${quote.instanceType} in ${quote.region}, list price${elsewhere}`
            : `${quote.source}${elsewhere}`,
      };
    };
  }

  #ask(query: PriceQuery & { gpuModel: string }): PriceQuote | undefined {
    const full = { ...query, basis: query.basis ?? 'effective' } as const;
    const layers: Layer[] = [this.#config, this.#learnedLayer, this.#embedded];
    for (const layer of layers) {
      const quote = layer(full);
      if (quote) return quote;
    }
    if (full.region) {
      const anywhere = { ...full, region: undefined };
      for (const layer of layers) {
        const quote = layer(anywhere);
        if (quote) return { ...quote, otherRegion: true };
      }
    }
    return undefined;
  }

  #config: Layer = query => {
    let best: { quote: PriceQuote; score: number } | undefined;
    this.overrides.forEach((override, index) => {
      if (!sameProvider(override.provider, query.provider)) return;
      if (!sameText(override.region, query.region)) return;
      const gpu = override.instanceType
        ? gpuOfInstanceType(override.instanceType)
        : undefined;
      const gpuModel = override.gpuModel ?? gpu?.gpuModel;
      if (!gpuModel || !sameGpu(gpuModel, query.gpuModel)) return;
      let score = override.gpuModel ? 4 : 3;
      const usdPerGpuHour =
        override.usdPerGpuHour ??
        (gpu?.gpuCount && override.usdPerHour !== undefined
          ? override.usdPerHour / gpu.gpuCount
          : undefined);
      if (usdPerGpuHour === undefined) return;
      const usdPerHour = override.usdPerHour;
      if (override.provider && query.provider) score += 2;
      if (override.region && query.region) score += 1;
      if (best && best.score >= score) return;
      best = {
        score,
        quote: compact({
          layer: 'config',
          basis: 'configured',
          usdPerHour,
          usdPerGpuHour,
          provider: override.provider,
          region: override.region,
          instanceType: override.instanceType,
          gpuModel,
          source: `finops.prices.overrides[${index}]`,
        }),
      };
    });
    return best?.quote;
  };

  #learnedLayer: Layer = query => {
    const matches = this.learned.filter(
      p =>
        sameProvider(query.provider, p.provider) &&
        sameText(query.region, p.region) &&
        p.gpuModel !== undefined &&
        p.gpuCount !== undefined &&
        sameGpu(p.gpuModel, query.gpuModel),
    );
    const priced = matches.filter(p =>
      query.basis === 'list' ? p.listPerHour !== undefined : true,
    );
    if (priced.length === 0) return undefined;
    const perHour = (p: LearnedPrice) =>
      query.basis === 'list' ? p.listPerHour! : p.effectivePerHour;
    const skus = `${priced.length} SKU${priced.length === 1 ? '' : 's'}`;
    const regions = new Set(priced.map(p => p.region));
    const single = priced.length === 1 ? priced[0] : undefined;
    const gpuHours = priced.reduce((sum, p) => sum + p.hours * p.gpuCount!, 0);
    const usdPerGpuHour =
      priced.reduce((sum, p) => sum + perHour(p) * p.hours, 0) / gpuHours;
    return compact({
      layer: 'learned',
      basis: query.basis,
      usdPerGpuHour,
      usdPerHour: single ? perHour(single) : undefined,
      provider: single?.provider,
      region: regions.size === 1 ? priced[0].region : undefined,
      instanceType: single?.instanceType,
      gpuModel: priced[0].gpuModel,
      gpuCount: single?.gpuCount,
      source: `FOCUS: ${round(gpuHours)} GPU-hours of ${skus}`,
    });
  };

  #embedded: Layer = query => {
    let best: GpuInstancePrice | undefined;
    for (const entry of this.embedded) {
      if (!sameProvider(query.provider, entry.provider)) continue;
      if (!sameText(query.region, entry.region)) continue;
      if (!sameGpu(entry.gpuModel, query.gpuModel)) continue;
      const perGpu = entry.usdPerHour / entry.gpuCount;
      if (!best || perGpu < best.usdPerHour / best.gpuCount) best = entry;
    }
    if (!best) return undefined;
    return compact({
      layer: 'embedded',
      basis: 'list',
      usdPerHour: best.usdPerHour,
      usdPerGpuHour: best.usdPerHour / best.gpuCount,
      provider: best.provider,
      region: best.region,
      instanceType: best.instanceType,
      gpuModel: best.gpuModel,
      gpuCount: best.gpuCount,
      source: `list price of ${best.provider} ${best.instanceType} in ${best.region}`,
    });
  };
}

function validateOverride(override: PriceOverride, where: string) {
  const prices = [override.usdPerHour, override.usdPerGpuHour].filter(
    p => p !== undefined,
  );
  if (prices.length === 0) {
    throw new TypeError(`${where} needs usdPerHour or usdPerGpuHour`);
  }
  for (const [key, value] of [
    ['usdPerHour', override.usdPerHour],
    ['usdPerGpuHour', override.usdPerGpuHour],
  ] as const) {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new TypeError(
        `${where}.${key} must be a non-negative number, got ${value}`,
      );
    }
  }
  if (!override.instanceType && !override.gpuModel) {
    throw new TypeError(
      `${where} needs an instanceType or a gpuModel to say what it prices`,
    );
  }
}

/** Equal ignoring case; an absent side matches anything. */
function sameText(a: string | undefined, b: string | undefined): boolean {
  return !a || !b || a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** Same cloud provider, by id or FOCUS ProviderName; an absent side matches. */
function sameProvider(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return true;
  const ids = [a, b].map(p => cloudProviderOf(p) ?? p.trim().toLowerCase());
  return ids[0] === ids[1];
}

function sameGpu(a: string | undefined, b: string | undefined): boolean {
  return !!a && !!b && normaliseGpuModel(a) === normaliseGpuModel(b);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Drops undefined fields, so quotes compare and print cleanly. */
function compact(quote: PriceQuote): PriceQuote {
  for (const key of Object.keys(quote) as Array<keyof PriceQuote>) {
    if (quote[key] === undefined) delete quote[key];
  }
  return quote;
}
