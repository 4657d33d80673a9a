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

// The delivery card (entity-card:finops/delivery) and the FinOps tab's
// delivery section as a person sees them, for the portal check
// (portal.e2e.mjs), which signs in first:
//
//   import { checkDelivery } from './delivery.mjs';
//   await checkDelivery({ page, appUrl, backendUrl, token, entity, log });
//
// What the card must show comes from the backend's own answer to
// GET /api/finops/delivery?entityRef=…: the deployed revision (short SHA),
// the sync and health status, and a cost step line
// ("Cost per 1M tokens +18% since abc1234"). In the demo the backend reads
// the recorded Argo CD server (scripts/recorded-argocd.mjs, port 7190).

/** The card's words for Argo CD / Flux states (translation.ts). */
const SYNC = {
  Synced: 'Synced',
  OutOfSync: 'Out of sync',
  Unknown: 'Sync unknown',
};
const HEALTH = {
  Healthy: 'Healthy',
  Progressing: 'Progressing',
  Degraded: 'Degraded',
  Suspended: 'Suspended',
  Missing: 'Missing',
  Unknown: 'Health unknown',
};
const METRIC = {
  costPerMillionTokens: 'Cost per 1M tokens',
  dailyCost: 'Daily cost',
};

/** A revision as the card shows it (FinopsDeliveryCard/relativeTime.ts). */
export function shortRevision(revision) {
  const digest = /^(.+@)?(sha1|sha256):([0-9a-f]{12,})$/i.exec(revision);
  if (digest) {
    const short = digest[3].slice(0, 7);
    return digest[1] ? `${digest[1]}${short}` : `${digest[2]}:${short}`;
  }
  return /^[0-9a-f]{40}$|^[0-9a-f]{64}$/i.test(revision)
    ? revision.slice(0, 7)
    : revision;
}

/** A cost step as the card words it, in the browser's en-US. */
export function costStepText(step) {
  const change = new Intl.NumberFormat('en-US', {
    style: 'percent',
    maximumFractionDigits: Math.abs(step.changePercent) < 10 ? 1 : 0,
    signDisplay: 'exceptZero',
  }).format(step.changePercent / 100);
  return `${METRIC[step.metric]} ${change} since ${shortRevision(
    step.revision,
  )}`;
}

/**
 * Reads the entity's delivery status from the backend (retried while its
 * deployments have no revision yet), then checks that the entity page's
 * delivery card shows the deployed revision, sync and health, and the first
 * cost step; and that the FinOps tab has the delivery section with the same
 * revision. Returns what it checked. Throws naming what is missing.
 *
 * @param {{ page: import('playwright-core').Page, appUrl: string, backendUrl: string, token: () => Promise<string>, entity: { kind: string, metadata: { name: string, namespace?: string } }, log?: (message: string) => void, screenshot?: (name: string) => Promise<void>, timeoutMs?: number }} options
 *   `token` returns a current Backstage token of the signed-in user.
 */
export async function checkDelivery({
  page,
  appUrl,
  backendUrl,
  token,
  entity,
  log = () => {},
  screenshot = async () => {},
  timeoutMs = 120_000,
}) {
  const namespace = entity.metadata.namespace ?? 'default';
  const kind = entity.kind.toLowerCase();
  const entityRef = `${kind}:${namespace}/${entity.metadata.name}`;
  const entityUrl = `${appUrl}/catalog/${namespace}/${kind}/${entity.metadata.name}`;

  // The backend's answer: a deployment read without error, with a revision.
  const deadline = Date.now() + timeoutMs;
  let status;
  let deployment;
  let last = '';
  while (!deployment) {
    const res = await fetch(
      `${backendUrl}/api/finops/delivery?entityRef=${encodeURIComponent(
        entityRef,
      )}`,
      { headers: { Authorization: `Bearer ${await token()}` } },
    );
    status = res.ok ? await res.json() : undefined;
    last = status
      ? JSON.stringify(
          status.deployments.map(d => d.error ?? `${d.name} ${d.sync}`),
        )
      : `${res.status} ${(await res.text()).slice(0, 300)}`;
    deployment = status?.deployments.find(d => !d.error && d.revision);
    if (deployment) break;
    if (Date.now() > deadline)
      throw new Error(
        `delivery: GET /api/finops/delivery?entityRef=${entityRef} has no deployment with a revision: ${last}`,
      );
    await new Promise(r => setTimeout(r, 2000));
  }
  const revision = shortRevision(deployment.revision);
  const sync = SYNC[deployment.sync];
  const health = HEALTH[deployment.health];
  if (status.costSteps.length === 0)
    throw new Error(
      `delivery: the backend ties no cost step to a revision of ${entityRef} (deployments: ${last})`,
    );
  const step = costStepText(status.costSteps[0]);

  // The card on the entity page.
  const card = page.getByTestId('finops-delivery').first();
  for (let attempt = 1; ; attempt++) {
    try {
      await page.goto(entityUrl, { timeout: 120_000 });
      await card
        .getByTestId('finops-deployment-revision')
        .getByText(revision, { exact: true })
        .first()
        .waitFor({ timeout: 60_000 });
      break;
    } catch (error) {
      if (attempt === 3)
        throw new Error(
          `delivery: the card on ${entityUrl} does not show revision ${revision}: ${
            error.message.split('\n')[0]
          }`,
        );
      log(
        `delivery: ${entityUrl} not ready (${
          error.message.split('\n')[0]
        }); retrying`,
      );
    }
  }
  const article = card.getByRole('article', { name: deployment.name });
  const shown = async testId =>
    (await article.getByTestId(testId).first().textContent()).trim();
  const shownSync = await shown('finops-deployment-sync');
  const shownHealth = await shown('finops-deployment-health');
  if (shownSync !== sync || shownHealth !== health)
    throw new Error(
      `delivery: the card shows ${shownSync} / ${shownHealth}, the backend says ${sync} / ${health}`,
    );
  const deployedAt = deployment.deployedAt
    ? await shown('finops-deployment-deployed-at')
    : 'no deployment time';
  await card
    .getByTestId('finops-cost-step')
    .getByText(step, { exact: true })
    .first()
    .waitFor({ timeout: 30_000 });
  await card.scrollIntoViewIfNeeded();
  await screenshot('entity-delivery-card');
  log(
    `delivery: ${entity.metadata.name} card shows ${
      deployment.name
    } at ${revision} (${deployedAt}), ${shownSync} / ${shownHealth}${
      deployment.driftSince ? `, drift since ${deployment.driftSince}` : ''
    }; "${step}"`,
  );

  // The FinOps tab's section.
  await page.goto(`${entityUrl}/finops`, { timeout: 120_000 });
  const section = page.getByRole('region', { name: 'Delivery and cost steps' });
  await section
    .getByTestId('finops-deployment-revision')
    .getByText(revision, { exact: true })
    .first()
    .waitFor({ timeout: 60_000 });
  await section
    .getByText(step, { exact: true })
    .first()
    .waitFor({ timeout: 30_000 });
  const history = await section
    .getByTestId('finops-deployment-history')
    .getByRole('listitem')
    .count();
  await section.scrollIntoViewIfNeeded();
  await screenshot('finops-tab-delivery');
  log(
    `delivery: the FinOps tab's section "Delivery and cost steps" shows ${revision}, ${history} deployment(s) in the history and "${step}"`,
  );
  return { deployment, revision, sync, health, step };
}
