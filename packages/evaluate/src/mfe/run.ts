import { type BenchmarkWeights, FactorkitError, type Problem, ProblemBuilder, type Tradability, ValidationError, applyConstraints } from '@factorkit/core';
import { maxExposure, solvePortfolio } from '@factorkit/portfolio';
import { benchmarkReturns } from './benchmark.js';
import { bindingGroups } from './binding.js';
import { type RebalanceContext, type RebalanceInputs, rebalanceContext, rebalanceInputs } from './context.js';
import { dataFingerprint, settingsKeyOf } from './fingerprint.js';
import { Prices, ZERO_WEIGHT } from './holdings.js';
import { type ResolvedMfe, executionPrice, hasRow, resolveMfeOptions } from './options.js';
import { type RunPlan, freshPlan, resumePlan, resumeRefusal } from './resume.js';
import { periodEnds } from './schedule.js';
import { type Mutable, type Period, newPeriod } from './state.js';
import type { MfeCheckpoint, MfeDaily, MfeOptions, MfeRebalance, MfeRebalanceCounts, MfeResult, MfeResumeCheck, MfeRunResult, MfeWeights } from './types.js';

const NO_COUNTS: MfeRebalanceCounts = Object.freeze({ missingFactor: 0, missingStyle: {}, pinned: 0, cashedOut: 0, blockedBuys: 0, blockedSells: 0, buyFill: 1 });

/** A run's options resolved against its data: everything but the state carried from day to day. */
interface Setup {
  readonly resolved: ResolvedMfe;
  readonly notes: string[];
  readonly price: 'vwap' | 'close';
  readonly prices: Prices;
  readonly inputs: RebalanceInputs;
  readonly schedule: readonly number[];
  readonly settingsKey: string;
}

function setup(options: MfeOptions): Setup {
  const resolved = resolveMfeOptions(options);
  const { data, universe } = options;
  const notes: string[] = [];
  const { price, vwap } = executionPrice(data, resolved.settings.requestedPrice, notes);
  if (!universe.tradability) notes.push(`universe \`${universe.id}\` gives no tradability: every stock is treated as tradable on every day`);
  const prices = new Prices(data.field('ret'), vwap);
  const inputs = rebalanceInputs(data, resolved, universe, options.investable, notes);
  const schedule = resolved.explicit ?? periodEnds(data.calendar, resolved.scheduleKind === 'weekly' ? 'week' : 'month', resolved.first, resolved.last);
  return { resolved, notes, price, prices, inputs, schedule, settingsKey: settingsKeyOf(options, resolved, price) };
}

/** The plan of the run: from scratch, or continued from `options.resume` (refused with `FK_INVALID_ARGUMENT` when it does not fit). */
function plan(options: MfeOptions, s: Setup): RunPlan {
  const { data } = options;
  const N = data.assets.length;
  const { last } = s.resolved;
  if (options.resume === undefined) return freshPlan(N, s.schedule, last);
  const refusal = resumeRefusal(options.resume, { data, universe: options.universe, inputs: s.inputs, schedule: s.schedule, last, notes: s.notes, settingsKey: s.settingsKey });
  if (refusal?.issues) throw new ValidationError('FK_INVALID_PARAMS', 'runMfe: the checkpoint to resume from is malformed', refusal.issues);
  if (refusal) throw new FactorkitError('FK_INVALID_ARGUMENT', `runMfe: cannot resume from the checkpoint: ${refusal.message}`, { details: { reason: refusal.reason } });
  return resumePlan(options.resume, N, s.schedule, last, (t) => data.calendar.at(t));
}

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
 * The result carries a `checkpoint`; `runMfe({ …, resume: checkpoint })` on data that extends
 * further solves only the new rebalance dates and gives the result a run from scratch would.
 *
 * @throws ValidationError `FK_INVALID_PARAMS` listing every invalid option (a malformed `resume`
 *   with the paths of its problems); `FK_MISSING_INPUT` when the universe gives no benchmark
 *   weights or the data has no `ret`; `FK_INVALID_ARGUMENT` when `resume` does not fit these
 *   options and data (`details.reason`, see {@link checkMfeResume}).
 * @example
 * const result = await runMfe({ data, factor: { values: f.values, dates }, universe: csi500, investable: market, optimizer: highs });
 * const summary = mfeAggregates(result.daily, '2024-06-28');
 * // A week later: the same options over the data through the new week (data, factor values and
 * // universes of the longer data), and the checkpoint.
 * const next = await runMfe({ ...optionsOverLongerData, resume: result.checkpoint });
 */
