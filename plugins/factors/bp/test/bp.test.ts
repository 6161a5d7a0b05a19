/**
 * bp: golden values on a hand-made panel (worked out by hand) for both sources, the factor test
 * kit for every `source`, the missing-input errors, real CSI 300 data (which has pb_mrq but no
 * equity) and the synthetic market (which has equity).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Panel, computeFactor, createMemoryData } from '@factorkit/core';
import { createDataset, loadDataset } from '@factorkit/data';
import { runFactorTests } from '@factorkit/factor-testkit/vitest';
import { generateMarket } from '@factorkit/synth';
import { describe, expect, it } from 'vitest';
import { bp } from '../src/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const DATES = ['2024-01-02', '2024-01-03', '2024-01-04'];
const ASSETS = ['600000.SH', '000001.SZ', '300750.SZ'];
const NAN = Number.NaN;

const equity = Panel.fromRows([
  [5e9, -1e8, null],
  [5e9, -1e8, 2e9],
  [6e9, 3e8, 2e9],
]);
const cap = Panel.fromRows([
  [1e10, 2e9, 8e9],
  [2e10, -1, 8e9], // a negative cap is bad data
  [1.5e10, 3e9, null],
]);
const pb = Panel.fromRows([
  [2, -20, 4],
  [4, 0, null], // pb 0: undefined
  [2.5, 10, 5],
]);

const full = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { equity, market_cap: cap, pb_mrq: pb } });
const pbOnly = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { market_cap: cap, pb_mrq: pb } });

const EQUITY_EXPECTED = [
  [0.5, -1e8 / 2e9, NAN],
  [0.25, NAN, 0.25],
  [0.4, 0.1, NAN],
];
const PB_EXPECTED = [
  [0.5, -0.05, 0.25],
  [0.25, NAN, NAN],
  [0.4, 0.1, 0.2],
];

runFactorTests(bp, {
  golden: [
    { name: 'equity / market cap (auto, equity present)', data: full, expected: EQUITY_EXPECTED },
    { name: '1 / pb_mrq (auto, no equity)', data: pbOnly, expected: PB_EXPECTED },
    { name: 'source pb', params: { source: 'pb' }, data: full, expected: PB_EXPECTED },
    { name: 'source equity', params: { source: 'equity' }, data: full, expected: EQUITY_EXPECTED },
  ],
  params: [{}, { source: 'equity' }, { source: 'pb' }],
});

describe('bp inputs', () => {
  it('source equity without equity throws FK_MISSING_INPUT naming `equity`', () => {
    expect(() => computeFactor(bp.with({ source: 'equity' }), pbOnly)).toThrow(
      expect.objectContaining({ code: 'FK_MISSING_INPUT', message: expect.stringContaining('`equity`') }),
    );
  });
  it('source pb without pb_mrq throws FK_MISSING_INPUT naming `pb_mrq`', () => {
    const data = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { equity, market_cap: cap } });
    expect(() => computeFactor(bp.with({ source: 'pb' }), data)).toThrow(
      expect.objectContaining({ code: 'FK_MISSING_INPUT', message: expect.stringContaining('`pb_mrq`') }),
    );
  });
  it('auto with neither source throws FK_MISSING_INPUT naming equity and pb_mrq', () => {
    const data = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { market_cap: cap } });
    expect(() => computeFactor(bp, data)).toThrow(
      expect.objectContaining({ code: 'FK_MISSING_INPUT', message: expect.stringMatching(/`equity` or `pb_mrq`/) }),
    );
  });
});

describe('bp on real CSI 300 data (cn-csi300: pb_mrq, no equity)', () => {
  it('equals 1 / pb_mrq read from the dataset, with values for > 90 % of members', { timeout: 120_000 }, async () => {
    const { dataset } = await loadDataset(path.resolve(repoRoot, '../shared/data/cn-csi300'));
    expect(dataset.hasField('equity')).toBe(false);
    const date = '2023-06-29';
    const { values } = computeFactor(bp, dataset, { start: date, end: date });
    const t = dataset.calendar.dates.indexOf(date);
    const pbMrq = dataset.field('pb_mrq');
    for (const code of ['600519.SH', '601398.SH']) {
      const a = dataset.assets.indexOf(code);
      expect(values.get(0, a)).toBeCloseTo(1 / pbMrq.get(t, a), 12);
    }
    // Moutai trades far above book, ICBC below it.
    expect(values.get(0, dataset.assets.indexOf('600519.SH'))).toBeLessThan(0.2);
    expect(values.get(0, dataset.assets.indexOf('601398.SH'))).toBeGreaterThan(1);
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
    expect(() => computeFactor(bp.with({ source: 'equity' }), dataset, { start: date, end: date })).toThrow(
      expect.objectContaining({ code: 'FK_MISSING_INPUT', message: expect.stringContaining('`equity`') }),
    );
  });
});

describe('bp on the synthetic market (equity present)', () => {
  it('uses equity / market_cap, which agrees with 1 / pb_mrq', { timeout: 120_000 }, () => {
    const { dataset } = createDataset(generateMarket({ stocks: 200, years: 2, seed: 3 }).tables);
    const t = dataset.calendar.length - 1;
    const date = dataset.calendar.dates[t]!;
    const auto = computeFactor(bp, dataset, { start: date, end: date }).values;
    const viaPb = computeFactor(bp.with({ source: 'pb' }), dataset, { start: date, end: date }).values;
    const eq = dataset.field('equity');
    const mv = dataset.field('market_cap');
    let finite = 0;
    let agree = 0;
    for (let a = 0; a < dataset.assets.length; a++) {
      const expected = eq.get(t, a) / mv.get(t, a);
      const value = auto.get(0, a);
      if (!Number.isFinite(expected) || !(mv.get(t, a) > 0)) {
        expect(value).toBeNaN();
        continue;
      }
      expect(value).toBeCloseTo(expected, 12);
      finite++;
      if (Math.abs(value - viaPb.get(0, a)) <= 1e-3 * Math.abs(value)) agree++;
    }
    expect(finite).toBeGreaterThan(150);
    expect(agree / finite).toBeGreaterThan(0.95);
  });
});
