import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Panel, computeFactor, createMemoryData, isFactorkitError } from '@factorkit/core';
import { createDataset, loadDataset } from '@factorkit/data';
import { catchError, rankCorrelation } from '@factorkit/factor-testkit';
import { runFactorTests } from '@factorkit/factor-testkit/vitest';
import { generateMarket } from '@factorkit/synth';
import { describe, expect, it } from 'vitest';
import defaultExport, { earningsYield } from '../src/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const NAN = Number.NaN;
const DATES = ['2024-04-26', '2024-04-29'];
const ASSETS = ['600519.SH', '000001.SZ', '300750.SZ', '688981.SH', '601318.SH'];
const CAP = [
  [2e12, 2e11, 8e11, 4e11, 9e11],
  [2.1e12, 2.1e11, NAN, 4.1e11, 9.1e11],
];
const NP_PARENT = [
  [7e10, 4.5e10, 4e10, -1e9, 1e11],
  [7.2e10, 4.5e10, 4e10, NAN, 1e11],
];
const NP_TOTAL = [
  [7.5e10, 4.6e10, 4.4e10, -0.5e9, 1.1e11],
  [7.6e10, 4.6e10, 4.4e10, NAN, 1.1e11],
];
const FWD = [
  [8e10, 5e10, NAN, 2e9, 1.2e11],
  [8.2e10, NAN, 5e10, 2e9, 1.2e11],
];
const P = (rows: number[][]) => Panel.fromRows(rows);
const memory = (fields: Record<string, Panel>) => createMemoryData({ calendar: DATES, assets: ASSETS, fields });
const full = memory({ market_cap: P(CAP), np_parent_ttm: P(NP_PARENT), net_profit_ttm: P(NP_TOTAL), consensus_net_profit_12m: P(FWD) });
const noForward = memory({ market_cap: P(CAP), np_parent_ttm: P(NP_PARENT), net_profit_ttm: P(NP_TOTAL) });
const totalOnly = memory({ market_cap: P(CAP), net_profit_ttm: P(NP_TOTAL), consensus_net_profit_12m: P(FWD) });

/** Barra standardisation of one row (cap-weighted mean, equal-weighted sample sd); NaN stays NaN. */
function standardise(x: number[], cap: number[]): number[] {
  const idx = x.map((v, i) => (Number.isFinite(v) ? i : -1)).filter((i) => i >= 0);
  // No spread (one value, or all equal): every value sits at the centre.
  if (idx.length < 2 || idx.every((i) => x[i] === x[idx[0]!])) return x.map((v) => (Number.isFinite(v) ? 0 : NAN));
  const weighted = idx.filter((i) => cap[i]! > 0);
  const centre = weighted.reduce((s, i) => s + cap[i]! * x[i]!, 0) / weighted.reduce((s, i) => s + cap[i]!, 0);
  const mean = idx.reduce((s, i) => s + x[i]!, 0) / idx.length;
  const sd = Math.sqrt(idx.reduce((s, i) => s + (x[i]! - mean) ** 2, 0) / (idx.length - 1));
  return x.map((v) => (Number.isFinite(v) ? (v - centre) / sd : NAN));
}

/** Naive EARNYILD, row by row. */
function naive(profit: number[][], forward: number[][] | undefined, w: number): (number | null)[][] {
  return CAP.map((cap, t) => {
    const ep = (p: number[]) => p.map((v, a) => (cap[a]! > 0 ? v / cap[a]! : NAN));
    const zT = standardise(ep(profit[t]!), cap);
    const zF = forward ? standardise(ep(forward[t]!), cap) : cap.map(() => NAN);
    return zT.map((t0, a) => {
      const f = zF[a]!;
      if (!forward) return Number.isFinite(t0) ? t0 : null;
      if (Number.isFinite(t0) && Number.isFinite(f)) return (1 - w) * t0 + w * f;
      if (Number.isFinite(t0)) return w < 1 ? t0 : null;
      if (Number.isFinite(f)) return w > 0 ? f : null;
      return null;
    });
  });
}

// Equal caps: trailing EP 1, 2, 3 → z −1, 0, 1; forward EP 2, −, 4 → z ∓1/√2.
const handData = createMemoryData({
  calendar: ['2024-01-02'],
  assets: ['a', 'b', 'c'],
  fields: { market_cap: P([[1, 1, 1]]), net_profit_ttm: P([[1, 2, 3]]), consensus_net_profit_12m: P([[2, NAN, 4]]) },
});

runFactorTests(earningsYield, {
  golden: [
    { name: 'hand values, equal caps', data: handData, expected: [[(-1 - Math.SQRT1_2) / 2, 0, (1 + Math.SQRT1_2) / 2]] },
    { name: 'naive: parent profit + forward, w 0.5', data: full, expected: naive(NP_PARENT, FWD, 0.5), tolerance: { abs: 1e-12, rel: 1e-9 } },
    { name: 'naive: w 0.8', params: { forwardWeight: 0.8 }, data: full, expected: naive(NP_PARENT, FWD, 0.8), tolerance: { abs: 1e-12, rel: 1e-9 } },
    { name: 'naive: w 0 (trailing only)', params: { forwardWeight: 0 }, data: full, expected: naive(NP_PARENT, FWD, 0), tolerance: { abs: 1e-12, rel: 1e-9 } },
    { name: 'naive: no forward field', data: noForward, expected: naive(NP_PARENT, undefined, 0.5), tolerance: { abs: 1e-12, rel: 1e-9 } },
    { name: 'naive: net_profit_ttm when there is no np_parent_ttm', data: totalOnly, expected: naive(NP_TOTAL, FWD, 0.5), tolerance: { abs: 1e-12, rel: 1e-9 } },
  ],
  params: [{}, { forwardWeight: 1 }],
});

