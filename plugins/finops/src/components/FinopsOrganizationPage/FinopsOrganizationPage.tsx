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

import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { useApi } from '@backstage/core-plugin-api';
import {
  Card,
  CardBody,
  CardHeader,
  Cell,
  CellText,
  Container,
  Flex,
  Grid,
  Link,
  Table,
  Text,
  type ColumnConfig,
} from '@backstage/ui';
import type {
  CostAllocationReport,
  EntityCostAnomaly,
  EntityCostForecast,
} from '@ai-finops/backstage-plugin-finops-common';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  finopsApiRef,
  type FinopsApi,
  type FinopsEntitySavings,
} from '../../api';
import { ChartFigure, PALETTE } from '../charts';
import { formatCurrency, formatDay, formatPercent } from '../format';
import { AnomalyText, ErrorState, LoadingSkeleton } from '../shared';

const DAY_MS = 86_400_000;
const FEED_ENTITIES = 8;
const TOP_SAVINGS = 5;

type PagePreset = 'mtd' | '30d' | 'previous';

function dayOf(ms: number) {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The range of a preset and the range of the same length before it. */
export function orgRanges(preset: PagePreset, now = new Date()) {
  const today = Date.UTC(
    now.getUTCFullYear(),
    now.getUTCMonth(),
    now.getUTCDate(),
  );
  let from: number;
  let to: number;
  if (preset === 'mtd') {
    from = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    to = today;
  } else if (preset === '30d') {
    from = today - 29 * DAY_MS;
    to = today;
  } else {
    from = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1);
    to = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) - DAY_MS;
  }
  const days = (to - from) / DAY_MS + 1;
  return {
    current: { from: dayOf(from), to: dayOf(to) },
    previous: {
      from: dayOf(from - days * DAY_MS),
      to: dayOf(from - DAY_MS),
    },
  };
}

/** `component:default/chat-llm` → `chat-llm`. */
function shortRef(ref: string) {
  return ref.replace(/^[^:]+:(default\/)?/, '');
}

function RollupChart(props: {
  title: string;
  rows: Array<{ entityRef: string; total: { effectiveCost: number } }>;
  currency: string;
  testId: string;
}) {
  const money = (v: number) => formatCurrency(v, props.currency);
  const data = props.rows.map(r => ({
    name: shortRef(r.entityRef),
    cost: r.total.effectiveCost,
  }));
  const top = data[0];
  return (
    <ChartFigure
      title={props.title}
      testId={props.testId}
      height={Math.max(120, data.length * 32 + 40)}
      summary={`${data.length} ${props.title.toLowerCase()}${
        top ? `; largest ${top.name} at ${money(top.cost)}` : ''
      }`}
    >
      <BarChart data={data} layout="vertical" margin={{ left: 40 }}>
        <CartesianGrid strokeDasharray="3 3" horizontal={false} />
        <XAxis
          type="number"
          fontSize={11}
          tickFormatter={v => money(Number(v))}
        />
        <YAxis type="category" dataKey="name" fontSize={11} width={140} />
        <Tooltip formatter={v => money(Number(v))} />
        <Bar
          dataKey="cost"
          name="Effective cost"
          fill={PALETTE[0]}
          isAnimationActive={false}
        />
      </BarChart>
    </ChartFigure>
  );
}

type MoverRow = {
  id: string;
  entityRef: string;
  current: number;
  previous: number;
  delta: number;
};

function TopMovers(props: {
  current: CostAllocationReport;
  previous: CostAllocationReport;
}) {
  const { current, previous } = props;
  const money = (v: number) => formatCurrency(v, current.currency);
  const before = new Map(
    previous.entities.map(e => [e.entityRef, e.total.effectiveCost]),
  );
  const refs = new Set([
    ...current.entities.map(e => e.entityRef),
    ...previous.entities.map(e => e.entityRef),
  ]);
  const now = new Map(
    current.entities.map(e => [e.entityRef, e.total.effectiveCost]),
  );
  const rows: MoverRow[] = [...refs]
    .map(ref => {
      const c = now.get(ref) ?? 0;
      const p = before.get(ref) ?? 0;
      return { id: ref, entityRef: ref, current: c, previous: p, delta: c - p };
    })
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta))
    .slice(0, 5);
  const columns: ColumnConfig<MoverRow>[] = [
    entityColumn(),
    {
      id: 'current',
      label: 'This period',
      cell: r => <CellText title={money(r.current)} />,
    },
    {
      id: 'previous',
      label: 'Period before',
      cell: r => <CellText title={money(r.previous)} />,
    },
    {
      id: 'delta',
      label: 'Change',
      cell: r => (
        <CellText
          title={`${r.delta >= 0 ? '+' : '−'}${money(Math.abs(r.delta))}`}
          description={
            r.previous > 0
              ? formatPercent(r.delta / r.previous, {
                  maximumFractionDigits: 1,
                })
              : 'new'
          }
        />
      ),
    },
  ];
  return (
    <Table columnConfig={columns} data={rows} pagination={{ type: 'none' }} />
  );
}

