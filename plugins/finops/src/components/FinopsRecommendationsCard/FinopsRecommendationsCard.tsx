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

import { useState, type ReactNode } from 'react';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { Alert, Button, Flex, Text } from '@backstage/ui';
import type {
  EntityRecommendation,
  EntityRecommendations,
} from '@ai-finops/backstage-plugin-finops-common';
import { finopsTranslationRef } from '../../translation';
import {
  formatCurrency,
  formatDateTime,
  formatNumber,
  formatPercent,
} from '../format';
import {
  EmptyState,
  ErrorState,
  FinopsEntityCard,
  LoadingSkeleton,
  errorMessage,
  useFinopsEntity,
  useFinopsEntityData,
} from '../shared';

/**
 * Props of the recommendations card.
 *
 * @public
 */
export interface FinopsRecommendationsCardProps {
  /** Overrides the card title ("Recommendations"). */
  title?: string;
  /** Most recommendations listed (default 5). */
  limit?: number;
}

const RISK_COLOR = {
  low: 'var(--bui-fg-success, #2e7d32)',
  medium: 'var(--bui-fg-warning, #e65100)',
  high: 'var(--bui-fg-danger, #c62828)',
} as const;

const inputStyle = {
  font: 'inherit',
  padding: '6px 8px',
  borderRadius: 4,
  border: '1px solid var(--bui-border, #ccc)',
  background: 'var(--bui-bg-surface-1, transparent)',
  color: 'inherit',
  width: '100%',
} as const;

