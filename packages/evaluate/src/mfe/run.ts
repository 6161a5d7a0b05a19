import { type BenchmarkWeights, type Problem, ProblemBuilder, type Tradability, applyConstraints } from '@factorkit/core';
import { maxExposure, solvePortfolio } from '@factorkit/portfolio';
import { benchmarkReturns } from './benchmark.js';
import { bindingGroups } from './binding.js';
import { type RebalanceContext, rebalanceContext, rebalanceInputs } from './context.js';
import { Holdings, Prices, ZERO_WEIGHT } from './holdings.js';
import { hasRow, resolveMfeOptions } from './options.js';
import { periodEnds } from './schedule.js';
import type { MfeCounts, MfeDaily, MfeOptions, MfeRebalance, MfeRebalanceCounts, MfeResult, MfeWeights } from './types.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A solved rebalance waiting for its trade day. */
interface Pending {
  readonly record: number;
  readonly tradeIndex: number;
  readonly target: Float64Array;
  readonly benchmark: Float64Array;
  readonly weights: number;
  readonly rows: Int32Array;
}

const NO_COUNTS: MfeRebalanceCounts = Object.freeze({ missingFactor: 0, missingStyle: {}, pinned: 0, cashedOut: 0, blockedBuys: 0, blockedSells: 0, buyFill: 1 });

/**
 * The maximum-factor-exposure (MFE) portfolio test of one factor against one benchmark.
 *
 * On each rebalance date `t` (monthly by default) it maximises the factor exposure Σ wᵢ·αᵢ over
 * the candidates (benchmark constituents, investable stocks with a factor value, stocks held)
 * subject to the constraints of {@link MfeConstraintsConfig} — fully invested, long only,
 * |w − b| ≤ 1%, industry- and size-neutral, ≥ 80% in constituents, one-way turnover ≤ 30% against
 * the holdings at the close of `t` (not on the first rebalance), tradability on `t` — built with
 * `@factorkit/constraints` and solved with `@factorkit/portfolio` and the optimizer given. Only
 * data as of the close of `t` enters the problem.
 *
 * The trades fill on the next trading day at its VWAP (or close): each stock moves to its target
 * unless the universe says it cannot be bought or sold that day (it keeps its weight; a blocked
 * buy leaves cash, a blocked sell scales the buys down), and half the round-trip cost is charged
 * on every unit traded. Between trade days the weights drift with prices, and the portfolio and
 * benchmark returns are recorded every day, so any window (week, month, year) is exact.
 *
 * A date that cannot be solved — infeasible (with `@factorkit/portfolio`'s explanation of which
 * constraint groups conflict), another solver status, or nothing to optimise (no benchmark
 * weights, no factor values) — is reported and counted, and the run goes on holding the previous
 * weights, drifting; no other weights ever stand in.
 *
 * @throws ValidationError `FK_INVALID_PARAMS` listing every invalid option; `FK_MISSING_INPUT`
 *   when the universe gives no benchmark weights or the data has no `ret`.
 * @example
 * const result = await runMfe({ data, factor: { values: f.values, dates }, universe: csi500, investable: market, optimizer: highs });
 * const summary = mfeAggregates(result.daily, '2024-06-28');
 */
