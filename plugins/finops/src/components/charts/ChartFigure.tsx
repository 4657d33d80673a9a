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
import { ResponsiveContainer } from 'recharts';
import { Flex, Text } from '@backstage/ui';

/** Series colours that read on light and dark themes. */
export const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#17becf',
];

/**
 * A chart with a heading, a description and an accessible name: the chart
 * itself is hidden from assistive technology, which reads `summary`.
 */
export function ChartFigure(props: {
  title: string;
  summary: string;
  description?: ReactNode;
  height?: number;
  testId?: string;
  children: ReactNode;
}) {
  const height = props.height ?? 260;
  return (
    <figure
      aria-label={props.summary}
      data-testid={props.testId}
      data-summary={props.summary}
      style={{ margin: 0 }}
    >
      <Flex direction="column" gap="1">
        <Text as="h3" variant="title-x-small" weight="bold">
          {props.title}
        </Text>
        <figcaption>
          <Text as="span" variant="body-small" color="secondary">
            {props.summary}
          </Text>
        </figcaption>
        <div aria-hidden="true" style={{ width: '100%', height }}>
          <ResponsiveContainer
            width="100%"
            height={height}
            initialDimension={{ width: 800, height }}
          >
            {props.children as any}
          </ResponsiveContainer>
        </div>
        {props.description && (
          <Text as="div" variant="body-x-small" color="secondary">
            {props.description}
          </Text>
        )}
      </Flex>
    </figure>
  );
}
