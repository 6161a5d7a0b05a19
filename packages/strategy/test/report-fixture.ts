/**
 * A strategy run for the report tests: a real backtest (`runBacktest`) of a momentum portfolio on
 * a small synthetic market, with hand-made rebalance, factor-weight, exposure, contribution,
 * hit-rate and attribution records (seeded, so every number is known to the tests).
 */
import { type BacktestResult, runBacktest } from '@factorkit/backtest';
import type { MarketData } from '@factorkit/core';
import { createDataset } from '@factorkit/data';
import { generateMarket } from '@factorkit/synth';
import type { ReportAttribution, ReportAttributionPeriod, ReportHitRatePeriod, ReportRebalance, StrategyReportInput } from '../src/report/index.js';
import { uniform } from './helpers.js';

export const FACTORS = ['momentum_1m', 'ep_ttm', 'volatility_3m'] as const;
export const STYLES = ['size', 'beta', 'momentum'] as const;
export const INDUSTRIES = ['Banks', 'Electronics', 'Food & Beverage', 'Pharma', 'Utilities'] as const;

export interface FixtureOptions {
  readonly seed?: number;
  readonly stocks?: number;
  readonly years?: number;
  /** Rebalance every `every` trading days. */
  readonly every?: number;
  readonly name?: string;
  /** A code to rename the first stock of the contributions to, with the largest active contribution (hostile text). */
  readonly hostileCode?: string;
  /** Text to put into a rebalance message, a factor name and the notes. */
  readonly hostileText?: string;
  readonly attribution?: boolean;
  readonly weightKind?: 'weight' | 'importance';
  /** Run the backtest without a benchmark (benchmark figures `NaN`). */
  readonly noBenchmark?: boolean;
  /** End the backtest after this many trading days. */
  readonly days?: number;
}

/** The market, the backtest and the strategy result built on them. */
export interface Fixture {
  readonly data: MarketData;
  readonly backtest: BacktestResult;
  readonly result: StrategyReportInput & { readonly attribution?: ReportAttribution };
  /** Calendar indices of the rebalance decisions. */
  readonly decisions: readonly number[];
}

/** Sums of daily parts by a date prefix (`YYYY-MM` → 7, `YYYY` → 4). */
function periodSums(dates: readonly string[], daily: ReportAttribution['daily'], width: number): ReportAttributionPeriod[] {
  const out: { period: string; start: string; end: string; days: number; active: number; country: number; industry: number; style: number; specific: number }[] = [];
  dates.forEach((d, i) => {
    const period = d.slice(0, width);
    let row = out[out.length - 1];
    if (row?.period !== period) {
      row = { period, start: i > 0 ? dates[i - 1]! : d, end: d, days: 0, active: 0, country: 0, industry: 0, style: 0, specific: 0 };
      out.push(row);
    }
    row.end = d;
    row.days++;
    for (const p of ['active', 'country', 'industry', 'style', 'specific'] as const) row[p] += daily[p][i]!;
  });
  return out;
}

