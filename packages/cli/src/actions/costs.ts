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

import type { FinopsBillingCostRow } from '@ai-finops/backstage-plugin-finops-node';
import { InputError } from '@backstage/errors';
import { withStore } from '../store';

const COST_COLUMNS = ['billed_cost', 'effective_cost', 'list_cost'];

/**
 * The store sums money in integer nano-units and hands out the number
 * nearest the exact decimal, so its shortest text is that decimal (up to
 * 15 significant digits) and the same on every run.
 */
function formatAmount(amount: number): string {
  return String(amount);
}

function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = typeof value === 'number' ? formatAmount(value) : value;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV `costs --format csv` prints: a header, then one row per group. */
export function formatCostsCsv(
  groupBy: readonly string[],
  rows: readonly FinopsBillingCostRow[],
): string {
  const lines = [[...groupBy, ...COST_COLUMNS].map(csvField).join(',')];
  for (const row of rows) {
    lines.push(
      [
        ...groupBy.map(column => row.group[column]),
        row.billedCost,
        row.effectiveCost,
        row.listCost,
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The options of `ai-finops costs`, as commander parses them. */
export interface CostsOptions {
  database: string;
  groupBy: string;
  from?: string;
  to?: string;
}

/** `ai-finops costs --group-by … --format csv`: prints the CSV on stdout. */
export async function runCosts(options: CostsOptions) {
  const groupBy = options.groupBy
    .split(',')
    .map(column => column.trim())
    .filter(Boolean);
  if (groupBy.length === 0) {
    throw new InputError('--group-by needs at least one FOCUS column');
  }
  const rows = await withStore(options.database, { create: false }, store =>
    store.queryBillingCosts({
      groupBy,
      from: options.from,
      to: options.to,
    }),
  );
  process.stdout.write(formatCostsCsv(groupBy, rows));
}
