import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Panel, computeFactor, createMemoryData, isFactorkitError } from '@factorkit/core';
import { createDataset, loadDataset } from '@factorkit/data';
import { catchError, rankCorrelation } from '@factorkit/factor-testkit';
import { runFactorTests } from '@factorkit/factor-testkit/vitest';
import { generateMarket } from '@factorkit/synth';
import { describe, expect, it } from 'vitest';
import defaultExport, { bookToPrice } from '../src/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const NAN = Number.NaN;
const DATES = ['2024-04-26', '2024-04-29', '2024-04-30'];
const ASSETS = ['600519.SH', '000001.SZ', '300750.SZ', '688981.SH'];
// Equity (CNY), market cap (CNY) and PB per date.
const EQUITY = [
  [2e11, 4e11, NAN, -1e9],
  [2e11, 4e11, NAN, -1e9],
  [2.1e11, NAN, 1.5e11, -1e9],
];
const CAP = [
  [2e12, 2e11, 8e11, 5e10],
  [2.2e12, 0, 8e11, 5e10],
  [2.1e12, 2e11, NAN, 5e10],
];
const PB = [
  [9.5, 0.55, 4, NAN],
  [9.8, 0.5, 0, NAN],
  [9.9, 0.5, 5, -40],
];
const all = { equity: Panel.fromRows(EQUITY), market_cap: Panel.fromRows(CAP), pb_mrq: Panel.fromRows(PB) };
const data = createMemoryData({ calendar: DATES, assets: ASSETS, fields: all });
const pbOnly = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { pb_mrq: all.pb_mrq } });
const bookOnly = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { equity: all.equity, market_cap: all.market_cap } });

runFactorTests(bookToPrice, {
  golden: [
    {
      name: 'hand values: equity / cap, else 1 / pb',
      data,
      expected: [
        [0.1, 2, 0.25, -0.02], // 300750: no equity → 1 / 4
        [2e11 / 2.2e12, 2, null, -0.02], // 000001: cap 0 → 1 / 0.5; 300750: pb 0 → NaN
        [0.1, 2, 0.2, -0.02], // 000001: no equity → 1 / 0.5; 300750: no cap → 1 / 5
      ],
    },
    {
      name: 'hand values: pb_mrq only',
      data: pbOnly,
      expected: [
        [1 / 9.5, 1 / 0.55, 0.25, null],
        [1 / 9.8, 2, null, null],
        [1 / 9.9, 2, 0.2, -1 / 40],
      ],
    },
    {
      name: 'hand values: equity and market_cap only',
      data: bookOnly,
      expected: [
        [0.1, 2, null, -0.02],
        [2e11 / 2.2e12, null, null, -0.02],
        [0.1, null, null, -0.02],
      ],
    },
  ],
});

describe('book_to_price', () => {
  it('is the default export with the documented metadata', () => {
    expect(defaultExport).toBe(bookToPrice);
    expect(bookToPrice.id).toBe('book_to_price');
    expect(bookToPrice.meta.category).toBe('style');
    expect(bookToPrice.meta.direction).toBe(1);
    expect(bookToPrice.meta.inputs.map((i) => [i.field, i.lag, i.optional])).toEqual([
      ['equity', 0, true],
      ['market_cap', 0, true],
      ['pb_mrq', 0, true],
    ]);
  });

  it('without equity + market_cap and without pb_mrq: FK_MISSING_INPUT naming the fields', () => {
    for (const fields of [{ close: all.pb_mrq }, { equity: all.equity }, { market_cap: all.market_cap }]) {
      const error = catchError(() => computeFactor(bookToPrice, createMemoryData({ calendar: DATES, assets: ASSETS, fields })));
      expect(isFactorkitError(error) && error.code).toBe('FK_MISSING_INPUT');
      expect((error as Error).message).toContain('`equity`');
      expect((error as Error).message).toContain('`pb_mrq`');
    }
  });

  it('on cn-csi300 (no equity): 1 / pb_mrq of 600519.SH and 601398.SH on 2023-06-29; finite for CSI 300 members', { timeout: 120_000 }, async () => {
    const { dataset } = await loadDataset(path.resolve(repoRoot, '../shared/data/cn-csi300'));
    expect(dataset.hasField('equity')).toBe(false);
    const date = '2023-06-29';
    const t = dataset.calendar.indexOf(date);
    const { values, assets } = computeFactor(bookToPrice, dataset, { start: date, end: date });
    const pb = dataset.field('pb_mrq');
    for (const id of ['600519.SH', '601398.SH']) {
      const a = assets.indexOf(id);
      expect(values.get(0, a)).toBeCloseTo(1 / pb.get(t, a), 12);
    }
    // Moutai trades far above book, ICBC below it.
    expect(values.get(0, assets.indexOf('600519.SH'))).toBeLessThan(0.2);
    expect(values.get(0, assets.indexOf('601398.SH'))).toBeGreaterThan(1);
    const member = dataset.field('index_member:000300.SH').row(t);
    let members = 0;
    let finite = 0;
    member.forEach((m, a) => {
      if (m === 1) {
        members++;
        if (Number.isFinite(values.get(0, a))) finite++;
      }
    });
    expect(members).toBeGreaterThan(250);
    expect(finite / members).toBeGreaterThan(0.9);
  });

  it('on the synthetic market (with equity): equity / market_cap, ranking like the planted BP', { timeout: 120_000 }, () => {
    const market = generateMarket({ stocks: 200, years: 2, seed: 3 });
    const { dataset } = createDataset(market.tables);
    const snapshots = market.truth.exposures.dates;
    const m = snapshots.length - 1;
    const day = String(snapshots[m]);
    const date = `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;
    const t = dataset.calendar.indexOf(date);
    const { values } = computeFactor(bookToPrice, dataset, { start: date, end: date });
    const ours = Array.from(values.row(0));
    const equity = dataset.field('equity').row(t);
    const cap = dataset.field('market_cap').row(t);
    let fromBook = 0;
    ours.forEach((v, a) => {
      const bp = equity[a]! / cap[a]!;
      if (Number.isFinite(bp) && cap[a]! > 0) {
        expect(v).toBeCloseTo(bp, 12);
        fromBook++;
      }
    });
    expect(fromBook).toBeGreaterThan(100);
    const planted = market.truth.exposures.values.bp!;
    const codes = market.truth.codes;
    const truth = dataset.assets.map((id) => planted[m * codes.length + codes.indexOf(id)] ?? NAN);
    expect(rankCorrelation(ours, truth)).toBeGreaterThan(0.9);
  });
});
