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
import type { EntityCostAnomaly } from '@ai-finops/backstage-plugin-finops-common';
import { AnomalyText } from './AnomalyText';

const anomaly: EntityCostAnomaly = {
  bucket: '2026-11-03',
  actual: 2468,
  expected: 1234,
  upper: 1500,
  impact: 1234,
  percentOver: 100,
  severity: 'critical',
  explanation: 'GPU-hours doubled.',
  contributors: [],
};

describe('AnomalyText', () => {
  it('heads the explanation with the day, severity and impact', () => {
    render(<AnomalyText anomaly={anomaly} currency="USD" />);
    expect(screen.getByText(/· critical · \+\$1,234$/)).toBeInTheDocument();
    expect(screen.getByText('GPU-hours doubled.')).toBeInTheDocument();
  });

  it('names the entity after the day in a feed', () => {
    render(<AnomalyText anomaly={anomaly} currency="USD" entity="chat-llm" />);
    expect(
      screen.getByText(/· chat-llm · critical · \+\$1,234$/),
    ).toBeInTheDocument();
  });
});
