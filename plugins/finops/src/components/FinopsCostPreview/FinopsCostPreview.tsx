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

import { useEffect, useMemo, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { Alert, Flex, Text } from '@backstage/ui';
import {
  finopsApiRef,
  type FinopsEstimate,
  type FinopsEstimateRequest,
  type FinopsGuardrailResult,
} from '../../api';
import { formatCurrency } from '../format';
import { EmptyState, errorMessage, LoadingSkeleton, Metric } from '../shared';

/**
 * What the field stores in the form: the last estimate's headline, so
 * later steps (and the template's `steps`) can read it.
 *
 * @public
 */
export interface FinopsCostPreviewValue {
  monthlyCost?: number;
  maxMonthlyCost?: number;
  usdPerMillionTokens?: number;
  guardrailsPassed?: boolean;
}

/**
 * `ui:options` of the field.
 *
 * @public
 */
export interface FinopsCostPreviewUiOptions {
  /** Milliseconds of quiet before the estimate is asked for; default 500. */
  debounceMs?: number;
}

/** Props of the `FinopsCostPreview` scaffolder field. @public */
export type FinopsCostPreviewProps = FieldExtensionComponentProps<
  FinopsCostPreviewValue,
  FinopsCostPreviewUiOptions
>;

type State =
  | { status: 'idle' }
  | { status: 'loading'; previous?: FinopsEstimate }
  | { status: 'done'; estimate: FinopsEstimate }
  | { status: 'error'; error: Error };

/** The form values the estimate reads, without this field's own value. */
function requestOf(
  formData: Record<string, unknown> | undefined,
  ownKey: string | undefined,
): FinopsEstimateRequest | undefined {
  if (!formData) return undefined;
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(formData)) {
    if (key === ownKey || value === undefined || value === null) continue;
    if (typeof value === 'object') continue; // pickers' objects, our own value
    values[key] = value;
  }
  if (typeof values.gpuType !== 'string' || values.gpuType === '') {
    return undefined;
  }
  return values as FinopsEstimateRequest;
}

function objectText(r: FinopsGuardrailResult): string {
  return `${r.object.kind} ${
    r.object.namespace ? `${r.object.namespace}/` : ''
  }${r.object.name}`;
}

/** Groups identical messages of one policy (dev and prod render the same). */
function groupResults(results: FinopsGuardrailResult[]) {
  const groups = new Map<
    string,
    { policy: string; message: string; objects: string[] }
  >();
  for (const r of results) {
    const key = `${r.policy}\u0000${r.message}`;
    const group = groups.get(key) ?? {
      policy: r.policy,
      message: r.message,
      objects: [],
    };
    group.objects.push(objectText(r));
    groups.set(key, group);
  }
  return [...groups.values()];
}

function GuardrailList(props: {
  title: string;
  results: FinopsGuardrailResult[];
  status: 'danger' | 'warning';
}) {
  const groups = groupResults(props.results);
  if (groups.length === 0) return null;
  return (
    <Flex direction="column" gap="2" role="list" aria-label={props.title}>
      {groups.map(g => (
        <div role="listitem" key={`${g.policy}-${g.message}`}>
          <Alert
            status={props.status}
            icon
            title={`${props.status === 'danger' ? 'Denied' : 'Warning'}: ${
              g.policy
            }`}
            description={
              <>
                {g.message}
                <Text as="span" variant="body-x-small" color="secondary">
                  {' '}
                  ({g.objects.join(', ')})
                </Text>
              </>
            }
          />
        </div>
      ))}
    </Flex>
  );
}

