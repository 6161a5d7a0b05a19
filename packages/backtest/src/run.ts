import { FactorkitError, type Issue, type MarketData, ValidationError, parseDate, show } from '@factorkit/core';
import { cumulativeIndex } from '@factorkit/benchmark';
import { Account, type OrderRequest } from './account.js';
import { roundOrder, roundSell } from './lots.js';
import { MarketView } from './market.js';
import { backtestMetrics, periodTables } from './metrics.js';
import { BACKTEST_SETTINGS, type BacktestSettings, type BacktestSettingsInput, checkSettings } from './settings.js';
import type { BacktestCounts, BacktestResult, HoldingRecord, Side, TradeReason, TradeRecord } from './types.js';

/** Options of {@link runBacktest}: the settings ({@link BACKTEST_SETTINGS}) and the run's inputs. */
export interface BacktestOptions extends BacktestSettingsInput {
  /**
   * The target weights decided at the close of day `t` (a calendar index of `data`), one per
   * asset of `data.assets` (fractions of the portfolio value, each ≥ 0, summing to at most 1;
   * the rest is cash), or `undefined` for no rebalance that day. Orders go to day `t + 1`.
   * Called once for each simulated day but the last, in order.
   */
  readonly targets: (t: number) => ArrayLike<number> | undefined;
  /** First day (`YYYY-MM-DD` or `YYYYMMDD`; the first trading day on or after it). Default: the calendar's first. */
  readonly start?: string;
  /** Last day (the last trading day on or before it). Default: the calendar's last. */
  readonly end?: string;
  /**
   * The benchmark's daily returns aligned to `data.calendar` (entry `t`: from the close of
   * `t − 1` to the close of `t`), e.g. `benchmarkReturns(...).returns` of `@factorkit/benchmark`.
   * Must be finite on every simulated day after the first. Omitted: benchmark figures are `NaN`.
   */
  readonly benchmark?: ArrayLike<number>;
  /**
   * The benchmark's weights at the close of day `t` over `data.assets` (`NaN` or 0 = not in the
   * benchmark), for `holdings`; called on the days `holdings` records. Omitted: `NaN` there.
   */
  readonly benchmarkWeights?: (t: number) => ArrayLike<number> | undefined;
  /** Which closes `holdings` records: days with a fill and the last day (default), or every day. */
  readonly holdings?: 'trades' | 'daily';
  /**
   * Called at the close of every simulated day `t` (the first included, in order, after the
   * day's fills and the mark to market, before `targets(t)`), with the portfolio's weights over
   * `data.assets`: position value / portfolio value (0 for a stock not held; the rest is cash).
   * The array is one buffer reused from day to day: copy what you keep (see
   * `weightRecorder`, `contributionTracker`). Omitted: no weights are computed.
   */
  readonly onClose?: (t: number, weights: Float64Array) => void;
}

/** An order waiting for its day, in adjusted shares (a split between decision and fill keeps its meaning). */
interface Pending {
  readonly asset: number;
  readonly side: Side;
  readonly adjusted: number;
  readonly exit: boolean;
}

const SETTING_KEYS = Object.keys(BACKTEST_SETTINGS) as (keyof typeof BACKTEST_SETTINGS)[];
const WEIGHT_TOLERANCE = 1e-9;
const SUM_TOLERANCE = 1e-6;

