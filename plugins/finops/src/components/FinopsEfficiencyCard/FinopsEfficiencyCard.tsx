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

import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { Flex, Grid, Text } from '@backstage/ui';
import type { EntityGpuEfficiency } from '@ai-finops/backstage-plugin-finops-common';
import { finopsTranslationRef } from '../../translation';
import { BudgetMeter } from '../BudgetMeter';
import { formatCurrency, formatDay, formatNumber } from '../format';
import {
  EmptyState,
  ErrorState,
  FinopsEntityCard,
  LoadingSkeleton,
  Metric,
  useFinopsEntityData,
} from '../shared';

/**
 * Props of the GPU efficiency card.
 *
 * @public
 */
export interface FinopsEfficiencyCardProps {
  /** Overrides the card title ("GPU efficiency"). */
  title?: string;
}

function EfficiencyView(props: { data: EntityGpuEfficiency }) {
  const { data } = props;
  const { t } = useTranslationRef(finopsTranslationRef);
  const money = (v: number, digits?: number) =>
    formatCurrency(v, data.currency, { digits });
  if (!(data.gpuHours > 0)) {
    return (
      <EmptyState
        title={t('states.noData')}
        description={data.notes[0] ?? t('efficiencyCard.noGpu')}
      />
    );
  }
  const score = data.score ?? 0;
  const gpus = data.gpuCount.latest || Math.round(data.gpuCount.mean);
  return (
    <Flex direction="column" gap="4">
      <Metric
        size="headline"
        label={t('efficiencyCard.score')}
        value={t('efficiencyCard.scoreOf', { score: formatNumber(score) })}
        testId="finops-efficiency-score"
      >
        <BudgetMeter
          spent={score}
          budget={100}
          label={t('efficiencyCard.score')}
          valueText={t('efficiencyCard.scoreOf', {
            score: formatNumber(score),
          })}
        />
      </Metric>
      <Grid.Root columns="2" gap="4">
        <Metric
          label={t('efficiencyCard.idle')}
          value={`${formatNumber(data.unusedGpuHours)} GPU-h`}
          detail={
            data.unusedCost !== undefined
              ? t('efficiencyCard.idleCost', { amount: money(data.unusedCost) })
              : undefined
          }
          testId="finops-idle-gpu-hours"
        />
        <Metric
          label={t('efficiencyCard.gpus')}
          value={t('efficiencyCard.gpuCount', {
            model: data.gpuModel ?? 'GPU',
            gpus: formatNumber(gpus),
          })}
          detail={`${formatNumber(data.gpuCount.mean, 1)} on average · ${
            data.sharing === 'fractional'
              ? t('efficiencyCard.sharingFractional')
              : t('efficiencyCard.sharingWhole')
          }`}
        />
        {data.tokensPerSecondPerGpu !== undefined && (
          <Metric
            label={t('efficiencyCard.tokensPerSecond')}
            value={formatNumber(data.tokensPerSecondPerGpu)}
            testId="finops-tokens-per-second"
          />
        )}
        {data.costPerMillionTokens !== undefined && (
          <Metric
            label={t('efficiencyCard.costPerMillionTokens')}
            value={money(data.costPerMillionTokens, 2)}
            detail={
              data.costPerMillionInputTokens !== undefined &&
              data.costPerMillionOutputTokens !== undefined
                ? `in ${money(data.costPerMillionInputTokens, 2)} · out ${money(
                    data.costPerMillionOutputTokens,
                    2,
                  )}`
                : undefined
            }
            testId="finops-cost-per-million-tokens"
          />
        )}
      </Grid.Root>
      {data.notes.length > 0 && (
        <Text as="p" variant="body-x-small" color="secondary">
          {data.notes.join(' ')}
        </Text>
      )}
    </Flex>
  );
}

/**
 * The GPU efficiency card: the efficiency score, idle GPU-hours and their
 * dollars, GPU type and count (MIG or shared noted), tokens/s per GPU and
 * $ per 1M tokens over the last 30 days.
 *
 * @public
 */
export function FinopsEfficiencyCard(props: FinopsEfficiencyCardProps) {
  const { t } = useTranslationRef(finopsTranslationRef);
  return (
    <FinopsEntityCard title={props.title ?? t('efficiencyCard.title')}>
      <EfficiencyContent />
    </FinopsEntityCard>
  );
}

function EfficiencyContent() {
  const { t } = useTranslationRef(finopsTranslationRef);
  const { value, loading, error } = useFinopsEntityData((api, ref) =>
    api.getEntityEfficiency(ref),
  );
  if (loading) return <LoadingSkeleton lines={4} />;
  if (error) return <ErrorState error={error} />;
  if (!value) return null;
  return (
    <Flex direction="column" gap="2">
      <EfficiencyView data={value} />
      <Text as="p" variant="body-x-small" color="secondary">
        {t('efficiencyCard.period', {
          from: formatDay(value.from),
          to: formatDay(value.to),
        })}
      </Text>
    </Flex>
  );
}
