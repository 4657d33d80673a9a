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
import type { EntityCarbonFootprint } from '@ai-finops/backstage-plugin-finops-common';
import { finopsTranslationRef } from '../../translation';
import { Sparkline } from '../Sparkline';
import { formatDay, formatNumber, formatPercent } from '../format';
import {
  ErrorState,
  FinopsEntityCard,
  LoadingSkeleton,
  Metric,
  useFinopsEntityData,
} from '../shared';

/**
 * Props of the carbon card.
 *
 * @public
 */
export interface FinopsCarbonCardProps {
  /** Overrides the card title ("Carbon"). */
  title?: string;
}

function CarbonView(props: { data: EntityCarbonFootprint }) {
  const { data } = props;
  const { t } = useTranslationRef(finopsTranslationRef);
  const kgDigits = data.totalKg < 10 ? 2 : 0;
  return (
    <Flex direction="column" gap="4">
      <Metric
        size="headline"
        label={t('carbonCard.total')}
        value={`${formatNumber(data.totalKg, kgDigits)} kgCO2e`}
        testId="finops-carbon-total"
      >
        <Text as="p" variant="body-x-small" color="secondary">
          {t('carbonCard.energy', {
            kwh: formatNumber(data.energyKwh),
            pue: formatNumber(data.pue, 3),
          })}
        </Text>
      </Metric>
      {data.daily.length > 1 && (
        <Sparkline
          values={data.daily.map(d => d.kg)}
          label={`Daily kgCO2e over ${
            data.daily.length
          } days, last ${formatNumber(
            data.daily[data.daily.length - 1].kg,
            1,
          )}`}
          color="var(--bui-fg-success, #2e7d32)"
        />
      )}
      <Grid.Root columns="2" gap="4">
        <Metric
          label={t('carbonCard.perMillionTokens')}
          value={
            data.gCo2ePerMillionTokens !== undefined
              ? formatNumber(data.gCo2ePerMillionTokens, 1)
              : '—'
          }
          testId="finops-carbon-per-million-tokens"
        />
        <Metric
          label={t('carbonCard.intensity')}
          value={t('carbonCard.intensityValue', {
            value: formatNumber(data.gridIntensity.mean),
            region: data.region ?? '?',
          })}
          detail={
            data.gridIntensity.source === 'hourly'
              ? t('carbonCard.intensitySourceHourly')
              : t('carbonCard.intensitySourceAnnual')
          }
          testId="finops-grid-intensity"
        />
      </Grid.Root>
      <Flex direction="column" gap="1">
        <Text as="span" variant="body-x-small" color="secondary">
          {t('carbonCard.greener')}
        </Text>
        {data.greenerOption ? (
          <>
            <Text as="p" variant="body-medium" data-testid="finops-greener">
              {t('carbonCard.greenerValue', {
                region: data.greenerOption.region,
                percent: formatPercent(data.greenerOption.percentLess / 100),
                kg: formatNumber(data.greenerOption.monthlyKgSaved),
              })}
            </Text>
            <Text as="p" variant="body-x-small" color="secondary">
              {data.greenerOption.note}
            </Text>
          </>
        ) : (
          <Text as="p" variant="body-small">
            {t('carbonCard.noGreener')}
          </Text>
        )}
      </Flex>
      <Text as="p" variant="body-x-small" color="secondary">
        {formatDay(data.from)} – {formatDay(data.to)}
        {data.notes.length ? ` · ${data.notes.join(' ')}` : ''}
      </Text>
    </Flex>
  );
}

function CarbonContent() {
  const { value, loading, error } = useFinopsEntityData((api, ref) =>
    api.getEntityCarbon(ref),
  );
  if (loading) return <LoadingSkeleton lines={4} />;
  if (error) return <ErrorState error={error} />;
  return value ? <CarbonView data={value} /> : null;
}

/**
 * The carbon card: kgCO2e over the last 30 days, gCO2e per 1M tokens, the
 * grid intensity of the region and the best greener option with its saving.
 *
 * @public
 */
export function FinopsCarbonCard(props: FinopsCarbonCardProps) {
  const { t } = useTranslationRef(finopsTranslationRef);
  return (
    <FinopsEntityCard title={props.title ?? t('carbonCard.title')}>
      <CarbonContent />
    </FinopsEntityCard>
  );
}
