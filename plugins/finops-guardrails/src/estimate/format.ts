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

import type { CostEstimateReport, WorkloadEstimate } from './estimate';

/**
 * One workload's cost before and after a change.
 *
 * @public
 */
export interface CostDiffRow {
  workload: string;
  gpu: string;
  replicas: string;
  /** Undefined for a workload the change adds. */
  baseMonthlyCost?: number;
  /** Undefined for a workload the change removes. */
  monthlyCost?: number;
  change: number;
}

/**
 * The difference between two estimates, Infracost-style.
 *
 * @public
 */
export interface CostDiff {
  baseMonthlyCost: number;
  monthlyCost: number;
  change: number;
  /** Percent change; undefined when the baseline costs nothing. */
  percent?: number;
  /** `monthly cost will increase by $X (+Y %)` and its variants. */
  sentence: string;
  rows: CostDiffRow[];
}

/**
 * USD with cents and thousands separators: `$12,345.60`.
 *
 * @public
 */
export function formatUsd(amount: number): string {
  const sign = amount < 0 ? '-' : '';
  return `${sign}$${Math.abs(amount).toLocaleString('en-US', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  })}`;
}

function formatPercent(p: number): string {
  const rounded = Math.round(p * 10) / 10;
  return `${rounded >= 0 ? '+' : ''}${rounded.toLocaleString('en-US', {
    maximumFractionDigits: 1,
  })} %`;
}

/**
 * A workload's label in estimate reports, such as
 * `Deployment ml/chat (overlays/prod)`.
 *
 * @public
 */
export function workloadLabel(w: WorkloadEstimate): string {
  return `${w.kind} ${w.namespace ? `${w.namespace}/` : ''}${w.name}${
    w.kustomization ? ` (${w.kustomization})` : ''
  }`;
}

const workloadKey = (w: WorkloadEstimate) =>
  `${w.kustomization ?? ''}|${w.kind}|${w.namespace ?? ''}|${w.name}`;

const replicasText = (w: WorkloadEstimate) =>
  w.minReplicas === w.maxReplicas
    ? String(w.minReplicas)
    : `${w.minReplicas}–${w.maxReplicas}`;

const gpuText = (w: WorkloadEstimate) =>
  w.gpuModel ? `${Number(w.gpusPerReplica.toFixed(3))} × ${w.gpuModel}` : '—';

/**
 * The sentence Infracost puts atop its pull-request comment, for monthly
 * costs at the minimum replicas.
 *
 * @public
 */
export function costChangeSentence(base: number, head: number): string {
  const change = head - base;
  if (Math.abs(change) < 0.005) return 'monthly cost will not change';
  const direction = change > 0 ? 'increase' : 'decrease';
  const percent =
    base > 0 ? ` (${formatPercent((change / base) * 100)})` : ' (from $0.00)';
  return `monthly cost will ${direction} by ${formatUsd(
    Math.abs(change),
  )}${percent}`;
}

/**
 * Compares two estimates workload by workload (matched by kustomization,
 * kind, namespace and name).
 *
 * @public
 */
