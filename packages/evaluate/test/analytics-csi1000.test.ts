/**
 * Classic analytics on the real CSI 1000 dataset (../shared/data/cn-csi1000 beside the
 * repository: 2022 → 2026, daily bars and adjustment factors only — no industry, no share counts
 * or market caps, no traded value, no index weights) within the CSI 1000 membership, against the
 * independent numpy/scipy computation of test/analytics_reference.py to 1e-9: IC, RankIC,
 * quantile returns, benchmark, turnover, rank autocorrelation, decay and coverage of the price
 * factors the data supports (momentum_1y, reversal_3m, volatility_3m) and a discrete one, over 40
 * dates from 2024-01-02 (the small-cap sell-off of early February 2024 included). Without index
 * weights or caps the benchmark is the equal-weighted membership, as evaluateFactor documents and
 * reports.
 *
 * The compounded forward returns are checked against a day-by-day product to 1e-12 and handed to
 * the reference as they are (fwd_ret_<h>.csv): the source stores float32 prices, so the daily
 * returns are rounded ratios, and a stock whose close is back at its level after h days (ten on
 * 2024-01-03 at h = 5) has a forward return of exactly 0 that two correct compoundings round to 0 or
 * ±1e-16 differently — different ties, RankIC apart by 1e-5. Price-ratio forward returns are a
 * single division and are computed by the reference itself. Data-heavy: about 20 s.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FactorPlugin, type MarketData, Panel, type UniverseInstance, missingInputs } from '@factorkit/core';
import { loadDataset } from '@factorkit/data';
import { bp } from '@factorkit/factor-bp';
import { epTtm } from '@factorkit/factor-ep-ttm';
import { illiquidityShock } from '@factorkit/factor-illiquidity-shock';
import { momentum } from '@factorkit/factor-momentum';
import { reversal3m } from '@factorkit/factor-reversal-3m';
import { turnover1m } from '@factorkit/factor-turnover-1m';
import { volatility3m } from '@factorkit/factor-volatility-3m';
import { type ComputeFactorsResult, computeFactors } from '@factorkit/pipeline';
import { indexUniverse } from '@factorkit/universe-index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FactorEvaluation, evaluateFactor, forwardReturns } from '../src/index.js';
import { expectSeries, runReference, writePanelCsv } from './analytics-helpers.js';

const DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/cn-csi1000');
const HORIZONS = [1, 5, 20];
const GROUPS = 10;
const DECAY = 20;
const ROWS = 40;
const TOL = 1e-9;
const FACTORS = ['momentum_1y', 'reversal_3m', 'volatility_3m', 'volatility_tied'];

/** What analytics_reference.py writes per factor and price mode (the fields compared here). */
interface HorizonRef {
  n: number[];
  ic: (number | null)[];
  rankIc: (number | null)[];
  counts: number[];
  summary: Record<'ic' | 'rankIc', Record<string, number | null>>;
  groupMeanEqual: (number | null)[];
  [series: string]: unknown;
}
interface ModeRef {
  coverage: Record<string, number[]>;
  top: number[];
  bottom: number[];
  horizons: Record<string, HorizonRef>;
}
interface FactorRef {
  returns: ModeRef;
  prices: ModeRef;
  decay: { lag: number; ic: Record<string, number | null>; rankIc: Record<string, number | null> }[];
}

let dir: string;
let data: MarketData;
let universe: UniverseInstance;
let computed: ComputeFactorsResult;
let start: number;
let reference: Record<string, FactorRef>;
const evaluations = new Map<string, { returns: FactorEvaluation; prices: FactorEvaluation }>();

