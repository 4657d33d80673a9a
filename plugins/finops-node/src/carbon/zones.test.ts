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
  describeWithSharedData,
  readCsvRecords,
  sharedDataPath,
} from '@ai-finops/test-utils';
import {
  CLOUD_REGION_ELECTRICITY_MAPS_ZONES,
  electricityMapsZoneOf,
} from './zones';

describe('electricityMapsZoneOf', () => {
  it('maps cloud regions to Electricity Maps zones', () => {
    expect(electricityMapsZoneOf('us-east-1')).toBe('US-MIDA-PJM');
    expect(electricityMapsZoneOf('US-WEST-1', 'aws')).toBe('US-CAL-CISO');
    expect(electricityMapsZoneOf('asia-east1', 'gcp')).toBe('TW');
    expect(electricityMapsZoneOf('us-east-1', 'azure')).toBeUndefined();
    expect(electricityMapsZoneOf('cn-north-1')).toBeUndefined();
  });
});

const CSV = 'ccf-constants/ccf_region_to_electricitymaps_zone.csv';

describeWithSharedData(CSV, 'the zone table against CCF', () => {
  it('has every mapped region of the CSV, as published', () => {
    const published = readCsvRecords(sharedDataPath(CSV))
      .filter(r => r.electricity_maps_zone !== '')
      .map(r => ({
        provider: r.provider.toLowerCase(),
        region: r.region,
        zone: r.electricity_maps_zone,
      }));
    const key = (z: { provider: string; region: string }) =>
      `${z.provider}/${z.region}`;
    const sorted = <T extends { provider: string; region: string }>(
      zones: readonly T[],
    ) => [...zones].sort((a, b) => (key(a) < key(b) ? -1 : 1));
    expect(sorted(CLOUD_REGION_ELECTRICITY_MAPS_ZONES)).toEqual(
      sorted(published),
    );
    expect(published).toHaveLength(113);
  });
});
