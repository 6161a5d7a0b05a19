/**
 * A sweep result made by hand (no run), for the report tests: two swept paths (a 3 × 2 grid,
 * then a stopped and a failed variant at two more tracking errors), metrics set by hand or from a
 * seeded generator. `hostile` puts markup
 * in a parameter value, a variant name and an error message.
 */
import type { BacktestMetrics } from '@factorkit/backtest';
import type { StrategyDefinition, SweepResult, VariantResult } from '../src/index.js';
import { uniform, weekdays } from './helpers.js';

export const EVIL = '<script>alert(1)</script>';
export const EVIL_MESSAGE = '<img src=x onerror=alert(2)>';

/** The base: tracking-error cap 0.05 and model `icir`, the values the variant `(0.05, icir)` keeps. */
export const FIXTURE_BASE = {
  name: 'base',
  universe: { index: 'csi300' },
  factors: ['momentum_1y'],
  model: { id: 'icir' },
  objective: { kind: 'max-alpha', trackingError: 0.05 },
} as StrategyDefinition;

/** Metrics with the information ratio `ir` and the annual excess `excess` (the rest plausible, from `random`). */
function metrics(ir: number, excess: number, random: () => number, days: readonly string[]): BacktestMetrics {
  const te = excess / ir;
  const benchmark = 0.05 + random() * 0.05;
  return {
    start: days[0]!,
    end: days[days.length - 1]!,
    days: days.length - 1,
    years: 0.25,
    totalReturn: (benchmark + excess) / 4,
    annualReturn: benchmark + excess,
    benchmarkTotalReturn: benchmark / 4,
    benchmarkAnnualReturn: benchmark,
    totalExcess: excess / 4,
    totalExcessRatio: excess / 4,
    annualExcess: excess,
    annualExcessRatio: excess,
    annualVolatility: 0.2,
    trackingError: te,
    informationRatio: ir,
    maxDrawdown: 0.1 + random() * 0.1,
    excessMaxDrawdown: 0.02 + random() * 0.02,
    turnover: 10 + random() * 5,
    costDrag: 0.01,
    weeklyWinRate: 0.5 + random() * 0.2,
    monthlyWinRate: 0.6,
    newHighRate: 0.1,
    excessNewHighRate: 0.2,
  };
}

/** A variant that ran: its daily NAV grows at `excess` a year over a benchmark that grows at 8%. */
function ran(index: number, name: string, parameters: Record<string, unknown>, ir: number, excess: number, random: () => number): VariantResult {
  const days = weekdays(64);
  const benchmark = Float64Array.from(days, (_, t) => (1 + 0.08) ** (t / 252) * (1 + 0.01 * Math.sin(t / 5)));
  const nav = Float64Array.from(benchmark, (b, t) => b * (1 + excess) ** (t / 252) * (1 + 0.002 * Math.sin(t / 3 + index)));
  return {
    index,
    name,
    parameters,
    status: 'ok',
    metrics: metrics(ir, excess, random, days),
    hitRate: 0.5 + random() * 0.2,
    rebalances: { optimal: 12, held: 1 },
    daily: { dates: days, nav, benchmark },
    notes: [],
    ms: 1000,
  };
}

/** The information ratios of the six grid variants, in sweep order: (0.03, icir) … (0.05, model 2). */
export const GRID_IR = [0.8, 1.4, 1.1, -0.3, 2.2, 0.5];

/** The hand-made sweep result (`hostile`: markup in a model id, a variant name and an error). */
export function sweepFixture(options: { hostile?: boolean } = {}): SweepResult {
  const random = uniform(7);
  const model2 = options.hostile ? EVIL : 'equal';
  const tes = [0.03, 0.04, 0.05];
  const models = ['icir', model2];
  const variants: VariantResult[] = [];
  tes.forEach((te, i) =>
    models.forEach((model, j) => {
      const index = i * 2 + j;
      const ir = GRID_IR[index]!;
      variants.push(ran(index, `grid-${index}`, { 'objective.trackingError': te, 'model.id': model }, ir, ir * te, random));
    }),
  );
  variants.push({
    index: 6,
    name: options.hostile ? `stop-${EVIL}` : 'stopped-one',
    parameters: { 'objective.trackingError': 0.06, 'model.id': 'icir' },
    status: 'stopped',
    error: { code: 'FK_INFEASIBLE', message: 'strategy `x`: the rebalance of 2024-01-05 is infeasible (policy `stop`)' },
    hitRate: Number.NaN,
    rebalances: { stopped: 1 },
    daily: { dates: [], nav: new Float64Array(0), benchmark: new Float64Array(0) },
    notes: [],
    ms: 10,
  });
  variants.push({
    index: 7,
    name: 'failed-one',
    parameters: { 'objective.trackingError': 0.07, 'model.id': 'icir' },
    status: 'failed',
    error: { code: 'FK_MISSING_INPUT', message: options.hostile ? `no index ${EVIL_MESSAGE}` : 'no index `000999.SH` in the data' },
    hitRate: Number.NaN,
    rebalances: {},
    daily: { dates: [], nav: new Float64Array(0), benchmark: new Float64Array(0) },
    notes: [],
    ms: 10,
  });
  return {
    name: 'fixture',
    description: 'a hand-made sweep',
    base: FIXTURE_BASE,
    axes: [
      { path: 'objective.trackingError', values: [...tes, 0.06, 0.07] },
      { path: 'model.id', values: models },
    ],
    variants,
    executor: 'this thread',
    ms: 1234,
  };
}
