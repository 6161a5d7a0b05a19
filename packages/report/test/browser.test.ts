/**
 * The page in a real browser (Debian chromium driven by playwright-core): opened from file://
 * with every request refused, it must draw its charts, show hostile text as text, log no error
 * and fire no dialog.
 *
 * Without /usr/bin/chromium the test is skipped on a developer machine and FAILS when `CI` is
 * set, so CI cannot pass by skipping it (`.ci/run` installs chromium). `CHROMIUM_PATH` points at
 * another binary; `REPORT_SCREENSHOT` keeps the screenshot at that path (and the page beside it, `.html`) for a look.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReportDocument, type TableBlock, writeReport } from '../src/index.js';
import { sampleDocument } from './fixture.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false' && process.env.CI !== '0';
const skip = !present && !inCi;
if (skip) console.warn(`browser test skipped: ${CHROMIUM} not found (apt-get install chromium); with CI set it fails instead`);

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];
const HOSTILE = '<script>alert(1)</script>';
const HOSTILE_SERIES = '<img src=x onerror=alert(2)>';

function hostileDocument(): ReportDocument {
  const doc = sampleDocument();
  const [first, second] = doc.sections;
  const table = first!.blocks[0] as TableBlock;
  const chart = first!.blocks[1]!;
  if (chart.kind !== 'lineChart') throw new Error('fixture changed: the second block should be the excess chart');
  return {
    ...doc,
    sections: [
      {
        ...first!,
        blocks: [
          { ...table, rows: [...table.rows, { factor: HOSTILE, week: 0.001 }] },
          { ...chart, series: [...chart.series.slice(0, -1), { name: HOSTILE_SERIES, values: chart.series.at(-1)!.values }] },
          ...first!.blocks.slice(2),
        ],
      },
      second!,
    ],
  };
}

/** Width, height and the inflated (still filtered) pixel bytes of a PNG, read by hand. */
function readPng(file: string): { width: number; height: number; pixels: Buffer } {
  const data = readFileSync(file);
  expect(data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < data.length) {
    const length = data.readUInt32BE(offset);
    const type = data.toString('latin1', offset + 4, offset + 8);
    const body = data.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
    } else if (type === 'IDAT') idat.push(body);
    offset += 12 + length;
  }
  return { width, height, pixels: inflateSync(Buffer.concat(idat)) };
}

describe.skipIf(skip)(`report.html in chromium (${CHROMIUM})`, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'factorkit-report-browser-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens offline with no request, no console error, no dialog; draws every chart; shows hostile text as text', async () => {
    if (!present) throw new Error(`CI is set but ${CHROMIUM} is missing: install Debian chromium (apt-get install -y chromium); this test must not be skipped in CI`);
    const file = await writeReport(join(dir, 'out.html'), hostileDocument());
    const url = pathToFileURL(file).href;
    const profile = join(dir, 'profile');
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1400, height: 900 } });
    try {
      const requests: string[] = [];
      const errors: string[] = [];
      const dialogs: string[] = [];
      await context.route('**/*', async (route) => {
        const target = route.request().url();
        if (target === url) return route.continue();
        requests.push(target);
        return route.abort();
      });
      const page = context.pages()[0] ?? (await context.newPage());
      page.on('request', (request) => {
        if (request.url() !== url) requests.push(request.url());
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

      // Expressions as text: this package's TypeScript has no DOM types.
      const pathsPerChart = await page.evaluate<number[]>("[...document.querySelectorAll('.chart')].map((chart) => chart.querySelectorAll('svg path').length)");
      expect(pathsPerChart).toHaveLength(3);
      for (const count of pathsPerChart) expect(count).toBeGreaterThan(0);

      const cells = await page.evaluate<string[]>("[...document.querySelectorAll('td')].map((td) => td.textContent)");
      expect(cells).toContain(HOSTILE);
      const legend = await page.evaluate<string[]>("[...document.querySelectorAll('ul.legend li')].map((item) => item.textContent)");
      expect(legend.some((text) => text.startsWith(HOSTILE_SERIES))).toBe(true);
      expect(await page.evaluate<number>("document.querySelectorAll('script').length")).toBe(0);
      expect(await page.evaluate<number>("document.querySelectorAll('img').length")).toBe(0);

      const shot = join(dir, 'page.png');
      await page.screenshot({ path: shot, fullPage: true });
      if (process.env.REPORT_SCREENSHOT) {
        copyFileSync(shot, process.env.REPORT_SCREENSHOT);
        copyFileSync(file, `${process.env.REPORT_SCREENSHOT}.html`);
      }
      await page.waitForTimeout(200);

      expect(requests).toEqual([]);
      expect(errors).toEqual([]);
      expect(dialogs).toEqual([]);

      const png = readPng(shot);
      expect(png.width).toBe(1400);
      expect(png.height).toBeGreaterThan(1500);
      expect(statSync(shot).size).toBeGreaterThan(50_000);
      // A blank or one-colour page inflates to a handful of distinct byte values.
      expect(new Set(png.pixels.subarray(0, 2_000_000)).size).toBeGreaterThan(100);
    } finally {
      await context.close();
    }
  });
});
