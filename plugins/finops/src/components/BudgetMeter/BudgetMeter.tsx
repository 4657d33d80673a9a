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

/**
 * Props of {@link BudgetMeter}.
 *
 * @public
 */
export interface BudgetMeterProps {
  /** Spend so far. */
  spent: number;
  /** The budget; must be positive. */
  budget: number;
  /** The accessible name, e.g. "Monthly budget used". */
  label: string;
  /** The accessible value, e.g. "49% of the $25,000 monthly budget". */
  valueText: string;
}

/**
 * A horizontal bar showing how much of a budget is spent. Above 100% the bar
 * is full and turns the warning colour.
 *
 * @public
 */
export function BudgetMeter(props: BudgetMeterProps) {
  const { spent, budget, label, valueText } = props;
  const percent = budget > 0 ? (spent / budget) * 100 : 0;
  const overBudget = percent > 100;
  const filled = Math.max(0, Math.min(100, percent));
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(filled)}
      aria-valuetext={valueText}
      data-over-budget={overBudget ? 'true' : 'false'}
      style={{
        height: 8,
        width: '100%',
        borderRadius: 4,
        overflow: 'hidden',
        background: 'var(--bui-bg-neutral-3, rgba(127, 127, 127, 0.2))',
      }}
    >
      <div
        style={{
          height: '100%',
          width: `${filled}%`,
          borderRadius: 4,
          background: overBudget
            ? 'var(--bui-fg-warning, #e65100)'
            : 'var(--bui-accent-bg, #1f5493)',
        }}
      />
    </div>
  );
}