beforeAll(async () => {
  if (!existsSync(DATA)) throw new Error(`the real dataset is missing at ${DATA}`);
  data = (await loadDataset(DATA)).dataset;
  // Suspended members stay members, so that coverage counts them as suspended.
  universe = indexUniverse.resolve({ data, params: indexUniverse.with({ index: 'csi1000', excludeSt: false, excludeSuspended: false }).params });
  start = data.calendar.ceil('2024-01-02');
  const end = data.calendar.dates[start + ROWS - 1]!;
  // The usual preprocessing; industry and size neutralising are skipped (and reported) for want of the fields.
  computed = computeFactors({ data, factors: [{ plugin: momentum }, { plugin: reversal3m }, { plugin: volatility3m }], universe, range: { start: data.calendar.dates[start]!, end }, preprocess: true });
  const factors = new Map<string, Panel>(computed.factors.map((f) => [f.name, f.values]));
  // A discrete factor: the processed volatility z-score rounded and clipped to −2 … 2 (five values, heavy ties).
  const z = factors.get('volatility_3m')!;
  factors.set('volatility_tied', new Panel(z.dates, z.assets, z.values.map((v) => (Number.isFinite(v) ? Math.max(-2, Math.min(2, Math.round(v))) : v))));

  for (const [name, values] of factors) {
    const common = { data, values, dates: computed.dates, universe, horizons: HORIZONS, groups: GROUPS, decayLags: DECAY };
    evaluations.set(name, { returns: evaluateFactor(common), prices: evaluateFactor({ ...common, priceField: 'close' }) });
  }

  dir = mkdtempSync(join(tmpdir(), 'evaluate-analytics-csi1000-'));
  const window = ROWS + Math.max(...HORIZONS);
  const at = (field: string) => {
    const panel = data.field(field);
    return (r: number, a: number) => panel.get(start + r, a);
  };
  for (const [file, field] of [['ret', 'ret'], ['close', 'close'], ['is_trading', 'is_trading'], ['cap', 'float_market_cap']] as const) {
    writePanelCsv(join(dir, `${file}.csv`), data.assets, window, at(field));
  }
  const members = Array.from({ length: window }, (_, r) => Uint8Array.from(universe.members(start + r)));
  writePanelCsv(join(dir, 'member.csv'), data.assets, window, (r, a) => members[r]![a]!);
  // No weights: the benchmark is the members' equal-weighted mean, i.e. weight 1 per member.
  writePanelCsv(join(dir, 'weight.csv'), data.assets, ROWS, (r, a) => members[r]![a]!);
  forwardReturns(data, { horizons: HORIZONS }).panels.forEach((panel, k) => writePanelCsv(join(dir, `fwd_ret_${HORIZONS[k]}.csv`), data.assets, ROWS, (r, a) => panel.get(start + r, a)));
  for (const [name, values] of factors) writePanelCsv(join(dir, `factor_${name}.csv`), data.assets, ROWS, (r, a) => values.get(r, a));
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ horizons: HORIZONS, groups: GROUPS, decayLags: DECAY, minAssets: 3, rows: ROWS, factors: [...factors.keys()] }));
  reference = runReference(dir) as Record<string, FactorRef>;
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('cn-csi1000, 40 dates from 2024-01-02 within CSI 1000: evaluateFactor against numpy/scipy (data, slow)', () => {
  it('the data supports the price factors only: the others name the fields it lacks', () => {
    const missing = (plugin: FactorPlugin<any>): string[] => [...missingInputs(plugin, data)]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(missing(momentum)).toEqual([]);
    expect(missing(reversal3m)).toEqual([]);
    expect(missing(volatility3m)).toEqual([]);
    expect(missing(turnover1m)).toEqual(['turnover']);
    expect(missing(illiquidityShock)).toEqual(['amount']);
    expect(missing(epTtm)).toEqual(['market_cap']);
    // bp's inputs are each optional; it finds out when computing that it has none of them.
    expect(() => computeFactors({ data, factors: [{ plugin: bp }], range: { start: data.calendar.dates[start]!, end: data.calendar.dates[start]! } })).toThrow(/bp/);
    for (const field of ['industry', 'market_cap', 'amount', 'turnover', 'index_weight:000852.SH']) expect(data.hasField(field), field).toBe(false);
  });

  it('preprocessing skips industry and size neutralising, and says why', () => {
    for (const factor of computed.factors) {
      const neutralize = factor.report.preprocess!.neutralize;
      expect(neutralize.requested).toEqual(['industry', 'size']);
      expect(neutralize.used).toEqual([]);
      expect(neutralize.skipped.map((s) => [s.regressor, s.reason])).toEqual([
        ['industry', 'unavailable'],
        ['size', 'unavailable'],
      ]);
      expect(neutralize.skipped.map((s) => s.message)).toEqual(['not neutralised against `industry`: the dataset has no `industry` field', 'not neutralised against `size`: the dataset has no `market_cap` field']);
    }
  });

  it('without index weights or caps the benchmark is the equal-weighted membership, and every evaluation says so', () => {
    // The float-cap proxy has nothing to weigh: the dataset has no share counts, so no cap.
    const cap = data.field('float_market_cap');
    for (let r = 0; r < ROWS; r++) {
      expect(universe.weights!(start + r)).toBeUndefined();
      for (let a = 0; a < data.assets.length; a++) expect(Number.isNaN(cap.get(start + r, a))).toBe(true);
    }
    for (const name of FACTORS) {
      for (const mode of ['returns', 'prices'] as const) {
        const ours = evaluations.get(name)![mode];
        expect(ours.benchmark).toEqual({ weightedDates: 0, equalDates: ROWS, approximateDates: 0 });
        expect(ours.notes).toContain(`no benchmark weights on ${ROWS} of ${ROWS} dates: the equal-weighted universe is the benchmark there`);
        // Cap-weighted group means have no cap to weigh with.
        expect(ours.quantiles.series.every((q) => q.meanCap.every(Number.isNaN))).toBe(true);
      }
    }
  });

  it('compounded forward returns equal the day-by-day product of (1 + ret) to 1e-12, NaN where a return of the window is missing', () => {
    const ret = data.field('ret');
    const panels = forwardReturns(data, { horizons: HORIZONS }).panels;
    let compared = 0;
    HORIZONS.forEach((h, k) => {
      for (let t = start; t < start + ROWS; t++) {
        for (let a = 0; a < data.assets.length; a++) {
          let g = 1;
          for (let s = t + 1; s <= t + h; s++) g *= 1 + ret.get(s, a);
          const got = panels[k]!.get(t, a);
          if (Number.isNaN(g)) expect(got, `${data.assets[a]} ${data.calendar.at(t)} h=${h}`).toBeNaN();
          else {
            if (!(Math.abs(got - (g - 1)) <= 1e-12)) expect.fail(`${data.assets[a]} ${data.calendar.at(t)} h=${h}: got ${got}, expected ${g - 1}`);
            compared++;
          }
        }
      }
    });
    expect(compared).toBeGreaterThan(ROWS * HORIZONS.length * 1500);
  });

  it.each(FACTORS)('%s: IC, RankIC and n per date and their summaries agree to 1e-9', (name) => {
    for (const mode of ['returns', 'prices'] as const) {
      const ours = evaluations.get(name)![mode];
      const theirs = reference[name]![mode];
      let compared = 0;
      ours.ic.forEach((series, k) => {
        const ref = theirs.horizons[String(HORIZONS[k])]!;
        const label = `${name} ${mode} h=${series.horizon}`;
        expect(Array.from(series.n), `${label} n`).toEqual(ref.n);
        compared += expectSeries(series.ic, ref.ic, TOL, `${label} ic`);
        compared += expectSeries(series.rankIc, ref.rankIc, TOL, `${label} rankIc`);
        for (const kind of ['ic', 'rankIc'] as const) {
          for (const stat of ['count', 'mean', 'std', 'tStat', 'positiveShare', 'icir'] as const) {
            expectSeries([ours.summary[k]![kind][stat]], [ref.summary[kind][stat]!], TOL, `${label} ${kind}.${stat}`);
          }
        }
      });
      // 40 dates × 3 horizons × 2 correlations: every one has a value (the data runs to 2026).
      expect(compared).toBe(ROWS * HORIZONS.length * 2);
      // Hundreds of CSI 1000 members per date.
      expect(Math.min(...ours.ic[0]!.n)).toBeGreaterThan(800);
    }
  });

  it.each(FACTORS)('%s: quantile returns, benchmark, spreads, turnover and autocorrelation agree to 1e-9', (name) => {
    for (const mode of ['returns', 'prices'] as const) {
      const ours = evaluations.get(name)![mode];
      const theirs = reference[name]![mode];
      let compared = 0;
      ours.quantiles.series.forEach((q, k) => {
        const ref = theirs.horizons[String(HORIZONS[k])]!;
        const label = `${name} ${mode} h=${q.horizon}`;
        expect(Array.from(q.top), `${label} top`).toEqual(theirs.top);
        expect(Array.from(q.bottom), `${label} bottom`).toEqual(theirs.bottom);
        expect(Array.from(q.counts), `${label} counts`).toEqual(ref.counts);
        for (const key of ['meanEqual', 'meanCap', 'benchmark', 'topExcessEqual', 'topExcessCap', 'spreadEqual', 'spreadCap', 'turnoverTop', 'turnoverBottom', 'rankAutocorrelation'] as const) {
          compared += expectSeries(q[key], ref[key] as (number | null)[], TOL, `${label} ${key}`);
        }
        compared += expectSeries(ours.quantiles.summary[k]!.meanEqual, ref.groupMeanEqual, TOL, `${label} summary.meanEqual`);
      });
      // Cap-weighted numbers are all NaN (no cap); the tied factor leaves groups empty.
      expect(compared).toBeGreaterThan(1200);
    }
  });

  it.each(FACTORS)('%s: IC decay over lags 1 … 20 agrees to 1e-9', (name) => {
    const ours = evaluations.get(name)!.returns.decay.lags;
    const theirs = reference[name]!.decay;
    expect(ours.map((l) => l.lag)).toEqual(theirs.map((l) => l.lag));
    ours.forEach((lag, k) => {
      for (const kind of ['ic', 'rankIc'] as const) {
        for (const stat of ['count', 'mean', 'std', 'tStat', 'positiveShare', 'icir'] as const) {
          expectSeries([lag[kind][stat]], [theirs[k]![kind][stat]!], TOL, `${name} decay lag ${lag.lag} ${kind}.${stat}`);
        }
      }
      expect(lag.ic.count).toBe(ROWS);
    });
  });

  it.each(FACTORS)('%s: coverage per date agrees; 1,000 members a day, those without a daily row counted', (name) => {
    const { coverage } = evaluations.get(name)!.returns;
    const ref = reference[name]!.returns.coverage;
    for (const key of ['members', 'noRow', 'suspended', 'missingValue', 'eligible', 'notInUniverse'] as const) {
      expect(Array.from(coverage[key]), key).toEqual(ref[key]);
    }
    expect(Array.from(coverage.nonFinite).every((v) => v === 0)).toBe(true);
    // The membership has 1,000 stocks every day, but the data only has the stocks still listed in 2026
    // (the card's survivorship bias): members without a daily row are not members of the universe here.
    expect(Math.max(...coverage.members)).toBeLessThanOrEqual(1000);
    expect(Math.min(...coverage.members)).toBeGreaterThan(980);
    expect(coverage.totals.suspended).toBe(ref.suspended!.reduce((s, v) => s + v, 0));
  });

  it('ranks a discrete factor into at most five groups, ties never split', () => {
    const q = evaluations.get('volatility_tied')!.returns.quantiles.series[0]!;
    for (let i = 0; i < q.dates.length; i++) {
      const filled = Array.from(q.counts.subarray(i * GROUPS, (i + 1) * GROUPS)).filter((c) => c > 0).length;
      expect(filled).toBeLessThanOrEqual(5);
      expect(filled).toBeGreaterThanOrEqual(3);
    }
  });
});
