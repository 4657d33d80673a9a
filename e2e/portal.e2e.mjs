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

// End-to-end check of the portal as a person sees it: starts `yarn start`
// (frontend :3000 + backend :7007, SQLite, demo on), signs in as the guest in
// headless Chromium, and checks that the catalog lists the demo organisation;
// that an inference component's page shows the cost (with its month-end
// forecast), GPU efficiency, carbon and recommendations cards with the
// backend's numbers; that its FinOps tab draws the cost chart and redraws it
// when the time range changes; and that the organisation page (/finops) shows
// the allocation total; and that the inference-service template's cost
// preview in the scaffolder shows the backend's estimate for the form's values
// and the max-GPUs denial at 8 GPUs per replica; that the at-risk budget of
// chat-llm shows on the notifications page once, and is not sent again after
// the next ingestion; and that an MCP client lists the FinOps tools and reads
// the same cost summary with the guest's token; and that the home page's
// widget lists the guest's services with their spend; and that the Tech
// Insights checks run over the FinOps facts; and that chat-llm's delivery
// card and FinOps tab show its Argo CD Application's revision, sync, health
// and a cost step, read from the recorded Argo CD server
// (scripts/recorded-argocd.mjs on :7190, started here with a fresh token).
// Screenshots go to e2e-screenshots/ (git-ignored).
//
//   node e2e/portal.e2e.mjs        (needs Debian's chromium: apt-get install chromium)

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { parseAllDocuments } from 'yaml';
import { checkDelivery } from './delivery.mjs';
import { checkHomeWidget } from './home.mjs';
import { checkMcp } from './mcp.mjs';
import { templateSteps } from './templateSteps.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shots = path.join(root, 'e2e-screenshots');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const appUrl = 'http://localhost:3000';
const backendUrl = 'http://localhost:7007';

if (!existsSync(chromiumPath)) {
  console.error(
    `e2e: no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)`,
  );
  process.exit(2);
}
mkdirSync(shots, { recursive: true });

const entities = parseAllDocuments(
  readFileSync(path.join(root, 'examples/entities.yaml'), 'utf8'),
).map(d => d.toJS());
const component = entities.find(
  e =>
    e?.kind === 'Component' &&
    e.metadata.annotations?.['ai-finops.io/gpu-model'] &&
    e.metadata.annotations?.['backstage.io/kubernetes-id'],
);

// The entity whose delivery status the demo shows, and the recorded Argo CD
// server the backend reads it from (finops.delivery.argocd in app-config.yaml).
const delivered = entities.find(
  e => e?.kind === 'Component' && e.metadata.annotations?.['argocd/app-name'],
);
const argocdPort = 7190;
const argocdToken = randomBytes(24).toString('hex');

let log = '';
const argocd = spawn(
  process.execPath,
  ['scripts/recorded-argocd.mjs', '--port', String(argocdPort)],
  { cwd: root, env: { ...process.env, ARGOCD_TOKEN: argocdToken } },
);
argocd.stdout.on('data', d => (log += `[argocd] ${d}`));
argocd.stderr.on('data', d => (log += `[argocd] ${d}`));
const portal = spawn('yarn', ['start'], {
  cwd: root,
  detached: true,
  env: { ...process.env, BROWSER: 'none', ARGOCD_TOKEN: argocdToken },
});
portal.stdout.on('data', d => (log += d));
portal.stderr.on('data', d => (log += d));
const stop = () => {
  try {
    process.kill(-portal.pid, 'SIGTERM');
  } catch {
    // gone
  }
  try {
    process.kill(argocd.pid, 'SIGTERM');
  } catch {
    // gone
  }
};

async function waitForUrl(url, timeoutMs, init) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, init)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(`timed out waiting for ${url}\n${log.slice(-3000)}`);
}

/** The guest's token and identity; retried while the backend (re)starts. */
async function guestIdentity() {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`${backendUrl}/api/auth/guest/refresh`);
      const body = await res.json();
      if (body.backstageIdentity) return body.backstageIdentity;
      throw new Error(`${res.status} ${JSON.stringify(body).slice(0, 200)}`);
    } catch (error) {
      if (attempt === 30)
        throw new Error(`guest sign-in failed: ${error.message}`);
      await new Promise(r => setTimeout(r, 2000));
    }
  }
}

