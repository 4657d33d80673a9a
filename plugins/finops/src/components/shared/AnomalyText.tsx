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

import { Text } from '@backstage/ui';
import type { EntityCostAnomaly } from '@ai-finops/backstage-plugin-finops-common';
import { formatCurrency, formatDay } from '../format';

/**
 * One anomaly in words: the day (and the entity, in a feed of several),
 * the severity and the impact in bold, then the explanation.
 */
export function AnomalyText(props: {
  anomaly: EntityCostAnomaly;
  currency: string;
  entity?: string;
}) {
  const { anomaly, currency, entity } = props;
  const heading = [
    formatDay(anomaly.bucket),
    entity,
    anomaly.severity,
    `+${formatCurrency(anomaly.impact, currency)}`,
  ].filter(Boolean);
  return (
    <>
      <Text as="span" variant="body-small" weight="bold">
        {heading.join(' · ')}
      </Text>{' '}
      <Text as="span" variant="body-small">
        {anomaly.explanation}
      </Text>
    </>
  );
}