/** The estimate and the guardrail results. */
export function FinopsCostPreviewView(props: { estimate: FinopsEstimate }) {
  const { estimate } = props;
  const money = (v: number) => formatCurrency(v, estimate.currency);
  const { budget, guardrails } = estimate;
  const range =
    estimate.maxMonthlyCost > estimate.monthlyCost + 0.005
      ? `Up to ${money(estimate.maxMonthlyCost)} at maximum replicas`
      : 'At the configured replicas';

  let budgetText: string | undefined;
  let budgetColor: 'success' | 'warning' | 'danger' = 'success';
  if (budget) {
    if (!budget.withinBudget) {
      budgetColor = 'danger';
      budgetText = `Over the ${money(
        budget.monthlyBudget,
      )} monthly budget by ${money(
        estimate.monthlyCost - budget.monthlyBudget,
      )}`;
    } else if (!budget.withinBudgetAtMaxReplicas) {
      budgetColor = 'warning';
      budgetText = `Within the ${money(
        budget.monthlyBudget,
      )} monthly budget at minimum replicas; over it at maximum replicas`;
    } else {
      budgetText = `Within the ${money(budget.monthlyBudget)} monthly budget`;
    }
  }

  return (
    <Flex direction="column" gap="3">
      <Flex gap="6" align="start">
        <Metric
          label={`Monthly cost (${estimate.hoursPerMonth} h, dev and prod)`}
          value={money(estimate.monthlyCost)}
          detail={range}
          testId="finops-preview-monthly-cost"
        />
        <Metric
          label="Cost per 1M tokens"
          value={
            estimate.usdPerMillionTokens !== undefined
              ? formatCurrency(
                  estimate.usdPerMillionTokens,
                  estimate.currency,
                  {
                    digits: 2,
                  },
                )
              : '—'
          }
          detail={
            estimate.usdPerMillionTokens === undefined
              ? 'Set the expected tokens per second'
              : 'At the expected tokens per second'
          }
          testId="finops-preview-cost-per-million-tokens"
        />
      </Flex>
      {budgetText ? (
        <Text
          as="p"
          variant="body-medium"
          color={budgetColor}
          data-testid="finops-preview-budget"
        >
          {budgetText}
        </Text>
      ) : (
        <Text as="p" variant="body-small" color="secondary">
          No monthly budget set.
        </Text>
      )}
      {!guardrails.configured && (
        <Text as="p" variant="body-small" color="secondary">
          No guardrail policies are configured (finops.guardrails.policies).
        </Text>
      )}
      {guardrails.configured && guardrails.passed && (
        <Alert
          status="success"
          icon
          title={`Guardrails passed: ${guardrails.checks} checks of ${
            guardrails.policies
          } policies${guardrails.warnings.length ? ', with warnings' : ''}`}
        />
      )}
      <GuardrailList
        title="Denied by the guardrails"
        results={guardrails.denied}
        status="danger"
      />
      <GuardrailList
        title="Guardrail warnings"
        results={guardrails.warnings}
        status="warning"
      />
    </Flex>
  );
}

/**
 * The scaffolder field `FinopsCostPreview`: while the inference-service
 * template form is filled, it sends the form's values to the finops
 * backend's `POST /estimate` (debounced) and shows the monthly cost, $ per
 * 1M tokens, the budget fit and every guardrail that denies or warns, with
 * the policy's message.
 *
 * @public
 */
export function FinopsCostPreview(props: FinopsCostPreviewProps) {
  const api = useApi(finopsApiRef);
  const { formContext, name, onChange, schema, uiSchema } = props;
  const debounceMs = uiSchema?.['ui:options']?.debounceMs ?? 500;
  const request = requestOf(
    (formContext as { formData?: Record<string, unknown> } | undefined)
      ?.formData,
    name,
  );
  const key = request ? JSON.stringify(request) : undefined;
  const [state, setState] = useState<State>({ status: 'idle' });
  const sequence = useRef(0);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const stable = useMemo(
    () => (key ? (JSON.parse(key) as FinopsEstimateRequest) : undefined),
    [key],
  );

  useEffect(() => {
    if (!stable) {
      setState({ status: 'idle' });
      return undefined;
    }
    const id = ++sequence.current;
    setState(s => {
      let previous: FinopsEstimate | undefined;
      if (s.status === 'done') previous = s.estimate;
      else if (s.status === 'loading') previous = s.previous;
      return { status: 'loading', previous };
    });
    const timer = setTimeout(() => {
      api.estimate(stable).then(
        estimate => {
          if (id !== sequence.current) return;
          setState({ status: 'done', estimate });
          onChangeRef.current({
            monthlyCost: estimate.monthlyCost,
            maxMonthlyCost: estimate.maxMonthlyCost,
            ...(estimate.usdPerMillionTokens !== undefined
              ? { usdPerMillionTokens: estimate.usdPerMillionTokens }
              : {}),
            guardrailsPassed: estimate.guardrails.passed,
          });
        },
        error => {
          if (id !== sequence.current) return;
          setState({ status: 'error', error });
        },
      );
    }, debounceMs);
    return () => clearTimeout(timer);
  }, [api, stable, debounceMs]);

  const title = schema?.title ?? 'Cost and guardrails';
  let body;
  if (state.status === 'idle') {
    body = (
      <EmptyState
        title="No estimate yet"
        description="Choose a GPU type to see the monthly cost and the guardrail results."
      />
    );
  } else if (state.status === 'error') {
    body = (
      <Alert
        status="danger"
        icon
        title="The estimate failed"
        description={errorMessage(state.error)}
      />
    );
  } else if (state.status === 'loading' && !state.previous) {
    body = <LoadingSkeleton lines={3} label="Estimating the cost" />;
  } else {
    const estimate = state.status === 'done' ? state.estimate : state.previous!;
    body = (
      <div
        aria-busy={state.status === 'loading'}
        style={{ opacity: state.status === 'loading' ? 0.6 : 1 }}
      >
        <FinopsCostPreviewView estimate={estimate} />
      </div>
    );
  }

  return (
    <section aria-label={title} aria-live="polite">
      <Flex direction="column" gap="2">
        <Text as="h3" variant="title-x-small" weight="bold">
          {title}
        </Text>
        {schema?.description && (
          <Text as="p" variant="body-small" color="secondary">
            {schema.description}
          </Text>
        )}
        {body}
      </Flex>
    </section>
  );
}
