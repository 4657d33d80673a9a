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

import type { ReactNode } from 'react';
import { ResponseError } from '@backstage/errors';
import {
  useTranslationRef,
  type TranslationFunction,
} from '@backstage/frontend-plugin-api';
import {
  EntityInfoCard,
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import {
  Alert,
  CellText,
  Flex,
  Table,
  Text,
  VisuallyHidden,
  type ColumnConfig,
} from '@backstage/ui';
import {
  isFinopsAvailable,
  KUBERNETES_ID_ANNOTATION,
  type CostDriver,
  type EntityCostForecast,
  type EntityCostSummary,
} from '@ai-finops/backstage-plugin-finops-common';
import { finopsTranslationRef } from '../../translation';
import { BudgetMeter } from '../BudgetMeter';
import {
  EmptyState,
  LoadingSkeleton,
  Metric,
  README_ANNOTATIONS_URL,
  useFinopsEntityData,
} from '../shared';
import { Sparkline, summarizeSeries } from '../Sparkline';
import {
  formatCurrency,
  formatDateTime,
  formatMonth,
  formatPercent,
  relativeChange,
} from '../format';

/**
 * Props of the cost card.
 *
 * @public
 */
export interface FinopsCostCardProps {
  /** Overrides the card title ("Cost"). */
  title?: string;
}

/**
 * Whether a summary carries no cost at all: nothing ingested yet, or only
 * zero-cost days.
 */
export function isEmptySummary(summary: EntityCostSummary): boolean {
  return (
    !summary.dataUntil ||
    (summary.monthToDate.effectiveCost === 0 &&
      summary.dailyCosts.every(day => day.cost === 0))
  );
}

type Translate = TranslationFunction<(typeof finopsTranslationRef)['T']>;

function EmptyMessage(props: { t: Translate; description?: string }) {
  const { t, description } = props;
  return (
    <EmptyState
      title={t('costCard.empty.title')}
      description={description ?? t('costCard.empty.description')}
    />
  );
}

function Trend(props: { summary: EntityCostSummary; t: Translate }) {
  const { summary, t } = props;
  const change = relativeChange(
    summary.monthToDate.effectiveCost,
    summary.previousMonthToDate.effectiveCost,
  );
  if (change === undefined) {
    return (
      <Text as="p" variant="body-small" color="secondary">
        {t('costCard.trend.noComparison')}
      </Text>
    );
  }
  const percent = formatPercent(Math.abs(change), {
    maximumFractionDigits: 1,
  });
  if (percent === formatPercent(0, { maximumFractionDigits: 1 })) {
    return (
      <Text as="p" variant="body-small" color="secondary">
        {t('costCard.trend.flat')}
      </Text>
    );
  }
  const up = change > 0;
  return (
    <Text
      as="div"
      variant="body-small"
      color={up ? 'danger' : 'success'}
      data-testid="finops-cost-trend"
    >
      <span aria-hidden="true">{up ? '▲' : '▼'} </span>
      <VisuallyHidden>
        {up ? t('costCard.trend.increase') : t('costCard.trend.decrease')}{' '}
      </VisuallyHidden>
      {t('costCard.trend.comparison', { percent })}
    </Text>
  );
}

/** Forecast to month end with its interval, and the change vs last month. */
function ForecastBlock(props: {
  forecast?: EntityCostForecast;
  error?: Error;
  currency: string;
  t: Translate;
}) {
  const { forecast, error, currency, t } = props;
  if (error) {
    return (
      <Text as="p" variant="body-x-small" color="secondary">
        {t('costCard.forecast.unavailable', {
          message: ResponseError.is(error)
            ? error.cause.message
            : error.message,
        })}
      </Text>
    );
  }
  if (!forecast) return null;
  const money = (v: number) => formatCurrency(v, currency);
  const change = relativeChange(
    forecast.monthEnd.mean,
    forecast.previousMonth.cost,
  );
  return (
    <Flex direction="column" gap="0" data-testid="finops-forecast">
      <Metric
        label={t('costCard.forecast.label')}
        value={money(forecast.monthEnd.mean)}
        detail={t('costCard.forecast.interval', {
          level: formatPercent(forecast.monthEnd.level),
          lower: money(forecast.monthEnd.lower),
          upper: money(forecast.monthEnd.upper),
        })}
        testId="finops-forecast-mean"
      />
      {change !== undefined && (
        <Text
          as="span"
          variant="body-x-small"
          color={change > 0 ? 'danger' : 'success'}
        >
          {t('costCard.forecast.vsPreviousMonth', {
            percent: `${change > 0 ? '+' : '−'}${formatPercent(
              Math.abs(change),
              {
                maximumFractionDigits: 1,
              },
            )}`,
            month: formatMonth(forecast.previousMonth.month),
            amount: money(forecast.previousMonth.cost),
          })}
        </Text>
      )}
    </Flex>
  );
}

type DriverRow = CostDriver & { id: string };

function DriversTable(props: { summary: EntityCostSummary; t: Translate }) {
  const { summary, t } = props;
  const rows: DriverRow[] = summary.topDrivers.map((driver, index) => ({
    ...driver,
    id: `${index}-${driver.category}-${driver.workload ?? ''}`,
  }));
  const columns: ColumnConfig<DriverRow>[] = [
    {
      id: 'category',
      label: t('costCard.drivers.category'),
      isRowHeader: true,
      cell: row => (
        <CellText
          title={t(`costCard.categories.${row.category}`)}
          description={row.gpuModel}
        />
      ),
    },
    {
      id: 'workload',
      label: t('costCard.drivers.workload'),
      cell: row => <CellText title={row.workload ?? '—'} />,
    },
    {
      id: 'cost',
      label: t('costCard.drivers.cost'),
      cell: row => (
        <CellText title={formatCurrency(row.cost, summary.currency)} />
      ),
    },
    {
      id: 'share',
      label: t('costCard.drivers.share'),
      cell: row => <CellText title={formatPercent(row.share)} />,
    },
  ];
  return (
    <Flex direction="column" gap="2">
      <Text as="h4" variant="body-medium" weight="bold">
        {t('costCard.drivers.title')}
      </Text>
      <Table columnConfig={columns} data={rows} pagination={{ type: 'none' }} />
    </Flex>
  );
}

function CostSummaryView(props: {
  summary: EntityCostSummary;
  forecast?: EntityCostForecast;
  forecastError?: Error;
  t: Translate;
}) {
  const { summary, t } = props;
  const { currency, monthlyBudget, usage } = summary;
  const spent = summary.monthToDate.effectiveCost;
  const money = (value: number) => formatCurrency(value, currency);
  const dailyValues = summary.dailyCosts.map(day => day.cost);
  const series = summarizeSeries(dailyValues);
  const hasBudget = monthlyBudget !== undefined && monthlyBudget > 0;
  const burn = hasBudget ? spent / monthlyBudget : 0;

  const metrics: Array<{ label: string; value: string }> = [];
  if (usage.costPerMillionTokens !== undefined) {
    metrics.push({
      label: t('costCard.usage.costPerMillionTokens'),
      value: formatCurrency(usage.costPerMillionTokens, currency, {
        digits: 2,
      }),
    });
  }
  if (usage.gpuUtilization !== undefined) {
    metrics.push({
      label: t('costCard.usage.gpuUtilization'),
      value: formatPercent(usage.gpuUtilization),
    });
  }

  return (
    <Flex direction="column" gap="4">
      <Metric
        size="headline"
        label={t('costCard.monthToDate', { month: formatMonth(summary.month) })}
        value={money(spent)}
        testId="finops-month-to-date"
      >
        <Trend summary={summary} t={t} />
      </Metric>

      <ForecastBlock
        forecast={props.forecast}
        error={props.forecastError}
        currency={currency}
        t={t}
      />

      {hasBudget && (
        <Flex direction="column" gap="1">
          <Flex justify="between" align="baseline">
            <Text as="span" variant="body-small">
              {t('costCard.budget.label', { budget: money(monthlyBudget) })}
            </Text>
            <Text
              as="span"
              variant="body-small"
              weight="bold"
              color={burn > 1 ? 'warning' : 'primary'}
            >
              {t('costCard.budget.used', { percent: formatPercent(burn) })}
            </Text>
          </Flex>
          <BudgetMeter
            spent={spent}
            budget={monthlyBudget}
            label={t('costCard.budget.meterLabel')}
            valueText={t('costCard.budget.valueText', {
              percent: formatPercent(burn),
              budget: money(monthlyBudget),
            })}
          />
          {burn > 1 && (
            <Text as="p" variant="body-x-small" color="warning">
              {t('costCard.budget.over', {
                amount: money(spent - monthlyBudget),
              })}
            </Text>
          )}
        </Flex>
      )}

      {series && (
        <Flex direction="column" gap="1">
          <Text as="span" variant="body-x-small" color="secondary">
            {isPartialDay(summary.dataUntil)
              ? t('costCard.sparkline.captionPartial')
              : t('costCard.sparkline.caption')}
          </Text>
          <Sparkline
            values={dailyValues}
            partialLast={isPartialDay(summary.dataUntil)}
            label={t('costCard.sparkline.label', {
              min: money(series.min),
              max: money(series.max),
              last: money(series.last),
            })}
          />
        </Flex>
      )}

      {metrics.length > 0 && (
        <Flex gap="6">
          {metrics.map(metric => (
            <Metric key={metric.label} {...metric} size="medium" />
          ))}
        </Flex>
      )}

      {summary.topDrivers.length > 0 && (
        <DriversTable summary={summary} t={t} />
      )}
    </Flex>
  );
}

function Footnote(props: { summary?: EntityCostSummary; t: Translate }) {
  const { summary, t } = props;
  if (!summary?.dataUntil) {
    return null;
  }
  return (
    <Text as="p" variant="body-x-small" color="secondary">
      {t('costCard.footnote', { date: formatDateTime(summary.dataUntil) })}
    </Text>
  );
}

function FinopsCostCardContent(props: { title: string; t: Translate }) {
  const { title, t } = props;
  const { value, loading, error } = useFinopsEntityData((api, entityRef) =>
    api.getEntityCostSummary(entityRef),
  );
  // The forecast comes from its own route; the card shows without it.
  const forecast = useFinopsEntityData((api, entityRef) =>
    api.getEntityForecast(entityRef),
  );

  let content: ReactNode;
  if (loading) {
    content = <LoadingSkeleton lines={4} />;
  } else if (error) {
    if (ResponseError.is(error) && error.statusCode === 404) {
      content = <EmptyMessage t={t} description={error.cause.message} />;
    } else {
      const forbidden = ResponseError.is(error) && error.statusCode === 403;
      content = (
        <Alert
          status={forbidden ? 'warning' : 'danger'}
          icon
          title={
            forbidden
              ? t('costCard.error.forbidden')
              : t('costCard.error.title')
          }
          description={
            ResponseError.is(error) ? error.cause.message : error.message
          }
        />
      );
    }
  } else if (!value || isEmptySummary(value)) {
    content = <EmptyMessage t={t} />;
  } else {
    content = (
      <CostSummaryView
        summary={value}
        forecast={forecast.value}
        forecastError={forecast.error}
        t={t}
      />
    );
  }

  return (
    <EntityInfoCard
      title={title}
      footerActions={
        value && !loading && !error ? (
          <Footnote summary={value} t={t} />
        ) : undefined
      }
    >
      {content}
    </EntityInfoCard>
  );
}

/**
 * The entity cost card: month-to-date effective spend and its trend, the
 * monthly budget, the last 30 days, unit economics and the top cost drivers.
 *
 * Must be rendered inside an entity context (`EntityProvider`, as on the
 * catalog entity page).
 *
 * @public
 */
export function FinopsCostCard(props: FinopsCostCardProps) {
  const { t } = useTranslationRef(finopsTranslationRef);
  const { entity } = useEntity();
  const title = props.title ?? t('costCard.title');
  if (!isFinopsAvailable(entity)) {
    return (
      <EntityInfoCard title={title}>
        <MissingAnnotationEmptyState
          annotation={KUBERNETES_ID_ANNOTATION}
          readMoreUrl={README_ANNOTATIONS_URL}
        />
      </EntityInfoCard>
    );
  }
  return <FinopsCostCardContent title={title} t={t} />;
}

/** Whether the day of `dataUntil` (the start of the latest hour with data) is incomplete. */
function isPartialDay(dataUntil: string | undefined): boolean {
  return dataUntil !== undefined && new Date(dataUntil).getUTCHours() !== 23;
}
