import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Panel, computeFactor, createMemoryData, isFactorkitError } from '@factorkit/core';
import { createDataset, loadDataset } from '@factorkit/data';
import { catchError, rankCorrelation } from '@factorkit/factor-testkit';
import { runFactorTests } from '@factorkit/factor-testkit/vitest';
import { logSize, neutralize } from '@factorkit/ops';
import { generateMarket } from '@factorkit/synth';
import { describe, expect, it } from 'vitest';
import defaultExport, { coverage3m } from '../src/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const NAN = Number.NaN;
const DATES = ['2024-04-26', '2024-04-29', '2024-04-30', '2024-05-06'];
const ASSETS = ['600000.SH', '000001.SZ', '300750.SZ'];

// Institution counts: a stock nobody covers (0, a real value), a missing count, a bad negative one.
const N = [
  [0, 3, NAN],
  [1, 3, 12],
  [0, NAN, 12],
  [2, -1, 40],
];
const data = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { analyst_coverage_3m: Panel.fromRows(N) } });
const expectedRows = (f: (n: number) => number) => N.map((row) => row.map((n) => (n >= 0 ? f(n) : null)));

runFactorTests(coverage3m, {
  golden: [
    { name: "hand values, transform 'log1p': ln(1 + n)", data, expected: expectedRows((n) => Math.log(1 + n)) },
    { name: "hand values, transform 'count': n", params: { transform: 'count' }, data, expected: expectedRows((n) => n) },
    {
      name: 'hand cells',
      data,
      expected: [
        { date: '2024-04-26', asset: '600000.SH', value: 0 },
        { date: '2024-04-29', asset: '600000.SH', value: Math.LN2 },
        { date: '2024-05-06', asset: '000001.SZ', value: null },
      ],
    },
  ],
  params: [{}, { transform: 'count' }],
});

describe('coverage_3m', () => {
  it('is the default export with the documented metadata', () => {
    expect(defaultExport).toBe(coverage3m);
    expect(coverage3m.id).toBe('coverage_3m');
    expect(coverage3m.meta.category).toBe('analyst');
    expect(coverage3m.meta.direction).toBe(1);
    expect(coverage3m.meta.inputs.map((i) => [i.field, i.lag])).toEqual([['analyst_coverage_3m', 0]]);
    expect(coverage3m.with().params).toEqual({ transform: 'log1p' });
    expect(() => coverage3m.with({ transform: 'sqrt' } as never)).toThrow(/params\.transform/);
  });

  it('needs `analyst_coverage_3m`: FK_MISSING_INPUT naming the field', () => {
    const noPay = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { analyst_reports_3m: Panel.fromRows(N) } });
    expect(() => computeFactor(coverage3m, noPay)).toThrow(/`analyst_coverage_3m`/);
    const error = catchError(() => computeFactor(coverage3m, noPay));
    expect(isFactorkitError(error) && error.code).toBe('FK_MISSING_INPUT');
  });

  it('throws FK_MISSING_INPUT on cn-csi300, which has no analyst reports', { timeout: 120_000 }, async () => {
    const { dataset } = await loadDataset(path.resolve(repoRoot, '../shared/data/cn-csi300'));
    expect(dataset.hasField('analyst_coverage_3m')).toBe(false);
    const error = catchError(() => computeFactor(coverage3m, dataset, { start: '2023-06-29', end: '2023-06-29' }));
    expect(isFactorkitError(error) && error.code).toBe('FK_MISSING_INPUT');
    expect((error as Error).message).toContain('`analyst_coverage_3m`');
  });

  it('on the synthetic market: ln(1 + coverage) from the store, and size-neutralised it ranks like the planted exposure', { timeout: 120_000 }, () => {
    const market = generateMarket({ stocks: 200, years: 2, seed: 3 });
    const { dataset } = createDataset(market.tables);
    const snapshots = market.truth.exposures.dates;
    const m = snapshots.length - 1;
    const day = String(snapshots[m]);
    const date = `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;
    const { values } = computeFactor(coverage3m, dataset, { start: date, end: date });
    const n = dataset.field('analyst_coverage_3m').row(dataset.calendar.indexOf(date));
    const cap = dataset.field('market_cap').row(dataset.calendar.indexOf(date));
    const ours = Array.from(values.row(0));
    // Independent check of every cell: ln(1 + n) of the store's count.
    ours.forEach((v, a) => {
      const k = n[a]!;
      if (k >= 0) expect(v).toBeCloseTo(Math.log(1 + k), 12);
      else expect(v).toBeNaN();
    });
    expect(ours.filter(Number.isFinite).length).toBeGreaterThan(100);
    // The planted characteristic is the size-neutral residual: neutralise ours the same way.
    const neutral = neutralize(Panel.fromRows([ours]), { size: logSize(Panel.fromRows([Array.from(cap)])) }).values.row(0);
    const planted = market.truth.exposures.values.analyst_coverage!;
    const codes = market.truth.codes;
    const truth = dataset.assets.map((id) => planted[m * codes.length + codes.indexOf(id)] ?? NAN);
    expect(rankCorrelation(Array.from(neutral), truth)).toBeGreaterThan(0.9);
  });
});
