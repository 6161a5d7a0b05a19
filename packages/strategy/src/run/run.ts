import {
  type AttributionResult,
  type BacktestResult,
  contributionTracker,
  excessAttribution,
  runBacktestAsync,
  stockHitRate,
  weightRecorder,
} from '@factorkit/backtest';
import { type CategoricalPanel, FactorkitError, type MarketData, type OptimizerInstance, type Panel, show } from '@factorkit/core';
import { type PortfolioResult, type RelaxationRecord, solvePortfolio } from '@factorkit/portfolio';
import type { RiskModelEstimate } from '@factorkit/risk';
import type { Strategy } from '../spec/types.js';
import { strategyBenchmark } from './benchmark.js';
import { type RebalanceInputs, type RebalanceProblem, rebalanceProblem } from './rebalance.js';
import { type RebalanceRisk, annualisedCap, estimateStrategyRisk, exAnteTrackingError, rebalanceRisks } from './risk.js';
import { rebalanceDates } from './schedule.js';
import { computeSignals } from './signals.js';
import type { ExposureRecord, FactorWeightRecord, RebalanceRecord, RebalanceStatus, RunStrategyOptions, StrategyProgress, StrategyResult } from './types.js';
import { resolveUniverses } from './universe.js';

/** Weights this small (in absolute value) in a solution are 0. */
const ZERO_WEIGHT = 1e-9;

/**
 * Quadratic rows (the tracking-error cap) are met to 1 % of their bound (the tracking error to
 * 0.5 % of the cap, never above it), in at most 60 solves: portfolio's defaults (1e-8, 500) cost
 * minutes per date on the synthetic market where the Lagrangian search does not settle, for no
 * difference a backtest can see. A date still unsolved is held (status `iteration_limit`).
 */
const CUTS = { tolerance: 1e-2, maxIterations: 60 } as const;
/**
 * How an infeasible rebalance is explained: one minimal conflict, without the elastic view (a
 * run can meet many infeasible dates — suspensions in 2015 — and the relaxation order is declared
 * by the strategy, so the elastic view's suggestions are not used).
 */
const DIAGNOSE = { elastic: false, maxConflicts: 1 } as const;

/** Trading days of history the risk model is estimated on before the run's start. */
const RISK_HISTORY = 250;

/** The first and last calendar index of the run. */
function runRange(data: MarketData, strategy: Strategy): { start: number; end: number } {
  const calendar = data.calendar;
  const T = calendar.length;
  if (T < 2) throw new FactorkitError('FK_INVALID_DATA', `strategy \`${strategy.name}\`: the data has ${T} trading day(s); a run needs at least 2`);
  const start = strategy.start === undefined ? 0 : calendar.ceil(strategy.start);
  const end = strategy.end === undefined ? T - 1 : calendar.floor(strategy.end);
  const covers = `the data covers ${calendar.at(0)} … ${calendar.at(T - 1)}`;
  if (start < 0 || start >= T) throw new FactorkitError('FK_INVALID_ARGUMENT', `strategy.start: \`${strategy.start}\` is after the data's last trading day (${covers})`);
  if (end < 0) throw new FactorkitError('FK_INVALID_ARGUMENT', `strategy.end: \`${strategy.end}\` is before the data's first trading day (${covers})`);
  if (end <= start) throw new FactorkitError('FK_INVALID_ARGUMENT', `strategy \`${strategy.name}\`: no two trading days from ${show(strategy.start ?? calendar.at(0))} to ${show(strategy.end ?? calendar.at(T - 1))} (${covers})`);
  return { start, end };
}

/** Whether the strategy needs a risk model: its objective or constraints read one, or it is configured (for attribution). */
function needsRisk(strategy: Strategy): 'required' | 'attribution' | 'none' {
  const reads = strategy.objective.kind !== 'max-alpha' || strategy.constraints.some((c) => c.plugin.id === 'tracking-error-cap');
  if (reads) {
    if (strategy.risk === false) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `strategy \`${strategy.name}\`: the objective \`${strategy.objective.kind}\` or a tracking-error cap needs a risk model, but \`risk\` is false`);
    }
    return 'required';
  }
  return strategy.risk === false ? 'none' : 'attribution';
}

