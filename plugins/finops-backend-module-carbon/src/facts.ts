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

import type { FinopsRecord } from '@ai-finops/backstage-plugin-finops-node';

/**
 * The usage metric grid intensities are stored as: gCO2e per kWh, per cloud
 * region (the `region` dimension) and hour.
 *
 * @public
 */
export const GRID_CARBON_INTENSITY_METRIC =
  'grid_carbon_intensity_gco2_per_kwh';

/**
 * The label that names the grid zone an intensity is for (an Electricity
 * Maps zone or a balancing authority).
 *
 * @public
 */
export const CARBON_ZONE_LABEL = 'carbon.ai-finops.io/zone';

const HOUR_MS = 3_600_000;

/**
 * Hourly intensities of one zone, averaged per hour, as usage facts for each
 * cloud region on that grid, for the hours in `[start, end)`, sorted by
 * hour and region.
 *
 * @public
 */
export function intensityRecords(
  points: Iterable<{ hour: number; gCo2ePerKwh: number }>,
  zone: string,
  regions: readonly string[],
  start: number,
  end: number,
): Array<Extract<FinopsRecord, { type: 'usage' }>> {
  const byHour = new Map<number, { sum: number; count: number }>();
  for (const point of points) {
    const hour = Math.floor(point.hour / HOUR_MS) * HOUR_MS;
    if (hour < start || hour >= end) continue;
    const entry = byHour.get(hour) ?? { sum: 0, count: 0 };
    entry.sum += point.gCo2ePerKwh;
    entry.count += 1;
    byHour.set(hour, entry);
  }
  const records: Array<Extract<FinopsRecord, { type: 'usage' }>> = [];
  for (const hour of [...byHour.keys()].sort((a, b) => a - b)) {
    const { sum, count } = byHour.get(hour)!;
    for (const region of [...regions].sort()) {
      records.push({
        type: 'usage',
        hour: new Date(hour).toISOString(),
        metric: GRID_CARBON_INTENSITY_METRIC,
        value: sum / count,
        region,
        labels: { [CARBON_ZONE_LABEL]: zone },
      });
    }
  }
  return records;
}