export async function runMfe(options: MfeOptions): Promise<MfeResult> {
  const s = setup(options);
  const { data, universe, optimizer } = options;
  const { resolved, prices, inputs, schedule } = s;
  const { settings, last } = resolved;
  const calendar = data.calendar;
  const T = calendar.length;
  const N = data.assets.length;
  const run = plan(options, s);
  const { state } = run;
  const { holdings, records, weights, counts } = state;
  prices.missingReturns = run.missingReturns;
  prices.vwapFallbacks = run.vwapFallbacks;

  let bench = options.benchmarkReturns;
  if (!bench) {
    // Days already in the checkpoint were counted by its run.
    const computed = schedule.length > 0 ? benchmarkReturns(data, universe, { from: Math.max(schedule[0]! + 1, run.dailyThrough + 1), to: last }) : undefined;
    bench = computed?.returns ?? new Float64Array(T).fill(Number.NaN);
    state.benchmarkMissing += computed?.missingReturns ?? 0;
  }

  const pDay = new Float64Array(T).fill(Number.NaN);
  const bDay = new Float64Array(T).fill(Number.NaN);
  const cashDay = new Float64Array(T).fill(Number.NaN);
  if (run.daily && state.inception !== undefined) {
    const from = state.inception + 1;
    pDay.set(run.daily.portfolio, from);
    bDay.set(run.daily.benchmark, from);
    cashDay.set(run.daily.cash, from);
  }
  const costPerSide = settings.costRoundTrip / 2;

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
    state.period = newPeriod();
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
    const previous = state.previousSolve;
    const warm = options.warmStart && previous && previous.x.length === problem.numVariables && previous.rows === problem.A.rows ? previous.x : undefined;
    const result = await solvePortfolio(problem, {
      optimizer,
      ...(warm ? { warmStart: { x: warm } } : {}),
      ...(relaxation?.length ? { relaxation } : {}),
      ...(options.timeLimitMs === undefined ? {} : { timeLimitMs: options.timeLimitMs }),
      ...(options.diagnose ? { diagnose: options.diagnose } : {}),
    });
    record.solveMs = performance.now() - solving;
    record.status = result.status;
    state.previousSolve = result.status === 'optimal' && result.relaxations.length === 0 ? { x: result.x, rows: result.problem.A.rows } : undefined;
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
      // On the run's last day the trade waits in the checkpoint for a resume.
      state.pending = { record: records.length - 1, tradeIndex: t + 1, target, benchmark: bw.weights, weights: weights.length - 1, rows };
    }
  };

  /** Day `d`: the trade of the previous day's rebalance, or the drift; the open period compounds it. */
  const day = (d: number): void => {
    const trade = state.pending;
    if (trade && trade.tradeIndex === d) {
      state.pending = undefined;
      const flags: Tradability | undefined = universe.tradability?.(d);
      const execution = holdings.execute(d, trade.target, prices, flags, costPerSide);
      pDay[d] = execution.ret;
      if (state.inception === undefined) {
        state.inception = d - 1;
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
    compound(state.period!, pDay[d]!, bDay[d]!, bench[d]!);
  };

  let next = run.next;
  for (let d = run.start; d <= last; d++) {
    if (d > run.dailyThrough) day(d);
    if (schedule[next] === d) {
      // The holding period of the previous rebalance: (its date, d].
      if (records.length > 0) closePeriod(records[records.length - 1]!, state.period!, d, calendar.dates);
      await rebalance(d);
      next++;
      options.onProgress?.(next, schedule.length, calendar.at(d));
    }
  }
  // The last period runs to the end of the run, and stays open in the checkpoint.
  if (records.length > 0) closePeriod(records[records.length - 1]!, state.period!, last, calendar.dates);

  const result: MfeRunResult = {
    universe: universe.id,
    optimizer: optimizer.id,
    settings: { ...withoutRequested(settings), price: s.price },
    rebalances: records,
    weights,
    daily: dailySeries(state.inception, last, calendar.dates, pDay, bDay, cashDay),
    counts: { rebalances: schedule.length, ...counts, missingReturns: prices.missingReturns + state.benchmarkMissing, vwapFallbacks: prices.vwapFallbacks },
    notes: s.notes,
  };
  const checkpoint: MfeCheckpoint = {
    format: 'factorkit-mfe-checkpoint',
    version: 1,
    settingsKey: s.settingsKey,
    fingerprint: dataFingerprint(data, inputs, universe, records[records.length - 1]?.index, last),
    dates: calendar.dates.slice(0, last + 1),
    assets: data.assets,
    state: {
      holdings: holdings.snapshot(),
      pending: state.pending,
      inception: state.inception,
      period: state.period ? { ...state.period } : undefined,
      warmStart: options.warmStart && state.previousSolve ? { x: state.previousSolve.x, rows: state.previousSolve.rows } : undefined,
      missingReturns: prices.missingReturns,
      benchmarkMissing: state.benchmarkMissing,
      vwapFallbacks: prices.vwapFallbacks,
    },
    result,
  };
  return { ...result, checkpoint };
}

/**
 * Whether `checkpoint` can continue a run with these options and data (what `runMfe` checks
 * before a resume, without running anything): `{ ok: true }`, or the reason and message it would
 * refuse with — `checkpoint` (malformed), `assets` (other columns), `calendar` (the data's
 * calendar does not start with the checkpoint's dates), `settings` (another settings key; the
 * message lists what differs), `range` (the run would end before the checkpoint's last day),
 * `schedule` (other rebalance dates up to that day), `data` (other notes, or the fingerprint of
 * the data read near the checkpoint's end differs). The data before the checkpoint's last day is
 * otherwise the caller's responsibility: a resume trusts that it is the data the checkpoint's
 * run read.
 *
 * @throws ValidationError `FK_INVALID_PARAMS` for invalid options, as `runMfe`.
 */
export function checkMfeResume(options: MfeOptions, checkpoint: MfeCheckpoint): MfeResumeCheck {
  const s = setup(options);
  const refusal = resumeRefusal(checkpoint, { data: options.data, universe: options.universe, inputs: s.inputs, schedule: s.schedule, last: s.resolved.last, notes: s.notes, settingsKey: s.settingsKey });
  return refusal ? { ok: false, reason: refusal.reason, message: refusal.message } : { ok: true };
}

/**
 * The settings key `runMfe` would write into its checkpoint for these options and data (see
 * `MfeCheckpoint.settingsKey`): canonical JSON, equal for two runs whose settings agree.
 *
 * @throws ValidationError `FK_INVALID_PARAMS` for invalid options, as `runMfe`.
 */
export function mfeSettingsKey(options: MfeOptions): string {
  return setup(options).settingsKey;
}

/** Day returns into the open period, in the order a run from scratch multiplies them. */
function compound(period: Period, p: number, b: number, series: number): void {
  if (Number.isNaN(p)) period.invested = false;
  period.portfolio *= 1 + p;
  period.benchmark *= 1 + (period.invested ? b : series);
  period.benchmarkSeries *= 1 + series;
}

/** The holding period of `record` through day `to`: its days, end and compounded returns. */
function closePeriod(record: Mutable<MfeRebalance>, period: Period, to: number, dates: readonly string[]): void {
  record.days = Math.max(0, to - record.index);
  if (record.days === 0) {
    record.periodEnd = undefined;
    record.portfolioReturn = record.benchmarkReturn = record.excessReturn = Number.NaN;
    return;
  }
  record.periodEnd = dates[to];
  // A period with a day before the first trade has no portfolio return; its benchmark is the series'.
  const p = period.invested ? period.portfolio : Number.NaN;
  const b = period.invested ? period.benchmark : period.benchmarkSeries;
  record.portfolioReturn = p - 1;
  record.benchmarkReturn = b - 1;
  record.excessReturn = p / b - 1;
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

function weightsRecord(date: string, rows: Int32Array, target: Float64Array, benchmark: Float64Array, executed: ReadonlyMap<number, number> | undefined, codes: readonly string[]): MfeWeights {
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