function resolve(data: MarketData, options: AsyncBacktestOptions): { settings: BacktestSettings; start: number; end: number } {
  const issues: Issue[] = [];
  const input: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) if (options[key] !== undefined) input[key] = options[key];
  const checked = checkSettings(input, 'options');
  if (!checked.ok) issues.push(...checked.issues);
  if (typeof options.targets !== 'function') issues.push({ path: 'options.targets', message: `expected a function (t) → weights | undefined, got ${show(options.targets)}` });
  if (options.benchmarkWeights !== undefined && typeof options.benchmarkWeights !== 'function') {
    issues.push({ path: 'options.benchmarkWeights', message: `expected a function (t) → weights | undefined, got ${show(options.benchmarkWeights)}` });
  }
  if (options.onClose !== undefined && typeof options.onClose !== 'function') {
    issues.push({ path: 'options.onClose', message: `expected a function (t, weights) → void, got ${show(options.onClose)}` });
  }
  if (options.holdings !== undefined && options.holdings !== 'trades' && options.holdings !== 'daily') {
    issues.push({ path: 'options.holdings', message: `expected \`trades\` or \`daily\`, got ${show(options.holdings)}` });
  }
  const calendar = data.calendar;
  const day = (text: string | undefined, what: 'start' | 'end'): number | undefined => {
    if (text === undefined) return what === 'start' ? 0 : calendar.length - 1;
    try {
      const date = parseDate(text, `options.${what}`);
      return what === 'start' ? calendar.ceil(date) : calendar.floor(date);
    } catch {
      issues.push({ path: `options.${what}`, message: `${show(text)} is not a date (expected YYYY-MM-DD or YYYYMMDD)` });
      return undefined;
    }
  };
  const start = day(options.start, 'start');
  const end = day(options.end, 'end');
  if (start !== undefined && end !== undefined && !(start <= end && start < calendar.length && end >= 0)) {
    issues.push({ path: 'options.start', message: `no trading day from ${show(options.start ?? calendar.dates[0])} to ${show(options.end ?? calendar.dates[calendar.length - 1])} in the data's calendar (${calendar.dates[0] ?? 'empty'} … ${calendar.dates[calendar.length - 1] ?? 'empty'})` });
  }
  const benchmark = options.benchmark;
  if (benchmark !== undefined) {
    if (typeof benchmark !== 'object' || benchmark === null || typeof benchmark.length !== 'number') {
      issues.push({ path: 'options.benchmark', message: `expected daily returns aligned to the calendar, got ${show(benchmark)}` });
    } else if (benchmark.length !== calendar.length) {
      issues.push({ path: 'options.benchmark', message: `has ${benchmark.length} returns, the calendar ${calendar.length} days` });
    } else if (start !== undefined && end !== undefined) {
      const bad: string[] = [];
      for (let t = start + 1; t <= end; t++) if (!Number.isFinite(benchmark[t]!)) bad.push(calendar.dates[t]!);
      if (bad.length > 0) issues.push({ path: 'options.benchmark', message: `no finite return on ${bad.length} simulated day(s): ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', …' : ''}` });
    }
  }
  if (issues.length > 0 || !checked.ok) throw new ValidationError('FK_INVALID_PARAMS', 'invalid backtest options', issues, { details: { owner: 'runBacktest' } });
  return { settings: checked.value, start: start!, end: end! };
}

function checkWeights(weights: ArrayLike<number>, t: number, data: MarketData, what: string): void {
  const where = `${what}(${data.calendar.dates[t]})`;
  if (weights.length !== data.assets.length) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}: expected ${data.assets.length} weights (one per asset of the data), got ${weights.length}`, { details: { t } });
  }
  let sum = 0;
  for (let a = 0; a < weights.length; a++) {
    const w = weights[a]!;
    if (!Number.isFinite(w) || w < -WEIGHT_TOLERANCE) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}: the weight of \`${data.assets[a]}\` is ${show(w)}; weights must be finite and ≥ 0 (no short sales)`, {
        details: { t, asset: data.assets[a], weight: w },
      });
    }
    sum += Math.max(0, w);
  }
  if (sum > 1 + SUM_TOLERANCE) throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}: the weights sum to ${show(sum)}, more than 1 (no leverage)`, { details: { t, sum } });
}

/** Benchmark weights: one per asset, `NaN` = not in the benchmark, never negative. */
function checkBenchmarkWeights(weights: ArrayLike<number>, t: number, data: MarketData): void {
  const where = `benchmarkWeights(${data.calendar.dates[t]})`;
  if (weights.length !== data.assets.length) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}: expected ${data.assets.length} weights (one per asset of the data), got ${weights.length}`, { details: { t } });
  }
  for (let a = 0; a < weights.length; a++) {
    const w = weights[a]!;
    if (w < 0 || w === Number.POSITIVE_INFINITY) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}: the weight of \`${data.assets[a]}\` is ${show(w)}; expected a fraction ≥ 0, or NaN for a stock not in the benchmark`, { details: { t, asset: data.assets[a], weight: w } });
    }
  }
}

