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

import { readFileSync } from 'node:fs';
// Test-only helpers (reading the shared datasets); not part of the isomorphic package.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { describeWithSharedData, sharedDataPath } from '@ai-finops/test-utils';
import path from 'node:path';
import {
  GRID_EMISSION_FACTORS,
  gridEmissionFactor,
  operationalEmissionsGrams,
  PROVIDER_PUE,
} from './carbon';

describe('carbon factors', () => {
  it('looks up a region, ignoring case', () => {
    expect(gridEmissionFactor('aws', 'US-EAST-1')).toEqual({
      gCo2ePerKwh: 379.069,
      exact: true,
    });
  });

  it("falls back to the provider's average for an unlisted region", () => {
    const fallback = gridEmissionFactor('azure', 'atlantis-central');
    expect(fallback.exact).toBe(false);
    expect(fallback.gCo2ePerKwh).toBeCloseTo(351.2799615, 6);
  });

  it('computes operational emissions as energy × PUE × intensity', () => {
    // 10 kWh of GPU energy in us-east-1 at AWS's average PUE.
    expect(
      operationalEmissionsGrams(10, 379.069, PROVIDER_PUE.aws),
    ).toBeCloseTo(10 * 1.135 * 379.069, 9);
  });

  it('has one factor per provider and region', () => {
    const keys = GRID_EMISSION_FACTORS.map(f => `${f.provider}|${f.region}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

const CCF = sharedDataPath('ccf-constants');

describeWithSharedData(
  'ccf-constants',
  'carbon factors against Cloud Carbon Footprint',
  () => {
    it('match ccf_grid_emission_factors.csv and the PUE averages', () => {
      // The location-based rows; GCP also lists factors net of its
      // carbon-free energy, which are not grid intensities.
      const lines = readFileSync(
        path.join(CCF, 'ccf_grid_emission_factors.csv'),
        'utf8',
      )
        .trim()
        .split('\n')
        .slice(1)
        .filter(line => line.split(',')[3].startsWith('location-based'));
      expect(GRID_EMISSION_FACTORS).toHaveLength(lines.length);
      for (const line of lines) {
        const [provider, region, tonnes] = line.split(',');
        expect(
          gridEmissionFactor(provider.toLowerCase() as any, region).gCo2ePerKwh,
        ).toBeCloseTo(Number(tonnes) * 1e6, 6);
      }
      const constants = JSON.parse(
        readFileSync(path.join(CCF, 'ccf_cloud_constants.json'), 'utf8'),
      );
      expect(PROVIDER_PUE).toEqual({
        aws: constants.AWS.PUE_AVG,
        azure: constants.Azure.PUE_AVG,
        gcp: constants.GCP.PUE_AVG,
      });
    });
  },
);
