import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Panel, computeFactor, createMemoryData, isFactorkitError } from '@factorkit/core';
import { loadDataset } from '@factorkit/data';
import { catchError } from '@factorkit/factor-testkit';
import { runFactorTests } from '@factorkit/factor-testkit/vitest';
import { describe, expect, it } from 'vitest';
import defaultExport, { nonlinearSize } from '../src/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const NAN = Number.NaN;
const DATES = ['2024-04-26', '2024-04-29', '2024-04-30', '2024-05-06'];
const ASSETS = ['600519.SH', '000001.SZ', '300750.SZ', '688981.SH', '601318.SH', '000858.SZ'];
// Market caps in CNY; row 2 has a missing, a zero and a negative cap; row 3 only two valid caps.
const CAP = [
  [2.1e12, 2.2e11, 8e11, 4e11, 9e11, 6e11],
  [2.2e12, 2.1e11, 8.5e11, 3.9e11, 9.2e11, 6.1e11],
  [2.0e12, NAN, 0, 4.2e11, -3, 5e9],
  [2.0e12, NAN, NAN, 4.2e11, NAN, NAN],
];
const data = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { market_cap: Panel.fromRows(CAP) } });

/** Barra standardisation of one row: cap-weighted mean, equal-weighted sample sd; null where not finite. */
function standardise(x: (number | null)[], cap: number[]): (number | null)[] {
  const idx = x.map((v, i) => (v !== null && Number.isFinite(v) ? i : -1)).filter((i) => i >= 0);
  if (idx.length < 2) return x.map(() => null);
  const wsum = idx.reduce((s, i) => s + cap[i]!, 0);
  const centre = idx.reduce((s, i) => s + cap[i]! * x[i]!, 0) / wsum;
  const mean = idx.reduce((s, i) => s + x[i]!, 0) / idx.length;
  const sd = Math.sqrt(idx.reduce((s, i) => s + (x[i]! - mean) ** 2, 0) / (idx.length - 1));
  if (!(sd > 1e-12)) return x.map(() => null);
  return x.map((v) => (v === null || !Number.isFinite(v) ? null : (v - centre) / sd));
}

/** Naive NLSIZE of one date, written out step by step with plain arrays. */
function naiveRow(cap: number[], weights: 'sqrt-cap' | 'equal'): (number | null)[] {
  const z = standardise(
    cap.map((c) => (c > 0 ? Math.log(c) : null)),
    cap,
  );
  const idx = z.map((v, i) => (v === null ? -1 : i)).filter((i) => i >= 0);
  if (idx.length < 3) return cap.map(() => null); // two points are fitted exactly: no residual
  const w = cap.map((c) => (weights === 'equal' ? 1 : Math.sqrt(c)));
  const sw = idx.reduce((s, i) => s + w[i]!, 0);
  const mx = idx.reduce((s, i) => s + w[i]! * z[i]!, 0) / sw;
  const my = idx.reduce((s, i) => s + w[i]! * z[i]! ** 3, 0) / sw;
  const beta = idx.reduce((s, i) => s + w[i]! * (z[i]! - mx) * (z[i]! ** 3 - my), 0) / idx.reduce((s, i) => s + w[i]! * (z[i]! - mx) ** 2, 0);
  const residual = z.map((v) => (v === null ? null : v ** 3 - my - beta * (v - mx)));
  return standardise(residual, cap);
}

const expected = (weights: 'sqrt-cap' | 'equal') => CAP.map((row) => naiveRow(row, weights));

