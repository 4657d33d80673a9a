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

import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';

/**
 * The `home-page-widget:finops/owned-spend` extension: "My services'
 * spend" on the home page (`page:home`). The signed-in user's and their
 * groups' services with cost data: month-to-date spend, the month-end
 * forecast and open savings, the largest services linking to their FinOps
 * tab. Its component name in `page:home`'s `defaultConfig` is
 * `FinopsOwnedSpend`.
 *
 * @alpha
 */
export const finopsOwnedSpendHomeWidget = HomePageWidgetBlueprint.make({
  name: 'owned-spend',
  params: {
    name: 'FinopsOwnedSpend',
    title: "My services' spend",
    description:
      'Month-to-date spend, month-end forecast and open savings of the services you and your groups own',
    components: () =>
      import('../components/FinopsOwnedSpend').then(m => ({
        Content: m.FinopsOwnedSpendContent,
      })),
    layout: {
      width: { minColumns: 4, defaultColumns: 6 },
      height: { minRows: 3, defaultRows: 4 },
    },
  },
});
