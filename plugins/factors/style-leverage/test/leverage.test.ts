import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkApiCompatibility, computeFactor, createRegistry, factorLookback, isFactorkitError } from '@factorkit/core';
import { createDataset, loadDataset } from '@factorkit/data';
import { catchError } from '@factorkit/factor-testkit';
import { generateMarket } from '@factorkit/synth';
import { describe, expect, it } from 'vitest';
import * as pluginModule from '../src/index.js';
import defaultExport, { LEVERAGE_WEIGHTS, leverage } from '../src/index.js';
import { naiveLeverage } from './naive.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** Spearman rank correlation over the pairs where both are finite. */
function rankCorr(x: readonly number[], y: readonly number[]): number {
  const idx = x.flatMap((v, i) => (Number.isFinite(v) && Number.isFinite(y[i]!) ? [i] : []));
  const ranks = (v: readonly number[]) => {
    const order = [...idx].sort((p, q) => v[p]! - v[q]!);
    const r = new Map<number, number>();
    order.forEach((i, k) => r.set(i, k));
    return idx.map((i) => r.get(i)!);
  };
  const [rx, ry] = [ranks(x), ranks(y)];
  const n = idx.length;
  const d2 = rx.reduce((s, v, k) => s + (v - ry[k]!) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
}

describe('leverage: metadata', () => {
  it('uses the CNE5 weights; a style factor with direction −1 and no lookback', () => {
    expect(LEVERAGE_WEIGHTS).toEqual({ mlev: 0.38, dtoa: 0.35, blev: 0.27 });
    expect(defaultExport).toBe(leverage);
    expect(leverage.id).toBe('leverage');
    expect(leverage.meta.category).toBe('style');
    expect(leverage.meta.direction).toBe(-1);
    expect(leverage.with().params).toEqual({ winsorizeK: 5 });
    expect(factorLookback(leverage, leverage.with().params)).toBe(0);
    expect(leverage.meta.inputs.map((i) => [i.field, i.kind, i.lag])).toEqual([
      ['total_liab', 'fundamental', 0],
      ['total_assets', 'fundamental', 0],
      ['equity', 'fundamental', 0],
      ['market_cap', 'market', 0],
    ]);
    expect(checkApiCompatibility(leverage.apiVersion)).toEqual({ compatible: true });
    expect(createRegistry().registerModule(pluginModule)).toEqual([leverage]);
  });
});

describe('leverage: synthetic market', () => {
  it('matches the naive cross-section and ranks like debt-to-assets', { timeout: 120_000 }, () => {
    const market = generateMarket({ stocks: 200, years: 2, seed: 3 });
    const { dataset } = createDataset(market.tables);
    const t = dataset.calendar.length - 1;
    const result = computeFactor(leverage, dataset, { start: t });
    const row = (field: string) => dataset.assets.map((_, a) => dataset.field(field).get(t, a));
    const [liab, assets, equity, cap] = [row('total_liab'), row('total_assets'), row('equity'), row('market_cap')];
    const want = naiveLeverage(dataset.assets.map((_, a) => ({ liab: liab[a]!, assets: assets[a]!, equity: equity[a]!, cap: cap[a]! })));
    const got = dataset.assets.map((_, a) => result.values.get(0, a));
    let finite = 0;
    got.forEach((v, a) => {
      if (Number.isNaN(want[a]!)) expect(v).toBeNaN();
      else {
        finite++;
        expect(v).toBeCloseTo(want[a]!, 10);
      }
    });
    expect(finite).toBeGreaterThan(150);
    const dtoa = liab.map((l, a) => l / assets[a]!);
    expect(rankCorr(got, dtoa)).toBeGreaterThan(0.6);
  });
});

describe('leverage: real data (cn-csi300)', () => {
  it('throws FK_MISSING_INPUT: the sample has no balance sheet', { timeout: 120_000 }, async () => {
    const { dataset } = await loadDataset(path.resolve(repoRoot, '../shared/data/cn-csi300'));
    const error = catchError(() => computeFactor(leverage, dataset, { start: '2023-06-29', end: '2023-06-29' }));
    expect(isFactorkitError(error) && error.code).toBe('FK_MISSING_INPUT');
    expect((error as Error).message).toContain('`total_liab`');
  });
});