describe('earnings_yield: a date without spread', () => {
  it('puts a lone forward yield at the centre (0) instead of dropping it', () => {
    const lone = createMemoryData({
      calendar: ['2024-01-02'],
      assets: ['a', 'b', 'c'],
      fields: { market_cap: P([[1, 1, 1]]), net_profit_ttm: P([[1, 2, NAN]]), consensus_net_profit_12m: P([[NAN, NAN, 5]]) },
    });
    // Trailing: a, b at z = ∓0.5 / sd = ∓1/√2 (mean 1.5, sd 1/√2); forward: only c, so 0.
    const row = Array.from(computeFactor(earningsYield, lone).values.row(0));
    [-Math.SQRT1_2, Math.SQRT1_2, 0].forEach((v, a) => expect(row[a]).toBeCloseTo(v, 14));
  });
});

describe('earnings_yield', () => {
  it('is the default export with the documented metadata', () => {
    expect(defaultExport).toBe(earningsYield);
    expect(earningsYield.id).toBe('earnings_yield');
    expect(earningsYield.meta.category).toBe('style');
    expect(earningsYield.meta.direction).toBe(1);
    expect(earningsYield.meta.inputs.map((i) => [i.field, i.lag, i.optional ?? false])).toEqual([
      ['market_cap', 0, false],
      ['np_parent_ttm', 0, true],
      ['net_profit_ttm', 0, true],
      ['consensus_net_profit_12m', 0, true],
    ]);
    expect(earningsYield.with().params).toEqual({ forwardWeight: 0.5 });
    expect(() => earningsYield.with({ forwardWeight: 1.5 })).toThrow(/params\.forwardWeight/);
  });

  it('without a TTM profit field: FK_MISSING_INPUT naming both', () => {
    const error = catchError(() => computeFactor(earningsYield, memory({ market_cap: P(CAP), consensus_net_profit_12m: P(FWD) })));
    expect(isFactorkitError(error) && error.code).toBe('FK_MISSING_INPUT');
    expect((error as Error).message).toContain('`np_parent_ttm`');
    expect((error as Error).message).toContain('`net_profit_ttm`');
  });

  it('without market_cap: FK_MISSING_INPUT naming it', () => {
    const error = catchError(() => computeFactor(earningsYield, memory({ net_profit_ttm: P(NP_TOTAL) })));
    expect(isFactorkitError(error) && error.code).toBe('FK_MISSING_INPUT');
    expect((error as Error).message).toContain('`market_cap`');
  });

  it('on cn-csi300 (net_profit_ttm, no forward): standardised net_profit_ttm / market_cap on 2023-06-29', { timeout: 120_000 }, async () => {
    const { dataset } = await loadDataset(path.resolve(repoRoot, '../shared/data/cn-csi300'));
    expect(dataset.hasField('np_parent_ttm')).toBe(false);
    expect(dataset.hasField('consensus_net_profit_12m')).toBe(false);
    const date = '2023-06-29';
    const t = dataset.calendar.indexOf(date);
    const { values, assets } = computeFactor(earningsYield, dataset, { start: date, end: date });
    const cap = Array.from(dataset.field('market_cap').row(t));
    const np = Array.from(dataset.field('net_profit_ttm').row(t));
    const z = standardise(
      np.map((v, a) => (cap[a]! > 0 ? v / cap[a]! : NAN)),
      cap,
    );
    for (const id of ['600519.SH', '601398.SH']) {
      const a = assets.indexOf(id);
      expect(values.get(0, a)).toBeCloseTo(z[a]!, 9);
    }
    // ICBC (EP ≈ 0.2) is far cheaper on earnings than Moutai (EP ≈ 0.03).
    expect(values.get(0, assets.indexOf('601398.SH'))).toBeGreaterThan(values.get(0, assets.indexOf('600519.SH')));
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

  it('on the synthetic market (parent profit and consensus): matches the naive blend and ranks with the planted EP', { timeout: 120_000 }, () => {
    const market = generateMarket({ stocks: 200, years: 2, seed: 3 });
    const { dataset } = createDataset(market.tables);
    const snapshots = market.truth.exposures.dates;
    const m = snapshots.length - 1;
    const day = String(snapshots[m]);
    const date = `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;
    const t = dataset.calendar.indexOf(date);
    const { values } = computeFactor(earningsYield, dataset, { start: date, end: date });
    const ours = Array.from(values.row(0));
    const cap = Array.from(dataset.field('market_cap').row(t));
    const ep = (field: string) => Array.from(dataset.field(field).row(t), (v, a) => (cap[a]! > 0 ? v / cap[a]! : NAN));
    const zT = standardise(ep('np_parent_ttm'), cap);
    const zF = standardise(ep('consensus_net_profit_12m'), cap);
    ours.forEach((v, a) => {
      const [x, y] = [zT[a]!, zF[a]!];
      const expected = Number.isFinite(x) && Number.isFinite(y) ? (x + y) / 2 : Number.isFinite(x) ? x : y;
      if (Number.isFinite(expected)) expect(v).toBeCloseTo(expected, 9);
      else expect(v).toBeNaN();
    });
    const codes = market.truth.codes;
    const truth = (id: 'ep_ttm' | 'expected_ep') => dataset.assets.map((s) => market.truth.exposures.values[id]![m * codes.length + codes.indexOf(s)] ?? NAN);
    expect(rankCorrelation(ours, truth('ep_ttm'))).toBeGreaterThan(0.5);
    expect(rankCorrelation(ours, truth('expected_ep'))).toBeGreaterThan(0.5);
  });
});
