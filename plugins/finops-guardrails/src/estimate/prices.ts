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

import { InputError } from '@backstage/errors';
import {
  GPU_INSTANCE_PRICES,
  gpuHourPrice,
  normaliseGpuModel,
  splitCsvLine,
  type GpuInstancePrice,
} from '@ai-finops/backstage-plugin-finops-engine';
import type { ManifestFile } from '../policy/manifests';

/**
 * Prices that override the embedded catalog: per GPU-hour by GPU model, per
 * requested core-hour and per requested GiB-hour, all USD.
 *
 * @public
 */
export interface PriceOverrides {
  /** USD per GPU-hour, keyed by GPU model as written (GFD label). */
  gpu: Record<string, number>;
  /** USD per requested CPU core-hour. */
  cpu?: number;
  /** USD per requested GiB-hour of memory. */
  memory?: number;
  /** Where the overrides come from, for reports (`prices.csv`). */
  source: string;
}

/**
 * A GPU-hour price and where it comes from.
 *
 * @public
 */
export interface GpuPriceQuote {
  usdPerGpuHour: number;
  /** In words: `prices.csv`, `aws p5.48xlarge us-east-1 (list price)`, … */
  source: string;
}

/**
 * Looks up the price of a GPU-hour. The backend, the CLI and the scaffolder
 * actions pass finops-node's layered `PriceCatalog` (`gpuPriceLookup()`);
 * without one, the estimate uses {@link catalogGpuPrice}.
 *
 * @public
 */
export type GpuPriceLookup = (
  gpuModel: string,
  options: { region?: string },
) => GpuPriceQuote | undefined;

/**
 * The embedded list-price catalog as a {@link GpuPriceLookup}: the cheapest
 * per-GPU-hour price of the model in the region, or anywhere when the region
 * has none.
 *
 * @public
 */
export function catalogGpuPrice(
  catalog: readonly GpuInstancePrice[] = GPU_INSTANCE_PRICES,
): GpuPriceLookup {
  return (gpuModel, { region }) => {
    const inRegion = region
      ? gpuHourPrice(gpuModel, { region }, catalog)
      : undefined;
    const quote = inRegion ?? gpuHourPrice(gpuModel, {}, catalog);
    if (!quote) return undefined;
    const s = quote.source;
    return {
      usdPerGpuHour: quote.usdPerGpuHour,
      source: `${s.provider} ${s.instanceType} in ${s.region}, list price${
        region && !inRegion ? ` (no ${region} price)` : ''
      }`,
    };
  };
}

/**
 * GPU models the embedded catalog prices, for error messages.
 *
 * @public
 */
export function knownGpuModels(
  catalog: readonly GpuInstancePrice[] = GPU_INSTANCE_PRICES,
): string[] {
  return [...new Set(catalog.map(p => p.gpuModel))].sort();
}

/**
 * Reads a `--prices` CSV: header `resource,usd_per_unit_hour`, then rows
 * whose resource is `gpu:<model>` (per GPU-hour), `cpu` (per requested
 * core-hour) or `memory` (per requested GiB-hour). Bad input is one
 * {@link @backstage/errors#InputError} naming the file, row and column.
 *
 * @public
 */
export function parsePriceCsv(file: ManifestFile): PriceOverrides {
  const lines = file.content.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map(f => f.trim());
  if (
    header.length !== 2 ||
    header[0] !== 'resource' ||
    header[1] !== 'usd_per_unit_hour'
  ) {
    throw new InputError(
      `${
        file.path
      }: row 1: expected the header 'resource,usd_per_unit_hour', found '${
        lines[0] ?? ''
      }'`,
    );
  }
  const out: PriceOverrides = { gpu: {}, source: file.path };
  const seen = new Set<string>();
  lines.slice(1).forEach((line, i) => {
    const row = i + 2;
    if (line.trim() === '') return;
    const cells = splitCsvLine(line).map(f => f.trim());
    if (cells.length !== 2) {
      throw new InputError(
        `${file.path}: row ${row}: expected 2 columns (resource,usd_per_unit_hour), found ${cells.length}`,
      );
    }
    const [resource, price] = cells;
    const value = Number(price);
    if (price === '' || !Number.isFinite(value) || value < 0) {
      throw new InputError(
        `${file.path}: row ${row}, column usd_per_unit_hour: '${price}' is not a non-negative number`,
      );
    }
    const key = resource.startsWith('gpu:')
      ? `gpu:${normaliseGpuModel(resource.slice(4))}`
      : resource;
    if (seen.has(key)) {
      throw new InputError(
        `${file.path}: row ${row}, column resource: '${resource}' is listed twice`,
      );
    }
    seen.add(key);
    if (resource === 'cpu') out.cpu = value;
    else if (resource === 'memory') out.memory = value;
    else if (resource.startsWith('gpu:') && resource.length > 4) {
      out.gpu[resource.slice(4)] = value;
    } else {
      throw new InputError(
        `${file.path}: row ${row}, column resource: '${resource}' is not gpu:<model>, cpu or memory`,
      );
    }
  });
  return out;
}

/**
 * A lookup that asks the overrides first, then `fallback`.
 *
 * @public
 */
export function withPriceOverrides(
  overrides: PriceOverrides | undefined,
  fallback: GpuPriceLookup,
): GpuPriceLookup {
  if (!overrides) return fallback;
  const table = new Map(
    Object.entries(overrides.gpu).map(([model, usd]) => [
      normaliseGpuModel(model),
      usd,
    ]),
  );
  return (gpuModel, options) => {
    const usd = table.get(normaliseGpuModel(gpuModel));
    if (usd !== undefined) {
      return { usdPerGpuHour: usd, source: overrides.source };
    }
    return fallback(gpuModel, options);
  };
}
