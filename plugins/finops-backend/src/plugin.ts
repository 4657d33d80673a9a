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
  finopsPermissions,
  type EntityCostAnomalies,
  type EntityCostForecast,
} from '@ai-finops/backstage-plugin-finops-common';
import {
  finopsDataSourcesExtensionPoint,
  finopsRecommendersExtensionPoint,
  GithubGitopsPullRequests,
  storePriceCatalog,
  type FinopsAnyDataSource,
  type FinopsDataSourcesExtensionPoint,
  type FinopsRecommender,
  type FinopsRecommendersExtensionPoint,
} from '@ai-finops/backstage-plugin-finops-node';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { readDurationFromConfig } from '@backstage/config';
import { DatabaseFinopsStore } from '@ai-finops/backstage-plugin-finops-node';
import { FinopsIngestion } from './service/FinopsIngestion';
import { FinopsRetention } from './service/FinopsRetention';
import { readAllocationSettings } from './engine/allocationConfig';
import { EntityEngine } from './engine/EntityEngine';
import {
  createPullRequestOpener,
  schedulePullRequestRefresh,
} from './service/pullRequestRoutes';
import { createRouter } from './service/router';
import { registerFinopsActions } from './actions/finopsActions';
import { createEntityAccess } from './service/entityAccess';
import { createGuardrailsLoader } from './service/estimateRoutes';
import {
  createStoredResults,
  defaultRange,
  RECOMMENDATIONS_RESULT,
  scheduleResultsPrecompute,
  settingsFingerprint,
} from './engine/storedResults';
import {
  FinopsNotifier,
  readNotificationSettings,
} from './service/notifications';
import { readDeliverySettings } from './delivery/config';
import { DeliveryStatusService } from './delivery/DeliveryStatusService';

