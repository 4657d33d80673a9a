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
  EntityCostAnomalies,
  EntityCostAnomaly,
  EntityCostForecast,
} from '@ai-finops/backstage-plugin-finops-common';
import {
  DatabaseFinopsStore,
  type StoredRecommendationPullRequest,
} from '@ai-finops/backstage-plugin-finops-node';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import {
  FINOPS_NOTIFICATION_TOPICS,
  finopsTabLink,
  FinopsNotifier,
  readNotificationSettings,
} from './notifications';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const ENTITY = 'component:default/chat-llm';

function forecast(
  projectedShare: number,
  month = '2026-12',
): EntityCostForecast {
  return {
    entityRef: ENTITY,
    currency: 'USD',
    month,
    asOf: `${month}-06`,
    daysElapsed: 6,
    daysInMonth: 31,
    actual: 12_000,
    monthEnd: {
      mean: 55_000 * projectedShare,
      lower: 50_000,
      upper: 65_000,
      level: 0.8,
    },
    previousMonth: { month: '2026-11', cost: 50_000 },
    history: [],
    daily: [],
    models: [],
    budget: {
      budget: 55_000,
      status: projectedShare >= 1 ? 'over' : 'watch',
      actualShare: 0.2,
      projectedShare,
      burnRatePerDay: 2_000,
      allowedRatePerDay: 1_774,
      alerts: [],
    },
    notes: [],
  };
}

function anomaly(
  bucket: string,
  severity: EntityCostAnomaly['severity'],
  impact = 500,
): EntityCostAnomaly {
  return {
    bucket,
    actual: 1_000 + impact,
    expected: 1_000,
    upper: 1_200,
    impact,
    percentOver: impact / 10,
    severity,
    explanation: `GPU-hours rose on ${bucket}.`,
    contributors: [],
  };
}

function anomalies(list: EntityCostAnomaly[]): EntityCostAnomalies {
  return {
    entityRef: ENTITY,
    currency: 'USD',
    from: '2026-09-07',
    to: '2026-12-06',
    granularity: 'daily',
    anomalies: list,
  } as EntityCostAnomalies;
}

/** A notification service that records what it was asked to send. */
function recordingNotifications(fail = () => false) {
  const sent: NotificationSendOptions[] = [];
  const service: NotificationService = {
    async send(options) {
      if (fail()) throw new Error('notifications backend unavailable');
      sent.push(options);
    },
  };
  return { service, sent };
}

