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
import { Sparkline, sparklinePoints, summarizeSeries } from './Sparkline';

describe('Sparkline', () => {
  it('renders an image named by its label', () => {
    const { container } = render(
      <Sparkline values={[1, 3, 2]} label="Daily cost: min 1, max 3, last 2" />,
    );
    const image = screen.getByRole('img', {
      name: 'Daily cost: min 1, max 3, last 2',
    });
    expect(image.tagName.toLowerCase()).toBe('svg');
    expect(container.querySelector('polyline')).toHaveAttribute(
      'points',
      '2,38 150,2 298,20',
    );
  });

  it('dashes the last segment when the last value is partial', () => {
    const { container } = render(
      <Sparkline values={[1, 3, 2]} label="partial" partialLast />,
    );
    const [solid, partial] = container.querySelectorAll('polyline');
    expect(solid).toHaveAttribute('points', '2,38 150,2');
    expect(partial).toHaveAttribute('points', '150,2 298,20');
    expect(partial).toHaveAttribute('stroke-dasharray', '3 3');
  });

  it('renders nothing without values', () => {
    const { container } = render(<Sparkline values={[]} label="empty" />);
    expect(container).toBeEmptyDOMElement();
  });

  it('scales points, drawing flat and single-point series in the middle', () => {
    expect(sparklinePoints([0, 10], 100, 20)).toEqual([
      [2, 18],
      [98, 2],
    ]);
    expect(sparklinePoints([5, 5, 5], 100, 20).map(([, y]) => y)).toEqual([
      10, 10, 10,
    ]);
    expect(sparklinePoints([7], 100, 20)).toEqual([[50, 10]]);
  });

  it('summarizes a series', () => {
    expect(summarizeSeries([4, 1, 9, 3])).toEqual({ min: 1, max: 9, last: 3 });
    expect(summarizeSeries([])).toBeUndefined();
  });
});
