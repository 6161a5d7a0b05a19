/**
 * ep_q: golden values on a hand-made panel (worked out by hand), the factor test kit for
 * every `source`, the missing-input error, and real CSI 300 data checked against the
 * dataset's own fields.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Panel, computeFactor, createMemoryData } from '@factorkit/core';
import { loadDataset } from '@factorkit/data';
import { runFactorTests } from '@factorkit/factor-testkit/vitest';
import { describe, expect, it } from 'vitest';
import { epQ } from '../src/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const DATES = ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'];
const ASSETS = ['600000.SH', '000001.SZ', '300750.SZ'];
const NAN = Number.NaN;

// Rows are dates, columns assets. CNY.
const parent = Panel.fromRows([
  [1e9, -2e8, null],
  [1e9, -2e8, 5e8],
  [1.2e9, -2e8, 5e8], // a new report for 600000.SH
  [1.2e9, null, 5e8],
]);
const total = Panel.fromRows([
  [1.1e9, -1e8, 4e8],
  [1.1e9, -1e8, 6e8],
  [1.3e9, -1e8, 6e8],
  [1.3e9, 3e8, 6e8],
]);
const cap = Panel.fromRows([
  [2e10, 4e9, 1e10],
  [2.5e10, 0, 1e10], // zero cap: undefined
  [2.4e10, 5e9, null],
  [3e10, 5e9, 2e10],
]);

const full = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { np_parent_q: parent, net_profit_q: total, market_cap: cap } });
const totalOnly = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { net_profit_q: total, market_cap: cap } });

// By hand: profit / cap.
const PARENT_EXPECTED = [
  [1e9 / 2e10, -2e8 / 4e9, NAN],
  [1e9 / 2.5e10, NAN, 5e8 / 1e10],
  [1.2e9 / 2.4e10, -2e8 / 5e9, NAN],
  [1.2e9 / 3e10, NAN, 5e8 / 2e10],
];
const TOTAL_EXPECTED = [
  [1.1e9 / 2e10, -1e8 / 4e9, 4e8 / 1e10],
  [1.1e9 / 2.5e10, NAN, 6e8 / 1e10],
  [1.3e9 / 2.4e10, -1e8 / 5e9, NAN],
  [1.3e9 / 3e10, 3e8 / 5e9, 6e8 / 2e10],
];

runFactorTests(epQ, {
  golden: [
    { name: 'parent profit preferred (auto)', data: full, expected: PARENT_EXPECTED },
    { name: 'total profit when the dataset has no parent profit (auto)', data: totalOnly, expected: TOTAL_EXPECTED },
    { name: 'source total', params: { source: 'total' }, data: full, expected: TOTAL_EXPECTED },
    { name: 'source parent', params: { source: 'parent' }, data: full, expected: PARENT_EXPECTED },
  ],
  params: [{}, { source: 'parent' }, { source: 'total' }],
});

describe('ep_q inputs', () => {
  it('throws FK_MISSING_INPUT naming both profit fields when neither is present', () => {
    const data = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { market_cap: cap } });
    expect(() => computeFactor(epQ, data)).toThrow(expect.objectContaining({ code: 'FK_MISSING_INPUT', message: expect.stringMatching(/`np_parent_q` or `net_profit_q`/) }));
  });

  it('throws FK_MISSING_INPUT naming np_parent_q for source parent without it', () => {
    expect(() => computeFactor(epQ.with({ source: 'parent' }), totalOnly)).toThrow(
      expect.objectContaining({ code: 'FK_MISSING_INPUT', message: expect.stringContaining('`np_parent_q`') }),
    );
  });

  it('throws FK_MISSING_INPUT naming market_cap without it', () => {
    const data = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { net_profit_q: total } });
    expect(() => computeFactor(epQ, data)).toThrow(expect.objectContaining({ code: 'FK_MISSING_INPUT', message: expect.stringContaining('`market_cap`') }));
  });
});

describe('ep_q on real CSI 300 data (cn-csi300)', () => {
  it('equals net_profit_q / market_cap read from the dataset, with values for > 90 % of members', { timeout: 120_000 }, async () => {
    const { dataset } = await loadDataset(path.resolve(repoRoot, '../shared/data/cn-csi300'));
    expect(dataset.hasField('np_parent_q')).toBe(false); // so `auto` falls back to net_profit_q
    const date = '2023-06-29';
    const { values } = computeFactor(epQ, dataset, { start: date, end: date });
    const t = dataset.calendar.dates.indexOf(date);
    const profit = dataset.field('net_profit_q');
    const cap = dataset.field('market_cap');
    for (const code of ['600519.SH', '000001.SZ']) {
      const a = dataset.assets.indexOf(code);
      const expected = profit.get(t, a) / cap.get(t, a);
      expect(Number.isFinite(expected)).toBe(true);
      expect(values.get(0, a)).toBeCloseTo(expected, 12);
    }
    // Kweichow Moutai: PE (TTM) of roughly 30 in mid-2023, so one quarter's EP about a quarter of 1/30.
    const moutai = values.get(0, dataset.assets.indexOf('600519.SH'));
    expect(moutai).toBeGreaterThan(1 / 4 / 45);
    expect(moutai).toBeLessThan(1 / 4 / 20);
    const member = dataset.field('index_member:000300.SH');
    let members = 0;
    let finite = 0;
    for (let a = 0; a < dataset.assets.length; a++) {
      if (member.get(t, a) !== 1) continue;
      members++;
      if (Number.isFinite(values.get(0, a))) finite++;
    }
    expect(members).toBeGreaterThan(290);
    expect(finite / members).toBeGreaterThan(0.9);
  });
});
