/**
 * The sweep page in a real browser (Debian chromium through `@factorkit/tooling/browser`), opened
 * from file:// with every other request refused: every chart draws, every table is filled,
 * hostile names, values and messages show as text, nothing is requested, logged or alerted.
 *
 * Without /usr/bin/chromium the test is skipped on a developer machine and FAILS when `CI` is set.
 * `SWEEP_REPORT_OUT=<folder>` keeps the page and its screenshot there for a look.
 */
import { writeReport } from '@factorkit/report';
import { browserAvailability, inspectReport } from '@factorkit/tooling/browser';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sweepReport } from '../src/index.js';
import { EVIL, EVIL_MESSAGE, sweepFixture } from './sweep-fixture.js';

const browser = browserAvailability();
if (browser.skip) console.warn(`browser test skipped: ${browser.path} not found (apt-get install chromium); with CI set it fails instead`);

const keep = process.env.SWEEP_REPORT_OUT;
const root = keep ?? mkdtempSync(join(tmpdir(), 'factorkit-sweep-browser-'));
afterAll(() => {
  if (keep === undefined) rmSync(root, { recursive: true, force: true });
});

describe.skipIf(browser.skip)(`the sweep report.html in chromium (${browser.path})`, () => {
  it('draws every chart, fills every table, shows hostile text as text and loads nothing', async () => {
    const doc = sweepReport(sweepFixture({ hostile: true }), { generatedAt: '2026-12-06T12:00:00Z', data: 'hand-made' });
    mkdirSync(root, { recursive: true });
    const file = await writeReport(root, doc);
    const screenshot = join(root, 'report.png');
    const seen = await inspectReport(file, { screenshot });

    expect(seen.requests).toEqual([]);
    expect(seen.errors).toEqual([]);
    expect(seen.dialogs).toEqual([]);
    expect(seen.scripts).toBe(0);
    expect(seen.images).toBe(0);

    const charts = doc.sections.flatMap((s) => s.blocks.filter((b) => b.kind === 'lineChart' || b.kind === 'barChart').map((b) => b.title));
    expect(charts).toHaveLength(3);
    expect(seen.charts.map((c) => c.title)).toEqual(charts);
    for (const chart of seen.charts) {
      expect(chart.svg, chart.title).toBe(1);
      expect(chart.paths, chart.title).toBeGreaterThan(3);
    }
    const tables = doc.sections.flatMap((s) => s.blocks.filter((b) => b.kind === 'table'));
    expect(seen.tables.map((t) => t.title)).toEqual(tables.map((t) => t.title ?? ''));
    seen.tables.forEach((table, i) => {
      const block = tables[i]!;
      expect(table.rows, table.title).toBe(block.kind === 'table' ? block.rows.length : -1);
      expect(table.rows, table.title).toBeGreaterThan(0);
      expect(table.emptyCells, table.title).toBe(0);
    });
    expect(seen.headings.map((h) => h.replace(/^\d+\. /, ''))).toEqual(doc.sections.map((s) => s.title));
    // The hostile model id in the ranking, the stopped variant's name, the failed one's message: as text.
    expect(seen.cells).toContain(EVIL);
    expect(seen.cells).toContain(`stop-${EVIL}`);
    expect(seen.cells).toContain(`no index ${EVIL_MESSAGE}`);
    expect(seen.legend.some((item) => item.startsWith('grid-4 (base-like)'))).toBe(true);
    expect(readFileSync(screenshot).subarray(1, 4).toString('latin1')).toBe('PNG');
  }, 90_000);
});
