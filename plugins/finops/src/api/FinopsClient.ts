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

import {
  parseEntityRef,
  stringifyEntityRef,
  type CompoundEntityRef,
} from '@backstage/catalog-model';
import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  CostAllocationReport,
  EntityCarbonFootprint,
  EntityCostAnomalies,
  EntityCostForecast,
  EntityCostSeries,
  EntityCostSummary,
  EntityGpuEfficiency,
  EntityRecommendations,
  EntityUsageSeries,
  FinopsDeliveryStatus,
  FinopsEstimate,
  FinopsEstimateRequest,
  FinopsOwnedSpend,
  FinopsSavings,
} from '@ai-finops/backstage-plugin-finops-common';
import type {
  FinopsApi,
  FinopsDayRange,
  RecommendationDecision,
  RecommendationPullRequestResult,
} from './FinopsApi';

/**
 * Options of {@link FinopsClient}.
 *
 * @public
 */
export interface FinopsClientOptions {
  discoveryApi: Pick<DiscoveryApi, 'getBaseUrl'>;
  fetchApi: Pick<FetchApi, 'fetch'>;
}

/**
 * The default {@link FinopsApi}: calls the `finops` backend plugin over HTTP.
 *
 * @public
 */
export class FinopsClient implements FinopsApi {
  private readonly discoveryApi: FinopsClientOptions['discoveryApi'];
  private readonly fetchApi: FinopsClientOptions['fetchApi'];

  constructor(options: FinopsClientOptions) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getEntityCostSummary(
    entityRef: string | CompoundEntityRef,
  ): Promise<EntityCostSummary> {
    return this.get<EntityCostSummary>(entityPath(entityRef, 'summary'));
  }

  async getEntityCosts(
    entityRef: string | CompoundEntityRef,
    options: Parameters<FinopsApi['getEntityCosts']>[1] = {},
  ): Promise<EntityCostSeries> {
    return this.get<EntityCostSeries>(entityPath(entityRef, 'costs'), {
      ...dayQuery(options),
      granularity: options.granularity,
      groupBy: options.groupBy,
    });
  }

  async getEntityUsage(
    entityRef: string | CompoundEntityRef,
    options: Parameters<FinopsApi['getEntityUsage']>[1] = {},
  ): Promise<EntityUsageSeries> {
    return this.get<EntityUsageSeries>(entityPath(entityRef, 'usage'), {
      metric: options.metrics?.length ? options.metrics.join(',') : undefined,
      ...dayQuery(options),
      granularity: options.granularity,
    });
  }

  async getCostAllocation(
    options: Parameters<FinopsApi['getCostAllocation']>[0] = {},
  ): Promise<CostAllocationReport> {
    return this.get<CostAllocationReport>('allocation', dayQuery(options));
  }

  async getSavings(): Promise<FinopsSavings> {
    return this.get<FinopsSavings>('savings', {});
  }

  async getOwnedSpend(owners: string[]): Promise<FinopsOwnedSpend> {
    return this.get<FinopsOwnedSpend>('owned/summary', {
      owner: owners.join(','),
    });
  }

  async getDeliveryStatus(
    entityRef: string | CompoundEntityRef,
  ): Promise<FinopsDeliveryStatus> {
    return this.get<FinopsDeliveryStatus>('delivery', {
      entityRef: stringifyEntityRef(
        typeof entityRef === 'string' ? parseEntityRef(entityRef) : entityRef,
      ),
    });
  }

  async getEntityForecast(
    entityRef: string | CompoundEntityRef,
  ): Promise<EntityCostForecast> {
    return this.get(entityPath(entityRef, 'forecast'));
  }

  async getEntityAnomalies(
    entityRef: string | CompoundEntityRef,
    options: FinopsDayRange & { granularity?: 'daily' | 'hourly' } = {},
  ): Promise<EntityCostAnomalies> {
    return this.get(entityPath(entityRef, 'anomalies'), {
      ...dayQuery(options),
      granularity: options.granularity,
    });
  }

  async getEntityEfficiency(
    entityRef: string | CompoundEntityRef,
    options: FinopsDayRange = {},
  ): Promise<EntityGpuEfficiency> {
    return this.get(entityPath(entityRef, 'efficiency'), dayQuery(options));
  }

  async getEntityCarbon(
    entityRef: string | CompoundEntityRef,
    options: FinopsDayRange = {},
  ): Promise<EntityCarbonFootprint> {
    return this.get(entityPath(entityRef, 'carbon'), dayQuery(options));
  }

  async getEntityRecommendations(
    entityRef: string | CompoundEntityRef,
  ): Promise<EntityRecommendations> {
    return this.get(entityPath(entityRef, 'recommendations'));
  }

  async dismissRecommendation(
    entityRef: string | CompoundEntityRef,
    id: string,
    reason: string,
  ): Promise<RecommendationDecision> {
    return this.post(recommendationPath(entityRef, id, 'dismiss'), {
      reason,
    });
  }

  async snoozeRecommendation(
    entityRef: string | CompoundEntityRef,
    id: string,
    options: { days?: number } = {},
  ): Promise<RecommendationDecision> {
    return this.post(recommendationPath(entityRef, id, 'snooze'), {
      days: options.days ?? 7,
    });
  }

  async reopenRecommendation(
    entityRef: string | CompoundEntityRef,
    id: string,
  ): Promise<RecommendationDecision> {
    return this.post(recommendationPath(entityRef, id, 'reopen'), {});
  }

  async openRecommendationPullRequest(
    entityRef: string | CompoundEntityRef,
    id: string,
    options?: { overlay?: string },
  ): Promise<RecommendationPullRequestResult> {
    return this.post(
      recommendationPath(entityRef, id, 'pull-request'),
      options?.overlay ? { overlay: options.overlay } : {},
    );
  }

  async estimate(values: FinopsEstimateRequest): Promise<FinopsEstimate> {
    return this.post('estimate', values);
  }

  private async post<T>(path: string, body: unknown): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('finops');
    const response = await this.fetchApi.fetch(`${baseUrl}/${path}`, {
      method: 'POST',
      headers: {
        Accept: 'application/json',
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }

  private async get<T>(
    path: string,
    query: Record<string, string | undefined> = {},
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('finops');
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) params.set(key, value);
    }
    const search = params.toString() ? `?${params}` : '';
    const response = await this.fetchApi.fetch(`${baseUrl}/${path}${search}`, {
      headers: { Accept: 'application/json' },
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

/** The query parameters of a range of days. */
function dayQuery(range: FinopsDayRange): Record<string, string | undefined> {
  return { from: range.from, to: range.to };
}

/** `entities/<kind>/<namespace>/<name>/<route>`, every segment encoded. */
function entityPath(
  entityRef: string | CompoundEntityRef,
  route: string,
): string {
  const { kind, namespace, name } =
    typeof entityRef === 'string' ? parseEntityRef(entityRef) : entityRef;
  return [
    'entities',
    kind.toLocaleLowerCase('en-US'),
    namespace.toLocaleLowerCase('en-US'),
    name,
    route,
  ]
    .map(segment => encodeURIComponent(segment))
    .join('/');
}

/** `entities/…/recommendations/<id>/<action>`, the id encoded. */
function recommendationPath(
  entityRef: string | CompoundEntityRef,
  id: string,
  action: string,
): string {
  return `${entityPath(entityRef, 'recommendations')}/${encodeURIComponent(
    id,
  )}/${action}`;
}
