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

import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FinopsRecord } from '@ai-finops/backstage-plugin-finops-node';
import {
  describeWithSharedData,
  readCsvRecords,
  sharedDataPath,
} from '@ai-finops/test-utils';
import { mockServices } from '@backstage/backend-test-utils';
import { CsvCarbonSource } from './CsvCarbonSource';

async function read(s: CsvCarbonSource, start: string, end: string) {
  const records: FinopsRecord[] = [];
  const logger = mockServices.logger.mock();
  for await (const record of s.read({
    window: { start: new Date(start), end: new Date(end) },
    logger,
  })) {
    records.push(record);
  }
  return { records, logger };
}

const values = (records: FinopsRecord[]) =>
  records.map(r =>
    r.type === 'usage' ? [r.hour.slice(11, 13), r.region, r.value] : [],
  );

describe('CsvCarbonSource', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'carbon-csv-'));

  it('emits the hours of the window for every region of a file, and reads a file again only when it changes', async () => {
    const file = path.join(dir, 'TEST_NG_avgCI_2026.csv');
    writeFileSync(
      file,
      [
        'timestamp,avg_CI',
        '2026-11-01 00:00:00+00:00,100',
        '2026-11-01 01:00:00+00:00,',
        '2026-11-01 02:00:00+00:00,300',
        '2026-11-01 03:00:00+00:00,310',
      ].join('\n'),
    );
    const source = new CsvCarbonSource({
      files: [{ path: file, regions: ['us-west-1', 'us-west-2'] }],
    });
    const first = await read(
      source,
      '2026-11-01T01:00:00Z',
      '2026-11-01T03:00:00Z',
    );
    expect(values(first.records)).toEqual([
      ['01', 'us-west-1', 200],
      ['01', 'us-west-2', 200],
      ['02', 'us-west-1', 300],
      ['02', 'us-west-2', 300],
    ]);
    expect(first.records[0]).toMatchObject({
      metric: 'grid_carbon_intensity_gco2_per_kwh',
      labels: { 'carbon.ai-finops.io/zone': 'TEST' },
    });
    expect(first.logger.info).toHaveBeenCalledWith(
      `Carbon intensity ${file} (TEST): 4 rows, 4 hours, 1 interpolated, 1 empty or invalid, 0 duplicates`,
    );
    expect(source.filesRead).toBe(1);

    await read(source, '2026-11-01T03:00:00Z', '2026-11-01T04:00:00Z');
    expect(source.filesRead).toBe(0);

    writeFileSync(file, 'timestamp,avg_CI\n2026-11-01 03:00:00+00:00,999\n');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const changed = await read(
      source,
      '2026-11-01T03:00:00Z',
      '2026-11-01T04:00:00Z',
    );
    expect(source.filesRead).toBe(1);
    expect(values(changed.records)).toEqual([
      ['03', 'us-west-1', 999],
      ['03', 'us-west-2', 999],
    ]);
  });

  it('names a missing file', async () => {
    const source = new CsvCarbonSource({
      files: [{ path: path.join(dir, 'missing.csv'), regions: ['x'] }],
    });
    await expect(
      read(source, '2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z'),
    ).rejects.toThrow(/Carbon intensity file .*missing.csv cannot be read/);
  });
});

const CISO = sharedDataPath(
  'sustaindc-eia-carbon-intensity-2022',
  'CISO_NG_avgCI_2022.csv',
);
const PJM = sharedDataPath(
  'sustaindc-eia-carbon-intensity-2022',
  'PJM_NG_avgCI_2022.csv',
);

describeWithSharedData(
  'sustaindc-eia-carbon-intensity-2022',
  'CsvCarbonSource on the EIA-930 files',
  () => {
    it('gives a day of CAISO as the file has it', async () => {
      const source = new CsvCarbonSource({
        files: [{ path: CISO, regions: ['us-west-1'], zone: 'US-CAL-CISO' }],
      });
      const { records } = await read(
        source,
        '2022-07-14T00:00:00Z',
        '2022-07-15T00:00:00Z',
      );
      const expected = readCsvRecords(CISO)
        .filter(r => r.timestamp.startsWith('2022-07-14'))
        .map(r => Number(r.avg_CI));
      expect(expected).toHaveLength(24);
      expect(records.map(r => (r.type === 'usage' ? r.value : NaN))).toEqual(
        expected,
      );
    });

    it("leaves PJM's long gap empty and reports it", async () => {
      const source = new CsvCarbonSource({
        files: [{ path: PJM, regions: ['us-east-1'] }],
      });
      const { records, logger } = await read(
        source,
        '2022-03-13T00:00:00Z',
        '2022-03-15T00:00:00Z',
      );
      const hours = records.map(r => r.hour);
      // Empty from 2022-03-13 07:00 to 2022-03-14 04:00 (22 h) in the file.
      expect(hours).toContain('2022-03-13T06:00:00.000Z');
      expect(hours).not.toContain('2022-03-13T07:00:00.000Z');
      expect(hours).not.toContain('2022-03-14T04:00:00.000Z');
      expect(hours).toContain('2022-03-14T05:00:00.000Z');
      expect(logger.info).toHaveBeenCalledWith(
        expect.stringContaining(
          'gaps left empty: 2022-03-13T07:00:00.000Z (22 h)',
        ),
      );
    });
  },
);
