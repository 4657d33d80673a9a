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

import type {
  CostAnomalySeverity,
  EntityCostAnomalies,
  EntityCostForecast,
} from '@ai-finops/backstage-plugin-finops-common';
import type {
  FinopsNotificationLedger,
  StoredRecommendationPullRequest,
} from '@ai-finops/backstage-plugin-finops-node';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { NotificationSeverity } from '@backstage/plugin-notifications-common';

/**
 * The notification topics of the finops plugin, which users can mute in
 * their notification settings (origin `plugin:finops`).
 *
 * @internal
 */
export const FINOPS_NOTIFICATION_TOPICS = {
  /** An entity's month-end forecast crossed a budget threshold. */
  budget: 'FinOps budget forecast',
  /** A new cost anomaly above the dollar floor. */
  anomaly: 'FinOps cost anomaly',
  /** A recommendation's pull request was merged or closed. */
  pullRequest: 'FinOps recommendation pull request',
} as const;

const SEVERITY_ORDER: readonly CostAnomalySeverity[] = [
  'minor',
  'major',
  'critical',
];

/** Limits on what one entity's results can send in one pass. */
const MAX_ANOMALY_NOTIFICATIONS_PER_PASS = 3;
const MAX_BUDGET_THRESHOLDS = 10;
/**
 * After a failed send, nothing is sent (or claimed) for this long, so that a
 * portal without the notifications backend logs one warning, not one per
 * entity and pass.
 */
const SEND_BACKOFF_MS = 15 * 60_000;

/** `finops.notifications`, read with defaults. */
export interface FinopsNotificationSettings {
  enabled: boolean;
  /** Percentages of the monthly budget, ascending. */
  budgetThresholds: number[];
  /** The least severe anomaly that is sent. */
  anomalyMinSeverity: CostAnomalySeverity;
  /** Anomalies older than this many days before the data's end are not new. */
  anomalyLookbackDays: number;
}

export function readNotificationSettings(
  config: Config,
): FinopsNotificationSettings {
  const key = 'finops.notifications';
  const thresholds = config.getOptional<unknown>(`${key}.budgetThresholds`) ?? [
    80, 100,
  ];
  if (
    !Array.isArray(thresholds) ||
    thresholds.length === 0 ||
    thresholds.length > MAX_BUDGET_THRESHOLDS
  ) {
    throw new Error(
      `${key}.budgetThresholds must list 1 to ${MAX_BUDGET_THRESHOLDS} percentages, got ${JSON.stringify(
        thresholds,
      )}`,
    );
  }
  for (const t of thresholds) {
    if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0 || t > 1000) {
      throw new Error(
        `${key}.budgetThresholds: ${t} is not a percentage of the budget between 0 and 1000`,
      );
    }
  }
  const severity =
    config.getOptionalString(`${key}.anomalies.minSeverity`) ?? 'major';
  if (!SEVERITY_ORDER.includes(severity as CostAnomalySeverity)) {
    throw new Error(
      `${key}.anomalies.minSeverity must be one of ${SEVERITY_ORDER.join(
        ', ',
      )}, got '${severity}'`,
    );
  }
  const lookback =
    config.getOptionalNumber(`${key}.anomalies.lookbackDays`) ?? 3;
  if (!Number.isInteger(lookback) || lookback < 1 || lookback > 31) {
    throw new Error(
      `${key}.anomalies.lookbackDays must be a whole number of days from 1 to 31, got ${lookback}`,
    );
  }
  return {
    enabled: config.getOptionalBoolean(`${key}.enabled`) ?? true,
    budgetThresholds: [...new Set(thresholds as number[])].sort(
      (a, b) => a - b,
    ),
    anomalyMinSeverity: severity as CostAnomalySeverity,
    anomalyLookbackDays: lookback,
  };
}