/** The style names the constraints ask for (`style-exposure`'s `styles`). */
function constraintStyles(strategy: Strategy): string[] {
  const names = new Set<string>();
  for (const spec of strategy.constraints) {
    if (spec.plugin.id !== 'style-exposure') continue;
    const styles = (spec.params as { styles?: readonly string[] }).styles ?? [];
    for (const s of styles) names.add(s);
  }
  return [...names];
}

/** The categorical fields the constraints classify by (`industry-neutral`'s `classification`). */
function constraintCategories(data: MarketData, strategy: Strategy, notes: string[]): Map<string, CategoricalPanel> {
  const out = new Map<string, CategoricalPanel>();
  const fields = new Set<string>();
  for (const spec of strategy.constraints) {
    if (spec.plugin.id === 'industry-neutral') fields.add((spec.params as { classification?: string }).classification ?? 'industry');
  }
  if (fields.size === 0 && data.hasField('industry')) fields.add('industry');
  for (const field of fields) {
    if (data.hasField(field)) out.set(field, data.categorical(field));
    else notes.push(`the dataset has no classification \`${field}\`: the constraints that group by it see every stock without a category`);
  }
  return out;
}

function relaxationText(r: RelaxationRecord): string {
  const fmt = (b: { lower: number; upper: number }) => `[${Number.isFinite(b.lower) ? +b.lower.toPrecision(6) : '−∞'}, ${Number.isFinite(b.upper) ? +b.upper.toPrecision(6) : '∞'}]`;
  return `\`${r.group}\` step ${r.step} (${r.amount}): ${fmt(r.from)} → ${fmt(r.to)}`;
}

/**
 * Run a strategy end to end: factors → model → portfolio → backtest.
 *
 * 1. The universe (its members, benchmark weights and tradability) and the investable universe
 *    are resolved on `data`; the composite benchmark's daily returns are computed on the data's
 *    calendar from index levels (`index_daily` of `data`, else of `options.benchmarkData`).
 * 2. The factors are computed within the investable universe (the universe itself without
 *    one), preprocessed, their directions applied, from `window + horizon` trading days before
 *    the start, so the first training at the start has a full window.
 * 3. Labels are the forward returns over the model's horizon; the model is walked forward
 *    (`walkForward`: retrained every `retrainEvery` days on the labels known at the close of the
 *    retrain date) and scores every date of the run.
 * 4. On each rebalance date (`rebalance.every`) the candidates, alpha (scores z-scored among
 *    them, 0 where missing), exposures, categories, tradability and the weights actually held at
 *    that close (from the simulation) make a problem with the strategy's objective and
 *    constraints, solved by one optimizer instance; an infeasible date follows the declared
 *    policy (`hold`, `relax`, `stop`).
 * 5. The simulation (`runBacktestAsync` of `@factorkit/backtest`) fills the targets decided at
 *    the close of `t` on `t + 1` under A-share rules; per-stock contributions, the stock-level
 *    hit rate and (with a risk model) the excess attribution are computed along.
 *
 * Only data known at the close of `t` decides the targets of `t`.
 *
 * @throws FactorkitError `FK_INFEASIBLE` (policy `stop`) naming the date and the conflict;
 *   `FK_MISSING_INPUT` for a benchmark series or field the data lacks; `FK_INVALID_ARGUMENT`
 *   for a range outside the data; the errors of the plugins.
 */