class FinopsDataSourcesExtensionPointImpl
  implements FinopsDataSourcesExtensionPoint
{
  readonly #sources = new Array<FinopsAnyDataSource>();

  addDataSource(
    ...sources: Array<FinopsAnyDataSource | FinopsAnyDataSource[]>
  ) {
    for (const source of sources.flat()) {
      if (typeof source.id !== 'string' || source.id.length === 0) {
        throw new Error('A FinOps data source must have a non-empty id');
      }
      if (this.#sources.some(existing => existing.id === source.id)) {
        throw new Error(
          `A FinOps data source with id '${source.id}' is already registered; ids must be unique`,
        );
      }
      this.#sources.push(source);
    }
  }

  get dataSources(): FinopsAnyDataSource[] {
    return [...this.#sources];
  }
}

class FinopsRecommendersExtensionPointImpl
  implements FinopsRecommendersExtensionPoint
{
  readonly #recommenders = new Array<FinopsRecommender>();

  addRecommender(
    ...recommenders: Array<FinopsRecommender | FinopsRecommender[]>
  ) {
    for (const recommender of recommenders.flat()) {
      if (this.#recommenders.some(existing => existing.id === recommender.id)) {
        throw new Error(
          `A FinOps recommender with id '${recommender.id}' is already registered; ids must be unique`,
        );
      }
      this.#recommenders.push(recommender);
    }
  }

  get recommenders(): FinopsRecommender[] {
    return [...this.#recommenders];
  }
}

/**
 * The AI FinOps backend plugin: stores hourly cost and usage facts ingested
 * from the installed data sources, and serves per-entity cost summaries.
 *
 * @public
 */
export const finopsPlugin = createBackendPlugin({
  pluginId: 'finops',
  register(env) {
    const dataSources = new FinopsDataSourcesExtensionPointImpl();
    const recommenders = new FinopsRecommendersExtensionPointImpl();
    env.registerExtensionPoint(finopsDataSourcesExtensionPoint, dataSources);
    env.registerExtensionPoint(finopsRecommendersExtensionPoint, recommenders);

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        auditor: coreServices.auditor,
        actionsRegistry: actionsRegistryServiceRef,
        notifications: notificationService,
        cache: coreServices.cache,
      },
      async init({
        config,
        logger,
        database,
        scheduler,
        auth,
        httpRouter,
        httpAuth,
        permissions,
        permissionsRegistry,
        catalog,
        auditor,
        actionsRegistry,
        notifications,
        cache,
      }) {
        permissionsRegistry.addPermissions(finopsPermissions);

        const store = await DatabaseFinopsStore.create({ database });

        const ingestion = FinopsIngestion.fromConfig(config, {
          logger,
          scheduler,
          store,
          dataSources: dataSources.dataSources,
        });
        await ingestion.start();
        await FinopsRetention.fromConfig(config, {
          logger,
          scheduler,
          store,
        }).start();

        // Budget, anomaly and pull-request alerts to the entity's owners,
        // each sent once (the store keeps what was sent).
        const notifier = new FinopsNotifier({
          notifications,
          ledger: store,
          logger,
          settings: readNotificationSettings(config),
        });
        const currency = config.getOptionalString('finops.currency') ?? 'USD';

        // Recommendation pull requests through integrations.github; without
        // that configuration the route answers 501.
        const gitops = config.has('integrations.github')
          ? GithubGitopsPullRequests.fromConfig(config)
          : undefined;
        if (gitops) {
          await schedulePullRequestRefresh({
            scheduler,
            store,
            gitops,
            logger,
            frequencyMinutes: config.getOptionalNumber(
              'finops.gitops.refreshMinutes',
            ),
            onClosed: (pr, state) =>
              notifier.onPullRequestClosed(pr, state, currency),
          });
        }

        logger.info(
          `FinOps ingestion scheduled for data sources: ${
            ingestion.sourceIds.join(', ') || '(none)'
          }; ${recommenders.recommenders.length} recommender(s) installed`,
        );

        // The price catalog: finops.prices.overrides, then the prices the
        // stored FOCUS charges show were paid (read again after each
        // ingestion run), then the embedded list prices.
        const prices = storePriceCatalog(store, { config, logger });
        const engine = new EntityEngine({
          store,
          catalog,
          allocation: readAllocationSettings(config),
          currency,
          prices,
          logger,
          recommendationState: store,
          recommenders: recommenders.recommenders,
          pullRequests: gitops && store,
        });

        // Engine results are stored per entity with the data version they
        // came from; a global task recomputes what new data made stale.
        const precompute =
          config.getOptionalBoolean('finops.precompute.enabled') ?? true;
        if (!precompute && notifier.enabled) {
          logger.warn(
            'FinOps budget and anomaly notifications are checked by the precompute task, which finops.precompute.enabled: false turns off; only pull-request notifications will be sent',
          );
        }
        const storedResults = createStoredResults({
          store,
          settings: settingsFingerprint(config),
          now: () => new Date(),
          logger,
          refreshedAhead: precompute,
        });
        if (precompute) {
          await scheduleResultsPrecompute({
            scheduler,
            catalog,
            auth,
            allocator: engine,
            stored: storedResults,
            // What the entity routes serve for their default ranges.
            compute: async (entity, target) => {
              const [assessment, forecast, anomalies] = await Promise.all([
                engine.assess(entity, target),
                engine.forecast(entity, target),
                engine.anomalies(target, defaultRange(90), 'daily'),
              ]);
              return {
                [RECOMMENDATIONS_RESULT]: assessment.found,
                efficiency: assessment.efficiency,
                carbon: assessment.carbon,
                forecast,
                'anomalies-daily': anomalies,
              };
            },
            store,
            logger,
            onComputed: async (entityRef, results) => {
              await notifier.onResults(entityRef, {
                forecast: results.forecast as EntityCostForecast,
                anomalies: results['anomalies-daily'] as EntityCostAnomalies,
              });
            },
            concurrency: config.getOptionalNumber(
              'finops.precompute.concurrency',
            ),
            frequency: config.has('finops.precompute.frequency')
              ? readDurationFromConfig(config, {
                  key: 'finops.precompute.frequency',
                })
              : undefined,
          });
        }

        httpRouter.use(
          await createRouter({
            engine,
            store,
            ingestion,
            httpAuth,
            permissions,
            catalog,
            logger,
            prices,
            guardrails: {
              policiesDir: config.getOptionalString(
                'finops.guardrails.policies',
              ),
              pricesFile: config.getOptionalString('finops.guardrails.prices'),
            },
            pullRequests: gitops && { store, gitops },
            storedResults,
            auditor,
            // Argo CD and Flux status of entities (finops.delivery).
            delivery: new DeliveryStatusService({
              settings: readDeliverySettings(config, logger),
              cache,
              drift: store,
              logger,
            }),
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });

        // The same engine, checks and stored results for AI assistants and
        // other callers of the actions registry.
        registerFinopsActions(actionsRegistry, {
          engine,
          access: createEntityAccess({ catalog, permissions, engine }),
          storedResults,
          guardrails: createGuardrailsLoader({
            policiesDir: config.getOptionalString('finops.guardrails.policies'),
            pricesFile: config.getOptionalString('finops.guardrails.prices'),
            logger,
          }),
          prices,
          pullRequests:
            gitops &&
            createPullRequestOpener({
              store,
              gitops,
              recommendations: (entity, target) =>
                engine.recommendations(entity, target),
              permissions,
              logger,
              currency: engine.options.currency,
              now: () => engine.options.now(),
              auditor,
            }),
        });
      },
    });
  },
});
