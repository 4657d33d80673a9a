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

import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { EntityInfoCard, useEntity } from '@backstage/plugin-catalog-react';
import { Alert, Flex, Link, Text } from '@backstage/ui';
import {
  readResponsibleAiMetadata,
  type ResponsibleAiCheck,
  type ResponsibleAiCheckStatus,
  type ResponsibleAiMetadata,
} from '@ai-finops/backstage-plugin-finops-common';
import { finopsTranslationRef } from '../../translation';
import { EmptyState, StatusChip, type StatusTone } from '../shared';

/** Where the docs explain the annotations, the policy and the card. */
export const RESPONSIBLE_AI_DOCS_URL =
  'https://github.com/ai-finops/backstage-ai-finops/blob/main/docs/responsible-ai.md';

/**
 * Props of the responsible-AI card.
 *
 * @public
 */
export interface FinopsResponsibleAiCardProps {
  /** Overrides the card title ("Responsible AI"). */
  title?: string;
  /**
   * Flag evaluations and bias checks older than this many days (1–3650), as
   * the cluster's `GuardrailParams` `responsibleAi.maxAgeDays` refuses them.
   */
  maxAgeDays?: number;
  /** The time dates are compared with; now by default (for tests). */
  now?: Date;
}

const STATUS_TONE: Record<ResponsibleAiCheckStatus, StatusTone> = {
  passed: 'success',
  failed: 'danger',
  pending: 'warning',
};

function CheckRow(props: {
  label: string;
  check: ResponsibleAiCheck;
  testId: string;
}) {
  const { t } = useTranslationRef(finopsTranslationRef);
  const { check } = props;
  return (
    <Flex direction="column" gap="1">
      <Text as="span" variant="body-x-small" color="secondary">
        {props.label}
      </Text>
      <Flex gap="2" align="center">
        <StatusChip
          label={
            check.status
              ? t(`responsibleAiCard.status.${check.status}`)
              : t('responsibleAiCard.status.unknown')
          }
          tone={check.status ? STATUS_TONE[check.status] : 'neutral'}
          testId={`${props.testId}-status`}
        />
        <Text
          as="span"
          variant="body-small"
          data-testid={`${props.testId}-date`}
        >
          {check.date === undefined
            ? t('responsibleAiCard.noDate')
            : t('responsibleAiCard.checkedOn', {
                date: check.date,
                days: String(Math.max(0, check.ageDays ?? 0)),
              })}
        </Text>
      </Flex>
    </Flex>
  );
}

function ResponsibleAiView(props: { metadata: ResponsibleAiMetadata }) {
  const { t } = useTranslationRef(finopsTranslationRef);
  const { metadata } = props;
  return (
    <Flex direction="column" gap="4">
      <Flex direction="column" gap="1">
        <Text as="span" variant="body-x-small" color="secondary">
          {t('responsibleAiCard.modelCard')}
        </Text>
        {metadata.modelCardUrl ? (
          <Link
            href={metadata.modelCardUrl}
            target="_blank"
            rel="noopener noreferrer"
            variant="body-small"
            data-testid="finops-rai-model-card"
          >
            {metadata.modelCardUrl}
          </Link>
        ) : (
          <Text as="span" variant="body-small">
            —
          </Text>
        )}
      </Flex>
      <Flex direction="column" gap="1">
        <Text as="span" variant="body-x-small" color="secondary">
          {t('responsibleAiCard.trainingData')}
        </Text>
        {metadata.trainingData?.isUrl ? (
          <Link
            href={metadata.trainingData.value}
            target="_blank"
            rel="noopener noreferrer"
            variant="body-small"
            data-testid="finops-rai-training-data"
          >
            {metadata.trainingData.value}
          </Link>
        ) : (
          <Text
            as="span"
            variant="body-small"
            data-testid="finops-rai-training-data"
          >
            {metadata.trainingData?.value ?? '—'}
          </Text>
        )}
      </Flex>
      <CheckRow
        label={t('responsibleAiCard.evaluation')}
        check={metadata.evaluation}
        testId="finops-rai-evaluation"
      />
      <CheckRow
        label={t('responsibleAiCard.biasCheck')}
        check={metadata.biasCheck}
        testId="finops-rai-bias-check"
      />
      {metadata.problems.length > 0 && (
        <Alert
          status="warning"
          icon
          title={t('responsibleAiCard.problems', {
            count: metadata.problems.length,
          })}
          description={
            <ul style={{ margin: 0, paddingLeft: '1.2em' }}>
              {metadata.problems.map(p => (
                <li key={`${p.annotation} ${p.kind}`}>{p.message}</li>
              ))}
            </ul>
          }
        />
      )}
    </Flex>
  );
}

/**
 * The responsible-AI card: the model card link, the training-data
 * provenance, the evaluation and bias-check status with their dates, and
 * what is wrong with the annotations (missing, malformed, in the future,
 * failed, pending, older than `maxAgeDays`). Without any of the annotations
 * it says how to add them.
 *
 * @public
 */
export function FinopsResponsibleAiCard(props: FinopsResponsibleAiCardProps) {
  const { t } = useTranslationRef(finopsTranslationRef);
  const { entity } = useEntity();
  const metadata = readResponsibleAiMetadata(entity, {
    now: props.now,
    maxAgeDays: props.maxAgeDays,
  });
  return (
    <EntityInfoCard title={props.title ?? t('responsibleAiCard.title')}>
      {metadata.present ? (
        <ResponsibleAiView metadata={metadata} />
      ) : (
        <Flex direction="column" gap="2">
          <EmptyState
            title={t('responsibleAiCard.none')}
            description={t('responsibleAiCard.howToAdd')}
          />
          <Link
            href={RESPONSIBLE_AI_DOCS_URL}
            target="_blank"
            rel="noopener noreferrer"
            variant="body-small"
          >
            {t('responsibleAiCard.readMore')}
          </Link>
        </Flex>
      )}
    </EntityInfoCard>
  );
}