runFactorTests(nonlinearSize, {
  golden: [
    { name: 'naive per-date regression, √cap weights', data, expected: expected('sqrt-cap'), tolerance: { abs: 1e-9, rel: 1e-9 } },
    { name: 'naive per-date regression, equal weights', params: { regressionWeights: 'equal' }, data, expected: expected('equal'), tolerance: { abs: 1e-9, rel: 1e-9 } },
    {
      // Two assets: the regression fits both exactly, nothing is left to standardise.
      name: 'hand cells: too few assets give NaN',
      data,
      expected: [
        { date: '2024-05-06', asset: '600519.SH', value: null },
        { date: '2024-05-06', asset: '688981.SH', value: null },
        { date: '2024-04-30', asset: '300750.SZ', value: null },
      ],
    },
  ],
  params: [{}, { regressionWeights: 'equal' }],
});

describe('nonlinear_size', () => {
  it('is the default export with the documented metadata', () => {
    expect(defaultExport).toBe(nonlinearSize);
    expect(nonlinearSize.id).toBe('nonlinear_size');
    expect(nonlinearSize.meta.category).toBe('style');
    expect(nonlinearSize.meta.direction).toBe(-1);
    expect(nonlinearSize.meta.inputs.map((i) => [i.field, i.lag])).toEqual([['market_cap', 0]]);
    expect(nonlinearSize.with().params).toEqual({ regressionWeights: 'sqrt-cap' });
  });

  it('is orthogonal to size under the regression weights and standardised (cap-weighted mean 0, sd 1)', () => {
    const { values } = computeFactor(nonlinearSize, data);
    for (const t of [0, 1]) {
      const row = Array.from(values.row(t));
      const cap = CAP[t]!;
      const z = standardise(
        cap.map((c) => Math.log(c)),
        cap,
      ) as number[];
      const sw = cap.reduce((s, c) => s + Math.sqrt(c), 0);
      const mz = z.reduce((s, v, i) => s + Math.sqrt(cap[i]!) * v, 0) / sw;
      const mr = row.reduce((s, v, i) => s + Math.sqrt(cap[i]!) * v, 0) / sw;
      const cov = row.reduce((s, v, i) => s + Math.sqrt(cap[i]!) * (v - mr) * (z[i]! - mz), 0);
      expect(Math.abs(cov)).toBeLessThan(1e-9);
      const capMean = row.reduce((s, v, i) => s + cap[i]! * v, 0) / cap.reduce((s, c) => s + c, 0);
      expect(capMean).toBeCloseTo(0, 12);
      const mean = row.reduce((s, v) => s + v, 0) / row.length;
      expect(Math.sqrt(row.reduce((s, v) => s + (v - mean) ** 2, 0) / (row.length - 1))).toBeCloseTo(1, 12);
    }
  });

  it('needs `market_cap`: FK_MISSING_INPUT naming the field', () => {
    const noCap = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { float_market_cap: Panel.fromRows(CAP) } });
    const error = catchError(() => computeFactor(nonlinearSize, noCap));
    expect(isFactorkitError(error) && error.code).toBe('FK_MISSING_INPUT');
    expect((error as Error).message).toContain('`market_cap`');
  });

  it('on cn-csi300, 2023-06-29: matches the naive computation from market_cap; finite for CSI 300 members', { timeout: 120_000 }, async () => {
    const { dataset } = await loadDataset(path.resolve(repoRoot, '../shared/data/cn-csi300'));
    const date = '2023-06-29';
    const t = dataset.calendar.indexOf(date);
    const { values, assets } = computeFactor(nonlinearSize, dataset, { start: date, end: date });
    const cap = Array.from(dataset.field('market_cap').row(t));
    const naive = naiveRow(cap, 'sqrt-cap');
    for (const id of ['600519.SH', '000001.SZ', '300750.SZ']) {
      const a = assets.indexOf(id);
      expect(values.get(0, a)).toBeCloseTo(naive[a]!, 9);
    }
    // Standardised over every asset with a cap: cap-weighted mean 0.
    let wsum = 0;
    let wx = 0;
    values.row(0).forEach((v, a) => {
      if (Number.isFinite(v)) {
        wsum += cap[a]!;
        wx += cap[a]! * v;
      }
    });
    expect(wx / wsum).toBeCloseTo(0, 9);
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
});
