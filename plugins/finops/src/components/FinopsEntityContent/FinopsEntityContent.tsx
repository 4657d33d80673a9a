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

import { useMemo, useState, type ComponentProps } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  Area,
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceDot,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { Card, CardBody, Flex, Grid, Text } from '@backstage/ui';
import {
  isFinopsAvailable,
  KUBERNETES_ID_ANNOTATION,
  type CostGroupBy,
} from '@ai-finops/backstage-plugin-finops-common';
import { finopsApiRef, type FinopsApi } from '../../api';
import { ChartFigure, PALETTE } from '../charts';
import {
  FinopsDeliverySection,
  isFinopsDeliveryAvailable,
} from '../FinopsDeliveryCard';
import {
  formatCurrency,
  formatDay,
  formatNumber,
  formatPercent,
} from '../format';
import {
  AnomalyText,
  ErrorState,
  LoadingSkeleton,
  README_ANNOTATIONS_URL,
} from '../shared';
import {
  clampRange,
  presetRange,
  PRESETS,
  validateRange,
  type TimeRange,
} from './timeRange';

const GROUP_BY: Array<{ id: CostGroupBy; label: string }> = [
  { id: 'category', label: 'Category' },
  { id: 'workload', label: 'Workload (service)' },
  { id: 'gpuModel', label: 'GPU type' },
  { id: 'region', label: 'Region' },
  { id: 'source', label: 'Source (SKU feed)' },
  { id: 'namespace', label: 'Namespace' },
];

const MAX_SERIES = 6;

const controlStyle = {
  font: 'inherit',
  padding: '4px 8px',
  borderRadius: 4,
  border: '1px solid var(--bui-border, #ccc)',
  background: 'var(--bui-bg-surface-1, transparent)',
  color: 'inherit',
} as const;

function Section(props: { children: React.ReactNode }) {
  return (
    <Card>
      <CardBody>{props.children}</CardBody>
    </Card>
  );
}

const GRANULARITIES: Array<{ id: TimeRange['granularity']; label: string }> = [
  { id: 'daily', label: 'Daily' },
  { id: 'monthly', label: 'Monthly' },
];

/** A control with its caption above it. */
function Field(props: { label: string; children: React.ReactNode }) {
  return (
    <label>
      <Text as="div" variant="body-x-small" color="secondary">
        {props.label}
      </Text>
      {props.children}
    </label>
  );
}