describe.each(databases.eachSupportedId())('FinopsNotifier on %s', id => {
  let store: DatabaseFinopsStore;

  beforeAll(async () => {
    const knex = await databases.init(id);
    store = await DatabaseFinopsStore.create({
      database: mockServices.database({ knex }),
    });
  });

  let now: Date;
  beforeEach(() => {
    now = new Date('2026-12-07T12:00:00Z');
  });

  function notifier(
    notifications: NotificationService,
    config: object = {},
    logger = mockServices.logger.mock(),
  ) {
    return new FinopsNotifier({
      notifications,
      ledger: store,
      logger,
      settings: readNotificationSettings(
        new ConfigReader({ finops: { notifications: config } }),
      ),
      now: () => now,
    });
  }

  it('sends a forecast over budget once per threshold and month, to the entity, linking to its FinOps tab', async () => {
    const { service, sent } = recordingNotifications();
    const subject = notifier(service);
    const ref = 'component:default/budget-once';
    const at = (share: number, month?: string) => ({
      ...forecast(share, month),
      entityRef: ref,
    });

    expect(await subject.onResults(ref, { forecast: at(0.5) })).toBe(0);
    // 108 %: the 100 % threshold is sent, 80 % is claimed with it.
    expect(await subject.onResults(ref, { forecast: at(1.08) })).toBe(1);
    expect(sent[0]).toEqual({
      recipients: { type: 'entity', entityRef: ref },
      payload: expect.objectContaining({
        title:
          'component:default/budget-once is forecast at 108 % of its $55,000 budget for 2026-12',
        link: '/catalog/default/component/budget-once/finops',
        severity: 'high',
        topic: FINOPS_NOTIFICATION_TOPICS.budget,
        scope: 'finops:component:default/budget-once:budget:100:2026-12',
      }),
    });
    expect(sent[0].payload.description).toContain('Month-end forecast $59,400');
    // The next recomputations (new data, same month) send nothing more,
    // nor does a fall back under 80 % and a rise again.
    expect(await subject.onResults(ref, { forecast: at(1.1) })).toBe(0);
    expect(await subject.onResults(ref, { forecast: at(0.85) })).toBe(0);
    expect(await subject.onResults(ref, { forecast: at(1.2) })).toBe(0);
    expect(sent).toHaveLength(1);
    // A new month is a new period.
    expect(await subject.onResults(ref, { forecast: at(0.9, '2027-01') })).toBe(
      1,
    );
    expect(sent[1].payload).toMatchObject({
      severity: 'normal',
      scope: 'finops:component:default/budget-once:budget:80:2027-01',
    });
    // …and escalates when the higher threshold is crossed later.
    expect(
      await subject.onResults(ref, { forecast: at(1.01, '2027-01') }),
    ).toBe(1);
    expect(sent[2].payload.scope).toBe(
      'finops:component:default/budget-once:budget:100:2027-01',
    );
  });

  it('sends each new anomaly at or above the configured severity once, recent ones only, at most 3 a pass', async () => {
    const { service, sent } = recordingNotifications();
    const subject = notifier(service, { anomalies: { minSeverity: 'major' } });
    const list = [
      anomaly('2026-09-20', 'critical'), // older than the 3-day lookback
      anomaly('2026-12-04', 'minor'), // below the severity
      anomaly('2026-12-04', 'major', 300),
      anomaly('2026-12-05', 'critical', 900),
    ];
    expect(
      await subject.onResults(ENTITY, { anomalies: anomalies(list) }),
    ).toBe(2);
    expect(sent.map(s => s.payload.severity)).toEqual(['critical', 'high']);
    expect(sent[0].payload).toMatchObject({
      title:
        'Critical cost anomaly on component:default/chat-llm (2026-12-05): $1,900 against $1,000 expected',
      description: 'GPU-hours rose on 2026-12-05.',
      topic: FINOPS_NOTIFICATION_TOPICS.anomaly,
    });
    expect(
      await subject.onResults(ENTITY, { anomalies: anomalies(list) }),
    ).toBe(0);

    const burst = ['2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06'].map(
      (day, i) => ({ ...anomaly(day, 'major', 100 + i), bucket: day }),
    );
    const other = { ...anomalies(burst), entityRef: 'component:default/other' };
    expect(
      await subject.onResults('component:default/other', { anomalies: other }),
    ).toBe(3);
    expect(
      await subject.onResults('component:default/other', { anomalies: other }),
    ).toBe(1);
  });

  it('releases the claim when sending fails, pauses 15 minutes with one warning, then sends it', async () => {
    let down = true;
    const { service, sent } = recordingNotifications(() => down);
    const logger = mockServices.logger.mock();
    const subject = notifier(service, {}, logger);
    const ref = 'component:default/retried';
    const over = { ...forecast(1.3), entityRef: ref };
    const other = { ...forecast(1.3), entityRef: 'component:default/paused' };
    expect(await subject.onResults(ref, { forecast: over })).toBe(0);
    expect(await subject.onResults(other.entityRef, { forecast: other })).toBe(
      0,
    );
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      "FinOps notification 'budget:100:2026-12' for component:default/retried not sent; notifications paused for 15 minutes, then retried when the entity's results are next computed: Error: notifications backend unavailable",
    );
    down = false;
    expect(await subject.onResults(ref, { forecast: over })).toBe(0);
    now = new Date('2026-12-07T12:15:00Z');
    expect(await subject.onResults(ref, { forecast: over })).toBe(1);
    expect(await subject.onResults(other.entityRef, { forecast: other })).toBe(
      1,
    );
    expect(sent).toHaveLength(2);
    expect(await subject.onResults(ref, { forecast: over })).toBe(0);
    expect(sent).toHaveLength(2);
  });

  it('tells the owners once that a pull request was merged or closed, and nothing when disabled', async () => {
    const { service, sent } = recordingNotifications();
    const pr: StoredRecommendationPullRequest = {
      entityRef: 'component:default/pr-owner',
      recommendationId: 'rightsize-gpu',
      provider: 'github',
      host: 'github.com',
      repository: 'acme/gitops',
      number: 42,
      url: 'https://github.com/acme/gitops/pull/42',
      branch: 'finops/rightsize-gpu',
      baseBranch: 'main',
      state: 'open',
      monthlySavings: 4_200,
      openedAt: '2026-12-01T00:00:00Z',
      checkedAt: '2026-12-07T00:00:00Z',
    };
    const subject = notifier(service);
    expect(await subject.onPullRequestClosed(pr, 'merged', 'USD')).toBe(true);
    expect(await subject.onPullRequestClosed(pr, 'merged', 'USD')).toBe(false);
    expect(sent[0].payload).toMatchObject({
      title: 'Recommendation pull request merged: acme/gitops#42',
      topic: FINOPS_NOTIFICATION_TOPICS.pullRequest,
      link: '/catalog/default/component/pr-owner/finops',
    });
    expect(sent[0].payload.description).toContain('$4,200 a month');

    const disabled = notifier(service, { enabled: false });
    expect(await disabled.onPullRequestClosed(pr, 'closed', 'USD')).toBe(false);
    expect(
      await disabled.onResults('component:default/off', {
        forecast: { ...forecast(2), entityRef: 'component:default/off' },
      }),
    ).toBe(0);
    expect(sent).toHaveLength(1);
  });
});

describe('readNotificationSettings', () => {
  const read = (notifications: object) =>
    readNotificationSettings(new ConfigReader({ finops: { notifications } }));

  it('defaults to 80 % and 100 %, major anomalies of the last 3 days', () => {
    expect(read({})).toEqual({
      enabled: true,
      budgetThresholds: [80, 100],
      anomalyMinSeverity: 'major',
      anomalyLookbackDays: 3,
    });
    expect(read({ budgetThresholds: [100, 50, 100] }).budgetThresholds).toEqual(
      [50, 100],
    );
  });

  it('names the key and the value that is wrong', () => {
    expect(() => read({ budgetThresholds: [] })).toThrow(
      'finops.notifications.budgetThresholds must list 1 to 10 percentages, got []',
    );
    expect(() => read({ budgetThresholds: [80, -1] })).toThrow(
      'finops.notifications.budgetThresholds: -1 is not a percentage',
    );
    expect(() => read({ anomalies: { minSeverity: 'huge' } })).toThrow(
      "finops.notifications.anomalies.minSeverity must be one of minor, major, critical, got 'huge'",
    );
    expect(() => read({ anomalies: { lookbackDays: 0 } })).toThrow(
      'finops.notifications.anomalies.lookbackDays must be a whole number of days from 1 to 31, got 0',
    );
  });

  it('links to the FinOps tab with the kind in lower case', () => {
    expect(finopsTabLink('Component:team-x/Chat LLM')).toBe(
      '/catalog/team-x/component/Chat%20LLM/finops',
    );
  });
});
