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

// The home page widget "My services' spend" (home-page-widget:finops/owned-spend)
// as a person sees it at /home. For the portal check (portal.e2e.mjs), which
// signs in first and calls checkHomeWidget with its page:
//
//   import { checkHomeWidget } from './home.mjs';
//   const home = await checkHomeWidget({ page, appUrl, log: console.log });
//
// The widget shows the signed-in user's (and their groups') services with
// cost data: month-to-date spend, the month-end forecast the backend keeps,
// open savings per month, and the largest services, each linking to its
// FinOps tab (/catalog/<namespace>/<kind>/<name>/finops).

const TITLE = "My services' spend";

/**
 * Visits /home on a signed-in page and waits for the widget's figures (or
 * its empty state). Returns what it shows:
 * `{ empty: false, monthToDate, forecast, savings, services: [{ name, href, text }] }`
 * (the figures as shown, e.g. `$15,363`, `$74,004`, `$7,399/month`)
 * or `{ empty: true, message }`. Throws when the widget does not appear.
 *
 * @param {{ page: import('playwright-core').Page, appUrl: string, log?: (message: string) => void, timeoutMs?: number }} options
 */
export async function checkHomeWidget({
  page,
  appUrl,
  log = () => {},
  timeoutMs = 120_000,
}) {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    const title = page.getByText(TITLE, { exact: true }).first();
    const figures = page.getByTestId('finops-owned-month-to-date');
    const empty = page.getByText('No services with cost data');
    // An error state: the backend refused or failed (a 404 while the finops
    // plugin still starts shows "No data yet").
    const failed = page
      .getByText(/^(Could not load FinOps data|Permission denied|No data yet)$/)
      .first();
    try {
      // The dev server may still compile or reload on the first visits.
      await page.goto(`${appUrl}/home`, { timeout: 120_000 });
      await title.waitFor({ timeout: 60_000 });
      // The figures once the backend answered; the empty state when the user
      // owns nothing with cost data.
      await figures.or(empty).or(failed).first().waitFor({ timeout: 60_000 });
      if (await failed.isVisible()) {
        throw new Error(
          `the widget shows "${(await failed.textContent()).trim()}"`,
        );
      }
      break;
    } catch (error) {
      if (Date.now() > deadline || attempt === 4) {
        throw new Error(
          `home: the widget "${TITLE}" did not show at ${appUrl}/home: ${
            error.message.split('\n')[0]
          }`,
        );
      }
      log(`home: /home not ready (${error.message.split('\n')[0]}); retrying`);
    }
  }

  if (await page.getByText('No services with cost data').isVisible()) {
    const message = (
      await page.getByRole('status').first().textContent()
    ).trim();
    log(`home: empty state: ${message}`);
    return { empty: true, message };
  }

  const text = async testId =>
    (await page.getByTestId(testId).first().textContent()).trim();
  const widget = page.getByTestId('finops-owned-spend');
  const services = [];
  for (const row of await widget.getByTestId('finops-owned-service').all()) {
    const link = row.getByRole('link').first();
    services.push({
      name: (await link.textContent()).trim(),
      href: await link.getAttribute('href'),
      text: (await row.textContent()).trim(),
    });
  }
  const shown = {
    empty: false,
    monthToDate: await text('finops-owned-month-to-date'),
    forecast: await text('finops-owned-forecast'),
    savings: await text('finops-owned-savings'),
    services,
  };
  log(
    `home: ${TITLE}: month to date ${shown.monthToDate}, forecast ${
      shown.forecast
    }, open savings ${shown.savings}; ${services
      .map(s => `${s.name} -> ${s.href}`)
      .join(', ')}`,
  );
  return shown;
}