/**
 * Simulate an A-share portfolio day by day in shares and cash (see the README for every rule and
 * its source): at the close of each day `t` of the run, `options.targets(t)` may give target
 * weights; they become orders (in shares, sized at the close of `t`) that fill on `t + 1` at the
 * open, the VWAP or the close, under board lots, T+1, price limits judged at the fill time,
 * suspensions, the volume participation cap and the cash; costs are charged by date, cash earns
 * the deposit rate. Returns the daily series, every order's fate, the holdings, metrics and
 * period tables.
 *
 * @throws ValidationError `FK_INVALID_PARAMS` listing every bad option; FactorkitError
 *   `FK_MISSING_INPUT` when the data lacks a field the fills read; `FK_INVALID_ARGUMENT` when
 *   `targets` returns bad weights (naming the date and asset).
 */
export function runBacktest(data: MarketData, options: BacktestOptions): BacktestResult {
  const days = simulate(data, options);
  let step = days.next();
  while (!step.done) step = days.next(options.targets(step.value));
  return step.value;
}

/** Options of {@link runBacktestAsync}: those of {@link runBacktest}, with `targets` that may return a promise. */
export interface AsyncBacktestOptions extends Omit<BacktestOptions, 'targets'> {
  /** As {@link BacktestOptions.targets}, awaited: called once for each simulated day but the last, in order, each call awaited before the next day. */
  readonly targets: (t: number) => ArrayLike<number> | undefined | PromiseLike<ArrayLike<number> | undefined>;
}

/**
 * {@link runBacktest} for targets decided asynchronously (an optimizer's `solve` is async): the
 * same simulation, rules and result, with `targets(t)` awaited at the close of each day before
 * the simulation moves on, so a caller can read the weights at the close of `t` (`onClose`) and
 * solve for the targets of `t` from them.
 *
 * @throws as {@link runBacktest}.
 */
export async function runBacktestAsync(data: MarketData, options: AsyncBacktestOptions): Promise<BacktestResult> {
  const days = simulate(data, options);
  let step = days.next();
  while (!step.done) step = days.next(await options.targets(step.value));
  return step.value;
}