/** The entity's FinOps tab, relative to the app. */
export function finopsTabLink(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${encodeURIComponent(namespace)}/${encodeURIComponent(
    kind.toLocaleLowerCase('en-US'),
  )}/${encodeURIComponent(name)}/finops`;
}

function money(amount: number, currency: string): string {
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency,
    maximumFractionDigits: 0,
  }).format(amount);
}

const ANOMALY_SEVERITY: Record<CostAnomalySeverity, NotificationSeverity> = {
  minor: 'low',
  major: 'high',
  critical: 'critical',
};

const SEVERITY_LABEL: Record<CostAnomalySeverity, string> = {
  minor: 'Minor',
  major: 'Major',
  critical: 'Critical',
};

/** Recorded as sent without sending: a lower threshold passed with a higher one. */
interface ClaimOnly {
  key: string;
  claimOnly: true;
}

interface Message {
  key: string;
  topic: string;
  title: string;
  description: string;
  severity: NotificationSeverity;
}

/**
 * Tells an entity's owners (the notifications plugin resolves the entity to
 * the members of its owner) what needs them: a month-end forecast that
 * crossed a budget threshold, a new cost anomaly, a recommendation's pull
 * request merged or closed. Each notification is claimed in the ledger
 * before it is sent, so it is sent once per entity, threshold and period
 * however often results are recomputed; a failed send releases the claim
 * for the next pass.
 *
 * @internal
 */
export class FinopsNotifier {
  readonly #notifications: NotificationService;
  readonly #ledger: FinopsNotificationLedger;
  readonly #logger: LoggerService;
  readonly #settings: FinopsNotificationSettings;
  readonly #now: () => Date;
  #pausedUntil = 0;

  constructor(options: {
    notifications: NotificationService;
    ledger: FinopsNotificationLedger;
    logger: LoggerService;
    settings: FinopsNotificationSettings;
    now?: () => Date;
  }) {
    this.#notifications = options.notifications;
    this.#ledger = options.ledger;
    this.#logger = options.logger;
    this.#settings = options.settings;
    this.#now = options.now ?? (() => new Date());
  }

  get enabled(): boolean {
    return this.#settings.enabled;
  }

  /**
   * Sends what an entity's freshly computed forecast and anomalies call
   * for; returns how many notifications were sent. Never throws: a failure
   * is logged and retried on the next pass.
   */
  async onResults(
    entityRef: string,
    results: {
      forecast?: EntityCostForecast;
      anomalies?: EntityCostAnomalies;
    },
  ): Promise<number> {
    if (!this.#settings.enabled) return 0;
    let sent = 0;
    for (const message of this.#budgetMessages(results.forecast)) {
      if (await this.#send(entityRef, message)) sent += 1;
    }
    // The largest new anomalies first; the rest wait for the next pass.
    let anomaliesSent = 0;
    for (const message of this.#anomalyMessages(results.anomalies)) {
      if (anomaliesSent === MAX_ANOMALY_NOTIFICATIONS_PER_PASS) break;
      if (await this.#send(entityRef, message)) anomaliesSent += 1;
    }
    return sent + anomaliesSent;
  }

  /** Tells the entity's owners that a recommendation's pull request was merged or closed. */
  async onPullRequestClosed(
    pr: StoredRecommendationPullRequest,
    state: 'merged' | 'closed',
    currency: string,
  ): Promise<boolean> {
    if (!this.#settings.enabled) return false;
    const savings =
      pr.monthlySavings !== undefined
        ? `${money(pr.monthlySavings, currency)} a month`
        : 'its savings';
    return this.#send(pr.entityRef, {
      key: `pull-request:${pr.recommendationId}:${pr.number}:${state}`,
      topic: FINOPS_NOTIFICATION_TOPICS.pullRequest,
      title: `Recommendation pull request ${state}: ${pr.repository}#${pr.number}`,
      description:
        state === 'merged'
          ? `The pull request for '${pr.recommendationId}' was merged; ${savings} should show in the next weeks' costs.`
          : `The pull request for '${pr.recommendationId}' was closed without merging; the recommendation is open again (${savings}).`,
      severity: 'normal',
    });
  }

  #budgetMessages(
    forecast: EntityCostForecast | undefined,
  ): Array<Message | ClaimOnly> {
    const budget = forecast?.budget;
    if (!forecast || !budget || !(budget.budget > 0)) return [];
    const percent = budget.projectedShare * 100;
    const crossed = this.#settings.budgetThresholds.filter(t => percent >= t);
    if (crossed.length === 0) return [];
    // The highest threshold crossed is the one sent; lower ones crossed in
    // the same month are claimed with it so they are not sent afterwards.
    const top = crossed[crossed.length - 1];
    const messages: Array<Message | ClaimOnly> = crossed
      .slice(0, -1)
      .map(t => ({ key: `budget:${t}:${forecast.month}`, claimOnly: true }));
    messages.push({
      key: `budget:${top}:${forecast.month}`,
      topic: FINOPS_NOTIFICATION_TOPICS.budget,
      title: `${forecast.entityRef} is forecast at ${Math.round(
        percent,
      )} % of its ${money(budget.budget, forecast.currency)} budget for ${
        forecast.month
      }`,
      description: `Month-end forecast ${money(
        forecast.monthEnd.mean,
        forecast.currency,
      )} (${money(forecast.monthEnd.lower, forecast.currency)} to ${money(
        forecast.monthEnd.upper,
        forecast.currency,
      )}); ${money(forecast.actual, forecast.currency)} spent in ${
        forecast.daysElapsed
      } of ${forecast.daysInMonth} days, ${money(
        budget.burnRatePerDay,
        forecast.currency,
      )} a day against ${money(
        budget.allowedRatePerDay,
        forecast.currency,
      )} allowed.`,
      severity: top >= 100 ? 'high' : 'normal',
    });
    return messages;
  }

  #anomalyMessages(anomalies: EntityCostAnomalies | undefined): Message[] {
    if (!anomalies) return [];
    const least = SEVERITY_ORDER.indexOf(this.#settings.anomalyMinSeverity);
    const newest =
      Date.parse(anomalies.to) -
      this.#settings.anomalyLookbackDays * 86_400_000;
    return anomalies.anomalies
      .filter(
        a =>
          SEVERITY_ORDER.indexOf(a.severity) >= least &&
          Date.parse(a.bucket) >= newest,
      )
      .sort((a, b) => b.impact - a.impact)
      .map(a => ({
        key: `anomaly:${anomalies.granularity}:${a.bucket}`,
        topic: FINOPS_NOTIFICATION_TOPICS.anomaly,
        title: `${SEVERITY_LABEL[a.severity]} cost anomaly on ${
          anomalies.entityRef
        } (${a.bucket}): ${money(a.actual, anomalies.currency)} against ${money(
          a.expected,
          anomalies.currency,
        )} expected`,
        description: a.explanation,
        severity: ANOMALY_SEVERITY[a.severity],
      }));
  }

  /** Claims, then sends (a {@link ClaimOnly} is only claimed). */
  async #send(
    entityRef: string,
    message: Message | ClaimOnly,
  ): Promise<boolean> {
    if (this.#now().getTime() < this.#pausedUntil) return false;
    try {
      const claimed = await this.#ledger.claimNotification(
        entityRef,
        message.key,
        this.#now(),
      );
      if (!claimed || 'claimOnly' in message) return false;
      try {
        await this.#notifications.send({
          recipients: { type: 'entity', entityRef },
          payload: {
            title: message.title,
            description: message.description,
            link: finopsTabLink(entityRef),
            severity: message.severity,
            topic: message.topic,
            scope: `finops:${entityRef.toLocaleLowerCase('en-US')}:${
              message.key
            }`,
          },
        });
        return true;
      } catch (error) {
        await this.#ledger.releaseNotification(entityRef, message.key);
        throw error;
      }
    } catch (error) {
      this.#pausedUntil = this.#now().getTime() + SEND_BACKOFF_MS;
      this.#logger.warn(
        `FinOps notification '${
          message.key
        }' for ${entityRef} not sent; notifications paused for ${
          SEND_BACKOFF_MS / 60_000
        } minutes, then retried when the entity's results are next computed: ${error}`,
      );
      return false;
    }
  }
}
