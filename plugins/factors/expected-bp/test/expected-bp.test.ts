/**
 * expected_bp: golden values on a hand-made panel (worked out by hand) for both sources, the
 * factor test kit for every `source`, the missing-input errors (also on real CSI 300 data,
 * which has no consensus), and the synthetic market against the dataset's own fields.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Panel, computeFactor, createMemoryData } from '@factorkit/core';
import { createDataset, loadDataset } from '@factorkit/data';
import { runFactorTests } from '@factorkit/factor-testkit/vitest';
import { generateMarket } from '@factorkit/synth';
import { describe, expect, it } from 'vitest';
import { expectedBp } from '../src/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const DATES = ['2024-01-02', '2024-01-03', '2024-01-04'];
const ASSETS = ['600000.SH', '000001.SZ', '300750.SZ'];
const NAN = Number.NaN;

const equity12m = Panel.fromRows([
  [8e9, null, -5e8],
  [8e9, 2e9, -5e8],
  [9e9, 2e9, 1e9],
]);
const bps12m = Panel.fromRows([
  [4, 2, null],
  [4, 2, 1.5],
  [4.5, 2.5, 1.5],
]);
const shares = Panel.fromRows([
  [2e9, 1e9, 1e9],
  [2e9, 1e9, 0], // zero shares: bad data
  [2e9, 1e9, 1e9],
]);
const cap = Panel.fromRows([
  [1.6e10, 4e9, 5e9],
  [2e10, 4e9, 5e9],
  [1.8e10, -1, 5e9], // a negative cap: bad data
]);

const full = createMemoryData({
  calendar: DATES,
  assets: ASSETS,
  fields: { consensus_equity_12m: equity12m, consensus_bps_12m: bps12m, total_share: shares, market_cap: cap },
});
const bpsOnly = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { consensus_bps_12m: bps12m, total_share: shares, market_cap: cap } });

const EQUITY_EXPECTED = [
  [0.5, NAN, -0.1],
  [0.4, 0.5, -0.1],
  [0.5, NAN, 0.2],
];
const BPS_EXPECTED = [
  [(4 * 2e9) / 1.6e10, (2 * 1e9) / 4e9, NAN],
  [(4 * 2e9) / 2e10, (2 * 1e9) / 4e9, NAN],
  [(4.5 * 2e9) / 1.8e10, NAN, (1.5 * 1e9) / 5e9],
];

runFactorTests(expectedBp, {
  golden: [
    { name: 'consensus equity / cap (auto, equity present)', data: full, expected: EQUITY_EXPECTED },
    { name: 'consensus bps × shares / cap (auto, no consensus equity)', data: bpsOnly, expected: BPS_EXPECTED },
    { name: 'source bps', params: { source: 'bps' }, data: full, expected: BPS_EXPECTED },
    { name: 'source equity', params: { source: 'equity' }, data: full, expected: EQUITY_EXPECTED },
  ],
  params: [{}, { source: 'equity' }, { source: 'bps' }],
});

describe('expected_bp inputs', () => {
  it('auto without any consensus throws FK_MISSING_INPUT naming both routes', () => {
    const data = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { total_share: shares, market_cap: cap } });
    expect(() => computeFactor(expectedBp, data)).toThrow(
      expect.objectContaining({ code: 'FK_MISSING_INPUT', message: expect.stringContaining('`consensus_equity_12m` or `consensus_bps_12m`') }),
    );
  });
  it('source bps without total_share throws FK_MISSING_INPUT naming `total_share`', () => {
    const data = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { consensus_bps_12m: bps12m, market_cap: cap } });
    expect(() => computeFactor(expectedBp.with({ source: 'bps' }), data)).toThrow(
      expect.objectContaining({ code: 'FK_MISSING_INPUT', message: expect.stringContaining('`total_share`') }),
    );
  });
  it('source equity without consensus equity throws FK_MISSING_INPUT naming `consensus_equity_12m`', () => {
    expect(() => computeFactor(expectedBp.with({ source: 'equity' }), bpsOnly)).toThrow(
      expect.objectContaining({ code: 'FK_MISSING_INPUT', message: expect.stringContaining('`consensus_equity_12m`') }),
    );
  });
  it('throws FK_MISSING_INPUT on real CSI 300 data, which has no consensus', { timeout: 120_000 }, async () => {
    const { dataset } = await loadDataset(path.resolve(repoRoot, '../shared/data/cn-csi300'));
    expect(() => computeFactor(expectedBp, dataset, { start: '2023-06-29', end: '2023-06-29' })).toThrow(
      expect.objectContaining({ code: 'FK_MISSING_INPUT', message: expect.stringContaining('`consensus_equity_12m`') }),
    );
  });
});

describe('expected_bp on the synthetic market', () => {
  it('equals consensus_equity_12m / market_cap, and the bps route agrees', { timeout: 120_000 }, () => {
    const { dataset } = createDataset(generateMarket({ stocks: 200, years: 2, seed: 3 }).tables);
    const t = dataset.calendar.length - 1;
    const date = dataset.calendar.dates[t]!;
    const auto = computeFactor(expectedBp, dataset, { start: date, end: date }).values;
    const viaBps = computeFactor(expectedBp.with({ source: 'bps' }), dataset, { start: date, end: date }).values;
    const equity = dataset.field('consensus_equity_12m');
    const mv = dataset.field('market_cap');
    let finite = 0;
    let agree = 0;
    for (let a = 0; a < dataset.assets.length; a++) {
      const expected = equity.get(t, a) / mv.get(t, a);
      if (!Number.isFinite(expected) || !(mv.get(t, a) > 0)) {
        expect(auto.get(0, a)).toBeNaN();
        continue;
      }
      expect(auto.get(0, a)).toBeCloseTo(expected, 12);
      finite++;
      if (Math.abs(auto.get(0, a) - viaBps.get(0, a)) <= 1e-3 * Math.abs(expected)) agree++;
    }
    expect(finite).toBeGreaterThan(100);
    expect(agree / finite).toBeGreaterThan(0.95);
  });
});