/** The simulation of {@link runBacktest}: yields each day `t` whose close may bring target weights, and is given them back. */
function* simulate(data: MarketData, options: AsyncBacktestOptions): Generator<number, BacktestResult, ArrayLike<number> | undefined> {
  const { settings, start, end } = resolve(data, options);
  const at = settings.execution.price;
  const market = new MarketView(data, [at], true);
  const account = new Account(market, settings);
  const D = end - start + 1;
  const N = market.N;
  const nav = new Float64Array(D);
  const value = new Float64Array(D);
  const cash = new Float64Array(D);
  const turnover = new Float64Array(D);
  const cost = new Float64Array(D);
  const interest = new Float64Array(D);
  const trades: TradeRecord[] = [];
  const holdings: HoldingRecord[] = [];
  const totals = { commission: 0, stampDuty: 0, transferFee: 0, slippage: 0, interest: 0 };
  let pending: Pending[] = [];
  let rebalances = 0;
  let belowLot = 0;
  const carry = settings.execution.remainder === 'carry';
  const onClose = options.onClose;
  const closeWeights = onClose ? new Float64Array(N) : undefined;

  const cancel = (t: number, reason: TradeReason) => {
    for (const order of pending) {
      trades.push(cancelled(market, account, order, t, reason));
    }
    pending = [];
  };

  for (let k = 0; k < D; k++) {
    const t = start + k;
    interest[k] = account.beginDay(t);
    totals.interest += interest[k]!;
    let traded = 0;
    let filledAny = false;
    if (pending.length > 0) {
      const orders: OrderRequest[] = pending.map((p) => ({ asset: p.asset, side: p.side, shares: p.adjusted * account.factorOf(p.asset), exit: p.exit }));
      const records = account.execute(orders, at);
      records.forEach((record) => {
        trades.push(record);
        traded += record.amount;
        const day = record.commission + record.stampDuty + record.transferFee + record.slippage;
        cost[k] = cost[k]! + day;
        totals.commission += record.commission;
        totals.stampDuty += record.stampDuty;
        totals.transferFee += record.transferFee;
        totals.slippage += record.slippage;
        if (record.filled > 0) filledAny = true;
      });
      pending = carry ? remainders(pending, records, account, market) : [];
    }
    value[k] = account.markToMarket();
    nav[k] = value[k]! / settings.capital;
    cash[k] = account.cash;
    turnover[k] = k > 0 ? traded / 2 / value[k - 1]! : 0;
    if (filledAny || k === D - 1 || options.holdings === 'daily') {
      for (const row of snapshot(market, account, options, t, value[k]!, data)) holdings.push(row);
    }
    if (onClose) {
      const w = closeWeights!;
      const total = value[k]!;
      for (let a = 0; a < N; a++) {
        const held = account.shares[a]!;
        w[a] = held === 0 ? 0 : (held * account.lastClose(a)) / total;
      }
      onClose(t, w);
    }
    if (k === D - 1) break;
    const weights = yield t;
    if (weights === undefined) continue;
    checkWeights(weights, t, data, 'targets');
    rebalances++;
    cancel(t, 'superseded');
    for (let a = 0; a < N; a++) {
      const order = sizeOrder(account, market, a, Math.max(0, weights[a]!), value[k]!);
      if (order === 'below_lot') belowLot++;
      else if (order === 'no_price') trades.push(unpriced(market, a, t + 1));
      else if (order) pending.push(order);
    }
  }
  cancel(end, 'end');
  const notes = [...market.notes];
  const stuck = market.assets.filter((_, a) => account.shares[a]! > 0 && !(market.isTrading(end, a) >= 0));
  if (stuck.length > 0) {
    notes.push(
      `${stuck.length} position(s) have no daily row on the last day (delisted, or missing from the data) and are valued at their last close: ${stuck.slice(0, 10).map((c) => `\`${c}\``).join(', ')}${stuck.length > 10 ? ', …' : ''}`,
    );
  }

  const dates = market.dates.slice(start, end + 1);
  const benchmarkNav = options.benchmark ? cumulativeIndex(Float64Array.from({ length: D }, (_, k) => (k === 0 ? 0 : options.benchmark![start + k]!))) : new Float64Array(D).fill(Number.NaN);
  const series = { dates, nav, benchmarkNav, value, turnover, cost };
  return {
    dates,
    startIndex: start,
    capital: settings.capital,
    nav,
    benchmarkNav,
    value,
    cash,
    turnover,
    cost,
    interest,
    trades,
    holdings,
    metrics: backtestMetrics(series),
    periods: periodTables(series),
    counts: countTrades(trades, rebalances, belowLot),
    costs: totals,
    notes,
    settings,
  };
}

/**
 * The remainders carried to the next day (`remainder: 'carry'`): what did not fill of each order
 * because of the market (a limit, a suspension, no row, the volume cap, T+1), to be tried again.
 * Not carried: a buy scaled down for cash (the cash will not grow by itself; the next rebalance
 * sizes anew), and what can never fill (below the board's smallest order, a position no longer
 * there).
 */
function remainders(pending: readonly Pending[], records: readonly TradeRecord[], account: Account, market: MarketView): Pending[] {
  const carried: Pending[] = [];
  records.forEach((record, i) => {
    const order = pending[i]!;
    const rest = record.ordered - record.filled;
    if (record.status === 'filled' || !(rest > 0) || record.reason === 'cash' || record.reason === 'lot' || record.reason === 'no_position') return;
    const lot = market.lots[order.asset]!;
    if (!order.exit) {
      const fillable = order.side === 'buy' ? roundOrder(rest, lot) : roundSell(rest, account.heldRaw(order.asset), lot);
      if (fillable === 0) return;
    }
    carried.push({ asset: order.asset, side: order.side, adjusted: order.exit ? 0 : rest / account.factorOf(order.asset), exit: order.exit });
  });
  return carried;
}

/**
 * The order that takes asset `a` from its position to `weight × portfolioValue` at the day's
 * close: a whole exit for a zero weight, else the difference in adjusted shares. A change
 * smaller than the board's smallest order makes no order (`'below_lot'`); a positive weight
 * for a stock never priced cannot be sized (`'no_price'`).
 */
function sizeOrder(account: Account, market: MarketView, a: number, weight: number, portfolioValue: number): Pending | 'below_lot' | 'no_price' | undefined {
  const held = account.shares[a]!;
  if (weight === 0) return held > 0 ? { asset: a, side: 'sell', adjusted: held, exit: true } : undefined;
  const price = account.lastClose(a);
  if (!(price > 0)) return 'no_price';
  const delta = (weight * portfolioValue) / price - held;
  if (delta === 0) return undefined;
  const factor = account.factorOf(a);
  const lot = market.lots[a]!;
  if (delta > 0) return roundOrder(delta * factor, lot) > 0 ? { asset: a, side: 'buy', adjusted: delta, exit: false } : 'below_lot';
  const heldRaw = held * factor;
  const sell = roundSell(-delta * factor, heldRaw, lot);
  if (sell === 0) return 'below_lot';
  return { asset: a, side: 'sell', adjusted: -delta, exit: sell === heldRaw };
}

function cancelled(market: MarketView, account: Account, order: Pending, t: number, reason: TradeReason): TradeRecord {
  const factor = account.factorOf(order.asset);
  const shares = order.exit ? account.heldRaw(order.asset) : order.adjusted * factor;
  return blank(market, order.asset, order.side, t, shares, 'cancelled', reason);
}

function unpriced(market: MarketView, a: number, t: number): TradeRecord {
  return blank(market, a, 'buy', t, Number.NaN, 'refused', 'no_price');
}

function blank(market: MarketView, a: number, side: Side, t: number, shares: number, status: 'cancelled' | 'refused', reason: TradeReason): TradeRecord {
  return {
    t,
    date: market.dates[t]!,
    asset: a,
    code: market.assets[a]!,
    side,
    ordered: shares,
    filled: 0,
    price: Number.NaN,
    amount: 0,
    commission: 0,
    stampDuty: 0,
    transferFee: 0,
    slippage: 0,
    status,
    reason,
  };
}

function snapshot(market: MarketView, account: Account, options: AsyncBacktestOptions, t: number, portfolioValue: number, data: MarketData): HoldingRecord[] {
  const benchmark = options.benchmarkWeights?.(t);
  if (benchmark !== undefined) checkBenchmarkWeights(benchmark, t, data);
  const rows: HoldingRecord[] = [];
  for (let a = 0; a < market.N; a++) {
    const held = account.shares[a]!;
    const bw = benchmark ? benchmark[a]! : Number.NaN;
    if (held === 0 && !(bw > 0)) continue;
    rows.push({
      t,
      date: market.dates[t]!,
      asset: a,
      code: market.assets[a]!,
      shares: account.heldRaw(a),
      weight: held === 0 ? 0 : (held * account.lastClose(a)) / portfolioValue,
      benchmarkWeight: bw,
    });
  }
  return rows;
}

function countTrades(trades: readonly TradeRecord[], rebalances: number, belowLot: number): BacktestCounts {
  const counts = { filled: 0, partial: 0, refused: 0, cancelled: 0 };
  const reasons: Partial<Record<TradeReason, number>> = {};
  for (const trade of trades) {
    counts[trade.status]++;
    if (trade.reason) reasons[trade.reason] = (reasons[trade.reason] ?? 0) + 1;
  }
  return { rebalances, ...counts, reasons, belowLot };
}