function formatChangeValue(value: unknown): string {
  if (value === undefined) return '∅';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function RecommendationItem(props: {
  item: EntityRecommendation;
  currency: string;
  onChanged: () => void;
}) {
  const { item, currency, onChanged } = props;
  const { t } = useTranslationRef(finopsTranslationRef);
  const { api, entityRef: ref } = useFinopsEntity();
  const [dismissing, setDismissing] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<
    { status: 'danger' | 'success'; title: string; text: ReactNode } | undefined
  >();
  const open = item.state.status === 'open';
  // A pull request open or merged stands for the change; a closed one was
  // turned down, so another can be opened.
  const pr = item.pullRequest;
  const canOpenPr = !pr || pr.state === 'closed';

  async function act(
    action: () => Promise<unknown>,
    failure: string,
    refresh = true,
  ) {
    setBusy(true);
    setMessage(undefined);
    try {
      await action();
      if (refresh) onChanged();
    } catch (e) {
      setMessage({
        status: 'danger',
        title: failure,
        text: errorMessage(e as Error),
      });
    } finally {
      setBusy(false);
    }
  }

  const headingId = `finops-rec-${item.id.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  return (
    <article
      aria-labelledby={headingId}
      data-testid="finops-recommendation"
      style={{
        borderTop: '1px solid var(--bui-border, rgba(127,127,127,0.3))',
        paddingTop: 12,
      }}
    >
      <Flex direction="column" gap="2">
        <Flex justify="between" align="start" gap="3">
          <Text as="h4" id={headingId} variant="body-medium" weight="bold">
            {item.title}
          </Text>
          <Text
            as="span"
            variant="body-medium"
            weight="bold"
            color="success"
            data-testid="finops-recommendation-saving"
            style={{ whiteSpace: 'nowrap' }}
          >
            {t('recommendationsCard.saving', {
              amount: formatCurrency(item.monthlySavings, currency),
            })}
          </Text>
        </Flex>
        <Text as="p" variant="body-x-small" color="secondary">
          <span style={{ color: RISK_COLOR[item.risk], fontWeight: 600 }}>
            {t('recommendationsCard.risk', { risk: item.risk })}
          </span>
          {item.riskReason ? ` — ${item.riskReason}` : ''} ·{' '}
          {t('recommendationsCard.confidence', {
            percent: formatPercent(item.confidence),
          })}
          {item.monthlyCarbonSavingKg
            ? ` · ${t('recommendationsCard.carbonSaving', {
                kg: formatNumber(item.monthlyCarbonSavingKg),
              })}`
            : ''}
        </Text>
        <details>
          <summary>
            <Text as="span" variant="body-small">
              {t('recommendationsCard.evidence')}
            </Text>
          </summary>
          <Text as="p" variant="body-small" style={{ whiteSpace: 'pre-wrap' }}>
            {item.description}
          </Text>
          <ul style={{ margin: '4px 0', paddingLeft: 20 }}>
            {item.evidence.map(line => (
              <li key={line}>
                <Text as="span" variant="body-small">
                  {line}
                </Text>
              </li>
            ))}
          </ul>
          {item.changes.length > 0 && (
            <>
              <Text as="p" variant="body-x-small" color="secondary">
                {t('recommendationsCard.changes')}
              </Text>
              <ul style={{ margin: '4px 0', paddingLeft: 20 }}>
                {item.changes.map(c => (
                  <li key={`${c.kind}/${c.name}${c.path}`}>
                    <code style={{ fontSize: 12 }}>
                      {c.kind}/{c.name} {c.path}:{' '}
                      {formatChangeValue(c.oldValue)} →{' '}
                      {formatChangeValue(c.newValue)}
                    </code>
                  </li>
                ))}
              </ul>
            </>
          )}
        </details>
        {item.state.status === 'dismissed' && (
          <Text as="p" variant="body-x-small" color="secondary">
            {t('recommendationsCard.dismissedBecause', {
              reason: item.state.reason,
            })}
          </Text>
        )}
        {item.state.status === 'snoozed' && (
          <Text as="p" variant="body-x-small" color="secondary">
            {t('recommendationsCard.snoozedUntil', {
              date: formatDateTime(item.state.until),
            })}
          </Text>
        )}
        {pr && (
          <Text
            as="p"
            variant="body-x-small"
            data-testid="finops-recommendation-pull-request"
          >
            <a href={pr.url} target="_blank" rel="noreferrer">
              {t('recommendationsCard.prLink', {
                number: String(pr.number),
                state: t(`recommendationsCard.prState.${pr.state}`),
              })}
            </a>{' '}
            <Text as="span" variant="body-x-small" color="secondary">
              {t('recommendationsCard.prUpdated', {
                date: formatDateTime(pr.updatedAt),
              })}
            </Text>
          </Text>
        )}
        {message && (
          <Alert
            status={message.status}
            icon
            title={message.title}
            description={message.text}
          />
        )}
        {dismissing ? (
          <form
            onSubmit={e => {
              e.preventDefault();
              if (!reason.trim()) return;
              act(
                () => api.dismissRecommendation(ref, item.id, reason.trim()),
                t('states.error'),
              );
            }}
          >
            <Flex direction="column" gap="2">
              <label>
                <Text as="span" variant="body-small">
                  {t('recommendationsCard.dismissReason')}
                </Text>
                <input
                  style={inputStyle}
                  value={reason}
                  onChange={e => setReason(e.target.value)}
                  required
                  maxLength={1000}
                />
              </label>
              <Flex gap="2">
                <Button
                  type="submit"
                  variant="primary"
                  size="small"
                  isDisabled={busy || !reason.trim()}
                >
                  {t('recommendationsCard.confirmDismiss')}
                </Button>
                <Button
                  variant="tertiary"
                  size="small"
                  onPress={() => setDismissing(false)}
                >
                  {t('recommendationsCard.cancel')}
                </Button>
              </Flex>
            </Flex>
          </form>
        ) : (
          <Flex gap="2" style={{ flexWrap: 'wrap' }}>
            {open ? (
              <>
                {canOpenPr && (
                  <Button
                    variant="primary"
                    size="small"
                    isDisabled={busy}
                    onPress={() =>
                      act(async () => {
                        const { pullRequest: opened } =
                          await api.openRecommendationPullRequest(ref, item.id);
                        setMessage({
                          status: 'success',
                          title: t('recommendationsCard.prOpened'),
                          text: (
                            <a
                              href={opened.url}
                              target="_blank"
                              rel="noreferrer"
                            >
                              {`${opened.repository}#${opened.number} (${opened.state})`}
                            </a>
                          ),
                        });
                      }, t('recommendationsCard.prFailed'))
                    }
                  >
                    {t('recommendationsCard.openPr')}
                  </Button>
                )}
                <Button
                  variant="secondary"
                  size="small"
                  isDisabled={busy}
                  onPress={() => setDismissing(true)}
                >
                  {t('recommendationsCard.dismiss')}
                </Button>
                <Button
                  variant="tertiary"
                  size="small"
                  isDisabled={busy}
                  onPress={() =>
                    act(
                      () => api.snoozeRecommendation(ref, item.id, { days: 7 }),
                      t('states.error'),
                    )
                  }
                >
                  {t('recommendationsCard.snooze')}
                </Button>
              </>
            ) : (
              <Button
                variant="secondary"
                size="small"
                isDisabled={busy}
                onPress={() =>
                  act(
                    () => api.reopenRecommendation(ref, item.id),
                    t('states.error'),
                  )
                }
              >
                {t('recommendationsCard.reopen')}
              </Button>
            )}
          </Flex>
        )}
      </Flex>
    </article>
  );
}

