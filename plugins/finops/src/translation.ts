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

import { createTranslationRef } from '@backstage/frontend-plugin-api';

/**
 * The translatable strings of the AI FinOps frontend plugin.
 *
 * @alpha
 */
export const finopsTranslationRef = createTranslationRef({
  id: 'plugin.finops',
  messages: {
    costCard: {
      title: 'Cost',
      monthToDate: 'Month to date · {{month}}',
      trend: {
        increase: 'Up',
        decrease: 'Down',
        comparison: '{{percent}} vs the same days last month',
        flat: 'Unchanged from the same days last month',
        noComparison: 'No spend in the same days last month',
      },
      budget: {
        label: 'Monthly budget {{budget}}',
        used: '{{percent}} used',
        meterLabel: 'Monthly budget used',
        valueText: '{{percent}} of the {{budget}} monthly budget',
        over: 'Over budget by {{amount}}',
      },
      sparkline: {
        caption: 'Last 30 days',
        captionPartial: 'Last 30 days (today so far, dashed)',
        label:
          'Daily cost over the last 30 days: min {{min}}, max {{max}}, last {{last}}',
      },
      usage: {
        costPerMillionTokens: 'Cost per 1M tokens',
        gpuUtilization: 'GPU utilisation',
      },
      drivers: {
        title: 'Top cost drivers',
        category: 'Category',
        workload: 'Workload',
        cost: 'Cost',
        share: 'Share',
      },
      categories: {
        gpu: 'GPU',
        cpu: 'CPU',
        memory: 'Memory',
        storage: 'Storage',
        network: 'Network',
        other: 'Other',
      },
      footnote: 'Effective cost · data until {{date}}',
      empty: {
        title: 'No cost data yet',
        description:
          'No costs have been recorded for this entity yet. They appear once workloads or billing rows that match its annotations have been ingested.',
      },
      error: {
        title: 'Could not load costs',
        forbidden: 'You are not allowed to view the costs of this entity.',
      },
      forecast: {
        label: 'Forecast to month end',
        interval: '{{level}} interval {{lower}} – {{upper}}',
        vsPreviousMonth: '{{percent}} vs {{month}} ({{amount}})',
        unavailable: 'No forecast: {{message}}',
      },
    },
    ownedSpendWidget: {
      monthToDate: 'Month to date · {{month}}',
      forecast: 'Forecast to month end',
      forecastPartial: 'for {{count}} of {{total}} services',
      noForecast: 'Not forecast yet',
      savings: 'Open savings',
      savingsValue: '{{amount}}/month',
      recommendations: 'Open recommendations: {{count}}',
      services: 'Services: {{count}}',
      serviceSpend: '{{amount}} this month',
      serviceSavings: 'save {{amount}}/month',
      more: 'and {{count}} more',
      truncated: 'Only the first {{count}} services are summed.',
      empty: {
        title: 'No services with cost data',
        description:
          'Neither you nor your groups own a catalog entity with a cost allocation annotation (backstage.io/kubernetes-id, backstage.io/kubernetes-label-selector or ai-finops.io/billing-tags).',
      },
    },
    states: {
      forbidden: 'Permission denied',
      forbiddenDescription:
        'You are not allowed to view the FinOps data of this entity (finops.entity.read).',
      error: 'Could not load FinOps data',
      noData: 'No data yet',
      loading: 'Loading',
    },
    efficiencyCard: {
      title: 'GPU efficiency',
      score: 'Efficiency score',
      scoreOf: '{{score}} / 100',
      idle: 'Idle GPU-hours (equivalent)',
      idleCost: '{{amount}} of GPU time unused',
      gpus: 'GPUs',
      gpuCount: '{{model}} × {{gpus}}',
      sharingFractional: 'MIG slices or shared GPUs',
      sharingWhole: 'whole GPUs',
      tokensPerSecond: 'Tokens/s per GPU',
      costPerMillionTokens: '$ per 1M tokens',
      costPerRequest: 'Cost per request',
      period: 'Last 30 days · {{from}} – {{to}}',
      noGpu: 'No GPU usage recorded for this entity in the last 30 days.',
    },
    responsibleAiCard: {
      title: 'Responsible AI',
      none: 'No responsible-AI metadata',
      howToAdd:
        'Add the ai-finops.io/model-card, ai-finops.io/training-data, ai-finops.io/evaluation-status and -date, and ai-finops.io/bias-check-status and -date annotations to catalog-info.yaml and the workload (the inference-service template asks for them). Production admission refuses model-serving workloads without them.',
      readMore: 'How to add them',
      modelCard: 'Model card',
      trainingData: 'Training data',
      evaluation: 'Evaluation',
      biasCheck: 'Bias check',
      status: {
        passed: 'Passed',
        failed: 'Failed',
        pending: 'Pending',
        unknown: 'No status',
      },
      noDate: 'no date',
      checkedOn: '{{date}} · {{days}} days ago',
      problems: '{{count}} problem(s) with the annotations',
    },
    carbonCard: {
      title: 'Carbon',
      total: 'kgCO2e, last 30 days',
      perMillionTokens: 'gCO2e per 1M tokens',
      intensity: 'Grid intensity',
      intensityValue: '{{value}} gCO2e/kWh · {{region}}',
      intensitySourceHourly: 'hourly, measured',
      intensitySourceAnnual: 'annual average',
      greener: 'Greener option',
      greenerValue:
        'Move to {{region}}: {{percent}} less, {{kg}} kgCO2e a month saved',
      noGreener: 'Already in the cleanest region of its geography.',
      energy: '{{kwh}} kWh of GPU energy, PUE {{pue}}',
    },
    deliveryCard: {
      title: 'Delivery',
      sectionTitle: 'Delivery and cost steps',
      source: '{{tool}} {{kind}} · {{instance}}',
      tool: { argocd: 'Argo CD', flux: 'Flux' },
      revision: 'Deployed revision',
      deployedAt: 'deployed {{relative}} · {{time}}',
      noRevision: 'No revision reported',
      sync: {
        Synced: 'Synced',
        OutOfSync: 'Out of sync',
        Unknown: 'Sync unknown',
      },
      health: {
        Healthy: 'Healthy',
        Progressing: 'Progressing',
        Degraded: 'Degraded',
        Suspended: 'Suspended',
        Missing: 'Missing',
        Unknown: 'Health unknown',
      },
      syncLabel: 'Sync status',
      healthLabel: 'Health status',
      driftSince: 'Drift since {{relative}} · {{time}}',
      drift: 'Drift: out of sync with Git',
      outOfSync: 'Out-of-sync resources',
      more: 'and {{count}} more',
      openInArgocd: 'Open in Argo CD',
      readFailed: 'Could not read {{name}} from {{instance}}',
      history: 'Deployments',
      costSteps: 'Cost steps',
      costStep: '{{metric}} {{change}} since {{revision}}',
      costStepDetail: '{{before}} before → {{after}} after · deployed {{time}}',
      metric: {
        costPerMillionTokens: 'Cost per 1M tokens',
        dailyCost: 'Daily cost',
      },
      noCostSteps: 'No cost change tied to a deployment yet.',
      empty: {
        title: 'No deployments found',
        description:
          'None of the Argo CD Applications or Flux objects this entity names were found.',
      },
    },
    recommendationsCard: {
      title: 'Recommendations',
      total: '{{amount}} a month in open savings',
      none: 'No open recommendations: nothing to change right now.',
      saving: '{{amount}}/month',
      carbonSaving: '{{kg}} kgCO2e/month',
      risk: '{{risk}} risk',
      confidence: '{{percent}} confidence',
      evidence: 'Evidence',
      changes: 'Manifest changes',
      openPr: 'Open pull request',
      dismiss: 'Dismiss',
      dismissReason: 'Why dismiss it?',
      confirmDismiss: 'Dismiss with this reason',
      cancel: 'Cancel',
      snooze: 'Snooze 7 days',
      reopen: 'Reopen',
      hidden: 'Dismissed or snoozed ({{count}})',
      dismissedBecause: 'Dismissed: {{reason}}',
      snoozedUntil: 'Snoozed until {{date}}',
      prFailed: 'Could not open a pull request',
      prOpened: 'Pull request opened',
      prLink: 'Pull request #{{number}}: {{state}}',
      prState: {
        open: 'open, awaiting review',
        merged: 'merged',
        closed: 'closed without merging',
      },
      prUpdated: '(as of {{date}})',
    },
  },
});