export async function runStrategy(data: MarketData, strategy: Strategy, options: RunStrategyOptions = {}): Promise<StrategyResult> {
  const began = performance.now();
  const timings: Record<string, number> = {};
  const notes: string[] = [];
  const progress = (event: StrategyProgress) => options.progress?.(event);
  const lap = (stage: string, since: number) => {
    timings[stage] = (timings[stage] ?? 0) + performance.now() - since;
  };
  const { start, end } = runRange(data, strategy);
  const calendar = data.calendar;
  const N = data.assets.length;

  let clock = performance.now();
  progress({ stage: 'universe', done: 0, total: 1 });
  const definition = strategy.definition;
  const { universe, investable, indexCode } = resolveUniverses(data, strategy.universe, definition.universe.index, strategy.investable);
  const benchmark = strategyBenchmark(data, {
    text: strategy.benchmark,
    ...(indexCode ? { alias: { name: definition.universe.index, code: indexCode } } : {}),
    benchmarkData: options.benchmarkData,
    depositRate: strategy.backtest.depositRate,
    dayBasis: strategy.backtest.dayBasis,
    first: start,
    last: end,
  });
  const schedule = rebalanceDates(calendar, strategy.rebalance.every, start, end - 1);
  if (schedule.length === 0) throw new FactorkitError('FK_INVALID_ARGUMENT', `strategy \`${strategy.name}\`: no rebalance date between ${calendar.at(start)} and ${calendar.at(end)} (rebalance every ${show(strategy.rebalance.every)})`);
  progress({ stage: 'universe', done: 1, total: 1 });
  lap('universe', clock);

  // Factors and the model.
  progress({ stage: 'factors', done: 0, total: strategy.factors.length });
  const signals = computeSignals(
    data,
    {
      factors: strategy.factors,
      preprocess: strategy.preprocess,
      model: strategy.model,
    },
    investable ?? universe,
    start,
    end,
    notes,
  );
  timings.factors = signals.timings.factors;
  timings.model = signals.timings.model;
  progress({ stage: 'factors', done: strategy.factors.length, total: strategy.factors.length });
  progress({ stage: 'model', done: signals.walk.trainings.length, total: signals.walk.trainings.length });

  // The risk model: estimated once, its models as of each rebalance date kept small.
  clock = performance.now();
  const riskNeed = needsRisk(strategy);
  let estimate: RiskModelEstimate | undefined;
  let risks: Map<number, RebalanceRisk> | undefined;
  if (riskNeed !== 'none' && strategy.risk !== false) {
    progress({ stage: 'risk', done: 0, total: 1 });
    try {
      estimate = estimateStrategyRisk(data, strategy.risk, Math.max(1, start - RISK_HISTORY), end, notes);
      if (riskNeed === 'required') risks = rebalanceRisks(estimate, schedule);
    } catch (error) {
      if (riskNeed === 'required') throw error;
      notes.push(`no risk model (so no excess attribution): ${error instanceof Error ? error.message : String(error)}`);
    }
    progress({ stage: 'risk', done: 1, total: 1 });
  }
  lap('risk', clock);

  const factorPanels = new Map<string, Panel>(signals.factors.map((f) => [f.name, f.values as Panel]));
  const inputs: RebalanceInputs = {
    data,
    universe,
    investable,
    scores: signals.walk.scores,
    offset: signals.first,
    factors: factorPanels,
    cap: data.hasField('market_cap') ? data.field('market_cap') : data.hasField('float_market_cap') ? data.field('float_market_cap') : undefined,
    categories: constraintCategories(data, strategy, notes),
    styles: constraintStyles(strategy).filter((s) => s !== 'size'),
    constraints: strategy.constraints.map(annualisedCap),
    objective: strategy.objective,
    risk: risks,
  };
  if (!inputs.cap && constraintStyles(strategy).includes('size')) notes.push('the dataset has no `market_cap` nor `float_market_cap`: the style `size` is missing for every stock');

  // The simulation, deciding each rebalance from the weights actually held at its close.
  const held = new Float64Array(N);
  const recorder = estimate ? weightRecorder(data) : undefined;
  const benchmarkWeights = (t: number): Float64Array | undefined => universe.weights(t)?.weights;
  const tracker = contributionTracker(data, { benchmarkWeights });
  const rebalances: RebalanceRecord[] = [];
  const exposures: ExposureRecord[] = [];
  const decided = new Map<number, Float64Array>();
  const isRebalance = new Uint8Array(calendar.length);
  for (const t of schedule) isRebalance[t] = 1;
  const counts = { missingScores: 0, pinned: 0, held: 0, relaxed: 0, skipped: 0, missingStyles: {} as Record<string, number>, missingCategories: {} as Record<string, number> };
  let optimizeMs = 0;
  let done = 0;

  const optimizer: OptimizerInstance = await strategy.optimizer.plugin.create(strategy.optimizer.params);
  let backtest: BacktestResult;
  const simulating = performance.now();
  try {
    backtest = await runBacktestAsync(data, {
      ...strategy.backtest,
      start: calendar.at(start),
      end: calendar.at(end),
      benchmark: benchmark.returns,
      benchmarkWeights,
      onClose: (t, weights) => {
        held.set(weights);
        tracker.onClose(t, weights);
        recorder?.onClose(t, weights);
      },
      targets: async (t) => {
        if (isRebalance[t] !== 1) return undefined;
        const solving = performance.now();
        const target = await rebalance(t);
        optimizeMs += performance.now() - solving;
        done++;
        progress({ stage: 'backtest', done, total: schedule.length, date: calendar.at(t) });
        return target;
      },
    });
  } finally {
    await optimizer.dispose?.();
  }
  timings.optimize = optimizeMs;
  timings.simulate = performance.now() - simulating - optimizeMs;

  async function rebalance(t: number): Promise<Float64Array | undefined> {
    const began = performance.now();
    const date = calendar.at(t);
    const record = (status: RebalanceStatus, fields: Partial<RebalanceRecord> = {}): void => {
      rebalances.push({
        date,
        status,
        candidates: 0,
        missingScores: 0,
        objective: Number.NaN,
        exAnteTrackingError: Number.NaN,
        turnover: 0,
        holdings: 0,
        targets: [],
        relaxations: [],
        messages: [],
        ...fields,
        solveMs: performance.now() - began,
      });
    };
    const bw = universe.weights(t);
    if (!bw) {
      counts.skipped++;
      record('skipped', { messages: [`universe \`${universe.id}\` has no benchmark weights on ${date}`] });
      return undefined;
    }
    const built = rebalanceProblem(inputs, t, bw.weights, held);
    if ('skip' in built) {
      counts.skipped++;
      record('skipped', { messages: [built.skip] });
      return undefined;
    }
    const p: RebalanceProblem = built;
    counts.missingScores += p.missingScores;
    counts.pinned += p.pinned;
    for (const [k, v] of Object.entries(p.missingStyles)) counts.missingStyles[k] = (counts.missingStyles[k] ?? 0) + v;
    for (const [k, v] of Object.entries(p.missingCategories)) counts.missingCategories[k] = (counts.missingCategories[k] ?? 0) + v;
    const base = { candidates: p.columns.length, missingScores: p.missingScores };
    const policy = strategy.infeasible.policy;
    const relaxation = policy === 'relax' ? strategy.infeasible.relax.filter((step) => p.problem.groups.some((g) => g.name === step.group)) : [];
    const result: PortfolioResult = await solvePortfolio(p.problem, { optimizer, cuts: CUTS, diagnose: DIAGNOSE, ...(relaxation.length > 0 ? { relaxation } : {}) });
    const relaxations = result.relaxations.map(relaxationText);
    if (result.status !== 'optimal') {
      const messages = result.status === 'infeasible' ? [...result.infeasibility.messages] : [`optimizer \`${optimizer.id}\` ended with status \`${result.status}\``, ...result.diagnostics.messages];
      if (result.status === 'infeasible' && policy === 'stop') {
        record('stopped', { ...base, relaxations, messages });
        throw new FactorkitError('FK_INFEASIBLE', `strategy \`${strategy.name}\`: the rebalance of ${date} is infeasible (policy \`stop\`):\n  ${messages.join('\n  ')}`, {
          details: { date, report: result.infeasibility, rebalances: [...rebalances] },
        });
      }
      counts.held++;
      record('held', { ...base, relaxations, messages: [...messages, 'the holdings were kept'] });
      return undefined;
    }
    // The solution, cleaned: no dust, no negative zero, never more than fully invested.
    const w = Float64Array.from(result.weights.subarray(0, p.columns.length), (v) => (v > ZERO_WEIGHT ? v : 0));
    let sum = 0;
    for (const v of w) sum += v;
    if (sum > 1) for (let k = 0; k < w.length; k++) w[k]! /= sum;
    const target = new Float64Array(N);
    let turnover = 0;
    let holdings = 0;
    // Every stock held is a candidate, so this is the whole turnover.
    p.columns.forEach((a, k) => {
      target[a] = w[k]!;
      turnover += Math.abs(w[k]! - held[a]!);
      if (w[k]! > 0) holdings++;
    });
    if (result.relaxations.length > 0) counts.relaxed++;
    record(result.relaxations.length > 0 ? 'relaxed' : 'optimal', {
      ...base,
      objective: result.objective,
      exAnteTrackingError: p.riskView ? exAnteTrackingError(p.riskView, w, p.context.benchmark) : Number.NaN,
      turnover: turnover / 2,
      holdings,
      targets: targetRows(data.assets, p.columns, w, p.context.benchmark),
      relaxations,
      messages: result.relaxations.length > 0 ? [...result.diagnostics.messages] : [],
    });
    recordExposures(exposures, date, p, w);
    decided.set(t, target);
    return target;
  }

  // Diagnostics.
  clock = performance.now();
  progress({ stage: 'diagnostics', done: 0, total: 1 });
  const days = [...decided.keys()];
  const hitRate = stockHitRate({
    data,
    rebalances: days,
    active: (t) => {
      const target = decided.get(t);
      const b = benchmarkWeights(t);
      if (!target) return undefined;
      return Float64Array.from(target, (w, a) => w - (b && b[a]! > 0 ? b[a]! : 0));
    },
    benchmarkWeights,
    end,
  });
  let attribution: AttributionResult | undefined;
  if (estimate && recorder) attribution = attribute(data, estimate, (t) => recorder.weights(t), benchmarkWeights, start, end);
  progress({ stage: 'diagnostics', done: 1, total: 1 });
  lap('diagnostics', clock);

  const factorWeights: FactorWeightRecord[] = signals.walk.trainings.flatMap((training) => training.weights.map((w) => ({ date: training.date, factor: w.factor, value: w.value, kind: w.kind })));
  runNotes(notes, counts, rebalances.length);
  timings.total = performance.now() - began;
  return {
    name: strategy.name,
    definition,
    benchmark: benchmark.text,
    backtest,
    rebalances,
    factorWeights,
    trainings: signals.walk.trainings,
    exposures,
    ...(attribution ? { attribution } : {}),
    contributions: tracker.result(),
    hitRate,
    factorReports: signals.reports,
    notes: [...notes, ...backtest.notes.map((n) => `backtest: ${n}`)],
    timings,
  };
}