/** The first column of the tables here: the entity, by its short ref. */
function entityColumn<
  T extends { id: string; entityRef: string },
>(): ColumnConfig<T> {
  return {
    id: 'entity',
    label: 'Entity',
    isRowHeader: true,
    cell: r => <CellText title={shortRef(r.entityRef)} />,
  };
}

/**
 * Loads one view of each of the report's largest entities; the entities
 * whose request fails are left out.
 */
function useTopEntities<T>(
  report: CostAllocationReport,
  load: (api: FinopsApi, entityRef: string) => Promise<T>,
) {
  const api = useApi(finopsApiRef);
  const refs = report.entities.slice(0, FEED_ENTITIES).map(e => e.entityRef);
  return useAsync(async () => {
    const results = await Promise.allSettled(refs.map(ref => load(api, ref)));
    return results.flatMap((r, i) =>
      r.status === 'fulfilled' ? [{ entityRef: refs[i], value: r.value }] : [],
    );
    // `load` is a fresh arrow each render; what it reads is in the deps.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, refs.join(',')]);
}

type FeedRow = EntityCostAnomaly & { id: string; entityRef: string };

function AnomalyFeed(props: { report: CostAllocationReport }) {
  const { value, loading, error } = useTopEntities(props.report, (api, ref) =>
    api.getEntityAnomalies(ref),
  );
  if (loading) return <LoadingSkeleton lines={4} />;
  if (error) return <ErrorState error={error} />;
  const rows: FeedRow[] = (value ?? [])
    .flatMap(({ entityRef, value: result }) =>
      result.anomalies.map(a => ({
        ...a,
        entityRef,
        id: `${entityRef}@${a.bucket}`,
      })),
    )
    .sort((a, b) => (a.bucket < b.bucket ? 1 : -1))
    .slice(0, 10);
  if (!rows.length) {
    return (
      <Text as="p" variant="body-small" data-testid="finops-anomaly-feed">
        No cost anomalies in the last 90 days.
      </Text>
    );
  }
  return (
    <ul
      style={{ margin: 0, paddingLeft: 20 }}
      data-testid="finops-anomaly-feed"
    >
      {rows.map(a => (
        <li key={a.id}>
          <AnomalyText
            anomaly={a}
            currency={props.report.currency}
            entity={shortRef(a.entityRef)}
          />
        </li>
      ))}
    </ul>
  );
}

type BudgetRow = EntityCostForecast & { id: string };

function Budgets(props: { report: CostAllocationReport }) {
  const { value, loading, error } = useTopEntities(props.report, (api, ref) =>
    api.getEntityForecast(ref),
  );
  if (loading) return <LoadingSkeleton lines={4} />;
  if (error) return <ErrorState error={error} />;
  const rows: BudgetRow[] = (value ?? [])
    .filter(({ value: forecast }) => !!forecast.budget)
    .map(({ value: forecast }) => ({ ...forecast, id: forecast.entityRef }))
    .sort((a, b) => b.budget!.projectedShare - a.budget!.projectedShare);
  if (!rows.length) {
    return (
      <Text as="p" variant="body-small">
        No budgets: set the ai-finops.io/monthly-budget annotation on an entity
        to track it here.
      </Text>
    );
  }
  const columns: ColumnConfig<BudgetRow>[] = [
    entityColumn(),
    {
      id: 'budget',
      label: 'Budget',
      cell: r => (
        <CellText title={formatCurrency(r.budget!.budget, r.currency)} />
      ),
    },
    {
      id: 'forecast',
      label: 'Forecast month end',
      cell: r => (
        <CellText
          title={formatCurrency(r.monthEnd.mean, r.currency)}
          description={`${formatPercent(r.budget!.projectedShare)} of budget`}
        />
      ),
    },
    {
      id: 'status',
      label: 'Status',
      cell: r => <CellText title={r.budget!.status} />,
    },
  ];
  return (
    <div data-testid="finops-budgets">
      <Table columnConfig={columns} data={rows} pagination={{ type: 'none' }} />
    </div>
  );
}

type UnallocatedRow =
  CostAllocationReport['unallocated']['topGroups'][number] & {
    id: string;
  };

function Unallocated(props: { report: CostAllocationReport }) {
  const { report } = props;
  const money = (v: number) => formatCurrency(v, report.currency);
  const rows: UnallocatedRow[] = report.unallocated.topGroups.map((g, i) => ({
    ...g,
    id: `${i}`,
  }));
  const columns: ColumnConfig<UnallocatedRow>[] = [
    {
      id: 'what',
      label: 'Costs',
      isRowHeader: true,
      cell: r => (
        <CellText
          title={
            r.workload ?? r.kubernetesId ?? r.namespace ?? r.region ?? '(none)'
          }
          description={Object.entries({ ...r.labels, ...r.tags })
            .slice(0, 3)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')}
        />
      ),
    },
    {
      id: 'cost',
      label: 'Effective cost',
      cell: r => <CellText title={money(r.effectiveCost)} />,
    },
    {
      id: 'hint',
      label: 'How to map it',
      cell: r => (
        <Cell>
          <Text as="span" variant="body-small">
            {r.hint}
          </Text>
        </Cell>
      ),
    },
  ];
  return (
    <Flex direction="column" gap="2">
      <Text as="p" variant="body-medium" data-testid="finops-unallocated">
        {money(report.unallocated.effectiveCost)} unallocated (
        {formatPercent(report.unallocated.share, { maximumFractionDigits: 1 })}{' '}
        of {money(report.total.effectiveCost)})
      </Text>
      {rows.length > 0 && (
        <Table
          columnConfig={columns}
          data={rows}
          pagination={{ type: 'none' }}
        />
      )}
    </Flex>
  );
}

/** The catalog page of an entity. */
function entityHref(ref: string) {
  const { kind, namespace, name } = parseEntityRef(ref);
  return `/catalog/${encodeURIComponent(namespace)}/${encodeURIComponent(
    kind.toLocaleLowerCase('en-US'),
  )}/${encodeURIComponent(name)}`;
}

type SavingsRow = FinopsEntitySavings & { id: string };

/**
 * Savings found (open recommendations) and realised (merged pull requests)
 * per month, with the entities that have the most to save.
 */
function Savings() {
  const api = useApi(finopsApiRef);
  const { value, loading, error } = useAsync(() => api.getSavings(), [api]);
  if (loading) return <LoadingSkeleton lines={4} />;
  if (error) return <ErrorState error={error} />;
  if (!value) return null;
  const money = (v: number) => formatCurrency(v, value.currency);
  const plural = (n: number, one: string, many = `${one}s`) =>
    `${n} ${n === 1 ? one : many}`;
  const rows: SavingsRow[] = value.entities
    .filter(e => e.found.monthlySavings > 0)
    .slice(0, TOP_SAVINGS)
    .map(e => ({ ...e, id: e.entityRef }));
  const columns: ColumnConfig<SavingsRow>[] = [
    {
      id: 'entity',
      label: 'Entity',
      isRowHeader: true,
      cell: r => (
        <Cell>
          <Link href={entityHref(r.entityRef)} variant="body-small">
            {r.title ?? shortRef(r.entityRef)}
          </Link>
        </Cell>
      ),
    },
    {
      id: 'found',
      label: 'Found per month',
      cell: r => (
        <CellText
          title={money(r.found.monthlySavings)}
          description={plural(r.found.count, 'recommendation')}
        />
      ),
    },
    {
      id: 'realised',
      label: 'Realised per month',
      cell: r => <CellText title={money(r.realised.monthlySavings)} />,
    },
  ];
  return (
    <Flex direction="column" gap="2" data-testid="finops-savings">
      <Text as="p" variant="body-medium" data-testid="finops-savings-found">
        <strong>{money(value.found.monthlySavings)}</strong> per month found in{' '}
        {plural(value.found.count, 'open recommendation')} on{' '}
        {plural(value.found.entities, 'entity', 'entities')}
      </Text>
      <Text as="p" variant="body-medium" data-testid="finops-savings-realised">
        <strong>{money(value.realised.monthlySavings)}</strong> per month
        realised through {plural(value.realised.count, 'merged pull request')}
        {value.realisedItems[0]
          ? `, latest ${formatDay(
              value.realisedItems[0].mergedAt.slice(0, 10),
            )}`
          : ''}
      </Text>
      {rows.length > 0 ? (
        <Table
          columnConfig={columns}
          data={rows}
          pagination={{ type: 'none' }}
        />
      ) : (
        <Text as="p" variant="body-small">
          No open recommendations: the entities with cost allocation annotations
          have nothing to save right now.
        </Text>
      )}
      {value.warnings.length > 0 && (
        <Text as="p" variant="body-small" data-testid="finops-savings-warnings">
          Not counted: {value.warnings.join('; ')}
        </Text>
      )}
    </Flex>
  );
}

function Panel(props: { title: string; children: React.ReactNode }) {
  return (
    <Card>
      <CardHeader>
        <Text as="h2" variant="title-small" weight="bold">
          {props.title}
        </Text>
      </CardHeader>
      <CardBody>{props.children}</CardBody>
    </Card>
  );
}

/**
 * The organisation page: spend by group and system, top movers, the
 * anomaly feed, budgets, savings found and realised, and the unallocated
 * cost with how to map it.
 *
 * @public
 */
export function FinopsOrganizationPage() {
  const api = useApi(finopsApiRef);
  const [preset, setPreset] = useState<PagePreset>('mtd');
  const ranges = orgRanges(preset);
  const { value, loading, error } = useAsync(async () => {
    const [current, previous] = await Promise.all([
      api.getCostAllocation(ranges.current),
      api.getCostAllocation(ranges.previous),
    ]);
    return { current, previous };
  }, [api, ranges.current.from, ranges.current.to]);
  let body: React.ReactNode;
  if (loading) {
    body = <LoadingSkeleton lines={8} />;
  } else if (error) {
    body = <ErrorState error={error} />;
  } else if (value) {
    const { current, previous } = value;
    const money = (v: number) => formatCurrency(v, current.currency);
    body = (
      <Flex direction="column" gap="4">
        <Text as="p" variant="title-medium" data-testid="finops-org-total">
          {money(current.total.effectiveCost)} from {formatDay(current.from)} to{' '}
          {formatDay(current.to)}
        </Text>
        <Grid.Root columns={{ initial: '1', md: '2' }} gap="4">
          <Panel title="By group">
            <RollupChart
              title="Owner groups"
              rows={current.owners}
              currency={current.currency}
              testId="finops-org-groups"
            />
          </Panel>
          <Panel title="By system">
            <RollupChart
              title="Systems"
              rows={current.systems}
              currency={current.currency}
              testId="finops-org-systems"
            />
          </Panel>
          <Panel title="Top movers">
            <TopMovers current={current} previous={previous} />
          </Panel>
          <Panel title="Budgets">
            <Budgets report={current} />
          </Panel>
          <Panel title="Anomaly feed">
            <AnomalyFeed report={current} />
          </Panel>
          <Panel title="Savings">
            <Savings />
          </Panel>
          <Panel title="Unallocated cost">
            <Unallocated report={current} />
          </Panel>
        </Grid.Root>
      </Flex>
    );
  }
  return (
    <>
      <Container>
        <Flex direction="column" gap="4" py="4">
          <label>
            <Text as="span" variant="body-small">
              Period{' '}
            </Text>
            <select
              aria-label="Period"
              value={preset}
              onChange={e => setPreset(e.target.value as PagePreset)}
            >
              <option value="mtd">Month to date</option>
              <option value="30d">Last 30 days</option>
              <option value="previous">Previous month</option>
            </select>
          </label>
          {body}
        </Flex>
      </Container>
    </>
  );
}