export function strategyFixture(options: FixtureOptions = {}): Fixture {
  const { tables } = generateMarket({ seed: options.seed ?? 5, stocks: options.stocks ?? 80, years: options.years ?? 1.3, funds: 0, exposures: false });
  const data = createDataset(tables).dataset;
  const T = data.calendar.length;
  const N = data.assets.length;
  const ret = data.field('ret');
  const close = data.field('close');
  const random = uniform(options.seed ?? 5);

  // The benchmark: equal weights over the stocks with a close, rebalanced daily.
  const benchmark = new Float64Array(T).fill(Number.NaN);
  for (let t = 1; t < T; t++) {
    let sum = 0;
    let n = 0;
    for (let a = 0; a < N; a++) {
      const r = ret.get(t, a);
      if (Number.isFinite(r) && Number.isFinite(close.get(t - 1, a))) {
        sum += r;
        n++;
      }
    }
    benchmark[t] = n > 0 ? sum / n : 0;
  }
  const benchmarkWeights = (t: number) => {
    const w = new Float64Array(N);
    let n = 0;
    for (let a = 0; a < N; a++) if (Number.isFinite(close.get(t, a))) n++;
    for (let a = 0; a < N; a++) w[a] = Number.isFinite(close.get(t, a)) ? 1 / n : Number.NaN;
    return w;
  };

  // 20 stocks with the best 20-day return, equal weight, every `every` days from day 25.
  const every = options.every ?? 5;
  const decisions: number[] = [];
  const targets = (t: number) => {
    if (t < 25 || (t - 25) % every !== 0) return undefined;
    decisions.push(t);
    const momentum: [number, number][] = [];
    for (let a = 0; a < N; a++) {
      const m = close.get(t, a) / close.get(t - 20, a) - 1;
      if (Number.isFinite(m)) momentum.push([a, m]);
    }
    momentum.sort((x, y) => y[1] - x[1]);
    const w = new Float64Array(N);
    for (const [a] of momentum.slice(0, 20)) w[a] = 0.98 / 20;
    return w;
  };
  const backtest = runBacktest(data, { capital: 10_000_000, ...(options.noBenchmark ? {} : { benchmark }), ...(options.days ? { end: data.calendar.dates[options.days - 1]! } : {}), benchmarkWeights, targets, depositRate: 0.015, costs: { slippageBps: 5 }, execution: { price: 'open', participation: 0.1 } });

  const dates = data.calendar.dates;
  const hostile = options.hostileText;
  const rebalances: ReportRebalance[] = decisions.map((t, i) => {
    const status = i % 11 === 3 ? 'held' : i % 13 === 5 ? 'relaxed' : i === decisions.length - 1 ? 'skipped' : 'optimal';
    return {
      date: dates[t]!,
      status,
      candidates: 60 + (i % 7),
      objective: status === 'held' ? Number.NaN : random(),
      exAnteTrackingError: 0.03 + 0.02 * random(),
      turnover: 0.1 + 0.2 * random(),
      relaxations: status === 'relaxed' ? ['turnover-limit: widen by 0.1 (0.3 → 0.4)'] : [],
      messages: status === 'held' ? [`infeasible: stock-deviation and turnover-limit conflict on ${dates[t]}${hostile && i === 3 ? ` ${hostile}` : ''}`] : status === 'skipped' ? ['no scores on this date'] : [],
      solveMs: 5 + 10 * random(),
    };
  });

  const factorNames = hostile ? [FACTORS[0], FACTORS[1], hostile] : [...FACTORS];
  const factorWeights = decisions
    .filter((_, i) => i % 4 === 0)
    .flatMap((t) => factorNames.map((factor) => ({ date: dates[t]!, factor, value: options.weightKind === 'importance' ? random() : random() - 0.3, kind: options.weightKind ?? ('weight' as const) })));

  const exposures = decisions.flatMap((t) => [
    ...STYLES.map((name) => {
      const portfolio = random() - 0.5;
      const bench = (random() - 0.5) / 10;
      return { date: dates[t]!, kind: 'style' as const, name, portfolio, benchmark: bench, active: portfolio - bench };
    }),
    ...INDUSTRIES.map((name) => {
      const portfolio = random() * 0.4;
      const bench = 0.2;
      return { date: dates[t]!, kind: 'industry' as const, name, portfolio, benchmark: bench, active: portfolio - bench };
    }),
  ]);

  const contributions = data.assets.map((code, a) => ({
    asset: a,
    code: a === 0 && options.hostileCode ? options.hostileCode : code,
    contribution: (random() - 0.4) * 0.02,
    // The hostile code tops the table.
    activeContribution: a === 0 && options.hostileCode ? 0.05 : (random() - 0.5) * 0.02,
    daysHeld: Math.floor(random() * 200),
    meanWeight: random() * 0.05,
    meanActiveWeight: (random() - 0.5) * 0.02,
    missingDays: 0,
  }));

  const periods: ReportHitRatePeriod[] = decisions.map((t, i) => {
    const stocks = 70 + (i % 5);
    const top = Math.ceil(stocks / 10);
    const total = 0.3 + random() * 0.2;
    const hit = i === 2 ? Number.NaN : random() * 0.35;
    return { date: dates[t]!, end: dates[decisions[i + 1] ?? T - 1]!, hitRate: hit, activeWeightTop: hit * total, activeWeightTotal: total, stocks, top, overweight: 20, unrankedWeight: 0 };
  });
  const scored = periods.filter((p) => Number.isFinite(p.hitRate));
  const hitRate = {
    periods,
    mean: scored.reduce((s, p) => s + p.hitRate, 0) / scored.length,
    random: periods.reduce((s, p) => s + p.top / p.stocks, 0) / periods.length,
    decile: 0.1,
    skipped: 0,
  };

  let attribution: ReportAttribution | undefined;
  if (options.attribution !== false) {
    const days = backtest.dates.slice(1);
    const part = () => Float64Array.from(days, () => (random() - 0.5) * 0.004);
    const country = part();
    const industry = part();
    const style = part();
    const specific = part();
    const active = Float64Array.from(days, (_, i) => country[i]! + industry[i]! + style[i]! + specific[i]!);
    const daily = { active, country, industry, style, specific };
    const sum = (x: Float64Array) => x.reduce((s, v) => s + v, 0);
    attribution = {
      dates: days,
      daily,
      periods: { month: periodSums(days, daily, 7), year: periodSums(days, daily, 4) },
      total: { active: sum(active), country: sum(country), industry: sum(industry), style: sum(style), specific: sum(specific) },
      byFactor: [...STYLES.map((name) => ({ name, group: 'style' as const, contribution: (random() - 0.5) * 0.02, meanExposure: random() - 0.5 })), { name: 'Banks', group: 'industry' as const, contribution: 0.001, meanExposure: 0.02 }],
      notes: ['12 asset-days with an active weight and no return were taken as 0.'],
    };
  }

  const result = {
    name: options.name ?? 'momentum-demo',
    definition: {
      name: options.name ?? 'momentum-demo',
      description: 'A momentum tilt on a synthetic market',
      universe: { index: '000300.SH', plugin: 'index', investable: {} },
      benchmark: 'equal weight of the market',
      factors: [...FACTORS],
      preprocess: true,
      model: { id: 'icir', params: { window: 12 }, horizon: 5, retrainEvery: 20, window: 240 },
      objective: { kind: 'max-alpha', trackingError: 0.05 },
      constraints: [
        { id: 'fully-invested' },
        { id: 'stock-deviation', params: { limit: 0.01 } },
        { id: 'turnover-limit', params: { limit: 0.3 }, priority: 2 },
      ],
      rebalance: { every: 'week' },
      infeasible: { policy: 'relax', relax: [{ constraint: 'turnover-limit', widen: 0.1 }] },
      capital: 10_000_000,
    },
    benchmark: 'equal weight of the market',
    backtest,
    rebalances,
    factorWeights,
    exposures,
    ...(attribution ? { attribution } : {}),
    contributions,
    hitRate,
    notes: ['3 rebalances were held: the problem had no solution.', ...(hostile ? [`factor ${hostile} had no values on 2 dates`] : [])],
    timings: { factors: 1234.4, model: 345.6, optimize: 789, simulate: 120, total: 2489 },
  };
  return { data, backtest, result, decisions };
}