export async function runMfe(options: MfeOptions): Promise<MfeResult> {
  const resolved = resolveMfeOptions(options);
  const { data, universe, optimizer } = options;
  const { settings, first, last } = resolved;
  const calendar = data.calendar;
  const T = calendar.length;
  const N = data.assets.length;
  const notes: string[] = [];

  let price = settings.requestedPrice;
  let vwap: { price: ReturnType<typeof data.field>; close: ReturnType<typeof data.field> } | undefined;
  if (price === 'vwap') {
    if (data.hasField('vwap') && data.hasField('raw_close')) vwap = { price: data.field('vwap'), close: data.field('raw_close') };
    else {
      price = 'close';
      notes.push(`the dataset has no \`${data.hasField('vwap') ? 'raw_close' : 'vwap'}\` field, so trades cannot fill at the VWAP: they fill at the next day's close`);
    }
  }
  if (!universe.tradability) notes.push(`universe \`${universe.id}\` gives no tradability: every stock is treated as tradable on every day`);
  const prices = new Prices(data.field('ret'), vwap);
  const inputs = rebalanceInputs(data, resolved, universe, options.investable, notes);
  const schedule = resolved.explicit ?? periodEnds(calendar, resolved.scheduleKind === 'weekly' ? 'week' : 'month', first, last);

  let benchmarkMissing = 0;
  let bench = options.benchmarkReturns;
  if (!bench) {
    const computed = schedule.length > 0 ? benchmarkReturns(data, universe, { from: schedule[0]! + 1, to: last }) : undefined;
    bench = computed?.returns ?? new Float64Array(T).fill(Number.NaN);
    benchmarkMissing = computed?.missingReturns ?? 0;
  }

  const holdings = new Holdings(N);
  const pDay = new Float64Array(T).fill(Number.NaN);
  const bDay = new Float64Array(T).fill(Number.NaN);
  const cashDay = new Float64Array(T).fill(Number.NaN);
  let inception: number | undefined;
  let pending: Pending | undefined;
  const records: Mutable<MfeRebalance>[] = [];
  const weights: Mutable<MfeWeights>[] = [];
  const counts = { rebalances: schedule.length, optimal: 0, infeasible: 0, failed: 0, skipped: 0 };
  const costPerSide = settings.costRoundTrip / 2;
  /** The last optimal solve, for {@link MfeOptions.warmStart}. */
  let previousSolve: { readonly x: Float64Array; readonly rows: number } | undefined;

  const rebalance = async (t: number): Promise<void> => {
    const started = performance.now();
    const record: Mutable<MfeRebalance> = {
      date: calendar.at(t),
      index: t,
      tradeDate: t < last ? calendar.at(t + 1) : undefined,
      periodEnd: undefined,
      days: 0,
      status: 'skipped',
      messages: [],
      objective: Number.NaN,
      benchmarkExposure: Number.NaN,
      activeExposure: Number.NaN,
      portfolioReturn: Number.NaN,
      benchmarkReturn: Number.NaN,
      excessReturn: Number.NaN,
      turnover: 0,
      cost: 0,
      binding: [],
      bindingFrom: 'none',
      nAssets: holdings.held.length,
      candidates: 0,
      counts: NO_COUNTS,
      buildMs: 0,
      solveMs: 0,
    };
    records.push(record);
    const cashedOut = holdings.cashOutUnpriced(t, prices);
    if (cashedOut > 0) record.counts = { ...NO_COUNTS, cashedOut };
    record.nAssets = holdings.held.length;
    const skip = (why: string): void => {
      record.messages = [why];
      counts.skipped++;
    };
    if (!hasRow(resolved.factor, t)) return skip('the factor has no values on this date (outside its dates)');
    const bw: BenchmarkWeights | undefined = universe.weights!(t);
    if (!bw) return skip(`universe \`${universe.id}\` has no benchmark weights on this date`);
    const built = rebalanceContext(inputs, t, bw.weights, holdings);
    if ('skip' in built) return skip(built.skip);
    const ctx: RebalanceContext = built;
    record.candidates = ctx.columns.length;
    record.counts = { ...record.counts, missingFactor: ctx.missingFactor, missingStyle: ctx.missingStyle, pinned: ctx.pinned };
    let benchmarkExposure = 0;
    for (let k = 0; k < ctx.alpha.length; k++) benchmarkExposure += ctx.context.benchmark[k]! * ctx.alpha[k]!;
    record.benchmarkExposure = benchmarkExposure;

    const problem = buildProblem(ctx);
    record.buildMs = performance.now() - started;
    await options.onProblem?.({ date: record.date, index: t, problem });
    const solving = performance.now();
    // A step for a group this date's problem lacks (no turnover limit on the first rebalance) is left out.
    const relaxation = options.relaxation?.filter((step) => problem.groups.some((g) => g.name === step.group));
    const warm = options.warmStart && previousSolve && previousSolve.x.length === problem.numVariables && previousSolve.rows === problem.A.rows ? previousSolve.x : undefined;
    const result = await solvePortfolio(problem, {
      optimizer,
      ...(warm ? { warmStart: { x: warm } } : {}),
      ...(relaxation?.length ? { relaxation } : {}),
      ...(options.timeLimitMs === undefined ? {} : { timeLimitMs: options.timeLimitMs }),
      ...(options.diagnose ? { diagnose: options.diagnose } : {}),
    });
    record.solveMs = performance.now() - solving;
    record.status = result.status;
    previousSolve = result.status === 'optimal' && result.relaxations.length === 0 ? { x: result.x, rows: result.problem.A.rows } : undefined;
    if (result.relaxations.length > 0) record.relaxations = result.relaxations;
    if (result.status === 'infeasible') {
      counts.infeasible++;
      record.infeasibility = result.infeasibility;
      record.messages = [...result.infeasibility.messages];
    } else if (result.status !== 'optimal') {
      counts.failed++;
      record.messages = [...result.diagnostics.messages];
    } else {
      counts.optimal++;
      if (result.relaxations.length > 0) record.messages = [...result.diagnostics.messages];
      const target = new Float64Array(N);
      let objective = 0;
      let nAssets = 0;
      ctx.columns.forEach((a, k) => {
        const w = Math.abs(result.weights[k]!) < ZERO_WEIGHT ? 0 : result.weights[k]!;
        target[a] = w;
        objective += w * ctx.alpha[k]!;
        if (w > 0) nAssets++;
      });
      record.objective = objective;
      record.activeExposure = objective - benchmarkExposure;
      record.nAssets = nAssets;
      const binding = bindingGroups(result.problem, result);
      record.binding = binding.groups;
      record.bindingFrom = binding.from;
      const rows = weightRows(target, holdings.held);
      weights.push(weightsRecord(record.date, rows, target, bw.weights, undefined, data.assets));
      if (t < last) pending = { record: records.length - 1, tradeIndex: t + 1, target, benchmark: bw.weights, weights: weights.length - 1, rows };
    }
  };

  const startDay = schedule[0] ?? last + 1;
  let next = 0;
  for (let d = startDay; d <= last; d++) {
    if (d > startDay) {
      if (pending && pending.tradeIndex === d) {
        const trade = pending;
        pending = undefined;
        const flags: Tradability | undefined = universe.tradability?.(d);
        const execution = holdings.execute(d, trade.target, prices, flags, costPerSide);
        pDay[d] = execution.ret;
        if (inception === undefined) {
          inception = d - 1;
          bDay[d] = benchmarkFromExecution(d, trade.benchmark, prices);
        } else bDay[d] = bench[d]!;
        const record = records[trade.record]!;
        record.turnover = execution.turnover;
        record.cost = execution.cost;
        record.counts = { ...record.counts, blockedBuys: execution.blockedBuys, blockedSells: execution.blockedSells, buyFill: execution.buyFill };
        weights[trade.weights] = weightsRecord(record.date, trade.rows, trade.target, trade.benchmark, execution.executed, data.assets);
      } else if (holdings.invested) {
        pDay[d] = holdings.drift(d, prices);
        bDay[d] = bench[d]!;
      }
      if (holdings.invested) cashDay[d] = holdings.cash;
    }
    if (schedule[next] === d) {
      await rebalance(d);
      next++;
      options.onProgress?.(next, schedule.length, calendar.at(d));
    }
  }

  // Holding periods: (date, next rebalance date], the last one to the end of the run.
  records.forEach((record, k) => {
    const from = record.index + 1;
    const to = k + 1 < records.length ? records[k + 1]!.index : last;
    record.days = Math.max(0, to - from + 1);
    if (record.days === 0) return;
    record.periodEnd = calendar.at(to);
    let p = 1;
    let b = 1;
    let invested = true;
    for (let d = from; d <= to; d++) {
      if (Number.isNaN(pDay[d]!)) invested = false;
      p *= 1 + pDay[d]!;
      b *= 1 + (invested ? bDay[d]! : bench[d]!);
    }
    if (!invested) {
      b = 1;
      for (let d = from; d <= to; d++) b *= 1 + bench[d]!;
      p = Number.NaN;
    }
    record.portfolioReturn = p - 1;
    record.benchmarkReturn = b - 1;
    record.excessReturn = p / b - 1;
  });

  const runCounts: MfeCounts = { ...counts, missingReturns: prices.missingReturns + benchmarkMissing, vwapFallbacks: prices.vwapFallbacks };
  return {
    universe: universe.id,
    optimizer: optimizer.id,
    settings: { ...withoutRequested(settings), price },
    rebalances: records,
    weights,
    daily: dailySeries(inception, last, calendar.dates, pDay, bDay, cashDay),
    counts: runCounts,
    notes,
  };
}

