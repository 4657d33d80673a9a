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
import { ResponseError } from '@backstage/errors';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import {
  EntityInfoCard,
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { Alert, Flex, Text } from '@backstage/ui';
import {
  isFinopsAvailable,
  KUBERNETES_ID_ANNOTATION,
} from '@ai-finops/backstage-plugin-finops-common';
import { finopsTranslationRef } from '../../translation';

/** Where the README explains the annotations. */
export const README_ANNOTATIONS_URL =
  'https://github.com/ai-finops/backstage-ai-finops/tree/main/plugins/finops#annotations';

/** The message of an error, the backend's own when it sent one. */
export function errorMessage(error: Error): string {
  return ResponseError.is(error) ? error.cause.message : error.message;
}

/** The HTTP status of an error from the backend, if it is one. */
export function errorStatus(error: Error): number | undefined {
  return ResponseError.is(error) ? error.statusCode : undefined;
}

/** One placeholder bar. */
function Bone(props: { width: string; height: number }) {
  return (
    <div
      data-testid="finops-skeleton"
      style={{
        width: props.width,
        height: props.height,
        borderRadius: 4,
        background: 'var(--bui-bg-neutral-3, rgba(127, 127, 127, 0.18))',
      }}
    />
  );
}

/** Placeholder lines shaped like the content they replace. */
export function LoadingSkeleton(props: {
  lines?: number;
  height?: number;
  label?: string;
}) {
  const lines = props.lines ?? 3;
  return (
    <Flex
      direction="column"
      gap="2"
      role="progressbar"
      aria-label={props.label ?? 'Loading'}
      aria-busy="true"
    >
      <Bone width="40%" height={props.height ?? 28} />
      {Array.from({ length: lines }, (_, i) => (
        <Bone key={i} width={`${90 - i * 15}%`} height={14} />
      ))}
    </Flex>
  );
}

/** An empty state: what is missing and how to add it. */
export function EmptyState(props: { title: string; description: ReactNode }) {
  return (
    <Flex direction="column" gap="1" role="status">
      <Text as="p" variant="body-medium" weight="bold">
        {props.title}
      </Text>
      <Text as="p" variant="body-small" color="secondary">
        {props.description}
      </Text>
    </Flex>
  );
}

/**
 * A failed request: 403 is "permission denied", 404 the empty state with the
 * backend's message (which names the missing annotation), anything else an
 * error with its message.
 */
export function ErrorState(props: { error: Error; emptyTitle?: string }) {
  const { t } = useTranslationRef(finopsTranslationRef);
  const { error } = props;
  const status = errorStatus(error);
  if (status === 404) {
    return (
      <EmptyState
        title={props.emptyTitle ?? t('states.noData')}
        description={errorMessage(error)}
      />
    );
  }
  if (status === 403) {
    return (
      <Alert
        status="warning"
        icon
        title={t('states.forbidden')}
        description={t('states.forbiddenDescription')}
      />
    );
  }
  return (
    <Alert
      status="danger"
      icon
      title={t('states.error')}
      description={errorMessage(error)}
    />
  );
}

/**
 * An entity card that asks for the cost annotations when the entity has
 * none, and renders `children` otherwise.
 */
export function FinopsEntityCard(props: {
  title: string;
  children: ReactNode;
  footer?: ReactNode;
}) {
  const { entity } = useEntity();
  if (!isFinopsAvailable(entity)) {
    return (
      <EntityInfoCard title={props.title}>
        <MissingAnnotationEmptyState
          annotation={KUBERNETES_ID_ANNOTATION}
          readMoreUrl={README_ANNOTATIONS_URL}
        />
      </EntityInfoCard>
    );
  }
  return (
    <EntityInfoCard title={props.title} footerActions={props.footer}>
      {props.children}
    </EntityInfoCard>
  );
}

const METRIC_SIZES = {
  medium: { as: 'span', gap: '0', label: 'body-x-small', value: 'body-medium' },
  large: { as: 'span', gap: '0', label: 'body-x-small', value: 'body-large' },
  headline: { as: 'p', gap: '1', label: 'body-small', value: 'title-large' },
} as const;

/**
 * A labelled figure: small caption above, the value in bold below, an
 * optional detail and `children` under it. `headline` is the figure a card
 * leads with.
 */
export function Metric(props: {
  label: ReactNode;
  value: ReactNode;
  detail?: ReactNode;
  testId?: string;
  size?: keyof typeof METRIC_SIZES;
  children?: ReactNode;
}) {
  const size = METRIC_SIZES[props.size ?? 'large'];
  return (
    <Flex direction="column" gap={size.gap}>
      <Text as={size.as} variant={size.label} color="secondary">
        {props.label}
      </Text>
      <Text
        as={size.as}
        variant={size.value}
        weight="bold"
        data-testid={props.testId}
      >
        {props.value}
      </Text>
      {props.detail && (
        <Text as="span" variant="body-x-small" color="secondary">
          {props.detail}
        </Text>
      )}
      {props.children}
    </Flex>
  );
}
