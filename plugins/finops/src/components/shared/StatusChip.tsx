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

import { Badge } from '@backstage/ui';

/** What a status means, which sets the colour of its chip's dot. */
export type StatusTone = 'success' | 'warning' | 'danger' | 'info' | 'neutral';

// The dot is filled with the intent's solid colour (`*-bg`); BUI's `*-fg`
// intent tokens are the text colour on that fill (black or white).
const TONE_COLOR: Record<StatusTone, string> = {
  success: 'var(--bui-positive-bg, #2e7d32)',
  warning: 'var(--bui-warning-bg, #e65100)',
  danger: 'var(--bui-negative-bg, #c62828)',
  info: 'var(--bui-accent-bg, #0277bd)',
  neutral: 'var(--bui-fg-secondary, #757575)',
};

/** A status chip: a coloured dot and the status in words. */
export function StatusChip(props: {
  label: string;
  tone: StatusTone;
  title?: string;
  testId: string;
}) {
  return (
    <Badge
      size="small"
      title={props.title}
      data-testid={props.testId}
      icon={
        <span
          aria-hidden="true"
          style={{
            display: 'inline-block',
            width: 8,
            height: 8,
            borderRadius: '50%',
            background: TONE_COLOR[props.tone],
          }}
        />
      }
    >
      {props.label}
    </Badge>
  );
}
