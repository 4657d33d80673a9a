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

import type { EntityRecommendation } from '@ai-finops/backstage-plugin-finops-common';

/**
 * What a pull request says about a recommendation: the fields of an
 * `EntityRecommendation` it uses.
 *
 * @public
 */
export type PullRequestRecommendation = Pick<
  EntityRecommendation,
  | 'id'
  | 'title'
  | 'description'
  | 'monthlySavings'
  | 'monthlyCarbonSavingKg'
  | 'risk'
  | 'riskReason'
  | 'confidence'
  | 'changes'
> &
  Partial<Pick<EntityRecommendation, 'evidence'>>;

/**
 * Title, body, commit message and labels of a recommendation's pull request.
 * The body keeps a `{{diff}}` placeholder that the opener fills with the
 * table of edits it made, and a hidden marker naming the recommendation.
 *
 * @public
 */
export function pullRequestContent(
  rec: PullRequestRecommendation,
  options: { entityRef: string; currency?: string; portalUrl?: string },
): { title: string; body: string; commitMessage: string; labels: string[] } {
  const currency = options.currency ?? 'USD';
  const money = (v: number) =>
    `${v < 0 ? '-' : ''}${currency === 'USD' ? '$' : `${currency} `}${Math.abs(
      v,
    ).toLocaleString('en-US', { maximumFractionDigits: 0 })}`;
  const saving =
    rec.monthlySavings >= 0
      ? `saves ${money(rec.monthlySavings)} per month`
      : `costs ${money(-rec.monthlySavings)} more per month`;
  const lines = [
    `<!-- ai-finops:recommendation ${rec.id} -->`,
    `### 💰 AI FinOps recommendation for \`${options.entityRef}\``,
    '',
    `**${rec.title}**: ${saving}.`,
    '',
    '| Monthly saving | Carbon avoided | Risk | Confidence |',
    '| --- | --- | --- | --- |',
    `| ${money(rec.monthlySavings)} | ${
      rec.monthlyCarbonSavingKg !== undefined
        ? `${rec.monthlyCarbonSavingKg.toFixed(1)} kgCO2e`
        : '—'
    } | ${rec.risk}${
      rec.riskReason ? `: ${rec.riskReason}` : ''
    } | ${Math.round(rec.confidence * 100)} % |`,
    '',
    rec.description,
    '',
  ];
  if (rec.evidence && rec.evidence.length > 0) {
    lines.push('#### Evidence', '', ...rec.evidence.map(e => `- ${e}`), '');
  }
  lines.push(
    '#### Changes',
    '',
    '{{diff}}',
    '',
    `<sub>Opened by AI FinOps${
      options.portalUrl ? ` from ${options.portalUrl}` : ''
    }. Merging this pull request is the approval; closing it declines the recommendation.</sub>`,
  );
  return {
    title: `AI FinOps: ${rec.title}`,
    body: lines.join('\n'),
    commitMessage: `${rec.title}\n\nAI FinOps recommendation ${rec.id} for ${options.entityRef}: ${saving}.`,
    labels: ['ai-finops', `risk:${rec.risk}`],
  };
}
