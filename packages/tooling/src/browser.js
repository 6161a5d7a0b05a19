// @ts-check
/**
 * The report browser check, shared by every package whose output is a `@factorkit/report` page:
 * open the page from file:// in headless Debian chromium (driven by playwright-core) with every
 * other request refused, and return what a test asserts on — requests, console errors, dialogs,
 * each chart's drawn paths, each table's rows and empty cells — after saving a full-page
 * screenshot (PNG) for a person to look at.
 *
 * Without the browser a test is skipped on a developer machine and FAILS when `CI` is set
 * (`.ci/run` installs chromium), so CI cannot pass by skipping it. `CHROMIUM_PATH` points at
 * another binary.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];

/** The chromium binary, whether it is there, and whether a browser test should be skipped. */
export function browserAvailability() {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const present = existsSync(path);
  const ci = process.env.CI;
  const inCi = ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
  return { path, present, inCi, skip: !present && !inCi };
}

// Run in the page; a string so that no package needs DOM types.
const INSPECT = `(() => {
  const text = (node) => (node ? node.textContent.trim() : '');
  const titleOf = (figure) => text(figure.querySelector('h3'));
  return {
    charts: [...document.querySelectorAll('figure.chart-block')].map((figure) => ({
      title: titleOf(figure),
      svg: figure.querySelectorAll('.chart svg').length,
      paths: figure.querySelectorAll('.chart svg path').length,
    })),
    tables: [...document.querySelectorAll('figure.table-block')].map((figure) => {
      const cells = [...figure.querySelectorAll('tbody td')];
      return { title: titleOf(figure), rows: figure.querySelectorAll('tbody tr').length, emptyCells: cells.filter((td) => td.textContent === '').length };
    }),
    cells: [...document.querySelectorAll('td')].map((td) => td.textContent),
    legend: [...document.querySelectorAll('ul.legend li')].map((li) => li.textContent),
    headings: [...document.querySelectorAll('section.report-section > h2')].map((h) => h.textContent),
    scripts: document.querySelectorAll('script').length,
    images: document.querySelectorAll('img, iframe, object, embed').length,
    height: document.documentElement.scrollHeight,
  };
})()`;

/**
 * Open `file` (an HTML report) in chromium and inspect it; see `browser.d.ts` for the result.
 *
 * @param {string} file
 * @param {{ screenshot?: string; viewport?: { width: number; height: number } }} [options]
 */
export async function inspectReport(file, options = {}) {
  const { path, present } = browserAvailability();
  if (!present) throw new Error(`${path} is missing: install Debian chromium (apt-get install -y chromium); with CI set a browser test must not be skipped`);
  const url = pathToFileURL(file).href;
  const profile = mkdtempSync(join(tmpdir(), 'factorkit-browser-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: path, headless: true, args: ARGS, viewport: options.viewport ?? { width: 1280, height: 900 } });
  try {
    /** @type {string[]} */
    const requests = [];
    /** @type {string[]} */
    const errors = [];
    /** @type {string[]} */
    const dialogs = [];
    await context.route('**/*', async (route) => {
      const target = route.request().url();
      if (target === url) return route.continue();
      requests.push(target);
      return route.abort();
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (request) => {
      if (request.url() !== url && !requests.includes(request.url())) requests.push(request.url());
    });
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') errors.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(url, { waitUntil: 'load' });
    const seen = await page.evaluate(INSPECT);
    if (options.screenshot !== undefined) await page.screenshot({ path: options.screenshot, fullPage: true });
    // Late requests or errors (a lazy image, a deferred script) would show up here.
    await page.waitForTimeout(200);
    return { ...seen, requests, errors, dialogs };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
