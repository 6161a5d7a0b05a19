import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Panel, computeFactor, createMemoryData, factorLookback, isFactorkitError } from '@factorkit/core';
import { createDataset, loadDataset } from '@factorkit/data';
import { catchError, rankCorrelation } from '@factorkit/factor-testkit';
import { runFactorTests } from '@factorkit/factor-testkit/vitest';
import { generateMarket } from '@factorkit/synth';
import { describe, expect, it } from 'vitest';
import defaultExport, { expectedNpQoq } from '../src/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const NAN = Number.NaN;
// Seven trading days across a year boundary.
const DATES = ['2023-12-26', '2023-12-27', '2023-12-28', '2023-12-29', '2024-01-02', '2024-01-03', '2024-01-04'];
const ASSETS = ['600000.SH', '000001.SZ', '300750.SZ'];
// FY1 = consensus for the year of the date; on 2024-01-02 it becomes the FY2024 consensus.
const FY1 = [
  [100, 50, NAN],
  [110, 50, -20],
  [120, 0, -20],
  [120, 40, -10],
  [200, 60, 30],
  [210, 60, NAN],
  [220, 66, 36],
];
const FY2 = [
  [180, 55, NAN],
  [190, 55, 30],
  [195, 55, 25],
  [200, NAN, 24],
  [300, 80, 40],
  [310, 80, 40],
  [320, 80, 40],
];
const fields = { consensus_net_profit_fy1: Panel.fromRows(FY1), consensus_net_profit_fy2: Panel.fromRows(FY2) };
const data = createMemoryData({ calendar: DATES, assets: ASSETS, fields });
const fy1Only = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { consensus_net_profit_fy1: fields.consensus_net_profit_fy1 } });

/** Naive reference: base from the same fiscal year, read off the date strings. */
function naive(window: number, withFy2: boolean): (number | null)[][] {
  return DATES.map((date, t) =>
    ASSETS.map((_, a) => {
      if (t < window) return null;
      const sameYear = date.slice(0, 4) === DATES[t - window]!.slice(0, 4);
      const base = sameYear ? FY1[t - window]![a]! : withFy2 ? FY2[t - window]![a]! : NAN;
      const c = FY1[t]![a]!;
      const v = (c - base) / Math.abs(base);
      return Number.isFinite(v) ? v : null;
    }),
  );
}

runFactorTests(expectedNpQoq, {
  golden: [
    { name: 'naive loop, window 2, with FY2', params: { window: 2 }, data, expected: naive(2, true) },
    { name: 'naive loop, window 2, FY1 only', params: { window: 2 }, data: fy1Only, expected: naive(2, false) },
    {
      name: 'hand cells, window 2',
      params: { window: 2 },
      data,
      expected: [
        { date: '2023-12-28', asset: '600000.SH', value: 0.2 }, // 120 / 100 − 1
        { date: '2023-12-29', asset: '600000.SH', value: 120 / 110 - 1 },
        { date: '2024-01-02', asset: '600000.SH', value: 200 / 195 - 1 }, // base: FY2 on 12-28
        { date: '2024-01-04', asset: '600000.SH', value: 0.1 }, // 220 / 200 − 1, same year
        { date: '2023-12-29', asset: '000001.SZ', value: -0.2 }, // 40 / 50 − 1
        { date: '2024-01-02', asset: '000001.SZ', value: 60 / 55 - 1 },
        { date: '2024-01-03', asset: '000001.SZ', value: null }, // FY2 missing on 12-29
        { date: '2023-12-29', asset: '300750.SZ', value: 0.5 }, // (−10 − (−20)) / 20
        { date: '2024-01-04', asset: '300750.SZ', value: 36 / 30 - 1 },
        { date: '2023-12-28', asset: '300750.SZ', value: null }, // base (12-26) missing
      ],
    },
  ],
  params: [{}, { window: 2 }, { window: 20 }],
});

describe('expected_np_qoq', () => {
  it('is the default export with the documented metadata', () => {
    expect(defaultExport).toBe(expectedNpQoq);
    expect(expectedNpQoq.id).toBe('expected_np_qoq');
    expect(expectedNpQoq.meta.category).toBe('analyst');
    expect(expectedNpQoq.meta.direction).toBe(1);
    expect(expectedNpQoq.meta.inputs.map((i) => [i.field, i.lag, i.optional ?? false])).toEqual([
      ['consensus_net_profit_fy1', 0, false],
      ['consensus_net_profit_fy2', 0, true],
    ]);
    expect(expectedNpQoq.with().params).toEqual({ window: 60 });
    expect(factorLookback(expectedNpQoq, { window: 60 })).toBe(60);
    expect(() => expectedNpQoq.with({ window: 251 })).toThrow(/params\.window/);
  });

  it('needs `consensus_net_profit_fy1`: FK_MISSING_INPUT naming the field', () => {
    const noFy1 = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { consensus_net_profit_fy2: fields.consensus_net_profit_fy2 } });
    const error = catchError(() => computeFactor(expectedNpQoq.with({ window: 2 }), noFy1));
    expect(isFactorkitError(error) && error.code).toBe('FK_MISSING_INPUT');
    expect((error as Error).message).toContain('`consensus_net_profit_fy1`');
  });

  it('throws FK_MISSING_INPUT on cn-csi300, which has no consensus', { timeout: 120_000 }, async () => {
    const { dataset } = await loadDataset(path.resolve(repoRoot, '../shared/data/cn-csi300'));
    const error = catchError(() => computeFactor(expectedNpQoq, dataset, { start: '2023-06-29', end: '2023-06-29' }));
    expect(isFactorkitError(error) && error.code).toBe('FK_MISSING_INPUT');
    expect((error as Error).message).toContain('`consensus_net_profit_fy1`');
  });

  it('on the synthetic market: matches the store fields and ranks like the planted revision exposure', { timeout: 120_000 }, () => {
    const market = generateMarket({ stocks: 200, years: 2, seed: 3 });
    const { dataset } = createDataset(market.tables);
    const snapshots = market.truth.exposures.dates;
    const m = snapshots.length - 1;
    const day = String(snapshots[m]);
    const date = `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;
    const t = dataset.calendar.indexOf(date);
    const { values } = computeFactor(expectedNpQoq, dataset, { start: date, end: date });
    const ours = Array.from(values.row(0));
    const now = dataset.field('consensus_net_profit_fy1').row(t);
    const sameYear = dataset.calendar.at(t - 60).slice(0, 4) === date.slice(0, 4);
    const base = dataset.field(sameYear ? 'consensus_net_profit_fy1' : 'consensus_net_profit_fy2').row(t - 60);
    ours.forEach((v, a) => {
      const expected = (now[a]! - base[a]!) / Math.abs(base[a]!);
      if (Number.isFinite(expected)) expect(v).toBeCloseTo(expected, 12);
      else expect(v).toBeNaN();
    });
    expect(ours.filter(Number.isFinite).length).toBeGreaterThan(50);
    const planted = market.truth.exposures.values.expected_np_qoq!;
    const codes = market.truth.codes;
    const truth = dataset.assets.map((id) => planted[m * codes.length + codes.indexOf(id)] ?? NAN);
    expect(rankCorrelation(ours, truth)).toBeGreaterThan(0.8);
  });
});
