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

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeWithSharedData, sharedDataPath } from '@ai-finops/test-utils';
import { readHourlyCarbonIntensityCsv } from './hourlyIntensity';

const dir = mkdtempSync(path.join(tmpdir(), 'carbon-'));
function csv(name: string, text: string) {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('readHourlyCarbonIntensityCsv', () => {
  it('interpolates short gaps and reports long ones', async () => {
    const file = csv(
      'gaps.csv',
      [
        'timestamp,avg_CI',
        '2022-01-01 00:00:00+00:00,100',
        // 01:00 and 02:00 missing: filled
        '2022-01-01 03:00:00+00:00,400',
        '2022-01-01 04:00:00+00:00,',
        '2022-01-01 05:00:00+00:00,500',
        // 06:00 … 09:00 missing: a 4-hour gap, left empty
        '2022-01-01 10:00:00+00:00,200',
        '2022-01-01 10:00:00+00:00,999',
      ].join('\n'),
    );
    const { points, report } = await readHourlyCarbonIntensityCsv(file, {
      zone: 'US-TEST',
    });
    expect(
      points.map(p => [p.hour.slice(11, 13), p.gCo2ePerKwh, p.interpolated]),
    ).toEqual([
      ['00', 100, false],
      ['01', 200, true],
      ['02', 300, true],
      ['03', 400, false],
      ['04', 450, true],
      ['05', 500, false],
      ['10', 200, false],
    ]);
    expect(report).toMatchObject({
      rows: 6,
      interpolated: 3,
      invalidValues: 1,
      duplicates: 1,
      gaps: [
        {
          start: '2022-01-01T06:00:00.000Z',
          end: '2022-01-01T10:00:00.000Z',
          hours: 4,
        },
      ],
    });
  });

  it('names the file, row and column of a bad timestamp or a missing column', async () => {
    const bad = csv(
      'bad.csv',
      'timestamp,avg_CI\n2022-01-01 00:00:00,1\nyesterday,2\n',
    );
    await expect(
      readHourlyCarbonIntensityCsv(bad, { zone: 'Z' }),
    ).rejects.toThrow(
      `${bad}: row 2, column timestamp: 'yesterday' is not a date-time`,
    );
    const missing = csv('missing.csv', 'time,ci\n2022-01-01 00:00:00,1\n');
    await expect(
      readHourlyCarbonIntensityCsv(missing, { zone: 'Z' }),
    ).rejects.toThrow(/row 0: missing column 'timestamp'/);
  });
});

const EIA = sharedDataPath('sustaindc-eia-carbon-intensity-2022');

describeWithSharedData(
  'sustaindc-eia-carbon-intensity-2022',
  'EIA-930 hourly intensity for 2022',
  () => {
    it('reads a full year of CISO hours, complete and in range', async () => {
      const file = path.join(EIA, 'CISO_NG_avgCI_2022.csv');
      const { points, report } = await readHourlyCarbonIntensityCsv(file, {
        zone: 'US-CAL-CISO',
      });
      expect(points[0].hour).toBe('2022-01-01T00:00:00.000Z');
      expect(points[0].gCo2ePerKwh).toBeCloseTo(222.29592090536002, 9);
      expect(points.length + report.gaps.reduce((n, g) => n + g.hours, 0)).toBe(
        (Date.parse(points[points.length - 1].hour) -
          Date.parse(points[0].hour)) /
          3_600_000 +
          1,
      );
      expect(report.rows).toBeGreaterThanOrEqual(8700);
      // California's grid: every hour between 50 and 600 gCO2e/kWh.
      expect(points.every(p => p.gCo2ePerKwh > 50 && p.gCo2ePerKwh < 600)).toBe(
        true,
      );
      // Solar hours (20:00 UTC, midday in California) are cleaner than nights (08:00 UTC).
      const mean = (h: string) => {
        const at = points.filter(p => p.hour.slice(11, 13) === h);
        return at.reduce((s, p) => s + p.gCo2ePerKwh, 0) / at.length;
      };
      expect(mean('20')).toBeLessThan(mean('08'));
    });
  },
);