function SelectField<T extends string>(props: {
  label: string;
  value: T;
  options: Array<{ id: T; label: string }>;
  onChange: (value: T) => void;
}) {
  return (
    <Field label={props.label}>
      <select
        style={controlStyle}
        aria-label={props.label}
        value={props.value}
        onChange={e => props.onChange(e.target.value as T)}
      >
        {props.options.map(o => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

function DateField(props: {
  label: string;
  value: string;
  onChange: (day: string) => void;
}) {
  return (
    <Field label={props.label}>
      <input
        type="date"
        aria-label={props.label}
        style={controlStyle}
        value={props.value}
        onChange={e => props.onChange(e.target.value)}
      />
    </Field>
  );
}

function RangePicker(props: {
  value: TimeRange;
  onChange: (range: TimeRange) => void;
  groupBy: CostGroupBy;
  onGroupBy: (g: CostGroupBy) => void;
}) {
  const { value, onChange } = props;
  const [draft, setDraft] = useState({ from: value.from, to: value.to });
  const problem = validateRange(draft);
  return (
    <Flex gap="4" align="end" style={{ flexWrap: 'wrap' }}>
      <SelectField
        label="Time range"
        value={value.preset}
        options={PRESETS}
        onChange={preset => {
          if (preset === 'custom') {
            onChange({ ...value, preset });
            setDraft({ from: value.from, to: value.to });
          } else {
            onChange({
              ...value,
              preset,
              ...presetRange(preset),
              granularity: preset === '12m' ? 'monthly' : value.granularity,
            });
          }
        }}
      />
      {value.preset === 'custom' && (
        <form
          onSubmit={e => {
            e.preventDefault();
            if (!problem) onChange({ ...value, ...draft });
          }}
        >
          <Flex gap="2" align="end">
            <DateField
              label="From"
              value={draft.from}
              onChange={from => setDraft({ ...draft, from })}
            />
            <DateField
              label="To"
              value={draft.to}
              onChange={to => setDraft({ ...draft, to })}
            />
            <button type="submit" style={controlStyle} disabled={!!problem}>
              Apply
            </button>
          </Flex>
          {problem && (
            <Text as="p" variant="body-x-small" color="danger" role="alert">
              {problem}
            </Text>
          )}
        </form>
      )}
      <SelectField
        label="Granularity"
        value={value.granularity}
        options={GRANULARITIES}
        onChange={granularity => onChange({ ...value, granularity })}
      />
      <SelectField
        label="Split by"
        value={props.groupBy}
        options={GROUP_BY}
        onChange={props.onGroupBy}
      />
    </Flex>
  );
}

/**
 * A chart over days (or months): the grid, the day axis, the tooltip and
 * the legend, around the y axes and series in `children`.
 */
function DailyChart(props: {
  data: Array<object>;
  dayKey: string;
  tooltipFormatter?: ComponentProps<typeof Tooltip>['formatter'];
  children: React.ReactNode;
}) {
  return (
    <ComposedChart data={props.data}>
      <CartesianGrid strokeDasharray="3 3" vertical={false} />
      <XAxis dataKey={props.dayKey} fontSize={11} />
      <Tooltip formatter={props.tooltipFormatter} />
      <Legend />
      {props.children}
    </ComposedChart>
  );
}

/** A line series without dots or animation. */
function TrendLine(
  props: Pick<
    ComponentProps<typeof Line>,
    'dataKey' | 'name' | 'stroke' | 'strokeDasharray' | 'yAxisId'
  >,
) {
  return <Line {...props} dot={false} isAnimationActive={false} />;
}

/** The y axis of cost, ticks in the currency. */
function CostAxis(props: { currency: string }) {
  return (
    <YAxis
      fontSize={11}
      width={80}
      tickFormatter={v => formatCurrency(Number(v), props.currency)}
    />
  );
}

/** The shaded `band` series (a `[lower, upper]` pair a point). */
function BandArea(props: { name: string; fill: string; fillOpacity: number }) {
  return (
    <Area dataKey="band" {...props} stroke="none" isAnimationActive={false} />
  );
}

function CostOverTime(props: {
  entityRef: string;
  range: TimeRange;
  groupBy: CostGroupBy;
  anomalies: Set<string>;
}) {
  const { entityRef, range, groupBy } = props;
  const api = useApi(finopsApiRef);
  const { value, loading, error } = useAsync(
    () =>
      api.getEntityCosts(entityRef, {
        from: range.from,
        to: range.to,
        granularity: range.granularity,
        groupBy,
      }),
    [api, entityRef, range.from, range.to, range.granularity, groupBy],
  );
  const chart = useMemo(() => {
    if (!value) return undefined;
    const named = value.series.slice(0, MAX_SERIES);
    const rest = value.series.slice(MAX_SERIES);
    const keys = named.map(s => String(s.key ?? '(none)'));
    if (rest.length) keys.push('Other');
    const rows = value.buckets.map((bucket, i) => {
      const row: Record<string, number | string> = { bucket };
      named.forEach((s, k) => {
        row[keys[k]] = s.points[i].effectiveCost;
      });
      if (rest.length) {
        row.Other = rest.reduce((sum, s) => sum + s.points[i].effectiveCost, 0);
      }
      return row;
    });
    return { keys, rows };
  }, [value]);
  if (loading) return <LoadingSkeleton lines={6} />;
  if (error) return <ErrorState error={error} />;
  if (!value || !chart) return null;
  const money = (v: number) => formatCurrency(v, value.currency);
  const label = GROUP_BY.find(g => g.id === groupBy)?.label ?? groupBy;
  const summary = `Cost by ${label.toLowerCase()}, ${
    range.granularity
  }, ${formatDay(value.from)} – ${formatDay(value.to)}: total ${money(
    value.total.effectiveCost,
  )} across ${value.buckets.length} ${
    range.granularity === 'daily' ? 'days' : 'months'
  }${chart.keys.length ? `; largest ${chart.keys[0]}` : ''}`;
  return (
    <ChartFigure
      title="Cost over time"
      summary={summary}
      testId="finops-cost-chart"
      height={300}
      description={
        value.sharedCost.effectiveCost > 0
          ? `Includes ${money(value.sharedCost.effectiveCost)} of shared costs.`
          : undefined
      }
    >
      <DailyChart
        data={chart.rows}
        dayKey="bucket"
        tooltipFormatter={v => money(Number(v))}
      >
        <CostAxis currency={value.currency} />
        {chart.keys.map((key, i) => (
          <Bar
            key={key}
            dataKey={key}
            stackId="cost"
            fill={PALETTE[i % PALETTE.length]}
            isAnimationActive={false}
          />
        ))}
        {[...props.anomalies]
          .filter(b => chart.rows.some(r => r.bucket === b))
          .map(b => (
            <ReferenceDot
              key={b}
              x={b}
              y={0}
              r={5}
              fill="#d32f2f"
              stroke="none"
            />
          ))}
      </DailyChart>
    </ChartFigure>
  );
}

function ForecastSection(props: { entityRef: string }) {
  const api = useApi(finopsApiRef);
  const { value, loading, error } = useAsync(
    () => api.getEntityForecast(props.entityRef),
    [api, props.entityRef],
  );
  if (loading) return <LoadingSkeleton lines={6} />;
  if (error) return <ErrorState error={error} />;
  if (!value) return null;
  const money = (v: number) => formatCurrency(v, value.currency);
  const rows = [
    ...value.history.slice(-45).map(d => ({ date: d.date, actual: d.cost })),
    ...value.daily.map(d => ({
      date: d.date,
      forecast: d.mean,
      band: [d.lower, d.upper] as [number, number],
    })),
  ];
  const acc = value.accuracy;
  return (
    <ChartFigure
      title="Forecast to month end"
      testId="finops-forecast-chart"
      summary={`${value.month}: ${money(
        value.monthEnd.mean,
      )} forecast (${formatPercent(value.monthEnd.level)} interval ${money(
        value.monthEnd.lower,
      )} – ${money(value.monthEnd.upper)}); ${money(value.actual)} spent in ${
        value.daysElapsed
      } of ${value.daysInMonth} days`}
      description={
        <>
          {acc
            ? `Ensemble of ${
                value.models.length
              } models; backtested sMAPE ${formatNumber(
                acc.smape,
                1,
              )} %, MASE ${formatNumber(
                acc.mase,
                2,
              )}, interval coverage ${formatPercent(acc.coverage)} over ${
                acc.origins
              } origins. `
            : ''}
          {value.budget
            ? `Budget ${money(value.budget.budget)}: ${
                value.budget.status
              }, ${formatPercent(value.budget.projectedShare)} projected. `
            : ''}
          {value.notes.join(' ')}
        </>
      }
    >
      <DailyChart
        data={rows}
        dayKey="date"
        tooltipFormatter={v =>
          Array.isArray(v)
            ? `${money(Number(v[0]))} – ${money(Number(v[1]))}`
            : money(Number(v))
        }
      >
        <CostAxis currency={value.currency} />
        <BandArea name="80 % interval" fill="#1f77b4" fillOpacity={0.2} />
        <TrendLine dataKey="actual" name="Actual" stroke="#333" />
        <TrendLine
          dataKey="forecast"
          name="Forecast"
          stroke="#1f77b4"
          strokeDasharray="5 3"
        />
      </DailyChart>
    </ChartFigure>
  );
}

function AnomaliesSection(props: {
  entityRef: string;
  range: TimeRange;
  onAnomalies: (buckets: string[]) => void;
}) {
  const { entityRef, range } = props;
  const api = useApi(finopsApiRef);
  const clamped = clampRange(range, 366);
  const { value, loading, error } = useAsync(async () => {
    const result = await api.getEntityAnomalies(entityRef, {
      from: clamped.from,
      to: clamped.to,
    });
    props.onAnomalies(result.anomalies.map(a => a.bucket));
    return result;
  }, [api, entityRef, clamped.from, clamped.to]);
  if (loading) return <LoadingSkeleton lines={4} />;
  if (error) return <ErrorState error={error} />;
  if (!value) return null;
  const money = (v: number) => formatCurrency(v, value.currency);
  const rows = value.points.map(p => ({
    bucket: p.bucket,
    actual: p.actual,
    expected: p.expected,
    band:
      p.expected !== undefined && p.upper !== undefined
        ? ([p.expected, p.upper] as [number, number])
        : undefined,
  }));
  return (
    <Flex direction="column" gap="3">
      <ChartFigure
        title="Anomalies"
        testId="finops-anomaly-chart"
        summary={`${value.anomalies.length} cost ${
          value.anomalies.length === 1 ? 'anomaly' : 'anomalies'
        } from ${formatDay(value.from)} to ${formatDay(
          value.to,
        )} (daily, over the forecast band and at least ${money(
          value.dollarFloor,
        )})`}
      >
        <DailyChart data={rows} dayKey="bucket">
          <CostAxis currency={value.currency} />
          <BandArea name="Expected band" fill="#2ca02c" fillOpacity={0.15} />
          <TrendLine dataKey="actual" name="Actual" stroke="#333" />
          {value.anomalies.map(a => (
            <ReferenceDot
              key={a.bucket}
              x={a.bucket}
              y={a.actual}
              r={6}
              fill="#d32f2f"
              stroke="#fff"
            />
          ))}
        </DailyChart>
      </ChartFigure>
      {value.anomalies.length > 0 && (
        <ul
          aria-label="Anomalies explained"
          style={{ margin: 0, paddingLeft: 20 }}
        >
          {value.anomalies.map(a => (
            <li key={a.bucket} data-testid="finops-anomaly">
              <AnomalyText anomaly={a} currency={value.currency} />
            </li>
          ))}
        </ul>
      )}
    </Flex>
  );
}

/**
 * Loads one of the entity's daily views over the chosen range, clamped to
 * the 93 days the API serves (`clamped` says whether it was).
 */
function useDailyEntityData<T>(
  entityRef: string,
  range: TimeRange,
  load: (
    api: FinopsApi,
    entityRef: string,
    window: { from: string; to: string },
  ) => Promise<T>,
) {
  const api = useApi(finopsApiRef);
  const { from, to, clamped } = clampRange(range, 93);
  const state = useAsync(
    () => load(api, entityRef, { from, to }),
    // `load` is a fresh arrow each render; what it reads is in the deps.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, entityRef, from, to],
  );
  return { ...state, clamped };
}

function EfficiencySection(props: { entityRef: string; range: TimeRange }) {
  const { value, loading, error, clamped } = useDailyEntityData(
    props.entityRef,
    props.range,
    (api, entityRef, window) => api.getEntityEfficiency(entityRef, window),
  );
  if (loading) return <LoadingSkeleton lines={6} />;
  if (error) return <ErrorState error={error} />;
  if (!value) return null;
  const money = (v: number) => formatCurrency(v, value.currency, { digits: 2 });
  const rows = value.daily.map(d => ({
    date: d.date,
    gpuHours: d.gpuHours,
    utilization: d.utilization !== undefined ? d.utilization * 100 : undefined,
    score: d.score,
    costPerMillionTokens: d.costPerMillionTokens,
  }));
  const note = clamped ? ' (the last 93 days of the range)' : '';
  return (
    <Grid.Root columns={{ initial: '1', md: '2' }} gap="4">
      <ChartFigure
        title="Usage and efficiency"
        testId="finops-efficiency-chart"
        summary={`${formatNumber(value.gpuHours)} GPU-hours of ${
          value.gpuModel ?? 'GPU'
        }, efficiency score ${formatNumber(
          value.score ?? 0,
        )} / 100, ${formatNumber(
          value.unusedGpuHours,
        )} idle-equivalent GPU-hours${note}`}
      >
        <DailyChart data={rows} dayKey="date">
          <YAxis yAxisId="h" fontSize={11} width={60} />
          <YAxis
            yAxisId="p"
            orientation="right"
            domain={[0, 100]}
            fontSize={11}
            unit="%"
          />
          <Bar
            yAxisId="h"
            dataKey="gpuHours"
            name="GPU-hours"
            fill="#9467bd"
            isAnimationActive={false}
          />
          <TrendLine
            yAxisId="p"
            dataKey="utilization"
            name="Utilisation %"
            stroke="#ff7f0e"
          />
          <TrendLine
            yAxisId="p"
            dataKey="score"
            name="Efficiency score"
            stroke="#2ca02c"
          />
        </DailyChart>
      </ChartFigure>
      <ChartFigure
        title="Unit economics"
        testId="finops-unit-economics-chart"
        summary={`${
          value.costPerMillionTokens !== undefined
            ? `${money(value.costPerMillionTokens)} per 1M tokens`
            : 'No tokens recorded'
        }${
          value.costPerRequest !== undefined
            ? `, ${money(value.costPerRequest)} per request`
            : ''
        } over the range${note}`}
      >
        <DailyChart
          data={rows}
          dayKey="date"
          tooltipFormatter={v => money(Number(v))}
        >
          <YAxis
            fontSize={11}
            width={70}
            tickFormatter={v => money(Number(v))}
          />
          <TrendLine
            dataKey="costPerMillionTokens"
            name="$ per 1M tokens"
            stroke="#1f77b4"
          />
        </DailyChart>
      </ChartFigure>
    </Grid.Root>
  );
}

function CarbonSection(props: { entityRef: string; range: TimeRange }) {
  const { value, loading, error } = useDailyEntityData(
    props.entityRef,
    props.range,
    (api, entityRef, window) => api.getEntityCarbon(entityRef, window),
  );
  if (loading) return <LoadingSkeleton lines={6} />;
  if (error) return <ErrorState error={error} />;
  if (!value) return null;
  return (
    <ChartFigure
      title="Carbon"
      testId="finops-carbon-chart"
      summary={`${formatNumber(value.totalKg, 1)} kgCO2e (${formatNumber(
        value.operationalKg,
        1,
      )} operational, ${formatNumber(
        value.embodiedKg,
        1,
      )} embodied); grid ${formatNumber(
        value.gridIntensity.mean,
      )} gCO2e/kWh in ${value.region ?? 'an unknown region'} (${
        value.gridIntensity.source
      })`}
      description={value.notes.join(' ')}
    >
      <DailyChart data={value.daily} dayKey="date">
        <YAxis yAxisId="kg" fontSize={11} width={60} unit=" kg" />
        <YAxis
          yAxisId="i"
          orientation="right"
          fontSize={11}
          width={70}
          unit=" g/kWh"
        />
        <Bar
          yAxisId="kg"
          dataKey="kg"
          name="kgCO2e"
          fill="#2ca02c"
          isAnimationActive={false}
        />
        <TrendLine
          yAxisId="i"
          dataKey="intensity"
          name="Grid intensity (gCO2e/kWh)"
          stroke="#7f7f7f"
        />
      </DailyChart>
    </ChartFigure>
  );
}

/**
 * The FinOps tab of an entity: cost over time by dimension with a
 * time-range picker, the month-end forecast band, anomalies marked and
 * explained, usage and efficiency, unit economics and carbon with the grid
 * intensity.
 *
 * @public
 */
export function FinopsEntityContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const [range, setRange] = useState<TimeRange>(() => ({
    preset: '30d',
    ...presetRange('30d'),
    granularity: 'daily',
  }));
  const [groupBy, setGroupBy] = useState<CostGroupBy>('category');
  const [anomalies, setAnomalies] = useState<string[]>([]);
  if (!isFinopsAvailable(entity)) {
    return (
      <MissingAnnotationEmptyState
        annotation={KUBERNETES_ID_ANNOTATION}
        readMoreUrl={README_ANNOTATIONS_URL}
      />
    );
  }
  return (
    <Flex direction="column" gap="4" data-testid="finops-entity-content">
      <Section>
        <Flex direction="column" gap="4">
          <RangePicker
            value={range}
            onChange={setRange}
            groupBy={groupBy}
            onGroupBy={setGroupBy}
          />
          <CostOverTime
            entityRef={entityRef}
            range={range}
            groupBy={groupBy}
            anomalies={new Set(anomalies)}
          />
        </Flex>
      </Section>
      <Grid.Root columns={{ initial: '1', md: '2' }} gap="4">
        <Section>
          <ForecastSection entityRef={entityRef} />
        </Section>
        <Section>
          <AnomaliesSection
            entityRef={entityRef}
            range={range}
            onAnomalies={setAnomalies}
          />
        </Section>
      </Grid.Root>
      <Section>
        <EfficiencySection entityRef={entityRef} range={range} />
      </Section>
      <Section>
        <CarbonSection entityRef={entityRef} range={range} />
      </Section>
      {isFinopsDeliveryAvailable(entity) && (
        <Section>
          <FinopsDeliverySection />
        </Section>
      )}
    </Flex>
  );
}