export function diffCostEstimates(
  base: CostEstimateReport,
  head: CostEstimateReport,
): CostDiff {
  const rows: CostDiffRow[] = [];
  const baseByKey = new Map(base.workloads.map(w => [workloadKey(w), w]));
  const seen = new Set<string>();
  for (const w of head.workloads) {
    const key = workloadKey(w);
    seen.add(key);
    const b = baseByKey.get(key);
    rows.push({
      workload: workloadLabel(w),
      gpu: gpuText(w),
      replicas:
        b && replicasText(b) !== replicasText(w)
          ? `${replicasText(b)} → ${replicasText(w)}`
          : replicasText(w),
      ...(b ? { baseMonthlyCost: b.monthlyCost } : {}),
      monthlyCost: w.monthlyCost,
      change: w.monthlyCost - (b?.monthlyCost ?? 0),
    });
  }
  for (const b of base.workloads) {
    if (seen.has(workloadKey(b))) continue;
    rows.push({
      workload: workloadLabel(b),
      gpu: gpuText(b),
      replicas: `${replicasText(b)} → 0`,
      baseMonthlyCost: b.monthlyCost,
      change: -b.monthlyCost,
    });
  }
  const change = head.monthlyCost - base.monthlyCost;
  return {
    baseMonthlyCost: base.monthlyCost,
    monthlyCost: head.monthlyCost,
    change,
    ...(base.monthlyCost > 0
      ? { percent: (change / base.monthlyCost) * 100 }
      : {}),
    sentence: costChangeSentence(base.monthlyCost, head.monthlyCost),
    rows,
  };
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/**
 * The estimate as Markdown for a pull-request body or comment, in
 * Infracost's layout: the change sentence, a table per workload, the unit
 * costs and how it was estimated.
 *
 * @public
 */
export function formatCostEstimateMarkdown(
  report: CostEstimateReport,
  options: { diff?: CostDiff; title?: string } = {},
): string {
  const lines: string[] = [];
  lines.push(`### 💰 ${options.title ?? 'AI FinOps cost estimate'}`, '');
  const diff = options.diff;
  if (diff) {
    let icon = '';
    if (diff.change > 0.005) icon = ' 📈';
    else if (diff.change < -0.005) icon = ' 📉';
    lines.push(`**${diff.sentence}**${icon}`, '');
    lines.push(
      '| Workload | GPUs per replica | Replicas | Baseline cost | New monthly cost | Change |',
      '|---|---|---|---:|---:|---:|',
    );
    for (const r of diff.rows) {
      lines.push(
        `| ${cell(r.workload)} | ${cell(r.gpu)} | ${r.replicas} | ${
          r.baseMonthlyCost === undefined ? '–' : formatUsd(r.baseMonthlyCost)
        } | ${r.monthlyCost === undefined ? '–' : formatUsd(r.monthlyCost)} | ${
          r.change >= 0 ? '+' : ''
        }${formatUsd(r.change)} |`,
      );
    }
    lines.push(
      `| **Total** | | | **${formatUsd(diff.baseMonthlyCost)}** | **${formatUsd(
        diff.monthlyCost,
      )}** | **${diff.change >= 0 ? '+' : ''}${formatUsd(diff.change)}** |`,
    );
  } else {
    lines.push(
      `**Estimated monthly cost: ${formatUsd(report.monthlyCost)}**${
        report.maxMonthlyCost > report.monthlyCost + 0.005
          ? ` (up to ${formatUsd(
              report.maxMonthlyCost,
            )} at the autoscalers' maximum replicas)`
          : ''
      }`,
      '',
      '| Workload | GPUs per replica | $ per GPU-hour | Replicas | Monthly cost | At max replicas |',
      '|---|---|---:|---|---:|---:|',
    );
    for (const w of report.workloads) {
      lines.push(
        `| ${cell(workloadLabel(w))} | ${cell(gpuText(w))} | ${
          w.usdPerGpuHour === undefined ? '–' : formatUsd(w.usdPerGpuHour)
        } | ${replicasText(w)} | ${formatUsd(w.monthlyCost)} | ${formatUsd(
          w.maxMonthlyCost,
        )} |`,
      );
    }
    lines.push(
      `| **Total** | | | | **${formatUsd(report.monthlyCost)}** | **${formatUsd(
        report.maxMonthlyCost,
      )}** |`,
    );
  }
  const unit = report.services.filter(
    s =>
      s.usdPerMillionTokens !== undefined ||
      s.usdPerThousandRequests !== undefined,
  );
  if (unit.length > 0) {
    lines.push('', '**Unit cost at the expected load**', '');
    for (const s of unit) {
      const parts: string[] = [];
      if (s.usdPerMillionTokens !== undefined) {
        parts.push(
          `${formatUsd(
            s.usdPerMillionTokens,
          )} per 1M tokens at ${s.expectedTokensPerSecond!.toLocaleString(
            'en-US',
          )} tokens/s`,
        );
      }
      if (s.usdPerThousandRequests !== undefined) {
        parts.push(
          `${formatUsd(
            s.usdPerThousandRequests,
          )} per 1,000 requests at ${s.expectedRequestsPerSecond!.toLocaleString(
            'en-US',
          )} requests/s`,
        );
      }
      lines.push(
        `- ${s.namespace ? `${s.namespace}/` : ''}${s.name}: ${parts.join(
          '; ',
        )}`,
      );
    }
  }
  const budgets = report.services.filter(
    s => s.monthlyBudget !== undefined && s.monthlyCost > s.monthlyBudget,
  );
  for (const s of budgets) {
    lines.push(
      '',
      `⚠️ ${s.name} is expected to cost ${formatUsd(
        s.monthlyCost,
      )} a month, over its budget of ${formatUsd(s.monthlyBudget!)}.`,
    );
  }
  const sources = [
    ...new Set(report.workloads.map(w => w.priceSource).filter(Boolean)),
  ];
  lines.push(
    '',
    '<details><summary>How this is estimated</summary>',
    '',
    `- ${report.hoursPerMonth} hours a month; replicas from \`spec.replicas\`, or the minimum of the HPA or KEDA ScaledObject that targets the workload (the maximum gives "at max replicas").`,
    '- GPU model from the `nvidia.com/gpu.product` node selector or node affinity, or the `ai-finops.io/gpu-model` annotation; a MIG slice costs its share of the GPU.',
    `- GPU-hour prices: ${
      sources.length ? sources.join('; ') : 'none needed'
    }. A GPU-hour list price holds its share of the instance's CPU and memory.`,
    ...report.notes.map(n => `- ${n}`),
    '',
    '</details>',
  );
  return `${lines.join('\n')}\n`;
}
