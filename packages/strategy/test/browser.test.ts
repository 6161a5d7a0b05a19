/**
 * The strategy page in a real browser (Debian chromium through `@factorkit/tooling/browser`),
 * opened from file:// with every other request refused: every chart draws, every table is filled,
 * hostile names show as text, nothing is requested, nothing is logged, no dialog fires; a
 * full-page screenshot `report.png` is saved beside `report.html`.
 *
 * Without /usr/bin/chromium the test is skipped on a developer machine and FAILS when `CI` is set.
 * `STRATEGY_REPORT_OUT=<folder>` keeps the page and its screenshot there for a look (otherwise a
 * temporary folder, removed after).
 */
import { writeReport } from '@factorkit/report';
import { browserAvailability, inspectReport } from '@factorkit/tooling/browser';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { strategyReport } from '../src/report/index.js';
import { strategyFixture } from './report-fixture.js';

const browser = browserAvailability();
if (browser.skip) console.warn(`browser test skipped: ${browser.path} not found (apt-get install chromium); with CI set it fails instead`);

const EVIL = '<script>alert(1)</script>';
const keep = process.env.STRATEGY_REPORT_OUT;
const root = keep ?? mkdtempSync(join(tmpdir(), 'factorkit-strategy-browser-'));
afterAll(() => {
  if (keep === undefined) rmSync(root, { recursive: true, force: true });
});

describe.skipIf(browser.skip)(`the strategy report.html in chromium (${browser.path})`, () => {
  it('draws every chart, fills every table, shows hostile text as text and loads nothing', async () => {
    const { result } = strategyFixture({ name: EVIL, hostileCode: EVIL, hostileText: '<img src=x onerror=alert(2)>' });
    const doc = strategyReport(result, { generatedAt: '2026-12-06T12:00:00Z', data: 'synthetic (seed 5)' });
    mkdirSync(root, { recursive: true });
    const file = await writeReport(root, doc);
    expect(file).toBe(join(root, 'report.html'));
    const screenshot = join(root, 'report.png');
    const seen = await inspectReport(file, { screenshot });

    expect(seen.requests).toEqual([]);
    expect(seen.errors).toEqual([]);
    expect(seen.dialogs).toEqual([]);
    expect(seen.scripts).toBe(0);
    expect(seen.images).toBe(0);

    // Every chart block of the document is on the page, each an SVG with drawn paths.
    const charts = doc.sections.flatMap((s) => s.blocks.filter((b) => b.kind === 'lineChart' || b.kind === 'barChart').map((b) => b.title));
    expect(seen.charts.map((c) => c.title)).toEqual(charts);
    for (const chart of seen.charts) {
      expect(chart.svg, chart.title).toBe(1);
      // Axes, grid and at least one drawn series.
      expect(chart.paths, chart.title).toBeGreaterThan(3);
    }
    // Every table block, each with its rows and no blank cell.
    const tables = doc.sections.flatMap((s) => s.blocks.filter((b) => b.kind === 'table'));
    expect(seen.tables.map((t) => t.title)).toEqual(tables.map((t) => t.title));
    seen.tables.forEach((table, i) => {
      expect(table.rows, table.title).toBe(tables[i]!.kind === 'table' ? tables[i]!.rows.length : -1);
      expect(table.rows, table.title).toBeGreaterThan(0);
      expect(table.emptyCells, table.title).toBe(0);
    });
    expect(seen.headings.map((h) => h.replace(/^\d+\. /, ''))).toEqual(doc.sections.map((s) => s.title));
    expect(seen.cells).toContain(EVIL);
    expect(seen.legend.some((item) => item.startsWith(EVIL))).toBe(true);

    // The screenshot is a real, non-blank page.
    const png = readFileSync(screenshot);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(1280);
    expect(png.readUInt32BE(20)).toBe(seen.height);
    expect(seen.height).toBeGreaterThan(5000);
    expect(statSync(screenshot).size).toBeGreaterThan(200_000);
  }, 90_000);
});