/** The MFE problem: maximise Σ αᵢwᵢ, then each constraint in its own group, from its own context. */
function buildProblem(ctx: RebalanceContext): Problem {
  const objective = maxExposure(ctx.alpha);
  const builder = new ProblemBuilder({ assets: ctx.context.assets }, objective.sense);
  objective.build(builder, ctx.context);
  for (const group of ctx.groups) applyConstraints(builder, group.context, [group.spec]);
  return builder.build();
}

function withoutRequested<S extends { requestedPrice: unknown }>(settings: S): Omit<S, 'requestedPrice'> {
  const { requestedPrice: _unused, ...rest } = settings;
  return rest;
}

/**
 * The benchmark's return on the first trade day, measured like the portfolio's from the execution
 * price: Σ bᵢ·(1 + retᵢ) / Σ bᵢ·beforeᵢ − 1 with `b` the weights at the previous close.
 */
function benchmarkFromExecution(d: number, b: Float64Array, prices: Prices): number {
  let atExecution = 0;
  let atClose = 0;
  for (let a = 0; a < b.length; a++) {
    const w = b[a]!;
    if (!(w > 0)) continue;
    const legs = prices.legs(d, a, false);
    atExecution += w * legs.before;
    atClose += w * legs.before * legs.after;
  }
  return atClose / atExecution - 1;
}

