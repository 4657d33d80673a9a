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

// The browser check of scripts/verify-install.sh, against a running stock
// portal with the suite installed (adapted from e2e/portal.e2e.mjs). In
// headless Debian Chromium it signs in as the guest and checks, each against
// the backend's own figures:
//
//   catalog         the demo components are listed
//   entity cards    an annotated inference service shows cost (with its
//                   month-end forecast), GPU efficiency, carbon and
//                   recommendations
//   FinOps tab      the cost chart is drawn
//   sidebar         the stock sidebar lists FinOps and it opens the
//                   organisation page: allocation total, budgets, anomaly
//                   feed and savings found
//   cost preview    the template's cost preview shows the estimate for the
//                   form's values, and the max-GPUs denial at 8 GPUs
//
// The demo entities and the template are read from the portal's installed
// packages, as the portal's catalog reads them. Prints one line per check and
// `browser: N passed, M failed`; exits 1 when any failed.
//
//   node browser-check.mjs --portal DIR --app URL --backend URL --shots DIR
//     [--catalog-path /catalog]   (where the app mounts the catalog; default /)

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { parseAllDocuments } from 'yaml';
import { templateSteps } from '../../e2e/templateSteps.mjs';

const { values: args } = parseArgs({
  options: {
    portal: { type: 'string' },
    app: { type: 'string' },
    backend: { type: 'string' },
    shots: { type: 'string' },
    'catalog-path': { type: 'string', default: '/' },
  },
});
for (const key of ['portal', 'app', 'backend', 'shots'])
  if (!args[key]) {
    console.error(`browser: --${key} is required`);
    process.exit(2);
  }
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  console.error(
    `browser: no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)`,
  );
  process.exit(2);
}
const { app: appUrl, backend: backendUrl, shots } = args;
mkdirSync(shots, { recursive: true });

const installed = path.join(args.portal, 'node_modules/@ai-finops');
const readYaml = file =>
  parseAllDocuments(readFileSync(file, 'utf8')).map(d => d.toJS());
const entities = readYaml(
  path.join(
    installed,
    'backstage-plugin-finops-backend-module-demo/examples/entities.yaml',
  ),
);
const template = readYaml(
  path.join(
    installed,
    'backstage-plugin-scaffolder-backend-module-finops/templates/inference-service/template.yaml',
  ),
)[0];
const component = entities.find(
  e =>
    e?.kind === 'Component' &&
    e.metadata.annotations?.['ai-finops.io/gpu-model'] &&
    e.metadata.annotations?.['backstage.io/kubernetes-id'],
);
const label = e => e.metadata.title ?? e.metadata.name;
const sleep = ms => new Promise(r => setTimeout(r, ms));

/** The guest's token and identity; retried while the backend starts. */
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
      await sleep(2000);
    }
  }
}

