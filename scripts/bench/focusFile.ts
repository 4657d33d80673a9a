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

/*
 * The generated FOCUS export both benchmarks read: the same rows in
 * data-plane.ts (ingest vs COPY) and focus-reader.ts (the reader alone).
 */

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { FOCUS_1_0_TEST_HEADER } from '@ai-finops/test-utils';

const HOUR = 3_600_000;

/** Writes `count` lines after a header, honouring backpressure. */
export async function writeLines(
  file: string,
  count: number,
  line: (i: number) => string,
  header: string,
) {
  const out = createWriteStream(file);
  out.write(`${header}\n`);
  for (let i = 0; i < count; i++) {
    if (!out.write(`${line(i)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

// The minimal FOCUS 1.0 header, then the dimensions a real export carries.
export const FOCUS_COLUMNS = [
  ...FOCUS_1_0_TEST_HEADER.filter(c => c !== 'Tags'),
  'RegionId',
  'ResourceId',
  'SubAccountId',
  'Tags',
];

const SERVICES = [
  ['Compute', 'Amazon Elastic Compute Cloud'],
  ['Storage', 'Amazon Simple Storage Service'],
  ['Networking', 'Amazon Virtual Private Cloud'],
  ['AI and Machine Learning', 'Amazon SageMaker'],
  ['Databases', 'Amazon Relational Database Service'],
];

/** Row `i` of the generated export; tags spread over `entities` apps. */
export function focusRow(i: number, entities: number): string {
  const hour = Date.UTC(2026, 9, 1) + (i % (31 * 24)) * HOUR;
  const [category, service] = SERVICES[i % SERVICES.length];
  const billed = ((i * 7919) % 100_000) / 1000;
  const iso = (t: number) => new Date(t).toISOString().replace('.000', '');
  const values = [
    billed,
    '123456789012',
    'Acme AI',
    'USD',
    '2026-11-01T00:00:00Z',
    '2026-10-01T00:00:00Z',
    'Usage',
    '',
    `${service} usage`,
    'Usage-Based',
    iso(hour + HOUR),
    iso(hour),
    billed,
    (billed * 0.8).toFixed(5),
    '"Amazon Web Services, Inc."',
    (billed * 1.1).toFixed(5),
    1,
    'Hours',
    'AWS',
    '"Amazon Web Services, Inc."',
    category,
    service,
    'us-east-1',
    `arn:aws:ec2:us-east-1:123456789012:instance/i-${(i % 5000)
      .toString(16)
      .padStart(8, '0')}`,
    `sub-${i % 40}`,
    `"{""app"":""svc-${i % entities}"",""team"":""team-${i % 12}""}"`,
  ];
  return values.join(',');
}

/** Runs a command under /usr/bin/time: wall seconds, CPU seconds, peak RSS. */

/** Writes the generated FOCUS CSV export of `rows` rows. */
export async function writeFocusFile(
  file: string,
  rows: number,
  entities: number,
) {
  await writeLines(
    file,
    rows,
    i => focusRow(i, entities),
    FOCUS_COLUMNS.join(','),
  );
}
