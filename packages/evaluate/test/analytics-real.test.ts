/**
 * Classic analytics on the real CSI 300 dataset (../shared/data/cn-csi300 beside the repository)
 * against an independent numpy/scipy computation (test/analytics_reference.py) to 1e-9: IC,
 * RankIC, quantile returns, benchmark, turnover, rank autocorrelation, decay and coverage, for
 * three preprocessed factors and a discrete one, over 40 dates of June–August 2015 (the mass
 * suspensions of July 2015 included). Data-heavy: about 20 s (loading the dataset is a third of it).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type MarketData, Panel, type UniverseInstance } from '@factorkit/core';
import { loadDataset } from '@factorkit/data';
import { epTtm } from '@factorkit/factor-ep-ttm';
import { momentum } from '@factorkit/factor-momentum';
import { reversal3m } from '@factorkit/factor-reversal-3m';
import { computeFactors } from '@factorkit/pipeline';
import { indexUniverse } from '@factorkit/universe-index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FactorEvaluation, evaluateFactor } from '../src/index.js';
import { expectSeries, runReference, writePanelCsv } from './analytics-helpers.js';

const DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/cn-csi300');
const HORIZONS = [1, 5, 20];
const GROUPS = 10;
const DECAY = 20;
const TOL = 1e-9;

interface HorizonRef {
  n: number[];
  ic: (number | null)[];
  rankIc: (number | null)[];
  counts: number[];
  meanEqual: (number | null)[];
  meanCap: (number | null)[];
  benchmark: (number | null)[];
  topExcessEqual: (number | null)[];
  topExcessCap: (number | null)[];
  spreadEqual: (number | null)[];
  spreadCap: (number | null)[];
  turnoverTop: (number | null)[];
  turnoverBottom: (number | null)[];
  rankAutocorrelation: (number | null)[];
  summary: Record<'ic' | 'rankIc', Record<string, number | null>>;
  groupMeanEqual: (number | null)[];
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
let reference: Record<string, FactorRef>;
const evaluations = new Map<string, { returns: FactorEvaluation; prices: FactorEvaluation }>();

beforeAll(async () => {
  if (!existsSync(DATA)) throw new Error(`the real dataset is missing at ${DATA}`);
  const { dataset } = await loadDataset(DATA, { tables: ['calendar', 'stocks', 'daily', 'fina', 'industry', 'index_members', 'index_weight'] });
  const data: MarketData = dataset;
  const universe: UniverseInstance = indexUniverse.resolve({ data, params: indexUniverse.with({ index: 'csi300', excludeSt: false, excludeSuspended: false }).params });
  const start = data.calendar.ceil('2015-06-01');
  const rows = 40;
  const end = data.calendar.dates[start + rows - 1]!;
  const computed = computeFactors({ data, factors: [{ plugin: momentum }, { plugin: reversal3m }, { plugin: epTtm }], universe, range: { start: data.calendar.dates[start]!, end }, preprocess: true });
  const factors = new Map<string, Panel>(computed.factors.map((f) => [f.name, f.values]));
  // A discrete factor: the processed momentum z-score rounded and clipped to −2 … 2 (five values, heavy ties).
  const z = factors.get('momentum_1y')!;
  factors.set('momentum_tied', new Panel(z.dates, z.assets, z.values.map((v) => (Number.isFinite(v) ? Math.max(-2, Math.min(2, Math.round(v))) : v))));

  for (const [name, values] of factors) {
    const common = { data, values, dates: computed.dates, universe, horizons: HORIZONS, groups: GROUPS, decayLags: DECAY };
    evaluations.set(name, { returns: evaluateFactor(common), prices: evaluateFactor({ ...common, priceField: 'close' }) });
  }

  dir = mkdtempSync(join(tmpdir(), 'evaluate-analytics-'));
  const window = rows + Math.max(...HORIZONS);
  const at = (field: string) => {
    const panel = data.field(field);
    return (r: number, a: number) => panel.get(start + r, a);
  };
  for (const [file, field] of [['ret', 'ret'], ['close', 'close'], ['is_trading', 'is_trading'], ['cap', 'float_market_cap']] as const) {
    writePanelCsv(join(dir, `${file}.csv`), data.assets, window, at(field));
  }
  const members = Array.from({ length: window }, (_, r) => Uint8Array.from(universe.members(start + r)));
  writePanelCsv(join(dir, 'member.csv'), data.assets, window, (r, a) => members[r]![a]!);
  const weights = Array.from({ length: rows }, (_, r) => universe.weights!(start + r)!.weights.slice());
  writePanelCsv(join(dir, 'weight.csv'), data.assets, rows, (r, a) => weights[r]![a]!);
  for (const [name, values] of factors) writePanelCsv(join(dir, `factor_${name}.csv`), data.assets, rows, (r, a) => values.get(r, a));
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ horizons: HORIZONS, groups: GROUPS, decayLags: DECAY, minAssets: 3, rows, factors: [...factors.keys()] }));
  reference = runReference(dir) as Record<string, FactorRef>;
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('cn-csi300, 40 dates from 2015-06-01: evaluateFactor against numpy/scipy (data, slow)', () => {
  const factors = ['momentum_1y', 'reversal_3m', 'ep_ttm', 'momentum_tied'];

  it.each(factors)('%s: IC, RankIC and n per date and their summaries agree to 1e-9', (name) => {
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
        const summary = ours.summary[k]!;
        for (const kind of ['ic', 'rankIc'] as const) {
          for (const stat of ['count', 'mean', 'std', 'tStat', 'positiveShare', 'icir'] as const) {
            expectSeries([summary[kind][stat]], [ref.summary[kind][stat]!], TOL, `${label} ${kind}.${stat}`);
          }
        }
      });
      // 40 dates × 3 horizons × 2 correlations, less the 20-day windows past the data: hundreds.
      expect(compared).toBeGreaterThan(200);
    }
  });

  it.each(factors)('%s: quantile returns, benchmark, spreads, turnover and autocorrelation agree to 1e-9', (name) => {
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
          compared += expectSeries(q[key], ref[key], TOL, `${label} ${key}`);
        }
        compared += expectSeries(ours.quantiles.summary[k]!.meanEqual, ref.groupMeanEqual, TOL, `${label} summary.meanEqual`);
      });
      expect(compared).toBeGreaterThan(2000);
    }
  });

  it.each(factors)('%s: IC decay over lags 1 … 20 agrees to 1e-9', (name) => {
    const ours = evaluations.get(name)!.returns.decay.lags;
    const theirs = reference[name]!.decay;
    expect(ours.map((l) => l.lag)).toEqual(theirs.map((l) => l.lag));
    ours.forEach((lag, k) => {
      for (const kind of ['ic', 'rankIc'] as const) {
        for (const stat of ['count', 'mean', 'std', 'tStat', 'positiveShare', 'icir'] as const) {
          expectSeries([lag[kind][stat]], [theirs[k]![kind][stat]!], TOL, `${name} decay lag ${lag.lag} ${kind}.${stat}`);
        }
      }
      expect(lag.ic.count).toBe(40);
    });
  });

  it.each(factors)('%s: coverage per date agrees, and the July 2015 suspensions are counted', (name) => {
    const { coverage } = evaluations.get(name)!.returns;
    const ref = reference[name]!.returns.coverage;
    for (const key of ['members', 'noRow', 'suspended', 'missingValue', 'eligible', 'notInUniverse'] as const) {
      expect(Array.from(coverage[key]), key).toEqual(ref[key]);
    }
    expect(Array.from(coverage.nonFinite).every((v) => v === 0)).toBe(true);
    // CSI 300 has 300 members every day; in July 2015 dozens of them were suspended at once.
    expect(Array.from(coverage.members).every((v) => v === 300)).toBe(true);
    expect(Math.max(...coverage.suspended)).toBeGreaterThan(20);
    expect(coverage.totals.suspended).toBe(ref.suspended!.reduce((s, v) => s + v, 0));
  });

  it('ranks a discrete factor into at most five groups, ties never split', () => {
    const q = evaluations.get('momentum_tied')!.returns.quantiles.series[0]!;
    for (let i = 0; i < q.dates.length; i++) {
      const filled = Array.from(q.counts.subarray(i * GROUPS, (i + 1) * GROUPS)).filter((c) => c > 0).length;
      expect(filled).toBeLessThanOrEqual(5);
      expect(filled).toBeGreaterThanOrEqual(3);
    }
  });
});
