import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Panel, checkApiCompatibility, computeFactor, createMemoryData, createRegistry, factorLookback, isFactorkitError } from '@factorkit/core';
import { loadDataset } from '@factorkit/data';
import { catchError } from '@factorkit/factor-testkit';
import { describe, expect, it } from 'vitest';
import * as pluginModule from '../src/index.js';
import defaultExport, { LIQUIDITY_WEIGHTS, liquidity } from '../src/index.js';
import { naiveLiquidity } from './naive.js';

const NAN = Number.NaN;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

function makeData(series: readonly (readonly number[])[], field = 'turnover') {
  const n = series[0]!.length;
  return createMemoryData({
    calendar: Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10)),
    assets: series.map((_, a) => `A${a}`),
    fields: { [field]: new Panel(n, series.length, Float64Array.from(series.flat())) },
  });
}

describe('liquidity: values', () => {
  it('renormalises the weights while STOQ and STOA lack history', () => {
    // Three stocks at constant turnover 1 %, 2 %, 4 %: every descriptor's z-scores are the
    // z-scores of ln 1, ln 2, ln 4 = (−1, 0, 1), whichever descriptors exist.
    const n = 300;
    const series = [0.01, 0.02, 0.04].map((v) => Array.from({ length: n }, () => v));
    const v = computeFactor(liquidity, makeData(series)).values;
    expect(v.get(15, 0)).toBeNaN(); // 16 of 21 days < 17
    for (const t of [16, 60, 200, 299]) {
      expect(v.get(t, 0)).toBeCloseTo(-1, 12);
      expect(v.get(t, 1)).toBeCloseTo(0, 12);
      expect(v.get(t, 2)).toBeCloseTo(1, 12);
    }
  });

  it('is NaN after a month of zero turnover and for a stock without data', () => {
    const n = 80;
    const rand = (k: number) => Array.from({ length: n }, (_, t) => 0.01 + 0.005 * Math.sin(t * k));
    const halted = rand(2).map((x, t) => (t >= 30 && t < 51 ? 0 : x));
    const series = [rand(1), halted, rand(3), Array.from({ length: n }, () => NAN)];
    const v = computeFactor(liquidity, makeData(series)).values;
    expect(v.get(50, 1)).toBeNaN(); // STOM window rows 30–50: all zero
    expect(Number.isFinite(v.get(51, 1))).toBe(true);
    for (let t = 0; t < n; t++) expect(v.get(t, 3)).toBeNaN();
    const want = naiveLiquidity(series, 21);
    for (let a = 0; a < 4; a++) {
      for (let t = 0; t < n; t++) {
        const w = want[a]![t]!;
        if (Number.isNaN(w)) expect(v.get(t, a)).toBeNaN();
        else expect(v.get(t, a)).toBeCloseTo(w, 10);
      }
    }
  });
});

describe('liquidity: metadata and errors', () => {
  it('uses the CNE5 weights and conventions', () => {
    expect(LIQUIDITY_WEIGHTS).toEqual({ stom: 0.35, stoq: 0.35, stoa: 0.3 });
    expect(liquidity.with().params).toEqual({ month: 21, minCoverage: 0.8 });
    expect(factorLookback(liquidity, liquidity.with().params)).toBe(252);
    expect(defaultExport).toBe(liquidity);
    expect(liquidity.id).toBe('liquidity');
    expect(liquidity.meta.category).toBe('style');
    expect(liquidity.meta.direction).toBe(-1);
    expect(checkApiCompatibility(liquidity.apiVersion)).toEqual({ compatible: true });
    expect(createRegistry().registerModule(pluginModule)).toEqual([liquidity]);
  });

  it('needs `turnover` (the fraction, not turnover_rate): FK_MISSING_INPUT', () => {
    const error = catchError(() => computeFactor(liquidity, makeData([[1, 2]], 'turnover_rate')));
    expect(isFactorkitError(error) && error.code).toBe('FK_MISSING_INPUT');
    expect((error as Error).message).toContain('`turnover`');
  });
});

describe('liquidity: real data (cn-csi300)', () => {
  it('matches the naive loops for 600519.SH and 000001.SZ on 2023-06-29', { timeout: 120_000 }, async () => {
    const { dataset } = await loadDataset(path.resolve(repoRoot, '../shared/data/cn-csi300'));
    const date = '2023-06-29';
    const t = dataset.calendar.indexOf(date);
    const result = computeFactor(liquidity, dataset, { start: date, end: date });
    // The naive loops on the last 252 rows of every asset's turnover, read straight from the dataset.
    const turnover = dataset.field('turnover');
    const series = dataset.assets.map((_, a) => Array.from({ length: 252 }, (__, k) => turnover.get(t - 251 + k, a)));
    const want = naiveLiquidity(series, 21);
    for (const code of ['600519.SH', '000001.SZ']) {
      const a = dataset.assets.indexOf(code);
      expect(Number.isFinite(want[a]![251]!)).toBe(true);
      expect(result.values.get(0, a)).toBeCloseTo(want[a]![251]!, 8);
    }
    // Moutai trades little of its float, Ping An Bank more; both sit in a sane range.
    expect(result.values.get(0, dataset.assets.indexOf('600519.SH'))).toBeLessThan(0);
    const member = dataset.field('index_member:000300.SH');
    let members = 0;
    let finite = 0;
    for (let a = 0; a < dataset.assets.length; a++) {
      if (member.get(t, a) !== 1) continue;
      members++;
      const v = result.values.get(0, a);
      if (Number.isFinite(v)) {
        finite++;
        expect(Math.abs(v)).toBeLessThan(10);
      }
    }
    expect(members).toBeGreaterThan(280);
    expect(finite / members).toBeGreaterThan(0.9);
  });
});