/** The candidates with a positive target weight, with their benchmark weights. */
function targetRows(assets: readonly string[], columns: Int32Array, w: Float64Array, b: Float64Array): RebalanceRecord['targets'] {
  const rows: { code: string; weight: number; benchmark: number }[] = [];
  columns.forEach((a, k) => {
    if (w[k]! > 0) rows.push({ code: assets[a]!, weight: w[k]!, benchmark: b[k]! });
  });
  return rows;
}

/** The style and industry exposures of the targets against the benchmark's, on one date. */
function recordExposures(out: ExposureRecord[], date: string, p: RebalanceProblem, w: Float64Array): void {
  const b = p.context.benchmark;
  for (const [name, x] of Object.entries(p.context.exposures)) {
    let portfolio = 0;
    let bench = 0;
    for (let k = 0; k < x.length; k++) {
      const v = x[k]!;
      if (v !== v) continue;
      portfolio += w[k]! * v;
      bench += b[k]! * v;
    }
    out.push({ date, kind: 'style', name, portfolio, benchmark: bench, active: portfolio - bench });
  }
  const first = Object.values(p.context.categories)[0];
  if (!first) return;
  const L = first.levels.length;
  const pw = new Float64Array(L + 1);
  const bw = new Float64Array(L + 1);
  for (let k = 0; k < first.codes.length; k++) {
    const c = first.codes[k]!;
    const slot = c >= 0 && c < L ? c : L;
    pw[slot]! += w[k]!;
    bw[slot]! += b[k]!;
  }
  for (let c = 0; c <= L; c++) {
    if (pw[c] === 0 && bw[c] === 0) continue;
    const name = c < L ? first.levels[c]! : '(none)';
    out.push({ date, kind: 'industry', name, portfolio: pw[c]!, benchmark: bw[c]!, active: pw[c]! - bw[c]! });
  }
}

