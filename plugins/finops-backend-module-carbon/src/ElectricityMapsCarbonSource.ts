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
  ElectricityMapsClient,
  electricityMapsZoneOf,
  type ElectricityMapsClientOptions,
  type FinopsDataSource,
  type FinopsReadOptions,
  type FinopsRecord,
} from '@ai-finops/backstage-plugin-finops-node';
import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig, type Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds, type HumanDuration } from '@backstage/types';
import { intensityRecords } from './facts';

const DAY_MS = 86_400_000;

/**
 * Which Electricity Maps endpoint a window is read from: `history` (the
 * last 24 hours, free tier), `past-range` (any past range, commercial
 * plans) or `auto` (history for windows within the last 24 hours, else
 * past-range).
 *
 * @public
 */
export type ElectricityMapsEndpoint = 'auto' | 'history' | 'past-range';

/**
 * Options of {@link ElectricityMapsCarbonSource}.
 *
 * @public
 */
export interface ElectricityMapsCarbonSourceOptions
  extends ElectricityMapsClientOptions {
  /** Cloud region → Electricity Maps zone. */
  zones: Record<string, string>;
  /** Default `auto`. */
  endpoint?: ElectricityMapsEndpoint;
  /** Default one day: what the free tier's history covers. */
  backfill?: HumanDuration;
  lookback?: HumanDuration;
  schedule?: SchedulerServiceTaskScheduleDefinition;
  /** The clock; tests set it. */
  now?: () => Date;
}

/**
 * A FinOps data source of hourly grid carbon intensity from the Electricity
 * Maps API, stored as the usage metric
 * `grid_carbon_intensity_gco2_per_kwh` of each configured cloud region.
 *
 * @public
 */
export class ElectricityMapsCarbonSource implements FinopsDataSource {
  readonly id = 'carbon-electricitymaps';
  readonly zones: Readonly<Record<string, string>>;
  readonly endpoint: ElectricityMapsEndpoint;
  readonly backfill: HumanDuration;
  readonly lookback?: HumanDuration;
  readonly schedule?: SchedulerServiceTaskScheduleDefinition;
  readonly client: ElectricityMapsClient;
  readonly #now: () => Date;

  /**
   * Reads `finops.carbon.electricityMaps`; undefined when it is not set.
   * Regions listed under `regions` take their zone from Cloud Carbon
   * Footprint's map; `zones` names them explicitly (and wins).
   */
  static fromConfig(
    config: Config,
    options: { now?: () => Date } = {},
  ): ElectricityMapsCarbonSource | undefined {
    const em = config.getOptionalConfig('finops.carbon.electricityMaps');
    if (!em) return undefined;
    const where = 'finops.carbon.electricityMaps';
    const zones: Record<string, string> = {};
    for (const region of em.getOptionalStringArray('regions') ?? []) {
      const zone = electricityMapsZoneOf(region);
      if (!zone) {
        throw new InputError(
          `${where}.regions: no Electricity Maps zone is known for '${region}'; name it under ${where}.zones`,
        );
      }
      zones[region] = zone;
    }
    const explicit = em.getOptionalConfig('zones');
    for (const region of explicit?.keys() ?? []) {
      zones[region] = explicit!.getString(region);
    }
    const endpoint = em.getOptionalString('endpoint') ?? 'auto';
    if (!['auto', 'history', 'past-range'].includes(endpoint)) {
      throw new InputError(
        `${where}.endpoint must be auto, history or past-range, got '${endpoint}'`,
      );
    }
    const emissionFactorType = em.getOptionalString('emissionFactorType');
    if (
      emissionFactorType !== undefined &&
      emissionFactorType !== 'lifecycle' &&
      emissionFactorType !== 'direct'
    ) {
      throw new InputError(
        `${where}.emissionFactorType must be lifecycle or direct, got '${emissionFactorType}'`,
      );
    }
    const duration = (key: string) =>
      em.has(key) ? readDurationFromConfig(em, { key }) : undefined;
    const ms = (key: string) => {
      const d = duration(key);
      return d ? durationToMilliseconds(d) : undefined;
    };
    return new ElectricityMapsCarbonSource({
      apiToken: em.getString('apiToken'),
      baseUrl: em.getOptionalString('baseUrl'),
      emissionFactorType,
      zones,
      endpoint: endpoint as ElectricityMapsEndpoint,
      attempts: em.getOptionalNumber('retries.attempts'),
      retryDelayMs: ms('retries.delay'),
      timeoutMs: ms('timeout'),
      backfill: duration('backfill'),
      lookback: duration('lookback'),
      schedule: em.has('schedule')
        ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
            em.getConfig('schedule'),
          )
        : undefined,
      now: options.now,
    });
  }

  constructor(options: ElectricityMapsCarbonSourceOptions) {
    if (Object.keys(options.zones).length === 0) {
      throw new InputError(
        'finops.carbon.electricityMaps needs at least one region: list it under regions or zones',
      );
    }
    this.zones = { ...options.zones };
    this.endpoint = options.endpoint ?? 'auto';
    this.backfill = options.backfill ?? { days: 1 };
    this.lookback = options.lookback;
    this.schedule = options.schedule;
    this.client = new ElectricityMapsClient(options);
    this.#now = options.now ?? (() => new Date());
  }

  async *read(options: FinopsReadOptions): AsyncIterable<FinopsRecord> {
    const { window, logger, signal } = options;
    const start = window.start.getTime();
    const end = window.end.getTime();
    const useHistory =
      this.endpoint === 'history' ||
      (this.endpoint === 'auto' && start >= this.#now().getTime() - DAY_MS);
    const regionsByZone = new Map<string, string[]>();
    for (const [region, zone] of Object.entries(this.zones)) {
      regionsByZone.set(zone, [...(regionsByZone.get(zone) ?? []), region]);
    }
    const records: FinopsRecord[] = [];
    for (const zone of [...regionsByZone.keys()].sort()) {
      const points = useHistory
        ? await this.client.history(zone, { signal, logger })
        : await this.client.pastRange(zone, window.start, window.end, {
            signal,
            logger,
          });
      const zoneRecords = intensityRecords(
        points.map(p => ({
          hour: Date.parse(p.datetime),
          gCo2ePerKwh: p.carbonIntensity,
        })),
        zone,
        regionsByZone.get(zone)!,
        start,
        end,
      );
      logger.debug(
        `Electricity Maps ${
          useHistory ? 'history' : 'past-range'
        } of ${zone}: ${points.length} hours, ${
          zoneRecords.length
        } facts in the window`,
      );
      records.push(...zoneRecords);
    }
    records.sort((a, b) =>
      a.hour === b.hour
        ? (a.region ?? '').localeCompare(b.region ?? '')
        : a.hour.localeCompare(b.hour),
    );
    yield* records;
  }
}
