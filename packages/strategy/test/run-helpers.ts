/**
 * Helpers of the runner's tests: a small synthetic market (cached per seed), strategies built
 * directly as resolved `Strategy` objects (independent of the spec's `createStrategy`), and a
 * factor wrapper that shuffles a factor's values across stocks on every date.
 */
import { BACKTEST_SETTINGS, type BacktestSettings } from '@factorkit/backtest';
import { constituentShare, fullyInvested, industryNeutral, longOnly, stockDeviation, styleExposure, tradability, turnoverLimit } from '@factorkit/constraints';
import { type ConstraintSpec, type FactorPlugin, type MarketData, Panel, checkParams, defineFactor } from '@factorkit/core';
import { type Dataset, createDataset } from '@factorkit/data';
import { momentum } from '@factorkit/factor-momentum';
import { turnover1m } from '@factorkit/factor-turnover-1m';
import { volatility3m } from '@factorkit/factor-volatility-3m';
import { equalWeight } from '@factorkit/model-equal';
import { highsOptimizer } from '@factorkit/optimizer-highs';
import { generateMarket } from '@factorkit/synth';
import { indexUniverse, marketUniverse } from '@factorkit/universe-index';
import type { Strategy, StrategyDefinition, StrategyFactor } from '../src/spec/types.js';

const markets = new Map<string, Dataset>();

/** The synthetic market of `seed` (400 stocks, 3 years from 2014), generated once per test file. */
export function syntheticMarket(seed = 5, stocks = 400, years = 3): Dataset {
  const key = `${seed}/${stocks}/${years}`;
  let data = markets.get(key);
  if (!data) {
    data = createDataset(generateMarket({ seed, stocks, years, funds: 0 }).tables).dataset;
    markets.set(key, data);
  }
  return data;
}

/** A seeded uniform generator (an LCG). */
function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
}

/**
 * `plugin` with its values permuted across the stocks that have one, date by date (a seeded
 * permutation per date, the same whatever window the factor is computed over): the same
 * cross-sectional distribution, no information about any stock.
 */