/** The rows of a weights record: a non-zero target, or held going into the rebalance (so a blocked sell shows). */
function weightRows(target: Float64Array, held: readonly number[]): Int32Array {
  const rows = new Set<number>(held);
  for (let a = 0; a < target.length; a++) if (target[a] !== 0) rows.add(a);
  return Int32Array.from([...rows].sort((x, y) => x - y));
}

function weightsRecord(date: string, rows: Int32Array, target: Float64Array, benchmark: Float64Array, executed: ReadonlyMap<number, number> | undefined, codes: readonly string[]): Mutable<MfeWeights> {
  return {
    date,
    assets: rows,
    codes: Array.from(rows, (a) => codes[a]!),
    weight: Float64Array.from(rows, (a) => target[a]!),
    benchmark: Float64Array.from(rows, (a) => (benchmark[a]! > 0 ? benchmark[a]! : 0)),
    executed: Float64Array.from(rows, (a) => (executed ? executed.get(a) ?? 0 : Number.NaN)),
  };
}

function dailySeries(inception: number | undefined, last: number, dates: readonly string[], pDay: Float64Array, bDay: Float64Array, cashDay: Float64Array): MfeDaily {
  if (inception === undefined) {
    return { inception: undefined, dates: [], portfolio: new Float64Array(0), benchmark: new Float64Array(0), excess: new Float64Array(0), cash: new Float64Array(0) };
  }
  const from = inception + 1;
  const portfolio = pDay.slice(from, last + 1);
  const benchmark = bDay.slice(from, last + 1);
  const excess = portfolio.map((p, k) => (1 + p) / (1 + benchmark[k]!) - 1);
  return { inception: dates[inception], dates: dates.slice(from, last + 1), portfolio, benchmark, excess, cash: cashDay.slice(from, last + 1) };
}
