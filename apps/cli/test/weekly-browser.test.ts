/**
 * The weekly report.html of a real `factorkit weekly` run (a strategy, the MFE tables, the fund
 * table, on a small synthetic market in a folder whose name is markup) in a real browser (Debian
 * chromium driven by playwright-core), opened from file:// with every other request refused:
 * every chart drawn, every table filled, the hostile folder name shown as text, no script, no
 * console error, no dialog; a screenshot is saved beside the output (`weekly-report.png`; with
 * `WEEKLY_SCREENSHOT` set, also copied there with the page beside it as `.html`).
 *
 * The browser work is `inspectReport` of `@factorkit/tooling/browser` (shared with the other
 * report tests): without chromium the test is skipped on a developer machine and FAILS when `CI`
 * is set (`.ci/run` installs chromium). `CHROMIUM_PATH` points at another binary.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { browserAvailability, inspectReport } from '@factorkit/tooling/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/index.js';
import { runCli } from './helpers.js';

const browser = browserAvailability();
if (browser.skip) console.warn(`browser test skipped: ${browser.path} not found (apt-get install chromium); with CI set it fails instead`);

const HOSTILE = '<img src=x onerror=alert(1)>';

let root: string;
let asOf: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'factorkit-cli-weekly-browser-'));
  const code = await run(['data', 'synth', '--out', HOSTILE, '--stocks', '250', '--years', '2', '--seed', '3', '--format', 'csv'], { stdout: () => undefined, stderr: () => undefined, cwd: root });
  if (code !== 0) throw new Error('could not write the test market');
  const calendar = readFileSync(join(root, HOSTILE, 'calendar.csv'), 'utf8').trimEnd().split('\n').slice(1);
  asOf = calendar.at(-3)!;
  const definition = {
    name: 'csi500-browser',
    universe: { index: '000905.SH' },
    benchmark: '95% 000905.SH + 5% deposit',
    start: `${asOf.slice(0, 4)}-01-05`,
    factors: ['momentum_1y', 'reversal_3m'],
    model: { id: 'equal' },
    rebalance: { every: 'month' },
    risk: false,
    constraints: [{ id: 'fully-invested' }, { id: 'long-only' }, { id: 'max-weight', params: { cap: 0.05 } }],
    infeasible: { policy: 'hold' },
  };
  writeFileSync(join(root, 'csi500.json'), JSON.stringify(definition));
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(browser.skip)(`the weekly report.html in chromium (${browser.path})`, () => {
  it('opens offline, draws every chart, fills every table and shows hostile text as text', async () => {
    const result = await runCli(
      ['weekly', '--data', HOSTILE, '--as-of', asOf, '--out', 'weekly', '--strategies', 'csi500.json', '--factors', 'momentum_1y,reversal_3m', '--tracking-start', `${asOf.slice(0, 4)}-01-05`, '--workers', '0'],
      root,
    );
    expect(result.code, result.err).toBe(0);
    const file = join(root, 'weekly', 'report.html');
    const shot = join(root, 'weekly-report.png');
    const page = await inspectReport(file, { screenshot: shot, viewport: { width: 1280, height: 900 } });
    for (const heading of ['This week', 'Enhanced strategies', 'MFE factors — 000905.SH', 'Public funds: excess distribution']) expect(page.headings.some((h) => h.includes(heading)), heading).toBe(true);
    // The strategies' excess curve and the MFE bar chart: every chart has drawn marks.
    expect(page.charts.length).toBeGreaterThanOrEqual(2);
    for (const chart of page.charts) expect(chart.paths, chart.title).toBeGreaterThan(0);
    // Every table has rows.
    expect(page.tables.length).toBeGreaterThanOrEqual(6);
    for (const table of page.tables) expect(table.rows, table.title).toBeGreaterThan(0);
    expect(page.cells).toContain('csi500-browser');
    expect(page.cells).toContain('momentum_1y');
    // The hostile folder name is in the page as escaped text, and no element came of it.
    expect(readFileSync(file, 'utf8')).toContain(HOSTILE.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    expect(page.scripts).toBe(0);
    expect(page.images).toBe(0);
    expect(page.requests).toEqual([]);
    expect(page.errors).toEqual([]);
    expect(page.dialogs).toEqual([]);
    if (process.env.WEEKLY_SCREENSHOT) {
      copyFileSync(shot, process.env.WEEKLY_SCREENSHOT);
      copyFileSync(file, `${process.env.WEEKLY_SCREENSHOT}.html`);
    }
    const png = readFileSync(shot);
    expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect(png.readUInt32BE(16)).toBe(1280);
    expect(png.readUInt32BE(20)).toBeGreaterThan(1500);
    expect(statSync(shot).size).toBeGreaterThan(50_000);
  }, 180_000);
});
