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

import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { parseEntityRef } from '@backstage/catalog-model';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { Flex, Grid, Link, Text } from '@backstage/ui';
import { finopsApiRef, type FinopsOwnedSpend } from '../../api';
import { finopsTranslationRef } from '../../translation';
import { formatCurrency, formatMonth } from '../format';
import { EmptyState, ErrorState, LoadingSkeleton, Metric } from '../shared';

/** The most ownership refs the backend takes in one request. */
const MAX_OWNERS = 20;

/** The most entities the backend sums. */
const MAX_OWNED_ENTITIES = 50;

/**
 * Props of the "My services' spend" home page widget's content.
 *
 * @public
 */
export interface FinopsOwnedSpendContentProps {
  /** How many services to list, largest spend first (default 5). */
  top?: number;
}

/** The FinOps tab of an entity: `/catalog/<namespace>/<kind>/<name>/finops`. */
export function ownedSpendHref(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${encodeURIComponent(namespace)}/${encodeURIComponent(
    kind.toLocaleLowerCase('en-US'),
  )}/${encodeURIComponent(name)}/finops`;
}

function OwnedSpendView(props: { data: FinopsOwnedSpend; top: number }) {
  const { data, top } = props;
  const { t } = useTranslationRef(finopsTranslationRef);
  const money = (v: number) => formatCurrency(v, data.currency);
  const count = data.entities.length;
  const shown = data.entities.slice(0, top);
  const { total } = data;
  return (
    <Flex direction="column" gap="4" data-testid="finops-owned-spend">
      <Grid.Root columns="3" gap="4">
        <Metric
          label={t('ownedSpendWidget.monthToDate', {
            month: formatMonth(data.month),
          })}
          value={money(total.monthToDate)}
          detail={t('ownedSpendWidget.services', { count })}
          testId="finops-owned-month-to-date"
        />
        <Metric
          label={t('ownedSpendWidget.forecast')}
          value={
            total.forecast !== undefined
              ? money(total.forecast)
              : t('ownedSpendWidget.noForecast')
          }
          detail={
            total.forecast !== undefined && total.forecastEntities < count
              ? t('ownedSpendWidget.forecastPartial', {
                  count: total.forecastEntities,
                  total: String(count),
                })
              : undefined
          }
          testId="finops-owned-forecast"
        />
        <Metric
          label={t('ownedSpendWidget.savings')}
          value={t('ownedSpendWidget.savingsValue', {
            amount: money(total.openMonthlySavings),
          })}
          detail={t('ownedSpendWidget.recommendations', {
            count: total.openRecommendations,
          })}
          testId="finops-owned-savings"
        />
      </Grid.Root>
      <Flex direction="column" gap="2" role="list">
        {shown.map(e => (
          <Flex
            key={e.entityRef}
            justify="between"
            align="center"
            gap="2"
            role="listitem"
            data-testid="finops-owned-service"
          >
            <Link href={ownedSpendHref(e.entityRef)} variant="body-small">
              {e.title ?? parseEntityRef(e.entityRef).name}
            </Link>
            <Text as="span" variant="body-small" color="secondary">
              {t('ownedSpendWidget.serviceSpend', {
                amount: money(e.monthToDate),
              })}
              {e.openMonthlySavings > 0
                ? ` · ${t('ownedSpendWidget.serviceSavings', {
                    amount: money(e.openMonthlySavings),
                  })}`
                : ''}
            </Text>
          </Flex>
        ))}
      </Flex>
      {(count > shown.length || data.truncated) && (
        <Text as="p" variant="body-x-small" color="secondary">
          {count > shown.length
            ? t('ownedSpendWidget.more', { count: count - shown.length })
            : ''}
          {count > shown.length && data.truncated ? ' · ' : ''}
          {data.truncated
            ? t('ownedSpendWidget.truncated', {
                count: MAX_OWNED_ENTITIES,
              })
            : ''}
        </Text>
      )}
    </Flex>
  );
}

/**
 * The content of the "My services' spend" home page widget: the signed-in
 * user's (and their groups') services with cost data, their month-to-date
 * spend, the month-end forecast where the backend keeps one and the open
 * savings, with the largest services linking to their FinOps tab.
 *
 * @public
 */
export function FinopsOwnedSpendContent(props: FinopsOwnedSpendContentProps) {
  const api = useApi(finopsApiRef);
  const identityApi = useApi(identityApiRef);
  const { t } = useTranslationRef(finopsTranslationRef);
  const { value, loading, error } = useAsyncRetry(async () => {
    const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
    const owners = ownershipEntityRefs.slice(0, MAX_OWNERS);
    return owners.length ? api.getOwnedSpend(owners) : undefined;
  }, [api, identityApi]);
  if (loading) return <LoadingSkeleton lines={4} />;
  if (error) return <ErrorState error={error} />;
  if (!value || value.entities.length === 0) {
    return (
      <EmptyState
        title={t('ownedSpendWidget.empty.title')}
        description={t('ownedSpendWidget.empty.description')}
      />
    );
  }
  return <OwnedSpendView data={value} top={props.top ?? 5} />;
}