function RecommendationsView(props: {
  data: EntityRecommendations;
  limit: number;
  onChanged: () => void;
}) {
  const { data, limit, onChanged } = props;
  const { t } = useTranslationRef(finopsTranslationRef);
  return (
    <Flex direction="column" gap="3">
      {data.items.length === 0 ? (
        <EmptyState
          title={t('recommendationsCard.title')}
          description={t('recommendationsCard.none')}
        />
      ) : (
        <Text
          as="p"
          variant="body-medium"
          weight="bold"
          data-testid="finops-recommendations-total"
        >
          {t('recommendationsCard.total', {
            amount: formatCurrency(data.totalMonthlySavings, data.currency),
          })}
        </Text>
      )}
      {data.items.slice(0, limit).map(item => (
        <RecommendationItem
          key={item.id}
          item={item}
          currency={data.currency}
          onChanged={onChanged}
        />
      ))}
      {data.hidden.length > 0 && (
        <details>
          <summary>
            <Text as="span" variant="body-small">
              {t('recommendationsCard.hidden', {
                count: data.hidden.length,
              })}
            </Text>
          </summary>
          <Flex direction="column" gap="3">
            {data.hidden.map(item => (
              <RecommendationItem
                key={item.id}
                item={item}
                currency={data.currency}
                onChanged={onChanged}
              />
            ))}
          </Flex>
        </details>
      )}
      {data.notes.length > 0 && (
        <Text as="p" variant="body-x-small" color="secondary">
          {data.notes.join(' ')}
        </Text>
      )}
    </Flex>
  );
}

function RecommendationsContent(props: { limit: number }) {
  const { value, loading, error, retry } = useFinopsEntityData((api, ref) =>
    api.getEntityRecommendations(ref),
  );
  if (loading && !value) return <LoadingSkeleton lines={5} />;
  if (error) return <ErrorState error={error} />;
  return value ? (
    <RecommendationsView data={value} limit={props.limit} onChanged={retry} />
  ) : null;
}

/**
 * The recommendations card: open recommendations ranked by monthly saving,
 * each with its evidence, risk and actions (open a pull request, dismiss
 * with a reason, snooze); dismissed and snoozed ones can be reopened.
 *
 * @public
 */
export function FinopsRecommendationsCard(
  props: FinopsRecommendationsCardProps,
) {
  const { t } = useTranslationRef(finopsTranslationRef);
  return (
    <FinopsEntityCard title={props.title ?? t('recommendationsCard.title')}>
      <RecommendationsContent limit={props.limit ?? 5} />
    </FinopsEntityCard>
  );
}