export function shuffled(plugin: FactorPlugin<any>, params: Record<string, unknown> = {}): FactorPlugin { // eslint-disable-line @typescript-eslint/no-explicit-any
  const inner = plugin.with(params).params;
  const lookback = plugin.meta.lookback;
  return defineFactor({
    id: `${plugin.id}-shuffled`,
    apiVersion: plugin.apiVersion,
    meta: { ...plugin.meta, params: {}, lookback: typeof lookback === 'function' ? () => lookback(inner) : lookback },
    compute(ctx) {
      const values = plugin.compute({ ...ctx, params: inner });
      const out = new Panel(values.dates, values.assets);
      for (let t = 0; t < values.dates; t++) {
        const date = ctx.data.calendar.at(t);
        const random = uniform(Number(date.replaceAll('-', '')));
        const have: number[] = [];
        for (let a = 0; a < values.assets; a++) if (Number.isFinite(values.get(t, a))) have.push(a);
        const order = have.slice();
        for (let i = order.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
        have.forEach((a, i) => out.set(t, a, values.get(t, order[i]!)));
      }
      return out;
    },
  });
}

/** Factors with planted premia on the synthetic market: one-month reversal, one-month turnover, three-month volatility (all: lower is better). */
export function plantedFactors(): StrategyFactor[] {
  return [
    { name: 'reversal_1m', plugin: momentum, params: momentum.with({ window: 20, skip: 0 }).params, direction: -1 },
    { name: 'turnover_1m', plugin: turnover1m, params: turnover1m.with({}).params, direction: -1 },
    { name: 'volatility_3m', plugin: volatility3m, params: volatility3m.with({}).params, direction: -1 },
  ];
}

/** The same factors, each shuffled across stocks per date. */
export function shuffledFactors(): StrategyFactor[] {
  return plantedFactors().map((f) => {
    const plugin = shuffled(f.plugin, f.params);
    return { name: f.name, plugin, params: {}, direction: f.direction };
  });
}

/** The usual enhanced-index constraints, with a deviation band `deviation`. */
export function usualConstraints(deviation = 0.02, turnover = 0.3): ConstraintSpec<any>[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  return [
    fullyInvested.with({}),
    longOnly.with({}),
    stockDeviation.with({ limit: deviation, nonMembers: 'allow', nonMemberMax: deviation }),
    industryNeutral.with({ band: 0.02, missing: 'group' }),
    styleExposure.with({ styles: ['size'], band: 0.3, missing: 'zero' }),
    constituentShare.with({ min: 0.8 }),
    turnoverLimit.with({ limit: turnover, side: 'one-way', formulation: 'held' }),
    tradability.with({}),
  ];
}

/** Backtest settings: the defaults with `overrides`. */
export function settings(overrides: Record<string, unknown> = {}): BacktestSettings {
  const checked = checkParams(BACKTEST_SETTINGS, { capital: 1e8, ...overrides });
  if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
  return checked.value;
}

/** A resolved strategy on the synthetic market (csi1000 against its own index, the market investable). */
export function strategyOf(overrides: Partial<Strategy> = {}): Strategy {
  const definition: StrategyDefinition = {
    name: overrides.name ?? 'test',
    universe: { index: '000852.SH' },
    start: '2015-03-02',
    end: '2016-12-30',
    factors: ['reversal_1m', 'turnover_1m', 'volatility_3m'],
    model: { id: 'equal', horizon: 5, retrainEvery: 20, window: 60, minDates: 20 },
  };
  return {
    name: 'test',
    description: '',
    definition,
    universe: { plugin: indexUniverse, params: { index: '000852.SH' } },
    investable: { plugin: marketUniverse, params: {} },
    benchmark: '100% 000852.SH',
    factors: plantedFactors(),
    preprocess: { winsorize: { method: 'mad', k: 5 }, neutralize: false, standardize: { weights: 'equal' }, fill: 'none' },
    model: { plugin: equalWeight, params: {}, horizon: 5, retrainEvery: 20, window: 60, labelTransform: 'rank-normal', minDates: 20 },
    objective: { kind: 'max-alpha' },
    constraints: usualConstraints(),
    optimizer: { plugin: highsOptimizer, params: highsOptimizer.with({}).params },
    rebalance: { every: 'week' },
    risk: false,
    infeasible: { policy: 'hold', relax: [] },
    backtest: settings(),
    start: '2015-03-02',
    end: '2016-12-30',
    ...overrides,
  };
}

/** `data` as of the close of `t`: nothing after it exists. */
export function truncated(data: MarketData, t: number): MarketData {
  return data.window(0, t + 1);
}

/** Row `r` of a date-major permutation: a seeded shuffle of `0 … n − 1`. */
function permutation(n: number, seed: number): Int32Array {
  const random = uniform(seed);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const x = order[i]!;
    order[i] = order[j]!;
    order[j] = x;
  }
  return order;
}

/**
 * `base` with every row after calendar row `last` replaced by garbage: each later row of every
 * numeric and categorical field is the same row with its values permuted across the stocks (a
 * seeded permutation per row), so prices stay prices and flags stay flags but belong to other
 * stocks. Tables (`index_daily`…) are left as they are.
 */
export function garbledAfter(base: MarketData, last: number): MarketData {
  const garble = <A extends Float64Array | Int32Array>(values: A, T: number, N: number, rowOffset: number): A => {
    const out = values.slice() as A;
    for (let r = Math.max(0, last - rowOffset + 1); r < T; r++) {
      const order = permutation(N, 7919 * (r + rowOffset) + 17);
      for (let a = 0; a < N; a++) out[a * T + r] = values[order[a]! * T + r]!;
    }
    return out;
  };
  const view = (data: MarketData, offset: number): MarketData => ({
    calendar: data.calendar,
    assets: data.assets,
    fieldInfo: () => data.fieldInfo(),
    hasField: (name) => data.hasField(name),
    field(name, request) {
      const p = data.field(name, request);
      return new Panel(p.dates, p.assets, garble(p.values, p.dates, p.assets, offset));
    },
    categorical(name, request) {
      const p = data.categorical(name, request);
      return { ...p, codes: garble(p.codes, p.dates, p.assets, offset) };
    },
    window: (start, end) => view(data.window(start, end), offset + start),
    table: (name) => data.table?.(name),
  });
  return view(base, 0);
}
