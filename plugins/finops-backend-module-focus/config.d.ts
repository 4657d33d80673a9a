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

import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  finops?: {
    /**
     * The FOCUS billing-export data sources
     * (`@ai-finops/backstage-plugin-finops-backend-module-focus`).
     */
    focus?: {
      /**
       * One data source per export. Without entries the module adds nothing.
       */
      exports?: Array<{
        /**
         * The billing source id, stored with every charge, fact and
         * ingestion run (what `ai-finops ingest focus --source` sets).
         * Default: `focus` for the first entry, `focus-<n>` for the n-th.
         */
        id?: string;
        /**
         * Where the export's files are: a local file, folder or glob
         * (`/exports/focus/**\/*.csv.gz`), a `file://` or `http(s)://`
         * URL, or `s3://bucket/prefix/` (every `.csv`, `.csv.gz` and
         * `.parquet` below it). Every run stores all files found in one
         * transaction, replacing the billing periods they carry (periods
         * no file carries are kept). Point it at the current files of the
         * export only: files that repeat the same charges are summed.
         */
        location: string;
        /**
         * `lenient` (default) normalises real-world quirks and counts what
         * it fixed; `strict` fails the run (storing nothing) at the first
         * deviation from the FOCUS spec.
         */
        mode?: 'lenient' | 'strict';
        /** How to reach an S3-compatible bucket; unset values come from the AWS SDK's default chain. */
        s3?: {
          region?: string;
          /** For S3-compatible stores, e.g. `http://minio:9000`. */
          endpoint?: string;
          forcePathStyle?: boolean;
          credentials?: {
            accessKeyId: string;
            /** @visibility secret */
            secretAccessKey: string;
            /** @visibility secret */
            sessionToken?: string;
          };
        };
        /**
         * The schedule of this source's ingestion task. Default:
         * `finops.ingestion.schedule`. Exports change a few times a day;
         * every few hours is plenty.
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /**
         * Limits of each file read, so that a hostile or broken export is
         * refused (naming the limit, the file and the row) in bounded time
         * and memory. Unset limits keep their defaults, shown here.
         */
        limits?: {
          /** The longest CSV data row, in characters. Default 1048576 (1 MiB). */
          maxRecordChars?: number;
          /** The longest CSV field or Parquet text cell, in characters. Default 262144 (256 KiB). */
          maxFieldChars?: number;
          /** The longest CSV header row, in characters. Default 65536 (64 KiB). */
          maxHeaderChars?: number;
          /** The most columns of a header. Default 1024. */
          maxColumns?: number;
          /** The most data rows of one file. Default 100000000. */
          maxRows?: number;
          /**
           * The most bytes of CSV text of one file after decompression, the
           * largest uncompressed size a Parquet footer may declare, and the
           * largest Parquet file copied to a temporary file. Default
           * 17179869184 (16 GiB).
           */
          maxDecompressedBytes?: number;
          /**
           * How many times its compressed size a gzip file may decompress
           * to, checked once 16 MiB are out (a Parquet file: its declared
           * uncompressed size). Default 200.
           */
          maxCompressionRatio?: number;
          /** The most rows of a Parquet row group without offset indexes. Default 8388608. */
          maxRowGroupRows?: number;
          /** The largest absolute value of a cost or price column. Default 1e15. */
          maxAbsAmount?: number;
          /** The largest absolute value of a quantity column. Default 1e18. */
          maxAbsQuantity?: number;
        };
        /**
         * The FOCUS column that becomes a fact's workload: `ServiceName`
         * (default), `ResourceId`, `ResourceName` or `none`. Per
         * resource gives the most detail and the most facts.
         */
        workload?: 'ServiceName' | 'ResourceId' | 'ResourceName' | 'none';
      }>;
    };
  };
}
