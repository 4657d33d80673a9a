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
 * Props of {@link Sparkline}.
 *
 * @public
 */
export interface SparklineProps {
  /** The series, oldest first. */
  values: number[];
  /**
   * The accessible name: a summary of the series for screen readers, such as
   * its min, max and last value (see {@link summarizeSeries}).
   */
  label: string;
  /** Drawing height in pixels; the width follows the container. */
  height?: number;
  /** Line colour; defaults to the current text colour. */
  color?: string;
  /**
   * Whether the last value covers an incomplete period (today so far); its
   * segment is drawn dashed so a partial day does not read as a drop.
   */
  partialLast?: boolean;
}

/**
 * The smallest, largest and last value of a series.
 *
 * @public
 */
export function summarizeSeries(
  values: number[],
): { min: number; max: number; last: number } | undefined {
  if (values.length === 0) {
    return undefined;
  }
  return {
    min: Math.min(...values),
    max: Math.max(...values),
    last: values[values.length - 1],
  };
}

const VIEW_WIDTH = 300;
const PADDING = 2;

/**
 * Computes the SVG polyline points of a series, scaled into a
 * `width` × `height` box. A flat series is drawn through the middle.
 */
export function sparklinePoints(
  values: number[],
  width: number,
  height: number,
): Array<[number, number]> {
  const summary = summarizeSeries(values);
  if (!summary) {
    return [];
  }
  const range = summary.max - summary.min;
  const innerWidth = width - 2 * PADDING;
  const innerHeight = height - 2 * PADDING;
  return values.map((value, index) => {
    const x =
      values.length === 1
        ? width / 2
        : PADDING + (index * innerWidth) / (values.length - 1);
    const y =
      range === 0
        ? height / 2
        : PADDING + (1 - (value - summary.min) / range) * innerHeight;
    return [Math.round(x * 10) / 10, Math.round(y * 10) / 10];
  });
}

/**
 * A small inline SVG line chart with no axes, for trends inside cards. It is
 * exposed to assistive technology as one image whose name is `label`.
 *
 * @public
 */
export function Sparkline(props: SparklineProps) {
  const {
    values,
    label,
    height = 40,
    color = 'currentColor',
    partialLast = false,
  } = props;
  const points = sparklinePoints(values, VIEW_WIDTH, height);
  if (points.length === 0) {
    return null;
  }
  const line = points.map(([x, y]) => `${x},${y}`).join(' ');
  const dashedTail = partialLast && points.length > 1;
  const solid = dashedTail ? points.slice(0, -1) : points;
  const stroke = {
    fill: 'none',
    stroke: 'currentColor',
    strokeWidth: 1.5,
    strokeLinejoin: 'round' as const,
    strokeLinecap: 'round' as const,
    vectorEffect: 'non-scaling-stroke' as const,
  };
  const area = `M${points[0][0]},${height} L${line.replace(/ /g, ' L')} L${
    points[points.length - 1][0]
  },${height} Z`;
  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`0 0 ${VIEW_WIDTH} ${height}`}
      preserveAspectRatio="none"
      width="100%"
      height={height}
      focusable="false"
      style={{ display: 'block', color }}
    >
      <title>{label}</title>
      <path d={area} fill="currentColor" fillOpacity={0.12} stroke="none" />
      <polyline
        points={solid.map(([x, y]) => `${x},${y}`).join(' ')}
        {...stroke}
      />
      {dashedTail && (
        <polyline
          data-testid="sparkline-partial"
          points={points
            .slice(-2)
            .map(([x, y]) => `${x},${y}`)
            .join(' ')}
          strokeDasharray="3 3"
          {...stroke}
        />
      )}
    </svg>
  );
}
