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
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import {
  EntityInfoCard,
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { Alert, Flex, Link, Text } from '@backstage/ui';
import {
  ARGOCD_APP_NAME_ANNOTATION,
  type FinopsCostStep,
  type FinopsDeliveryStatus,
  type FinopsDeployment,
} from '@ai-finops/backstage-plugin-finops-common';
import { finopsTranslationRef } from '../../translation';
import { formatDateTime, getLocale } from '../format';
import {
  EmptyState,
  ErrorState,
  LoadingSkeleton,
  StatusChip,
  type StatusTone,
  useFinopsEntityData,
} from '../shared';
import { isFinopsDeliveryAvailable } from './isFinopsDeliveryAvailable';
import { formatRelativeTime, shortRevision } from './relativeTime';

/**
 * Props of the delivery card.
 *
 * @public
 */
export interface FinopsDeliveryCardProps {
  /** Overrides the card title ("Delivery"). */
  title?: string;
}

/** Where the README explains the delivery annotations. */
const README_DELIVERY_URL =
  'https://github.com/ai-finops/backstage-ai-finops/tree/main/plugins/finops#the-delivery-card';

/** The card lists at most this many; the FinOps tab lists all. */
const CARD_LIMITS = { outOfSync: 5, costSteps: 3 };

const SYNC_TONE: Record<FinopsDeployment['sync'], StatusTone> = {
  Synced: 'success',
  OutOfSync: 'warning',
  Unknown: 'neutral',
};

const HEALTH_TONE: Record<FinopsDeployment['health'], StatusTone> = {
  Healthy: 'success',
  Progressing: 'info',
  Degraded: 'danger',
  Suspended: 'neutral',
  Missing: 'warning',
  Unknown: 'neutral',
};

/** `+18%`, `−5.2%`: the sign always shown. */
function formatChange(percent: number): string {
  return new Intl.NumberFormat(getLocale(), {
    style: 'percent',
    maximumFractionDigits: Math.abs(percent) < 10 ? 1 : 0,
    signDisplay: 'exceptZero',
  }).format(percent / 100);
}

/** A cost step's figure: $ per 1M tokens with cents, daily cost without. */
function formatMetric(value: number, metric: FinopsCostStep['metric']): string {
  const digits = metric === 'costPerMillionTokens' ? 2 : 0;
  return new Intl.NumberFormat(getLocale(), {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
}

/** A time as "3 hours ago · Dec 7, 2026, 5:12 PM UTC". */
function useWhen() {
  const { t } = useTranslationRef(finopsTranslationRef);
  return (iso: string, key: 'deployedAt' | 'driftSince') =>
    t(`deliveryCard.${key}`, {
      relative: formatRelativeTime(iso) ?? iso,
      time: formatDateTime(iso),
    });
}

function SmallText(props: { children: ReactNode; testId?: string }) {
  return (
    <Text
      as="p"
      variant="body-x-small"
      color="secondary"
      data-testid={props.testId}
    >
      {props.children}
    </Text>
  );
}

function Drift(props: { deployment: FinopsDeployment; limit?: number }) {
  const { deployment, limit } = props;
  const { t } = useTranslationRef(finopsTranslationRef);
  const when = useWhen();
  const shown =
    limit === undefined
      ? deployment.outOfSync
      : deployment.outOfSync.slice(0, limit);
  const hidden = deployment.outOfSync.length - shown.length;
  return (
    <Flex direction="column" gap="1" data-testid="finops-deployment-drift">
      <Text as="p" variant="body-small" weight="bold" color="warning">
        {deployment.driftSince
          ? when(deployment.driftSince, 'driftSince')
          : t('deliveryCard.drift')}
      </Text>
      {shown.length > 0 && (
        <ul
          aria-label={t('deliveryCard.outOfSync')}
          style={{ margin: 0, paddingLeft: 20 }}
        >
          {shown.map(r => (
            <li
              key={`${r.group ?? ''}/${r.kind}/${r.namespace ?? ''}/${r.name}`}
            >
              <Text as="span" variant="body-x-small">
                {r.kind} {r.namespace ? `${r.namespace}/` : ''}
                {r.name} · {r.status}
              </Text>
            </li>
          ))}
          {hidden > 0 && (
            <li>
              <Text as="span" variant="body-x-small" color="secondary">
                {t('deliveryCard.more', { count: hidden })}
              </Text>
            </li>
          )}
        </ul>
      )}
    </Flex>
  );
}

function History(props: { deployment: FinopsDeployment }) {
  const { t } = useTranslationRef(finopsTranslationRef);
  const when = useWhen();
  if (props.deployment.history.length === 0) return null;
  return (
    <Flex direction="column" gap="1">
      <Text as="span" variant="body-x-small" color="secondary">
        {t('deliveryCard.history')}
      </Text>
      <ul
        aria-label={t('deliveryCard.history')}
        style={{ margin: 0, paddingLeft: 20 }}
        data-testid="finops-deployment-history"
      >
        {props.deployment.history.map(h => (
          <li key={`${h.revision}@${h.deployedAt}`}>
            <Text as="span" variant="body-x-small">
              <code>{shortRevision(h.revision)}</code>{' '}
              {when(h.deployedAt, 'deployedAt')}
            </Text>
          </li>
        ))}
      </ul>
    </Flex>
  );
}

function Deployment(props: {
  deployment: FinopsDeployment;
  detailed: boolean;
}) {
  const { deployment: d, detailed } = props;
  const { t } = useTranslationRef(finopsTranslationRef);
  const when = useWhen();
  const source = t('deliveryCard.source', {
    tool: t(`deliveryCard.tool.${d.tool}`),
    kind: d.kind,
    instance: d.instance,
  });
  const drifting = d.sync === 'OutOfSync' || d.outOfSync.length > 0;
  return (
    <article
      aria-label={d.name}
      data-testid="finops-deployment"
      style={{
        borderTop: '1px solid var(--bui-border, rgba(127,127,127,0.3))',
        paddingTop: 12,
      }}
    >
      <Flex direction="column" gap="2">
        <Flex justify="between" align="start" gap="3">
          <Flex direction="column" gap="0">
            <Text as="h4" variant="body-medium" weight="bold">
              {d.name}
            </Text>
            <SmallText>{source}</SmallText>
          </Flex>
          {d.url && (
            <Link
              href={d.url}
              target="_blank"
              rel="noopener noreferrer"
              variant="body-small"
            >
              {t('deliveryCard.openInArgocd')}
            </Link>
          )}
        </Flex>
        {d.error ? (
          <Alert
            status="danger"
            icon
            title={t('deliveryCard.readFailed', {
              name: d.name,
              instance: d.instance,
            })}
            description={d.error}
            data-testid="finops-deployment-error"
          />
        ) : (
          <>
            <Flex gap="2" align="center" style={{ flexWrap: 'wrap' }}>
              <StatusChip
                label={t(`deliveryCard.sync.${d.sync}`)}
                title={t('deliveryCard.syncLabel')}
                tone={SYNC_TONE[d.sync]}
                testId="finops-deployment-sync"
              />
              <StatusChip
                label={t(`deliveryCard.health.${d.health}`)}
                title={t('deliveryCard.healthLabel')}
                tone={HEALTH_TONE[d.health]}
                testId="finops-deployment-health"
              />
            </Flex>
            <Flex direction="column" gap="0">
              <Text as="span" variant="body-x-small" color="secondary">
                {t('deliveryCard.revision')}
              </Text>
              {d.revision ? (
                <Text
                  as="span"
                  variant="body-large"
                  weight="bold"
                  data-testid="finops-deployment-revision"
                  title={d.revision}
                >
                  <code>{shortRevision(d.revision)}</code>
                </Text>
              ) : (
                <Text as="span" variant="body-small">
                  {t('deliveryCard.noRevision')}
                </Text>
              )}
              {d.deployedAt && (
                <SmallText testId="finops-deployment-deployed-at">
                  {when(d.deployedAt, 'deployedAt')}
                </SmallText>
              )}
            </Flex>
            {drifting && (
              <Drift
                deployment={d}
                limit={detailed ? undefined : CARD_LIMITS.outOfSync}
              />
            )}
            {d.message && <SmallText>{d.message}</SmallText>}
            {detailed && <History deployment={d} />}
          </>
        )}
      </Flex>
    </article>
  );
}

/** The text of a cost step: "Cost per 1M tokens +18% since abc1234". */
function useCostStepText() {
  const { t } = useTranslationRef(finopsTranslationRef);
  return (step: FinopsCostStep) =>
    t('deliveryCard.costStep', {
      metric: t(`deliveryCard.metric.${step.metric}`),
      change: formatChange(step.changePercent),
      revision: shortRevision(step.revision),
    });
}

function CostSteps(props: { steps: FinopsCostStep[]; limit?: number }) {
  const { t } = useTranslationRef(finopsTranslationRef);
  const text = useCostStepText();
  const steps =
    props.limit === undefined ? props.steps : props.steps.slice(0, props.limit);
  return (
    <Flex direction="column" gap="1">
      <Text as="h4" variant="body-small" weight="bold">
        {t('deliveryCard.costSteps')}
      </Text>
      {steps.length === 0 ? (
        <SmallText>{t('deliveryCard.noCostSteps')}</SmallText>
      ) : (
        <ul
          aria-label={t('deliveryCard.costSteps')}
          style={{ margin: 0, paddingLeft: 20 }}
        >
          {steps.map(step => (
            <li
              key={`${step.revision}/${step.metric}`}
              data-testid="finops-cost-step"
            >
              <Text
                as="p"
                variant="body-small"
                weight="bold"
                color={step.changePercent > 0 ? 'danger' : 'success'}
              >
                {text(step)}
              </Text>
              <SmallText>
                {t('deliveryCard.costStepDetail', {
                  before: formatMetric(step.before, step.metric),
                  after: formatMetric(step.after, step.metric),
                  time: formatDateTime(step.deployedAt),
                })}
              </SmallText>
            </li>
          ))}
        </ul>
      )}
    </Flex>
  );
}

/**
 * The delivery status: one block per deployment and the cost steps. The
 * card keeps to the first out-of-sync resources and cost steps; `detailed`
 * (the FinOps tab) lists them all with each deployment's history.
 */
export function DeliveryStatusView(props: {
  status: FinopsDeliveryStatus;
  detailed?: boolean;
}) {
  const { status, detailed = false } = props;
  const { t } = useTranslationRef(finopsTranslationRef);
  if (status.deployments.length === 0) {
    return (
      <EmptyState
        title={t('deliveryCard.empty.title')}
        description={t('deliveryCard.empty.description')}
      />
    );
  }
  return (
    <Flex direction="column" gap="3" data-testid="finops-delivery">
      {status.deployments.map(d => (
        <Deployment
          key={`${d.tool}/${d.instance}/${d.kind}/${d.name}`}
          deployment={d}
          detailed={detailed}
        />
      ))}
      <CostSteps
        steps={status.costSteps}
        limit={detailed ? undefined : CARD_LIMITS.costSteps}
      />
    </Flex>
  );
}

/** Loads the delivery status of the entity in context and shows it. */
function DeliveryContent(props: { detailed?: boolean }) {
  const { t } = useTranslationRef(finopsTranslationRef);
  const { value, loading, error } = useFinopsEntityData((api, ref) =>
    api.getDeliveryStatus(ref),
  );
  if (loading) return <LoadingSkeleton lines={4} />;
  if (error) {
    return (
      <ErrorState error={error} emptyTitle={t('deliveryCard.empty.title')} />
    );
  }
  return value ? (
    <DeliveryStatusView status={value} detailed={props.detailed} />
  ) : null;
}

/**
 * The delivery section of the FinOps tab: every deployment with its
 * out-of-sync resources and history, and every cost step.
 */
export function FinopsDeliverySection() {
  const { t } = useTranslationRef(finopsTranslationRef);
  return (
    <section
      aria-label={t('deliveryCard.sectionTitle')}
      data-testid="finops-delivery-section"
    >
      <Flex direction="column" gap="3">
        <Text as="h3" variant="title-small" weight="bold">
          {t('deliveryCard.sectionTitle')}
        </Text>
        <DeliveryContent detailed />
      </Flex>
    </section>
  );
}

/**
 * The delivery card: for each Argo CD Application or Flux object of the
 * entity, the revision deployed and when, sync and health, drift since when
 * with the out-of-sync resources and a link to Argo CD; and the cost steps
 * tied to the revisions that caused them ("Cost per 1M tokens +18% since
 * abc1234").
 *
 * @public
 */
export function FinopsDeliveryCard(props: FinopsDeliveryCardProps) {
  const { t } = useTranslationRef(finopsTranslationRef);
  const { entity } = useEntity();
  const title = props.title ?? t('deliveryCard.title');
  return (
    <EntityInfoCard title={title}>
      {isFinopsDeliveryAvailable(entity) ? (
        <DeliveryContent />
      ) : (
        <MissingAnnotationEmptyState
          annotation={ARGOCD_APP_NAME_ANNOTATION}
          readMoreUrl={README_DELIVERY_URL}
        />
      )}
    </EntityInfoCard>
  );
}
