import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Panel, computeFactor, createMemoryData, isFactorkitError } from '@factorkit/core';
import { createDataset, loadDataset } from '@factorkit/data';
import { catchError, rankCorrelation } from '@factorkit/factor-testkit';
import { runFactorTests } from '@factorkit/factor-testkit/vitest';
import { logSize, neutralize } from '@factorkit/ops';
import { generateMarket } from '@factorkit/synth';
import { describe, expect, it } from 'vitest';
import defaultExport, { execPay } from '../src/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const NAN = Number.NaN;
const DATES = ['2024-04-26', '2024-04-29', '2024-04-30', '2024-05-06'];
const ASSETS = ['600000.SH', '000001.SZ', '300750.SZ'];

// Pay in CNY: a report announced on row 2 for the first stock, a missing one, a zero and a negative.
const PAY = [
  [3_000_000, NAN, 0],
  [3_000_000, 1e7, 0],
  [4_500_000, 1e7, -5],
  [4_500_000, NAN, 2_500_000],
];
const data = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { exec_pay: Panel.fromRows(PAY) } });

runFactorTests(execPay, {
  golden: [
    {
      name: 'hand values: ln(pay), NaN for missing or ≤ 0',
      data,
      expected: [
        [Math.log(3e6), null, null],
        [Math.log(3e6), Math.log(1e7), null],
        [Math.log(4.5e6), Math.log(1e7), null],
        [Math.log(4.5e6), null, Math.log(2.5e6)],
      ],
    },
  ],
});

describe('exec_pay', () => {
  it('is the default export with the documented metadata', () => {
    expect(defaultExport).toBe(execPay);
    expect(execPay.id).toBe('exec_pay');
    expect(execPay.meta.category).toBe('governance');
    expect(execPay.meta.direction).toBe(1);
    expect(execPay.meta.inputs.map((i) => [i.field, i.lag])).toEqual([['exec_pay', 0]]);
  });

  it('needs `exec_pay`: FK_MISSING_INPUT naming the field', () => {
    const noPay = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { close: Panel.fromRows(PAY) } });
    expect(() => computeFactor(execPay, noPay)).toThrow(/`exec_pay`/);
    const error = catchError(() => computeFactor(execPay, noPay));
    expect(isFactorkitError(error) && error.code).toBe('FK_MISSING_INPUT');
  });

  it('throws FK_MISSING_INPUT on cn-csi300, which has no executive pay', { timeout: 120_000 }, async () => {
    const { dataset } = await loadDataset(path.resolve(repoRoot, '../shared/data/cn-csi300'));
    expect(dataset.hasField('exec_pay')).toBe(false);
    const error = catchError(() => computeFactor(execPay, dataset, { start: '2023-06-29', end: '2023-06-29' }));
    expect(isFactorkitError(error) && error.code).toBe('FK_MISSING_INPUT');
    expect((error as Error).message).toContain('`exec_pay`');
  });

  it('on the synthetic market: ln(exec_pay) from the store, and size-neutralised it ranks like the planted exposure', { timeout: 120_000 }, () => {
    const market = generateMarket({ stocks: 200, years: 2, seed: 3 });
    const { dataset } = createDataset(market.tables);
    const snapshots = market.truth.exposures.dates;
    const m = snapshots.length - 1;
    const day = String(snapshots[m]);
    const date = `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;
    const { values } = computeFactor(execPay, dataset, { start: date, end: date });
    const pay = dataset.field('exec_pay').row(dataset.calendar.indexOf(date));
    const cap = dataset.field('market_cap').row(dataset.calendar.indexOf(date));
    const ours = Array.from(values.row(0));
    // Independent check of every cell: Math.log of the store's pay.
    ours.forEach((v, a) => {
      const p = pay[a]!;
      if (p > 0) expect(v).toBeCloseTo(Math.log(p), 12);
      else expect(v).toBeNaN();
    });
    expect(ours.filter(Number.isFinite).length).toBeGreaterThan(100);
    // The planted characteristic is the size-neutral residual: neutralise ours the same way.
    const neutral = neutralize(Panel.fromRows([ours]), { size: logSize(Panel.fromRows([Array.from(cap)])) }).values.row(0);
    const planted = market.truth.exposures.values.exec_pay!;
    const codes = market.truth.codes;
    const truth = dataset.assets.map((id) => planted[m * codes.length + codes.indexOf(id)] ?? NAN);
    expect(rankCorrelation(Array.from(neutral), truth)).toBeGreaterThan(0.9);
  });
});