const started = Date.now();
let browser;
try {
  // The recorded Argo CD answers the demo Application with the token only.
  const argocdApp = `http://localhost:${argocdPort}/api/v1/applications/${delivered.metadata.annotations['argocd/app-name']}`;
  await waitForUrl(argocdApp, 30_000, {
    headers: { Authorization: `Bearer ${argocdToken}` },
  });
  const anonymous = await fetch(argocdApp);
  if (anonymous.ok)
    throw new Error(
      `the recorded Argo CD answers ${argocdApp} without a token`,
    );
  console.log(
    `e2e: recorded Argo CD on :${argocdPort} serves ${delivered.metadata.annotations['argocd/app-name']} (${anonymous.status} without the token)`,
  );
  await waitForUrl(`${backendUrl}/.backstage/health/v1/readiness`, 180_000);
  await waitForUrl(appUrl, 180_000);
  console.log(
    `e2e: portal up after ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );

  // What the card must show: the backend's own month-to-date figure, once the
  // catalog knows the guest's groups and the demo is ingested.
  let summary;
  let last = '';
  for (let i = 0; i < 180 && !(summary?.monthToDate?.effectiveCost > 0); i++) {
    const { token, identity } = await guestIdentity();
    if (
      identity.ownershipEntityRefs.includes(
        'group:default/platform-engineering',
      )
    ) {
      const res = await fetch(
        `${backendUrl}/api/finops/entities/component/default/${component.metadata.name}/summary`,
        {
          headers: { Authorization: `Bearer ${token}` },
        },
      );
      last = `${res.status}`;
      summary = res.ok ? await res.json() : undefined;
    }
    if (!(summary?.monthToDate?.effectiveCost > 0))
      await new Promise(r => setTimeout(r, 1000));
  }
  if (!summary)
    throw new Error(
      `the demo summary never arrived (last status ${
        last || 'none: the guest has no catalog groups yet'
      })`,
    );
  const expected = new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: summary.currency,
    maximumFractionDigits: 0,
  }).format(summary.monthToDate.effectiveCost);

  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  const page = await browser.newPage({
    viewport: { width: 1440, height: 1000 },
  });
  // Opens a page and waits for a text, signing in as the guest when the sign-in
  // page shows. The dev server may still compile or reload on the first visits.
  async function visit(url, text) {
    for (let attempt = 1; ; attempt++) {
      await page.goto(url);
      const enter = page.getByRole('button', { name: /^enter$/i });
      const target = page.getByText(text).filter({ visible: true }).first();
      try {
        await enter.or(target).first().waitFor({ timeout: 60_000 });
        if (await enter.isVisible()) await enter.click();
        await target.waitFor({ timeout: 30_000 });
        return;
      } catch (error) {
        if (attempt === 4) throw error;
        console.log(
          `e2e: ${url} not ready (${error.message.split('\n')[0]}); retrying`,
        );
      }
    }
  }

  // The catalog lists entities by title; 'all', not just the guest's own.
  const label = e => e.metadata.title ?? e.metadata.name;
  await visit(
    `${appUrl}/?filters%5Bkind%5D=component&filters%5Buser%5D=all`,
    label(component),
  );
  await page.screenshot({
    path: path.join(shots, 'catalog.png'),
    fullPage: true,
  });
  const catalogText = await page.textContent('body');
  const listed = entities
    .filter(e => e?.kind === 'Component')
    .map(label)
    .filter(n => catalogText.includes(n));
  console.log(`e2e: catalog lists ${listed.length} demo components`);
  if (listed.length < 6)
    throw new Error(`catalog lists only ${listed.join(', ')}`);

  await visit(
    `${appUrl}/catalog/default/component/${component.metadata.name}`,
    expected,
  );
  await page.screenshot({
    path: path.join(shots, 'entity-cost-card.png'),
    fullPage: true,
  });
  console.log(
    `e2e: ${component.metadata.name} page shows the cost card with ${expected} month to date`,
  );

  // The other cards, against the engine routes' own numbers.
  const { token } = await guestIdentity();
  const api = async route => {
    const res = await fetch(`${backendUrl}/api/finops/${route}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!res.ok) throw new Error(`${route}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const entityApi = route =>
    api(`entities/component/default/${component.metadata.name}/${route}`);
  const [forecastData, efficiency, carbon, recommendations] = await Promise.all(
    [
      entityApi('forecast'),
      entityApi('efficiency'),
      entityApi('carbon'),
      entityApi('recommendations'),
    ],
  );
  const usd = (v, digits = Math.abs(v) >= 100 ? 0 : 2) =>
    new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency: summary.currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(v);
  const num = (v, digits = 0) =>
    new Intl.NumberFormat('en-US', { maximumFractionDigits: digits }).format(v);
  // What the four cards must show for an entity, from the backend's numbers;
  // a figure the backend leaves out (no tokens, say) is not looked for.
  const finite = v => typeof v === 'number' && Number.isFinite(v);
  const textsFor = (forecastData, efficiency, carbon, recommendations) =>
    Object.fromEntries(
      Object.entries({
        'cost forecast to month end':
          forecastData.monthEnd && usd(forecastData.monthEnd.mean),
        'GPU efficiency score':
          finite(efficiency.score) && `${num(efficiency.score)} / 100`,
        'GPU $ per 1M tokens':
          finite(efficiency.costPerMillionTokens) &&
          usd(efficiency.costPerMillionTokens, 2),
        'carbon kgCO2e':
          finite(carbon.totalKg) &&
          `${num(carbon.totalKg, carbon.totalKg < 10 ? 2 : 0)} kgCO2e`,
        'carbon gCO2e per 1M tokens':
          finite(carbon.gCo2ePerMillionTokens) &&
          num(carbon.gCo2ePerMillionTokens, 1),
        recommendations: recommendations.items.length
          ? `${usd(
              recommendations.totalMonthlySavings,
            )} a month in open savings`
          : 'No open recommendations',
      }).filter(([, text]) => text),
    );
  const cardTexts = textsFor(forecastData, efficiency, carbon, recommendations);
  for (const [what, text] of Object.entries(cardTexts)) {
    await page
      .getByText(text, { exact: false })
      .filter({ visible: true })
      .first()
      .waitFor({
        timeout: 60_000,
      });
    console.log(`e2e: card shows ${what}: ${text}`);
  }
  await page.screenshot({
    path: path.join(shots, 'entity-cards.png'),
    fullPage: true,
  });
  // The four cards, cropped: the picture the README shows.
  await page.screenshot({
    path: path.join(shots, 'readme-entity-cards.png'),
    clip: { x: 0, y: 0, width: 1440, height: 2280 },
    fullPage: true,
  });

  // The delivery card and the FinOps tab's delivery section of the entity
  // that names an Argo CD Application (chat-llm), against the backend's own
  // answer from the recorded Argo CD.
  await checkDelivery({
    page,
    appUrl,
    backendUrl,
    token: async () => (await guestIdentity()).token,
    entity: delivered,
    log: message => console.log(`e2e: ${message}`),
    screenshot: name =>
      page.screenshot({
        path: path.join(shots, `${name}.png`),
        fullPage: true,
      }),
  });

  // Every other inference component shows the four cards with its own numbers.
  const inference = entities.filter(
    e =>
      e?.kind === 'Component' &&
      e.metadata.annotations?.['ai-finops.io/gpu-model'] &&
      e.metadata.name !== component.metadata.name,
  );
  for (const other of inference) {
    const name = other.metadata.name;
    const route = r => api(`entities/component/default/${name}/${r}`);
    const [otherSummary, ...engine] = await Promise.all(
      ['summary', 'forecast', 'efficiency', 'carbon', 'recommendations'].map(
        route,
      ),
    );
    const texts = {
      'month to date': usd(otherSummary.monthToDate.effectiveCost, 0),
      ...textsFor(...engine),
    };
    await visit(
      `${appUrl}/catalog/default/component/${name}`,
      texts['month to date'],
    );
    for (const text of Object.values(texts)) {
      await page
        .getByText(text, { exact: false })
        .filter({ visible: true })
        .first()
        .waitFor({
          timeout: 60_000,
        });
    }
    console.log(`e2e: ${name} shows ${Object.values(texts).join(' | ')}`);
  }
  console.log(
    `e2e: all ${inference.length + 1} inference components show the four cards`,
  );

  // The FinOps tab: the cost chart, then a longer range redraws it.
  await visit(
    `${appUrl}/catalog/default/component/${component.metadata.name}/finops`,
    'Cost over time',
  );
  const costChart = page.getByTestId('finops-cost-chart');
  await costChart.waitFor({ timeout: 60_000 });
  const before = await costChart.getAttribute('data-summary');
  console.log(`e2e: FinOps tab chart: ${before}`);
  if (!before.includes('across 30 days'))
    throw new Error(`expected a 30-day chart, got: ${before}`);
  await page.getByLabel('Time range').selectOption('90d');
  await page.waitForFunction(
    () =>
      document
        .querySelector('[data-testid="finops-cost-chart"]')
        ?.getAttribute('data-summary')
        ?.includes('across 90 days'),
    null,
    { timeout: 60_000 },
  );
  const after = await costChart.getAttribute('data-summary');
  console.log(`e2e: after choosing the last 90 days: ${after}`);
  const bars = await page
    .locator('[data-testid="finops-cost-chart"] .recharts-bar-rectangle')
    .count();
  if (bars === 0) throw new Error('the cost chart drew no bars');
  for (const id of [
    'finops-forecast-chart',
    'finops-anomaly-chart',
    'finops-efficiency-chart',
    'finops-unit-economics-chart',
    'finops-carbon-chart',
  ]) {
    await page.getByTestId(id).waitFor({ timeout: 60_000 });
  }
  await page.screenshot({
    path: path.join(shots, 'entity-finops-tab.png'),
    fullPage: true,
  });
  console.log(`e2e: FinOps tab redraws on a new range (${bars} bars)`);

  // The organisation page.
  const today = new Date().toISOString().slice(0, 10);
  const allocation = await api(
    `allocation?from=${today.slice(0, 7)}-01&to=${today}`,
  );
  const orgTotal = usd(allocation.total.effectiveCost);
  // Reached as a user would: the sidebar's FinOps item (the page's nav item).
  const navLink = page.locator('a[href="/finops"]').first();
  await navLink.waitFor({ timeout: 60_000 });
  await navLink.click();
  await page.waitForURL(/\/finops$/, { timeout: 60_000 });
  await page
    .getByText('Top movers')
    .filter({ visible: true })
    .first()
    .waitFor({ timeout: 60_000 });
  console.log('e2e: the sidebar item FinOps opens the organisation page');
  await page
    .getByTestId('finops-org-total')
    .getByText(orgTotal, { exact: false })
    .filter({ visible: true })
    .waitFor({ timeout: 60_000 });
  await page.getByTestId('finops-unallocated').waitFor({ timeout: 60_000 });
  // The anomaly feed and budgets ask each large entity; wait for both.
  await page.getByTestId('finops-anomaly-feed').waitFor({ timeout: 120_000 });
  await page
    .getByTestId('finops-budgets')
    .getByText(component.metadata.name, { exact: false })
    .filter({ visible: true })
    .first()
    .waitFor({ timeout: 120_000 });
  // Savings found: the backend's own figure, in the Savings panel.
  const savings = await api('savings');
  const found = usd(savings.found.monthlySavings);
  await page
    .getByTestId('finops-savings-found')
    .getByText(found, { exact: false })
    .filter({ visible: true })
    .waitFor({ timeout: 120_000 });
  console.log(
    `e2e: organisation page shows ${found} a month in savings found across ${savings.found.entities} entities`,
  );
  await page.screenshot({
    path: path.join(shots, 'finops-organisation.png'),
    fullPage: true,
  });
  console.log(`e2e: organisation page shows ${orgTotal} month to date`);

  // The scaffolder: the inference-service template's cost preview shows the
  // backend's own estimate for the form's values, and the max-GPUs guardrail
  // denies 8 GPUs per replica.
  const templateName = parseAllDocuments(
    readFileSync(
      path.join(root, 'examples/templates/inference-service/template.yaml'),
      'utf8',
    ),
  )[0].toJS().metadata.name;
  const serviceName = 'e2e-preview-chat';
  await visit(
    `${appUrl}/create/templates/default/${templateName}`,
    'Cost center',
  );
  await page.getByRole('textbox', { name: /^Name/ }).fill(serviceName);
  const owner = page.getByRole('textbox', { name: /^Owner/ });
  await owner.click();
  // Options show the group's title (Platform Engineering) and filter by it.
  await owner.fill('Platform');
  await page
    .getByRole('option', { name: /platform[- ]engineering/i })
    .first()
    .click({ timeout: 60_000 });
  await page.getByRole('textbox', { name: /^Cost center/ }).fill('ml-42');
  const steps = templateSteps(page);
  const { next } = steps;
  await steps.toLastStepBeforePreview();
  const preview = page.getByRole('region', { name: 'Cost and guardrails' });
  // The estimate the field asks for, replayed with the guest's token.
  const previewEstimate = async open => {
    const response = page.waitForResponse(
      r =>
        r.url().endsWith('/api/finops/estimate') &&
        r.request().method() === 'POST' &&
        r.ok(),
      { timeout: 60_000 },
    );
    await open();
    const request = (await response).request();
    let last = request;
    // Debounced: the field may ask again as the form settles; take the last.
    for (;;) {
      const again = await page
        .waitForResponse(
          r =>
            r.url().endsWith('/api/finops/estimate') &&
            r.request().method() === 'POST',
          { timeout: 2_000 },
        )
        .catch(() => undefined);
      if (!again) break;
      last = again.request();
    }
    const values = last.postDataJSON();
    const res = await fetch(`${backendUrl}/api/finops/estimate`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(values),
    });
    if (!res.ok)
      throw new Error(`POST estimate: ${res.status} ${await res.text()}`);
    return { values, estimate: await res.json() };
  };
  const first = await previewEstimate(() => next.click());
  if (
    first.values.name !== serviceName ||
    first.values.owner !== 'group:default/platform-engineering' ||
    first.values.costCenter !== 'ml-42'
  )
    throw new Error(
      `the preview sent other values: ${JSON.stringify(first.values)}`,
    );
  const monthly = usd(first.estimate.monthlyCost);
  await preview
    .getByTestId('finops-preview-monthly-cost')
    .getByText(monthly, { exact: false })
    .filter({ visible: true })
    .waitFor({ timeout: 60_000 });
  const { guardrails } = first.estimate;
  if (!guardrails.configured)
    throw new Error('the backend has no guardrail policies configured');
  if (guardrails.passed) {
    await preview
      .getByText(
        `Guardrails passed: ${guardrails.checks} checks of ${guardrails.policies} policies`,
        { exact: false },
      )
      .filter({ visible: true })
      .waitFor({ timeout: 60_000 });
  } else {
    for (const d of guardrails.denied)
      await preview
        .getByRole('list', { name: 'Denied by the guardrails' })
        .getByText(d.message, { exact: false })
        .filter({ visible: true })
        .first()
        .waitFor({ timeout: 60_000 });
  }
  console.log(
    `e2e: scaffolder cost preview shows ${monthly} a month for ${
      first.values.gpuCount
    } × ${first.values.gpuType} (${
      guardrails.passed
        ? `guardrails passed: ${guardrails.checks} checks of ${guardrails.policies} policies`
        : `${guardrails.denied.length} denied`
    })`,
  );

  // Back to the GPUs, 8 per replica: the max-GPUs guardrail denies it.
  await steps.backToGpus();
  await steps.gpus.fill('8');
  await steps.fromGpusToLastStepBeforePreview();
  const eight = await previewEstimate(() => next.click());
  if (Number(eight.values.gpuCount) !== 8)
    throw new Error(
      `the preview sent gpuCount ${eight.values.gpuCount}, not 8`,
    );
  const denial = preview
    .getByRole('list', { name: 'Denied by the guardrails' })
    .getByText('at most 4 GPUs per container', { exact: false })
    .filter({ visible: true })
    .first();
  await denial.waitFor({ timeout: 60_000 });
  if (
    !eight.estimate.guardrails.denied.some(d =>
      d.message.includes('at most 4 GPUs per container'),
    )
  )
    throw new Error(
      `the backend does not deny 8 GPUs: ${JSON.stringify(
        eight.estimate.guardrails.denied,
      )}`,
    );
  const eightMonthly = usd(eight.estimate.monthlyCost);
  await preview
    .getByTestId('finops-preview-monthly-cost')
    .getByText(eightMonthly, { exact: false })
    .filter({ visible: true })
    .waitFor({ timeout: 60_000 });
  await page.screenshot({
    path: path.join(shots, 'scaffolder-cost-preview.png'),
    fullPage: true,
  });
  console.log(
    `e2e: with 8 GPUs per replica the preview shows ${eightMonthly} a month and the denial: ${(
      await denial.textContent()
    ).trim()}`,
  );

  // Notifications: chat-llm's month-end forecast is over its budget, so the
  // members of its owner group (the guest among them) get one notification,
  // shown on the notifications page; the next ingestion sends no second one.
  const notificationsApi = async (pathAndQuery, init = {}) => {
    const { token } = await guestIdentity();
    const res = await fetch(`${backendUrl}/api/notifications${pathAndQuery}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
      },
    });
    if (!res.ok)
      throw new Error(`notifications ${pathAndQuery}: ${res.status}`);
    return res.json();
  };
  const budgetAlerts = async () =>
    (await notificationsApi('/notifications?limit=100')).notifications.filter(
      n =>
        n.origin === 'plugin:finops' &&
        n.payload.topic === 'FinOps budget forecast' &&
        n.payload.link === '/catalog/default/component/chat-llm/finops',
    );
  let alerts = [];
  for (let i = 0; i < 120 && alerts.length === 0; i++) {
    alerts = await budgetAlerts();
    if (alerts.length === 0) await new Promise(r => setTimeout(r, 2000));
  }
  if (alerts.length !== 1)
    throw new Error(
      `expected one budget notification for chat-llm, got ${alerts.length}`,
    );
  const alert = alerts[0];
  await visit(`${appUrl}/notifications`, alert.payload.title);
  await page.screenshot({
    path: path.join(shots, 'notifications.png'),
    fullPage: true,
  });
  console.log(`e2e: the notifications page shows "${alert.payload.title}"`);

  // Read it; then ingest again (new data: every entity is recomputed) and
  // wait for the precompute pass after it. A re-send would add a second
  // notification or mark this one unread.
  await notificationsApi('/notifications/update', {
    method: 'POST',
    body: JSON.stringify({ ids: [alert.id], read: true }),
  });
  const passes = () =>
    (log.match(/FinOps results precomputed: \d+ of \d+ entities/g) ?? [])
      .length;
  const passesBefore = passes();
  const { token: adminToken } = await guestIdentity();
  const trigger = await fetch(
    `${backendUrl}/api/finops/ingestion/demo/trigger`,
    { method: 'POST', headers: { Authorization: `Bearer ${adminToken}` } },
  );
  if (trigger.status !== 202)
    throw new Error(`ingestion trigger: ${trigger.status}`);
  for (let i = 0; i < 150 && passes() === passesBefore; i++)
    await new Promise(r => setTimeout(r, 2000));
  if (passes() === passesBefore)
    throw new Error('no precompute pass after the triggered ingestion');
  const alertsAfter = await budgetAlerts();
  if (
    alertsAfter.length !== 1 ||
    alertsAfter[0].id !== alert.id ||
    !alertsAfter[0].read
  )
    throw new Error(
      `after the next ingestion: ${
        alertsAfter.length
      } budget notification(s), ${alertsAfter[0]?.read ? 'read' : 'unread'}`,
    );
  if (!/ingestion-trigger/.test(log))
    throw new Error('no ingestion-trigger audit event in the backend log');
  console.log(
    'e2e: after the next ingestion and recomputation, still one budget notification, still read; the trigger is in the audit log',
  );

  // MCP: an AI assistant's client lists the FinOps tools with the guest's
  // token and reads chat-llm's cost summary, the REST route's numbers.
  const { token: mcpToken } = await guestIdentity();
  const mcp = await checkMcp({
    backendUrl,
    token: mcpToken,
    entityRef: 'component:default/chat-llm',
    log: message => console.log(`e2e: ${message}`),
  });
  const restSummary = await (
    await fetch(
      `${backendUrl}/api/finops/entities/component/default/chat-llm/summary`,
      { headers: { Authorization: `Bearer ${mcpToken}` } },
    )
  ).json();
  if (
    mcp.summary.monthToDate?.effectiveCost !==
    restSummary.monthToDate?.effectiveCost
  )
    throw new Error(
      `MCP summary ${mcp.summary.monthToDate?.effectiveCost} is not the REST one ${restSummary.monthToDate?.effectiveCost}`,
    );
  console.log(
    `e2e: MCP client: ${
      mcp.tools
    } FinOps tools; chat-llm month to date ${mcp.summary.monthToDate.effectiveCost.toFixed(
      2,
    )} as over REST`,
  );

  // The home page's FinOps widget: the guest's teams' services, with spend
  // and open savings, each linking to its FinOps tab.
  const home = await checkHomeWidget({
    page,
    appUrl,
    log: message => console.log(`e2e: ${message}`),
  });
  if (
    home.empty ||
    !home.services.some(s => s.href.endsWith('/chat-llm/finops'))
  )
    throw new Error(
      `the home widget does not list chat-llm: ${JSON.stringify(home)}`,
    );
  await page.screenshot({ path: path.join(shots, 'home.png'), fullPage: true });
  console.log(
    `e2e: home widget shows ${home.monthToDate} month to date, ${home.savings} open savings, ${home.services.length} services`,
  );

  // Scorecards: the Tech Insights checks over the FinOps facts, as the
  // tech-insights backend runs them (chat-llm names its cost center,
  // query-embedder does not).
  const runChecks = async name => {
    for (let attempt = 1; ; attempt++) {
      const { token } = await guestIdentity();
      const res = await fetch(
        `${backendUrl}/api/tech-insights/checks/run/default/component/${name}`,
        {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${token}`,
            'Content-Type': 'application/json',
          },
          body: '{}',
        },
      );
      if (!res.ok) throw new Error(`tech-insights checks: ${res.status}`);
      const results = Object.fromEntries(
        (await res.json()).map(r => [r.check.id, r.result]),
      );
      // The cost facts arrive a minute after start.
      if ('finopsCostPerMillionTokens' in results || attempt === 60)
        return results;
      await new Promise(r => setTimeout(r, 2000));
    }
  };
  const chatChecks = await runChecks('chat-llm');
  const embedderChecks = await runChecks('query-embedder');
  if (
    chatChecks.finopsMonthlyBudget !== true ||
    chatChecks.finopsCostCenter !== true ||
    typeof chatChecks.finopsGpuEfficiency !== 'boolean' ||
    typeof chatChecks.finopsCostPerMillionTokens !== 'boolean' ||
    embedderChecks.finopsCostCenter !== false
  )
    throw new Error(
      `tech-insights checks: chat-llm ${JSON.stringify(
        chatChecks,
      )}, query-embedder ${JSON.stringify(embedderChecks)}`,
    );
  console.log(
    `e2e: Tech Insights checks of chat-llm ${JSON.stringify(
      chatChecks,
    )}; query-embedder names no cost center`,
  );

  console.log('e2e: 10 passed, 0 failed');
} catch (error) {
  console.error(`e2e: FAILED: ${error.message}`);
  const pages = browser?.contexts().flatMap(c => c.pages()) ?? [];
  if (pages[0]) {
    await pages[0].screenshot({
      path: path.join(shots, 'failure.png'),
      fullPage: true,
    });
    console.error(
      `e2e: screenshot of the failure in ${path.join(shots, 'failure.png')}`,
    );
  }
  // The portal's own log, whose end usually says why (CI keeps the folder).
  writeFileSync(path.join(shots, 'portal.log'), log);
  console.error(`e2e: the portal's log in ${path.join(shots, 'portal.log')}`);
  process.exitCode = 1;
} finally {
  await browser?.close();
  stop();
}
