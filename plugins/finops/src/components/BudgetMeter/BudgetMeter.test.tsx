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

import { render, screen } from '@testing-library/react';
import { BudgetMeter } from './BudgetMeter';

describe('BudgetMeter', () => {
  it('shows the share of the budget spent', () => {
    render(
      <BudgetMeter
        spent={12345}
        budget={25000}
        label="Budget used"
        valueText="49% of the $25,000 monthly budget"
      />,
    );
    const meter = screen.getByRole('progressbar', { name: 'Budget used' });
    expect(meter).toHaveAttribute('aria-valuenow', '49');
    expect(meter).toHaveAttribute(
      'aria-valuetext',
      '49% of the $25,000 monthly budget',
    );
    expect(meter).toHaveAttribute('data-over-budget', 'false');
    expect(meter.firstElementChild).toHaveStyle({ width: '49.38%' });
  });

  it('caps the bar and switches to the warning colour above 100%', () => {
    render(
      <BudgetMeter
        spent={30000}
        budget={25000}
        label="Budget used"
        valueText="120%"
      />,
    );
    const meter = screen.getByRole('progressbar', { name: 'Budget used' });
    expect(meter).toHaveAttribute('aria-valuenow', '100');
    expect(meter).toHaveAttribute('data-over-budget', 'true');
    expect(meter.firstElementChild).toHaveStyle({ width: '100%' });
  });
});
