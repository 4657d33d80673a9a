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
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import {
  createScaffolderFieldExtension,
  type FieldExtensionComponent,
} from '@backstage/plugin-scaffolder-react';
import { finopsApiRef, FinopsClient } from './api';
import {
  FinopsCostPreview,
  type FinopsCostPreviewUiOptions,
  type FinopsCostPreviewValue,
} from './components/FinopsCostPreview';
import type {
  FinopsCarbonCardProps,
  FinopsCostCardProps,
  FinopsDeliveryCardProps,
  FinopsEfficiencyCardProps,
  FinopsRecommendationsCardProps,
  FinopsResponsibleAiCardProps,
} from './components';
import { rootRouteRef } from './routes';

/**
 * The AI FinOps frontend plugin, for apps on the legacy frontend system. Apps
 * on the new frontend system use the default export of
 * `@ai-finops/backstage-plugin-finops/alpha` instead.
 *
 * @public
 */
export const finopsPlugin = createPlugin({
  id: 'finops',
  apis: [
    createApiFactory({
      api: finopsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new FinopsClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: rootRouteRef },
});

/**
 * The entity cost card, for the legacy `EntityPage`: month-to-date spend and
 * trend, budget burn, the last 30 days, unit economics and top cost drivers.
 *
 * @public
 */
export const EntityFinopsCostCard: (props: FinopsCostCardProps) => JSX.Element =
  finopsPlugin.provide(
    createComponentExtension({
      name: 'EntityFinopsCostCard',
      component: {
        lazy: () =>
          import('./components/FinopsCostCard').then(m => m.FinopsCostCard),
      },
    }),
  );

/**
 * The GPU efficiency card, for the legacy `EntityPage`: efficiency score,
 * idle GPU-hours and dollars, GPU type and count, tokens/s per GPU and $ per
 * 1M tokens.
 *
 * @public
 */
export const EntityFinopsEfficiencyCard: (
  props: FinopsEfficiencyCardProps,
) => JSX.Element = finopsPlugin.provide(
  createComponentExtension({
    name: 'EntityFinopsEfficiencyCard',
    component: {
      lazy: () =>
        import('./components/FinopsEfficiencyCard').then(
          m => m.FinopsEfficiencyCard,
        ),
    },
  }),
);

/**
 * The carbon card, for the legacy `EntityPage`: kgCO2e, gCO2e per 1M
 * tokens, grid intensity and the greener option.
 *
 * @public
 */
export const EntityFinopsCarbonCard: (
  props: FinopsCarbonCardProps,
) => JSX.Element = finopsPlugin.provide(
  createComponentExtension({
    name: 'EntityFinopsCarbonCard',
    component: {
      lazy: () =>
        import('./components/FinopsCarbonCard').then(m => m.FinopsCarbonCard),
    },
  }),
);

/**
 * The recommendations card, for the legacy `EntityPage`.
 *
 * @public
 */
export const EntityFinopsRecommendationsCard: (
  props: FinopsRecommendationsCardProps,
) => JSX.Element = finopsPlugin.provide(
  createComponentExtension({
    name: 'EntityFinopsRecommendationsCard',
    component: {
      lazy: () =>
        import('./components/FinopsRecommendationsCard').then(
          m => m.FinopsRecommendationsCard,
        ),
    },
  }),
);

/**
 * The delivery card, for the legacy `EntityPage`: the deployed revision and
 * when, sync and health, drift since when and the cost steps tied to
 * revisions. Render it where `isFinopsDeliveryAvailable(entity)`.
 *
 * @public
 */
export const EntityFinopsDeliveryCard: (
  props: FinopsDeliveryCardProps,
) => JSX.Element = finopsPlugin.provide(
  createComponentExtension({
    name: 'EntityFinopsDeliveryCard',
    component: {
      lazy: () =>
        import('./components/FinopsDeliveryCard').then(
          m => m.FinopsDeliveryCard,
        ),
    },
  }),
);

/**
 * The responsible-AI card, for the legacy `EntityPage`: model card, training
 * data, evaluation and bias-check status with their dates, and the problems
 * with them. Render it where `isFinopsResponsibleAiAvailable(entity)`.
 *
 * @public
 */
export const EntityFinopsResponsibleAiCard: (
  props: FinopsResponsibleAiCardProps,
) => JSX.Element = finopsPlugin.provide(
  createComponentExtension({
    name: 'EntityFinopsResponsibleAiCard',
    component: {
      lazy: () =>
        import('./components/FinopsResponsibleAiCard').then(
          m => m.FinopsResponsibleAiCard,
        ),
    },
  }),
);

/**
 * The FinOps tab content, for an `EntityLayout.Route` of the legacy
 * `EntityPage`.
 *
 * @public
 */
export const EntityFinopsContent: () => JSX.Element = finopsPlugin.provide(
  createComponentExtension({
    name: 'EntityFinopsContent',
    component: {
      lazy: () =>
        import('./components/FinopsEntityContent').then(
          m => m.FinopsEntityContent,
        ),
    },
  }),
);

/**
 * The organisation page, for a `<Route path="/finops">` of the legacy app.
 *
 * @public
 */
export const FinopsPage: () => JSX.Element = finopsPlugin.provide(
  createRoutableExtension({
    name: 'FinopsPage',
    component: () =>
      import('./components/FinopsOrganizationPage').then(
        m => m.FinopsOrganizationPage,
      ),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The scaffolder field `FinopsCostPreview`, for the legacy app's
 * `<ScaffolderFieldExtensions>`: a live cost and guardrail preview while a
 * template form is filled (`ui:field: FinopsCostPreview`).
 *
 * @public
 */
export const FinopsCostPreviewFieldExtension: FieldExtensionComponent<
  FinopsCostPreviewValue,
  FinopsCostPreviewUiOptions
> = finopsPlugin.provide(
  createScaffolderFieldExtension({
    name: 'FinopsCostPreview',
    component: FinopsCostPreview,
  }),
);