let passed = 0;
let failed = 0;
const results = [];
let browser;
let page;
async function check(name, fn) {
  const started = Date.now();
  try {
    const detail = await fn();
    passed++;
    results.push(name);
    console.log(
      `browser: PASS ${name} (${((Date.now() - started) / 1000).toFixed(
        1,
      )} s): ${detail}`,
    );
    return true;
  } catch (error) {
    failed++;
    console.log(`browser: FAIL ${name}: ${error.message.split('\n')[0]}`);
    if (page) {
      const file = path.join(shots, `failure-${name.replace(/\W+/g, '-')}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => {});
      console.log(`browser: screenshot of the failure: ${file}`);
    }
    return false;
  }
}

try {
  // The demo is ingested and the guest resolves to the demo's admin group.
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
        { headers: { Authorization: `Bearer ${token}` } },
      );
      last = `${res.status}`;
      summary = res.ok ? await res.json() : undefined;
    } else {
      last = `the guest is ${identity.userEntityRef}, owning ${identity.ownershipEntityRefs}`;
    }
    if (!(summary?.monthToDate?.effectiveCost > 0)) await sleep(1000);
  }
  if (!summary)
    throw new Error(`the demo summary never arrived (last: ${last || 'none'})`);
  const { token } = await guestIdentity();
  const api = async (route, init) => {
    const res = await fetch(`${backendUrl}/api/finops/${route}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
      },
    });
    if (!res.ok) throw new Error(`${route}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const usd = (v, digits = Math.abs(v) >= 100 ? 0 : 2) =>
    new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency: summary.currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(v);
  const num = (v, digits = 0) =>
    new Intl.NumberFormat('en-US', { maximumFractionDigits: digits }).format(v);
  const finite = v => typeof v === 'number' && Number.isFinite(v);

  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  // Opens a page and waits for a text, signing in as the guest when the
  // sign-in page shows; the dev server may still compile on the first visits.
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
          `browser: ${url} not ready (${
            error.message.split('\n')[0]
          }); retrying`,
        );
      }
    }
  }

  await check('catalog', async () => {
    await visit(
      `${appUrl}${args['catalog-path']}?filters%5Bkind%5D=component&filters%5Buser%5D=all`,
      label(component),
    );
    await page.screenshot({
      path: path.join(shots, 'catalog.png'),
      fullPage: true,
    });
    const text = await page.textContent('body');
    const listed = entities
      .filter(e => e?.kind === 'Component')
      .map(label)
      .filter(n => text.includes(n));
    if (listed.length < 6)
      throw new Error(`the catalog lists only ${listed.join(', ')}`);
    return `signed in as the guest; ${listed.length} demo components listed`;
  });

  await check('entity cards', async () => {
    const name = component.metadata.name;
    const entityApi = route =>
      api(`entities/component/default/${name}/${route}`);
    const [forecast, efficiency, carbon, recommendations] = await Promise.all(
      ['forecast', 'efficiency', 'carbon', 'recommendations'].map(entityApi),
    );
    const texts = Object.fromEntries(
      Object.entries({
        'cost month to date': new Intl.NumberFormat('en-US', {
          style: 'currency',
          currency: summary.currency,
          maximumFractionDigits: 0,
        }).format(summary.monthToDate.effectiveCost),
        'forecast to month end':
          forecast.monthEnd && usd(forecast.monthEnd.mean),
        'GPU efficiency':
          finite(efficiency.score) && `${num(efficiency.score)} / 100`,
        'GPU $ per 1M tokens':
          finite(efficiency.costPerMillionTokens) &&
          usd(efficiency.costPerMillionTokens, 2),
        carbon:
          finite(carbon.totalKg) &&
          `${num(carbon.totalKg, carbon.totalKg < 10 ? 2 : 0)} kgCO2e`,
        recommendations: recommendations.items.length
          ? `${usd(
              recommendations.totalMonthlySavings,
            )} a month in open savings`
          : 'No open recommendations',
      }).filter(([, text]) => text),
    );
    for (const what of [
      'forecast to month end',
      'GPU efficiency',
      'carbon',
      'recommendations',
    ])
      if (!texts[what]) throw new Error(`the backend gives no ${what} figure`);
    await visit(
      `${appUrl}/catalog/default/component/${name}`,
      texts['cost month to date'],
    );
    for (const text of Object.values(texts))
      await page
        .getByText(text, { exact: false })
        .filter({ visible: true })
        .first()
        .waitFor({ timeout: 60_000 });
    await page.screenshot({
      path: path.join(shots, 'entity-cards.png'),
      fullPage: true,
    });
    return `${name}: ${Object.entries(texts)
      .map(([k, v]) => `${k} ${v}`)
      .join('; ')}`;
  });

  await check('FinOps tab', async () => {
    await visit(
      `${appUrl}/catalog/default/component/${component.metadata.name}/finops`,
      'Cost over time',
    );
    const chart = page.getByTestId('finops-cost-chart');
    await chart.waitFor({ timeout: 60_000 });
    const summaryText = await chart.getAttribute('data-summary');
    const bars = await page
      .locator('[data-testid="finops-cost-chart"] .recharts-bar-rectangle')
      .count();
    if (!bars) throw new Error(`the cost chart drew no bars (${summaryText})`);
    await page.screenshot({
      path: path.join(shots, 'entity-finops-tab.png'),
      fullPage: true,
    });
    return `${summaryText} (${bars} bars)`;
  });

  await check('sidebar to organisation page', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const allocation = await api(
      `allocation?from=${today.slice(0, 7)}-01&to=${today}`,
    );
    const total = usd(allocation.total.effectiveCost);
    const item = page.locator(
      'nav[aria-label="sidebar nav"] a[href="/finops"]',
    );
    await item.first().waitFor({ timeout: 60_000 });
    const title = (await item.first().textContent()).trim();
    await item.first().click();
    await page.waitForURL(/\/finops$/, { timeout: 60_000 });
    await page
      .getByTestId('finops-org-total')
      .getByText(total, { exact: false })
      .filter({ visible: true })
      .waitFor({ timeout: 60_000 });
    // The panels that ask each large entity: anomalies, budgets, savings.
    const savings = usd((await api('savings')).found.monthlySavings);
    await page.getByTestId('finops-anomaly-feed').waitFor({ timeout: 120_000 });
    await page
      .getByTestId('finops-budgets')
      .getByText(component.metadata.name, { exact: false })
      .filter({ visible: true })
      .first()
      .waitFor({ timeout: 120_000 });
    await page
      .getByTestId('finops-savings-found')
      .getByText(savings, { exact: false })
      .filter({ visible: true })
      .waitFor({ timeout: 120_000 });
    await page.screenshot({
      path: path.join(shots, 'finops-organisation.png'),
      fullPage: true,
    });
    return `the sidebar item "${title}" opens /finops: ${total} month to date, budgets, anomalies, ${savings} a month in savings found`;
  });

  await check('template cost preview', async () => {
    await visit(
      `${appUrl}/create/templates/default/${template.metadata.name}`,
      'Cost center',
    );
    await page.getByRole('textbox', { name: /^Name/ }).fill('verify-chat');
    const owner = page.getByRole('textbox', { name: /^Owner/ });
    await owner.click();
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
    // The estimate the field asked for (the last, it is debounced), replayed.
    const estimateFor = async open => {
      const isEstimate = r =>
        r.url().endsWith('/api/finops/estimate') &&
        r.request().method() === 'POST';
      const first = page.waitForResponse(r => isEstimate(r) && r.ok(), {
        timeout: 60_000,
      });
      await open();
      let request = (await first).request();
      for (;;) {
        const again = await page
          .waitForResponse(isEstimate, { timeout: 2_000 })
          .catch(() => undefined);
        if (!again) break;
        request = again.request();
      }
      const values = request.postDataJSON();
      return {
        values,
        estimate: await api('estimate', {
          method: 'POST',
          body: JSON.stringify(values),
        }),
      };
    };
    const one = await estimateFor(() => next.click());
    const monthly = usd(one.estimate.monthlyCost);
    await preview
      .getByTestId('finops-preview-monthly-cost')
      .getByText(monthly, { exact: false })
      .filter({ visible: true })
      .waitFor({ timeout: 60_000 });
    const { guardrails } = one.estimate;
    if (!guardrails.configured)
      throw new Error('the backend has no guardrail policies configured');
    await page.screenshot({
      path: path.join(shots, 'scaffolder-cost-preview.png'),
      fullPage: true,
    });

    // 8 GPUs per replica: the max-GPUs guardrail denies it.
    await steps.backToGpus();
    await steps.gpus.fill('8');
    await steps.fromGpusToLastStepBeforePreview();
    const eight = await estimateFor(() => next.click());
    const denial = 'at most 4 GPUs per container';
    if (!eight.estimate.guardrails.denied.some(d => d.message.includes(denial)))
      throw new Error(`the backend does not deny 8 GPUs per replica`);
    await preview
      .getByRole('list', { name: 'Denied by the guardrails' })
      .getByText(denial, { exact: false })
      .filter({ visible: true })
      .first()
      .waitFor({ timeout: 60_000 });
    await page.screenshot({
      path: path.join(shots, 'scaffolder-cost-preview-denied.png'),
      fullPage: true,
    });
    return `${monthly} a month for ${one.values.gpuCount} × ${
      one.values.gpuType
    } (${
      guardrails.passed
        ? `guardrails passed: ${guardrails.checks} checks of ${guardrails.policies} policies`
        : `${guardrails.denied.length} denied`
    }); at 8 GPUs per replica ${usd(
      eight.estimate.monthlyCost,
    )} a month and "${denial}"`;
  });
} catch (error) {
  failed++;
  console.log(`browser: FAIL setup: ${error.message}`);
} finally {
  await browser?.close();
}
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
