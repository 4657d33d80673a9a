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

import { scoreSeries } from '@ai-finops/backstage-plugin-finops-engine';
import { csvField, formatNumber, readSeriesCsv } from './forecastInput';

/** The options of `ai-finops detect`, as commander parses them. */
export interface DetectOptions {
  input: string;
}

/** `ai-finops detect --input F.csv --format csv`: prints the scores on stdout. */
export async function runDetect(options: DetectOptions) {
  const { rows, series } = await readSeriesCsv(options.input);
  // Each series is scored in timestamp order; rows are printed in input order.
  const scores = new Map<number, number>();
  for (const s of series) {
    const points = scoreSeries(
      s.rows.map(r => r.timestamp),
      s.rows.map(r => r.value),
    );
    s.rows.forEach((r, k) => scores.set(r.row, points[k].score));
  }
  const out = ['series_id,timestamp,value,score'];
  for (const r of rows) {
    out.push(
      [
        csvField(r.seriesId),
        csvField(r.timestampText),
        csvField(r.valueText),
        formatNumber(scores.get(r.row) ?? 0),
      ].join(','),
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
}
