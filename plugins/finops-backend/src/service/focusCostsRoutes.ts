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
  finopsOrganizationReadPermission,
  type FinopsFocusCosts,
} from '@ai-finops/backstage-plugin-finops-common';
import type { FocusChargeStore } from '@ai-finops/backstage-plugin-finops-node';
import type {
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import type { AuthorizePermissionRequest } from '@backstage/plugin-permission-common';
import type express from 'express';
import { readDay, readOptionalString } from '../lib/params';

/** The cost columns of each row, named as `ai-finops costs` prints them. */
export const FOCUS_COST_COLUMNS = [
  'billed_cost',
  'effective_cost',
  'list_cost',
] as const;

/** What the FOCUS costs route needs from the router. @internal */
export interface FocusCostsRouteOptions {
  httpAuth: HttpAuthService;
  store: Pick<FocusChargeStore, 'queryBillingCosts'>;
  authorize(
    request: AuthorizePermissionRequest,
    credentials: BackstageCredentials,
  ): Promise<void>;
}

/**
 * `GET /costs/focus?groupBy=<FOCUS columns>&from=&to=`: the FOCUS-native
 * view of the stored billing charges, summed per group by the store's
 * `queryBillingCosts`, the same query as `ai-finops costs --group-by`, with
 * the same column names. Organisation-wide cost data: it needs
 * `finops.organization.read` (admins, or whom the policy allows).
 *
 * @internal
 */
export function registerFocusCostsRoutes(
  router: express.Router,
  options: FocusCostsRouteOptions,
) {
  const { httpAuth, store, authorize } = options;
  router.get('/costs/focus', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    await authorize(
      { permission: finopsOrganizationReadPermission },
      credentials,
    );
    const groupBy = (readOptionalString(req.query.groupBy, 'groupBy') ?? '')
      .split(',')
      .map(column => column.trim())
      .filter(Boolean);
    const from = readDay(req.query.from, 'from');
    const to = readDay(req.query.to, 'to');
    // Unknown or repeated columns are InputErrors (400) naming what is
    // allowed.
    const rows = await store.queryBillingCosts({ groupBy, from, to });
    const body: FinopsFocusCosts = {
      columns: [...groupBy, ...FOCUS_COST_COLUMNS],
      items: rows.map(row => ({
        ...row.group,
        billed_cost: row.billedCost,
        effective_cost: row.effectiveCost,
        list_cost: row.listCost,
      })),
    };
    res.json(body);
  });
}
