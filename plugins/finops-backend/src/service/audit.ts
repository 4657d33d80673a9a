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
  AuditorService,
  AuditorServiceCreateEventOptions,
} from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';

/**
 * The audit events of the finops plugin (`coreServices.auditor`; the
 * plugin id gives the context). Each names who acted through its request.
 *
 * @internal
 */
export const FINOPS_AUDIT_EVENTS = {
  /** A recommendation dismissed, snoozed or reopened (`meta.action`). */
  recommendationDecision: 'recommendation-decision',
  /** A recommendation's pull request opened. */
  recommendationPullRequest: 'recommendation-pull-request',
  /** An ingestion run started by hand (`POST /ingestion/:source/trigger`). */
  ingestionTrigger: 'ingestion-trigger',
} as const;

/**
 * Runs `action` as an audited event: the event is recorded as begun, then
 * as a success (with `resultMeta` of what `action` returned) or a failure
 * with its error, which is rethrown. Without an auditor it only runs
 * `action`.
 *
 * @internal
 */
export async function audited<T>(
  auditor: AuditorService | undefined,
  event: AuditorServiceCreateEventOptions,
  action: () => Promise<T>,
  resultMeta?: (result: T) => JsonObject,
): Promise<T> {
  if (!auditor) return action();
  const audit = await auditor.createEvent(event);
  try {
    const result = await action();
    await audit.success(resultMeta ? { meta: resultMeta(result) } : undefined);
    return result;
  } catch (error) {
    await audit.fail({
      error: error instanceof Error ? error : new Error(String(error)),
    });
    throw error;
  }
}
