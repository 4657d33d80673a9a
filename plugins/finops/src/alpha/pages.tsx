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

import { createRouteRef, PageBlueprint } from '@backstage/frontend-plugin-api';
import { RiMoneyDollarCircleLine } from '@remixicon/react';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { FINOPS_ENTITY_FILTER } from './entityCards';

/**
 * The `entity-content:finops/finops` extension: the FinOps tab at
 * `/catalog/:namespace/:kind/:name/finops`.
 *
 * @alpha
 */
export const entityFinopsContent = EntityContentBlueprint.make({
  name: 'finops',
  params: {
    path: 'finops',
    title: 'FinOps',
    filter: FINOPS_ENTITY_FILTER,
    loader: async () =>
      import('../components/FinopsEntityContent').then(m => (
        <m.FinopsEntityContent />
      )),
  },
});

/**
 * The route of the organisation page, the plugin's `root` route.
 *
 * @alpha
 */
export const finopsOrganizationRouteRef = createRouteRef();

/**
 * The `page:finops` extension: the organisation page at `/finops`. Its
 * route and icon give it a nav item ("FinOps") in the app's sidebar.
 *
 * @alpha
 */
export const finopsPage = PageBlueprint.make({
  params: {
    path: '/finops',
    routeRef: finopsOrganizationRouteRef,
    title: 'FinOps',
    icon: <RiMoneyDollarCircleLine />,
    loader: async () =>
      import('../components/FinopsOrganizationPage').then(m => (
        <m.FinopsOrganizationPage />
      )),
  },
});