/** Excess attribution through the risk model's daily factor returns and the exposures known at each close. */
function attribute(
  data: MarketData,
  estimate: RiskModelEstimate,
  weights: (t: number) => Float64Array | undefined,
  benchmarkWeights: (t: number) => Float64Array | undefined,
  start: number,
  end: number,
): AttributionResult {
  const K = estimate.factors.length;
  const N = data.assets.length;
  const M = estimate.factorKinds.filter((k) => k === 'industry').length;
  const S = K - 1 - M;
  const lastEstimated = estimate.dates.length - 1;
  return excessAttribution({
    data,
    start,
    end,
    weights,
    benchmarkWeights,
    factors: estimate.factors.map((name, k) => ({ name, group: estimate.factorKinds[k]! })),
    exposures: (t) => {
      if (t > lastEstimated) return undefined;
      const x = estimate.exposuresAt(t);
      const out = new Float64Array(N * K);
      for (let a = 0; a < N; a++) {
        out[a * K] = 1;
        const ind = x.industry[a]!;
        if (ind >= 0 && ind < M) out[a * K + 1 + ind] = 1;
        for (let s = 0; s < S; s++) out[a * K + 1 + M + s] = x.styles[a * S + s]!;
      }
      return out;
    },
    factorReturns: (t) => (t <= lastEstimated ? estimate.factorReturns.subarray(t * K, (t + 1) * K) : undefined),
  });
}

