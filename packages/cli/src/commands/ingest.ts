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

import { Command, Option } from 'commander';
import type { IngestFocusOptions } from '../actions/ingest';
import { FOCUS_WORKLOAD_COLUMNS } from './choices';
import { databaseOption } from './costs';

const DEFAULT_SOURCE = 'focus';

/** `ai-finops ingest focus <location>` */
export function addIngestCommand(program: Command) {
  const ingest = program
    .command('ingest')
    .description('load billing or usage data into the AI FinOps store');
  ingest
    .command('focus')
    .description(
      'validate FOCUS 1.0-1.2 billing exports (CSV, .csv.gz or Parquet; a file, folder, glob, http(s):// or s3:// URL) and store them; re-ingesting replaces their billing periods',
    )
    .argument(
      '<location>',
      'a .csv, .csv.gz or .parquet file, a folder or glob of them (quote it), an http(s):// URL, or s3://bucket/prefix/; at most 10,000 files',
    )
    .addOption(databaseOption())
    .addOption(
      new Option(
        '--mode <mode>',
        'lenient fixes and counts quirks; strict rejects them',
      )
        .choices(['lenient', 'strict'])
        .default('lenient'),
    )
    .option(
      '--source <id>',
      'billing source id; an ingestion replaces the periods this source had',
      DEFAULT_SOURCE,
    )
    .addOption(
      new Option(
        '--workload <column>',
        "the FOCUS column that becomes the hourly facts' workload (as the backend module's workload setting; use the same for the same source)",
      )
        .choices([...FOCUS_WORKLOAD_COLUMNS])
        .default('ServiceName'),
    )
    .option(
      '--s3-region <region>',
      's3:// locations: the bucket region (default AWS_REGION, else us-east-1)',
    )
    .option(
      '--s3-endpoint <url>',
      's3:// locations: an S3-compatible endpoint, e.g. http://127.0.0.1:9000',
    )
    .option(
      '--s3-force-path-style',
      's3:// locations: address the bucket in the path (MinIO, Ceph and most S3-compatible stores)',
    )
    .action(async (location: string, options: IngestFocusOptions) => {
      const { runIngestFocus }: typeof import('../actions/ingest') =
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('../actions/ingest');
      await runIngestFocus(location, options);
    });
}