/** What the run approximated or left out, in words. */
function runNotes(
  notes: string[],
  counts: { missingScores: number; pinned: number; held: number; relaxed: number; skipped: number; missingStyles: Record<string, number>; missingCategories: Record<string, number> },
  dates: number,
): void {
  if (counts.missingScores > 0) notes.push(`${counts.missingScores} candidate-dates had no score (held or constituents outside the scored universe, or without factor values): their alpha was set to 0`);
  for (const [style, n] of Object.entries(counts.missingStyles)) if (n > 0) notes.push(`${n} candidate-dates had no \`${style}\` exposure (the style constraint treats them as it is configured: \`missing\`)`);
  for (const [field, n] of Object.entries(counts.missingCategories)) if (n > 0) notes.push(`${n} candidate-dates had no \`${field}\` category (grouped or refused as the industry constraint is configured)`);
  if (counts.pinned > 0) notes.push(`${counts.pinned} times a stock that could not be traded back into its deviation band kept its weight (its band was moved to contain it)`);
  if (counts.relaxed > 0) notes.push(`${counts.relaxed} of ${dates} rebalances were solved only after relaxing constraints (see each rebalance's relaxations)`);
  if (counts.held > 0) notes.push(`${counts.held} of ${dates} rebalances were not solved and the holdings were kept (see each rebalance's messages)`);
  if (counts.skipped > 0) notes.push(`${counts.skipped} of ${dates} rebalances had nothing to optimise and made no trade (see each rebalance's messages)`);
}
